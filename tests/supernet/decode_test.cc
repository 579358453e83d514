// Incremental decoding and search: every step's log-probabilities against the SuperTransformer's
// own full forward on the same prefix (per token, from its loss), reordering, greedy and beam
// search (beam 1 = greedy, batch = one by one, determinism, scores), and bad input.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "supernet/decode/beam_search.h"
#include "supernet/ops/log_softmax.h"
#include "tests/supernet/model_test_util.h"

namespace hat {
namespace {

constexpr int32_t kPad = 1, kEos = 2;

using Rows = std::vector<std::vector<int32_t>>;

// Sources (without eos) of different lengths: the batch is padded.
Rows tiny_sources() { return {{4, 9, 11, 5, 7}, {12, 6, 8}, {3, 10}}; }

// A batch whose source rows are `sources` and whose target rows are input [eos, prefix] and
// output [prefix[1:], last] (no padding unless a row's `last` is padding: then the row is one
// token shorter).
model::ModelBatch probe_batch(const Rows& sources, const Rows& prefixes,
                              const std::vector<int32_t>& last) {
  model::ModelBatch b = test::make_batch(sources, Rows(sources.size()));
  const int64_t B = static_cast<int64_t>(sources.size());
  const int64_t T = static_cast<int64_t>(prefixes[0].size()) + 1;
  b.target_input = Tensor::zeros({B, T}, DType::i32);
  b.target_output = Tensor::zeros({B, T}, DType::i32);
  b.target_lengths.clear();
  b.target_tokens = 0;
  for (int64_t r = 0; r < B; ++r) {
    const bool shorter = last[r] == kPad;
    for (int64_t i = 0; i < T; ++i) {
      b.target_input.at<int32_t>({r, i}) = i == 0 ? kEos : (shorter && i == T - 1 ? kPad : prefixes[r][i - 1]);
      b.target_output.at<int32_t>({r, i}) = i < T - 1 ? prefixes[r][i] : last[r];
    }
    b.target_lengths.push_back(static_cast<int32_t>(shorter ? T - 1 : T));
    b.target_tokens += b.target_lengths.back();
  }
  return b;
}

// log p(v | source b, eos prefix[b]) from the model's forward (SuperTransformer::evaluate):
// the nll sum of a batch in which row b's last target is v, minus that of the batch in which row
// b stops one token earlier (the causal decoder's earlier positions do not see the last input).
// With one row and an empty prefix there is nothing to subtract. v = padding_idx cannot be a
// target: its entry is NaN.
std::vector<double> reference_log_probs(model::SuperTransformer& model,
                                        const arch::ArchConfig& arch, const Rows& sources,
                                        const Rows& prefixes, int64_t b) {
  const int64_t V = model.dims().vocab_size;
  std::vector<int32_t> last(sources.size(), 4);
  double base = 0;
  if (sources.size() > 1 || !prefixes[b].empty()) {
    last[b] = kPad;
    base = model.evaluate(arch, probe_batch(sources, prefixes, last), 0.0).nll;
  }
  std::vector<double> out(V, std::nan(""));
  for (int32_t v = 0; v < V; ++v) {
    if (v == kPad) continue;
    last[b] = v;
    out[v] = -(model.evaluate(arch, probe_batch(sources, prefixes, last), 0.0).nll - base);
  }
  return out;
}

arch::ArchConfig attend_arch() {
  arch::ArchConfig a =
      test::tiny_arch();  // decoder layers attend to the last 2 and 3 encoder layers
  return a;
}

// Two of three encoder layers active, decoder layers attending to the last 1 and 3 (HAT then
// reads the last active output twice), unshared embeddings (split k / v weights).
arch::ArchConfig fewer_layers_arch() {
  arch::ArchConfig a = test::tiny_arch();
  a.encoder_layers = 2;
  a.encoder_ffn_dims = {10, 7};
  a.encoder_self_heads = {2, 1};
  a.decoder_embed_dim = 7;
  a.decoder_self_heads = {1, 2};
  a.decoder_ende_layers = {1, 3};
  return a;
}

// Runs `steps` incremental steps on random prefixes and compares every row's log-probs with the
// full forward, both on the padded batch and on the sentence alone.
void check_steps(const arch::ModelDims& dims, const arch::ArchConfig& arch, DType dtype, double tol,
                 bool padded_reference) {
  model::SuperTransformer model(dims, dtype);
  test::randomize(model, 11);
  const Rows sources = tiny_sources();
  const int64_t B = static_cast<int64_t>(sources.size()), steps = 5;
  Rows tokens(B);
  uint64_t state = 5;
  for (auto& row : tokens)
    for (int64_t t = 0; t < steps; ++t) row.push_back(static_cast<int32_t>(3 + (state = state * 6364136223846793005ULL + 1442695040888963407ULL) % (dims.vocab_size - 3)));
  decode::IncrementalDecoder decoder(model, arch);
  const model::ModelBatch src = test::make_batch(sources, Rows(B));
  decoder.encode(src.source, src.source_lengths);
  for (int64_t t = 0; t < steps; ++t) {
    std::vector<int32_t> prev(B);
    Rows prefixes(B);
    for (int64_t b = 0; b < B; ++b) {
      prev[b] = t == 0 ? kEos : tokens[b][t - 1];
      prefixes[b].assign(tokens[b].begin(), tokens[b].begin() + t);
    }
    const Tensor lp = test::cast(decoder.step(prev), DType::f64);
    ASSERT_EQ(lp.shape(), (Shape{B, dims.vocab_size}));
    for (int64_t b = 0; b < B; ++b) {
      std::vector<std::vector<double>> refs;
      refs.push_back(reference_log_probs(model, arch, {sources[b]}, {prefixes[b]}, 0));
      if (padded_reference && t > 0) refs.push_back(reference_log_probs(model, arch, sources, prefixes, b));
      for (const auto& ref : refs) {
        double total = 0;
        for (int64_t v = 0; v < dims.vocab_size; ++v) {
          total += std::exp(lp.at<double>({b, v}));
          if (v == kPad) continue;
          EXPECT_NEAR(lp.at<double>({b, v}), ref[v], tol) << "step " << t << " row " << b << " token " << v;
        }
        EXPECT_NEAR(total, 1.0, tol);
      }
    }
  }
  EXPECT_EQ(decoder.steps(), steps);
}

TEST(IncrementalDecoder, StepsEqualFullForwardF64) {
  check_steps(test::tiny_dims(), attend_arch(), DType::f64, 1e-10, true);
}

TEST(IncrementalDecoder, StepsEqualFullForwardF32) {
  check_steps(test::tiny_dims(), attend_arch(), DType::f32, 1e-5, true);
}

TEST(IncrementalDecoder, StepsEqualFullForwardFewerLayersUnshared) {
  check_steps(test::tiny_dims(false), fewer_layers_arch(), DType::f64, 1e-10, true);
  check_steps(test::tiny_dims(false), fewer_layers_arch(), DType::f32, 1e-5, false);
}

TEST(IncrementalDecoder, StepsEqualFullForwardFullWidth) {
  const arch::ModelDims d = test::tiny_dims();
  check_steps(d, test::full_width_arch(d), DType::f64, 1e-10, false);
}

// After reorder (a permutation with a repeat, then a grouped expansion), the decoder continues
// exactly like one fed the reordered sentences and histories from the start.
TEST(IncrementalDecoder, ReorderEqualsDecodingTheReorderedRows) {
  model::SuperTransformer model(test::tiny_dims(), DType::f64);
  test::randomize(model, 3);
  const Rows sources = tiny_sources();
  const Rows history = {{5, 7, 9}, {4, 4, 6}, {12, 3, 8}};
  for (const std::vector<int64_t>& idx : {std::vector<int64_t>{2, 0, 0, 1},
                                          std::vector<int64_t>{0, 0, 1, 1, 2, 2},
                                          std::vector<int64_t>{1}}) {
    decode::IncrementalDecoder a(model, attend_arch()), b(model, attend_arch());
    const model::ModelBatch src = test::make_batch(sources, Rows(3));
    a.encode(src.source, src.source_lengths);
    Rows reordered;
    for (int64_t i : idx) reordered.push_back(sources[i]);
    const model::ModelBatch src_b = test::make_batch(reordered, Rows(idx.size()));
    b.encode(src_b.source, src_b.source_lengths);
    for (int64_t t = 0; t < 2; ++t) {
      std::vector<int32_t> pa, pb;
      for (int64_t r = 0; r < 3; ++r) pa.push_back(t == 0 ? kEos : history[r][t - 1]);
      for (int64_t i : idx) pb.push_back(t == 0 ? kEos : history[i][t - 1]);
      a.step(pa);
      b.step(pb);
    }
    a.reorder(idx);
    ASSERT_EQ(a.rows(), static_cast<int64_t>(idx.size()));
    for (size_t i = 0; i < idx.size(); ++i) EXPECT_EQ(a.source_length(i), b.source_length(i));
    for (int64_t t = 2; t < 4; ++t) {
      std::vector<int32_t> p;
      for (int64_t i : idx) p.push_back(history[i][t % 3]);
      const Tensor la = a.step(p).clone(), lb = b.step(p).clone();
      EXPECT_TRUE(test::all_close(la, lb, 0, 1e-12)) << "step " << t;
    }
  }
}

decode::BeamSearchOptions small_options(int64_t beam, double lenpen = 1.0) {
  decode::BeamSearchOptions o;
  o.beam = beam;
  o.len_penalty = lenpen;
  o.max_len_b = 7;
  return o;
}

const Rows& search_sources() {
  static const Rows rows = {{4, 9, 11, 5, 7}, {12, 6, 8}, {3, 10}, {5}, {}, {7, 7, 7, 7, 7, 7}};
  return rows;
}

// The score of a hypothesis recomputed by feeding it to a fresh decoder.
double rescore(const model::SuperTransformer& model, const arch::ArchConfig& arch,
               const std::vector<int32_t>& source, const decode::Hypothesis& h, double lenpen) {
  decode::IncrementalDecoder d(model, arch);
  const model::ModelBatch src = test::make_batch({source}, Rows(1));
  d.encode(src.source, src.source_lengths);
  double sum = 0;
  int32_t prev = kEos;
  for (size_t i = 0; i <= h.tokens.size(); ++i) {
    const int32_t next = i < h.tokens.size() ? h.tokens[i] : kEos;
    sum += test::element(d.step({prev}), next);
    prev = next;
  }
  return sum / std::pow(static_cast<double>(h.tokens.size() + 1), lenpen);
}

TEST(Search, BeamOneEqualsGreedy) {
  int finished_early = 0, forced = 0;
  for (DType dtype : {DType::f64, DType::f32}) {
    for (uint64_t seed = 21; seed < 29; ++seed) {
      model::SuperTransformer model(test::tiny_dims(), dtype);
      test::randomize(model, seed);
      decode::IncrementalDecoder decoder(model, attend_arch());
      for (double lenpen : {1.0, 0.6}) {
        const auto greedy =
            decode::greedy_search(decoder, search_sources(), small_options(1, lenpen));
        const auto beam = decode::beam_search(decoder, search_sources(), small_options(1, lenpen));
        ASSERT_EQ(greedy.size(), search_sources().size());
        for (size_t s = 0; s < greedy.size(); ++s) {
          EXPECT_EQ(greedy[s].tokens, beam[s].tokens) << "sentence " << s;
          EXPECT_NEAR(greedy[s].score, beam[s].score, 1e-6) << "sentence " << s;
          EXPECT_GE(greedy[s].tokens.size(), 1u);
          EXPECT_LE(greedy[s].tokens.size(), 7u);
          finished_early += greedy[s].tokens.size() < 7;
          forced += greedy[s].tokens.size() == 7;
          EXPECT_NEAR(greedy[s].score,
                      rescore(model, attend_arch(), search_sources()[s], greedy[s], lenpen), 1e-5);
        }
      }
    }
  }
  // Both endings occur: by eos, and by the length limit.
  EXPECT_GT(finished_early, 0);
  EXPECT_GT(forced, 0);
}

TEST(Search, BatchEqualsOneByOneAndIsDeterministic) {
  model::SuperTransformer model(test::tiny_dims(false), DType::f64);
  test::randomize(model, 8);
  decode::IncrementalDecoder decoder(model, fewer_layers_arch());
  const decode::BeamSearchOptions o = small_options(3, 1.3);
  const auto batch = decode::beam_search(decoder, search_sources(), o);
  const auto again = decode::beam_search(decoder, search_sources(), o);
  for (size_t s = 0; s < batch.size(); ++s) {
    const auto single = decode::beam_search(decoder, {search_sources()[s]}, o);
    EXPECT_EQ(batch[s].tokens, single[0].tokens) << "sentence " << s;
    EXPECT_NEAR(batch[s].score, single[0].score, 1e-12) << "sentence " << s;
    EXPECT_EQ(batch[s].tokens, again[s].tokens);
    EXPECT_EQ(batch[s].score, again[s].score);
    EXPECT_NEAR(batch[s].score, rescore(model, fewer_layers_arch(), search_sources()[s], batch[s], 1.3), 1e-10);
  }
}

// fairseq's beam search written plainly for one sentence: every live hypothesis is rescored
// from scratch by a fresh decoder (no cache reordering, no batching), candidates ranked by
// (score desc, beam asc, token asc), as beam_search.h specifies.
decode::Hypothesis naive_beam(const model::SuperTransformer& model, const arch::ArchConfig& arch,
                              const std::vector<int32_t>& source, int64_t beam, double lenpen,
                              int64_t max_len) {
  struct Cand { double score; int64_t beam; int32_t token; };
  const int64_t V = model.dims().vocab_size;
  Rows beams = {{}};
  std::vector<double> scores = {0.0};
  std::vector<decode::Hypothesis> finished;
  for (int64_t step = 0; !beams.empty(); ++step) {
    std::vector<Cand> cands;
    for (size_t b = 0; b < beams.size(); ++b) {
      decode::IncrementalDecoder d(model, arch);
      const model::ModelBatch src = test::make_batch({source}, Rows(1));
      d.encode(src.source, src.source_lengths);
      Tensor lp;
      for (int64_t i = 0; i <= step; ++i) lp = d.step({i == 0 ? kEos : beams[b][i - 1]}).clone();
      for (int32_t v = 0; v < V; ++v) {
        const bool allowed = v != kPad && (step >= max_len ? v == kEos : (step > 0 || v != kEos));
        if (allowed) cands.push_back({scores[b] + test::element(lp, v), static_cast<int64_t>(b), v});
      }
    }
    std::sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) {
      return a.score != b.score ? a.score > b.score
                                : (a.beam != b.beam ? a.beam < b.beam : a.token < b.token);
    });
    Rows next;
    std::vector<double> next_scores;
    for (int64_t r = 0; r < std::min<int64_t>(2 * beam, cands.size()); ++r) {
      const Cand& c = cands[r];
      if (c.token == kEos) {
        if (r < beam && static_cast<int64_t>(finished.size()) < beam)
          finished.push_back({beams[c.beam], c.score / std::pow(step + 1.0, lenpen)});
      } else if (static_cast<int64_t>(next.size()) < beam) {
        next.push_back(beams[c.beam]);
        next.back().push_back(c.token);
        next_scores.push_back(c.score);
      }
    }
    if (static_cast<int64_t>(finished.size()) >= beam || step >= max_len) break;
    beams = next;
    scores = next_scores;
  }
  std::stable_sort(
      finished.begin(), finished.end(),
      [](const decode::Hypothesis& a, const decode::Hypothesis& b) { return a.score > b.score; });
  return finished.front();
}

TEST(Search, BeamEqualsPlainReimplementation) {
  int early = 0;
  for (uint64_t seed : {21, 5}) {
    model::SuperTransformer model(test::tiny_dims(), DType::f64);
    test::randomize(model, seed);
    decode::IncrementalDecoder decoder(model, attend_arch());
    for (int64_t beam : {2, 4}) {
      const decode::BeamSearchOptions o = small_options(beam, 0.8);
      const auto got = decode::beam_search(decoder, search_sources(), o);
      for (size_t s = 0; s < got.size(); ++s) {
        const decode::Hypothesis want =
            naive_beam(model, attend_arch(), search_sources()[s], beam, 0.8, 7);
        EXPECT_EQ(got[s].tokens, want.tokens) << "seed " << seed << " beam " << beam << " sentence " << s;
        EXPECT_NEAR(got[s].score, want.score, 1e-10);
        early += got[s].tokens.size() < 7;
      }
    }
  }
  EXPECT_GT(early, 0);
}

TEST(Search, MaxLengthIsCappedByPositions) {
  model::SuperTransformer model(test::tiny_dims(), DType::f64);
  decode::IncrementalDecoder decoder(model, attend_arch());
  decode::BeamSearchOptions o;
  EXPECT_EQ(decode::max_target_length(decoder, 4, o), 15);  // max_positions 16 - 1
  o.max_len_a = 1.5, o.max_len_b = 2;
  EXPECT_EQ(decode::max_target_length(decoder, 4, o), 8);
  test::randomize(model, 4);
  o.max_len_a = 0, o.max_len_b = 200;
  for (const auto& h : decode::beam_search(decoder, search_sources(), o))
    EXPECT_LE(h.tokens.size(), 15u);
}

TEST(LogSoftmaxRows, MatchesDefinitionInBothTypesAndRejectsBadInput) {
  const Tensor x64 = test::random_tensor({3, 7}, DType::f64, 4, -30.0, 30.0);
  Tensor y64 = x64.clone(), y32 = test::cast(x64, DType::f32);
  ops::log_softmax_rows_inplace(y64);
  ops::log_softmax_rows_inplace(y32);
  for (int64_t r = 0; r < 3; ++r) {
    double sum = 0;
    for (int64_t j = 0; j < 7; ++j) sum += std::exp(x64.at<double>({r, j}));
    for (int64_t j = 0; j < 7; ++j)
      EXPECT_NEAR(y64.at<double>({r, j}), x64.at<double>({r, j}) - std::log(sum), 1e-12);
  }
  EXPECT_TRUE(test::all_close(test::cast(y32, DType::f64), y64, 1e-6, 1e-5));
  test::expect_error(
      [] {
        ops::log_softmax_rows_inplace(Tensor::zeros({2, 3}, DType::i32));
      },
      {"log_softmax_rows_inplace", "i32[2, 3]"});
  test::expect_error(
      [] {
        ops::log_softmax_rows_inplace(Tensor::zeros({2, 3, 4}, DType::f32));
      },
      {"log_softmax_rows_inplace", "f32[2, 3, 4]"});
}

TEST(Search, BadInputThrows) {
  model::SuperTransformer model(test::tiny_dims(), DType::f32);
  test::randomize(model, 2);
  decode::IncrementalDecoder decoder(model, attend_arch());
  decode::BeamSearchOptions o = small_options(0);
  test::expect_error([&] { decode::beam_search(decoder, {{4}}, o); }, {"beam_search", "beam 0"});
  o.beam = 2;
  test::expect_error(
      [&] {
        decode::beam_search(decoder, {{4, 13}}, o);
      },
      {"beam_search", "token 13"});
  test::expect_error([&] { decode::greedy_search(decoder, {{-1}}, o); },
                     {"greedy_search", "token -1"});
  test::expect_error(
      [&] {
        decode::beam_search(decoder, {{4, kPad}}, o);
      },
      {"beam_search", "padding"});
  test::expect_error([&] { decode::beam_search(decoder, {Rows::value_type(16, 4)}, o); },
                     {"beam_search", "max_positions 16"});
  o.max_len_b = 0;
  test::expect_error([&] { decode::beam_search(decoder, {{4}}, o); }, {"search", "max length 0"});
  o = small_options(2);
  o.eos = kPad;
  test::expect_error([&] { decode::beam_search(decoder, {{4}}, o); }, {"beam_search", "eos 1"});
  EXPECT_TRUE(decode::beam_search(decoder, {}, small_options(2)).empty());
}

TEST(IncrementalDecoder, BadInputThrows) {
  model::SuperTransformer model(test::tiny_dims(), DType::f64);
  decode::IncrementalDecoder decoder(model, attend_arch());
  test::expect_error([&] { decoder.step({kEos}); }, {"IncrementalDecoder", "before encode"});
  test::expect_error([&] { decoder.reorder({0}); }, {"IncrementalDecoder", "before encode"});
  arch::ArchConfig bad = attend_arch();
  bad.decoder_ende_layers[0] = 4;
  test::expect_error([&] { decode::IncrementalDecoder d(model, bad); },
                     {"decoder_ende_layers[0] = 4"});
  model::ModelBatch src = test::make_batch({{4, 5}, {6}}, Rows(2));
  test::expect_error([&] { decoder.encode(src.source, {3}); }, {"IncrementalDecoder", "1 lengths"});
  test::expect_error([&] { decoder.encode(src.source, {3, 3}); }, {"IncrementalDecoder", "padding"});
  src.source.at<int32_t>({0, 0}) = 13;
  test::expect_error([&] { decoder.encode(src.source, src.source_lengths); },
                     {"IncrementalDecoder", "token 13", "[0, 13)"});
  src.source.at<int32_t>({0, 0}) = 4;
  decoder.encode(src.source, src.source_lengths);
  test::expect_error([&] { decoder.step({kEos}); }, {"IncrementalDecoder", "1 tokens for 2 rows"});
  test::expect_error([&] { decoder.step({kEos, 13}); }, {"IncrementalDecoder", "token 13"});
  test::expect_error([&] { decoder.reorder({0, 2}); }, {"IncrementalDecoder", "index 2"});
  test::expect_error([&] { decoder.reorder({}); }, {"IncrementalDecoder", "no rows"});
  for (int64_t t = 0; t < 16; ++t) decoder.step({kEos, kEos});
  test::expect_error([&] { decoder.step({kEos, kEos}); }, {"IncrementalDecoder", "max_positions 16"});
}

}  // namespace
}  // namespace hat
