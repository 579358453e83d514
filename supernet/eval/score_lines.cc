#include "supernet/eval/score_lines.h"

#include <cstdio>

#include "supernet/eval/bleu.h"
#include "supernet/eval/chrf.h"

namespace hat::eval {

namespace {
std::string two_decimals(double score) {
  char number[32];
  std::snprintf(number, sizeof number, "%.2f\n", score);
  return number;
}
}  // namespace

std::string format_scores(const ScoringInput& input, const MetricChoice& metrics, bool score_only) {
  std::string out;
  if (metrics.bleu) {
    const BleuScore score = corpus_bleu(input.hyps, input.refs);
    out += score_only ? two_decimals(score.score)
                      : score.format() + "\nBLEU signature: " + bleu_signature(input.refs) + "\n";
  }
  if (metrics.chrf) {
    const double score = corpus_chrf(input.hyps, input.refs);
    out += score_only ? two_decimals(score)
                      : format_chrf(score) + "\nchrF signature: " + chrf_signature(input.refs) + "\n";
  }
  return out;
}

}  // namespace hat::eval
