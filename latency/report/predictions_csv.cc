#include "latency/report/predictions_csv.h"

#include "devices/error.h"
#include "latency/report/format.h"
#include "util/atomic_file.h"

namespace hat::latency {

std::string format_predictions_csv(const PredictorData& data, const std::vector<size_t>& rows,
                                   const std::vector<bool>& outlier,
                                   const std::vector<KindEvaluation>& kinds) {
  const auto ms = [](double v) { return format("%.4f", v); };
  std::string csv = "row,measured_encoder_ms,measured_decoder_ms,measured_ms,outlier";
  for (const KindEvaluation& k : kinds)
    csv += str(",", k.kind, "_ms,", k.kind, "_encoder_ms,", k.kind, "_decoder_ms");
  csv += "\n";
  for (size_t row : rows) {
    const PredictorRow& r = data.rows[row];
    csv += str(row, ",", ms(r.encoder_ms), ",", ms(r.decoder_ms), ",", ms(r.total_ms()), ",",
               outlier[row] ? 1 : 0);
    for (const KindEvaluation& k : kinds) {
      const LatencyPrediction p = k.predictor.predict(r.arch);
      csv += str(",", ms(p.total_ms), ",");
      if (p.has_split)
        csv += str(ms(p.encoder_ms), ",", ms(p.decoder_ms));
      else
        csv += ",";
    }
    csv += "\n";
  }
  return csv;
}

void write_predictions(std::ostream& out, const std::filesystem::path& file,
                       const PredictorData& data, const std::vector<size_t>& rows,
                       const std::vector<bool>& outlier, const std::vector<KindEvaluation>& kinds) {
  util::write_file_atomically(file, format_predictions_csv(data, rows, outlier, kinds));
  out << format(" predictions of %zu rows -> %s\n", rows.size(), file.string().c_str());
}

}  // namespace hat::latency
