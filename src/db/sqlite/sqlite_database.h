// SQLite backend of Database: one file, one writer connection, a small pool of read-only
// connections.
//
// Every connection is opened with:
//   - journal_mode=WAL: readers never block the writer and the writer never blocks readers; each
//     read transaction sees a consistent snapshot.
//   - synchronous=FULL: the WAL is fsynced at every COMMIT, so a write whose commit returned
//     survives a kill -9 and a power loss (NORMAL would only survive the former). Measure before
//     relaxing this.
//   - readers: mmap_size=1GiB (reads through a memory map, not a read() per page).
//   - foreign_keys=ON, a busy timeout (DatabaseOptions::busy_timeout) for locks held by another
//     process (`starling migrate` while serving), extended result codes.
//   - readers: query_only=ON, so a write through a reader fails instead of racing the writer.
//   - no automatic checkpoint on the writer: a background thread with its own connection copies the
//     WAL into the file (PASSIVE checkpoints), so COMMITs never wait for it.
// Each connection caches its prepared statements by SQL text (LRU,
// DatabaseOptions::statement_cache_size).
//
// The sqlite3 C API is only included by sqlite_database.cc.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "base/result.h"
#include "db/database.h"

namespace starling::db {

class WalCheckpointer;

class SqliteDatabase final : public Database {
 public:
  // Opens (creating if missing) the database file at `path`; its parent directories must exist
  // (OpenDatabase in db/open.h creates them). Fails with a message naming the path and SQLite's
  // reason.
  static Result<std::unique_ptr<SqliteDatabase>> Open(const std::filesystem::path& path,
                                                      const DatabaseOptions& options);
  ~SqliteDatabase() override;

  Result<ConnectionLease> Writer() override;
  Result<ConnectionLease> Writer(std::chrono::milliseconds timeout) override;
  Result<ConnectionLease> Reader() override;
  Result<ConnectionLease> Reader(std::chrono::milliseconds timeout) override;
  Status Ping(std::chrono::milliseconds timeout) override;
  std::string_view backend() const override { return "sqlite"; }
  std::string description() const override { return path_.string(); }

  const std::filesystem::path& path() const { return path_; }

 private:
  SqliteDatabase(std::filesystem::path path, DatabaseOptions options,
                 std::unique_ptr<ConnectionPool> writer, std::unique_ptr<ConnectionPool> readers,
                 std::unique_ptr<WalCheckpointer> checkpointer);

  const std::filesystem::path path_;
  const DatabaseOptions options_;
  std::unique_ptr<ConnectionPool> writer_;   // exactly one connection
  std::unique_ptr<ConnectionPool> readers_;  // options_.reader_connections connections
  std::unique_ptr<WalCheckpointer> checkpointer_;  // copies the WAL into the file off the writer's path
};

}  // namespace starling::db
