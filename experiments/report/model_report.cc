#include "experiments/report/model_report.h"

#include <cstdio>
#include <sstream>

#include "devices/error.h"
#include "devices/threads.h"
#include "experiments/evaluation/split_evaluation.h"
#include "latency/device_profile.h"
#include "latency/predict/deployment_setting.h"
#include "latency/predict/predictor_file.h"
#include "latency/thread_pinning.h"
#include "supernet/arch/arch_yaml.h"
#include "supernet/data/data_directory.h"
#include "supernet/eval/bleu.h"
#include "supernet/export/inference_model.h"

namespace hat::experiments {

namespace {

double predicted_latency_ms(const std::string& device_name, const standalone::InferenceModel& m,
                            const translate::TranslateWarning& warn) {
  const latency::DeviceProfile device = latency::resolve_device(device_name);
  const latency::LatencyPredictor predictor = latency::load_device_predictor(device);
  const latency::ArchSummary summary =
      latency::summarize_arch(m.arch, latency::deployment_setting(device, m.loaded.model->dims()));
  if (warn)
    for (const std::string& w : predictor.warnings(summary)) warn(str(device.name, " predictor: ", w));
  return predictor.predict(summary).total_ms;
}

// HAT's protocol on this machine, with the host profile's L, beam and threads (pinned).
double measured_latency_ms(const ModelReportOptions& options, const standalone::InferenceModel& m) {
  const latency::DeviceProfile host = latency::resolve_device(options.host_device);
  const int previous = num_threads();
  set_num_threads(host.threads);
  latency::pin_openmp_threads(num_threads());
  latency::ProtocolOptions protocol;
  protocol.source_length = host.source_length;
  protocol.beam = host.beam;
  protocol.iterations = options.host_iterations;
  const double ms = latency::measure_protocol(*m.loaded.model, m.arch, protocol).total_ms();
  set_num_threads(previous);
  return ms;
}

double ratio(double numerator, double denominator) { return denominator > 0 ? numerator / denominator : 0; }

}  // namespace

ModelReportRow report_model(const std::string& name, const std::filesystem::path& dir,
                            const ModelReportOptions& options,
                            const translate::TranslateWarning& warn) {
  standalone::ModelChoice choice;
  choice.model_dir = dir;
  choice.data = options.data;
  const standalone::InferenceModel m = standalone::open_inference_model(choice, warn);
  ModelReportRow row;
  row.name = name;
  row.dir = dir;
  row.arch_summary = arch::arch_summary(m.arch);
  row.parameters = m.loaded.model->parameter_count(m.arch, true);
  row.parameters_without_embeddings = m.loaded.model->parameter_count(m.arch, false);
  for (const std::string& device : options.devices)
    row.predicted_ms[device] = predicted_latency_ms(device, m, warn);
  row.host_ms = measured_latency_ms(options, m);

  const data::ParallelText text = first_pairs(data::DataDirectory(options.data), options.split, options.max_sentences);
  decode::BeamSearchOptions search;
  search.beam = options.beam;
  const SplitTranslation translation = translate_sources(m, text.source, search, options.max_tokens, warn);
  row.bleu = eval::corpus_bleu(translation.hypotheses, {text.target}).score;
  row.sentences = static_cast<int64_t>(text.size());
  return row;
}

std::string format_report(const std::vector<ModelReportRow>& rows, size_t baseline) {
  HAT_CHECK(baseline < rows.size(), "report baseline ", baseline, " out of ", rows.size(), " rows");
  const ModelReportRow& base = rows[baseline];
  const std::string first = base.predicted_ms.empty() ? "" : base.predicted_ms.begin()->first;
  std::ostringstream out;
  out << "| model |";
  for (const auto& [device, ms] : base.predicted_ms) out << " " << device << " predicted |";
  out << " host measured | parameters (w/o embeddings) | BLEU |";
  if (!first.empty()) out << " " << first << " speed-up |";
  out << " host speed-up | size ratio |\n|---|";
  for (size_t i = 0; i < base.predicted_ms.size(); ++i) out << "---|";
  out << "---|---|---|" << (first.empty() ? "" : "---|") << "---|---|\n";
  char cell[96];
  for (const ModelReportRow& r : rows) {
    out << "| " << r.name << " |";
    for (const auto& [device, ms] : r.predicted_ms) {
      std::snprintf(cell, sizeof cell, " %.1f ms |", ms);
      out << cell;
    }
    std::snprintf(cell, sizeof cell, " %.2f ms | %.2f M (%.2f M) | %.2f |", r.host_ms, r.parameters / 1e6,
                  r.parameters_without_embeddings / 1e6, r.bleu);
    out << cell;
    if (!first.empty()) {
      std::snprintf(cell, sizeof cell, " %.2fx |", ratio(base.predicted_ms.at(first), r.predicted_ms.at(first)));
      out << cell;
    }
    std::snprintf(cell, sizeof cell, " %.2fx | %.2fx |\n", ratio(base.host_ms, r.host_ms),
                  ratio(base.parameters, r.parameters));
    out << cell;
  }
  return out.str();
}

nlohmann::json report_json(const std::vector<ModelReportRow>& rows, size_t baseline) {
  nlohmann::json j{{"baseline", rows.at(baseline).name}, {"models", nlohmann::json::array()}};
  for (const ModelReportRow& r : rows)
    j["models"].push_back({{"name", r.name},
                           {"dir", r.dir.string()},
                           {"arch", r.arch_summary},
                           {"parameters", r.parameters},
                           {"parameters_without_embeddings", r.parameters_without_embeddings},
                           {"predicted_latency_ms", r.predicted_ms},
                           {"host_latency_ms", r.host_ms},
                           {"bleu", r.bleu},
                           {"sentences", r.sentences}});
  return j;
}

}  // namespace hat::experiments
