#include "db/migrations.h"

#include <fmt/format.h>

#include <chrono>
#include <ctime>

#include "base/check.h"

namespace starling::db {
namespace {

Error MigrationError(const Migration& m, std::string_view what, const Error& cause) {
  return Error{
      cause.code == ErrorCode::kUnavailable ? ErrorCode::kUnavailable : ErrorCode::kInternal,
      fmt::format("migration `{}` {}: {}", m.file_name, what, cause.message),
      {}};
}

// Applies one migration in its own transaction, unless it is already recorded. Returns whether it
// ran.
Result<bool> ApplyOne(Connection& conn, const Migration& m, const Clock& clock) {
  auto txn = Transaction::Begin(conn);
  if (!txn) return MigrationError(m, "could not start", txn.error());
  // Checked inside the transaction (which holds the write lock) so two processes starting at once
  // do not both apply it.
  auto existing =
      conn.QueryOne("SELECT version FROM schema_migrations WHERE version = ?", {m.version});
  if (!existing) return MigrationError(m, "could not be checked", existing.error());
  if (*existing) return false;  // `txn` rolls back its empty transaction

  if (Status s = conn.ExecuteScript(m.sql); !s) {
    return MigrationError(m, "failed and was rolled back", s.error());
  }
  if (!conn.InTransaction()) {
    return Error::Internal(
        fmt::format("migration `{}` ended its own transaction: remove BEGIN/COMMIT/ROLLBACK from "
                    "the file (each "
                    "migration already runs in one transaction)",
                    m.file_name));
  }
  auto recorded =
      conn.Execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                   {m.version, m.name, FormatIsoUtc(clock.Now())});
  if (!recorded) return MigrationError(m, "could not be recorded", recorded.error());
  if (Status s = txn->Commit(); !s) return MigrationError(m, "could not be committed", s.error());
  return true;
}

}  // namespace

Result<MigrationReport> ApplyMigrations(Database& db, std::span<const Migration> migrations,
                                        const Clock& clock) {
  for (size_t i = 0; i < migrations.size(); ++i) {
    CHECK(migrations[i].version >= 1) << migrations[i].file_name;
    CHECK(i == 0 || migrations[i - 1].version < migrations[i].version)
        << "migrations out of order: " << migrations[i - 1].file_name << ", "
        << migrations[i].file_name;
  }
  STARLING_ASSIGN_OR_RETURN(ConnectionLease writer, db.Writer());
  Connection& conn = *writer;

  STARLING_TRY(
      conn.Execute("CREATE TABLE IF NOT EXISTS schema_migrations ("
                   "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"));

  MigrationReport report;
  STARLING_ASSIGN_OR_RETURN(
      auto newest,
      conn.QueryOne("SELECT version, name FROM schema_migrations ORDER BY version DESC LIMIT 1"));
  if (newest) report.version_before = newest->GetInt64(0);

  const int64_t known = migrations.empty() ? 0 : migrations.back().version;
  if (report.version_before > known) {
    return Error::Conflict(fmt::format(
        "the database `{}` is at schema version {} (`{}`), newer than this Starling binary knows "
        "(up to {}{}): it was last used by a newer release. Run that release or a newer one, or "
        "restore a backup taken before the upgrade",
        db.description(), report.version_before, newest->GetText(1), known,
        migrations.empty() ? std::string() : fmt::format(", `{}`", migrations.back().file_name)));
  }

  for (const Migration& m : migrations) {
    STARLING_ASSIGN_OR_RETURN(bool ran, ApplyOne(conn, m, clock));
    if (ran) report.applied.push_back(m.version);
  }
  report.version_after = std::max(report.version_before, known);
  return report;
}

Result<MigrationReport> Migrate(Database& db, const Clock& clock) {
  return ApplyMigrations(db, BuiltinMigrations(), clock);
}

}  // namespace starling::db
