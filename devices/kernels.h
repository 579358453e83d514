// The kernels a backend provides, and the registry of the backends this build has.
//
// An op (supernet/ops) is split in two: its device-neutral part checks shapes, picks the path
// by element type and device, and holds the f64 reference loops the gradient checks use; the
// f32 work that needs a device library (oneDNN on the CPU) is a kernel of the tensor's
// backend, implemented in the backend's own folder, one file per op (devices/cpu/*_cpu.cc).
// A new backend (CUDA) adds a Kernels implementation and one line to backends(): every op,
// and the op test harness, then run on it without being edited.
//
// Kernels run on dense f32 tensors of their backend's device; the op has checked every shape
// before the call. They throw hat::Error naming the op when the device library fails.
#pragma once

#include <string_view>
#include <vector>

#include "devices/tensor.h"

namespace hat {

class Kernels {
 public:
  virtual ~Kernels() = default;

  virtual Device device() const = 0;
  virtual std::string_view name() const = 0;  // "cpu (oneDNN)", for test names and logs

  // Copies between host memory and this backend's device (the test harness's transfers).
  virtual Tensor upload(const Tensor& host) const = 0;
  virtual Tensor download(const Tensor& t) const = 0;

  // ---- layer norm over the last dimension: x, y, dy, dx [rows, d] dense; mean, variance
  // [rows]; gamma, beta, dgamma, dbeta [d] with any stride ----
  // y = gamma * (x - mean) / sqrt(var + eps) + beta, writing the row statistics.
  virtual void layer_norm_forward(const Tensor& x, const Tensor& gamma, const Tensor& beta,
                                  float eps, const Tensor& y, const Tensor& mean,
                                  const Tensor& variance) const = 0;
  // dgamma += ..., dbeta += ... (each may be undefined); dx = ... (write_dx) or dx += ...
  // (dx may be undefined).
  virtual void layer_norm_backward(const Tensor& x, const Tensor& gamma, const Tensor& mean,
                                   const Tensor& variance, float eps, const Tensor& dy,
                                   const Tensor& dx, const Tensor& dgamma, const Tensor& dbeta,
                                   bool write_dx) const = 0;

  // ---- softmax over the last dimension of dense tensors (any rank) ----
  // probs = softmax(scores); probs may alias scores. -inf scores get probability exactly 0.
  virtual void softmax_forward(const Tensor& scores, const Tensor& probs) const = 0;
  // dscores = probs * (dprobs - sum_j dprobs_j probs_j), written; dscores may alias dprobs.
  virtual void softmax_backward(const Tensor& probs, const Tensor& dprobs,
                                const Tensor& dscores) const = 0;
  // x = softmax(x) on [rows, V], forward only (the in-place cross-entropy's blocks of rows).
  virtual void softmax_inference_inplace(const Tensor& x) const = 0;

  // x = log_softmax(x) over the rows of [rows, V], in place.
  virtual void log_softmax_inplace(const Tensor& x) const = 0;

  // ---- ReLU on flat [n] tensors ----
  virtual void relu_forward(const Tensor& x, const Tensor& y) const = 0;  // y may alias x
  virtual void relu_backward(const Tensor& x, const Tensor& dy, const Tensor& dx) const = 0;  // +=
};

// The backend that runs tensors on `device`; throws when this build has none.
const Kernels& kernels(Device device);

// Every backend compiled in, the CPU first.
const std::vector<const Kernels*>& backends();

}  // namespace hat
