#include "api/accounts_json.h"

#include <fmt/format.h>

#include <charconv>

namespace starling::api {
namespace {

json::value OptionalText(const std::optional<std::string>& text) {
  return text ? json::value(*text) : json::value(nullptr);
}

json::value UserRefJson(const accounts::UserRef& ref) {
  if (ref.id == 0) return nullptr;
  return json::object{{"type", "user"}, {"id", ref.id}, {"email", ref.email}};
}

Result<accounts::Address> ParseAddress(const json::object& o) {
  accounts::Address a;
  auto get = [&](std::string_view key, std::string& dest) -> Status {
    STARLING_ASSIGN_OR_RETURN(auto v, GetOptionalString(o, key, fmt::format("address.{}", key)));
    if (v) dest = *v;
    return Ok();
  };
  STARLING_TRY(get("line1", a.line1));
  STARLING_TRY(get("line2", a.line2));
  STARLING_TRY(get("postal_code", a.postal_code));
  STARLING_TRY(get("city", a.city));
  STARLING_TRY(get("region", a.region));
  STARLING_TRY(get("country", a.country));
  return a;
}

}  // namespace

Result<json::object> ParseBody(const http::Request& request) {
  if (auto type = request.Header("content-type")) {
    std::string_view t = *type;
    if (!t.starts_with("application/json") && !t.starts_with("text/plain")) {
      return Error{ErrorCode::kUnsupportedMedia,
                   fmt::format("request body must be JSON (Content-Type: application/json), got `{}`", t), {}};
    }
  }
  if (request.body.empty()) return Error::InvalidArgument("request body: expected a JSON object, got nothing");
  auto body = ParseJsonObject(request.body);
  if (!body) return Error::InvalidArgument(fmt::format("request body: {}", body.error().message));
  return body;
}

json::object UserJson(const accounts::User& user) {
  return json::object{{"id", user.id}, {"email", user.email}, {"name", user.name}};
}

json::object AddressJson(const accounts::Address& a) {
  return json::object{{"line1", a.line1}, {"line2", a.line2},   {"postal_code", a.postal_code},
                      {"city", a.city},   {"region", a.region}, {"country", a.country}};
}

json::object OrganizationJson(const accounts::Organization& org, std::optional<accounts::OrgRole> role) {
  return json::object{{"id", org.id},
                      {"name", org.name},
                      {"logo_url", org.logo_url},
                      {"address", AddressJson(org.address)},
                      {"role", role ? json::value(accounts::RoleName(*role)) : json::value(nullptr)},
                      {"created_at", org.created_at},
                      {"updated_at", org.updated_at}};
}

json::object StoreJson(const accounts::StoreSettings& s, std::optional<accounts::StoreRole> role) {
  return json::object{{"id", s.id},
                      {"organization_id", s.organization_id},
                      {"name", s.name},
                      {"site_url", s.site_url},
                      {"logo_url", s.logo_url},
                      {"language", s.language},
                      {"time_zone", s.time_zone},
                      {"currency", s.currency},
                      {"role", role ? json::value(accounts::RoleName(*role)) : json::value(nullptr)}};
}


json::object StoreSettingsJson(const accounts::StoreSettings& s) {
  json::array domains;
  for (const std::string& d : s.authorized_domains) domains.emplace_back(d);
  return json::object{
      {"id", s.id},
      {"organization_id", s.organization_id},
      {"name", s.name},
      {"site_url", s.site_url},
      {"logo_url", s.logo_url},
      {"language", s.language},
      {"time_zone", s.time_zone},
      {"currency", s.currency},
      {"address", AddressJson(s.address)},
      {"legal_info", s.legal_info},
      {"ecommerce",
       json::object{{"integration_type", s.integration_type},
                    {"cart_abandonment_minutes", s.cart_abandonment_minutes}}},
      {"authorized_domains", std::move(domains)},
      {"script_options", accounts::ScriptOptionsJson(s.script_options)},
      {"tracking_token", s.tracking_token},
      {"created_at", s.created_at},
      {"updated_at", s.updated_at}};
}

json::object MemberJson(const accounts::Member& m) {
  json::object o{{"user_id", m.user_id > 0 ? json::value(m.user_id) : json::value(nullptr)},
                 {"email", m.email},
                 {"name", m.name},
                 {"role", m.role},
                 {"status", m.status},
                 {"created_at", m.created_at}};
  if (m.invitation_id > 0) {
    o["invitation_id"] = m.invitation_id;
    o["expires_at"] = m.expires_at;
  }
  if (!m.invitation_url.empty()) o["invitation_url"] = m.invitation_url;
  return o;
}

json::object ApiKeyJson(const accounts::ApiKey& key) {
  json::array scopes;
  for (const std::string& s : key.scopes.Names()) scopes.emplace_back(s);
  return json::object{{"id", key.id},
                      {"name", key.name},
                      {"scopes", std::move(scopes)},
                      {"created_by", UserRefJson(key.created_by)},
                      {"created_at", key.created_at},
                      {"last_used_at", OptionalText(key.last_used_at)},
                      {"revoked_at", OptionalText(key.revoked_at)}};
}

json::object ExcludedIpJson(const accounts::ExcludedIp& ip) {
  return json::object{{"id", ip.id},
                      {"ip", ip.ip},
                      {"label", ip.label},
                      {"created_at", ip.created_at},
                      {"created_by", UserRefJson(ip.created_by)}};
}

json::object AuditPageJson(const accounts::AuditPage& page) {
  json::array entries;
  for (const accounts::AuditEntry& e : page.entries) {
    json::object actor{{"type", e.actor_type}, {"label", e.actor_label}};
    if (e.actor_type == "user") {
      int64_t id = 0;
      std::from_chars(e.actor_id.data(), e.actor_id.data() + e.actor_id.size(), id);
      actor["id"] = id;
      actor["email"] = e.actor_label;
    } else if (e.actor_type == "api_key") {
      actor["id"] = e.actor_id;
    }
    auto details = ParseJson(e.details_json);
    entries.push_back(json::object{{"id", e.id},
                                   {"at", e.at},
                                   {"actor", std::move(actor)},
                                   {"action", e.action},
                                   {"target", e.target},
                                   {"details", details ? std::move(*details) : json::value(json::object{})}});
  }
  return json::object{
      {"entries", std::move(entries)},
      {"next_cursor", page.next_cursor ? json::value(std::to_string(*page.next_cursor)) : json::value(nullptr)}};
}

json::object SessionJson(const accounts::Principal& p, const std::vector<accounts::SessionOrganization>& orgs) {
  json::array organizations;
  for (const accounts::SessionOrganization& org : orgs) {
    json::array stores;
    for (const accounts::SessionStore& s : org.stores) {
      stores.push_back(json::object{{"id", s.id}, {"name", s.name}, {"role", accounts::RoleName(s.role)}});
    }
    organizations.push_back(json::object{
        {"id", org.id},
        {"name", org.name},
        {"role", org.role ? json::value(accounts::RoleName(*org.role)) : json::value(nullptr)},
        {"stores", std::move(stores)}});
  }
  return json::object{{"user", json::object{{"id", p.user_id}, {"email", p.email}, {"name", p.name}}},
                      {"csrf_token", p.csrf_token},
                      {"organizations", std::move(organizations)}};
}

json::object InvitationJson(const accounts::InvitationPreview& inv) {
  return json::object{
      {"email", inv.email},
      {"role", inv.role},
      {"store", inv.store_id ? json::value(json::object{{"id", *inv.store_id}, {"name", inv.store_name}})
                             : json::value(nullptr)},
      {"organization", json::object{{"id", inv.organization_id}, {"name", inv.organization_name}}},
      {"user_exists", inv.user_exists},
      {"expires_at", inv.expires_at},
      {"invited_by", inv.invited_by}};
}

Result<accounts::StorePatch> ParseStorePatch(const json::object& body) {
  accounts::StorePatch patch;
  STARLING_ASSIGN_OR_RETURN(patch.name, GetOptionalString(body, "name"));
  STARLING_ASSIGN_OR_RETURN(patch.site_url, GetOptionalString(body, "site_url"));
  STARLING_ASSIGN_OR_RETURN(patch.logo_url, GetOptionalString(body, "logo_url"));
  STARLING_ASSIGN_OR_RETURN(patch.language, GetOptionalString(body, "language"));
  STARLING_ASSIGN_OR_RETURN(patch.time_zone, GetOptionalString(body, "time_zone"));
  STARLING_ASSIGN_OR_RETURN(patch.currency, GetOptionalString(body, "currency"));
  STARLING_ASSIGN_OR_RETURN(patch.legal_info, GetOptionalString(body, "legal_info"));
  STARLING_ASSIGN_OR_RETURN(patch.authorized_domains, GetOptionalStringArray(body, "authorized_domains"));
  STARLING_ASSIGN_OR_RETURN(const json::object* address, GetOptionalObject(body, "address"));
  if (address) {
    STARLING_ASSIGN_OR_RETURN(accounts::Address a, ParseAddress(*address));
    patch.address = a;
  }
  STARLING_ASSIGN_OR_RETURN(const json::object* script, GetOptionalObject(body, "script_options"));
  if (script) {
    accounts::ScriptOptions o;
    STARLING_ASSIGN_OR_RETURN(auto include, GetOptionalStringArray(*script, "include_urls", "script_options.include_urls"));
    STARLING_ASSIGN_OR_RETURN(auto exclude, GetOptionalStringArray(*script, "exclude_urls", "script_options.exclude_urls"));
    if (include) o.include_urls = *include;
    if (exclude) o.exclude_urls = *exclude;
    if (auto it = script->find("sampling"); it != script->end() && !it->value().is_null()) {
      if (!it->value().is_number()) {
        return Error::InvalidArgument(
            fmt::format("field `script_options.sampling`: expected a number from 0 to 1, got {}",
                        JsonKindName(it->value())),
            "script_options.sampling");
      }
      o.sampling = it->value().to_number<double>();
    }
    patch.script_options = o;
  }
  STARLING_ASSIGN_OR_RETURN(const json::object* ecommerce, GetOptionalObject(body, "ecommerce"));
  if (ecommerce) {
    STARLING_ASSIGN_OR_RETURN(patch.integration_type,
                              GetOptionalString(*ecommerce, "integration_type", "ecommerce.integration_type"));
    STARLING_ASSIGN_OR_RETURN(patch.cart_abandonment_minutes,
                              GetOptionalInt(*ecommerce, "cart_abandonment_minutes",
                                             "ecommerce.cart_abandonment_minutes"));
    // The currency is shown in both sections of the UI; either place sets it.
    STARLING_ASSIGN_OR_RETURN(auto currency, GetOptionalString(*ecommerce, "currency", "ecommerce.currency"));
    if (currency) patch.currency = currency;
  }
  return patch;
}

Result<accounts::OrganizationPatch> ParseOrganizationPatch(const json::object& body) {
  accounts::OrganizationPatch patch;
  STARLING_ASSIGN_OR_RETURN(patch.name, GetOptionalString(body, "name"));
  STARLING_ASSIGN_OR_RETURN(patch.logo_url, GetOptionalString(body, "logo_url"));
  STARLING_ASSIGN_OR_RETURN(const json::object* address, GetOptionalObject(body, "address"));
  if (address) {
    STARLING_ASSIGN_OR_RETURN(accounts::Address a, ParseAddress(*address));
    patch.address = a;
  }
  return patch;
}

Result<PageRequest> ParsePageRequest(const http::Request& request) {
  PageRequest page;
  auto number = [](const std::string& text, std::string_view name) -> Result<int64_t> {
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
      return Error::InvalidArgument(fmt::format("query parameter `{}`: expected an integer, got `{}`", name, text),
                                    std::string(name));
    }
    return value;
  };
  if (auto limit = request.QueryParam("limit")) {
    STARLING_ASSIGN_OR_RETURN(int64_t v, number(*limit, "limit"));
    if (v < 1 || v > 200) {
      return Error::InvalidArgument(fmt::format("query parameter `limit`: expected 1 to 200, got {}", v), "limit");
    }
    page.limit = static_cast<int>(v);
  }
  if (auto cursor = request.QueryParam("cursor"); cursor && !cursor->empty()) {
    STARLING_ASSIGN_OR_RETURN(int64_t v, number(*cursor, "cursor"));
    if (v < 1) {  // cursors are ids, which start at 1
      return Error::InvalidArgument(
          fmt::format("query parameter `cursor`: expected the `next_cursor` of a previous page, got {}", v), "cursor");
    }
    page.cursor = v;
  }
  return page;
}

}  // namespace starling::api
