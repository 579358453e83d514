// HAT's training keys read into TrainSettings, with fairseq-only keys accepted and ignored.
#include "supernet/arch/train_settings_yaml.h"

#include "devices/error.h"

namespace hat::arch {

namespace {

std::string trim(const std::string& s) {
  const size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string::npos) return "";
  const size_t end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

// fairseq writes the betas as a Python tuple string: "(0.9, 0.98)".
void read_betas(YamlMap& map, TrainSettings& t) {
  const std::string key = "adam-betas";
  const std::string text = trim(map.get_string(key));
  const std::string bad =
      str(map.where(key), ": expected \"(beta1, beta2)\" like (0.9, 0.98), got '", text, "'");
  HAT_CHECK(text.size() >= 2 && text.front() == '(' && text.back() == ')', bad);
  const std::string inner = text.substr(1, text.size() - 2);
  const size_t comma = inner.find(',');
  HAT_CHECK(comma != std::string::npos, bad);
  double b1 = 0, b2 = 0;
  HAT_CHECK(parse_double(trim(inner.substr(0, comma)), b1) &&
                parse_double(trim(inner.substr(comma + 1)), b2),
            bad);
  HAT_CHECK(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1, map.where(key),
            ": betas must lie in [0, 1), got ", text);
  t.adam_beta1 = b1;
  t.adam_beta2 = b2;
}

class Reader {
 public:
  explicit Reader(YamlMap& map) : map_(map) {}

  void number(const std::string& key, double& out, double lo, double hi, bool hi_open) {
    if (!map_.has(key)) return;
    const double v = map_.get_double(key);
    HAT_CHECK(v >= lo && (hi_open ? v < hi : v <= hi), map_.where(key), ": ", v, " is outside [",
              lo, ", ", hi, hi_open ? ")" : "]");
    out = v;
  }
  void count(const std::string& key, int64_t& out, int64_t lo) {
    if (!map_.has(key)) return;
    const int64_t v = map_.get_int(key);
    HAT_CHECK(v >= lo, map_.where(key), ": must be at least ", lo, ", got ", v);
    out = v;
  }
  void require(const std::string& key, const std::string& expected, const std::string& why) {
    if (!map_.has(key)) return;
    const std::string v = map_.get_string(key);
    HAT_CHECK(v == expected, map_.where(key), ": '", v, "' is not supported: ", why);
  }

 private:
  YamlMap& map_;
};

constexpr double kHuge = 1e300;

// fairseq options HAT's files carry that mean nothing here.
const std::vector<std::string>& ignored_keys() {
  static const std::vector<std::string> keys = {"ddp-backend",
                                                "fp16",
                                                "data",
                                                "arch",
                                                "keep-last-epochs",
                                                "save-interval",
                                                "validate-interval",
                                                "distributed-world-size",
                                                "source-lang",
                                                "target-lang"};
  return keys;
}

}  // namespace

const std::vector<std::string>& train_setting_keys() {
  static const std::vector<std::string> keys = [] {
    std::vector<std::string> k = {"optimizer",
                                  "criterion",
                                  "adam-betas",
                                  "adam-eps",
                                  "weight-decay",
                                  "clip-norm",
                                  "lr-scheduler",
                                  "lr",
                                  "max-lr",
                                  "warmup-init-lr",
                                  "warmup-updates",
                                  "lr-shrink",
                                  "t-mult",
                                  "lr-period-updates",
                                  "max-tokens",
                                  "update-freq",
                                  "max-update",
                                  "largest-first-updates",
                                  "dropout",
                                  "attention-dropout",
                                  "activation-dropout",
                                  "label-smoothing",
                                  "validate-interval-updates",
                                  "save-interval-updates",
                                  "keep-interval-updates",
                                  "seed"};
    k.insert(k.end(), ignored_keys().begin(), ignored_keys().end());
    return k;
  }();
  return keys;
}

void read_train_settings(YamlMap& map, TrainSettings& t) {
  Reader r(map);
  r.require("optimizer", "adam", "only adam is implemented");
  r.require("criterion", "label_smoothed_cross_entropy",
            "the loss is always label_smoothed_cross_entropy");
  if (map.has("adam-betas")) read_betas(map, t);
  r.number("adam-eps", t.adam_eps, 0, kHuge, false);
  r.number("weight-decay", t.weight_decay, 0, kHuge, false);
  r.number("clip-norm", t.clip_norm, 0, kHuge, false);

  if (map.has("lr-scheduler")) {
    const std::string v = map.get_string("lr-scheduler");
    HAT_CHECK(v == "inverse_sqrt" || v == "cosine", map.where("lr-scheduler"), ": '", v,
              "' is not supported: use inverse_sqrt or cosine");
    t.lr_scheduler = v;
  }
  r.number("lr", t.lr, 0, kHuge, false);
  r.number("max-lr", t.max_lr, 0, kHuge, false);
  r.number("warmup-init-lr", t.warmup_init_lr, 0, kHuge, false);
  r.count("warmup-updates", t.warmup_updates, 0);
  r.number("lr-shrink", t.lr_shrink, 0, kHuge, false);
  r.number("t-mult", t.t_mult, 0, kHuge, false);
  if (map.has("lr-period-updates")) {
    const int64_t v = map.get_int("lr-period-updates");
    // fairseq's default -1 means what our 0 means: max-update - warmup-updates.
    HAT_CHECK(v >= -1, map.where("lr-period-updates"), ": must be -1 or at least 0, got ", v);
    t.lr_period_updates = v < 0 ? 0 : v;
  }

  r.count("max-tokens", t.max_tokens, 1);
  r.count("update-freq", t.update_freq, 1);
  r.count("max-update", t.max_update, 1);
  r.count("largest-first-updates", t.largest_first_updates, 0);

  r.number("dropout", t.dropout, 0, 1, true);
  r.number("attention-dropout", t.attention_dropout, 0, 1, true);
  r.number("activation-dropout", t.activation_dropout, 0, 1, true);
  r.number("label-smoothing", t.label_smoothing, 0, 1, true);

  r.count("validate-interval-updates", t.validate_interval_updates, 1);
  r.count("save-interval-updates", t.save_interval_updates, 1);
  r.count("keep-interval-updates", t.keep_last, 0);
  if (map.has("seed")) {
    int64_t seed = 0;
    r.count("seed", seed, 0);
    t.seed = static_cast<uint64_t>(seed);
  }

  for (const auto& key : ignored_keys()) map.mark_used(key);
}

}  // namespace hat::arch
