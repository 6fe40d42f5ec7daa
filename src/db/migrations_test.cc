#include "db/migrations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/clock.h"
#include "db/test_util.h"

namespace starling::db {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

bool TableExists(Database& db, std::string_view table) {
  auto reader = db.Reader();
  EXPECT_TRUE(reader);
  auto row =
      (*reader)->QueryOne("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?", {table});
  EXPECT_TRUE(row) << row.error().ToString();
  return row && row->has_value();
}

std::vector<int64_t> AppliedVersions(Database& db) {
  auto reader = db.Reader();
  EXPECT_TRUE(reader);
  auto rows = (*reader)->Query("SELECT version FROM schema_migrations ORDER BY version");
  EXPECT_TRUE(rows) << rows.error().ToString();
  std::vector<int64_t> out;
  for (const Row& row : *rows) out.push_back(row.GetInt64(0));
  return out;
}

TEST(MigrationsTest, BuiltinMigrationsAreEmbeddedInOrder) {
  auto builtin = BuiltinMigrations();
  ASSERT_FALSE(builtin.empty());
  EXPECT_EQ(builtin[0].version, 1);
  EXPECT_EQ(builtin[0].name, "init");
  EXPECT_EQ(builtin[0].file_name, "0001_init.sql");
  EXPECT_THAT(std::string(builtin[0].sql), HasSubstr("CREATE TABLE kv_meta"));
  for (size_t i = 1; i < builtin.size(); ++i) EXPECT_LT(builtin[i - 1].version, builtin[i].version);
}

TEST(MigrationsTest, AppliesEverythingOnAnEmptyDatabase) {
  testing::TempDir dir;
  auto db = testing::OpenTestDatabase(dir);
  FakeClock clock(TimePoint(std::chrono::milliseconds(1'700'000'000'123)));
  auto report = Migrate(*db, clock);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(report->version_before, 0);
  EXPECT_EQ(report->version_after, BuiltinMigrations().back().version);
  EXPECT_EQ(report->applied.size(), BuiltinMigrations().size());
  EXPECT_TRUE(TableExists(*db, "kv_meta"));

  auto reader = db->Reader();
  ASSERT_TRUE(reader);
  auto row =
      (*reader)->QueryOne("SELECT name, applied_at FROM schema_migrations WHERE version = 1");
  ASSERT_TRUE(row);
  ASSERT_TRUE(row->has_value());
  EXPECT_EQ((*row)->GetText(0), "init");
  EXPECT_EQ((*row)->GetText(1), "2023-11-14T22:13:20.123Z");
}

TEST(MigrationsTest, IdempotentOnReopen) {
  testing::TempDir dir;
  {
    auto db = testing::OpenTestDatabase(dir);
    ASSERT_TRUE(Migrate(*db));
    auto writer = db->Writer();
    ASSERT_TRUE(writer);
    ASSERT_TRUE((*writer)->Execute("INSERT INTO kv_meta (key, value) VALUES (?, ?)",
                                   {"installation_id", "abc"}));
  }
  auto db = testing::OpenTestDatabase(dir);
  auto report = Migrate(*db);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_THAT(report->applied, IsEmpty());
  EXPECT_EQ(report->version_before, BuiltinMigrations().back().version);
  auto reader = db->Reader();
  ASSERT_TRUE(reader);
  auto row = (*reader)->QueryOne("SELECT value FROM kv_meta WHERE key = ?", {"installation_id"});
  ASSERT_TRUE(row);
  EXPECT_EQ((*row)->GetText(0), "abc");  // data kept
}

const Migration kOne{1, "one", "0001_one.sql", "CREATE TABLE one (id INTEGER PRIMARY KEY);"};
const Migration kTwo{
    2, "two", "0002_two.sql",
    "CREATE TABLE two (id INTEGER PRIMARY KEY);\nINSERT INTO two (id) VALUES (1);"};
const Migration kThree{3, "three", "0003_three.sql",
                       "CREATE TABLE three (id INTEGER PRIMARY KEY);"};

TEST(MigrationsTest, RefusesADatabaseNewerThanTheBinary) {
  testing::TempDir dir;
  auto db = testing::OpenTestDatabase(dir);
  const Migration newer[] = {kOne, kTwo, kThree};
  ASSERT_TRUE(ApplyMigrations(*db, newer));

  const Migration older[] = {kOne, kTwo};
  auto report = ApplyMigrations(*db, older);
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().code, ErrorCode::kConflict);
  EXPECT_THAT(report.error().message, HasSubstr("schema version 3 (`three`)"));
  EXPECT_THAT(report.error().message, HasSubstr("up to 2, `0002_two.sql`"));
  EXPECT_THAT(report.error().message, HasSubstr("newer release"));
  EXPECT_THAT(AppliedVersions(*db), ElementsAre(1, 2, 3));
}

TEST(MigrationsTest, FailingMigrationRollsBackAndNamesTheFile) {
  testing::TempDir dir;
  auto db = testing::OpenTestDatabase(dir);
  const Migration bad{2, "bad", "0002_bad.sql",
                      "CREATE TABLE two (id INTEGER PRIMARY KEY);\n"
                      "INSERT INTO two (id) VALUES (1);\n"
                      "INSERT INTO missing_table (id) VALUES (1);\n"};
  const Migration with_bad[] = {kOne, bad, kThree};
  auto report = ApplyMigrations(*db, with_bad);
  ASSERT_FALSE(report);
  EXPECT_THAT(report.error().message,
              HasSubstr("migration `0002_bad.sql` failed and was rolled back"));
  EXPECT_THAT(report.error().message, HasSubstr("no such table: missing_table"));
  EXPECT_THAT(report.error().message, HasSubstr("INSERT INTO missing_table"));
  EXPECT_TRUE(TableExists(*db, "one"));     // earlier migration stays
  EXPECT_FALSE(TableExists(*db, "two"));    // nothing of the failed one
  EXPECT_FALSE(TableExists(*db, "three"));  // later ones not attempted
  EXPECT_THAT(AppliedVersions(*db), ElementsAre(1));

  // Fixed in the next build: it applies from where it stopped.
  const Migration fixed[] = {kOne, kTwo, kThree};
  auto retry = ApplyMigrations(*db, fixed);
  ASSERT_TRUE(retry) << retry.error().ToString();
  EXPECT_THAT(retry->applied, ElementsAre(2, 3));
  EXPECT_THAT(AppliedVersions(*db), ElementsAre(1, 2, 3));
}

TEST(MigrationsTest, MigrationMustNotEndItsOwnTransaction) {
  testing::TempDir dir;
  auto db = testing::OpenTestDatabase(dir);
  const Migration commits{1, "commits", "0001_commits.sql",
                          "CREATE TABLE x (id INTEGER PRIMARY KEY); COMMIT;"};
  auto report = ApplyMigrations(*db, std::span(&commits, 1));
  ASSERT_FALSE(report);
  EXPECT_THAT(report.error().message, HasSubstr("remove BEGIN/COMMIT/ROLLBACK"));
}

TEST(MigrationsTest, AppliesAMissingOlderVersion) {
  // A migration merged from another branch with a lower number than one already applied.
  testing::TempDir dir;
  auto db = testing::OpenTestDatabase(dir);
  const Migration first_release[] = {kOne, kThree};
  ASSERT_TRUE(ApplyMigrations(*db, first_release));
  const Migration second_release[] = {kOne, kTwo, kThree};
  auto report = ApplyMigrations(*db, second_release);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_THAT(report->applied, ElementsAre(2));
  EXPECT_TRUE(TableExists(*db, "two"));
}

}  // namespace
}  // namespace starling::db
