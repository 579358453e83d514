// hatpredict's commands (tools/hatpredict.cc dispatches to them), and the options several share:
// where the data come from, its inference setting, training and the kernel benchmarks.
#pragma once

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

#include "latency/device_profile.h"
#include "latency/predict/training.h"

namespace hat::hatpredict {

// cli::parse_options with --help added to `options`, which prints `about`.
std::optional<boost::program_options::variables_map> parse(
    int argc, char** argv, boost::program_options::options_description& options, const char* about);

// "a,b,,c" -> {"a", "b", "c"}.
std::vector<std::string> split_list(const std::string& text);

// --kind: a comma-separated list of kinds, or all. Throws cli::UsageError on an unknown kind.
std::vector<std::string> parse_kinds(const std::string& text);

// --device, --data, its setting, training and --kernels options (train, eval, transfer).
void add_data_options(boost::program_options::options_description& options);

// --PREFIXvocab, --PREFIXsource-length, --PREFIXbeam, --PREFIXqkv, each at least 1.
latency::InferenceSetting setting_from(const boost::program_options::variables_map& vm,
                                       const std::string& prefix = "");

// The training options, the device's target scale when given a profile; sets the thread count.
latency::TrainOptions train_options(const boost::program_options::variables_map& vm,
                                    const latency::DeviceProfile* profile);

// --kernels (files, or none) or else the profile's file: latency/predict/attach_kernels.h.
void attach_kernels(const boost::program_options::variables_map& vm, latency::PredictorData& data,
                    const latency::DeviceProfile* profile = nullptr);

int eval_command(int argc, char** argv);      // eval_command.cc
int train_command(int argc, char** argv);     // train_command.cc
int predict_command(int argc, char** argv);   // predict_command.cc
int transfer_command(int argc, char** argv);  // transfer_command.cc
int measure_command(int argc, char** argv);   // measure_commands.cc
int kernels_command(int argc, char** argv);

}  // namespace hat::hatpredict
