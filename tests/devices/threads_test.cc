#include <gtest/gtest.h>

#include <omp.h>

#include "devices/backends.h"
#include "devices/error.h"
#include "devices/threads.h"

namespace hat {
namespace {

TEST(Threads, SetNumThreadsReachesTheOpenMpPool) {
  const int before = num_threads();
  set_num_threads(1);
  EXPECT_EQ(num_threads(), 1);
  int seen = 0;
#pragma omp parallel
  {
#pragma omp single
    seen = omp_get_num_threads();
  }
  EXPECT_EQ(seen, 1);
  set_num_threads(0);  // all cores
  EXPECT_EQ(num_threads(), omp_get_num_procs());
  EXPECT_THROW(set_num_threads(-1), Error);
  set_num_threads(before);
}

TEST(Backends, SummaryNamesOneDnnAndTheThreadCount) {
  set_num_threads(1);
  const std::string s = backend_summary();
  EXPECT_NE(s.find("oneDNN 2."), std::string::npos) << s;
  EXPECT_NE(s.find("1 threads"), std::string::npos) << s;
  EXPECT_EQ(s.find("CUDA") != std::string::npos, cuda_built()) << s;
  set_num_threads(0);
}

}  // namespace
}  // namespace hat
