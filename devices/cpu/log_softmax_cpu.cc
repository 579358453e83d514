// Log-softmax on the CPU: oneDNN's logsoftmax (vectorised exponentials; a scalar expf loop is a
// visible share of a decoder step over a 32k vocabulary), in place, primitives cached per shape
// and thread count.
#include "devices/cpu/cpu_kernels.h"
#include "devices/cpu/rowwise_inference.h"

namespace hat::cpu {

void CpuKernels::log_softmax_inplace(const Tensor& x) const {
  rowwise_inference_inplace<dnnl::logsoftmax_forward>(x, "log_softmax_rows_inplace");
}

}  // namespace hat::cpu
