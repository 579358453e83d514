#include "latency/report/published_table.h"

#include <vector>

#include "latency/predict/published.h"
#include "latency/report/format.h"

namespace hat::latency {

void print_published(std::ostream& out, const std::filesystem::path& directory,
                     const DeviceProfile& profile, const InferenceSetting& setting,
                     const Evaluation& ev) {
  std::vector<PublishedArch> archs;
  for (const PublishedArch& p : read_published_archs(directory))
    if (profile.matches(p.device)) archs.push_back(p);
  if (archs.empty()) return;
  out << format(" HAT's published SubTransformers for %s (latency from the file name):\n",
                profile.name.c_str());
  out << format("  %-44s %10s", "config", "HAT ms");
  for (const KindEvaluation& k : ev.kinds) out << format(" %10s %7s", k.kind.c_str(), "err");
  out << "\n";
  for (const PublishedArch& p : archs) {
    out << format("  %-44s %10.1f", p.file.filename().string().c_str(), p.latency_ms);
    for (const KindEvaluation& k : ev.kinds) {
      const double ms = k.predictor.predict(summarize_arch(p.arch, setting)).total_ms;
      out << format(" %10.1f %+6.1f%%", ms, 100 * (ms - p.latency_ms) / p.latency_ms);
    }
    out << "\n";
  }
}

}  // namespace hat::latency
