// Corpus BLEU with sacreBLEU 2.x's defaults (metrics/bleu.py: compute_bleu, segment statistics).
#include "supernet/eval/bleu.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <unordered_map>

#include "devices/error.h"
#include "supernet/eval/tokenize_13a.h"

namespace hat::eval {
namespace {

using NgramCounts = std::unordered_map<std::string, int64_t>;

// All n-grams of orders 1..4, keyed by their tokens joined with single spaces (tokens hold no
// whitespace, so the key is unambiguous).
NgramCounts word_ngrams(const std::vector<std::string>& tokens) {
  NgramCounts counts;
  for (size_t n = 1; n <= kBleuOrder; ++n) {
    for (size_t i = 0; i + n <= tokens.size(); ++i) {
      std::string key = tokens[i];
      for (size_t k = 1; k < n; ++k) key += ' ' + tokens[i + k];
      ++counts[key];
    }
  }
  return counts;
}

size_t ngram_order(const std::string& key) {
  size_t n = 1;
  for (char c : key) n += c == ' ';
  return n;
}

std::vector<std::string> bleu_tokens(std::string_view text) {
  // sacreBLEU: tokenizer(sent.rstrip()); the tokenizer drops surrounding whitespace anyway.
  return split_python_whitespace(tokenize_13a(text));
}

// sacreBLEU's my_log: log with log(0) floored to -9999999999.
double floored_log(double x) { return x == 0.0 ? -9999999999.0 : std::log(x); }

}  // namespace

BleuStats& BleuStats::operator+=(const BleuStats& other) {
  hyp_len += other.hyp_len;
  ref_len += other.ref_len;
  for (int n = 0; n < kBleuOrder; ++n) {
    correct[n] += other.correct[n];
    total[n] += other.total[n];
  }
  return *this;
}

BleuStats segment_bleu_stats(std::string_view hyp, const std::vector<std::string>& refs) {
  HAT_CHECK(!refs.empty(), "bleu: a segment needs at least one reference");
  NgramCounts ref_ngrams;
  std::vector<int64_t> ref_lens;
  for (const std::string& ref : refs) {
    std::vector<std::string> tokens = bleu_tokens(ref);
    ref_lens.push_back(static_cast<int64_t>(tokens.size()));
    for (auto& [key, count] : word_ngrams(tokens)) {
      int64_t& best = ref_ngrams[key];
      best = std::max(best, count);
    }
  }
  std::vector<std::string> hyp_tokens = bleu_tokens(hyp);
  BleuStats stats;
  stats.hyp_len = static_cast<int64_t>(hyp_tokens.size());
  // Closest reference length; ties go to the shorter reference.
  int64_t closest_diff = -1;
  for (int64_t len : ref_lens) {
    int64_t diff = std::llabs(stats.hyp_len - len);
    if (closest_diff == -1 || diff < closest_diff || (diff == closest_diff && len < stats.ref_len)) {
      closest_diff = diff;
      stats.ref_len = len;
    }
  }
  for (auto& [key, count] : word_ngrams(hyp_tokens)) {
    size_t n = ngram_order(key) - 1;
    stats.total[n] += count;
    auto it = ref_ngrams.find(key);
    if (it != ref_ngrams.end()) stats.correct[n] += std::min(count, it->second);
  }
  return stats;
}

BleuScore compute_bleu(const BleuStats& stats) {
  BleuScore result;
  result.stats = stats;
  const double sys_len = static_cast<double>(stats.hyp_len);
  const double ref_len = static_cast<double>(stats.ref_len);
  // BP = exp(1 - r/c) when c < r (0 when c = 0), else 1.
  if (stats.hyp_len < stats.ref_len)
    result.bp = stats.hyp_len > 0 ? std::exp(1.0 - ref_len / sys_len) : 0.0;
  else
    result.bp = 1.0;
  result.ratio = stats.ref_len ? sys_len / ref_len : 0.0;

  bool any_match = false;
  for (int64_t c : stats.correct) any_match |= c != 0;
  if (!any_match) return result;  // sacreBLEU #141: score 0, precisions 0

  double smooth = 1.0;
  for (int n = 0; n < kBleuOrder; ++n) {
    if (stats.total[n] == 0) break;
    if (stats.correct[n] == 0) {
      smooth *= 2;
      result.precisions[n] = 100.0 / (smooth * static_cast<double>(stats.total[n]));
    } else {
      result.precisions[n] =
          100.0 * static_cast<double>(stats.correct[n]) / static_cast<double>(stats.total[n]);
    }
  }
  // score = BP * exp(sum_n log(p_n) / N), p_n in percent (so the score is in percent).
  double log_sum = 0.0;
  for (double p : result.precisions) log_sum += floored_log(p);
  result.score = result.bp * std::exp(log_sum / kBleuOrder);
  return result;
}

std::vector<std::string> segment_references(const std::vector<std::vector<std::string>>& refs,
                                            size_t i) {
  std::vector<std::string> lines;
  for (const auto& stream : refs)
    if (!stream[i].empty()) lines.push_back(stream[i]);
  return lines;
}

BleuScore corpus_bleu(const std::vector<std::string>& hyps,
                      const std::vector<std::vector<std::string>>& refs) {
  HAT_CHECK(!refs.empty(), "bleu: no reference stream given");
  for (size_t r = 0; r < refs.size(); ++r)
    HAT_CHECK(refs[r].size() == hyps.size(), "bleu: reference stream ", r + 1, " has ",
              refs[r].size(), " lines but the hypotheses have ", hyps.size());
  BleuStats total;
  for (size_t i = 0; i < hyps.size(); ++i) {
    std::vector<std::string> lines = segment_references(refs, i);
    HAT_CHECK(!lines.empty(), "bleu: line ", i + 1, " has no non-empty reference");
    total += segment_bleu_stats(hyps[i], lines);
  }
  return compute_bleu(total);
}

std::string nrefs_field(const std::vector<std::vector<std::string>>& refs) {
  std::set<size_t> counts;
  size_t lines = refs.empty() ? 0 : refs[0].size();
  for (size_t i = 0; i < lines; ++i) counts.insert(segment_references(refs, i).size());
  if (counts.size() > 1) return "nrefs:var";
  return str("nrefs:", counts.empty() ? refs.size() : *counts.begin());
}

std::string bleu_signature(const std::vector<std::vector<std::string>>& refs) {
  return nrefs_field(refs) + "|case:mixed|eff:no|tok:13a|smooth:exp|version:" + kSacrebleuVersion;
}

std::string BleuScore::format() const {
  char buffer[256];
  std::snprintf(buffer, sizeof buffer,
                "BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %lld "
                "ref_len = %lld)",
                score, precisions[0], precisions[1], precisions[2], precisions[3], bp, ratio,
                static_cast<long long>(stats.hyp_len), static_cast<long long>(stats.ref_len));
  return buffer;
}

}  // namespace hat::eval
