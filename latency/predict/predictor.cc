#include "latency/predict/predictor.h"

#include <algorithm>
#include <cmath>

#include "devices/error.h"

namespace hat::latency {

double OpsModel::encoder_ms(const OpsDecomposition& d) const {
  double s = 0;
  for (int i = 0; i < kOpsTermCount; ++i) s += coefficients[i] * d.encoder[i];
  return s;
}

double OpsModel::decoder_ms(const OpsDecomposition& d) const {
  double s = 0;
  for (int i = 0; i < kOpsTermCount; ++i) s += coefficients[i] * d.decoder[i];
  return s;
}

namespace {

// Scratch for one row through a small MLP, reused by the thread (no allocation per prediction).
float* scratch(size_t floats) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

size_t widest(const MlpWeights& m) {
  int w = 0;
  for (int s : m.sizes) w = std::max(w, s);
  return static_cast<size_t>(w);
}

void scaled_features(const HatFeatures& f, float* x) {
  for (int i = 0; i < kHatFeatureCount; ++i) x[i] = static_cast<float>(f[i] / kHatFeatureScale[i]);
}

}  // namespace

LatencyPrediction LatencyPredictor::predict(const ArchSummary& arch) const {
  LatencyPrediction p;
  if (kind == "mlp") {
    float* buf = scratch(2 * widest(mlp) + kHatFeatureCount + 1);
    float* x = buf + 2 * widest(mlp);
    scaled_features(arch.features, x);
    mlp_forward(mlp, x, x + kHatFeatureCount, buf);
    p.total_ms = static_cast<double>(x[kHatFeatureCount]) * target_scale_ms;
    return p;
  }
  const OpsDecomposition d = ops.terms(arch);
  p.encoder_ms = ops.encoder_ms(d);
  p.decoder_ms = ops.decoder_ms(d);
  p.has_split = true;
  if (kind == "hybrid") {
    float x[kHatFeatureCount];
    scaled_features(arch.features, x);
    const std::array<double, 2> log_ratio = residual_log_ratio(x);
    p.encoder_ms *= std::exp(log_ratio[0]) * (1 + outlier_excess[0]);
    p.decoder_ms *= std::exp(log_ratio[1]) * (1 + outlier_excess[1]);
  }
  p.total_ms = p.encoder_ms + p.decoder_ms;
  return p;
}

std::array<double, 2> LatencyPredictor::residual_log_ratio(const float* scaled_features) const {
  std::array<double, 2> sum{0, 0};
  if (residual.empty()) return sum;
  size_t wide = 0;
  for (const MlpWeights& net : residual) wide = std::max(wide, widest(net));
  float* buf = scratch(2 * wide + 2);
  float* r = buf + 2 * wide;
  for (const MlpWeights& net : residual) {
    mlp_forward(net, scaled_features, r, buf);
    sum[0] += r[0];
    sum[1] += r[1];
  }
  std::array<double, 2> out;
  for (int s = 0; s < 2; ++s)
    out[s] = std::clamp(residual_scale[s] * sum[s] / static_cast<double>(residual.size()),
                        residual_min[s], residual_max[s]);
  return out;
}

std::vector<std::string> LatencyPredictor::warnings(const ArchSummary& arch) const {
  std::vector<std::string> out;
  for (int i = 0; i < kHatFeatureCount; ++i) {
    const double v = arch.features[i];
    // A small tolerance: averages of the same choices print with rounding.
    const double tol = 1e-9 * std::max(1.0, std::abs(v));
    if (v < feature_min[i] - tol || v > feature_max[i] + tol)
      out.push_back(str(kHatFeatureNames[i], " = ", v, " is outside the training range [",
                        feature_min[i], ", ", feature_max[i], "]"));
  }
  const InferenceSetting& s = arch.setting;
  if (!(s == setting)) {
    const std::string seen = str("vocabulary ", setting.vocab_size, ", L ", setting.source_length,
                                 ", beam ", setting.beam, ", qkv ", setting.qkv_dim);
    const std::string asked = str("vocabulary ", s.vocab_size, ", L ", s.source_length, ", beam ",
                                  s.beam, ", qkv ", s.qkv_dim);
    if (kind == "mlp")
      out.push_back("kind mlp cannot see the setting (" + asked + "); it predicts for its data's (" +
                    seen + ")");
    else
      out.push_back("setting (" + asked + ") differs from the training data's (" + seen +
                    "): the operator model transfers" +
                    (kind == "hybrid" ? ", its learned residual was fitted at the training setting"
                                      : std::string()));
  }
  return out;
}

}  // namespace hat::latency
