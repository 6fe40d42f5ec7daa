// Schema migrations: numbered SQL files, src/db/migrations/NNNN_<name>.sql, compiled into the
// binary (the build embeds them; nothing is read from the source tree at run time) and applied in
// order at start.
//
// Rules for a migration file:
//   - Its number is its version: unique, never reused, never renumbered once released. Adding a
//     file is the only way to change the schema; an applied migration is never edited (add a new
//     one instead).
//   - Portable SQL (see db/database.h); no BEGIN/COMMIT: each file runs inside one transaction,
//     with its row in `schema_migrations`, so it applies entirely or not at all.
//   - Statements that cannot run inside a transaction (VACUUM, PRAGMA journal_mode) do not belong
//     here.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "db/database.h"

namespace starling::db {

struct Migration {
  int64_t version;             // 1 for 0001_init.sql
  std::string_view name;       // "init"
  std::string_view file_name;  // "0001_init.sql", for messages
  std::string_view sql;        // the file's contents
};

// The migrations built into this binary, in increasing version order. Static storage.
std::span<const Migration> BuiltinMigrations();

struct MigrationReport {
  int64_t version_before = 0;    // highest version applied before this run; 0 for a new database
  int64_t version_after = 0;     // highest version applied after it
  std::vector<int64_t> applied;  // versions this run applied, in order
};

// Applies the built-in migrations that the database lacks, each in its own transaction, recording
// (version, name, applied_at) in `schema_migrations`. Already-applied versions are skipped, so this
// is cheap to call at every start. Errors:
//   - the database has a version newer than this binary knows (it was used by a newer Starling):
//     kConflict, nothing is changed;
//   - a migration fails: that migration is rolled back (earlier ones stay applied) and the error
//     names its file and the database's message.
// Takes the writer connection for the duration. `clock` stamps applied_at.
Result<MigrationReport> Migrate(Database& db, const Clock& clock = SystemClock::Instance());

// Same, with an explicit list (tests inject their own). `migrations` must be in strictly increasing
// version order, versions >= 1 (CHECK).
Result<MigrationReport> ApplyMigrations(Database& db, std::span<const Migration> migrations,
                                        const Clock& clock = SystemClock::Instance());

}  // namespace starling::db
