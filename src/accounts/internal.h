// Helpers shared by the accounts/*.cc files. Not part of the module's interface.
#pragma once

#include <string>
#include <string_view>

#include "accounts/model.h"
#include "base/json.h"
#include "base/result.h"
#include "db/database.h"

namespace starling::accounts::internal {

// The next id of `table` (MAX(id) + 1). Call inside the write transaction that inserts it: the single
// writer makes it unique.
Result<int64_t> NextId(db::Connection& conn, std::string_view table);

struct AuditRecord {
  std::optional<int64_t> organization_id;
  std::optional<int64_t> store_id;
  std::string action;
  std::string target;
  json::object details;
};
Status WriteAudit(db::Connection& conn, const Actor& actor, const AuditRecord& record,
                  std::string_view now);

std::string AddressToJson(const Address& address);
Address AddressFromJson(std::string_view text);

// The created_by user id column value for an actor: the user's id, or NULL.
db::Value CreatedBy(const Actor& actor);

// kNotFound with a message naming the thing: NotFound("store", 42) → "store 42 does not exist".
Error NotFound(std::string_view what, std::string_view id);

}  // namespace starling::accounts::internal
