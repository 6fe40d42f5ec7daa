#include "db/open.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "db/sqlite/sqlite_database.h"

namespace starling::db {
namespace {

constexpr std::string_view kAcceptedForms =
    "`sqlite:<path>` (e.g. `sqlite:data/starling.db`) or `postgres://user@host/dbname`";

// Without the password: what we may echo back in an error.
std::string RedactedUrl(std::string_view url) {
  size_t scheme_end = url.find("://");
  size_t at = url.find('@');
  if (scheme_end == std::string_view::npos || at == std::string_view::npos || at < scheme_end) {
    return std::string(url);
  }
  size_t colon = url.find(':', scheme_end + 3);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return fmt::format("{}:***{}", url.substr(0, colon), url.substr(at));
}

Result<std::unique_ptr<Database>> OpenSqlite(std::string_view url, std::string_view path_text,
                                             const DatabaseOptions& options) {
  if (path_text.empty()) {
    return Error::InvalidArgument(
        fmt::format("database URL `{}` has no file path; expected `sqlite:<path>`, e.g. "
                    "`sqlite:data/starling.db`",
                    url),
        "database_url");
  }
  if (path_text == ":memory:" || path_text.starts_with("file:")) {
    return Error::InvalidArgument(
        fmt::format(
            "database URL `{}`: only a file path is supported after `sqlite:` (in-memory and "
            "`file:` URIs are not), e.g. `sqlite:data/starling.db`",
            url),
        "database_url");
  }
  std::filesystem::path path(path_text);
  if (path.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    if (ec) {
      return Error::Unavailable(fmt::format("cannot create the directory `{}` for the database: {}",
                                            path.parent_path().string(), ec.message()));
    }
  }
  STARLING_ASSIGN_OR_RETURN(auto db, SqliteDatabase::Open(path, options));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace

Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                               const DatabaseOptions& options) {
  if (url.starts_with("sqlite:")) {
    std::string_view path = url.substr(7);
    if (path.starts_with("///")) path.remove_prefix(2);  // sqlite:///abs/path → /abs/path
    return OpenSqlite(url, path, options);
  }
  if (url.starts_with("postgres://") || url.starts_with("postgresql://")) {
    return Error::InvalidArgument(
        fmt::format("database URL `{}`: PostgreSQL is not yet supported in this build; use "
                    "`sqlite:<path>`",
                    RedactedUrl(url)),
        "database_url");
  }
  return Error::InvalidArgument(fmt::format("database URL `{}` is not recognised; expected {}",
                                            RedactedUrl(url), kAcceptedForms),
                                "database_url");
}

}  // namespace starling::db
