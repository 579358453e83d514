#include "latency/predict/predictor_file.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "devices/error.h"
#include "latency/predict/json_format.h"
#include "util/atomic_file.h"

namespace hat::latency {

namespace {

using nlohmann::json;

constexpr char kBase64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string to_base64(const std::vector<float>& values) {
  std::string bytes(values.size() * 4, '\0');
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t u;
    std::memcpy(&u, &values[i], 4);
    for (int b = 0; b < 4; ++b) bytes[4 * i + b] = static_cast<char>((u >> (8 * b)) & 0xFF);
  }
  std::string out;
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t chunk = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) chunk |= static_cast<uint8_t>(bytes[i + 2]);
    out += kBase64[(chunk >> 18) & 63];
    out += kBase64[(chunk >> 12) & 63];
    out += i + 1 < bytes.size() ? kBase64[(chunk >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kBase64[chunk & 63] : '=';
  }
  return out;
}

std::vector<float> from_base64(const std::string& text, const std::string& where) {
  HAT_CHECK(text.size() % 4 == 0, where, ": base64 text of length ", text.size(),
            " is not a multiple of 4");
  std::string bytes;
  for (size_t i = 0; i < text.size(); i += 4) {
    uint32_t chunk = 0;
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      uint32_t v = 0;
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        ++pad;
      } else {
        const char* p = c ? std::strchr(kBase64, c) : nullptr;
        HAT_CHECK(p != nullptr && pad == 0, where, ": invalid base64 character at ", i + k);
        v = static_cast<uint32_t>(p - kBase64);
      }
      chunk = (chunk << 6) | v;
    }
    bytes += static_cast<char>((chunk >> 16) & 0xFF);
    if (pad < 2) bytes += static_cast<char>((chunk >> 8) & 0xFF);
    if (pad < 1) bytes += static_cast<char>(chunk & 0xFF);
  }
  HAT_CHECK(bytes.size() % 4 == 0, where, ": ", bytes.size(), " bytes are not float32 values");
  std::vector<float> values(bytes.size() / 4);
  for (size_t i = 0; i < values.size(); ++i) {
    uint32_t u = 0;
    for (int b = 0; b < 4; ++b) u |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[4 * i + b])) << (8 * b);
    std::memcpy(&values[i], &u, 4);
  }
  return values;
}

json mlp_json(const MlpWeights& m) {
  json layers = json::array();
  for (size_t l = 0; l < m.weights.size(); ++l)
    layers.push_back({{"weight", to_base64(m.weights[l])}, {"bias", to_base64(m.biases[l])}});
  return {{"sizes", m.sizes}, {"layers", layers}};
}

// Field access with messages naming the file and the field.
struct Reader {
  std::string source;
  const json& field(const json& j, const std::string& key, const std::string& path) const {
    HAT_CHECK(j.is_object() && j.contains(key), source, ": missing field '", path + key, "'");
    return j.at(key);
  }
  double number(const json& j, const std::string& key, const std::string& path = "") const {
    const json& v = field(j, key, path);
    HAT_CHECK(v.is_number() && std::isfinite(v.get<double>()), source, ": field '", path + key,
              "' must be a finite number");
    return v.get<double>();
  }
  int64_t integer(const json& j, const std::string& key, const std::string& path = "") const {
    const json& v = field(j, key, path);
    HAT_CHECK(v.is_number_integer() && v.get<int64_t>() >= 1, source, ": field '", path + key,
              "' must be a positive integer");
    return v.get<int64_t>();
  }
  std::string text(const json& j, const std::string& key, const std::string& path = "") const {
    const json& v = field(j, key, path);
    HAT_CHECK(v.is_string(), source, ": field '", path + key, "' must be a string");
    return v.get<std::string>();
  }
  std::vector<double> numbers(const json& j, const std::string& key, size_t count,
                              const std::string& path = "") const {
    const json& v = field(j, key, path);
    HAT_CHECK(v.is_array() && v.size() == count, source, ": field '", path + key, "' must be an array of ",
              count, " numbers");
    std::vector<double> out;
    for (const json& e : v) {
      HAT_CHECK(e.is_number() && std::isfinite(e.get<double>()), source, ": field '", path + key,
                "' has a value that is not a finite number");
      out.push_back(e.get<double>());
    }
    return out;
  }
  MlpWeights mlp(const json& j, const std::string& path) const {
    MlpWeights m;
    const json& sizes = field(j, "sizes", path);
    HAT_CHECK(sizes.is_array(), source, ": field '", path, "sizes' must be an array");
    for (const json& s : sizes) {
      HAT_CHECK(s.is_number_integer(), source, ": field '", path, "sizes' must hold integers");
      m.sizes.push_back(s.get<int>());
    }
    const json& layers = field(j, "layers", path);
    HAT_CHECK(layers.is_array(), source, ": field '", path, "layers' must be an array");
    for (size_t l = 0; l < layers.size(); ++l) {
      const std::string where = str(path, "layers[", l, "].");
      m.weights.push_back(from_base64(text(layers[l], "weight", where), source + ": " + where + "weight"));
      m.biases.push_back(from_base64(text(layers[l], "bias", where), source + ": " + where + "bias"));
    }
    try {
      m.check();
    } catch (const Error& e) {
      throw Error(source + ": field '" + path + "': " + e.what());
    }
    return m;
  }
};

}  // namespace

std::string predictor_to_json(const LatencyPredictor& p) {
  json j;
  j["format"] = kPredictorFormat;
  j["version"] = kPredictorVersion;
  j["kind"] = p.kind;
  j["device"] = p.device;
  j["data"] = p.data;
  j["setting"] = {{"vocab_size", p.setting.vocab_size},
                  {"source_length", p.setting.source_length},
                  {"beam", p.setting.beam},
                  {"qkv_dim", p.setting.qkv_dim}};
  j["feature_range"] = {{"names", kHatFeatureNames}, {"min", p.feature_min}, {"max", p.feature_max}};
  if (p.kind == "mlp") {
    j["mlp"] = mlp_json(p.mlp);
    j["mlp"]["target_scale_ms"] = p.target_scale_ms;
  } else {
    j["ops"] = {{"terms", kOpsTermNames}, {"coefficients", p.ops.coefficients}};
    if (p.ops.kernels) j["ops"]["kernels"] = json::parse(kernel_costs_to_json(*p.ops.kernels));
  }
  if (p.kind == "hybrid") {
    json members = json::array();
    for (const MlpWeights& net : p.residual) members.push_back(mlp_json(net));
    j["residual"] = {{"members", members}};
    j["residual"]["scale"] = p.residual_scale;
    j["residual"]["min"] = p.residual_min;
    j["residual"]["max"] = p.residual_max;
    j["residual"]["outlier_excess"] = p.outlier_excess;
  }
  return j.dump(1) + "\n";
}

LatencyPredictor predictor_from_json(const std::string& text, const std::string& source) {
  json j = parse_json_of_format(text, source, "predictor file", kPredictorFormat);
  const Reader r{source};
  HAT_CHECK(r.integer(j, "version") == kPredictorVersion, source, ": predictor file version ",
            j["version"].dump(), " is not supported (this build reads ", kPredictorVersion, ")");
  LatencyPredictor p;
  p.kind = r.text(j, "kind");
  HAT_CHECK(p.kind == "mlp" || p.kind == "ops" || p.kind == "hybrid", source, ": unknown kind '",
            p.kind, "' (mlp, ops, hybrid)");
  p.device = r.text(j, "device");
  p.data = r.text(j, "data");
  const json& s = r.field(j, "setting", "");
  p.setting.vocab_size = r.integer(s, "vocab_size", "setting.");
  p.setting.source_length = r.integer(s, "source_length", "setting.");
  p.setting.beam = r.integer(s, "beam", "setting.");
  p.setting.qkv_dim = r.integer(s, "qkv_dim", "setting.");
  const json& range = r.field(j, "feature_range", "");
  const auto lo = r.numbers(range, "min", kHatFeatureCount, "feature_range.");
  const auto hi = r.numbers(range, "max", kHatFeatureCount, "feature_range.");
  std::copy(lo.begin(), lo.end(), p.feature_min.begin());
  std::copy(hi.begin(), hi.end(), p.feature_max.begin());
  if (p.kind == "mlp") {
    const json& m = r.field(j, "mlp", "");
    p.mlp = r.mlp(m, "mlp.");
    HAT_CHECK(p.mlp.inputs() == kHatFeatureCount && p.mlp.outputs() == 1, source,
              ": field 'mlp.sizes' must go from ", kHatFeatureCount, " features to 1 output");
    p.target_scale_ms = r.number(m, "target_scale_ms", "mlp.");
    HAT_CHECK(p.target_scale_ms > 0, source, ": field 'mlp.target_scale_ms' must be positive");
  } else {
    const json& o = r.field(j, "ops", "");
    const json& names = r.field(o, "terms", "ops.");
    // Files from before kernel_benchmark_ms list the first ten terms; that one is then 0.
    HAT_CHECK(names.is_array() && (names.size() == kOpsTermCount ||
                                   names.size() == kOpsTermCountWithoutKernels),
              source, ": field 'ops.terms' must list the ", kOpsTermCount, " terms of this build");
    for (size_t i = 0; i < names.size(); ++i)
      HAT_CHECK(names[i].is_string() && names[i].get<std::string>() == kOpsTermNames[i], source,
                ": field 'ops.terms' entry ", i, " is ", names[i].dump(), ", this build expects \"",
                kOpsTermNames[i], "\"");
    const auto c = r.numbers(o, "coefficients", names.size(), "ops.");
    std::copy(c.begin(), c.end(), p.ops.coefficients.begin());
    if (o.contains("kernels"))
      p.ops.kernels = std::make_shared<const KernelCosts>(
          kernel_costs_from_json(o.at("kernels").dump(), source + ": field 'ops.kernels'"));
  }
  if (p.kind == "hybrid") {
    const json& m = r.field(j, "residual", "");
    // Files from before the ensemble hold one net in place of 'members'.
    if (m.contains("members")) {
      const json& members = m.at("members");
      HAT_CHECK(members.is_array() && !members.empty(), source,
                ": field 'residual.members' must be a non-empty array");
      for (size_t k = 0; k < members.size(); ++k)
        p.residual.push_back(r.mlp(members[k], str("residual.members[", k, "].")));
    } else {
      p.residual.push_back(r.mlp(m, "residual."));
    }
    for (const MlpWeights& net : p.residual)
      HAT_CHECK(net.inputs() == kHatFeatureCount && net.outputs() == 2, source,
                ": the residual's nets must go from ", kHatFeatureCount, " features to 2 outputs");
    const auto sc = r.numbers(m, "scale", 2, "residual."), mn = r.numbers(m, "min", 2, "residual."),
               mx = r.numbers(m, "max", 2, "residual."),
               ex = r.numbers(m, "outlier_excess", 2, "residual.");
    for (int i = 0; i < 2; ++i) {
      p.residual_scale[i] = sc[i], p.residual_min[i] = mn[i], p.residual_max[i] = mx[i];
      p.outlier_excess[i] = ex[i];
      HAT_CHECK(ex[i] > -1, source, ": field 'residual.outlier_excess' must be > -1");
      HAT_CHECK(mn[i] <= mx[i], source, ": field 'residual.min' exceeds 'residual.max'");
    }
  }
  return p;
}

void save_predictor(const std::filesystem::path& path, const LatencyPredictor& predictor) {
  util::write_file_atomically(path, predictor_to_json(predictor));
}

LatencyPredictor load_predictor(const std::filesystem::path& path, const std::string& expected_device) {
  std::ifstream in(path, std::ios::binary);
  HAT_CHECK(in, "cannot read predictor file ", path.string());
  std::ostringstream text;
  text << in.rdbuf();
  LatencyPredictor p = predictor_from_json(text.str(), path.string());
  HAT_CHECK(expected_device.empty() || p.device.empty() || p.device == expected_device,
            path.string(), ": predictor for device '", p.device, "', not '", expected_device, "'");
  return p;
}

LatencyPredictor load_device_predictor(const DeviceProfile& device, const std::string& alternative) {
  if (!std::filesystem::exists(device.predictor_file))
    throw Error(str("no latency predictor for device ", device.name, " at ",
                    device.predictor_file.string(), ": train it with `hatpredict train --device ",
                    device.name, "`", alternative.empty() ? "" : " (" + alternative + ")"));
  return load_predictor(device.predictor_file, device.name);
}

}  // namespace hat::latency
