// Tests of the Database interface, run against a real SQLite file. Written against the interface
// only, so the PostgreSQL backend can run them too.
#include "db/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "db/test_util.h"

namespace starling::db {
namespace {

using ::testing::HasSubstr;

TEST(ValueTest, TypesFromConstructors) {
  EXPECT_EQ(Value().type(), Value::Type::kNull);
  EXPECT_EQ(Value(nullptr).type(), Value::Type::kNull);
  EXPECT_EQ(Value(std::optional<int>()).type(), Value::Type::kNull);
  EXPECT_EQ(Value(std::optional<int>(7)).AsInteger(), 7);
  EXPECT_EQ(Value(42).AsInteger(), 42);
  EXPECT_EQ(Value(uint32_t{7}).AsInteger(), 7);
  EXPECT_EQ(Value(true).AsInteger(), 1);
  EXPECT_EQ(Value(1.5).AsReal(), 1.5);
  EXPECT_EQ(Value(3).AsReal(), 3.0);  // an INTEGER reads as REAL
  EXPECT_EQ(Value("abc").AsText(), "abc");
  EXPECT_EQ(Value(std::string_view("abc")).AsText(), "abc");
  EXPECT_EQ(Value(std::string("abc")).type(), Value::Type::kText);
  EXPECT_EQ(Value(Blob{1, 2}).AsBlob(), (Blob{1, 2}));
  EXPECT_EQ(Value("it's").DebugString(), "'it''s'");
  EXPECT_EQ(Value(Blob{0x0a, 0xff}).DebugString(), "x'0aff'");
  EXPECT_EQ(Value().DebugString(), "NULL");
}

TEST(ValueDeathTest, WrongTypeIsABug) {
  EXPECT_DEATH((void)Value("x").AsInteger(), "AsInteger on a TEXT");
}

TEST(RowTest, TypedGettersAndNames) {
  auto names = std::make_shared<const std::vector<std::string>>(
      std::vector<std::string>{"id", "email", "score", "flag", "data", "missing"});
  Row row(names, {7, "a@b.c", 2.5, 1, Blob{9}, nullptr});
  EXPECT_EQ(row.size(), 6u);
  EXPECT_EQ(row.GetInt64(0), 7);
  EXPECT_EQ(row.GetText(1), "a@b.c");
  EXPECT_EQ(row.GetDouble(2), 2.5);
  EXPECT_EQ(row.GetDouble(0), 7.0);
  EXPECT_TRUE(row.GetBool(3));
  EXPECT_EQ(row.GetBlob(4), Blob{9});
  EXPECT_TRUE(row.IsNull(5));
  EXPECT_EQ(row.GetOptionalText(5), std::nullopt);
  EXPECT_EQ(row.GetOptionalInt64(0), 7);
  EXPECT_EQ(row.column_name(1), "email");
  EXPECT_EQ(row.ColumnIndex("score"), 2u);
  EXPECT_EQ(row.ColumnIndex("nope"), std::nullopt);
}

TEST(RowDeathTest, NullInNonOptionalGetterNamesTheColumn) {
  auto names = std::make_shared<const std::vector<std::string>>(std::vector<std::string>{"email"});
  Row row(names, {nullptr});
  EXPECT_DEATH((void)row.GetText(0), "column 0 \\(`email`\\): expected TEXT, got NULL");
}

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::OpenTestDatabase(dir_);
    ASSERT_NE(db_, nullptr);
  }

  // Runs `sql` on the writer, failing the test on error.
  void Exec(std::string_view sql, std::initializer_list<Value> params = {}) {
    auto writer = db_->Writer();
    ASSERT_TRUE(writer) << writer.error().ToString();
    auto r = (*writer)->Execute(sql, params);
    ASSERT_TRUE(r) << r.error().ToString();
  }

  int64_t CountRows(std::string_view table) {
    auto reader = db_->Reader();
    EXPECT_TRUE(reader);
    auto row = (*reader)->QueryOne(std::string("SELECT count(*) FROM ") + std::string(table));
    EXPECT_TRUE(row) << row.error().ToString();
    return (*row)->GetInt64(0);
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseTest, ValuesRoundTrip) {
  Exec("CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, b BLOB)");
  const std::string text_with_nul("caf\xC3\xA9 \xF0\x9F\x90\xA6 a\0b", 12);
  const Blob bytes{0, 1, 2, 0xfe, 0xff, 0};
  struct Case {
    Value i, r, t, b;
  };
  std::vector<Case> cases = {
      {std::numeric_limits<int64_t>::max(), 1.25, text_with_nul, bytes},
      {std::numeric_limits<int64_t>::min(), -0.0, "", Blob{}},
      {nullptr, nullptr, nullptr, nullptr},
      {0, 1e300, "plain", Blob{42}},
  };
  {
    auto writer = db_->Writer();
    ASSERT_TRUE(writer);
    for (size_t k = 0; k < cases.size(); ++k) {
      const Case& c = cases[k];
      std::vector<Value> params = {static_cast<int64_t>(k), c.i, c.r, c.t, c.b};
      auto r = (*writer)->Execute("INSERT INTO v (id, i, r, t, b) VALUES (?, ?, ?, ?, ?)", params);
      ASSERT_TRUE(r) << r.error().ToString();
      EXPECT_EQ(*r, 1);
    }
  }
  auto reader = db_->Reader();
  ASSERT_TRUE(reader);
  auto rows = (*reader)->Query("SELECT id, i, r, t, b FROM v ORDER BY id");
  ASSERT_TRUE(rows) << rows.error().ToString();
  ASSERT_EQ(rows->size(), cases.size());
  for (size_t k = 0; k < cases.size(); ++k) {
    const Row& row = (*rows)[k];
    SCOPED_TRACE(k);
    EXPECT_EQ(row.GetInt64(0), static_cast<int64_t>(k));
    EXPECT_EQ(row[1], cases[k].i) << row[1].DebugString();
    EXPECT_EQ(row[2], cases[k].r) << row[2].DebugString();
    EXPECT_EQ(row[3], cases[k].t) << row[3].DebugString();
    EXPECT_EQ(row[4], cases[k].b) << row[4].DebugString();
    EXPECT_EQ(row.column_name(3), "t");
  }
  EXPECT_EQ((*rows)[0].GetText(3).size(), 12u);  // the embedded NUL survives
}

TEST_F(DatabaseTest, BadSqlIsAnErrorValue) {
  Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE)");
  auto writer = db_->Writer();
  ASSERT_TRUE(writer);
  Connection& conn = **writer;

  auto syntax = conn.Execute("SELEC id FROM t");
  ASSERT_FALSE(syntax);
  EXPECT_EQ(syntax.error().code, ErrorCode::kInternal);
  EXPECT_THAT(syntax.error().message, HasSubstr("syntax error"));
  EXPECT_THAT(syntax.error().message, HasSubstr("`SELEC id FROM t`"));

  auto missing = conn.Query("SELECT * FROM no_such_table WHERE id = ?", {1});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().message, HasSubstr("no such table: no_such_table"));

  auto count = conn.Execute("INSERT INTO t (id, email) VALUES (?, ?)", {1});
  ASSERT_FALSE(count);
  EXPECT_THAT(count.error().message, HasSubstr("2 `?` placeholder(s) but 1 parameter(s)"));

  auto named = conn.Execute("INSERT INTO t (id, email) VALUES (:id, ?)", {1, "x"});
  ASSERT_FALSE(named);
  EXPECT_THAT(named.error().message, HasSubstr("placeholder `:id`"));

  auto two = conn.Execute("DELETE FROM t; DELETE FROM t");
  ASSERT_FALSE(two);
  EXPECT_THAT(two.error().message, HasSubstr("more than one statement"));
  EXPECT_TRUE(conn.Execute("DELETE FROM t; -- trailing comment\n"));

  auto empty = conn.Execute("  -- nothing\n");
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message, HasSubstr("empty SQL"));

  // Double-quoted strings are identifiers, as in PostgreSQL.
  auto dqs = conn.Query("SELECT \"not a column\" FROM t");
  ASSERT_FALSE(dqs);
  EXPECT_THAT(dqs.error().message, HasSubstr("no such column"));

  ASSERT_TRUE(conn.Execute("INSERT INTO t (id, email) VALUES (?, ?)", {1, "a@b.c"}));
  auto dup = conn.Execute("INSERT INTO t (id, email) VALUES (?, ?)", {2, "a@b.c"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  EXPECT_THAT(dup.error().message, HasSubstr("UNIQUE constraint failed: t.email"));

  auto not_null = conn.Execute("INSERT INTO t (id, email) VALUES (?, ?)", {3, nullptr});
  ASSERT_FALSE(not_null);
  EXPECT_EQ(not_null.error().code, ErrorCode::kUnprocessable);

  // The connection is still usable after all of that.
  auto ok = conn.QueryOne("SELECT email FROM t WHERE id = ?", {1});
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)->GetText(0), "a@b.c");
}

TEST_F(DatabaseTest, ForeignKeysAreEnforced) {
  Exec("CREATE TABLE parent (id INTEGER PRIMARY KEY)");
  Exec(
      "CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES "
      "parent(id))");
  auto writer = db_->Writer();
  ASSERT_TRUE(writer);
  auto r = (*writer)->Execute("INSERT INTO child (id, parent_id) VALUES (?, ?)", {1, 99});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kUnprocessable);
  EXPECT_THAT(r.error().message, HasSubstr("FOREIGN KEY constraint failed"));
}

TEST_F(DatabaseTest, ConnectionsAreConfiguredForDurability) {
  auto writer = db_->Writer();
  ASSERT_TRUE(writer);
  auto mode = (*writer)->QueryOne("PRAGMA journal_mode");
  ASSERT_TRUE(mode);
  EXPECT_EQ((*mode)->GetText(0), "wal");
  auto sync = (*writer)->QueryOne("PRAGMA synchronous");
  ASSERT_TRUE(sync);
  EXPECT_EQ((*sync)->GetInt64(0), 2);  // FULL
  auto fk = (*writer)->QueryOne("PRAGMA foreign_keys");
  ASSERT_TRUE(fk);
  EXPECT_EQ((*fk)->GetInt64(0), 1);
  EXPECT_FALSE((*writer)->read_only());
  EXPECT_EQ(db_->backend(), "sqlite");
  EXPECT_THAT(db_->description(), HasSubstr("test.db"));
}

TEST_F(DatabaseTest, TransactionRollsBackOnDestruction) {
  Exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  {
    auto writer = db_->Writer();
    ASSERT_TRUE(writer);
    auto txn = Transaction::Begin(**writer);
    ASSERT_TRUE(txn) << txn.error().ToString();
    ASSERT_TRUE((*writer)->Execute("INSERT INTO t (id) VALUES (?)", {1}));
    EXPECT_TRUE((*writer)->InTransaction());
    // No Commit: `txn` goes out of scope.
  }
  EXPECT_EQ(CountRows("t"), 0);

  auto writer = db_->Writer();
  ASSERT_TRUE(writer);
  EXPECT_FALSE((*writer)->InTransaction());
  {
    auto txn = Transaction::Begin(**writer);
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*writer)->Execute("INSERT INTO t (id) VALUES (?)", {2}));
    ASSERT_TRUE(txn->Commit());
    EXPECT_FALSE(txn->active());
  }
  {
    auto txn = Transaction::Begin(**writer);
    ASSERT_TRUE(txn);
    ASSERT_TRUE((*writer)->Execute("INSERT INTO t (id) VALUES (?)", {3}));
    ASSERT_TRUE(txn->Rollback());
  }
  writer->Release();
  EXPECT_EQ(CountRows("t"), 1);
}

TEST_F(DatabaseTest, TransactionsDoNotNest) {
  auto writer = db_->Writer();
  ASSERT_TRUE(writer);
  auto outer = Transaction::Begin(**writer);
  ASSERT_TRUE(outer);
  auto inner = Transaction::Begin(**writer);
  ASSERT_FALSE(inner);
  EXPECT_THAT(inner.error().message, HasSubstr("SAVEPOINT"));
  EXPECT_TRUE(outer->Commit());
}

TEST_F(DatabaseTest, LeaseReturnRollsBackALeakedTransaction) {
  Exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  {
    auto writer = db_->Writer();
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->Execute("BEGIN"));
    ASSERT_TRUE((*writer)->Execute("INSERT INTO t (id) VALUES (1)"));
  }
  auto writer = db_->Writer();
  ASSERT_TRUE(writer);
  EXPECT_FALSE((*writer)->InTransaction());
  writer->Release();
  EXPECT_EQ(CountRows("t"), 0);
}

TEST_F(DatabaseTest, StatementCacheReusesPreparedStatements) {
  Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)");
  auto writer = db_->Writer();
  ASSERT_TRUE(writer);
  Connection& conn = **writer;
  const ConnectionStats before = conn.stats();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(conn.Execute("INSERT INTO t (id, n) VALUES (?, ?)", {i, i * 2}));
  }
  const ConnectionStats after = conn.stats();
  EXPECT_EQ(after.statements_prepared - before.statements_prepared, 1u);
  EXPECT_EQ(after.statement_cache_hits - before.statement_cache_hits, 99u);

  // A query issued from a row callback of the same SQL gets its own statement and both complete.
  int outer_rows = 0;
  int inner_rows = 0;
  const char* sql = "SELECT id FROM t WHERE id < ? ORDER BY id";
  Status s = conn.QueryEach(sql, {3}, [&](const Row&) -> Status {
    ++outer_rows;
    return conn.QueryEach(sql, {3}, [&](const Row&) {
      ++inner_rows;
      return Ok();
    });
  });
  ASSERT_TRUE(s) << s.error().ToString();
  EXPECT_EQ(outer_rows, 3);
  EXPECT_EQ(inner_rows, 9);
}

TEST(DatabaseCacheTest, SmallCacheEvictsLeastRecentlyUsed) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.statement_cache_size = 2;
  auto db = testing::OpenTestDatabase(dir, "cache.db", options);
  ASSERT_NE(db, nullptr);
  auto writer = db->Writer();
  ASSERT_TRUE(writer);
  Connection& conn = **writer;
  const auto prepared = [&] { return conn.stats().statements_prepared; };
  const uint64_t start = prepared();
  ASSERT_TRUE(conn.Query("SELECT 1"));
  ASSERT_TRUE(conn.Query("SELECT 2"));
  ASSERT_TRUE(conn.Query("SELECT 1"));  // hit; 2 is now least recently used
  ASSERT_TRUE(conn.Query("SELECT 3"));  // evicts 2
  EXPECT_EQ(prepared() - start, 3u);
  ASSERT_TRUE(conn.Query("SELECT 1"));  // still cached
  EXPECT_EQ(prepared() - start, 3u);
  ASSERT_TRUE(conn.Query("SELECT 2"));  // prepared again
  EXPECT_EQ(prepared() - start, 4u);
}

TEST_F(DatabaseTest, QueryFormsAndReturning) {
  Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  auto writer = db_->Writer();
  ASSERT_TRUE(writer);
  Connection& conn = **writer;

  auto inserted =
      conn.QueryOne("INSERT INTO t (id, name) VALUES (?, ?) RETURNING id, name", {10, "a"});
  ASSERT_TRUE(inserted) << inserted.error().ToString();
  ASSERT_TRUE(inserted->has_value());
  EXPECT_EQ((*inserted)->GetInt64(0), 10);
  EXPECT_EQ((*inserted)->GetText(1), "a");
  ASSERT_TRUE(conn.Execute("INSERT INTO t (name) VALUES (?)", {"b"}));
  auto last = conn.LastInsertId();
  ASSERT_TRUE(last);
  EXPECT_EQ(*last, 11);

  // Upsert in the portable form.
  ASSERT_TRUE(conn.Execute(
      "INSERT INTO t (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
      {10, "a2"}));

  auto none = conn.QueryOne("SELECT name FROM t WHERE id = ?", {999});
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());

  std::vector<std::string> names;
  ASSERT_TRUE(conn.QueryEach("SELECT name FROM t ORDER BY id", {}, [&](const Row& row) {
    names.push_back(row.GetText(0));
    return Ok();
  }));
  EXPECT_EQ(names, (std::vector<std::string>{"a2", "b"}));

  // A callback error stops the query and comes back unchanged.
  int calls = 0;
  Status stopped = conn.QueryEach("SELECT name FROM t ORDER BY id", {}, [&](const Row&) -> Status {
    ++calls;
    return Error::NotFound("stop here");
  });
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(calls, 1);

  ASSERT_TRUE(
      conn.ExecuteScript("CREATE TABLE a (x INTEGER); CREATE TABLE b (y INTEGER);\n"
                         "INSERT INTO a VALUES (1); -- comment\n"));
  auto script_error = conn.ExecuteScript("INSERT INTO a VALUES (2); INSERT INTO nope VALUES (3);");
  ASSERT_FALSE(script_error);
  EXPECT_THAT(script_error.error().message, HasSubstr("no such table: nope"));
  EXPECT_THAT(script_error.error().message, HasSubstr("INSERT INTO nope"));
}

TEST_F(DatabaseTest, ReadersCannotWrite) {
  Exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  auto reader = db_->Reader();
  ASSERT_TRUE(reader);
  EXPECT_TRUE((*reader)->read_only());
  auto r = (*reader)->Execute("INSERT INTO t (id) VALUES (1)");
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("readonly"));
}

TEST_F(DatabaseTest, PoolTimesOutWithUnavailable) {
  auto held = db_->Writer();
  ASSERT_TRUE(held);
  auto second = db_->Writer(std::chrono::milliseconds(20));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(second.error().message, HasSubstr("writer connection"));
  held->Release();
  EXPECT_TRUE(db_->Writer(std::chrono::milliseconds(20)));
}

TEST_F(DatabaseTest, PingAnswers) {
  EXPECT_TRUE(db_->Ping(std::chrono::milliseconds(500)));
  // With every reader taken, Ping reports unavailable instead of hanging.
  std::vector<ConnectionLease> readers;
  for (int i = 0; i < DatabaseOptions{}.reader_connections; ++i) {
    auto r = db_->Reader();
    ASSERT_TRUE(r);
    readers.push_back(std::move(*r));
  }
  Status busy = db_->Ping(std::chrono::milliseconds(20));
  ASSERT_FALSE(busy);
  EXPECT_EQ(busy.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(busy.error().message, HasSubstr("database not ready"));
}

// WAL: a reader's transaction keeps its snapshot while the writer commits, and neither blocks the
// other.
TEST_F(DatabaseTest, ReaderSnapshotIsStableWhileWriterCommits) {
  Exec("CREATE TABLE t (id INTEGER PRIMARY KEY)");
  Exec("INSERT INTO t (id) VALUES (1)");
  auto reader = db_->Reader();
  ASSERT_TRUE(reader);
  auto read_txn = Transaction::Begin(**reader);
  ASSERT_TRUE(read_txn);
  auto count = [&] { return (*(*reader)->QueryOne("SELECT count(*) FROM t"))->GetInt64(0); };
  EXPECT_EQ(count(), 1);
  Exec("INSERT INTO t (id) VALUES (2)");  // commits while the read transaction is open
  EXPECT_EQ(count(), 1);                  // same snapshot
  ASSERT_TRUE(read_txn->Commit());
  EXPECT_EQ(count(), 2);
}

TEST_F(DatabaseTest, ConcurrentReadersWhileWriterWrites) {
  Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, payload TEXT NOT NULL)");
  constexpr int kBatches = 200;
  constexpr int kRowsPerBatch = 20;
  std::atomic<bool> writer_done{false};
  std::atomic<int> reader_errors{0};
  std::atomic<int64_t> reads{0};

  std::thread writer_thread([&] {
    for (int b = 0; b < kBatches; ++b) {
      auto writer = db_->Writer();
      if (!writer) {
        ADD_FAILURE() << writer.error().ToString();
        break;
      }
      auto txn = Transaction::Begin(**writer);
      ASSERT_TRUE(txn);
      for (int i = 0; i < kRowsPerBatch; ++i) {
        auto r = (*writer)->Execute("INSERT INTO t (id, payload) VALUES (?, ?)",
                                    {b * kRowsPerBatch + i, "row"});
        ASSERT_TRUE(r) << r.error().ToString();
      }
      ASSERT_TRUE(txn->Commit());
    }
    writer_done = true;
  });

  std::vector<std::thread> readers;
  for (int k = 0; k < 4; ++k) {
    readers.emplace_back([&] {
      int64_t last = 0;
      while (!writer_done) {
        auto reader = db_->Reader();
        if (!reader) {
          ++reader_errors;
          continue;
        }
        auto row = (*reader)->QueryOne("SELECT count(*), coalesce(max(id), -1) FROM t");
        if (!row) {
          ADD_FAILURE() << row.error().ToString();
          ++reader_errors;
          continue;
        }
        const int64_t n = (*row)->GetInt64(0);
        // Whole batches only (each commit is atomic) and never going backwards.
        EXPECT_EQ(n % kRowsPerBatch, 0);
        EXPECT_EQ((*row)->GetInt64(1), n - 1);
        EXPECT_GE(n, last);
        last = n;
        ++reads;
      }
    });
  }
  writer_thread.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(reader_errors.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(CountRows("t"), kBatches * kRowsPerBatch);
}

}  // namespace
}  // namespace starling::db
