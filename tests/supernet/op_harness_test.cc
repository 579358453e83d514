// One harness for every op: each op runs forward and backward in f32 on every backend compiled in
// (devices/kernels.h: backends()), and the results are compared with the op's f64 reference
// loops on the host, with a tolerance per op. A new backend registers itself in backends() and
// gets every case here; a new op adds one entry to op_cases().
//
// Inputs are drawn once in f64 (seeded) and cast, so both runs see the same values. Gradients are
// accumulated into random starting values, so that "adds into" is checked as well as "writes".
#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "devices/kernels.h"
#include "supernet/decode/decode_attention.h"
#include "supernet/ops/attention_views.h"
#include "supernet/ops/bias_add.h"
#include "supernet/ops/cross_entropy_inplace.h"
#include "supernet/ops/dropout.h"
#include "supernet/ops/embedding.h"
#include "supernet/ops/fused_elementwise.h"
#include "supernet/ops/layer_norm.h"
#include "supernet/ops/linear.h"
#include "supernet/ops/log_softmax.h"
#include "supernet/ops/positions.h"
#include "supernet/ops/relu.h"
#include "supernet/ops/softmax.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

// One run of an op case: makes its inputs in one element type on one backend and collects
// what it produced (outputs, statistics, gradients) as host copies.
class OpRun {
 public:
  OpRun(const Kernels& backend, DType dtype) : backend_(backend), dtype_(dtype) {}

  // Values uniform in [lo, hi), the same for every element type and backend.
  Tensor random(const Shape& shape, uint64_t seed, double lo = -1.0, double hi = 1.0) const {
    return put(test::random_tensor(shape, DType::f64, seed, lo, hi));
  }
  Tensor zeros(const Shape& shape) const { return put(Tensor::zeros(shape, DType::f64)); }
  // A host f64 tensor, cast to the run's type and moved to its backend.
  Tensor put(const Tensor& host) const { return backend_.upload(test::cast(host, dtype_)); }
  // A host tensor moved to the backend as it is (token ids, a table built in the run's type).
  Tensor upload(const Tensor& host) const { return backend_.upload(host); }
  DType dtype() const { return dtype_; }
  // Keeps a copy of `t` (f64 on the host) as the run's next result.
  void keep(const Tensor& t) { results_.push_back(test::cast(backend_.download(t), DType::f64)); }
  void keep(double value) {
    Tensor t = Tensor::zeros({1}, DType::f64);
    t.data<double>()[0] = value;
    results_.push_back(t);
  }
  const std::vector<Tensor>& results() const { return results_; }

 private:
  const Kernels& backend_;
  DType dtype_;
  std::vector<Tensor> results_;
};

// Host i32 ids uniform in [0, vocab), seeded.
Tensor random_ids(const Shape& shape, int32_t vocab, uint64_t seed) {
  return test::cast(test::random_tensor(shape, DType::f64, seed, 0.0, vocab), DType::i32);
}

struct OpCase {
  std::string name;
  double rtol, atol;  // f32 on the backend against the f64 reference
  std::function<void(OpRun&)> run;
};
void PrintTo(const OpCase& op, std::ostream* os) { *os << op.name; }

std::vector<OpCase> op_cases() {
  return {
      {"Linear", 1e-5, 1e-5,
       [](OpRun& r) {
         // W and b are the leading blocks of larger parameters, as a SubTransformer slices them.
         const Tensor x = r.random({2, 3, 5}, 1), w_full = r.random({7, 6}, 2);
         const Tensor b_full = r.random({7}, 3), dy = r.random({2, 3, 4}, 4);
         const Tensor w = w_full.leading({4, 5}), b = b_full.leading({4});
         Tensor y;
         ops::linear_forward(x, w, &b, y);
         const Tensor dx = r.random({2, 3, 5}, 5), dw = r.random({7, 6}, 6), db = r.random({7}, 7);
         ops::linear_backward(x, w, dy, dx, dw.leading({4, 5}), db.leading({4}));
         for (const Tensor& t : {y, dx, dw, db}) r.keep(t);
       }},
      {"BiasAdd", 1e-6, 1e-6,
       [](OpRun& r) {
         const Tensor x = r.random({3, 4}, 11), b = r.random({4}, 12), dy = r.random({3, 4}, 13);
         Tensor y;
         ops::bias_add_forward(x, b, y);
         const Tensor dx = r.random({3, 4}, 14), db = r.random({4}, 15);
         ops::bias_add_backward(dy, dx, db);
         for (const Tensor& t : {y, dx, db}) r.keep(t);
       }},
      {"Relu", 1e-6, 1e-7,
       [](OpRun& r) {
         // Exact zeros included: the kink, where the gradient is 0 as in PyTorch.
         Tensor host = test::random_tensor({3, 4, 33}, DType::f64, 21);
         host.data<double>()[0] = host.data<double>()[17] = 0.0;
         const Tensor x = r.put(host), dy = r.random({3, 4, 33}, 22);
         Tensor y;
         ops::relu_forward(x, y);
         const Tensor dx = r.random({3, 4, 33}, 23);
         ops::relu_backward(x, dy, dx);
         Tensor in_place = r.put(host);
         ops::relu_forward(in_place, in_place);
         for (const Tensor& t : {y, dx, in_place}) r.keep(t);
       }},
      {"Dropout", 1e-6, 1e-7,
       [](OpRun& r) {
         const Tensor x = r.random({5, 7}, 31), dy = r.random({5, 7}, 32);
         Tensor y;
         ops::dropout_forward(x, 0.3, 99, y);
         const Tensor dx = r.random({5, 7}, 33);
         ops::dropout_backward(dy, 0.3, 99, dx);
         for (const Tensor& t : {y, dx}) r.keep(t);
       }},
      {"FusedElementwise", 1e-6, 1e-7,
       [](OpRun& r) {
         const Tensor x = r.random({6, 5}, 41), residual = r.random({6, 5}, 42);
         const Tensor dropped = r.zeros({6, 5}), added = r.zeros({6, 5});
         ops::dropout_apply(x, 0.25, 7, dropped);
         ops::dropout_add_forward(x, 0.25, 7, residual, added);
         Tensor y;
         ops::relu_forward(dropped, y);
         const Tensor d = r.random({6, 5}, 43);
         ops::relu_dropout_backward_inplace(y, 0.25, d);
         for (const Tensor& t : {dropped, added, d}) r.keep(t);
       }},
      {"LayerNorm", 1e-5, 1e-5,
       [](OpRun& r) {
         // Widths below, at and above oneDNN's vector lengths.
         for (int64_t d : {5, 64, 512}) {
           const Tensor x = r.random({3, 7, d}, 51, -2.0, 3.0), dy = r.random({3, 7, d}, 52);
           const Tensor g_full = r.random({d + 3}, 53, 0.5, 1.5), b_full = r.random({d + 3}, 54);
           const Tensor g = g_full.leading({d}), b = b_full.leading({d});
           Tensor y;
           ops::LayerNormContext ctx;
           ops::layer_norm_forward(x, g, b, ops::kLayerNormEps, y, ctx);
           const Tensor dx = r.random({3, 7, d}, 55), dg = r.random({d + 3}, 56);
           const Tensor db = r.random({d + 3}, 57), dx_written = r.random({3, 7, d}, 58);
           ops::layer_norm_backward(x, g, ctx, dy, dx, dg.leading({d}), db.leading({d}));
           ops::layer_norm_backward_write(x, g, ctx, dy, dx_written, Tensor(), Tensor());
           for (const Tensor& t : {y, ctx.mean, ctx.variance, dx, dg, db, dx_written}) r.keep(t);
         }
       }},
      {"Embedding", 1e-5, 1e-5,
       [](OpRun& r) {
         // d = 70 spans several column blocks of the scatter-add (16 floats, 8 doubles each).
         const Tensor tokens = r.upload(random_ids({6, 9}, 50, 61));
         const Tensor table_full = r.random({50, 80}, 62);
         const Tensor table = table_full.leading({50, 70}), dout = r.random({6, 9, 70}, 63);
         Tensor out;
         ops::embedding_forward(tokens, table, 8.0, out);
         const Tensor dtable = r.random({50, 80}, 64);
         ops::embedding_backward(tokens, dout, 8.0, /*padding_idx=*/1, dtable.leading({50, 70}));
         for (const Tensor& t : {out, dtable}) r.keep(t);
       }},
      {"Positions", 1e-6, 1e-6,
       [](OpRun& r) {
         const Tensor table = r.upload(ops::sinusoidal_table(12, 10, 1, r.dtype()));
         const Tensor x = r.random({2, 4, 8}, 71), dy = r.random({2, 4, 8}, 72);
         Tensor y;
         ops::add_positions_forward(x, table, 2, y);
         const Tensor dx = r.random({2, 4, 8}, 73);
         ops::add_positions_backward(dy, dx);
         for (const Tensor& t : {table, y, dx}) r.keep(t);
       }},
      {"Softmax", 1e-5, 1e-6,
       [](OpRun& r) {
         const Tensor scores = r.random({2, 3, 4, 5}, 81, -3.0, 3.0);
         const Tensor dprobs = r.random({2, 3, 4, 5}, 82);
         Tensor plain, masked;
         ops::masked_softmax_forward(scores, ops::AttentionMask{}, plain);
         ops::masked_softmax_forward(scores, ops::AttentionMask{true, {5, 3}}, masked);
         const Tensor dscores = r.random({2, 3, 4, 5}, 83);
         const Tensor overwritten = r.random({2, 3, 4, 5}, 84);
         ops::softmax_backward(masked, dprobs, dscores);
         ops::softmax_backward_overwrite(plain, dprobs, overwritten);
         for (const Tensor& t : {plain, masked, dscores, overwritten}) r.keep(t);
       }},
      {"AttentionViews", 1e-5, 1e-5,
       [](OpRun& r) {
         // Heads cut from fused [B, T, 3W] projections, two key segments, attention dropout.
         const int64_t B = 2, T = 6, W = 8, H = 2;
         const Tensor qkv = r.random({B, T, 3 * W}, 91, -2.0, 2.0), dout = r.random({B, T, W}, 92);
         const Tensor out = r.zeros({B, T, W});
         ops::AttentionBuffers buffers;
         buffers.probs = r.zeros({B, H, T, T});
         buffers.dropped = r.zeros({B, H, T, T});
         const ops::SegmentedMask mask{{false, {2, 3}}, 2};
         ops::attention_views_forward(ops::head_view(qkv, 0, W, H), ops::head_view(qkv, W, W, H),
                                      ops::head_view(qkv, 2 * W, W, H), mask, 0.2, 5,
                                      ops::head_view(out, 0, W, H), buffers);
         const Tensor dqkv = r.random({B, T, 3 * W}, 93), scratch = r.zeros({B, H, T, T});
         ops::attention_views_backward(
             ops::head_view(qkv, 0, W, H), ops::head_view(qkv, W, W, H),
             ops::head_view(qkv, 2 * W, W, H), 0.2, 5, buffers, ops::head_view(dout, 0, W, H),
             ops::head_view(dqkv, 0, W, H), ops::head_view(dqkv, W, W, H),
             ops::head_view(dqkv, 2 * W, W, H), scratch, /*accumulate=*/true);
         for (const Tensor& t : {out, buffers.probs, buffers.dropped, dqkv}) r.keep(t);
       }},
      {"CrossEntropyInplace", 1e-5, 1e-6,
       [](OpRun& r) {
         const Tensor logits = r.random({7, 11}, 101, -4.0, 4.0);
         const Tensor ids = random_ids({7}, 11, 102);
         ids.data<int32_t>()[3] = 1;  // a padding row (padding_idx 1)
         const Tensor targets = r.upload(ids);
         const ops::CrossEntropyResult loss = ops::label_smoothed_cross_entropy_inplace(
             logits, targets, 0.1, /*padding_idx=*/1, /*grad_scale=*/0.5, /*gradient=*/true);
         r.keep(loss.loss);
         r.keep(loss.nll_loss);
         r.keep(static_cast<double>(loss.tokens));
         r.keep(logits);  // the gradient, written over the logits
       }},
      {"LogSoftmax", 1e-6, 1e-5,  // f32 rounds the row's log-sum-exp (about 7 here)
       [](OpRun& r) {
         const Tensor x = r.random({5, 13}, 111, -6.0, 6.0);
         ops::log_softmax_rows_inplace(x);
         r.keep(x);
       }},
      {"DecodeAttention", 1e-5, 1e-6,
       [](OpRun& r) {
         const int64_t rows = 6, heads = 2, Q = 8;
         const Tensor q = r.random({rows, Q}, 121), k_t = r.random({2, Q, 10}, 122),
                      v = r.random({2, 10, Q}, 123);
         const Tensor cross = r.zeros({rows, Q}), self = r.zeros({rows, Q});
         decode::cross_attention_forward(q, k_t, v, {0, 0, 1, 1, 0, 1}, heads, cross, 5, {3, 5});
         const std::vector<Tensor> steps = {r.random({2, 2 * Q}, 124), r.random({rows, 2 * Q}, 125)};
         const std::vector<int32_t> ancestry = {0, 0, 1, 1, 1, 2, 0, 3, 1, 4, 0, 5};
         decode::step_attention_forward(q, steps, ancestry.data(), 2, heads, self);
         for (const Tensor& t : {cross, self}) r.keep(t);
       }},
  };
}

using OpHarnessParam = std::tuple<OpCase, const Kernels*>;

class OpHarness : public ::testing::TestWithParam<OpHarnessParam> {};

TEST_P(OpHarness, FloatOnTheBackendMatchesTheDoubleReference) {
  const auto& [op, backend] = GetParam();
  OpRun f32(*backend, DType::f32), f64(kernels(Device::cpu), DType::f64);
  op.run(f32);
  op.run(f64);
  ASSERT_EQ(f32.results().size(), f64.results().size());
  ASSERT_FALSE(f64.results().empty());
  for (size_t k = 0; k < f32.results().size(); ++k)
    EXPECT_TRUE(test::all_close(f32.results()[k], f64.results()[k], op.rtol, op.atol))
        << op.name << " on " << backend->name() << ", result " << k;
}

// The harness compares something: a reference run is deterministic and not all zeros.
TEST_P(OpHarness, ReferenceRunIsDeterministicAndNotTrivial) {
  const OpCase& op = std::get<0>(GetParam());
  OpRun a(kernels(Device::cpu), DType::f64), b(kernels(Device::cpu), DType::f64);
  op.run(a);
  op.run(b);
  ASSERT_EQ(a.results().size(), b.results().size());
  bool nonzero = false;
  for (size_t k = 0; k < a.results().size(); ++k) {
    EXPECT_TRUE(test::same_bytes(a.results()[k], b.results()[k])) << op.name << " result " << k;
    for (double v : test::to_vector(a.results()[k])) nonzero = nonzero || v != 0.0;
  }
  EXPECT_TRUE(nonzero) << op.name;
}

INSTANTIATE_TEST_SUITE_P(
    EveryOpOnEveryBackend, OpHarness,
    ::testing::Combine(::testing::ValuesIn(op_cases()), ::testing::ValuesIn(backends())),
    [](const ::testing::TestParamInfo<OpHarnessParam>& info) {
      return std::get<0>(info.param).name + "_" + std::string(std::get<1>(info.param)->name());
    });

}  // namespace
}  // namespace hat
