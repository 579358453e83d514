// Helpers for the latency dataset tests: synthetic measurements and raw SQLite access.
#pragma once

#include <cstdint>
#include <string>

#include "latency/dataset/latency_dataset.h"
#include "latency/dataset/sqlite_db.h"
#include "supernet/arch/search_space.h"
#include "supernet/arch/space_file.h"
#include "tests/support/test_util.h"
#include "tests/support/tiny_space.h"

namespace hat::latency::test {

// A fresh, existing directory per test.
class DatasetTest : public hat::test::TempDirectoryTest {
 protected:
  void SetUp() override {
    TempDirectoryTest::SetUp();
    std::filesystem::create_directories(root_);
  }
};

inline arch::SearchSpace tiny_space() {
  return arch::parse_space_file(hat::test::kTinySpaceYaml, "tiny", "tiny space").space;
}

// A measurement of sample `seed` of the tiny space on `device`, latencies derived from the seed.
inline Measurement synthetic_measurement(const std::string& device, uint64_t seed) {
  Measurement m;
  m.device = device;
  m.arch = arch::sample_arch(tiny_space(), seed);
  m.features = hat_features(*m.arch);
  m.encoder = {1.0 + static_cast<double>(seed % 7), 0.1, 1.0 + static_cast<double>(seed % 7)};
  m.decoder = {10.0 + static_cast<double>(seed % 13), 0.5, std::nullopt};
  m.source_length = 30;
  m.beam = 5;
  m.host = "test";
  m.measured_at = utc_timestamp();
  return m;
}

inline std::string integrity(const std::filesystem::path& path) {
  SqliteDb db(path, true, false, 1000);
  SqliteStatement s(db, "PRAGMA integrity_check");
  s.step();
  return s.column_text(0);
}

}  // namespace hat::latency::test
