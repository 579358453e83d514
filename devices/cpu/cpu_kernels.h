// The CPU backend's kernels (see devices/kernels.h): oneDNN primitives cached per shape, one
// file per op (layer_norm_cpu.cc, softmax_cpu.cc, log_softmax_cpu.cc, relu_cpu.cc).
#pragma once

#include "devices/kernels.h"

namespace hat::cpu {

class CpuKernels final : public Kernels {
 public:
  Device device() const override { return Device::cpu; }
  std::string_view name() const override { return "cpu"; }
  Tensor upload(const Tensor& host) const override { return host.clone(); }
  Tensor download(const Tensor& t) const override { return t.clone(); }

  void layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta, float eps,
                          const Tensor& y, const Tensor& mean,
                          const Tensor& variance) const override;
  void layer_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean,
                           const Tensor& variance, float eps, const Tensor& dy, const Tensor& dx,
                           const Tensor& dgamma, const Tensor& dbeta,
                           bool write_dx) const override;

  void softmax_forward(const Tensor& scores, const Tensor& probs) const override;
  void softmax_backward(const Tensor& probs, const Tensor& dprobs,
                        const Tensor& dscores) const override;
  void softmax_inference_inplace(const Tensor& x) const override;

  void log_softmax_inplace(const Tensor& x) const override;

  void relu_forward(const Tensor& x, const Tensor& y) const override;
  void relu_backward(const Tensor& x, const Tensor& dy, const Tensor& dx) const override;
};

// The one instance.
const CpuKernels& kernels();

}  // namespace hat::cpu
