// Greedy and beam search (see beam_search.h).
//
// Followed: fairseq/sequence_generator.py (SequenceGenerator._generate, as in HAT's fairseq):
// lprobs[:, pad] = -inf; eos forbidden before min_len = 1 tokens; at step == max_len every token
// but eos is -inf; cand_scores = lprobs + scores, top 2 * beam over beam * V; eos candidates
// among the first beam are finalized with score / (step + 1) ** len_penalty while the sentence
// has fewer than beam finished; the first beam non-eos candidates continue; a sentence is done
// when it has beam finished hypotheses or step == max_len; finalized sorted by score.
#include "supernet/decode/beam_search.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace hat::decode {

namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

struct Sentence {
  int64_t max_len = 0;
  std::vector<std::vector<int32_t>> beams;  // live hypotheses (tokens so far)
  std::vector<double> scores;               // their cumulative log-probs
  std::vector<Hypothesis> finished;
};

void check_options(const IncrementalDecoder& decoder, const BeamSearchOptions& o, const char* op) {
  const arch::ModelDims& d = decoder.model().dims();
  HAT_CHECK(o.beam >= 1, op, ": beam ", o.beam, " must be at least 1");
  HAT_CHECK(std::isfinite(o.len_penalty) && std::isfinite(o.max_len_a) && o.max_len_a >= 0 &&
                o.max_len_b >= 0,
            op, ": len_penalty ", o.len_penalty, ", max_len_a ", o.max_len_a, " and max_len_b ",
            o.max_len_b, " must be finite and non-negative");
  HAT_CHECK(o.eos >= 0 && o.eos < d.vocab_size && o.eos != d.padding_idx, op, ": eos ", o.eos,
            " is not a token of the vocabulary [0, ", d.vocab_size, ") other than padding ",
            d.padding_idx);
}

// Encodes the sources (eos appended, right-padded) and returns one Sentence per source.
std::vector<Sentence> start(IncrementalDecoder& decoder,
                            const std::vector<std::vector<int32_t>>& sources,
                            const BeamSearchOptions& o, const char* op) {
  const arch::ModelDims& d = decoder.model().dims();
  const int64_t N = static_cast<int64_t>(sources.size());
  int64_t S = 1;
  for (int64_t s = 0; s < N; ++s) {
    const int64_t len = static_cast<int64_t>(sources[s].size()) + 1;
    HAT_CHECK(len <= d.max_positions, op, ": source ", s, " has ", len,
              " tokens with its eos, more than max_positions ", d.max_positions);
    for (size_t i = 0; i < sources[s].size(); ++i) {
      const int32_t t = sources[s][i];
      HAT_CHECK(t >= 0 && t < d.vocab_size && t != d.padding_idx, op, ": source ", s,
                " token ", t, " at position ", i, " is outside the vocabulary [0, ",
                d.vocab_size, ") or is padding ", d.padding_idx);
    }
    S = std::max(S, len);
  }
  Tensor batch = Tensor::zeros({N, S}, DType::i32);
  std::vector<int32_t> lengths(N);
  std::vector<Sentence> out(N);
  for (int64_t s = 0; s < N; ++s) {
    const int64_t n = static_cast<int64_t>(sources[s].size());
    int32_t* row = batch.data<int32_t>() + s * S;
    for (int64_t i = 0; i < S; ++i) row[i] = i < n ? sources[s][i] : (i == n ? o.eos : d.padding_idx);
    lengths[s] = static_cast<int32_t>(n + 1);
    out[s].max_len = max_target_length(decoder, n + 1, o);
    out[s].beams = {{}};
    out[s].scores = {0.0};
  }
  decoder.encode(batch, lengths);
  return out;
}

// fairseq's adjusted log-prob of token v at `step` (no token yet = step 0).
inline double adjusted(double lp, int32_t v, int64_t step, int64_t max_len, int32_t pad,
                       int32_t eos) {
  if (v == pad) return kNegInf;
  if (step >= max_len) return v == eos ? lp : kNegInf;
  if (step < 1 && v == eos) return kNegInf;  // min_len = 1
  return lp;
}

// Row-major access to log-probs of either floating type.
struct LogProbs {
  explicit LogProbs(const Tensor& t)
      : f32(t.dtype() == DType::f32 ? t.data<float>() : nullptr),
        f64(t.dtype() == DType::f64 ? t.data<double>() : nullptr),
        width(t.size(1)) {}
  double operator()(int64_t row, int64_t v) const {
    return f32 ? static_cast<double>(f32[row * width + v]) : f64[row * width + v];
  }
  const float* f32;
  const double* f64;
  int64_t width;
};

struct Candidate {
  double score;
  int64_t beam;
  int32_t token;
};

// The ranking: higher score first, then the lower beam, then the lower token (a total order).
inline bool better(const Candidate& a, const Candidate& b) {
  if (a.score != b.score) return a.score > b.score;
  return a.beam != b.beam ? a.beam < b.beam : a.token < b.token;
}

// Beam search with a given beam (greedy is beam 1 with the same rules).
std::vector<Hypothesis> run_beams(IncrementalDecoder& decoder,
                                  const std::vector<std::vector<int32_t>>& sources,
                                  const BeamSearchOptions& o, int64_t beam, const char* op) {
  check_options(decoder, o, op);
  if (sources.empty()) return {};
  std::vector<Sentence> sent = start(decoder, sources, o, op);
  const arch::ModelDims& d = decoder.model().dims();
  const int64_t V = d.vocab_size;
  const int32_t pad = d.padding_idx, eos = o.eos;
  std::vector<int64_t> active(sent.size());  // sentences with live rows, in row order
  for (size_t s = 0; s < sent.size(); ++s) active[s] = static_cast<int64_t>(s);
  std::vector<int32_t> prev(sent.size(), eos);
  std::vector<Candidate> cands;
  for (int64_t step = 0; !active.empty(); ++step) {
    const LogProbs lprob(decoder.step(prev));
    std::vector<int64_t> indices, next_active;
    std::vector<int32_t> next_prev;
    int64_t row0 = 0;
    for (int64_t s : active) {
      Sentence& st = sent[s];
      const int64_t nb = static_cast<int64_t>(st.beams.size());
      // The best `keep` candidates in a heap whose top is the worst kept one.
      cands.clear();
      const int64_t keep = 2 * beam;
      for (int64_t b = 0; b < nb; ++b)
        for (int64_t v = 0; v < V; ++v) {
          const double lp = adjusted(lprob(row0 + b, v), static_cast<int32_t>(v), step,
                                     st.max_len, pad, eos);
          if (lp == kNegInf) continue;
          const Candidate c{st.scores[b] + lp, b, static_cast<int32_t>(v)};
          if (static_cast<int64_t>(cands.size()) < keep) {
            cands.push_back(c);
            std::push_heap(cands.begin(), cands.end(), better);
          } else if (better(c, cands.front())) {
            std::pop_heap(cands.begin(), cands.end(), better);
            cands.back() = c;
            std::push_heap(cands.begin(), cands.end(), better);
          }
        }
      std::sort_heap(cands.begin(), cands.end(), better);  // best first
      const int64_t kept = static_cast<int64_t>(cands.size());
      std::vector<std::vector<int32_t>> beams;
      std::vector<double> scores;
      for (int64_t r = 0; r < kept; ++r) {
        const Candidate& c = cands[r];
        if (c.token == eos) {
          if (r < beam && static_cast<int64_t>(st.finished.size()) < beam)
            st.finished.push_back({st.beams[c.beam],
                                   c.score / std::pow(static_cast<double>(step + 1), o.len_penalty)});
        } else if (static_cast<int64_t>(beams.size()) < beam) {
          beams.push_back(st.beams[c.beam]);
          beams.back().push_back(c.token);
          scores.push_back(c.score);
          indices.push_back(row0 + c.beam);
          next_prev.push_back(c.token);
        }
      }
      row0 += nb;
      const bool done = static_cast<int64_t>(st.finished.size()) >= beam ||
                        step >= st.max_len || beams.empty();
      if (done) {
        indices.resize(indices.size() - beams.size());
        next_prev.resize(next_prev.size() - beams.size());
        st.beams.clear();
        continue;
      }
      st.beams = std::move(beams);
      st.scores = std::move(scores);
      next_active.push_back(s);
    }
    active = std::move(next_active);
    prev = std::move(next_prev);
    if (!active.empty()) decoder.reorder(indices);
  }
  std::vector<Hypothesis> out(sent.size());
  for (size_t s = 0; s < sent.size(); ++s) {
    auto& f = sent[s].finished;
    std::stable_sort(f.begin(), f.end(),
                     [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
    out[s] = f.empty() ? Hypothesis{{}, kNegInf} : f.front();
  }
  return out;
}

}  // namespace

int64_t max_target_length(const IncrementalDecoder& decoder, int64_t source_len,
                          const BeamSearchOptions& o) {
  const double budget = std::floor(o.max_len_a * static_cast<double>(source_len)) +
                        static_cast<double>(o.max_len_b);
  const double cap = static_cast<double>(decoder.max_steps() - 1);
  const int64_t n = static_cast<int64_t>(std::min(budget, cap));
  HAT_CHECK(n >= 1, "search: max length ", n, " (max_len_a ", o.max_len_a, ", max_len_b ",
            o.max_len_b, ", source ", source_len, " tokens, max_positions ",
            decoder.max_steps(), ") leaves no room for a token before the eos");
  return n;
}

std::vector<Hypothesis> beam_search(IncrementalDecoder& decoder,
                                    const std::vector<std::vector<int32_t>>& sources,
                                    const BeamSearchOptions& options) {
  return run_beams(decoder, sources, options, options.beam, "beam_search");
}

std::vector<Hypothesis> greedy_search(IncrementalDecoder& decoder,
                                      const std::vector<std::vector<int32_t>>& sources,
                                      const BeamSearchOptions& options) {
  const char* op = "greedy_search";
  check_options(decoder, options, op);
  if (sources.empty()) return {};
  std::vector<Sentence> sent = start(decoder, sources, options, op);
  const arch::ModelDims& d = decoder.model().dims();
  const int32_t pad = d.padding_idx, eos = options.eos;
  std::vector<int64_t> active(sent.size());
  for (size_t s = 0; s < sent.size(); ++s) active[s] = static_cast<int64_t>(s);
  std::vector<int32_t> prev(sent.size(), eos);
  std::vector<Hypothesis> out(sent.size());
  for (int64_t step = 0; !active.empty(); ++step) {
    const LogProbs lprob(decoder.step(prev));
    std::vector<int64_t> indices, next_active;
    std::vector<int32_t> next_prev;
    for (size_t r = 0; r < active.size(); ++r) {
      Sentence& st = sent[active[r]];
      int32_t best = -1;
      double best_lp = kNegInf;
      for (int32_t v = 0; v < d.vocab_size; ++v) {
        const double lp = adjusted(lprob(static_cast<int64_t>(r), v), v, step,
                                   st.max_len, pad, eos);
        if (lp > best_lp) best = v, best_lp = lp;  // the first maximum: the lowest id
      }
      if (best < 0) continue;  // nothing allowed (cannot happen with eos in the vocabulary)
      st.scores[0] += best_lp;
      if (best == eos) {
        out[active[r]] = {st.beams[0],
                          st.scores[0] / std::pow(static_cast<double>(step + 1), options.len_penalty)};
        continue;
      }
      st.beams[0].push_back(best);
      indices.push_back(static_cast<int64_t>(r));
      next_prev.push_back(best);
      next_active.push_back(active[r]);
    }
    active = std::move(next_active);
    prev = std::move(next_prev);
    if (!active.empty() && indices.size() < static_cast<size_t>(decoder.rows()))
      decoder.reorder(indices);
  }
  return out;
}

}  // namespace hat::decode
