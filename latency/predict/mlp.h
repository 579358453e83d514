// A small fully connected ReLU network (HAT's latency predictor is one: 10-400-400-400-400-1),
// trained with the project's own engine (supernet/ops linear and relu forward/backward, Adam on a
// ParameterStore), and evaluated with a plain single-row loop for the search's hot path.
#pragma once

#include <cstdint>
#include <vector>

namespace hat::latency {

// Weights of layer l: [sizes[l + 1], sizes[l]] row-major (PyTorch's nn.Linear layout), bias
// [sizes[l + 1]]. ReLU after every layer but the last.
struct MlpWeights {
  std::vector<int> sizes;
  std::vector<std::vector<float>> weights, biases;

  int inputs() const { return sizes.empty() ? 0 : sizes.front(); }
  int outputs() const { return sizes.empty() ? 0 : sizes.back(); }
  // Throws hat::Error unless the vectors match `sizes` (used after loading a file).
  void check() const;
};

// One row: y[outputs] from x[inputs]. `scratch` must hold 2 x the widest layer.
void mlp_forward(const MlpWeights& mlp, const float* x, float* y, float* scratch);

struct MlpTrainOptions {
  int steps = 5000;
  int batch = 128;
  double lr = 1e-5;
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;  // torch.optim.Adam's defaults
  uint64_t seed = 0;
  // 0: mean squared error (HAT's). > 0: Huber's loss with this threshold (in target units):
  // quadratic near the target, linear beyond, so a few wild rows pull the net little.
  double huber_delta = 0;
  // With validation rows: every `validate_every` steps the validation MSE is computed and the
  // best weights are kept (0: keep the last weights).
  int validate_every = 0;
};

// Rows are flat: x [n, inputs], y [n, outputs]. Each step draws `batch` distinct training rows at
// random (HAT's random.sample; all rows when there are fewer) and takes one Adam step on the mean
// squared error. Initialisation as PyTorch's nn.Linear: U(-1/sqrt(in), 1/sqrt(in)) for weights and
// biases, from the seed.
MlpWeights train_mlp(const std::vector<int>& sizes, const std::vector<float>& x,
                     const std::vector<float>& y, const MlpTrainOptions& options,
                     const std::vector<float>& valid_x = {}, const std::vector<float>& valid_y = {});

}  // namespace hat::latency
