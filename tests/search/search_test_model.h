// A SuperTransformer of the search test space (untrained: constraints only read its shape) and a
// latency bound whose predictor is an operator model that prices streamed weights alone, so
// that its predictions grow with every width and layer count and are exact to reason about.
#pragma once

#include <memory>

#include "search/constraints.h"
#include "tests/search/search_test_space.h"

namespace hat::test {

inline constexpr double kMsPerWeight = 1e-5;

inline const model::SuperTransformer& search_test_model() {
  static const std::unique_ptr<model::SuperTransformer> model = [] {
    arch::ModelDims dims = search_test_space().super_dims;
    dims.vocab_size = 64;
    return std::make_unique<model::SuperTransformer>(dims);
  }();
  return *model;
}

// A bound of `budget_ms` on the fictitious device `device`, predicted at L 30, beam 5.
inline search::LatencyBound test_latency_bound(double budget_ms, const std::string& device = "testboard") {
  search::LatencyBound b;
  b.device.name = device;
  b.predictor.kind = "ops";
  b.predictor.device = device;
  b.predictor.ops.coefficients[1] = kMsPerWeight;  // gemm_weights
  b.setting.vocab_size = search_test_model().dims().vocab_size;
  b.setting.qkv_dim = search_test_model().dims().qkv_dim;
  b.predictor.setting = b.setting;
  b.budget_ms = budget_ms;
  return b;
}

}  // namespace hat::test
