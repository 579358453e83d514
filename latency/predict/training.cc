#include "latency/predict/training.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

#include "devices/error.h"
#include "latency/predict/robust_fit.h"

namespace hat::latency {

const std::vector<PredictorKind>& predictor_kinds() {
  static const std::vector<PredictorKind> kinds = {
      {"mlp", "HAT's predictor: 10 features, MLP 10-400-400-400-400-1, Adam lr 1e-5, 5000 steps"},
      {"ops", "operator model: the protocol's GEMM/attention/softmax/elementwise calls, costed by "
              "per-device coefficients (robust non-negative fit); sees vocabulary, L, beam, dims"},
      {"hybrid", "ops times a small MLP's learned residual per encoder/decoder (default)"}};
  return kinds;
}

LatencyEstimate parse_latency_estimate(const std::string& name) {
  if (name == "typical") return LatencyEstimate::kTypical;
  if (name == "relative") return LatencyEstimate::kRelative;
  if (name == "mean") return LatencyEstimate::kMean;
  throw Error("unknown latency estimate '" + name + "' (known: typical, relative, mean)");
}

void check_kind(const std::string& kind) {
  std::string names;
  for (const PredictorKind& k : predictor_kinds()) {
    if (k.name == kind) return;
    names += (names.empty() ? "" : ", ") + k.name;
  }
  throw Error("unknown predictor kind '" + kind + "' (known: " + names + ")");
}

OpsModel fit_ops(const PredictorData& data, const std::vector<size_t>& rows) {
  // The terms fitted. Without kernel costs, kernel_benchmark_ms is 0 on every row: it is left
  // out rather than given a column of zeros (which would shift the ridge the others get). With
  // them, the decoder's per-step and per-run constants are left out: at one setting every row
  // has the same L steps and one run, so they are one constant, and where the output
  // projection dominates the kernel prices (a large vocabulary) that constant can stand in for
  // the kernel scale, which another vocabulary then gets wrong.
  std::vector<int> fitted;
  for (int t = 0; t < (data.kernels ? kOpsTermCount : kOpsTermCountWithoutKernels); ++t)
    if (!data.kernels || (t != kOpsDecoderSteps && t != kOpsDecoderRuns)) fitted.push_back(t);
  std::vector<std::vector<double>> x;
  std::vector<double> y;
  const auto columns = [&](const OpsTerms& terms) {
    std::vector<double> row;
    for (int t : fitted) row.push_back(terms[t]);
    return row;
  };
  for (size_t i : rows) {
    const PredictorRow& s = data.rows.at(i);
    const OpsDecomposition d = ops_terms(s.arch, data.kernels.get());
    x.push_back(columns(d.encoder));
    y.push_back(s.encoder_ms);
    x.push_back(columns(d.decoder));
    y.push_back(s.decoder_ms);
  }
  const std::vector<double> c = fit_relative_nnls(x, y);
  OpsModel m;
  for (size_t i = 0; i < fitted.size(); ++i) m.coefficients[fitted[i]] = c[i];
  m.kernels = data.kernels;
  return m;
}

std::vector<bool> flag_outliers(const PredictorData& data, const OpsModel& ops, double factor) {
  std::vector<bool> flags(data.rows.size());
  for (size_t i = 0; i < data.rows.size(); ++i) {
    const PredictorRow& s = data.rows[i];
    const OpsDecomposition d = ops.terms(s.arch);
    const double pe = ops.encoder_ms(d), pd = ops.decoder_ms(d);
    const auto off = [&](double measured, double predicted) {
      return predicted <= 0 || measured > factor * predicted || measured * factor < predicted;
    };
    flags[i] = off(s.encoder_ms, pe) || off(s.decoder_ms, pd);
  }
  return flags;
}

namespace {

void scaled_features(const HatFeatures& f, std::vector<float>& out) {
  for (int i = 0; i < kHatFeatureCount; ++i) out.push_back(static_cast<float>(f[i] / kHatFeatureScale[i]));
}

void feature_range(const PredictorData& data, const std::vector<size_t>& rows, LatencyPredictor& p) {
  p.feature_min.fill(std::numeric_limits<double>::infinity());
  p.feature_max.fill(-std::numeric_limits<double>::infinity());
  for (size_t i : rows)
    for (int k = 0; k < kHatFeatureCount; ++k) {
      p.feature_min[k] = std::min(p.feature_min[k], data.rows[i].arch.features[k]);
      p.feature_max[k] = std::max(p.feature_max[k], data.rows[i].arch.features[k]);
    }
}

void train_mlp_kind(const PredictorData& data, const std::vector<size_t>& train,
                    const TrainOptions& o, LatencyPredictor& p) {
  p.target_scale_ms = o.target_scale_ms;
  if (p.target_scale_ms <= 0)
    for (size_t i : train) p.target_scale_ms = std::max(p.target_scale_ms, data.rows[i].total_ms());
  std::vector<float> x, y;
  for (size_t i : train) {
    scaled_features(data.rows[i].arch.features, x);
    y.push_back(static_cast<float>(data.rows[i].total_ms() / p.target_scale_ms));
  }
  MlpTrainOptions mo;
  mo.steps = o.mlp_steps;
  mo.batch = o.mlp_batch;
  mo.lr = o.mlp_lr;
  mo.seed = o.seed;
  p.mlp = train_mlp({kHatFeatureCount, 400, 400, 400, 400, 1}, x, y, mo);
}

// hybrid: log(measured / ops) per side, learned from the features by a small MLP on the rows
// that are not outliers; outputs scaled to unit spread, clamped at prediction to the range seen.
void train_residual(const PredictorData& data, const std::vector<size_t>& train,
                    const std::vector<size_t>& valid, const TrainOptions& o, LatencyPredictor& p) {
  const std::vector<bool> outlier = flag_outliers(data, p.ops, o.outlier_factor);
  const auto log_ratios = [&](size_t i) {
    const OpsDecomposition d = p.ops.terms(data.rows[i].arch);
    return std::array<double, 2>{std::log(data.rows[i].encoder_ms / p.ops.encoder_ms(d)),
                                 std::log(data.rows[i].decoder_ms / p.ops.decoder_ms(d))};
  };
  std::vector<std::array<double, 2>> train_targets;
  std::vector<size_t> kept;
  for (size_t i : train)
    if (!outlier[i]) kept.push_back(i), train_targets.push_back(log_ratios(i));
  HAT_CHECK(kept.size() >= kMinTrainingRows / 2, "hybrid: only ", kept.size(), " of ",
            train.size(), " training rows lie within a factor ", o.outlier_factor,
            " of the ops model (need ", kMinTrainingRows / 2, "): the timings are too noisy, as on "
            "a machine busy with other work; profile again when it is quieter (--reference "
            "smallest divides slow drift out, not bursts), add samples, or train --kind mlp");
  for (int s = 0; s < 2; ++s) {
    double mean = 0, sq = 0;
    p.residual_min[s] = std::numeric_limits<double>::infinity();
    p.residual_max[s] = -std::numeric_limits<double>::infinity();
    for (const auto& t : train_targets) {
      mean += t[s];
      p.residual_min[s] = std::min(p.residual_min[s], t[s]);
      p.residual_max[s] = std::max(p.residual_max[s], t[s]);
    }
    mean /= static_cast<double>(train_targets.size());
    for (const auto& t : train_targets) sq += (t[s] - mean) * (t[s] - mean);
    p.residual_scale[s] = std::max(1e-4, std::sqrt(sq / static_cast<double>(train_targets.size())));
  }
  std::vector<float> x, y, vx, vy;
  for (size_t k = 0; k < kept.size(); ++k) {
    scaled_features(data.rows[kept[k]].arch.features, x);
    for (int s = 0; s < 2; ++s) y.push_back(static_cast<float>(train_targets[k][s] / p.residual_scale[s]));
  }
  for (size_t i : valid) {
    if (outlier[i]) continue;
    scaled_features(data.rows[i].arch.features, vx);
    const auto t = log_ratios(i);
    for (int s = 0; s < 2; ++s) vy.push_back(static_cast<float>(t[s] / p.residual_scale[s]));
  }
  std::vector<int> sizes = {kHatFeatureCount};
  sizes.insert(sizes.end(), o.residual_hidden.begin(), o.residual_hidden.end());
  sizes.push_back(2);
  MlpTrainOptions mo;
  mo.steps = o.residual_steps;
  mo.batch = 128;
  mo.lr = o.residual_lr;
  mo.validate_every = vx.empty() ? 0 : 100;
  mo.huber_delta = o.residual_huber;
  p.residual.clear();
  for (int k = 0; k < o.residual_members; ++k) {
    // Member k's own stream of initial weights and batches (member 0's seed is the one a
    // single net had).
    mo.seed = o.seed + 1 + (static_cast<uint64_t>(k) << 32);
    p.residual.push_back(train_mlp(sizes, x, y, mo, vx, vy));
  }
  // Keep the correction only if it helps on the validation rows (small or noisy data: it may
  // learn nothing but noise); otherwise one net with a zero last layer, so hybrid is ops exactly.
  if (!vx.empty()) {
    double with = 0, without = 0;
    for (size_t k = 0; k < vy.size() / 2; ++k) {
      const std::array<double, 2> fit = p.residual_log_ratio(&vx[k * kHatFeatureCount]);
      for (int s = 0; s < 2; ++s) {
        const double target = vy[2 * k + s] * p.residual_scale[s];
        with += (fit[s] - target) * (fit[s] - target);
        without += target * target;
      }
    }
    if (with >= without) {
      p.residual.resize(1);
      std::fill(p.residual[0].weights.back().begin(), p.residual[0].weights.back().end(), 0.0f);
      std::fill(p.residual[0].biases.back().begin(), p.residual[0].biases.back().end(), 0.0f);
      p.residual_min = {0, 0};
      p.residual_max = {0, 0};
      if (o.log) o.log("hybrid: the correction did not help on the validation rows: dropped");
    }
  }
  if (o.estimate == LatencyEstimate::kMean) {
    std::array<double, 2> excess{0, 0};
    for (size_t i : train) {
      if (!outlier[i]) continue;
      const LatencyPrediction typical = p.predict(data.rows[i].arch);  // outlier_excess still 0
      excess[0] += data.rows[i].encoder_ms / typical.encoder_ms - 1;
      excess[1] += data.rows[i].decoder_ms / typical.decoder_ms - 1;
    }
    for (int s = 0; s < 2; ++s)
      p.outlier_excess[s] = std::max(-0.5, excess[s] / static_cast<double>(train.size()));
  } else if (o.estimate == LatencyEstimate::kRelative) {
    // Typical / measured totals; a row that is not an outlier counts as 1 (its scatter is the
    // noise the correction already centres), so without outliers c is exactly 1.
    double sum_ratio = 0, sum_ratio_sq = 0;
    for (size_t i : train) {
      const double ratio =
          outlier[i] ? p.predict(data.rows[i].arch).total_ms / data.rows[i].total_ms() : 1.0;
      sum_ratio += ratio;
      sum_ratio_sq += ratio * ratio;
    }
    const double c = std::max(0.5, sum_ratio / sum_ratio_sq);
    p.outlier_excess = {c - 1, c - 1};
    if (o.log) o.log(str("hybrid: least relative error over all training rows at x", c, " the typical latency"));
  }
  if (o.log)
    o.log(str("hybrid: residual (", p.residual.size(), " net", p.residual.size() == 1 ? "" : "s",
              ") trained on ", kept.size(), " rows (", train.size() - kept.size(),
              " outliers left out)"));
}

}  // namespace

LatencyPredictor train_predictor(const std::string& kind, const PredictorData& data,
                                 const std::vector<size_t>& train, const std::vector<size_t>& valid,
                                 const TrainOptions& o) {
  check_kind(kind);
  const size_t needed = kind == "ops" ? kMinOpsRows : kMinTrainingRows;
  HAT_CHECK(train.size() >= needed, "training a '", kind, "' predictor needs at least ",
            needed, " training rows, ", data.source.empty() ? "the data" : data.source,
            " gives ", train.size());
  LatencyPredictor p;
  p.kind = kind;
  p.device = o.device;
  p.data = data.source;
  p.setting = data.setting;
  feature_range(data, train, p);
  if (kind == "mlp") {
    train_mlp_kind(data, train, o, p);
    return p;
  }
  p.ops = fit_ops(data, train);
  if (kind == "hybrid") train_residual(data, train, valid, o, p);
  return p;
}

}  // namespace hat::latency
