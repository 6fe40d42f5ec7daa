// The account model: users, organizations, stores, members, API keys, excluded IPs, audit entries, and
// the roles and scopes that decide who may do what. Plain values; the Accounts service (accounts.h)
// reads and writes them. Times are ISO 8601 UTC text (base/clock.h), as stored.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/json.h"
#include "base/result.h"

namespace starling::accounts {

// ---- Roles -------------------------------------------------------------------------------------------

// A member's role in one store. Ordered: a higher role may do everything a lower one may.
enum class StoreRole { kMarketer = 1, kAdministrator = 2 };
// A member's role in an organization. Owners and administrators are administrators of every store of
// the organization.
enum class OrgRole { kMember = 1, kAdministrator = 2, kOwner = 3 };

std::string_view RoleName(StoreRole role);  // "marketer", "administrator"
std::string_view RoleName(OrgRole role);    // "member", "administrator", "owner"
// `field` names the request field in the error ("role").
Result<StoreRole> ParseStoreRole(std::string_view text, std::string_view field = "role");
Result<OrgRole> ParseOrgRole(std::string_view text, std::string_view field = "role");

// ---- API key scopes -------------------------------------------------------------------------------------

// The resources an API key can be granted, each with `read` and `write` (write implies read).
inline constexpr std::array<std::string_view, 10> kScopeResources = {
    "contacts", "products", "purchases", "coupons", "events",
    "imports",  "exports",  "segments",  "workflows", "analytics"};

enum class Access { kRead, kWrite };

class ScopeSet final {
 public:
  ScopeSet() = default;
  static ScopeSet All();
  // Parses request items: "contacts:read", "contacts:write", or "all". Errors name `field` and the bad
  // item. An empty list is an error (a key that can do nothing is a mistake).
  static Result<ScopeSet> Parse(std::span<const std::string> items, std::string_view field = "scopes");
  // The stored form ("contacts:read contacts:write …"); unknown items are ignored.
  static ScopeSet FromStorage(std::string_view text);

  // `resource` must be one of kScopeResources (CHECK).
  bool Allows(std::string_view resource, Access access) const;
  void Grant(std::string_view resource, Access access);
  bool IsAll() const;
  bool empty() const { return bits_ == 0; }
  // Every granted scope, in kScopeResources order: "contacts:read", "contacts:write", … (write implies
  // read, so a write grant lists both).
  std::vector<std::string> Names() const;
  std::string ToStorage() const;
  friend bool operator==(const ScopeSet&, const ScopeSet&) = default;

 private:
  static size_t Bit(std::string_view resource, Access access);
  uint32_t bits_ = 0;
};

// ---- Values -------------------------------------------------------------------------------------------

struct Address {
  std::string line1, line2, postal_code, city, region, country;
  friend bool operator==(const Address&, const Address&) = default;
};

// Who did something, as recorded in the audit log and in `created_by` columns.
struct Actor {
  std::string type;   // "user", "api_key", "cli", "system"
  std::string id;     // user id or key id; empty for cli/system
  std::string label;  // email or key name at the time
  int64_t user_id = 0;  // for type "user"; 0 otherwise

  static Actor ForUser(int64_t user_id, std::string email);
  static Actor ForApiKey(std::string key_id, std::string name);
  static Actor Cli() { return {"cli", "", "command line", 0}; }
  static Actor System() { return {"system", "", "Starling", 0}; }
};

// A reference to the user who created something (null user when that user was deleted).
struct UserRef {
  int64_t id = 0;  // 0: unknown or deleted
  std::string email;
};

struct User {
  int64_t id = 0;
  std::string email;
  std::string name;
  bool has_password = false;
  std::string created_at;
};

struct Organization {
  int64_t id = 0;
  std::string name;
  std::string logo_url;
  Address address;
  std::string created_at, updated_at;
};

// Options of the tracking script (docs/integration.md §1).
struct ScriptOptions {
  std::vector<std::string> include_urls;  // glob patterns; empty: every page
  std::vector<std::string> exclude_urls;
  double sampling = 1.0;                  // 0…1
  friend bool operator==(const ScriptOptions&, const ScriptOptions&) = default;
};

// {"include_urls":[…],"exclude_urls":[…],"sampling":1}: the stored form and the API's.
json::object ScriptOptionsJson(const ScriptOptions& options);

struct StoreSettings {
  int64_t id = 0;
  int64_t organization_id = 0;
  std::string name, site_url, logo_url;
  std::string language = "en";   // ISO 639-1
  std::string time_zone = "UTC";  // IANA
  std::string currency = "EUR";  // ISO 4217
  Address address;
  std::string legal_info;
  std::string integration_type = "custom";  // module | custom | api
  int64_t cart_abandonment_minutes = 30;
  std::vector<std::string> authorized_domains;
  ScriptOptions script_options;
  std::string tracking_token;
  std::string created_at, updated_at;
};

// Fields a caller may change; unset fields stay as they are.
struct StorePatch {
  std::optional<std::string> name, site_url, logo_url, language, time_zone, currency, legal_info,
      integration_type;
  std::optional<Address> address;
  std::optional<int64_t> cart_abandonment_minutes;
  std::optional<std::vector<std::string>> authorized_domains;
  std::optional<ScriptOptions> script_options;
};

struct OrganizationPatch {
  std::optional<std::string> name, logo_url;
  std::optional<Address> address;
};

// A member of a store or organization, or a pending invitation to become one.
struct Member {
  int64_t user_id = 0;        // 0 for a pending invitation
  int64_t invitation_id = 0;  // set for a pending invitation
  std::string email, name;
  std::string role;    // role name (store or organization role)
  std::string status;  // "active" | "invited"
  std::string created_at;
  std::string expires_at;      // invitations only
  std::string invitation_url;  // only right after the invitation was created
};

struct ApiKey {
  std::string id;
  int64_t store_id = 0;
  std::string name;
  ScopeSet scopes;
  UserRef created_by;
  std::string created_at;
  std::optional<std::string> last_used_at, revoked_at;
};

struct ExcludedIp {
  int64_t id = 0;
  std::string ip;  // canonical CIDR text
  std::string label;
  UserRef created_by;
  std::string created_at;
};

struct AuditEntry {
  int64_t id = 0;
  std::string at;
  std::string actor_type, actor_id, actor_label;
  std::string action, target;
  std::string details_json;  // a JSON object
};

struct AuditPage {
  std::vector<AuditEntry> entries;
  std::optional<int64_t> next_cursor;  // pass back as `cursor` for the next (older) page
};

// What the UI needs after sign-in: the organizations and stores the user can open, with roles.
struct SessionStore {
  int64_t id = 0;
  std::string name;
  StoreRole role = StoreRole::kMarketer;  // effective role
};
struct SessionOrganization {
  int64_t id = 0;
  std::string name;
  std::optional<OrgRole> role;
  std::vector<SessionStore> stores;
};

}  // namespace starling::accounts
