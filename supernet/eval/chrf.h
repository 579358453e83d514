// Corpus chrF as sacreBLEU 2.x computes it by default (chrF2): character n-grams 1..6 with
// whitespace removed, no word n-grams, beta 2, effective-order averaging (no eps smoothing).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hat::eval {

constexpr int kChrfOrder = 6;
constexpr int kChrfBeta = 2;

// Per order n (1..6): hypothesis n-grams, reference n-grams, matched n-grams (clipped).
struct ChrfStats {
  std::array<int64_t, kChrfOrder> hyp{}, ref{}, match{};
  ChrfStats& operator+=(const ChrfStats& other);
};

// One segment against one reference (valid UTF-8; n-grams are of code points after removing
// Python whitespace). As sacreBLEU, an order the reference has no n-gram of counts no
// hypothesis n-grams either.
ChrfStats segment_chrf_stats(std::string_view hyp, std::string_view ref);

// F_beta (0..100) of the precision and recall averaged over the orders where both the
// hypothesis and the reference have n-grams:
//   P = mean_n match_n / hyp_n, R = mean_n match_n / ref_n, chrF = 100 (1+b^2) P R / (b^2 P + R),
// 0 when P + R = 0 or no order counts.
double compute_chrf(const ChrfStats& stats);

// Corpus chrF: per segment the reference with the best chrF is kept (empty references are
// skipped, as in BLEU); statistics are summed over segments, then scored.
double corpus_chrf(const std::vector<std::string>& hyps,
                   const std::vector<std::vector<std::string>>& refs);

// "nrefs:1|case:mixed|eff:yes|nc:6|nw:0|space:no|version:2.0.0"
std::string chrf_signature(const std::vector<std::vector<std::string>>& refs);

// "chrF2 = 59.73"
std::string format_chrf(double score);

}  // namespace hat::eval
