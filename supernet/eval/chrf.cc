// Corpus chrF with sacreBLEU 2.x's defaults (metrics/chrf.py: _compute_f_score and friends).
#include "supernet/eval/chrf.h"

#include <cstdio>
#include <unordered_map>

#include "devices/error.h"
#include "supernet/eval/bleu.h"
#include "supernet/eval/tokenize_13a.h"
#include "util/utf8.h"

namespace hat::eval {
namespace {

using CharNgrams = std::array<std::unordered_map<std::u32string, int64_t>, kChrfOrder>;

CharNgrams char_ngrams(std::string_view text) {
  HAT_CHECK(util::find_invalid_utf8(text) == std::string_view::npos,
            "chrf: the line is not valid UTF-8");
  std::u32string chars;  // ''.join(line.split())
  for (size_t i = 0; i < text.size();) {
    char32_t c = util::next_code_point(text, i);
    if (!is_python_space(c)) chars.push_back(c);
  }
  CharNgrams grams;
  for (size_t n = 1; n <= kChrfOrder; ++n)
    for (size_t i = 0; i + n <= chars.size(); ++i) ++grams[n - 1][chars.substr(i, n)];
  return grams;
}

ChrfStats match_stats(const CharNgrams& hyp, const CharNgrams& ref) {
  ChrfStats stats;
  for (int n = 0; n < kChrfOrder; ++n) {
    int64_t hyp_count = 0, match = 0, ref_count = 0;
    for (const auto& [gram, count] : hyp[n]) {
      hyp_count += count;
      auto it = ref[n].find(gram);
      if (it != ref[n].end()) match += std::min(count, it->second);
    }
    for (const auto& entry : ref[n]) ref_count += entry.second;
    stats.hyp[n] = ref[n].empty() ? 0 : hyp_count;
    stats.ref[n] = ref_count;
    stats.match[n] = match;
  }
  return stats;
}

}  // namespace

ChrfStats& ChrfStats::operator+=(const ChrfStats& other) {
  for (int n = 0; n < kChrfOrder; ++n) {
    hyp[n] += other.hyp[n];
    ref[n] += other.ref[n];
    match[n] += other.match[n];
  }
  return *this;
}

ChrfStats segment_chrf_stats(std::string_view hyp, std::string_view ref) {
  return match_stats(char_ngrams(hyp), char_ngrams(ref));
}

double compute_chrf(const ChrfStats& stats) {
  const double factor = static_cast<double>(kChrfBeta) * kChrfBeta;
  double avg_prec = 0.0, avg_rec = 0.0;
  int effective_order = 0;
  for (int n = 0; n < kChrfOrder; ++n) {
    if (stats.hyp[n] > 0 && stats.ref[n] > 0) {
      avg_prec += static_cast<double>(stats.match[n]) / static_cast<double>(stats.hyp[n]);
      avg_rec += static_cast<double>(stats.match[n]) / static_cast<double>(stats.ref[n]);
      ++effective_order;
    }
  }
  if (effective_order == 0) return 0.0;
  avg_prec /= effective_order;
  avg_rec /= effective_order;
  if (avg_prec + avg_rec == 0.0) return 0.0;
  double score = (1 + factor) * avg_prec * avg_rec;
  score /= (factor * avg_prec) + avg_rec;
  return 100 * score;
}

double corpus_chrf(const std::vector<std::string>& hyps,
                   const std::vector<std::vector<std::string>>& refs) {
  HAT_CHECK(!refs.empty(), "chrf: no reference stream given");
  for (size_t r = 0; r < refs.size(); ++r)
    HAT_CHECK(refs[r].size() == hyps.size(), "chrf: reference stream ", r + 1, " has ",
              refs[r].size(), " lines but the hypotheses have ", hyps.size());
  ChrfStats total;
  for (size_t i = 0; i < hyps.size(); ++i) {
    std::vector<std::string> lines = segment_references(refs, i);
    HAT_CHECK(!lines.empty(), "chrf: line ", i + 1, " has no non-empty reference");
    CharNgrams hyp = char_ngrams(hyps[i]);
    ChrfStats best;
    double best_score = -1.0;
    for (const std::string& ref : lines) {
      ChrfStats stats = match_stats(hyp, char_ngrams(ref));
      double score = compute_chrf(stats);
      if (score > best_score) {
        best_score = score;
        best = stats;
      }
    }
    total += best;
  }
  return compute_chrf(total);
}

std::string chrf_signature(const std::vector<std::vector<std::string>>& refs) {
  return nrefs_field(refs) + "|case:mixed|eff:yes|nc:6|nw:0|space:no|version:" +
         kSacrebleuVersion;
}

std::string format_chrf(double score) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "chrF2 = %.2f", score);
  return buffer;
}

}  // namespace hat::eval
