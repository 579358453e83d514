// hatprofile merge: a file merged twice adds nothing; a run profiled again (the same run key and
// samples, measurements of its own) is left out and counted, or with --as-passes stored as
// further passes of the run, so that predictors take each architecture's median over both.
#include <filesystem>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "latency/predict/training_rows.h"
#include "latency/predict/device_data.h"
#include "tests/latency/dataset_test_util.h"

namespace hat::latency {
namespace {

namespace fs = std::filesystem;

TEST(RunKeys, ParseAndRunKeyOfAreInverses) {
  const RunKeyParts plain = parse_run_key("K");
  EXPECT_EQ(plain.base, "K");
  EXPECT_EQ(plain.pass, 1);
  EXPECT_FALSE(plain.reference);
  const RunKeyParts third = parse_run_key("K/pass 3/reference");
  EXPECT_EQ(third.base, "K");
  EXPECT_EQ(third.pass, 3);
  EXPECT_TRUE(third.reference);
  EXPECT_EQ(parse_run_key("a/pass 2/b/pass 12").pass, 12);
  EXPECT_EQ(parse_run_key("a/pass 2/b/pass 12").base, "a/pass 2/b");
  // hatprofile never writes these, so they are part of the run's name, not a pass.
  for (const char* key : {"K/pass 1", "K/pass 02", "K/pass ", "K/pass 3x", "K/pass -3",
                          "K/pass 99999999999999999999"}) {
    EXPECT_EQ(parse_run_key(key).base, key) << key;
    EXPECT_EQ(parse_run_key(key).pass, 1) << key;
  }
  for (const char* key : {"K", "K/reference", "K/pass 2", "K/pass 10/reference", "K/pass 1",
                          "K/pass 02/reference", "", "/reference"})
    EXPECT_EQ(run_key_of(parse_run_key(key)), key) << key;
  EXPECT_EQ(run_key_of({"K", 4, true}), "K/pass 4/reference");
  EXPECT_EQ(pass_base_run_key("K/pass 4/reference"), "K");
}

class DatasetMerge : public test::DatasetTest {
 protected:
  // One collection of run "K" as `hatprofile run --passes P --reference ...` stores it: samples
  // [first, last) of each pass, each after a reference timing. Each collection has its own uids.
  void collect(const fs::path& path, int passes, int64_t first, int64_t last, double total_ms) {
    LatencyDataset dataset(path);
    dataset.put_device({"host", "", "cpu", 1});
    for (int pass = 1; pass <= passes; ++pass)
      for (int64_t i = first; i < last; ++i) {
        Measurement sample = test::synthetic_measurement("host", static_cast<uint64_t>(i));
        sample.encoder.mean_ms = 0.1 * total_ms;
        sample.decoder.mean_ms = 0.9 * total_ms;
        sample.run_key = run_key_of({"K", pass});
        sample.sample_index = i;
        Measurement reference = test::synthetic_measurement("host", 100);
        reference.run_key = run_key_of({"K", pass, true});
        reference.sample_index = i;
        ASSERT_TRUE(dataset.add_measurement(reference));
        ASSERT_TRUE(dataset.add_measurement(sample));
      }
  }

  static std::set<std::string> run_keys(LatencyDataset& dataset) {
    std::set<std::string> keys;
    for (const Measurement& m : dataset.measurements())
      if (m.run_key) keys.insert(*m.run_key);
    return keys;
  }
};

TEST_F(DatasetMerge, ARunProfiledAgainIsLeftOutAndCounted) {
  collect(root_ / "monday.sqlite", 2, 0, 3, 10);
  collect(root_ / "tuesday.sqlite", 2, 0, 3, 12);
  LatencyDataset into(root_ / "into.sqlite");
  EXPECT_EQ(into.merge_from(root_ / "monday.sqlite").added, 12);
  const MergeSummary again = into.merge_from(root_ / "tuesday.sqlite");
  EXPECT_EQ(again.added, 0);
  EXPECT_EQ(again.left_out, 12) << "2 passes x 3 samples, each with its reference";
  EXPECT_EQ(again.runs_as_passes, 0);
  EXPECT_EQ(into.count(), 12);
  for (const Measurement& m : into.measurements())
    if (!is_reference_timing(m)) {
      EXPECT_DOUBLE_EQ(m.total_ms(), 10) << "Monday's rows are kept";
    }
}

TEST_F(DatasetMerge, AsPassesAppendsTheOtherCollectionAfterThePassesHere) {
  collect(root_ / "monday.sqlite", 2, 0, 3, 10);
  collect(root_ / "tuesday.sqlite", 2, 0, 3, 12);
  LatencyDataset into(root_ / "into.sqlite");
  EXPECT_EQ(into.run_passes("K"), 0);
  into.merge_from(root_ / "monday.sqlite", RepeatedRun::kAsPasses);
  EXPECT_EQ(into.run_passes("K"), 2);
  const MergeSummary again = into.merge_from(root_ / "tuesday.sqlite", RepeatedRun::kAsPasses);
  EXPECT_EQ(again.added, 12);
  EXPECT_EQ(again.left_out, 0);
  EXPECT_EQ(again.runs_as_passes, 1);
  EXPECT_EQ(into.run_passes("K"), 4);
  const std::set<std::string> expected = {"K",        "K/reference",        "K/pass 2",
                                          "K/pass 2/reference", "K/pass 3", "K/pass 3/reference",
                                          "K/pass 4", "K/pass 4/reference"};
  EXPECT_EQ(run_keys(into), expected);
  for (const Measurement& m : into.measurements())
    if (!is_reference_timing(m)) {
      EXPECT_DOUBLE_EQ(m.total_ms(), parse_run_key(*m.run_key).pass <= 2 ? 10 : 12) << *m.run_key;
    }

  // Merging either file again adds nothing: its rows are here (same uids), shifted or not.
  for (const char* name : {"monday.sqlite", "tuesday.sqlite"}) {
    const MergeSummary repeat = into.merge_from(root_ / name, RepeatedRun::kAsPasses);
    EXPECT_EQ(repeat.added, 0) << name;
    EXPECT_EQ(repeat.runs_as_passes, 0) << name;
  }
  EXPECT_EQ(into.count(), 24);

  // Predictors see three architectures, each timed four times.
  const PredictorData d = load_data_file(into.path(), InferenceSetting{});
  EXPECT_EQ(d.rows.size(), 3u);
  EXPECT_EQ(d.merged_repeats, 9u);
}

TEST_F(DatasetMerge, ACollectionThatGrewSinceItsLastMergeAddsItsNewSamplesOnly) {
  collect(root_ / "monday.sqlite", 2, 0, 3, 10);
  LatencyDataset into(root_ / "into.sqlite");
  into.merge_from(root_ / "monday.sqlite", RepeatedRun::kAsPasses);
  collect(root_ / "monday.sqlite", 2, 3, 5, 10);  // `hatprofile run --samples 5` resumed it
  const MergeSummary grown = into.merge_from(root_ / "monday.sqlite", RepeatedRun::kAsPasses);
  EXPECT_EQ(grown.added, 8);
  EXPECT_EQ(grown.runs_as_passes, 0) << "the same collection, not a new one";
  EXPECT_EQ(into.run_passes("K"), 2);
  EXPECT_EQ(into.run_samples("K/pass 2").size(), 5u);
}

}  // namespace
}  // namespace hat::latency
