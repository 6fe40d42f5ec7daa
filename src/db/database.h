// Database: the storage seam. Callers talk to `Database` / `Connection` / `Transaction`; backends
// (SQLite now, PostgreSQL later) live in subfolders and are chosen by URL in db/open.h. No driver
// header is reachable from here.
//
// ## Portable SQL (the subset both backends accept)
// Write SQL that runs unchanged on SQLite 3.40 and PostgreSQL 15:
//   - Placeholders: `?` only (the PostgreSQL backend rewrites them to $1, $2, ...). No `?NNN`,
//     `:name` or `$n`: a statement using them is refused with an error.
//   - Column types: INTEGER (64-bit), REAL (double), TEXT (UTF-8), BLOB. The PostgreSQL backend
//     maps them to BIGINT, DOUBLE PRECISION, TEXT and BYTEA when applying migrations.
//   - Booleans are INTEGER 0/1. Timestamps are TEXT in ISO 8601 UTC ("2024-05-01T12:00:00.000Z",
//     sorts as text) or INTEGER microseconds since the epoch for hot columns.
//   - Keys: assign ids in the application; `INTEGER PRIMARY KEY` auto-assigns only in SQLite.
//   - Upserts: `INSERT ... ON CONFLICT (cols) DO UPDATE SET x = excluded.x` / `DO NOTHING`.
//   - Generated values: `INSERT ... RETURNING id` (read with QueryOne) rather than LastInsertId().
//   - Portable: `LIMIT n OFFSET m`, `COALESCE`, `CASE`, `EXISTS`, CTEs (`WITH`), window functions.
//     Not portable: `INSERT OR REPLACE`, `AUTOINCREMENT`, `strftime`, `ILIKE`, `SERIAL`, `now()`;
//     pass times from the Clock as parameters instead.
//
// ## Errors
// Every failure is an Error value naming the backend's message and the first words of the failing
// SQL. Codes: unique/primary-key violations → kConflict; other constraint violations (NOT NULL,
// CHECK, foreign key) → kUnprocessable; busy/locked/disk full/cannot reach the server →
// kUnavailable; everything else (syntax errors, wrong parameter count, I/O errors) → kInternal.
//
// ## Threading
// `Database` is thread-safe. A `Connection` is used by one thread at a time: the holder of its
// `ConnectionLease`. `Row` and `Value` are plain values.
//
// ## Typical use
//   STARLING_ASSIGN_OR_RETURN(auto db, OpenDatabase("sqlite:data/starling.db", {}));
//   STARLING_TRY(Migrate(*db));
//   {
//     STARLING_ASSIGN_OR_RETURN(ConnectionLease writer, db->Writer());
//     STARLING_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*writer));
//     STARLING_TRY(writer->Execute("INSERT INTO kv_meta (key, value) VALUES (?, ?)", {"k", "v"}));
//     STARLING_TRY(txn.Commit());  // an early return above rolls back
//   }
//   STARLING_ASSIGN_OR_RETURN(ConnectionLease reader, db->Reader());
//   STARLING_ASSIGN_OR_RETURN(auto row, reader->QueryOne("SELECT value FROM kv_meta WHERE key = ?",
//                                                        {"k"}));
//   if (row) use(row->GetText(0));
// Hot write paths go through GroupCommitter (db/group_commit.h) instead of holding the writer.
#pragma once

#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/result.h"

namespace starling::db {

using Blob = std::vector<std::uint8_t>;

// One SQL value: NULL, INTEGER (int64), REAL (double), TEXT (UTF-8 string) or BLOB (bytes).
// Implicit constructors make parameter lists read naturally:
//   conn.Execute("INSERT INTO t (a, b, c) VALUES (?, ?, ?)", {42, "a@b.c", nullptr});
// Integers of any width (and bool → 0/1) become INTEGER; unsigned values above INT64_MAX wrap.
class Value final {
 public:
  enum class Type { kNull, kInteger, kReal, kText, kBlob };

  Value() = default;        // NULL
  Value(std::nullptr_t) {}  // NOLINT: implicit by design
  Value(std::nullopt_t) {}  // NOLINT
  template <std::integral T>
  Value(T v) : data_(static_cast<int64_t>(v)) {}  // NOLINT
  template <std::floating_point T>
  Value(T v) : data_(static_cast<double>(v)) {}         // NOLINT
  Value(std::string v) : data_(std::move(v)) {}         // NOLINT
  Value(std::string_view v) : data_(std::string(v)) {}  // NOLINT
  Value(const char* v) : data_(std::string(v)) {}       // NOLINT
  Value(Blob v) : data_(std::move(v)) {}                // NOLINT
  template <typename T>
  Value(const std::optional<T>& v) {  // NOLINT: nullopt → NULL
    if (v) *this = Value(*v);
  }

  Type type() const { return static_cast<Type>(data_.index()); }
  bool is_null() const { return type() == Type::kNull; }

  // Typed access. Asking for the wrong type is a bug (CHECK). AsReal() also accepts an INTEGER.
  int64_t AsInteger() const;
  double AsReal() const;
  const std::string& AsText() const;
  const Blob& AsBlob() const;

  // For logs and test failures: NULL, 42, 1.5, 'text', x'0102'.
  std::string DebugString() const;

  friend bool operator==(const Value&, const Value&) = default;

 private:
  std::variant<std::monostate, int64_t, double, std::string, Blob> data_;
};

// "INTEGER", "REAL", …; for messages.
std::string_view TypeName(Value::Type type);

// One result row. Columns are read by index (0-based) with typed getters; names are kept for
// messages and for the rare lookup by name. Type mismatches are bugs in the query (the schema is
// ours) and CHECK-fail with the column's name; nullable columns are read with the GetOptional…
// getters.
class Row final {
 public:
  Row() = default;
  Row(std::shared_ptr<const std::vector<std::string>> column_names, std::vector<Value> values);

  size_t size() const { return values_.size(); }
  const Value& operator[](size_t column) const;
  const std::string& column_name(size_t column) const;
  // The index of the first column called `name`, or nullopt.
  std::optional<size_t> ColumnIndex(std::string_view name) const;

  bool IsNull(size_t column) const { return (*this)[column].is_null(); }
  int64_t GetInt64(size_t column) const;
  double GetDouble(size_t column) const;  // INTEGER or REAL
  bool GetBool(size_t column) const;      // INTEGER, non-zero is true
  const std::string& GetText(size_t column) const;
  const Blob& GetBlob(size_t column) const;

  std::optional<int64_t> GetOptionalInt64(size_t column) const;
  std::optional<double> GetOptionalDouble(size_t column) const;
  std::optional<bool> GetOptionalBool(size_t column) const;
  std::optional<std::string> GetOptionalText(size_t column) const;
  std::optional<Blob> GetOptionalBlob(size_t column) const;

  const std::vector<Value>& values() const { return values_; }
  std::vector<Value>& mutable_values() { return values_; }  // for backends filling a reused row

 private:
  const Value& Checked(size_t column, Value::Type want) const;

  // Shared by the rows of one result.
  std::shared_ptr<const std::vector<std::string>> column_names_;
  std::vector<Value> values_;
};

// Called once per row by Connection::QueryEach. The Row is valid only during the call. Returning an
// error stops the query; QueryEach then returns that error.
using RowCallback = std::function<Status(const Row&)>;

struct ConnectionStats {
  // Compilations of SQL text (cache misses and uncached statements).
  uint64_t statements_prepared = 0;
  // Executions that reused a cached prepared statement.
  uint64_t statement_cache_hits = 0;
};

// A session with the database. Not thread-safe: one thread at a time, the holder of its
// ConnectionLease. Statements are prepared once per connection and cached by SQL text, so pass
// constant SQL with `?` parameters, never values formatted into the text.
class Connection {
 public:
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one statement; returns the number of rows it inserted, updated or deleted (meaningless for
  // other statements). Rows it returns are discarded. SQL with more than one statement is refused.
  Result<int64_t> Execute(std::string_view sql, std::span<const Value> params = {});
  Result<int64_t> Execute(std::string_view sql, std::initializer_list<Value> params);

  // Runs several `;`-separated statements without parameters (migrations, test fixtures).
  Status ExecuteScript(std::string_view sql);

  // Streams the rows of one statement to `on_row`, in order, without holding them all in memory.
  Status QueryEach(std::string_view sql, std::span<const Value> params, const RowCallback& on_row);
  Status QueryEach(std::string_view sql, std::initializer_list<Value> params,
                   const RowCallback& on_row);

  // All rows of one statement.
  Result<std::vector<Row>> Query(std::string_view sql, std::span<const Value> params = {});
  Result<std::vector<Row>> Query(std::string_view sql, std::initializer_list<Value> params);

  // The first row, or nullopt when there is none. The statement still runs to completion (so
  // `INSERT … RETURNING` applies fully); further rows are discarded.
  Result<std::optional<Row>> QueryOne(std::string_view sql, std::span<const Value> params = {});
  Result<std::optional<Row>> QueryOne(std::string_view sql, std::initializer_list<Value> params);

  // The id generated by the last INSERT on this connection. Prefer `INSERT … RETURNING id`
  // (portable); this exists for SQLite-only tools.
  Result<int64_t> LastInsertId();

  // True inside BEGIN … COMMIT/ROLLBACK.
  bool InTransaction() const { return DoInTransaction(); }
  // True for a connection that can only read (a pool reader).
  virtual bool read_only() const = 0;
  virtual ConnectionStats stats() const = 0;

 protected:
  Connection() = default;

  virtual Result<int64_t> DoExecute(std::string_view sql, std::span<const Value> params) = 0;
  virtual Status DoExecuteScript(std::string_view sql) = 0;
  // Calls `on_row` for each row; when `first_only`, stops calling it after the first row (the
  // statement still runs to completion).
  virtual Status DoQuery(std::string_view sql, std::span<const Value> params,
                         const RowCallback& on_row, bool first_only) = 0;
  virtual Result<int64_t> DoLastInsertId() = 0;
  virtual bool DoInTransaction() const = 0;

  // Transaction control, used by Transaction. Begin: writers take the write lock up front (SQLite
  // BEGIN IMMEDIATE); readers start a read snapshot.
  virtual Status DoBegin() = 0;
  virtual Status DoCommit() = 0;
  virtual Status DoRollback() = 0;

  // Called by the pool when a lease ends: rolls back a transaction left open by a bug and resets
  // state.
  virtual void DoResetForReuse() = 0;

 private:
  friend class Transaction;
  friend class ConnectionPool;
};

// RAII transaction on one connection. Commit explicitly; if the object is destroyed while still
// open, it rolls back (an early `return` on error undoes the partial work). Not nestable: Begin on
// a connection that is already in a transaction is an error. For partial rollback inside one
// transaction, use `SAVEPOINT name` / `RELEASE name` / `ROLLBACK TO name` through Execute
// (portable). The connection must outlive the Transaction; movable so it can travel in a Result.
class [[nodiscard]] Transaction final {
 public:
  static Result<Transaction> Begin(Connection& connection);

  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  // Makes the changes durable. On failure the transaction is rolled back. Either way it is
  // finished.
  Status Commit();
  // Undoes the changes. The transaction is finished even if this fails.
  Status Rollback();

  bool active() const { return connection_ != nullptr; }
  Connection& connection() const;

 private:
  explicit Transaction(Connection* connection) : connection_(connection) {}
  Connection* connection_;  // nullptr once finished or moved from
};

class ConnectionPool;

// Exclusive use of a pooled connection; returns it to its pool when destroyed. Move-only.
// The pool (the Database) must outlive the lease.
class ConnectionLease final {
 public:
  ConnectionLease() = default;
  ConnectionLease(ConnectionLease&& other) noexcept;
  ConnectionLease& operator=(ConnectionLease&& other) noexcept;
  ConnectionLease(const ConnectionLease&) = delete;
  ConnectionLease& operator=(const ConnectionLease&) = delete;
  ~ConnectionLease() { Release(); }

  Connection& operator*() const;
  Connection* operator->() const { return &**this; }
  Connection& get() const { return **this; }
  explicit operator bool() const { return connection_ != nullptr; }

  // Returns the connection now instead of at destruction.
  void Release();

 private:
  friend class ConnectionPool;
  ConnectionLease(ConnectionPool* pool, Connection* connection)
      : pool_(pool), connection_(connection) {}

  ConnectionPool* pool_ = nullptr;
  Connection* connection_ = nullptr;
};

struct DatabaseOptions {
  // Read-only connections kept open for concurrent reads (SQLite: readers run in parallel with the
  // one writer thanks to WAL). At least 1.
  int reader_connections = 4;
  // How long a statement waits for a lock held by another process before failing with kUnavailable.
  std::chrono::milliseconds busy_timeout{5000};
  // Default wait for a free pooled connection in Writer()/Reader().
  std::chrono::milliseconds acquire_timeout{10000};
  // Prepared statements cached per connection (least recently used are finalized first).
  size_t statement_cache_size = 256;
};

// The database: a factory of connections, thread-safe. Writes go through the writer connection
// (SQLite has one; hold it briefly, the GroupCommitter batches writers onto it); reads through
// Reader(), which may run concurrently with each other and with the writer. Open one with
// OpenDatabase (db/open.h).
class Database {
 public:
  virtual ~Database() = default;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // The connection that may write. Blocks up to options' acquire_timeout (or `timeout`).
  virtual Result<ConnectionLease> Writer() = 0;
  virtual Result<ConnectionLease> Writer(std::chrono::milliseconds timeout) = 0;
  // A read-only connection (writes through it fail).
  virtual Result<ConnectionLease> Reader() = 0;
  virtual Result<ConnectionLease> Reader(std::chrono::milliseconds timeout) = 0;

  // Health check for readiness probes: runs a trivial read on a reader, waiting at most `timeout`
  // for one. kUnavailable when the database cannot answer.
  virtual Status Ping(std::chrono::milliseconds timeout) = 0;

  // "sqlite" or "postgres".
  virtual std::string_view backend() const = 0;
  // Where the data lives, safe to log (no password): a file path or host/database.
  virtual std::string description() const = 0;

 protected:
  Database() = default;
};

// Runs `work(Connection&)` in one transaction on the writer connection and commits when it succeeds;
// when it returns an error, everything it did is rolled back and that error is returned. `work`
// returns a Result<T> (or Status); the same type is returned. For occasional writes (settings,
// administration); hot paths go through the GroupCommitter.
template <typename Work>
auto WriteTransaction(Database& db, Work&& work) -> decltype(work(std::declval<Connection&>())) {
  STARLING_ASSIGN_OR_RETURN(ConnectionLease writer, db.Writer());
  STARLING_ASSIGN_OR_RETURN(Transaction txn, Transaction::Begin(*writer));
  auto result = work(*writer);
  if (!result) return result;  // `txn` rolls back as it goes out of scope
  if (Status committed = txn.Commit(); !committed) return Unexpected(std::move(committed).error());
  return result;
}

// Runs `work(Connection&)` on a reader connection (one consistent snapshot per statement).
template <typename Work>
auto Read(Database& db, Work&& work) -> decltype(work(std::declval<Connection&>())) {
  STARLING_ASSIGN_OR_RETURN(ConnectionLease reader, db.Reader());
  return work(*reader);
}

}  // namespace starling::db
