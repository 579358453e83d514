// Corpus BLEU as sacreBLEU 2.x computes it by default: 13a tokens, case-sensitive, n-grams up
// to 4, 'exp' smoothing, brevity penalty against the closest reference length.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace hat::eval {

constexpr int kBleuOrder = 4;

// Sufficient statistics of BLEU; a corpus's are the sums of its segments'.
struct BleuStats {
  int64_t hyp_len = 0;  // hypothesis tokens
  int64_t ref_len = 0;  // closest reference's tokens (ties: the shorter)
  std::array<int64_t, kBleuOrder> correct{};  // clipped n-gram matches per order
  std::array<int64_t, kBleuOrder> total{};    // hypothesis n-grams per order
  BleuStats& operator+=(const BleuStats& other);
};

struct BleuScore {
  double score = 0;                           // 0..100
  std::array<double, kBleuOrder> precisions{};  // percent, smoothed as sacreBLEU reports them
  double bp = 0;                              // brevity penalty
  double ratio = 0;                           // hyp_len / ref_len (0 when ref_len is 0)
  BleuStats stats;
  // "BLEU = 34.12 65.3/40.1/27.0/19.2 (BP = 1.000 ratio = 1.012 hyp_len = 1234 ref_len = 1219)"
  std::string format() const;
};

// Statistics of one segment: the hypothesis against one or more references (raw text, valid
// UTF-8; tokenized here with 13a after dropping trailing whitespace). Reference n-gram counts
// are the maximum over references. Throws hat::Error when `refs` is empty.
BleuStats segment_bleu_stats(std::string_view hyp, const std::vector<std::string>& refs);

// The score from statistics with sacreBLEU's 'exp' smoothing: an order with no match gets
// precision 100 / (2^k * total) for its k-th such order; an order with no hypothesis n-gram
// ends the loop (its precision and later ones stay 0, log floored to -9999999999, so BLEU ~ 0);
// no match at all gives 0.
BleuScore compute_bleu(const BleuStats& stats);

// Corpus BLEU. refs[r][i] is reference r of segment i; every stream must have hyps.size()
// lines. Empty references are skipped (sacreBLEU's variable references); a segment whose
// references are all empty throws hat::Error naming the 1-based line.
BleuScore corpus_bleu(const std::vector<std::string>& hyps,
                      const std::vector<std::vector<std::string>>& refs);

// sacreBLEU's signature: "nrefs:1|case:mixed|eff:no|tok:13a|smooth:exp|version:2.0.0";
// nrefs is "var" when segments have different numbers of non-empty references.
std::string bleu_signature(const std::vector<std::vector<std::string>>& refs);

// Which sacreBLEU's behaviour these metrics reproduce (BLEU and chrF unchanged 2.0.0 .. 2.4).
constexpr const char* kSacrebleuVersion = "2.0.0";

// Non-empty references of segment i ("nrefs" of the signature counts them).
std::vector<std::string> segment_references(const std::vector<std::vector<std::string>>& refs,
                                            size_t i);

// "nrefs:N" or "nrefs:var".
std::string nrefs_field(const std::vector<std::vector<std::string>>& refs);

}  // namespace hat::eval
