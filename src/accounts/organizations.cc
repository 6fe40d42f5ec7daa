// Organizations and stores: details, settings, authorized domains, tracking tokens, effective roles.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include "accounts/accounts.h"
#include "accounts/internal.h"
#include "accounts/validation.h"

namespace starling::accounts {

using internal::AuditRecord;
using internal::NextId;
using internal::WriteAudit;

namespace {

Result<Address> ValidateAddress(const Address& in, std::string_view field) {
  Address out;
  auto check = [&](const std::string& value, std::string_view name, std::string& dest) -> Status {
    STARLING_ASSIGN_OR_RETURN(dest, ValidateText(value, fmt::format("{}.{}", field, name), 200));
    return Ok();
  };
  STARLING_TRY(check(in.line1, "line1", out.line1));
  STARLING_TRY(check(in.line2, "line2", out.line2));
  STARLING_TRY(check(in.postal_code, "postal_code", out.postal_code));
  STARLING_TRY(check(in.city, "city", out.city));
  STARLING_TRY(check(in.region, "region", out.region));
  STARLING_TRY(check(in.country, "country", out.country));
  return out;
}

constexpr std::string_view kOrgColumns = "id, name, logo_url, address, created_at, updated_at";

Organization OrganizationFromRow(const db::Row& row) {
  return Organization{row.GetInt64(0), row.GetText(1), row.GetText(2),
                      internal::AddressFromJson(row.GetText(3)), row.GetText(4), row.GetText(5)};
}

constexpr std::string_view kStoreColumns =
    "id, organization_id, name, site_url, logo_url, language, time_zone, currency, address, legal_info, "
    "integration_type, cart_abandonment_minutes, tracking_token, created_at, updated_at, script_options";


ScriptOptions ScriptOptionsFromJson(std::string_view text) {
  ScriptOptions o;
  auto parsed = ParseJsonObject(text);
  if (!parsed) return o;
  auto list = [&](std::string_view key, std::vector<std::string>& out) {
    if (auto it = parsed->find(key); it != parsed->end() && it->value().is_array()) {
      for (const auto& v : it->value().as_array()) {
        if (v.is_string()) out.emplace_back(v.as_string());
      }
    }
  };
  list("include_urls", o.include_urls);
  list("exclude_urls", o.exclude_urls);
  if (auto it = parsed->find("sampling"); it != parsed->end() && it->value().is_number()) {
    o.sampling = it->value().to_number<double>();
  }
  return o;
}

StoreSettings StoreFromRow(const db::Row& row) {
  StoreSettings s;
  s.id = row.GetInt64(0);
  s.organization_id = row.GetInt64(1);
  s.name = row.GetText(2);
  s.site_url = row.GetText(3);
  s.logo_url = row.GetText(4);
  s.language = row.GetText(5);
  s.time_zone = row.GetText(6);
  s.currency = row.GetText(7);
  s.address = internal::AddressFromJson(row.GetText(8));
  s.legal_info = row.GetText(9);
  s.integration_type = row.GetText(10);
  s.cart_abandonment_minutes = row.GetInt64(11);
  s.tracking_token = row.GetText(12);
  s.created_at = row.GetText(13);
  s.updated_at = row.GetText(14);
  s.script_options = ScriptOptionsFromJson(row.GetText(15));
  return s;
}

Result<StoreSettings> LoadStore(db::Connection& conn, int64_t store_id) {
  STARLING_ASSIGN_OR_RETURN(
      auto row, conn.QueryOne(fmt::format("SELECT {} FROM stores WHERE id = ?", kStoreColumns), {store_id}));
  if (!row) return internal::NotFound("store", std::to_string(store_id));
  StoreSettings store = StoreFromRow(*row);
  STARLING_TRY(conn.QueryEach("SELECT domain FROM store_domains WHERE store_id = ? ORDER BY domain",
                              {store_id}, [&](const db::Row& r) -> Status {
                                store.authorized_domains.push_back(r.GetText(0));
                                return Ok();
                              }));
  return store;
}

// Validates every field present in `patch` into `store`; records changed field names in `changed`.
Status ApplyStorePatch(const StorePatch& patch, StoreSettings& store, json::array& changed) {
  auto set = [&](std::string& dest, const std::string& value, std::string_view name) {
    if (dest != value) changed.emplace_back(name);
    dest = value;
  };
  if (patch.name) {
    STARLING_ASSIGN_OR_RETURN(std::string v, ValidateName(*patch.name, "name"));
    set(store.name, v, "name");
  }
  if (patch.site_url) {
    STARLING_ASSIGN_OR_RETURN(std::string v, ValidateUrl(*patch.site_url, "site_url", false));
    set(store.site_url, v, "site_url");
  }
  if (patch.logo_url) {
    STARLING_ASSIGN_OR_RETURN(std::string v, ValidateUrl(*patch.logo_url, "logo_url", true));
    set(store.logo_url, v, "logo_url");
  }
  if (patch.language) {
    STARLING_ASSIGN_OR_RETURN(std::string v, ValidateLanguage(*patch.language));
    set(store.language, v, "language");
  }
  if (patch.time_zone) {
    STARLING_ASSIGN_OR_RETURN(std::string v, ValidateTimeZone(*patch.time_zone));
    set(store.time_zone, v, "time_zone");
  }
  if (patch.currency) {
    STARLING_ASSIGN_OR_RETURN(std::string v, ValidateCurrency(*patch.currency));
    set(store.currency, v, "currency");
  }
  if (patch.legal_info) {
    STARLING_ASSIGN_OR_RETURN(std::string v, ValidateText(*patch.legal_info, "legal_info", 2000));
    set(store.legal_info, v, "legal_info");
  }
  if (patch.integration_type) {
    const std::string& t = *patch.integration_type;
    if (t != "module" && t != "custom" && t != "api") {
      return Error::InvalidArgument(
          fmt::format("field `ecommerce.integration_type`: expected `module`, `custom` or `api`, got `{}`", t),
          "ecommerce.integration_type");
    }
    set(store.integration_type, t, "ecommerce.integration_type");
  }
  if (patch.cart_abandonment_minutes) {
    int64_t m = *patch.cart_abandonment_minutes;
    if (m < 5 || m > 10080) {
      return Error::InvalidArgument(
          fmt::format("field `ecommerce.cart_abandonment_minutes`: expected 5 to 10080 minutes (7 days), got {}", m),
          "ecommerce.cart_abandonment_minutes");
    }
    if (store.cart_abandonment_minutes != m) changed.emplace_back("ecommerce.cart_abandonment_minutes");
    store.cart_abandonment_minutes = m;
  }
  if (patch.address) {
    STARLING_ASSIGN_OR_RETURN(Address a, ValidateAddress(*patch.address, "address"));
    if (!(a == store.address)) changed.emplace_back("address");
    store.address = a;
  }
  if (patch.authorized_domains) {
    if (patch.authorized_domains->size() > 100) {
      return Error::InvalidArgument("field `authorized_domains`: at most 100 domains", "authorized_domains");
    }
    std::vector<std::string> domains;
    for (const std::string& d : *patch.authorized_domains) {
      STARLING_ASSIGN_OR_RETURN(std::string v, NormalizeDomain(d));
      if (std::find(domains.begin(), domains.end(), v) == domains.end()) domains.push_back(v);
    }
    std::sort(domains.begin(), domains.end());
    if (domains != store.authorized_domains) changed.emplace_back("authorized_domains");
    store.authorized_domains = std::move(domains);
  }
  if (patch.script_options) {
    const ScriptOptions& o = *patch.script_options;
    ScriptOptions clean;
    for (const auto& [list, out, name] :
         {std::tuple{&o.include_urls, &clean.include_urls, "script_options.include_urls"},
          std::tuple{&o.exclude_urls, &clean.exclude_urls, "script_options.exclude_urls"}}) {
      if (list->size() > 50) return Error::InvalidArgument(fmt::format("field `{}`: at most 50 patterns", name), name);
      for (size_t i = 0; i < list->size(); ++i) {
        // The field names the pattern (`script_options.include_urls[2]`): with 50 of them, "too long"
        // alone does not say which.
        STARLING_ASSIGN_OR_RETURN(std::string v, ValidateName((*list)[i], fmt::format("{}[{}]", name, i), 500));
        out->push_back(v);
      }
    }
    if (!(o.sampling >= 0 && o.sampling <= 1)) {
      return Error::InvalidArgument(
          fmt::format("field `script_options.sampling`: expected a share from 0 to 1 (1 = every visitor), got {}",
                      o.sampling),
          "script_options.sampling");
    }
    clean.sampling = o.sampling;
    if (!(clean == store.script_options)) changed.emplace_back("script_options");
    store.script_options = std::move(clean);
  }
  return Ok();
}

Status SaveDomains(db::Connection& conn, int64_t store_id, const std::vector<std::string>& domains) {
  STARLING_TRY(conn.Execute("DELETE FROM store_domains WHERE store_id = ?", {store_id}));
  for (const std::string& d : domains) {
    STARLING_TRY(conn.Execute("INSERT INTO store_domains (store_id, domain) VALUES (?, ?)", {store_id, d}));
  }
  return Ok();
}

}  // namespace

// ---- Organizations ----------------------------------------------------------------------------------

Result<Organization> Accounts::CreateOrganization(std::string_view name_text, int64_t owner_user_id,
                                                  const Actor& actor) {
  STARLING_ASSIGN_OR_RETURN(std::string name, ValidateName(name_text, "name"));
  std::string now = Now();
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<Organization> {
    STARLING_ASSIGN_OR_RETURN(auto owner, conn.QueryOne("SELECT id FROM users WHERE id = ?", {owner_user_id}));
    if (!owner) return internal::NotFound("user", std::to_string(owner_user_id));
    STARLING_ASSIGN_OR_RETURN(int64_t id, NextId(conn, "organizations"));
    STARLING_TRY(conn.Execute(
        "INSERT INTO organizations (id, name, logo_url, address, created_at, updated_at) VALUES (?, ?, '', ?, ?, ?)",
        {id, name, internal::AddressToJson({}), now, now}));
    STARLING_TRY(conn.Execute(
        "INSERT INTO organization_members (organization_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)",
        {id, owner_user_id, now}));
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{id, std::nullopt, "organization.created", std::to_string(id),
                                        json::object{{"name", name}}},
                            now));
    return Organization{id, name, "", {}, now, now};
  });
}

Result<Organization> Accounts::GetOrganization(int64_t organization_id) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<Organization> {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne(fmt::format("SELECT {} FROM organizations WHERE id = ?", kOrgColumns),
                                {organization_id}));
    if (!row) return internal::NotFound("organization", std::to_string(organization_id));
    return OrganizationFromRow(*row);
  });
}

Result<Organization> Accounts::UpdateOrganization(int64_t organization_id, const OrganizationPatch& patch,
                                                  const Actor& actor) {
  std::string now = Now();
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<Organization> {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne(fmt::format("SELECT {} FROM organizations WHERE id = ?", kOrgColumns),
                                {organization_id}));
    if (!row) return internal::NotFound("organization", std::to_string(organization_id));
    Organization org = OrganizationFromRow(*row);
    json::array changed;
    if (patch.name) {
      STARLING_ASSIGN_OR_RETURN(std::string v, ValidateName(*patch.name, "name"));
      if (v != org.name) changed.emplace_back("name");
      org.name = v;
    }
    if (patch.logo_url) {
      STARLING_ASSIGN_OR_RETURN(std::string v, ValidateUrl(*patch.logo_url, "logo_url", true));
      if (v != org.logo_url) changed.emplace_back("logo_url");
      org.logo_url = v;
    }
    if (patch.address) {
      STARLING_ASSIGN_OR_RETURN(Address a, ValidateAddress(*patch.address, "address"));
      if (!(a == org.address)) changed.emplace_back("address");
      org.address = a;
    }
    if (changed.empty()) return org;
    org.updated_at = now;
    STARLING_TRY(conn.Execute("UPDATE organizations SET name = ?, logo_url = ?, address = ?, updated_at = ? WHERE id = ?",
                              {org.name, org.logo_url, internal::AddressToJson(org.address), now, org.id}));
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{org.id, std::nullopt, "organization.updated", std::to_string(org.id),
                                        json::object{{"fields", std::move(changed)}}},
                            now));
    return org;
  });
}

Result<std::optional<OrgRole>> Accounts::OrganizationRoleOf(int64_t user_id, int64_t organization_id) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::optional<OrgRole>> {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne("SELECT role FROM organization_members WHERE organization_id = ? AND user_id = ?",
                                {organization_id, user_id}));
    if (!row) return std::optional<OrgRole>();
    STARLING_ASSIGN_OR_RETURN(OrgRole role, ParseOrgRole(row->GetText(0)));
    return std::optional<OrgRole>(role);
  });
}

Result<std::vector<StoreSettings>> Accounts::ListOrganizationStores(int64_t organization_id) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::vector<StoreSettings>> {
    std::vector<StoreSettings> stores;
    STARLING_TRY(conn.QueryEach(
        fmt::format("SELECT {} FROM stores WHERE organization_id = ? ORDER BY name, id", kStoreColumns),
        {organization_id}, [&](const db::Row& row) -> Status {
          stores.push_back(StoreFromRow(row));
          return Ok();
        }));
    return stores;
  });
}

// ---- Stores -------------------------------------------------------------------------------------------

Result<StoreSettings> Accounts::CreateStore(int64_t organization_id, const StorePatch& fields,
                                            int64_t creator_user_id, const Actor& actor) {
  if (!fields.name) return Error::InvalidArgument("field `name`: a store name is required", "name");
  if (!fields.site_url) {
    return Error::InvalidArgument("field `site_url`: the shop's URL is required, like https://shop.example",
                                  "site_url");
  }
  StoreSettings store;
  json::array changed;
  STARLING_TRY(ApplyStorePatch(fields, store, changed));
  if (!fields.authorized_domains) {
    // The shop's own host is the natural first authorized domain.
    if (auto domain = NormalizeDomain(store.site_url)) store.authorized_domains = {*domain};
  }
  std::string now = Now();
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<StoreSettings> {
    STARLING_ASSIGN_OR_RETURN(auto org, conn.QueryOne("SELECT id FROM organizations WHERE id = ?", {organization_id}));
    if (!org) return internal::NotFound("organization", std::to_string(organization_id));
    STARLING_ASSIGN_OR_RETURN(store.id, NextId(conn, "stores"));
    store.organization_id = organization_id;
    store.tracking_token = crypto::RandomToken(24);
    store.created_at = store.updated_at = now;
    STARLING_TRY(conn.Execute(
        "INSERT INTO stores (id, organization_id, name, site_url, logo_url, language, time_zone, currency, "
        "address, legal_info, integration_type, cart_abandonment_minutes, tracking_token, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {store.id, organization_id, store.name, store.site_url, store.logo_url, store.language,
         store.time_zone, store.currency, internal::AddressToJson(store.address), store.legal_info,
         store.integration_type, store.cart_abandonment_minutes, store.tracking_token, now, now}));
    STARLING_TRY(SaveDomains(conn, store.id, store.authorized_domains));
    if (creator_user_id > 0) {
      STARLING_TRY(conn.Execute(
          "INSERT INTO store_members (store_id, user_id, role, created_at) VALUES (?, ?, 'administrator', ?)",
          {store.id, creator_user_id, now}));
    }
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{organization_id, store.id, "store.created", std::to_string(store.id),
                                        json::object{{"name", store.name}}},
                            now));
    return store;
  });
}

Result<StoreSettings> Accounts::GetStore(int64_t store_id) {
  return db::Read(db_, [&](db::Connection& conn) { return LoadStore(conn, store_id); });
}

Result<std::optional<StoreSettings>> Accounts::FindStoreByTrackingToken(std::string_view token) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::optional<StoreSettings>> {
    STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT id FROM stores WHERE tracking_token = ?", {token}));
    if (!row) return std::optional<StoreSettings>();
    STARLING_ASSIGN_OR_RETURN(StoreSettings store, LoadStore(conn, row->GetInt64(0)));
    return std::optional<StoreSettings>(std::move(store));
  });
}

Result<std::optional<StoreSettings>> Accounts::FindStoreBySiteUrl(std::string_view url) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::optional<StoreSettings>> {
    STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT id FROM stores WHERE site_url = ? ORDER BY id LIMIT 1", {url}));
    if (!row) return std::optional<StoreSettings>();
    STARLING_ASSIGN_OR_RETURN(StoreSettings store, LoadStore(conn, row->GetInt64(0)));
    return std::optional<StoreSettings>(std::move(store));
  });
}

Result<StoreSettings> Accounts::UpdateStore(int64_t store_id, const StorePatch& patch, const Actor& actor) {
  std::string now = Now();
  auto updated = db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<StoreSettings> {
    STARLING_ASSIGN_OR_RETURN(StoreSettings store, LoadStore(conn, store_id));
    json::array changed;
    STARLING_TRY(ApplyStorePatch(patch, store, changed));
    if (changed.empty()) return store;
    store.updated_at = now;
    STARLING_TRY(conn.Execute(
        "UPDATE stores SET name = ?, site_url = ?, logo_url = ?, language = ?, time_zone = ?, currency = ?, "
        "address = ?, legal_info = ?, integration_type = ?, cart_abandonment_minutes = ?, updated_at = ?, "
        "script_options = ? WHERE id = ?",
        {store.name, store.site_url, store.logo_url, store.language, store.time_zone, store.currency,
         internal::AddressToJson(store.address), store.legal_info, store.integration_type,
         store.cart_abandonment_minutes, now, ToJson(ScriptOptionsJson(store.script_options)), store_id}));
    if (patch.authorized_domains) STARLING_TRY(SaveDomains(conn, store_id, store.authorized_domains));
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{store.organization_id, store_id, "store.updated", std::to_string(store_id),
                                        json::object{{"fields", std::move(changed)}}},
                            now));
    return store;
  });
  if (updated) NotifyStoreChanged(store_id);
  return updated;
}

Result<StoreSettings> Accounts::RotateTrackingToken(int64_t store_id, const Actor& actor) {
  std::string now = Now();
  auto rotated = db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<StoreSettings> {
    STARLING_ASSIGN_OR_RETURN(StoreSettings store, LoadStore(conn, store_id));
    store.tracking_token = crypto::RandomToken(24);
    store.updated_at = now;
    STARLING_TRY(conn.Execute("UPDATE stores SET tracking_token = ?, updated_at = ? WHERE id = ?",
                              {store.tracking_token, now, store_id}));
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{store.organization_id, store_id, "store.tracking_token_rotated",
                                        std::to_string(store_id), json::object{}},
                            now));
    return store;
  });
  if (rotated) NotifyStoreChanged(store_id);
  return rotated;
}

Result<std::optional<StoreRole>> Accounts::EffectiveStoreRole(int64_t user_id, int64_t store_id) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::optional<StoreRole>> {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne(
                      "SELECT om.role, sm.role FROM stores s "
                      "LEFT JOIN organization_members om ON om.organization_id = s.organization_id AND om.user_id = ? "
                      "LEFT JOIN store_members sm ON sm.store_id = s.id AND sm.user_id = ? "
                      "WHERE s.id = ?",
                      {user_id, user_id, store_id}));
    if (!row) return std::optional<StoreRole>();
    if (auto org_role = row->GetOptionalText(0); org_role && (*org_role == "owner" || *org_role == "administrator")) {
      return std::optional<StoreRole>(StoreRole::kAdministrator);
    }
    if (auto store_role = row->GetOptionalText(1)) {
      STARLING_ASSIGN_OR_RETURN(StoreRole role, ParseStoreRole(*store_role));
      return std::optional<StoreRole>(role);
    }
    return std::optional<StoreRole>();
  });
}

}  // namespace starling::accounts
