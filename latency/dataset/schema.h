// The latency dataset's SQLite schema (see schema.cc for the tables), its version
// (PRAGMA user_version) and the migrations from older versions.
#pragma once

#include <cstdint>

#include "latency/dataset/sqlite_db.h"

namespace hat::latency {

// Version 1: devices, architectures (hash and text required), measurements with means and
// standard deviations only. Version 2: medians, protocol and provenance columns, a unique id
// per measurement (merging twice adds nothing), run keys for resuming, and features-only
// architectures (HAT's CSV rows carry no architecture text). Version 3 (current): the kernel
// implementations a measurement ran (measurements.implementations, NULL for older rows and
// imports).
inline constexpr int64_t kLatencySchemaVersion = 3;
// PRAGMA application_id of our files ("HATL"), so that another SQLite file is not mistaken for one.
inline constexpr int64_t kLatencyApplicationId = 0x4841544c;

// Brings an opened read-write database to the current schema inside one transaction: creates
// it when empty, migrates an older version, and refuses (hat::Error naming both versions) a
// newer one or a SQLite file that is not a latency dataset.
void ensure_latency_schema(SqliteDb& db);

// Checks a read-only database's version (refuses older ones needing migration, and newer ones).
void check_latency_schema_readable(SqliteDb& db);

// Create the historic version-1 and version-2 schemas in an empty database: kept so that
// migration is tested on real old files.
void create_latency_schema_v1(SqliteDb& db);
void create_latency_schema_v2(SqliteDb& db);

}  // namespace hat::latency
