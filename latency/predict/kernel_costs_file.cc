// The kernel costs file: JSON (format in kernel_costs.h), written atomically.
#include <nlohmann/json.hpp>

#include "devices/error.h"
#include "latency/predict/json_format.h"
#include "latency/predict/kernel_costs.h"
#include "util/atomic_file.h"
#include "util/text_lines.h"

namespace hat::latency {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "hat-kernel-costs";
constexpr int kVersion = 3;  // 2: one attention cost for all widths, no block term; 1: no step
                             // replay either

std::vector<double> numbers(const json& j, const std::string& key, const std::string& source) {
  HAT_CHECK(j.contains(key) && j.at(key).is_array(), source, ": field '", key,
            "' must be an array of numbers");
  std::vector<double> out;
  for (const json& v : j.at(key)) {
    HAT_CHECK(v.is_number(), source, ": field '", key, "' holds something that is not a number");
    out.push_back(v.get<double>());
  }
  return out;
}

std::vector<LinearCost> linear_costs(const json& j, const std::string& key, const std::string& source) {
  HAT_CHECK(j.contains(key) && j.at(key).is_array(), source, ": field '", key,
            "' must be an array of [call_ms, weight_ms] pairs");
  std::vector<LinearCost> out;
  for (const json& v : j.at(key)) {
    HAT_CHECK(v.is_array() && v.size() == 2 && v[0].is_number() && v[1].is_number(), source,
              ": field '", key, "' must hold [call_ms, weight_ms] pairs");
    out.push_back({v[0].get<double>(), v[1].get<double>()});
  }
  return out;
}

}  // namespace

std::string kernel_costs_to_json(const KernelCosts& k) {
  const auto pairs = [](const std::vector<LinearCost>& costs) {
    json a = json::array();
    for (const LinearCost& c : costs) a.push_back({c.call_ms, c.weight_ms});
    return a;
  };
  const auto attention = [](const AttentionCosts& a) {
    const auto costs = [](const std::vector<AttentionCost>& v) {
      json out = json::array();
      for (const AttentionCost& c : v) out.push_back({c.call_ms, c.head_ms, c.mac_ms, c.block_ms});
      return out;
    };
    return json{{"qkv", a.qkv}, {"hot", costs(a.hot)}, {"cold", costs(a.cold)}};
  };
  const auto pair = [](const LinearCost& c) { return json{c.call_ms, c.weight_ms}; };
  json j = {{"format", kFormat},
            {"version", kVersion},
            {"host", k.host},
            {"threads", k.threads},
            {"rows", k.rows},
            {"hot", pairs(k.hot)},
            {"cold", pairs(k.cold)},
            {"footprint_bytes", k.footprint_bytes},
            {"cold_share", k.cold_share},
            {"self_attention", attention(k.self_attention)},
            {"cross_attention", attention(k.cross_attention)},
            {"norm", pair(k.norm)},
            {"relu", pair(k.relu)},
            {"softmax", {{"hot", pair(k.softmax_hot)}, {"cold", pair(k.softmax_cold)}}}};
  if (!k.replay.empty()) {
    const StepReplay& r = k.replay;
    // Nested [row][layer weights][output weights], as a reader would index them.
    const auto cube = [&](const std::vector<double>& flat) {
      json rows = json::array();
      size_t i = 0;
      for (size_t m = 0; m < r.rows.size(); ++m) {
        json layers = json::array();
        for (size_t l = 0; l < r.layer_weights.size(); ++l) {
          json outputs = json::array();
          for (size_t o = 0; o < r.output_weights.size(); ++o) outputs.push_back(flat[i++]);
          layers.push_back(outputs);
        }
        rows.push_back(layers);
      }
      return rows;
    };
    j["step_replay"] = {{"rows", r.rows},
                        {"layer_weights", r.layer_weights},
                        {"output_weights", r.output_weights},
                        {"layer_ms", cube(r.layer_ms)},
                        {"output_ms", cube(r.output_ms)}};
  }
  return j.dump(1) + "\n";
}

KernelCosts kernel_costs_from_json(const std::string& text, const std::string& source) {
  json j = parse_json_of_format(text, source, "kernel costs file", kFormat,
                                "; hatpredict kernels writes one");
  const int version = j.value("version", 0);
  HAT_CHECK(version >= 1 && version <= kVersion, source, ": kernel costs version ", version,
            " is not supported (this build reads 1 to ", kVersion, ")");
  KernelCosts k;
  HAT_CHECK(j.contains("host") && j["host"].is_string() && j.contains("threads") &&
                j["threads"].is_number_integer(),
            source, ": fields 'host' (text) and 'threads' (integer) are required");
  k.host = j["host"].get<std::string>();
  k.threads = j["threads"].get<int>();
  k.rows = numbers(j, "rows", source);
  k.hot = linear_costs(j, "hot", source);
  k.cold = linear_costs(j, "cold", source);
  k.footprint_bytes = numbers(j, "footprint_bytes", source);
  k.cold_share = numbers(j, "cold_share", source);
  // Version 3: per width, [call, head, mac, block] each; before, one [call, head, mac] for all.
  const auto attention = [&](const std::string& key) {
    const std::string where = source + ": field '" + key + "'";
    const char* layout = version >= 3 ? "{\"qkv\": [widths], \"hot\": [[call, head, mac, block] "
                                        "per width], \"cold\": [...]}"
                                      : "{\"hot\": [call, head, mac], \"cold\": [...]}";
    HAT_CHECK(j.contains(key) && j[key].is_object(), where, " must be ", layout);
    const json& a = j[key];
    AttentionCosts out;
    const auto cost = [&](const json& v) {
      HAT_CHECK(v.is_array() && v.size() == (version >= 3 ? 4u : 3u), where, " must be ", layout);
      std::vector<double> x;
      for (const json& e : v) {
        HAT_CHECK(e.is_number(), where, " holds something that is not a number");
        x.push_back(e.get<double>());
      }
      return AttentionCost{x[0], x[1], x[2], x.size() == 4 ? x[3] : 0.0};
    };
    for (auto [regime, costs] : {std::pair{"hot", &out.hot}, {"cold", &out.cold}}) {
      HAT_CHECK(a.contains(regime), where, " must be ", layout);
      if (version < 3) {
        costs->push_back(cost(a[regime]));
        continue;
      }
      HAT_CHECK(a[regime].is_array(), where, " must be ", layout);
      for (const json& v : a[regime]) costs->push_back(cost(v));
    }
    out.qkv = version >= 3 ? numbers(a, "qkv", where) : std::vector<double>{256};
    return out;
  };
  k.self_attention = attention("self_attention");
  k.cross_attention = attention("cross_attention");
  const auto pair = [&](const json& parent, const std::string& key, const std::string& where) {
    const std::vector<double> v = numbers(parent, key, where);
    HAT_CHECK(v.size() == 2, where, ": field '", key, "' must be [call_ms, element_ms]");
    return LinearCost{v[0], v[1]};
  };
  k.norm = pair(j, "norm", source), k.relu = pair(j, "relu", source);
  HAT_CHECK(j.contains("softmax") && j["softmax"].is_object(), source,
            ": field 'softmax' must be {\"hot\": [call, element], \"cold\": [...]}");
  k.softmax_hot = pair(j["softmax"], "hot", source + ": field 'softmax'");
  k.softmax_cold = pair(j["softmax"], "cold", source + ": field 'softmax'");
  if (j.contains("step_replay")) {
    const std::string where = source + ": field 'step_replay'";
    const json& r = j["step_replay"];
    HAT_CHECK(r.is_object(), where, " must be an object");
    k.replay.rows = numbers(r, "rows", where);
    k.replay.layer_weights = numbers(r, "layer_weights", where);
    k.replay.output_weights = numbers(r, "output_weights", where);
    for (const auto& [key, flat] : {std::pair{"layer_ms", &k.replay.layer_ms},
                                    {"output_ms", &k.replay.output_ms}}) {
      const auto shaped = [](const json& a, size_t n) { return a.is_array() && a.size() == n; };
      bool ok = r.contains(key) && shaped(r[key], k.replay.rows.size());
      for (size_t m = 0; ok && m < k.replay.rows.size(); ++m) {
        ok = shaped(r[key][m], k.replay.layer_weights.size());
        for (size_t l = 0; ok && l < k.replay.layer_weights.size(); ++l) {
          ok = shaped(r[key][m][l], k.replay.output_weights.size());
          for (size_t o = 0; ok && o < k.replay.output_weights.size(); ++o) {
            ok = r[key][m][l][o].is_number();
            if (ok) flat->push_back(r[key][m][l][o].get<double>());
          }
        }
      }
      HAT_CHECK(ok, where, ": '", key, "' must be numbers nested [rows][layer_weights]"
                "[output_weights], sized as those grids");
    }
  }
  k.check(source);
  return k;
}

void save_kernel_costs(const std::filesystem::path& path, const KernelCosts& costs) {
  util::write_file_atomically(path, kernel_costs_to_json(costs));
}

KernelCosts load_kernel_costs(const std::filesystem::path& path) {
  std::string text;
  try {
    text = util::read_file(path);
  } catch (const Error& e) {
    throw Error(std::string("cannot read kernel costs file: ") + e.what() +
                " (hatpredict kernels --out FILE measures this machine's)");
  }
  return kernel_costs_from_json(text, path.string());
}

}  // namespace hat::latency
