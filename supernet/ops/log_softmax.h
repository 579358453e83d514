// Row-wise log-softmax in place: the decoder's output distribution (fairseq's
// get_normalized_probs with log_probs = True) and the cross-entropy reference's log-probabilities.
#pragma once

#include "devices/tensor.h"

namespace hat::ops {

// x[n, :] = x[n, :] - log sum_j exp(x[n, j]), for dense f32 or f64 x: [N, V] (V >= 1), with
// the row maximum subtracted first. f32 runs on the tensor's backend (oneDNN's log-softmax on
// the CPU); f64 on a loop that sums the exponentials in double.
void log_softmax_rows_inplace(const Tensor& x);

}  // namespace hat::ops
