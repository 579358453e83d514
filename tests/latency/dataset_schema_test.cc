// The dataset's schema: created with its version, WAL and indices; old (version 1 and 2) files
// are migrated with their rows; a newer version and foreign files are refused untouched.
#include "latency/dataset/schema.h"

#include <fstream>

#include <gtest/gtest.h>

#include "latency/dataset/latency_dataset.h"
#include "supernet/arch/arch_yaml.h"
#include "tests/latency/dataset_test_util.h"
#include "tests/support/test_util.h"

namespace hat::latency {
namespace {

using DatasetSchema = test::DatasetTest;

int64_t user_version(const std::filesystem::path& path) {
  SqliteDb db(path, true, false, 1000);
  return db.pragma_int("user_version");
}

TEST_F(DatasetSchema, CreatesTheCurrentVersionInWalModeWithIndices) {
  const auto path = root_ / "sub/dir/d.sqlite";
  { LatencyDataset dataset(path); }
  EXPECT_EQ(user_version(path), kLatencySchemaVersion);
  SqliteDb db(path, true, false, 1000);
  {
    SqliteStatement s(db, "PRAGMA journal_mode");
    ASSERT_TRUE(s.step());
    EXPECT_EQ(s.column_text(0), "wal");
  }
  EXPECT_EQ(db.pragma_int("application_id"), kLatencyApplicationId);
  SqliteStatement s(db, "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name");
  std::vector<std::string> indices;
  while (s.step()) indices.push_back(s.column_text(0));
  EXPECT_EQ(indices, (std::vector<std::string>{"architectures_features_only", "measurements_by_device"}));
}

TEST_F(DatasetSchema, StoresAndReadsBackAMeasurement) {
  LatencyDataset dataset(root_ / "d.sqlite");
  dataset.put_device({"host", "cpu x", "cpu", 2});
  Measurement m = test::synthetic_measurement("host", 3);
  m.run_key = "k";
  m.sample_index = 0;
  m.weights = "random (seed 1)";
  m.implementations = "layer_normalization:simple:any, matmul:brg:avx512_core";
  EXPECT_TRUE(dataset.add_measurement(m));
  EXPECT_FALSE(dataset.add_measurement(m)) << "the same run sample twice";
  const std::vector<Measurement> rows = dataset.measurements("host");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].arch, m.arch);
  EXPECT_EQ(rows[0].features, m.features);
  EXPECT_EQ(rows[0].encoder.mean_ms, m.encoder.mean_ms);
  EXPECT_EQ(rows[0].encoder.median_ms, m.encoder.median_ms);
  EXPECT_FALSE(rows[0].decoder.median_ms.has_value());
  EXPECT_EQ(rows[0].weights, m.weights);
  EXPECT_EQ(rows[0].implementations, m.implementations);
  EXPECT_EQ(rows[0].sample_index, 0);
  EXPECT_EQ(rows[0].uid.size(), 32u);
  EXPECT_EQ(dataset.run_samples("k"), std::set<int64_t>{0});
  Measurement unknown = test::synthetic_measurement("nowhere", 4);
  hat::test::expect_error([&] { dataset.add_measurement(unknown); }, {"no device 'nowhere'"});
  EXPECT_EQ(dataset.count(), 1);
}

TEST_F(DatasetSchema, MigratesAVersionOneFileWithItsRows) {
  const auto path = root_ / "old.sqlite";
  const arch::ArchConfig arch = arch::sample_arch(test::tiny_space(), 11);
  {
    SqliteDb db(path, false, true, 1000);
    create_latency_schema_v1(db);
    db.exec("INSERT INTO devices VALUES(1, 'host', 'old cpu', 'cpu', 2)");
    SqliteStatement a(db, "INSERT INTO architectures VALUES(1, ?, ?, 32, 2, 64, 2, 32, 2, 64, 2, 2, 1)");
    a.bind(1, arch::arch_hash(arch)).bind(2, arch::arch_to_yaml(arch)).run();
    db.exec("INSERT INTO measurements VALUES(1, 1, 1, 1.5, 0.1, 12.5, 0.2, 30, 5, 20, 'box', '2024-01-01T00:00:00Z')");
    db.exec("INSERT INTO measurements VALUES(2, 1, 1, 1.6, 0.1, 12.6, 0.2, 30, 5, 20, 'box', '2024-01-02T00:00:00Z')");
  }
  ASSERT_EQ(user_version(path), 1);
  LatencyDataset dataset(path);
  EXPECT_EQ(user_version(path), kLatencySchemaVersion);
  const std::vector<Measurement> rows = dataset.measurements();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].arch, arch);
  EXPECT_EQ(rows[0].device, "host");
  EXPECT_EQ(rows[1].decoder.mean_ms, 12.6);
  EXPECT_EQ(rows[1].measured_at, "2024-01-02T00:00:00Z");
  EXPECT_EQ(rows[0].mode, "protocol");
  EXPECT_NE(rows[0].uid, rows[1].uid);
  EXPECT_EQ(rows[0].iterations, 20);
  EXPECT_FALSE(rows[0].implementations.has_value());
  // The migrated file is the current schema: new rows go in, features-only ones too.
  dataset.put_device({"rpi4", "pi", "cpu", 4});
  Measurement m = test::synthetic_measurement("rpi4", 5);
  m.arch.reset();
  EXPECT_TRUE(dataset.add_measurement(m));
  EXPECT_EQ(dataset.count(), 3);
  EXPECT_EQ(test::integrity(path), "ok");
}

// Version 2 -> 3: the implementations column is added, NULL for the rows already there (what
// they ran is not known), and new rows fill it.
TEST_F(DatasetSchema, MigratesAVersionTwoFileWithItsRows) {
  const auto path = root_ / "v2.sqlite";
  const arch::ArchConfig arch = arch::sample_arch(test::tiny_space(), 12);
  {
    SqliteDb db(path, false, true, 1000);
    create_latency_schema_v2(db);
    db.exec("INSERT INTO devices VALUES(1, 'host', 'cpu', 'cpu (oneDNN)', 1)");
    SqliteStatement a(db, "INSERT INTO architectures VALUES(1, ?, ?, 32, 2, 64, 2, 32, 2, 64, 2, 2, 1)");
    a.bind(1, arch::arch_hash(arch)).bind(2, arch::arch_to_yaml(arch)).run();
    db.exec("INSERT INTO measurements(uid, device_id, architecture_id, mode, encoder_mean_ms, "
            "encoder_std_ms, encoder_median_ms, decoder_mean_ms, decoder_std_ms, "
            "decoder_median_ms, run_key, sample_index) VALUES('u1', 1, 1, 'protocol', 1.5, 0.1, "
            "1.4, 12.5, 0.2, 12.4, 'K', 0), ('u2', 1, 1, 'translate', 1.6, 0.1, 1.5, 12.6, 0.2, "
            "12.5, 'K', 1)");
  }
  ASSERT_EQ(user_version(path), 2);
  DatasetOptions ro;
  ro.read_only = true;
  hat::test::expect_error([&] { LatencyDataset dataset(path, ro); },
                          {"version 2 is older", "open it once for writing"});
  LatencyDataset dataset(path);
  EXPECT_EQ(user_version(path), kLatencySchemaVersion);
  EXPECT_EQ(kLatencySchemaVersion, 3);
  std::vector<Measurement> rows = dataset.measurements();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].uid, "u1");
  EXPECT_EQ(rows[0].arch, arch);
  EXPECT_EQ(rows[0].encoder.median_ms, 1.4);
  EXPECT_EQ(rows[1].mode, "translate");
  EXPECT_EQ(rows[1].decoder.mean_ms, 12.6);
  EXPECT_EQ(rows[1].sample_index, 1);
  for (const Measurement& m : rows) EXPECT_FALSE(m.implementations.has_value()) << m.uid;
  EXPECT_EQ(dataset.run_samples("K"), (std::set<int64_t>{0, 1}));
  Measurement m = test::synthetic_measurement("host", 6);
  m.implementations = "matmul:gemm:jit";
  EXPECT_TRUE(dataset.add_measurement(m));
  rows = dataset.measurements();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[2].implementations, "matmul:gemm:jit");
  EXPECT_EQ(test::integrity(path), "ok");
  // A new file and the migrated one have the same measurements columns.
  const auto columns = [](const std::filesystem::path& file) {
    SqliteDb db(file, true, false, 1000);
    SqliteStatement s(db, "SELECT name FROM pragma_table_info('measurements') ORDER BY cid");
    std::vector<std::string> names;
    while (s.step()) names.push_back(s.column_text(0));
    return names;
  };
  { LatencyDataset fresh(root_ / "new.sqlite"); }
  EXPECT_EQ(columns(path), columns(root_ / "new.sqlite"));
  EXPECT_EQ(columns(path).back(), "implementations");
}

TEST_F(DatasetSchema, RefusesANewerVersionAndLeavesItAlone) {
  const auto path = root_ / "new.sqlite";
  { LatencyDataset dataset(path); }
  {
    SqliteDb db(path, false, false, 1000);
    db.exec("PRAGMA user_version = 7");
  }
  hat::test::expect_error([&] { LatencyDataset dataset(path); },
                          {"new.sqlite", "newer", "version 7", "up to 3"});
  DatasetOptions ro;
  ro.read_only = true;
  hat::test::expect_error([&] { LatencyDataset dataset(path, ro); }, {"newer", "version 7"});
  EXPECT_EQ(user_version(path), 7);
}

TEST_F(DatasetSchema, RefusesFilesThatAreNotDatasets) {
  const auto other = root_ / "other.sqlite";
  {
    SqliteDb db(other, false, true, 1000);
    db.exec("CREATE TABLE t(x)");
  }
  hat::test::expect_error([&] { LatencyDataset dataset(other); }, {"other.sqlite", "not a latency dataset"});
  const auto text = root_ / "text.sqlite";
  std::ofstream(text) << "this is not a database, just some text that is long enough to look like a header\n";
  hat::test::expect_error([&] { LatencyDataset dataset(text); }, {"text.sqlite", "not a SQLite database"});
  DatasetOptions ro;
  ro.read_only = true;
  hat::test::expect_error([&] { LatencyDataset dataset(root_ / "absent.sqlite", ro); },
                          {"absent.sqlite", "no such latency dataset"});
}

}  // namespace
}  // namespace hat::latency
