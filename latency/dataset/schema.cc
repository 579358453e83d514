#include "latency/dataset/schema.h"

#include <string>

#include "devices/error.h"

namespace hat::latency {

namespace {

// HAT's ten features as columns (names as in HAT's CSV header, latency/features.h).
const char* const kFeatureColumns =
    "encoder_embed_dim REAL NOT NULL, encoder_layer_num REAL NOT NULL, "
    "encoder_ffn_embed_dim_avg REAL NOT NULL, encoder_self_attention_heads_avg REAL NOT NULL, "
    "decoder_embed_dim REAL NOT NULL, decoder_layer_num REAL NOT NULL, "
    "decoder_ffn_embed_dim_avg REAL NOT NULL, decoder_self_attention_heads_avg REAL NOT NULL, "
    "decoder_ende_attention_heads_avg REAL NOT NULL, decoder_arbitrary_ende_attn_avg REAL NOT NULL";
const char* const kFeatureNames =
    "encoder_embed_dim, encoder_layer_num, encoder_ffn_embed_dim_avg, "
    "encoder_self_attention_heads_avg, decoder_embed_dim, decoder_layer_num, "
    "decoder_ffn_embed_dim_avg, decoder_self_attention_heads_avg, "
    "decoder_ende_attention_heads_avg, decoder_arbitrary_ende_attn_avg";

std::string v1_sql() {
  return str(
      "CREATE TABLE devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
      "hardware TEXT NOT NULL, backend TEXT NOT NULL, threads INTEGER NOT NULL);"
      "CREATE TABLE architectures(id INTEGER PRIMARY KEY, arch_hash TEXT NOT NULL UNIQUE, "
      "arch_yaml TEXT NOT NULL, ", kFeatureColumns, ");"
      "CREATE TABLE measurements(id INTEGER PRIMARY KEY, "
      "device_id INTEGER NOT NULL REFERENCES devices(id), "
      "architecture_id INTEGER NOT NULL REFERENCES architectures(id), "
      "encoder_mean_ms REAL NOT NULL, encoder_std_ms REAL NOT NULL, "
      "decoder_mean_ms REAL NOT NULL, decoder_std_ms REAL NOT NULL, "
      "source_length INTEGER NOT NULL, beam INTEGER NOT NULL, iterations INTEGER NOT NULL, "
      "host TEXT NOT NULL, measured_at TEXT NOT NULL);"
      "CREATE INDEX measurements_by_device ON measurements(device_id);");
}

// Version 2's architectures and measurements (devices is unchanged since version 1).
//  - architectures: arch_hash/arch_yaml NULL for features-only rows (HAT's CSV), which are
//    shared by identical feature vectors (partial unique index).
//  - measurements: uid (random, unique: merging a file twice adds nothing), mode (protocol,
//    translate, imported), medians (NULL when imported), the protocol parameters, the model
//    dimensions not in the architecture, weights, library versions, host, timestamp (ISO 8601
//    UTC), source (tool or imported file), and run_key + sample_index (a hatprofile run's
//    samples, unique, for resuming).
std::string v2_tables_sql() {
  return str(
      "CREATE TABLE architectures(id INTEGER PRIMARY KEY, arch_hash TEXT UNIQUE, arch_yaml TEXT, ",
      kFeatureColumns, ", CHECK((arch_hash IS NULL) = (arch_yaml IS NULL)));"
      "CREATE TABLE measurements(id INTEGER PRIMARY KEY, uid TEXT NOT NULL UNIQUE, "
      "device_id INTEGER NOT NULL REFERENCES devices(id), "
      "architecture_id INTEGER NOT NULL REFERENCES architectures(id), mode TEXT NOT NULL, "
      "encoder_mean_ms REAL NOT NULL, encoder_std_ms REAL NOT NULL, encoder_median_ms REAL, "
      "decoder_mean_ms REAL NOT NULL, decoder_std_ms REAL NOT NULL, decoder_median_ms REAL, "
      "source_length INTEGER, beam INTEGER, warmups INTEGER, iterations INTEGER, trim REAL, "
      "threads INTEGER, vocabulary_size INTEGER, qkv_dim INTEGER, weights TEXT, "
      "library_versions TEXT, host TEXT, measured_at TEXT, source TEXT, run_key TEXT, "
      "sample_index INTEGER, UNIQUE(run_key, sample_index));");
}

// The predictors read one device's rows joined with their features; lookups by hash and by
// feature vector back imports and merges.
std::string v2_indices_sql() {
  return str(
      "CREATE INDEX measurements_by_device ON measurements(device_id, architecture_id);"
      "CREATE UNIQUE INDEX architectures_features_only ON architectures(", kFeatureNames,
      ") WHERE arch_hash IS NULL;");
}

void create_v2(SqliteDb& db) {
  db.exec("CREATE TABLE devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
          "hardware TEXT NOT NULL, backend TEXT NOT NULL, threads INTEGER NOT NULL);");
  db.exec(v2_tables_sql());
  db.exec(v2_indices_sql());
}

// 1 -> 2: rebuild architectures (text now nullable) and measurements (new columns), keeping
// ids; old rows get a fresh uid and mode 'protocol' (version 1 only had hatprofile rows).
void migrate_v1_to_v2(SqliteDb& db) {
  db.exec("ALTER TABLE architectures RENAME TO architectures_v1;"
          "ALTER TABLE measurements RENAME TO measurements_v1;"
          "DROP INDEX measurements_by_device;");
  db.exec(v2_tables_sql());
  db.exec(str("INSERT INTO architectures(id, arch_hash, arch_yaml, ", kFeatureNames,
              ") SELECT id, arch_hash, arch_yaml, ", kFeatureNames, " FROM architectures_v1;"));
  db.exec("INSERT INTO measurements(id, uid, device_id, architecture_id, mode, encoder_mean_ms, "
          "encoder_std_ms, decoder_mean_ms, decoder_std_ms, source_length, beam, iterations, "
          "host, measured_at, source) SELECT id, lower(hex(randomblob(16))), device_id, "
          "architecture_id, 'protocol', encoder_mean_ms, encoder_std_ms, decoder_mean_ms, "
          "decoder_std_ms, source_length, beam, iterations, host, measured_at, "
          "'migrated from schema 1' FROM measurements_v1;");
  db.exec("DROP TABLE measurements_v1; DROP TABLE architectures_v1;");
  db.exec(v2_indices_sql());
}

// 2 -> 3: the kernel implementations that ran (latency_dataset.h, Measurement::implementations),
// NULL for the rows already there. A new file is made as version 2 then this, so new and
// migrated files have the same tables.
void migrate_v2_to_v3(SqliteDb& db) {
  db.exec("ALTER TABLE measurements ADD COLUMN implementations TEXT;");
}

bool has_tables(SqliteDb& db) {
  SqliteStatement s(db, "SELECT count(*) FROM sqlite_master WHERE type = 'table'");
  s.step();
  return s.column_int(0) > 0;
}

void check_identity(SqliteDb& db, int64_t version) {
  const int64_t app = db.pragma_int("application_id");
  HAT_CHECK(app == kLatencyApplicationId || (app == 0 && version == 0 && !has_tables(db)),
            db.path().string(), ": not a latency dataset (a SQLite file with application_id ",
            app, " and schema version ", version, ")");
  HAT_CHECK(version <= kLatencySchemaVersion, db.path().string(),
            ": written by a newer hatprofile (latency dataset schema version ", version,
            "; this build reads versions up to ", kLatencySchemaVersion,
            "): use the newer tools, nothing was changed");
}

}  // namespace

void ensure_latency_schema(SqliteDb& db) {
  // WAL: readers never block the writer and a crash mid-write leaves the last commit intact.
  // journal_mode cannot change inside a transaction, so set it first (it persists in the file).
  db.enable_wal();
  db.write_transaction([&] {
    const int64_t version = db.pragma_int("user_version");
    check_identity(db, version);
    if (version == kLatencySchemaVersion) return;
    HAT_CHECK(version >= 0, db.path().string(), ": unknown latency dataset schema version ", version);
    // One version up at a time: an empty file gets version 2's tables, then every step after.
    if (version == 0) create_v2(db);
    if (version == 1) migrate_v1_to_v2(db);
    if (version <= 2) migrate_v2_to_v3(db);
    db.exec(str("PRAGMA application_id = ", kLatencyApplicationId, ";"));
    db.exec(str("PRAGMA user_version = ", kLatencySchemaVersion, ";"));
  });
}

void check_latency_schema_readable(SqliteDb& db) {
  const int64_t version = db.pragma_int("user_version");
  check_identity(db, version);
  HAT_CHECK(version == kLatencySchemaVersion, db.path().string(),
            ": latency dataset schema version ", version, " is older than this build's ",
            kLatencySchemaVersion, ": open it once for writing (any hatprofile command that "
            "writes) to migrate it");
}

void create_latency_schema_v1(SqliteDb& db) {
  db.write_transaction([&] {
    db.exec(v1_sql());
    db.exec(str("PRAGMA application_id = ", kLatencyApplicationId, "; PRAGMA user_version = 1;"));
  });
}

void create_latency_schema_v2(SqliteDb& db) {
  db.write_transaction([&] {
    create_v2(db);
    db.exec(str("PRAGMA application_id = ", kLatencyApplicationId, "; PRAGMA user_version = 2;"));
  });
}

}  // namespace hat::latency
