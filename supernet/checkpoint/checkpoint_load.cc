// Loading a checkpoint into a ParameterStore and an Adam: everything checked first, then
// copied bit for bit.
#include <map>
#include <vector>

#include "devices/error.h"
#include "supernet/checkpoint/checkpoint.h"
#include "supernet/checkpoint/safetensors.h"

namespace hat::checkpoint {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string dtype_and_shape(DType dtype, const Shape& shape) { return str(safetensors_dtype(dtype), " ", shape); }

// Every expected tensor present with the expected dtype and shape, and nothing else; the
// mismatches (the first few) in one message.
void match_tensors(const fs::path& dir, const char* file, const SafetensorsHeader& header,
                   const std::map<std::string, Tensor>& expected) {
  std::vector<std::string> problems;
  for (const auto& [name, t] : expected) {
    const SafetensorsEntry* e = header.find(name);
    if (!e)
      problems.push_back(str(name, " ", t.shape(), " is in the model but not in the checkpoint"));
    else if (e->shape != t.shape())
      problems.push_back(str(name, " is ", e->shape, " in the checkpoint but ", t.shape(), " in the model"));
    else if (e->dtype != t.dtype())
      problems.push_back(str(name, " is ", dtype_and_shape(e->dtype, e->shape), " in the checkpoint but ",
                             dtype_and_shape(t.dtype(), t.shape()), " in the model"));
  }
  for (const SafetensorsEntry& e : header.entries)
    if (!expected.count(e.name))
      problems.push_back(str(e.name, " ", e.shape, " is in the checkpoint but not in the model"));
  if (problems.empty()) return;
  std::string message = str("checkpoint ", dir.string(), " (", file, ") does not fit this model: ");
  for (size_t i = 0; i < problems.size() && i < 3; ++i) message += (i ? "; " : "") + problems[i];
  if (problems.size() > 3) message += str("; and ", problems.size() - 3, " more");
  message += " (another vocabulary or search space?)";
  throw Error(message);
}

}  // namespace

LoadedCheckpoint load_checkpoint(const fs::path& dir, const ParameterStore& params,
                                 optim::Adam& adam) {
  HAT_CHECK(params.allocated(), "checkpoint ", dir.string(), ": the parameters are not allocated");
  HAT_CHECK(params.values().device() == Device::cpu, "checkpoint ", dir.string(),
            ": parameters must be in CPU memory, not ", params.values().describe());
  HAT_CHECK(adam.exp_avg().numel() == params.total_size(), "checkpoint ", dir.string(), ": Adam holds ",
            adam.exp_avg().numel(), " moments for ", params.total_size(), " parameter elements");

  LoadedCheckpoint out;
  out.dir = dir;
  out.state = verify_checkpoint(dir);
  out.update = out.state["update"].get<int64_t>();
  out.adam_steps = out.state["adam"]["steps"].get<int64_t>();
  out.trainer = out.state["trainer"];
  HAT_CHECK(out.update >= 0 && out.adam_steps >= 0, "checkpoint ", dir.string(), ": negative update (", out.update,
            ") or Adam step count (", out.adam_steps, ")");

  std::map<std::string, Tensor> values, moments;
  for (const ParameterStore::Entry& e : params.entries()) {
    values[e.name] = e.value;
    moments["exp_avg." + e.name] = moment_view(adam.exp_avg(), e);
    moments["exp_avg_sq." + e.name] = moment_view(adam.exp_avg_sq(), e);
  }
  const SafetensorsHeader model = read_safetensors_header(dir / kModelFile);
  const SafetensorsHeader optimizer = read_safetensors_header(dir / kOptimizerFile);
  match_tensors(dir, kModelFile, model, values);
  match_tensors(dir, kOptimizerFile, optimizer, moments);

  // The alignment gaps between parameters hold no state: zero them like a fresh Adam.
  adam.exp_avg().zero_();
  adam.exp_avg_sq().zero_();
  read_safetensors_into(dir / kModelFile, model, values);
  read_safetensors_into(dir / kOptimizerFile, optimizer, moments);
  adam.set_steps(out.adam_steps);
  return out;
}

}  // namespace hat::checkpoint
