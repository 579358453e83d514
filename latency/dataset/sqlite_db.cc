#include "latency/dataset/sqlite_db.h"

#include <cerrno>
#include <chrono>
#include <thread>

#include "devices/error.h"

namespace hat::latency {

namespace {

// Whole write transactions retried after the busy timeout expired (each attempt itself waits
// up to the timeout): bounded, so a stuck writer gives a clear error instead of a hang.
constexpr int kLockAttempts = 3;

bool is_busy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

}  // namespace

SqliteDb::SqliteDb(const std::filesystem::path& path, bool read_only, bool create,
                   int busy_timeout_ms)
    : path_(path), busy_timeout_ms_(busy_timeout_ms) {
  int flags = read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
  if (create && !read_only) flags |= SQLITE_OPEN_CREATE;
  flags |= SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw Error(str(path.string(), ": cannot open the latency dataset: ", message));
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, busy_timeout_ms_);
}

SqliteDb::~SqliteDb() { sqlite3_close_v2(db_); }

void SqliteDb::fail(int rc, const std::string& what) const {
  const int primary = rc & 0xff;
  std::string detail = sqlite3_errmsg(db_);
  if (is_busy(rc)) {
    detail = str("the database is locked by another process (waited ", kLockAttempts, " x ",
                 busy_timeout_ms_ / 1000.0, " s); try again when it has finished");
  } else if (primary == SQLITE_FULL || (primary == SQLITE_IOERR && sqlite3_system_errno(db_) == EFBIG)) {
    detail = str("the disk or file-size limit is full (", sqlite3_errmsg(db_),
                 "); nothing of this write was kept, earlier data are intact");
  } else if (primary == SQLITE_NOTADB) {
    detail = "not a SQLite database (or an encrypted or damaged one)";
  } else if (primary == SQLITE_CORRUPT) {
    detail = str("the database is damaged (", sqlite3_errmsg(db_), ")");
  }
  throw Error(str(path_.string(), ": ", what, ": ", detail));
}

void SqliteDb::exec(const std::string& sql) {
  char* message = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
  sqlite3_free(message);
  if (rc != SQLITE_OK) fail(rc, str("cannot run '", sql.substr(0, 60), "'"));
}

int64_t SqliteDb::pragma_int(const std::string& pragma) {
  SqliteStatement s(*this, "PRAGMA " + pragma);
  HAT_CHECK(s.step(), path_.string(), ": PRAGMA ", pragma, " returned nothing");
  return s.column_int(0);
}

void SqliteDb::write_transaction(const std::function<void()>& body) {
  for (int attempt = 1;; ++attempt) {
    const int rc = sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) break;
    if (!is_busy(rc) || attempt == kLockAttempts) fail(rc, "cannot start a write");
    std::this_thread::sleep_for(std::chrono::milliseconds(50 * attempt));
  }
  try {
    body();
    const int rc = sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) fail(rc, "cannot commit");
  } catch (...) {
    // After a failed COMMIT SQLite may already have rolled back; ROLLBACK is then a no-op error.
    if (!sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

void SqliteDb::enable_wal() {
  // Switching to WAL needs the file to itself. When another connection is creating the same
  // file, SQLite answers SQLITE_BUSY at once instead of calling the busy handler (it would
  // deadlock), or leaves the mode as it was and says so; either way, retry by hand for as
  // long as a write would wait.
  using Clock = std::chrono::steady_clock;
  const auto deadline = Clock::now() + std::chrono::milliseconds(
                                           static_cast<int64_t>(busy_timeout_ms_) * kLockAttempts);
  for (;;) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, "PRAGMA journal_mode = WAL", -1, &stmt, nullptr);
    std::string mode;
    if (rc == SQLITE_OK) {
      rc = sqlite3_step(stmt);
      if (rc == SQLITE_ROW) {
        const unsigned char* text = sqlite3_column_text(stmt, 0);
        mode = text ? reinterpret_cast<const char*>(text) : "";
        rc = SQLITE_OK;
      }
    }
    sqlite3_finalize(stmt);
    if (rc == SQLITE_OK && mode == "wal") return;
    if (rc != SQLITE_OK && !is_busy(rc)) fail(rc, "cannot switch to WAL journaling");
    if (Clock::now() >= deadline) fail(SQLITE_BUSY, "cannot switch to WAL journaling");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

SqliteStatement::SqliteStatement(SqliteDb& db, const std::string& sql) : db_(db), sql_(sql) {
  const int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail(rc, str("cannot prepare '", sql.substr(0, 60), "'"));
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

SqliteStatement& SqliteStatement::bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}
SqliteStatement& SqliteStatement::bind(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}
SqliteStatement& SqliteStatement::bind(int index, const std::string& value) {
  sqlite3_bind_text(stmt_, index, value.data(), static_cast<int>(value.size()), SQLITE_TRANSIENT);
  return *this;
}
SqliteStatement& SqliteStatement::bind(int index, const std::optional<std::string>& value) {
  return value ? bind(index, *value) : bind_null(index);
}
SqliteStatement& SqliteStatement::bind(int index, const std::optional<double>& value) {
  return value ? bind(index, *value) : bind_null(index);
}
SqliteStatement& SqliteStatement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

bool SqliteStatement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  db_.fail(rc, str("'", sql_.substr(0, 60), "' failed"));
}

void SqliteStatement::run() {
  while (step()) {
  }
  reset();
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int64_t SqliteStatement::column_int(int column) const { return sqlite3_column_int64(stmt_, column); }
double SqliteStatement::column_double(int column) const {
  return sqlite3_column_double(stmt_, column);
}
std::string SqliteStatement::column_text(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  return text ? std::string(reinterpret_cast<const char*>(text),
                            static_cast<size_t>(sqlite3_column_bytes(stmt_, column)))
              : std::string();
}
std::optional<double> SqliteStatement::column_optional_double(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_double(column);
}
std::optional<std::string> SqliteStatement::column_optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return column_text(column);
}

}  // namespace hat::latency
