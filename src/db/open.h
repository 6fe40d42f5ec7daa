// OpenDatabase: picks the backend from a URL. The one place that knows which backends this build
// has.
#pragma once

#include <memory>
#include <string_view>

#include "base/result.h"
#include "db/database.h"

namespace starling::db {

// Accepted forms:
//   sqlite:<path>        e.g. `sqlite:data/starling.db` (relative to the working directory) or
//                        `sqlite:/var/lib/starling/starling.db`; `sqlite:///abs/path` works too.
//                        Missing parent directories are created.
//   postgres://… / postgresql://…  recognised, refused in this build ("not yet supported").
// Anything else is refused with an error naming the accepted forms (field "database_url").
// Does not run migrations: call Migrate (db/migrations.h) next.
Result<std::unique_ptr<Database>> OpenDatabase(std::string_view url,
                                               const DatabaseOptions& options);

}  // namespace starling::db
