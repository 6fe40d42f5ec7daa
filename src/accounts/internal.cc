#include "accounts/internal.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace starling::accounts::internal {

Result<int64_t> NextId(db::Connection& conn, std::string_view table) {
  // `table` is one of ours, never user input.
  std::string sql = fmt::format("SELECT COALESCE(MAX(id), 0) + 1 FROM {}", table);
  STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne(sql));
  return row->GetInt64(0);
}

Status WriteAudit(db::Connection& conn, const Actor& actor, const AuditRecord& record,
                  std::string_view now) {
  STARLING_ASSIGN_OR_RETURN(int64_t id, NextId(conn, "audit_log"));
  STARLING_TRY(conn.Execute(
      "INSERT INTO audit_log (id, organization_id, store_id, actor_type, actor_id, actor_label, "
      "action, target, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      {id, record.organization_id, record.store_id, actor.type, actor.id, actor.label, record.action,
       record.target, json::serialize(record.details), now}));
  return Ok();
}

std::string AddressToJson(const Address& a) {
  return json::serialize(json::object{{"line1", a.line1},
                                      {"line2", a.line2},
                                      {"postal_code", a.postal_code},
                                      {"city", a.city},
                                      {"region", a.region},
                                      {"country", a.country}});
}

Address AddressFromJson(std::string_view text) {
  Address address;
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  if (ec || !value.is_object()) return address;
  const json::object& o = value.as_object();
  auto get = [&](std::string_view key) -> std::string {
    auto it = o.find(key);
    return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
  };
  address.line1 = get("line1");
  address.line2 = get("line2");
  address.postal_code = get("postal_code");
  address.city = get("city");
  address.region = get("region");
  address.country = get("country");
  return address;
}

db::Value CreatedBy(const Actor& actor) {
  if (actor.type == "user" && actor.user_id > 0) return actor.user_id;
  return nullptr;
}

Error NotFound(std::string_view what, std::string_view id) {
  return Error::NotFound(fmt::format("{} {} does not exist", what, id));
}

}  // namespace starling::accounts::internal
