// The real hatprofile binary as child processes: a run stores exactly N samples; a killed run
// resumes to exactly N; Ctrl-C stops cleanly keeping what was measured; two runs writing one
// dataset at once lose no row; a reference architecture is timed and stored with every sample;
// passes; merging a run profiled again; CSV import/export and bad input through the command line.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include <regex>

#include "latency/dataset/latency_dataset.h"
#include "latency/dataset/stats.h"
#include "tests/latency/dataset_test_util.h"
#include "tests/support/child_process.h"
#include "tests/support/test_util.h"
#include "latency/predict/device_data.h"
#include "latency/measure/profile_run.h"
#include "tests/support/tiny_space.h"

namespace hat::latency {
namespace {

namespace fs = std::filesystem;

pid_t spawn(const std::vector<std::string>& args, const fs::path& log) {
  return hat::test::spawn_logged(args, log.string(), hat::test::OutputFile::append);
}

int wait_status(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class Hatprofile : public test::DatasetTest {
 protected:
  void SetUp() override {
    DatasetTest::SetUp();
    std::ofstream(root_ / "space.yml") << hat::test::kTinySpaceYaml;
    dataset_ = root_ / "host.sqlite";
    log_ = root_ / "log.txt";
  }
  // A run on the tiny space with a 40-token vocabulary, 1 thread, short protocol.
  std::vector<std::string> run_args(int64_t samples, int iterations, uint64_t seed = 1) const {
    return {HATPROFILE_PATH, "run",        "--space",      (root_ / "space.yml").string(),
            "--samples",     std::to_string(samples),      "--seed",       std::to_string(seed),
            "--vocab",       "40",         "--source-length", "6",         "--beam", "2",
            "--warmups",     "1",          "--iterations", std::to_string(iterations),
            "--threads",     "1",          "--dataset",    dataset_.string()};
  }
  int run(const std::vector<std::string>& args) { return wait_status(spawn(args, log_)); }
  int64_t rows() {
    if (!fs::exists(dataset_)) return 0;
    DatasetOptions ro;
    ro.read_only = true;
    ro.busy_timeout_ms = 2000;
    try {
      LatencyDataset d(dataset_, ro);
      return d.count();
    } catch (const Error&) {
      return 0;  // still being created
    }
  }
  // Sample indices of the (single) run stored, checked to be unique and 0..n-1.
  void expect_exactly(int64_t n) {
    LatencyDataset d(dataset_);
    const std::vector<Measurement> all = d.measurements();
    ASSERT_EQ(static_cast<int64_t>(all.size()), n) << read_text(log_);
    std::set<int64_t> indices;
    for (const Measurement& m : all) {
      ASSERT_TRUE(m.run_key && m.sample_index);
      EXPECT_EQ(*m.run_key, *all[0].run_key);
      indices.insert(*m.sample_index);
      EXPECT_TRUE(m.arch.has_value());
      EXPECT_EQ(m.device, "host");
      EXPECT_GT(m.encoder.mean_ms, 0);
      EXPECT_GT(m.decoder.mean_ms, 0);
    }
    EXPECT_EQ(static_cast<int64_t>(indices.size()), n);
    EXPECT_EQ(*indices.rbegin(), n - 1);
  }
  // Starts a long run and kills it with `signal` once it has stored some rows.
  int interrupt_run(int signal_number, int64_t samples) {
    const pid_t pid = spawn(run_args(samples, 40), log_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (rows() < 3 && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kill(pid, signal_number);
    return wait_status(pid);
  }
  fs::path dataset_, log_;
};

TEST_F(Hatprofile, RunStoresExactlyNSamplesAndARerunAddsNone) {
  ASSERT_EQ(run(run_args(5, 2)), 0) << read_text(log_);
  expect_exactly(5);
  ASSERT_EQ(run(run_args(5, 2)), 0) << read_text(log_);
  expect_exactly(5);
  ASSERT_EQ(run(run_args(8, 2)), 0) << read_text(log_);  // a larger N extends the same run
  expect_exactly(8);
  // The same seed samples the same architectures: the stored ones are the run's samples.
  LatencyDataset d(dataset_);
  const auto all = d.measurements();
  for (const Measurement& m : all) {
    ProfileRunConfig c;
    c.space = test::tiny_space();
    c.seed = 1;
    EXPECT_EQ(*m.arch, profile_sample_arch(c, *m.sample_index));
  }
}

TEST_F(Hatprofile, AKilledRunResumesToExactlyNSamples) {
  constexpr int64_t kSamples = 60;
  EXPECT_EQ(interrupt_run(SIGKILL, kSamples), -SIGKILL);
  const int64_t after_kill = rows();
  EXPECT_GE(after_kill, 3);
  EXPECT_LT(after_kill, kSamples) << "the run finished before it could be killed";
  EXPECT_EQ(test::integrity(dataset_), "ok");
  std::vector<std::string> args = run_args(kSamples, 40);
  ASSERT_EQ(run(args), 0) << read_text(log_);
  expect_exactly(kSamples);
}

TEST_F(Hatprofile, CtrlCStopsCleanlyKeepingWhatWasMeasured) {
  constexpr int64_t kSamples = 60;
  EXPECT_EQ(interrupt_run(SIGINT, kSamples), 130) << read_text(log_);
  const int64_t kept = rows();
  EXPECT_GE(kept, 3);
  EXPECT_LT(kept, kSamples);
  EXPECT_NE(read_text(log_).find("run the same command again"), std::string::npos);
}

TEST_F(Hatprofile, TwoRunsWritingOneDatasetAtOnceLoseNoRow) {
  const pid_t a = spawn(run_args(25, 2, 1), log_);
  const pid_t b = spawn(run_args(25, 2, 2), log_);
  EXPECT_EQ(wait_status(a), 0);
  EXPECT_EQ(wait_status(b), 0);
  EXPECT_EQ(rows(), 50) << read_text(log_);
  EXPECT_EQ(test::integrity(dataset_), "ok");
}

TEST_F(Hatprofile, FixedArchitectureAndTranslateModeAndStats) {
  std::vector<std::string> args = run_args(3, 2);
  args.insert(args.end(), {"--arch", "largest", "--mode", "translate"});
  ASSERT_EQ(run(args), 0) << read_text(log_);
  LatencyDataset d(dataset_);
  const auto all = d.measurements();
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].arch, all[2].arch);
  EXPECT_EQ(all[0].mode, "translate");
  // stats alone in its log: the run's own output names the device too.
  const fs::path stats_log = log_.string() + ".stats";
  ASSERT_EQ(
      wait_status(spawn({HATPROFILE_PATH, "stats", "--dataset", dataset_.string()}, stats_log)), 0);
  const std::string log = read_text(stats_log);
  // "host  3 rows  1 architecture ... repeat CV (1)": the one architecture measured three times.
  EXPECT_TRUE(std::regex_search(log, std::regex(R"(\nhost +3 +1 [^\n]*\(1\)\n)"))) << log;
  // Every row records the kernels its warm-ups ran; the products are oneDNN matmuls.
  EXPECT_TRUE(
      std::regex_search(log, std::regex(R"(kernels that ran \(rows\):.*matmul:[^ ]+ \(3\))")))
      << log;
}

TEST_F(Hatprofile, AReferenceIsTimedWithEverySampleAndNotExported) {
  std::vector<std::string> args = run_args(4, 2);
  args.insert(args.end(), {"--reference", "smallest"});
  ASSERT_EQ(run(args), 0) << read_text(log_);
  ASSERT_EQ(run(args), 0) << read_text(log_);  // a rerun adds nothing, references included
  LatencyDataset d(dataset_);
  const std::vector<Measurement> all = d.measurements();
  ASSERT_EQ(all.size(), 8u) << read_text(log_);
  std::set<int64_t> samples, references;
  ProfileRunConfig c;
  c.space = test::tiny_space();
  for (const Measurement& m : all) {
    ASSERT_TRUE(m.run_key && m.sample_index);
    if (is_reference_timing(m)) {
      references.insert(*m.sample_index);
      EXPECT_EQ(*m.arch, arch::smallest_arch(c.space));
      EXPECT_EQ(*m.run_key, *all[0].run_key + kReferenceRunSuffix);
    } else {
      samples.insert(*m.sample_index);
    }
  }
  EXPECT_EQ(samples, (std::set<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(references, samples);
  EXPECT_EQ(d.hat_csv_rows("host").size(), 4u) << "a CSV cannot carry what a reference is for";
  const DeviceStats stats = device_stats("host", all);
  EXPECT_EQ(stats.rows, 4);
  EXPECT_EQ(stats.reference_rows, 4);
  EXPECT_GT(stats.reference_cv, 0);  // four timings never agree to the nanosecond
  // The most four positive timings can vary, by the sample std: sqrt(4), one timing taking all.
  // (Under 1 is the usual, but these timings last microseconds: on a loaded machine one
  // preempted timing took the CV to 1.1.)
  EXPECT_LT(stats.reference_cv, 2);
  EXPECT_NE(read_text(log_).find("reference"), std::string::npos);
}

TEST_F(Hatprofile, PassesMeasureTheSameSamplesAgainUnderTheirOwnKeys) {
  std::vector<std::string> args = run_args(3, 2);
  ASSERT_EQ(run(args), 0) << read_text(log_);  // pass 1 alone: the run's own key
  args = run_args(3, 2);
  args.insert(args.end(), {"--passes", "2"});
  ASSERT_EQ(run(args), 0) << read_text(log_);  // pass 1 is there: only pass 2 is measured
  EXPECT_NE(read_text(log_).find("3 measured now, 3 from before; 6/6 stored"), std::string::npos)
      << read_text(log_);
  ASSERT_EQ(run(args), 0) << read_text(log_);  // a rerun adds nothing
  LatencyDataset d(dataset_);
  const std::vector<Measurement> all = d.measurements();
  ASSERT_EQ(all.size(), 6u) << read_text(log_);
  const std::string key = *all[0].run_key;
  std::map<int64_t, std::vector<arch::ArchConfig>> archs;
  for (const Measurement& m : all) {
    ASSERT_TRUE(m.run_key && m.sample_index && m.arch);
    EXPECT_TRUE(*m.run_key == key || *m.run_key == key + kPassRunSuffix + "2") << *m.run_key;
    archs[*m.sample_index].push_back(*m.arch);
  }
  ASSERT_EQ(archs.size(), 3u);
  for (const auto& [i, a] : archs) {
    ASSERT_EQ(a.size(), 2u) << "sample " << i;
    EXPECT_EQ(a[0], a[1]) << "sample " << i << ": both passes measure the same architecture";
  }
  const PredictorData data = load_data_file(dataset_, InferenceSetting{});
  EXPECT_EQ(data.rows.size(), 3u) << "a predictor sees each architecture once";
  EXPECT_EQ(data.merged_repeats, 3u);
  ASSERT_EQ(run({HATPROFILE_PATH, "run", "--passes", "0", "--dataset", dataset_.string()}), 2);
  EXPECT_NE(read_text(log_).find("--passes must be >= 1"), std::string::npos) << read_text(log_);
}

TEST_F(Hatprofile, MergeLeavesOutARunProfiledAgainUnlessAsPasses) {
  // The same run command on two days, into two files: the same run key and samples.
  const fs::path monday = dataset_, tuesday = root_ / "tuesday.sqlite";
  ASSERT_EQ(run(run_args(3, 2)), 0) << read_text(log_);
  dataset_ = tuesday;
  ASSERT_EQ(run(run_args(3, 2)), 0) << read_text(log_);

  const fs::path plain = root_ / "plain.sqlite";
  ASSERT_EQ(run({HATPROFILE_PATH, "merge", "--into", plain.string(), "--from", monday.string(),
                 "--from", tuesday.string()}), 0) << read_text(log_);
  EXPECT_NE(read_text(log_).find("left out 3 rows of " + tuesday.string()), std::string::npos)
      << read_text(log_);
  EXPECT_NE(read_text(log_).find("--as-passes keeps them"), std::string::npos);
  EXPECT_EQ(LatencyDataset(plain).count(), 3);

  const fs::path passes = root_ / "passes.sqlite";
  ASSERT_EQ(run({HATPROFILE_PATH, "merge", "--as-passes", "--into", passes.string(), "--from",
                 monday.string(), "--from", tuesday.string()}), 0) << read_text(log_);
  EXPECT_NE(read_text(log_).find("merged 3 new rows from " + tuesday.string() +
                                 " (1 run profiled again: stored as further passes)"),
            std::string::npos) << read_text(log_);
  const PredictorData data = load_data_file(passes, InferenceSetting{});
  EXPECT_EQ(data.rows.size(), 3u) << "each architecture once, the median of its two passes";
  EXPECT_EQ(data.merged_repeats, 3u);
}

TEST_F(Hatprofile, CsvImportExportAndBadInputThroughTheCommandLine) {
  const fs::path csv = fs::path(HAT_SOURCE_DIR) / "experiments/hat-latency/wmt14ende_cpu_xeon_all.csv";
  const fs::path db = root_ / "hat.sqlite";
  ASSERT_EQ(run({HATPROFILE_PATH, "import-csv", "--csv", csv.string(), "--device", "xeon",
                 "--dataset", db.string()}), 0) << read_text(log_);
  const fs::path out = root_ / "out.csv";
  ASSERT_EQ(run({HATPROFILE_PATH, "export-csv", "--dataset", db.string(), "--device", "xeon",
                 "--output", out.string()}), 0) << read_text(log_);
  EXPECT_EQ(read_text(out), read_text(csv));
  EXPECT_EQ(run({HATPROFILE_PATH, "import-csv", "--csv", csv.string(), "--device", "jetson",
                 "--dataset", db.string()}), 1);
  EXPECT_NE(read_text(log_).find("unknown device 'jetson'"), std::string::npos);
  EXPECT_EQ(run({HATPROFILE_PATH, "frobnicate"}), 2);
  EXPECT_EQ(run({HATPROFILE_PATH, "run", "--samples", "0", "--dataset", db.string()}), 2);
  const fs::path merged = root_ / "merged.sqlite";
  ASSERT_EQ(run({HATPROFILE_PATH, "merge", "--into", merged.string(), "--from", db.string()}), 0);
  LatencyDataset m(merged);
  EXPECT_EQ(m.count("xeon"), 2000);
}

}  // namespace
}  // namespace hat::latency
