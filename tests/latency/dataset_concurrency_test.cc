// Several processes on one dataset, locks and full disks: two writers at once lose no row;
// processes creating one new file together all succeed; a lock held elsewhere is waited for,
// then reported clearly; a write that hits a file-size limit fails without damaging the file
// or losing earlier rows.
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include <gtest/gtest.h>

#include "latency/dataset/latency_dataset.h"
#include "tests/latency/dataset_test_util.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

using Clock = std::chrono::steady_clock;
using DatasetConcurrency = test::DatasetTest;

int wait_child(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST_F(DatasetConcurrency, TwoProcessesWritingAtOnceLoseNoRow) {
  const auto path = root_ / "d.sqlite";
  {
    LatencyDataset dataset(path);
    dataset.put_device({"host", "", "cpu", 1});
  }
  constexpr int kRowsEach = 150;
  std::vector<pid_t> children;
  for (int child = 0; child < 2; ++child) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int rc = 0;
      try {
        LatencyDataset dataset(path);  // its own connection, as another process would have
        for (int i = 0; i < kRowsEach; ++i) {
          Measurement m = test::synthetic_measurement("host", static_cast<uint64_t>(child * 1000 + i));
          m.run_key = "child" + std::to_string(child);
          m.sample_index = i;
          if (!dataset.add_measurement(m)) rc = 3;
        }
      } catch (...) {
        rc = 2;
      }
      _exit(rc);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) EXPECT_EQ(wait_child(pid), 0);
  LatencyDataset dataset(path);
  EXPECT_EQ(dataset.count("host"), 2 * kRowsEach);
  EXPECT_EQ(dataset.run_samples("child0").size(), size_t{kRowsEach});
  EXPECT_EQ(dataset.run_samples("child1").size(), size_t{kRowsEach});
  EXPECT_EQ(test::integrity(path), "ok");
}

// Two `hatprofile run`s started together on a new file both create it: switching a new file to
// WAL is where SQLite refuses without waiting, so this races a few processes on fresh files.
TEST_F(DatasetConcurrency, ProcessesCreatingOneNewDatasetAtOnceAllSucceed) {
  constexpr int kRounds = 40;
  constexpr int kProcesses = 4;
  for (int round = 0; round < kRounds; ++round) {
    const auto path = root_ / ("new" + std::to_string(round) + ".sqlite");
    int go[2];
    ASSERT_EQ(pipe(go), 0);
    std::vector<pid_t> children;
    for (int child = 0; child < kProcesses; ++child) {
      const pid_t pid = fork();
      ASSERT_GE(pid, 0);
      if (pid == 0) {
        close(go[1]);
        char byte;
        (void)!read(go[0], &byte, 1);  // returns when the parent closes its end: all start at once
        int rc = 0;
        try {
          LatencyDataset dataset(path);
          dataset.put_device({"host", "", "cpu", 1});
          Measurement m = test::synthetic_measurement("host", static_cast<uint64_t>(child));
          m.run_key = "child" + std::to_string(child);
          if (!dataset.add_measurement(m)) rc = 3;
        } catch (const std::exception& e) {
          fprintf(stderr, "child %d: %s\n", child, e.what());
          rc = 2;
        }
        _exit(rc);
      }
      children.push_back(pid);
    }
    close(go[0]);
    close(go[1]);
    for (pid_t pid : children) EXPECT_EQ(wait_child(pid), 0) << "round " << round;
    LatencyDataset dataset(path);
    EXPECT_EQ(dataset.count("host"), kProcesses);
    EXPECT_EQ(test::integrity(path), "ok");
  }
}

TEST_F(DatasetConcurrency, ALockHeldElsewhereIsWaitedForThenReported) {
  const auto path = root_ / "d.sqlite";
  DatasetOptions options;
  options.busy_timeout_ms = 150;
  LatencyDataset dataset(path, options);
  dataset.put_device({"host", "", "cpu", 1});
  SqliteDb other(path, false, false, 1000);
  other.exec("BEGIN IMMEDIATE");  // another writer holds the write lock
  const auto start = Clock::now();
  hat::test::expect_error([&] { dataset.add_measurement(test::synthetic_measurement("host", 1)); },
                          {"d.sqlite", "locked by another process"});
  const double waited = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GE(waited, 0.3) << "each of the bounded attempts waits the busy timeout";
  EXPECT_LT(waited, 5.0);
  other.exec("ROLLBACK");
  EXPECT_EQ(dataset.count(), 0);

  // A lock released while we wait: the write goes through.
  dataset.put_device({"host", "", "cpu", 1});
  other.exec("BEGIN IMMEDIATE");
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    other.exec("COMMIT");
  });
  EXPECT_TRUE(dataset.add_measurement(test::synthetic_measurement("host", 2)));
  release.join();
  EXPECT_EQ(dataset.count(), 1);
}

TEST_F(DatasetConcurrency, AFullDiskLosesNothingCommittedAndLeavesTheFileSound) {
  const auto path = root_ / "d.sqlite";
  constexpr int kCommitted = 20;
  {
    LatencyDataset dataset(path);
    dataset.put_device({"host", "", "cpu", 1});
    for (int i = 0; i < kCommitted; ++i) dataset.add_measurement(test::synthetic_measurement("host", i));
  }
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // A "disk" with room for ~64 KiB more per file: writes past it fail with EFBIG.
    signal(SIGXFSZ, SIG_IGN);
    const rlimit limit{256 * 1024, 256 * 1024};
    setrlimit(RLIMIT_FSIZE, &limit);
    int added = 0;
    int rc = 1;  // no error seen: the test fails
    try {
      LatencyDataset dataset(path);
      for (int batch = 0; batch < 1000; ++batch) {
        std::vector<Measurement> rows;
        for (int i = 0; i < 20; ++i) {
          Measurement m = test::synthetic_measurement("host", 10000 + batch * 20 + i);
          m.source = std::string(1000, 'x');  // grow the file quickly
          rows.push_back(m);
        }
        added += static_cast<int>(dataset.add_measurements(rows));
      }
    } catch (const Error& e) {
      const std::string what = e.what();
      rc = what.find("full") != std::string::npos || what.find("I/O") != std::string::npos ? 0 : 4;
    } catch (...) {
      rc = 5;
    }
    const ssize_t w = write(fds[1], &added, sizeof added);
    (void)w;
    _exit(rc);
  }
  close(fds[1]);
  int added = -1;
  ASSERT_EQ(read(fds[0], &added, sizeof added), static_cast<ssize_t>(sizeof added));
  close(fds[0]);
  ASSERT_EQ(wait_child(pid), 0) << "the child must stop at the size limit with a clear error";
  EXPECT_EQ(test::integrity(path), "ok");
  LatencyDataset dataset(path);
  EXPECT_EQ(dataset.count(), kCommitted + added) << "every committed batch is there, no partial one";
  EXPECT_EQ(added % 20, 0);
  EXPECT_TRUE(dataset.add_measurement(test::synthetic_measurement("host", 99999)));
}

}  // namespace
}  // namespace hat::latency
