// The backend registry: the CPU backend is always compiled in and listed first, each device has
// at most one backend, and a device without one is refused with a message naming it. The
// recorder of the kernel implementations that run.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "devices/backends.h"
#include "devices/kernel_implementations.h"
#include "devices/kernels.h"
#include "devices/matmul.h"
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

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

size_t count_starting_with(const std::vector<std::string>& names, const std::string& prefix) {
  return static_cast<size_t>(std::count_if(names.begin(), names.end(), [&](const std::string& n) {
    return n.rfind(prefix, 0) == 0;
  }));
}

// What ran before a recorder, or after it, is in no recorder's list; what runs while it records
// is, once per implementation, sorted; a second recorder at the same time is refused.
TEST(KernelImplementationRecorder, NotesWhatRunsWhileItRecordsAndNothingElse) {
  const Tensor a = test::random_tensor({4, 8}, DType::f32, 1);
  const Tensor b = test::random_tensor({8, 3}, DType::f32, 2);
  const Tensor c = Tensor::zeros({4, 3}, DType::f32);
  const Tensor x = test::random_tensor({5, 7}, DType::f32, 3);
  const Tensor y = Tensor::zeros({5, 7}, DType::f32);
  matmul(a, b, c);  // no recorder: noted nowhere
  {
    KernelImplementationRecorder recorder;
    EXPECT_TRUE(recorder.implementations().empty());
    kernels(Device::cpu).relu_forward(x, y);
    kernels(Device::cpu).relu_forward(x, y);
    std::vector<std::string> names = recorder.implementations();
    ASSERT_EQ(names.size(), 1u) << joined(names);
    EXPECT_EQ(count_starting_with(names, "eltwise:"), 1u) << names[0];
    EXPECT_EQ(count_starting_with(names, "matmul:"), 0u) << "the matmul ran before the recorder";
    test::expect_error([] { KernelImplementationRecorder second; }, {"one at a time"});
    matmul(a, b, c);
    matmul(a, b, c);
    names = recorder.implementations();
    EXPECT_EQ(names.size(), 2u) << joined(names);
    EXPECT_EQ(count_starting_with(names, "matmul:"), 1u) << joined(names);
    EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
    for (const std::string& n : names) {  // KIND:IMPL
      EXPECT_NE(n.find(':'), std::string::npos) << n;
      EXPECT_NE(n.find(':'), 0u) << n;
    }
  }
  matmul(a, b, c);  // after the recorder: noted nowhere either
  kernels(Device::cpu).relu_forward(x, y);
  KernelImplementationRecorder later;
  EXPECT_TRUE(later.implementations().empty()) << joined(later.implementations());
  matmul(a, b, c);
  EXPECT_EQ(later.implementations().size(), 1u) << joined(later.implementations());
}

}  // namespace
}  // namespace hat
