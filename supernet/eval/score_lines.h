// How hateval prints scores: sacreBLEU's score line and signature line per metric, or only the
// numbers for scripts.
#pragma once

#include <string>

#include "supernet/eval/eval_files.h"

namespace hat::eval {

struct MetricChoice {
  bool bleu = true;
  bool chrf = true;
};

// For each chosen metric (BLEU first): "BLEU = ..." and "BLEU signature: ..." lines, or with
// `score_only` just the score ("%.2f"); every line ends with "\n".
std::string format_scores(const ScoringInput& input, const MetricChoice& metrics, bool score_only);

}  // namespace hat::eval
