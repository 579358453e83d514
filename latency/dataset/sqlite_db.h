// A thin RAII layer over SQLite's C API for the latency dataset: one connection, prepared
// statements, and write transactions that wait (bounded) for other processes' locks and roll
// back on any failure, so that a failed write loses nothing already committed.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace hat::latency {

class SqliteStatement;

class SqliteDb {
 public:
  // Opens (read-write, creating when `create`) or read-only. busy_timeout_ms bounds how long
  // any statement waits for another connection's lock before failing with a clear error.
  SqliteDb(const std::filesystem::path& path, bool read_only, bool create, int busy_timeout_ms);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const std::string& sql);  // one or more statements, no results
  int64_t pragma_int(const std::string& pragma);
  int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
  int changes() const { return sqlite3_changes(db_); }

  // Runs `body` inside BEGIN IMMEDIATE ... COMMIT (the write lock taken up front, so two
  // writers never deadlock), rolling back when it throws. When the lock cannot be had within
  // the busy timeout, retries the whole transaction a few times before failing.
  void write_transaction(const std::function<void()>& body);

  // Puts the file in WAL mode (persistent), waiting for other connections as a write does.
  void enable_wal();

  // Throws hat::Error "<path>: <what>: <sqlite message>" (a locked or full database named as such).
  [[noreturn]] void fail(int rc, const std::string& what) const;

  sqlite3* handle() const { return db_; }
  const std::filesystem::path& path() const { return path_; }
  int busy_timeout_ms() const { return busy_timeout_ms_; }

 private:
  sqlite3* db_ = nullptr;
  std::filesystem::path path_;
  int busy_timeout_ms_;
};

class SqliteStatement {
 public:
  SqliteStatement(SqliteDb& db, const std::string& sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  // Binders, 1-based like SQLite's; each returns *this for chaining.
  SqliteStatement& bind(int index, int64_t value);
  SqliteStatement& bind(int index, double value);
  SqliteStatement& bind(int index, const std::string& value);
  SqliteStatement& bind(int index, const std::optional<std::string>& value);  // NULL when empty
  SqliteStatement& bind(int index, const std::optional<double>& value);
  SqliteStatement& bind_null(int index);

  bool step();   // true: a row is ready; false: done. Throws on errors.
  void run();    // step() to completion, then reset()
  void reset();  // ready to run again with new bindings

  bool is_null(int column) const;
  int64_t column_int(int column) const;
  double column_double(int column) const;
  std::string column_text(int column) const;  // "" for NULL
  std::optional<double> column_optional_double(int column) const;
  std::optional<std::string> column_optional_text(int column) const;

 private:
  SqliteDb& db_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string sql_;
};

}  // namespace hat::latency
