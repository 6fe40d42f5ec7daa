#include "db/database.h"

#include <fmt/format.h>

#include <utility>

#include "base/check.h"
#include "db/connection_pool.h"

namespace starling::db {

// ---- Value
// -------------------------------------------------------------------------------------------

std::string_view TypeName(Value::Type type) {
  switch (type) {
    case Value::Type::kNull:
      return "NULL";
    case Value::Type::kInteger:
      return "INTEGER";
    case Value::Type::kReal:
      return "REAL";
    case Value::Type::kText:
      return "TEXT";
    case Value::Type::kBlob:
      return "BLOB";
  }
  return "?";
}

int64_t Value::AsInteger() const {
  CHECK(type() == Type::kInteger) << "Value::AsInteger on a " << TypeName(type());
  return std::get<int64_t>(data_);
}

double Value::AsReal() const {
  if (type() == Type::kInteger) return static_cast<double>(std::get<int64_t>(data_));
  CHECK(type() == Type::kReal) << "Value::AsReal on a " << TypeName(type());
  return std::get<double>(data_);
}

const std::string& Value::AsText() const {
  CHECK(type() == Type::kText) << "Value::AsText on a " << TypeName(type());
  return std::get<std::string>(data_);
}

const Blob& Value::AsBlob() const {
  CHECK(type() == Type::kBlob) << "Value::AsBlob on a " << TypeName(type());
  return std::get<Blob>(data_);
}

std::string Value::DebugString() const {
  switch (type()) {
    case Type::kNull:
      return "NULL";
    case Type::kInteger:
      return fmt::format("{}", std::get<int64_t>(data_));
    case Type::kReal:
      return fmt::format("{}", std::get<double>(data_));
    case Type::kText: {
      std::string out = "'";
      for (char c : std::get<std::string>(data_)) {
        if (c == '\'') out += '\'';
        out += c;
      }
      return out + "'";
    }
    case Type::kBlob: {
      std::string out = "x'";
      for (uint8_t b : std::get<Blob>(data_)) out += fmt::format("{:02x}", b);
      return out + "'";
    }
  }
  return "?";
}

// ---- Row
// ---------------------------------------------------------------------------------------------

Row::Row(std::shared_ptr<const std::vector<std::string>> column_names, std::vector<Value> values)
    : column_names_(std::move(column_names)), values_(std::move(values)) {}

const Value& Row::operator[](size_t column) const {
  CHECK(column < values_.size()) << "column " << column << " of a row with " << values_.size()
                                 << " columns";
  return values_[column];
}

const std::string& Row::column_name(size_t column) const {
  static const std::string kUnnamed;
  CHECK(column < values_.size()) << "column " << column << " of a row with " << values_.size()
                                 << " columns";
  if (!column_names_ || column >= column_names_->size()) return kUnnamed;
  return (*column_names_)[column];
}

std::optional<size_t> Row::ColumnIndex(std::string_view name) const {
  if (!column_names_) return std::nullopt;
  for (size_t i = 0; i < column_names_->size(); ++i) {
    if ((*column_names_)[i] == name) return i;
  }
  return std::nullopt;
}

const Value& Row::Checked(size_t column, Value::Type want) const {
  const Value& v = (*this)[column];
  if (v.type() == want || (want == Value::Type::kReal && v.type() == Value::Type::kInteger))
    return v;
  CHECK(false) << "column " << column << " (`" << column_name(column) << "`): expected "
               << TypeName(want) << ", got " << TypeName(v.type())
               << (v.is_null() ? " (use a GetOptional… getter for a nullable column)" : "");
  return v;
}

int64_t Row::GetInt64(size_t column) const {
  return Checked(column, Value::Type::kInteger).AsInteger();
}
double Row::GetDouble(size_t column) const { return Checked(column, Value::Type::kReal).AsReal(); }
bool Row::GetBool(size_t column) const { return GetInt64(column) != 0; }
const std::string& Row::GetText(size_t column) const {
  return Checked(column, Value::Type::kText).AsText();
}
const Blob& Row::GetBlob(size_t column) const {
  return Checked(column, Value::Type::kBlob).AsBlob();
}

std::optional<int64_t> Row::GetOptionalInt64(size_t column) const {
  if (IsNull(column)) return std::nullopt;
  return GetInt64(column);
}
std::optional<double> Row::GetOptionalDouble(size_t column) const {
  if (IsNull(column)) return std::nullopt;
  return GetDouble(column);
}
std::optional<bool> Row::GetOptionalBool(size_t column) const {
  if (IsNull(column)) return std::nullopt;
  return GetBool(column);
}
std::optional<std::string> Row::GetOptionalText(size_t column) const {
  if (IsNull(column)) return std::nullopt;
  return GetText(column);
}
std::optional<Blob> Row::GetOptionalBlob(size_t column) const {
  if (IsNull(column)) return std::nullopt;
  return GetBlob(column);
}

// ---- Connection
// --------------------------------------------------------------------------------------

namespace {
std::span<const Value> AsSpan(std::initializer_list<Value> params) {
  return {params.begin(), params.size()};
}
}  // namespace

Result<int64_t> Connection::Execute(std::string_view sql, std::span<const Value> params) {
  return DoExecute(sql, params);
}
Result<int64_t> Connection::Execute(std::string_view sql, std::initializer_list<Value> params) {
  return DoExecute(sql, AsSpan(params));
}

Status Connection::ExecuteScript(std::string_view sql) { return DoExecuteScript(sql); }

Status Connection::QueryEach(std::string_view sql, std::span<const Value> params,
                             const RowCallback& on_row) {
  return DoQuery(sql, params, on_row, /*first_only=*/false);
}
Status Connection::QueryEach(std::string_view sql, std::initializer_list<Value> params,
                             const RowCallback& on_row) {
  return DoQuery(sql, AsSpan(params), on_row, /*first_only=*/false);
}

Result<std::vector<Row>> Connection::Query(std::string_view sql, std::span<const Value> params) {
  std::vector<Row> rows;
  STARLING_TRY(DoQuery(
      sql, params,
      [&rows](const Row& row) {
        rows.push_back(row);
        return Ok();
      },
      /*first_only=*/false));
  return rows;
}
Result<std::vector<Row>> Connection::Query(std::string_view sql,
                                           std::initializer_list<Value> params) {
  return Query(sql, AsSpan(params));
}

Result<std::optional<Row>> Connection::QueryOne(std::string_view sql,
                                                std::span<const Value> params) {
  std::optional<Row> first;
  STARLING_TRY(DoQuery(
      sql, params,
      [&first](const Row& row) {
        first = row;
        return Ok();
      },
      /*first_only=*/true));
  return first;
}
Result<std::optional<Row>> Connection::QueryOne(std::string_view sql,
                                                std::initializer_list<Value> params) {
  return QueryOne(sql, AsSpan(params));
}

Result<int64_t> Connection::LastInsertId() { return DoLastInsertId(); }

// ---- Transaction
// -------------------------------------------------------------------------------------

Result<Transaction> Transaction::Begin(Connection& connection) {
  if (connection.InTransaction()) {
    return Error::Internal(
        "cannot begin a transaction: this connection is already in one (transactions do not nest; "
        "use "
        "SAVEPOINT for a partial rollback)");
  }
  STARLING_TRY(connection.DoBegin());
  return Transaction(&connection);
}

Transaction::Transaction(Transaction&& other) noexcept
    : connection_(std::exchange(other.connection_, nullptr)) {}

Transaction::~Transaction() {
  // Nothing to report a failure to here; the connection's reset on return to its pool retries.
  if (connection_ != nullptr) (void)Rollback();
}

Connection& Transaction::connection() const {
  CHECK(connection_ != nullptr) << "Transaction::connection() after Commit/Rollback";
  return *connection_;
}

Status Transaction::Commit() {
  CHECK(connection_ != nullptr) << "Transaction::Commit() after Commit/Rollback";
  Connection* connection = std::exchange(connection_, nullptr);
  Status status = connection->DoCommit();
  if (!status && connection->InTransaction()) (void)connection->DoRollback();
  return status;
}

Status Transaction::Rollback() {
  CHECK(connection_ != nullptr) << "Transaction::Rollback() after Commit/Rollback";
  Connection* connection = std::exchange(connection_, nullptr);
  if (!connection->InTransaction())
    return Ok();  // already rolled back by the engine (e.g. I/O error)
  return connection->DoRollback();
}

// ---- ConnectionLease / ConnectionPool
// ----------------------------------------------------------------

ConnectionLease::ConnectionLease(ConnectionLease&& other) noexcept
    : pool_(std::exchange(other.pool_, nullptr)),
      connection_(std::exchange(other.connection_, nullptr)) {}

ConnectionLease& ConnectionLease::operator=(ConnectionLease&& other) noexcept {
  if (this != &other) {
    Release();
    pool_ = std::exchange(other.pool_, nullptr);
    connection_ = std::exchange(other.connection_, nullptr);
  }
  return *this;
}

Connection& ConnectionLease::operator*() const {
  CHECK(connection_ != nullptr) << "use of an empty or released ConnectionLease";
  return *connection_;
}

void ConnectionLease::Release() {
  if (connection_ == nullptr) return;
  pool_->Return(std::exchange(connection_, nullptr));
  pool_ = nullptr;
}

ConnectionPool::ConnectionPool(std::string what,
                               std::vector<std::unique_ptr<Connection>> connections)
    : what_(std::move(what)), connections_(std::move(connections)) {
  CHECK(!connections_.empty()) << "a connection pool needs at least one connection";
  for (const auto& c : connections_) idle_.push_back(c.get());
}

ConnectionPool::~ConnectionPool() {
  std::lock_guard lock(mutex_);
  CHECK(idle_.size() == connections_.size())
      << (connections_.size() - idle_.size()) << " " << what_
      << " connection(s) still leased while the database is destroyed";
}

Result<ConnectionLease> ConnectionPool::Acquire(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  if (!freed_.wait_for(lock, timeout, [this] { return !idle_.empty(); })) {
    return Error::Unavailable(
        fmt::format("timed out after {} ms waiting for a free database {} connection (all {} in "
                    "use); retry, or "
                    "raise the pool size if this persists",
                    timeout.count(), what_, connections_.size()));
  }
  Connection* connection = idle_.back();
  idle_.pop_back();
  return ConnectionLease(this, connection);
}

void ConnectionPool::Return(Connection* connection) {
  connection->DoResetForReuse();
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(connection);
  }
  freed_.notify_one();
}

}  // namespace starling::db
