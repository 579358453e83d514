// Projections as matmul calls on views (see projection.h).
#include "supernet/model/projection.h"

#include "devices/matmul.h"

namespace hat::model {

void project(const Tensor& x, const Tensor& weight, const Tensor* bias, const Tensor& y) {
  matmul(x, weight.transpose(0, 1), y, 1.0, 0.0, bias);
}

void project_backward_input(const Tensor& dy, const Tensor& weight, const Tensor& dx,
                            bool accumulate) {
  matmul(dy, weight, dx, 1.0, accumulate ? 1.0 : 0.0);
}

void project_backward_params(const Tensor& x, const Tensor& dy, const Tensor& dweight,
                             const Tensor& dbias, const Tensor& ones) {
  if (dweight.defined()) matmul(dy.transpose(0, 1), x, dweight, 1.0, 1.0);
  if (!dbias.defined()) return;
  HAT_CHECK(ones.defined() && ones.dim() == 2 && ones.size(1) >= dy.size(0),
            "project_backward: ones ", ones.describe(), " too short for dy ", dy.describe());
  matmul(ones.narrow(1, 0, dy.size(0)), dy, dbias.reshape({1, dbias.size(0)}), 1.0, 1.0);
}

}  // namespace hat::model
