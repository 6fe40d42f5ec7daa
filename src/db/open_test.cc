#include "db/open.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "db/test_util.h"

namespace starling::db {
namespace {

using ::testing::HasSubstr;

TEST(OpenDatabaseTest, SqliteCreatesMissingParentDirectories) {
  testing::TempDir dir;
  const auto file = dir.path() / "a" / "b" / "starling.db";
  auto db = OpenDatabase("sqlite:" + file.string(), {});
  ASSERT_TRUE(db) << db.error().ToString();
  EXPECT_EQ((*db)->backend(), "sqlite");
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_TRUE((*db)->Ping(std::chrono::milliseconds(500)));
}

TEST(OpenDatabaseTest, SqliteTripleSlashIsAnAbsolutePath) {
  testing::TempDir dir;
  const auto file = dir.path() / "x.db";
  ASSERT_TRUE(file.is_absolute());
  auto db = OpenDatabase("sqlite://" + file.string(), {});
  ASSERT_TRUE(db) << db.error().ToString();
  EXPECT_EQ((*db)->description(), file.string());
}

TEST(OpenDatabaseTest, PostgresIsRecognisedButNotYetSupported) {
  for (const char* url :
       {"postgres://starling:secret@db.example/starling", "postgresql://localhost/starling"}) {
    auto db = OpenDatabase(url, {});
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument);
    EXPECT_THAT(db.error().message, HasSubstr("not yet supported in this build"));
    EXPECT_THAT(db.error().message, ::testing::Not(HasSubstr("secret")));
    EXPECT_EQ(db.error().field, "database_url");
  }
}

TEST(OpenDatabaseTest, UnknownSchemeNamesTheAcceptedForms) {
  auto db = OpenDatabase("mysql://localhost/x", {});
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(db.error().message, HasSubstr("`sqlite:<path>`"));
  EXPECT_THAT(db.error().message, HasSubstr("postgres://"));
  EXPECT_FALSE(OpenDatabase("data/starling.db", {}));
}

TEST(OpenDatabaseTest, SqliteNeedsAFilePath) {
  auto empty = OpenDatabase("sqlite:", {});
  ASSERT_FALSE(empty);
  EXPECT_THAT(empty.error().message, HasSubstr("no file path"));
  auto memory = OpenDatabase("sqlite::memory:", {});
  ASSERT_FALSE(memory);
  EXPECT_THAT(memory.error().message, HasSubstr("in-memory"));
}

TEST(OpenDatabaseTest, BadOptionsAndUnwritableLocationsAreErrors) {
  testing::TempDir dir;
  DatabaseOptions options;
  options.reader_connections = 0;
  auto no_readers = OpenDatabase("sqlite:" + (dir.path() / "x.db").string(), options);
  ASSERT_FALSE(no_readers);
  EXPECT_EQ(no_readers.error().field, "reader_connections");

  // A regular file where a directory should be.
  const auto blocker = dir.path() / "file";
  { std::ofstream(blocker) << "x"; }
  auto bad_dir = OpenDatabase("sqlite:" + (blocker / "sub" / "x.db").string(), {});
  ASSERT_FALSE(bad_dir);
  EXPECT_THAT(bad_dir.error().message, HasSubstr("cannot create the directory"));
}

}  // namespace
}  // namespace starling::db
