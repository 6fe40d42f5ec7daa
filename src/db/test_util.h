// Test helpers for db/ tests: a temporary directory and a real SQLite database file inside it.
// Test-only (included by *_test.cc, never by library code).
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>

#include "db/database.h"
#include "db/open.h"

namespace starling::db::testing {

// A fresh directory under the test temp dir, removed with its contents on destruction.
class TempDir final {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::path(::testing::TempDir()) / "starling_db_XXXXXX").string();
    char* made = mkdtemp(pattern.data());
    if (made == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Opens `sqlite:<dir>/<name>`, failing the test on error.
inline std::unique_ptr<Database> OpenTestDatabase(const TempDir& dir,
                                                  const std::string& name = "test.db",
                                                  DatabaseOptions options = {}) {
  auto db = OpenDatabase("sqlite:" + (dir.path() / name).string(), options);
  EXPECT_TRUE(db) << (db ? "" : db.error().ToString());
  return db ? std::move(*db) : nullptr;
}

}  // namespace starling::db::testing
