// hatprofile's commands (tools/hatprofile.cc dispatches to them), and what they share: the
// usage text, option parsing with --help, and the dataset's lock wait.
#pragma once

#include <boost/program_options.hpp>

#include <filesystem>
#include <optional>

#include "latency/dataset/latency_dataset.h"
#include "latency/device_profile.h"
#include "latency/measure/profile_run.h"

namespace hat::hatprofile {

extern const char* const kAbout;

// cli::parse_options with a "General" group holding --help, which prints kAbout.
std::optional<boost::program_options::variables_map> parse(
    int argc, char** argv, boost::program_options::options_description& options);

// The SQLite dataset a command measures into or merges into: --dataset, else the device
// profile's own file; a device whose profile keeps HAT's CSV data needs --dataset (usage error).
std::filesystem::path device_dataset(const boost::program_options::variables_map& vm,
                                     const latency::DeviceProfile& device);

// --busy-timeout, when the command has it.
latency::DatasetOptions dataset_options(const boost::program_options::variables_map& vm,
                                        bool read_only);

// run's options, and its configuration from them and the device profile's defaults (run_options.cc;
// the model and its space come later).
boost::program_options::options_description run_options();
latency::ProfileRunConfig run_config(const boost::program_options::variables_map& vm,
                                     const latency::DeviceProfile& device);

int run_command(int argc, char** argv);     // run_command.cc
int import_command(int argc, char** argv);  // data_commands.cc
int export_command(int argc, char** argv);
int merge_command(int argc, char** argv);
int stats_command(int argc, char** argv);
int remote_command(int argc, char** argv);  // remote_command.cc

}  // namespace hat::hatprofile
