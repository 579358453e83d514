#include <gtest/gtest.h>

#include <omp.h>

#include <vector>

#include "devices/backends.h"
#include "devices/error.h"
#include "devices/parallel.h"
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

TEST(Threads, ThreadLimitCapsAndRestores) {
  const int before = num_threads();
  set_num_threads(2);
  {
    const ThreadLimit one(1);
    EXPECT_EQ(num_threads(), 1);
    const ThreadLimit more(3);  // never raises
    EXPECT_EQ(num_threads(), 1);
  }
  EXPECT_EQ(num_threads(), 2);
  {
    const ThreadLimit none(0);  // 0: no limit
    EXPECT_EQ(num_threads(), 2);
  }
  EXPECT_EQ(num_threads(), 2);
  set_num_threads(before);
}

// Every index is visited exactly once, small loops in one chunk on the calling thread, large
// ones in one chunk per thread.
TEST(Threads, ParallelChunksCoverTheRangeOnce) {
  const int before = num_threads();
  set_num_threads(2);
  for (const int64_t n : {int64_t{0}, int64_t{1}, int64_t{7}, int64_t{1000}, int64_t{100003}}) {
    for (const int64_t work : {int64_t{1}, int64_t{1} << 16}) {
      std::vector<int> visits(static_cast<size_t>(n), 0);
      std::vector<int> chunks(2, 0);
      parallel_chunks(n, work, [&](int64_t begin, int64_t end) {
        ASSERT_LT(begin, end);
        for (int64_t i = begin; i < end; ++i) ++visits[static_cast<size_t>(i)];
        ++chunks[static_cast<size_t>(omp_get_thread_num())];
      });
      for (int64_t i = 0; i < n; ++i) ASSERT_EQ(visits[static_cast<size_t>(i)], 1) << n << " " << i;
      const bool split = n >= 2 && n * work >= kMinParallelWork;
      EXPECT_EQ(chunks[0] + chunks[1], n == 0 ? 0 : split ? 2 : 1) << n << " x " << work;
    }
  }
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
