// JSON forms of the account model, as documented in docs/api-accounts.md, and the parsing of request
// bodies into patches. No logic: shapes only.
#pragma once

#include "accounts/accounts.h"
#include "accounts/model.h"
#include "base/json.h"
#include "http/request.h"

namespace starling::api {

// The request body as a JSON object. Empty body or other JSON → 400; a Content-Type other than JSON
// → 415.
Result<json::object> ParseBody(const http::Request& request);

json::object UserJson(const accounts::User& user);
json::object AddressJson(const accounts::Address& address);
json::object OrganizationJson(const accounts::Organization& org, std::optional<accounts::OrgRole> role);
json::object StoreJson(const accounts::StoreSettings& store, std::optional<accounts::StoreRole> role);
json::object StoreSettingsJson(const accounts::StoreSettings& store);
json::object MemberJson(const accounts::Member& member);
json::object ApiKeyJson(const accounts::ApiKey& key);
json::object ExcludedIpJson(const accounts::ExcludedIp& ip);
json::object AuditPageJson(const accounts::AuditPage& page);
json::object SessionJson(const accounts::Principal& principal,
                         const std::vector<accounts::SessionOrganization>& organizations);
json::object InvitationJson(const accounts::InvitationPreview& invitation);

// Fields of StoreSettings a request may set (store creation and PATCH …/settings).
Result<accounts::StorePatch> ParseStorePatch(const json::object& body);
Result<accounts::OrganizationPatch> ParseOrganizationPatch(const json::object& body);

// `?limit=&cursor=` of paginated lists: limit 1…200 (default 50), cursor a previous `next_cursor`.
struct PageRequest {
  int limit = 50;
  std::optional<int64_t> cursor;
};
Result<PageRequest> ParsePageRequest(const http::Request& request);

}  // namespace starling::api
