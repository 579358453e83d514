// The model options hattranslate, hateval and hatprofile share (--model, --checkpoint, --data,
// --arch), turned into a ModelChoice; header-only, as only tools that link hat_supernet include it.
#pragma once

#include <boost/program_options.hpp>
#include <optional>
#include <string>

#include "supernet/export/inference_model.h"
#include "tools/cli/cli.h"

namespace hat::cli {

// --model or --checkpoint (never both); --data always for a checkpoint, for a model directory
// only when given; --arch only when given (defaults do not count).
inline standalone::ModelChoice model_choice(const boost::program_options::variables_map& vm) {
  conflicting_options(vm, "model", "checkpoint");
  standalone::ModelChoice choice;
  if (vm.count("model")) choice.model_dir = vm["model"].as<std::string>();
  if (vm.count("checkpoint")) choice.checkpoint = vm["checkpoint"].as<std::string>();
  if (!choice.model_dir || !vm["data"].defaulted()) choice.data = vm["data"].as<std::string>();
  if (vm.count("arch") && !vm["arch"].defaulted()) choice.arch = vm["arch"].as<std::string>();
  return choice;
}

// For a tool whose model is optional (hatprofile: random weights otherwise): nothing when
// neither --model nor --checkpoint was given.
inline std::optional<standalone::ModelChoice> optional_model_choice(
    const boost::program_options::variables_map& vm) {
  if (!vm.count("model") && !vm.count("checkpoint")) return std::nullopt;
  return model_choice(vm);
}

}  // namespace hat::cli
