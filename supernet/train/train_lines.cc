#include "supernet/train/train_lines.h"

#include <cstdio>

#include "devices/error.h"

namespace hat::train {

std::string format_progress_line(const TrainProgress& p, const std::string& elapsed) {
  char line[256];
  std::snprintf(line, sizeof line, "update %lld/%lld epoch %llu | loss %.3f bits | lr %.3g | %.0f tok/s | %s",
                static_cast<long long>(p.update), static_cast<long long>(p.max_update),
                static_cast<unsigned long long>(p.epoch), p.loss_bits, p.lr, p.target_tokens_per_second,
                elapsed.c_str());
  // The space's largest-first-updates: say why the loss falls faster than sampling's will.
  if (p.arch_choice == TrainProgress::ArchChoice::largest_first)
    return std::string(line) + " | largest SubTransformer first";
  return line;
}

std::string format_validation_line(const ValidationRecord& v) {
  char line[160];
  std::snprintf(line, sizeof line, "valid %-8s update %lld: loss %.3f bits, nll %.3f bits (%s)", v.name.c_str(),
                static_cast<long long>(v.update), v.loss_bits, v.nll_bits, v.arch_hash.c_str());
  return line;
}

std::string format_train_result(const TrainResult& result, const std::filesystem::path& save_dir) {
  return str(result.updates, " updates (", result.stop_reason, "); last checkpoint ",
             result.last_checkpoint.string(), "; metrics ", (save_dir / "metrics.csv").string());
}

}  // namespace hat::train
