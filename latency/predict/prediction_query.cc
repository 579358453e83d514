#include "latency/predict/prediction_query.h"

#include "latency/predict/predictor_file.h"
#include "latency/report/format.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/export/model_config.h"

namespace hat::latency {

std::vector<PredictionQuery> prediction_queries(const std::vector<std::string>& arch_files,
                                                const std::vector<std::string>& model_dirs,
                                                const InferenceSetting& predictor_setting,
                                                const SettingOverrides& overrides) {
  std::vector<PredictionQuery> queries;
  for (const std::string& file : arch_files)
    queries.push_back({file, arch::arch_from_file(file), predictor_setting});
  for (const std::string& dir : model_dirs) {
    const standalone::ModelConfig config = standalone::read_model_config(dir);
    InferenceSetting s = predictor_setting;
    s.vocab_size = config.dims.vocab_size;
    s.qkv_dim = config.dims.qkv_dim;
    queries.push_back({dir, config.arch, s});
  }
  for (PredictionQuery& q : queries) {
    InferenceSetting& s = q.setting;
    s.vocab_size = overrides.vocab_size.value_or(s.vocab_size);
    s.qkv_dim = overrides.qkv_dim.value_or(s.qkv_dim);
    s.source_length = overrides.source_length.value_or(s.source_length);
    s.beam = overrides.beam.value_or(s.beam);
  }
  return queries;
}

void print_prediction(std::ostream& out, std::ostream& warnings, const LatencyPredictor& p,
                      const PredictionQuery& q) {
  const ArchSummary a = summarize_arch(q.arch, q.setting);
  const LatencyPrediction r = p.predict(a);
  for (const std::string& w : p.warnings(a))
    warnings << "hatpredict: warning: " << q.name << ": " << w << "\n";
  if (r.has_split)
    out << format("%s: %.2f ms (encoder %.2f, decoder %.2f) [%s, %s]\n", q.name.c_str(), r.total_ms,
                  r.encoder_ms, r.decoder_ms, p.kind.c_str(), p.device.c_str());
  else
    out << format("%s: %.2f ms [%s, %s]\n", q.name.c_str(), r.total_ms, p.kind.c_str(),
                  p.device.c_str());
}

}  // namespace hat::latency
