// The backend registry: the CPU backend is always compiled in and listed first, each device has
// at most one backend, and a device without one is refused with a message naming it.
#include <gtest/gtest.h>

#include <set>

#include "devices/backends.h"
#include "devices/kernels.h"
#include "tests/support/test_util.h"

namespace hat {
namespace {

TEST(Kernels, TheCpuBackendIsRegisteredFirstAndOncePerDevice) {
  ASSERT_FALSE(backends().empty());
  EXPECT_EQ(backends().front()->device(), Device::cpu);
  EXPECT_EQ(&kernels(Device::cpu), backends().front());
  std::set<Device> seen;
  for (const Kernels* k : backends()) {
    EXPECT_TRUE(seen.insert(k->device()).second) << k->name();
    EXPECT_EQ(&kernels(k->device()), k);
    EXPECT_FALSE(k->name().empty());
  }
}

TEST(Kernels, ADeviceWithoutABackendIsRefused) {
  bool cuda_registered = false;
  for (const Kernels* k : backends())
    cuda_registered = cuda_registered || k->device() == Device::cuda;
  if (cuda_registered) GTEST_SKIP() << "this build has a CUDA backend";
  test::expect_error([] { kernels(Device::cuda); }, {"no backend", "cuda"});
}

TEST(Kernels, UploadAndDownloadRoundTripTheValues) {
  const Tensor host = test::random_tensor({3, 4}, DType::f32, 5);
  for (const Kernels* k : backends()) {
    const Tensor there = k->upload(host);
    EXPECT_EQ(there.device(), k->device());
    EXPECT_TRUE(test::same_bytes(k->download(there), host)) << k->name();
  }
}

TEST(Kernels, OneDnnVersionIsReported) {
  EXPECT_NE(onednn_version().find('.'), std::string::npos) << onednn_version();
  EXPECT_NE(backend_summary().find("oneDNN " + onednn_version()), std::string::npos);
}

}  // namespace
}  // namespace hat
