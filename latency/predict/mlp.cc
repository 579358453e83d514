#include "latency/predict/mlp.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "devices/error.h"
#include "devices/parameters.h"
#include "devices/random.h"
#include "supernet/ops/linear.h"
#include "supernet/ops/relu.h"
#include "supernet/optim/adam.h"

namespace hat::latency {

void MlpWeights::check() const {
  HAT_CHECK(sizes.size() >= 2, "mlp: needs at least an input and an output size");
  for (int s : sizes) HAT_CHECK(s >= 1, "mlp: layer size ", s, " must be >= 1");
  const size_t layers = sizes.size() - 1;
  HAT_CHECK(weights.size() == layers && biases.size() == layers, "mlp: ", weights.size(),
            " weight and ", biases.size(), " bias arrays for ", layers, " layers");
  for (size_t l = 0; l < layers; ++l) {
    HAT_CHECK(weights[l].size() == static_cast<size_t>(sizes[l + 1]) * sizes[l], "mlp: layer ", l,
              " weight has ", weights[l].size(), " values, expected ", sizes[l + 1], " x ", sizes[l]);
    HAT_CHECK(biases[l].size() == static_cast<size_t>(sizes[l + 1]), "mlp: layer ", l, " bias has ",
              biases[l].size(), " values, expected ", sizes[l + 1]);
    for (float v : weights[l]) HAT_CHECK(std::isfinite(v), "mlp: layer ", l, " has a non-finite weight");
    for (float v : biases[l]) HAT_CHECK(std::isfinite(v), "mlp: layer ", l, " has a non-finite bias");
  }
}

void mlp_forward(const MlpWeights& mlp, const float* x, float* y, float* scratch) {
  const size_t layers = mlp.sizes.size() - 1;
  int widest = 0;
  for (int s : mlp.sizes) widest = std::max(widest, s);
  const float* in = x;
  float* bufs[2] = {scratch, scratch + widest};
  for (size_t l = 0; l < layers; ++l) {
    const int n_in = mlp.sizes[l], n_out = mlp.sizes[l + 1];
    const bool last = l + 1 == layers;
    float* out = last ? y : bufs[l % 2];
    const float* w = mlp.weights[l].data();
    const float* b = mlp.biases[l].data();
    for (int o = 0; o < n_out; ++o) {
      const float* row = w + static_cast<size_t>(o) * n_in;
      float s = 0;
      // A vectorised dot product (the reduction order is fixed by the build, so a predictor gives
      // the same result every call).
#pragma omp simd reduction(+ : s)
      for (int i = 0; i < n_in; ++i) s += row[i] * in[i];
      s += b[o];
      out[o] = last || s > 0 ? s : 0;
    }
    in = out;
  }
}

namespace {

double uniform(uint64_t& state) {
  return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
}

struct Net {
  std::vector<int> sizes;
  ParameterStore store{DType::f32};
  std::vector<Tensor> acts, grads;  // acts[0] = input batch, acts[l + 1] = layer l's output

  Net(const std::vector<int>& s, int rows) : sizes(s) {
    for (size_t l = 0; l + 1 < sizes.size(); ++l) {
      store.declare("layer" + std::to_string(l) + ".weight", {sizes[l + 1], sizes[l]});
      store.declare("layer" + std::to_string(l) + ".bias", {sizes[l + 1]});
    }
    store.allocate();
    resize(rows);
  }
  void resize(int rows) {
    acts.clear();
    grads.clear();
    for (int s : sizes) {
      acts.push_back(Tensor::zeros({rows, s}, DType::f32));
      grads.push_back(Tensor::zeros({rows, s}, DType::f32));
    }
  }
  const Tensor& w(size_t l) const { return store.value("layer" + std::to_string(l) + ".weight"); }
  const Tensor& b(size_t l) const { return store.value("layer" + std::to_string(l) + ".bias"); }
  const Tensor& dw(size_t l) const { return store.grad("layer" + std::to_string(l) + ".weight"); }
  const Tensor& db(size_t l) const { return store.grad("layer" + std::to_string(l) + ".bias"); }

  void forward() {
    for (size_t l = 0; l + 1 < sizes.size(); ++l) {
      const Tensor& bias = b(l);
      ops::linear_forward(acts[l], w(l), &bias, acts[l + 1]);
      if (l + 2 < sizes.size()) ops::relu_forward(acts[l + 1], acts[l + 1]);
    }
  }
  // grads.back() holds dLoss/dOutput; accumulates parameter gradients (zeroed by the caller).
  void backward() {
    for (size_t l = sizes.size() - 1; l-- > 0;) {
      // grads[l + 1] is dL/d(layer l's output after ReLU): turn it into dL/d(pre-activation).
      if (l + 2 < sizes.size()) {
        Tensor pre = grads[l + 1];
        Tensor tmp = Tensor::zeros(pre.shape(), DType::f32);
        ops::relu_backward(acts[l + 1], pre, tmp);  // dz = dy * [y > 0]
        pre.copy_from(tmp);
      }
      Tensor dx;
      if (l > 0) {
        dx = grads[l];
        dx.zero_();
      }
      ops::linear_backward(acts[l], w(l), grads[l + 1], dx, dw(l), db(l));
    }
  }
  MlpWeights weights() const {
    MlpWeights m;
    m.sizes = sizes;
    for (size_t l = 0; l + 1 < sizes.size(); ++l) {
      m.weights.emplace_back(w(l).data<float>(), w(l).data<float>() + w(l).numel());
      m.biases.emplace_back(b(l).data<float>(), b(l).data<float>() + b(l).numel());
    }
    return m;
  }
};

// Mean loss per output: squared error, or Huber's (x 2, to match it near 0) when delta > 0.
double mean_loss(const MlpWeights& m, const std::vector<float>& x, const std::vector<float>& y,
                 double delta) {
  const int in = m.inputs(), out = m.outputs();
  int widest = 0;
  for (int s : m.sizes) widest = std::max(widest, s);
  std::vector<float> scratch(2 * widest), pred(out);
  const size_t n = x.size() / in;
  double s = 0;
  for (size_t r = 0; r < n; ++r) {
    mlp_forward(m, &x[r * in], pred.data(), scratch.data());
    for (int k = 0; k < out; ++k) {
      const double e = std::abs(pred[k] - y[r * out + k]);
      s += delta <= 0 || e <= delta ? e * e : delta * (2 * e - delta);
    }
  }
  return s / static_cast<double>(n * out);
}

}  // namespace

MlpWeights train_mlp(const std::vector<int>& sizes, const std::vector<float>& x,
                     const std::vector<float>& y, const MlpTrainOptions& o,
                     const std::vector<float>& valid_x, const std::vector<float>& valid_y) {
  HAT_CHECK(sizes.size() >= 2, "train_mlp: needs at least an input and an output size");
  const int in = sizes.front(), out = sizes.back();
  HAT_CHECK(!x.empty() && x.size() % in == 0 && y.size() == x.size() / in * out, "train_mlp: ",
            x.size(), " inputs and ", y.size(), " targets do not make rows of ", in, " -> ", out);
  HAT_CHECK(o.steps >= 0 && o.batch >= 1 && o.lr > 0, "train_mlp: steps ", o.steps, ", batch ",
            o.batch, ", lr ", o.lr, " invalid");
  const int n = static_cast<int>(x.size() / in);
  const int batch = std::min(o.batch, n);
  Net net(sizes, batch);

  uint64_t state = o.seed * 0x9E3779B97F4A7C15ull + 0x1234567ull;
  for (size_t l = 0; l + 1 < sizes.size(); ++l) {
    const double bound = 1.0 / std::sqrt(static_cast<double>(sizes[l]));
    for (const Tensor* t : {&net.w(l), &net.b(l)}) {
      float* p = t->data<float>();
      for (int64_t i = 0; i < t->numel(); ++i) p[i] = static_cast<float>((2 * uniform(state) - 1) * bound);
    }
  }
  optim::AdamOptions adam_options;
  adam_options.beta1 = o.beta1;
  adam_options.beta2 = o.beta2;
  adam_options.eps = o.eps;
  optim::Adam adam(net.store, adam_options);

  const bool validate = o.validate_every > 0 && !valid_x.empty();
  MlpWeights best;
  double best_loss = std::numeric_limits<double>::infinity();
  std::vector<int> order(n);
  for (int i = 0; i < n; ++i) order[i] = i;
  float* xb = net.acts.front().data<float>();
  float* dy = net.grads.back().data<float>();
  const float* pred = net.acts.back().data<float>();
  for (int step = 0; step < o.steps; ++step) {
    // `batch` distinct rows: the first `batch` of a partial Fisher-Yates shuffle.
    for (int i = 0; i < batch; ++i) {
      const int j = i + static_cast<int>(splitmix64(state) % static_cast<uint64_t>(n - i));
      std::swap(order[i], order[j]);
      std::copy_n(&x[static_cast<size_t>(order[i]) * in], in, xb + static_cast<size_t>(i) * in);
    }
    net.forward();
    // MSE over batch x outputs: dL/dp = 2 (p - y) / (batch x outputs); Huber's loss clips
    // p - y to [-delta, delta] in that gradient.
    const float scale = 2.0f / static_cast<float>(batch * out);
    const float delta = o.huber_delta > 0 ? static_cast<float>(o.huber_delta)
                                          : std::numeric_limits<float>::infinity();
    for (int i = 0; i < batch; ++i)
      for (int k = 0; k < out; ++k)
        dy[i * out + k] = scale * std::clamp(pred[i * out + k] - y[static_cast<size_t>(order[i]) * out + k],
                                             -delta, delta);
    net.store.zero_grad();
    net.backward();
    adam.step(o.lr);
    if (validate && ((step + 1) % o.validate_every == 0 || step + 1 == o.steps)) {
      MlpWeights now = net.weights();
      const double loss = mean_loss(now, valid_x, valid_y, o.huber_delta);
      if (loss < best_loss) best_loss = loss, best = std::move(now);
    }
  }
  return validate && !best.sizes.empty() ? best : net.weights();
}

}  // namespace hat::latency
