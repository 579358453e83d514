// Writing a checkpoint directory and verifying one against its recorded checksums.
#include "supernet/checkpoint/checkpoint.h"

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>

#include "devices/backends.h"
#include "devices/error.h"
#include "supernet/checkpoint/safetensors.h"
#include "util/atomic_directory.h"
#include "util/atomic_file.h"
#include "util/sha256.h"

namespace hat::checkpoint {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

json build_info() {
#if defined(__clang__)
  const std::string compiler = str("Clang ", __clang_version__);
#elif defined(__GNUC__)
  const std::string compiler = str("GCC ", __VERSION__);
#else
  const std::string compiler = "unknown";
#endif
  return {{"onednn", onednn_version()},
          {"onednn_hash", onednn_hash()},
          {"compiler", compiler},
          {"cxx_standard", __cplusplus}};
}

json file_record(const fs::path& path) {
  return {{"sha256", util::sha256_file(path)}, {"bytes", fs::file_size(path)}};
}

}  // namespace

Tensor moment_view(const Tensor& flat_moment, const ParameterStore::Entry& entry) {
  return flat_moment.narrow(0, entry.offset, shape_numel(entry.shape)).reshape(entry.shape);
}

void write_checkpoint(const fs::path& dir, int64_t update, const ParameterStore& params,
                      const optim::Adam& adam, const json& trainer_state) {
  HAT_CHECK(params.allocated(), "checkpoint ", dir.string(), ": the parameters are not allocated");
  HAT_CHECK(params.values().device() == Device::cpu, "checkpoint ", dir.string(),
            ": parameters must be in CPU memory, not ", params.values().describe());
  HAT_CHECK(adam.exp_avg().numel() == params.total_size(), "checkpoint ", dir.string(), ": Adam holds ",
            adam.exp_avg().numel(), " moments for ", params.total_size(), " parameter elements");
  HAT_CHECK(update >= 0, "checkpoint ", dir.string(), ": negative update count ", update);
  HAT_CHECK(trainer_state.is_object() || trainer_state.is_null(), "checkpoint ", dir.string(),
            ": the trainer state must be a JSON object, not ", trainer_state.type_name());

  NamedTensors model, optimizer;
  for (const ParameterStore::Entry& e : params.entries()) {
    model.emplace_back(e.name, e.value);
    optimizer.emplace_back("exp_avg." + e.name, moment_view(adam.exp_avg(), e));
    optimizer.emplace_back("exp_avg_sq." + e.name, moment_view(adam.exp_avg_sq(), e));
  }
  const SafetensorsMetadata metadata = {{"format", "pt"}, {"producer", "hat"}, {"update", std::to_string(update)}};

  util::AtomicDirectory staging(dir);
  write_safetensors(staging.path() / kModelFile, model, metadata);
  write_safetensors(staging.path() / kOptimizerFile, optimizer, metadata);
  const optim::AdamOptions& o = adam.options();
  json state = {
      {"format", "hat-checkpoint"},
      {"format_version", kFormatVersion},
      {"update", update},
      {"adam",
       {{"steps", adam.steps()},
        {"beta1", o.beta1},
        {"beta2", o.beta2},
        {"eps", o.eps},
        {"weight_decay", o.weight_decay}}},
      {"dtype", safetensors_dtype(params.values().dtype())},
      {"parameters", {{"tensors", params.entries().size()}, {"elements", params.total_size()}}},
      {"trainer", trainer_state.is_null() ? json::object() : trainer_state},
      {"build", build_info()},
      {"created", utc_now()},
      {"host", host_name()},
      {"files",
       {{kModelFile, file_record(staging.path() / kModelFile)},
        {kOptimizerFile, file_record(staging.path() / kOptimizerFile)}}},
  };
  std::string text;
  try {
    text = state.dump(2) + "\n";
  } catch (const json::exception& e) {
    throw Error(str("checkpoint ", dir.string(), ": cannot encode state.json: ", e.what()));
  }
  util::write_file_atomically(staging.path() / kStateFile, text);
  staging.commit();
}

json verify_checkpoint(const fs::path& dir) {
  const std::string where = str("checkpoint ", dir.string());
  HAT_CHECK(fs::is_directory(dir), where, ": no such directory");
  const fs::path state_path = dir / kStateFile;
  std::ifstream in(state_path);
  HAT_CHECK(in, where, ": no readable ", kStateFile, " (not a checkpoint, or an incomplete one)");
  json state;
  try {
    state = json::parse(in);
  } catch (const json::exception& e) {
    throw Error(str(where, ": ", kStateFile, " is not valid JSON: ", e.what()));
  }
  HAT_CHECK(state.is_object() && state.contains("format") && state["format"] == "hat-checkpoint", where, ": ", kStateFile,
            " is not a hat checkpoint state");
  HAT_CHECK(state.contains("format_version") && state["format_version"].is_number_integer(), where,
            ": no format_version in ", kStateFile);
  const int version = state["format_version"].get<int>();
  HAT_CHECK(version == kFormatVersion, where, ": format version ", version, ", but this build reads version ",
            kFormatVersion);
  HAT_CHECK(state.contains("update") && state["update"].is_number_integer() && state.contains("adam") &&
                state["adam"].is_object() && state["adam"].contains("steps") &&
                state["adam"]["steps"].is_number_integer() && state.contains("trainer") &&
                state["trainer"].is_object() && state.contains("files") && state["files"].is_object(),
            where, ": ", kStateFile, " lacks update, adam.steps, trainer or files");
  for (const char* name : {kModelFile, kOptimizerFile}) {
    const json& record = state["files"].value(name, json());
    HAT_CHECK(record.is_object() && record.contains("sha256") && record["sha256"].is_string() &&
                  record.contains("bytes") && record["bytes"].is_number_unsigned(),
              where, ": ", kStateFile, " records no checksum for ", name);
    const fs::path path = dir / name;
    std::error_code error;
    const uint64_t bytes = fs::file_size(path, error);
    HAT_CHECK(!error, where, ": ", name, " is missing or unreadable: ", error.message());
    HAT_CHECK(bytes == record["bytes"].get<uint64_t>(), where, ": ", name, " has ", bytes, " bytes but ",
              kStateFile, " records ", record["bytes"].get<uint64_t>(), " (truncated or replaced)");
    const std::string digest = util::sha256_file(path);
    HAT_CHECK(digest == record["sha256"].get<std::string>(), where, ": ", name, " has SHA-256 ", digest,
              " but ", kStateFile, " records ", record["sha256"].get<std::string>(), " (the file is damaged)");
  }
  return state;
}

}  // namespace hat::checkpoint
