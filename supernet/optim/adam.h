// Adam with decoupled weight decay (fairseq's Adam, which HAT trains with), over the whole
// flat parameter buffer at once.
#pragma once

#include <cstdint>

#include "devices/parameters.h"

namespace hat::optim {

struct AdamOptions {
  double beta1 = 0.9;
  double beta2 = 0.98;  // HAT: --adam-betas '(0.9, 0.98)'
  double eps = 1e-8;
  double weight_decay = 0.0;
};

class Adam {
 public:
  Adam(const ParameterStore& params, AdamOptions options = {});

  // One update with learning rate lr, t = steps() + 1:
  //   m = b1 m + (1 - b1) g            v = b2 v + (1 - b2) g^2
  //   p -= lr * wd * p                 (decoupled weight decay, before the Adam step)
  //   p -= lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps)
  // Every element moves, including SuperTransformer weights outside the sampled slice (their
  // gradient is zero but their moments are not), exactly as PyTorch's Adam does for HAT.
  void step(double lr);

  int64_t steps() const { return steps_; }
  const AdamOptions& options() const { return options_; }
  // Optimizer state, for checkpoints: first and second moments, flat like the parameters.
  const Tensor& exp_avg() const { return exp_avg_; }
  const Tensor& exp_avg_sq() const { return exp_avg_sq_; }
  void set_steps(int64_t steps) { steps_ = steps; }

 private:
  Tensor values_, grads_;
  Tensor exp_avg_, exp_avg_sq_;
  AdamOptions options_;
  int64_t steps_ = 0;
};

}  // namespace hat::optim
