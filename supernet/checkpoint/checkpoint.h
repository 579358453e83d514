// One training checkpoint: a directory NAME/ holding
//   model.safetensors      every parameter by its ParameterStore name, at its full shape
//   optimizer.safetensors  Adam's moments: "exp_avg.NAME" and "exp_avg_sq.NAME" per parameter
//   state.json             format version, update count, Adam's step count and options, the
//                          trainer's own state, build versions, creation time, host, and the
//                          SHA-256 and size of both safetensors files
// built under a temporary name and renamed into place, so it is complete or absent.
#pragma once

#include <cstdint>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "devices/parameters.h"
#include "supernet/optim/adam.h"

namespace hat::checkpoint {

inline constexpr const char* kModelFile = "model.safetensors";
inline constexpr const char* kOptimizerFile = "optimizer.safetensors";
inline constexpr const char* kStateFile = "state.json";
inline constexpr int kFormatVersion = 1;

// Writes the checkpoint directory `dir` atomically (replacing an older one of that name).
// `trainer_state` is an arbitrary JSON object (null = {}) given back by load_checkpoint.
void write_checkpoint(const std::filesystem::path& dir, int64_t update,
                      const ParameterStore& params, const optim::Adam& adam,
                      const nlohmann::json& trainer_state);

// Reads state.json and checks both safetensors files against the sizes and SHA-256 it
// records; returns the state. Throws hat::Error naming the directory and the fault.
nlohmann::json verify_checkpoint(const std::filesystem::path& dir);

struct LoadedCheckpoint {
  std::filesystem::path dir;
  int64_t update = 0;
  int64_t adam_steps = 0;
  nlohmann::json trainer;  // what write_checkpoint was given
  nlohmann::json state;    // the whole state.json
};

// Verifies the checkpoint, checks that its tensors match `params` exactly (same names,
// shapes, dtype: a checkpoint of another space or vocabulary is refused with both shapes
// named), then copies parameters and moments in bit for bit and restores Adam's step count.
// Nothing is modified unless every check passes.
LoadedCheckpoint load_checkpoint(const std::filesystem::path& dir, const ParameterStore& params,
                                 optim::Adam& adam);

// Views of Adam's flat moments shaped like each parameter (shared storage).
Tensor moment_view(const Tensor& flat_moment, const ParameterStore::Entry& entry);

}  // namespace hat::checkpoint
