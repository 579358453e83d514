// The MLP trained with the project's engine learns a known function, and the single-row
// evaluation agrees with it.
#include <cmath>

#include <gtest/gtest.h>

#include "devices/random.h"
#include "devices/threads.h"
#include "latency/predict/mlp.h"

namespace hat::latency {
namespace {

TEST(PredictMlp, LearnsASmoothFunction) {
  set_num_threads(1);  // tiny matrices: one thread is fastest and not disturbed by others
  // y = x0 * x1 + 0.5 max(x2, 0.3) on [0, 1]^3.
  uint64_t s = 42;
  const auto u = [&] { return static_cast<float>(splitmix64(s) >> 40) / static_cast<float>(1 << 24); };
  const auto f = [](const float* x) { return x[0] * x[1] + 0.5f * std::max(x[2], 0.3f); };
  std::vector<float> x, y, vx, vy;
  for (int i = 0; i < 512; ++i) {
    for (int k = 0; k < 3; ++k) x.push_back(u());
    y.push_back(f(&x[x.size() - 3]));
  }
  for (int i = 0; i < 128; ++i) {
    for (int k = 0; k < 3; ++k) vx.push_back(u());
    vy.push_back(f(&vx[vx.size() - 3]));
  }
  MlpTrainOptions o;
  o.steps = 1500;
  o.batch = 64;
  o.lr = 3e-3;
  const MlpWeights untrained = [&] {
    MlpTrainOptions z = o;
    z.steps = 0;
    return train_mlp({3, 32, 32, 1}, x, y, z);
  }();
  const MlpWeights m = train_mlp({3, 32, 32, 1}, x, y, o);
  m.check();
  const auto mse = [&](const MlpWeights& w) {
    std::vector<float> scratch(64);
    double e = 0;
    for (size_t i = 0; i < vy.size(); ++i) {
      float p;
      mlp_forward(w, &vx[3 * i], &p, scratch.data());
      e += (p - vy[i]) * (p - vy[i]);
    }
    return e / static_cast<double>(vy.size());
  };
  // Variance of y is about 0.07: the trained net must be far below it, and far below its start.
  EXPECT_LT(mse(m), 1e-3);
  EXPECT_LT(mse(m), 0.05 * mse(untrained));
}

TEST(PredictMlp, SameSeedSameWeights) {
  std::vector<float> x = {0, 1, 1, 0, 0.5f, 0.5f}, y = {1, 2, 3};
  MlpTrainOptions o;
  o.steps = 10;
  o.lr = 1e-2;
  const MlpWeights a = train_mlp({2, 4, 1}, x, y, o), b = train_mlp({2, 4, 1}, x, y, o);
  EXPECT_EQ(a.weights, b.weights);
  EXPECT_EQ(a.biases, b.biases);
}

}  // namespace
}  // namespace hat::latency
