#include "latency/report/dataset_stats_table.h"

#include <iomanip>

#include "devices/error.h"
#include "latency/report/format.h"

namespace hat::latency {

namespace {

std::string fixed(double v, int digits) { return format("%.*f", digits, v); }

}  // namespace

void print_dataset_stats(std::ostream& out, const std::string& path,
                         const std::vector<DeviceStats>& devices) {
  out << path << "\n"
      << std::left << std::setw(12) << "device" << std::right << std::setw(7) << "rows"
      << std::setw(7) << "archs" << std::setw(30) << "total ms min / median / max" << std::setw(11)
      << "enc med" << std::setw(11) << "dec med" << std::setw(13) << "within CV" << std::setw(20)
      << "repeat CV (archs)"
      << "\n";
  for (const DeviceStats& s : devices) {
    out << std::left << std::setw(12) << s.device << std::right << std::setw(7) << s.rows
        << std::setw(7) << s.architectures << std::setw(30)
        << str(fixed(s.total_min_ms, 2), " / ", fixed(s.total_median_ms, 2), " / ",
               fixed(s.total_max_ms, 2))
        << std::setw(11) << fixed(s.encoder_median_ms, 2) << std::setw(11)
        << fixed(s.decoder_median_ms, 2) << std::setw(12) << fixed(100 * s.within_cv_median, 2)
        << "%" << std::setw(20)
        << (s.repeated_architectures
                ? str(fixed(100 * s.repeat_cv_median, 2), "% (", s.repeated_architectures, ")")
                : std::string("-"))
        << "\n";
    if (s.reference_rows > 0)
      out << "  " << s.reference_rows << " reference timings (not counted above): CV "
          << fixed(100 * s.reference_cv, 2) << "%, how much the machine's speed varied\n";
    if (!s.implementations.empty()) {
      out << "  kernels that ran (rows):";
      for (size_t i = 0; i < s.implementations.size(); ++i)
        out << (i ? ", " : " ") << s.implementations[i].first << " ("
            << s.implementations[i].second << ")";
      out << "\n";
    }
  }
}

}  // namespace hat::latency
