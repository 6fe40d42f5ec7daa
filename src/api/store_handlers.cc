#include <fmt/format.h>

#include "api/account_handlers.h"
#include "api/accounts_json.h"

namespace starling::api {
namespace {

using accounts::StoreRole;
using http::Method;
using http::Response;

Response Error(const starling::Error& error) { return Response::FromError(error); }

constexpr StoreRole kAdmin = StoreRole::kAdministrator;

}  // namespace

void RegisterStoreRoutes(ApiRoutes& routes) {
  accounts::Accounts& accounts = routes.auth().accounts();

  routes.Store(Method::kGet, "/api/v1/stores/{store_id}", "The store: name, site, language, time zone, currency",
               StoreRole::kMarketer, KeyAccess::AnyScope(), [&accounts](http::Request&, const StoreContext& ctx) {
                 auto store = accounts.GetStore(ctx.store_id);
                 if (!store) return Error(store.error());
                 std::optional<StoreRole> role;
                 if (ctx.principal.is_user()) role = ctx.role;
                 return Response::Json(200, StoreJson(*store, role));
               });

  routes.Store(Method::kGet, "/api/v1/stores/{store_id}/settings", "Store settings (administrators)", kAdmin,
               KeyAccess::None(), [&accounts](http::Request&, const StoreContext& ctx) {
                 auto store = accounts.GetStore(ctx.store_id);
                 if (!store) return Error(store.error());
                 return Response::Json(200, StoreSettingsJson(*store));
               });

  routes.Store(Method::kPatch, "/api/v1/stores/{store_id}/settings",
               "Change store details, eCommerce settings and authorized domains", kAdmin, KeyAccess::None(),
               [&accounts](http::Request& request, const StoreContext& ctx) {
                 auto body = ParseBody(request);
                 if (!body) return Error(body.error());
                 auto patch = ParseStorePatch(*body);
                 if (!patch) return Error(patch.error());
                 auto store = accounts.UpdateStore(ctx.store_id, *patch, ctx.principal.ToActor());
                 if (!store) return Error(store.error());
                 return Response::Json(200, StoreSettingsJson(*store));
               });

  routes.Store(Method::kPost, "/api/v1/stores/{store_id}/settings/tracking-token",
               "Replace the public tracking token (the old one stops working)", kAdmin, KeyAccess::None(),
               [&accounts](http::Request&, const StoreContext& ctx) {
                 auto store = accounts.RotateTrackingToken(ctx.store_id, ctx.principal.ToActor());
                 if (!store) return Error(store.error());
                 return Response::Json(200, StoreSettingsJson(*store));
               });

  routes.Store(Method::kGet, "/api/v1/stores/{store_id}/members", "Store members and pending invitations", kAdmin,
               KeyAccess::None(), [&accounts](http::Request&, const StoreContext& ctx) {
                 auto members = accounts.ListStoreMembers(ctx.store_id);
                 if (!members) return Error(members.error());
                 json::array list;
                 for (const accounts::Member& m : *members) list.push_back(MemberJson(m));
                 return Response::Json(200, json::object{{"members", std::move(list)}});
               });

  routes.Store(Method::kPost, "/api/v1/stores/{store_id}/members",
               "Add a member by email and role (invites unknown emails)", kAdmin, KeyAccess::None(),
               [&accounts](http::Request& request, const StoreContext& ctx) {
                 auto body = ParseBody(request);
                 if (!body) return Error(body.error());
                 auto email = GetString(*body, "email");
                 if (!email) return Error(email.error());
                 auto role_text = GetString(*body, "role");
                 if (!role_text) return Error(role_text.error());
                 auto role = accounts::ParseStoreRole(*role_text);
                 if (!role) return Error(role.error());
                 auto member = accounts.AddStoreMember(ctx.store_id, *email, *role, ctx.principal.ToActor());
                 if (!member) return Error(member.error());
                 return Response::Json(201, MemberJson(*member));
               });

  routes.Store(Method::kPatch, "/api/v1/stores/{store_id}/members/{user_id}", "Change a member's store role", kAdmin,
               KeyAccess::None(), [&accounts](http::Request& request, const StoreContext& ctx) {
                 auto user_id = PathId(request, "user_id");
                 if (!user_id) return Error(user_id.error());
                 auto body = ParseBody(request);
                 if (!body) return Error(body.error());
                 auto role_text = GetString(*body, "role");
                 if (!role_text) return Error(role_text.error());
                 auto role = accounts::ParseStoreRole(*role_text);
                 if (!role) return Error(role.error());
                 auto member = accounts.ChangeStoreMemberRole(ctx.store_id, *user_id, *role, ctx.principal.ToActor());
                 if (!member) return Error(member.error());
                 return Response::Json(200, MemberJson(*member));
               });

  routes.Store(Method::kDelete, "/api/v1/stores/{store_id}/members/{user_id}", "Remove a member from the store",
               kAdmin, KeyAccess::None(), [&accounts](http::Request& request, const StoreContext& ctx) {
                 auto user_id = PathId(request, "user_id");
                 if (!user_id) return Error(user_id.error());
                 if (Status s = accounts.RemoveStoreMember(ctx.store_id, *user_id, ctx.principal.ToActor()); !s) {
                   return Error(s.error());
                 }
                 return Response::NoContent();
               });

  routes.Store(Method::kDelete, "/api/v1/stores/{store_id}/invitations/{invitation_id}",
               "Revoke a pending store invitation", kAdmin, KeyAccess::None(),
               [&accounts](http::Request& request, const StoreContext& ctx) {
                 auto id = PathId(request, "invitation_id");
                 if (!id) return Error(id.error());
                 auto store = accounts.GetStore(ctx.store_id);
                 if (!store) return Error(store.error());
                 if (Status s = accounts.RevokeInvitation(store->organization_id, ctx.store_id, *id,
                                                          ctx.principal.ToActor());
                     !s) {
                   return Error(s.error());
                 }
                 return Response::NoContent();
               });

  routes.Store(Method::kGet, "/api/v1/stores/{store_id}/api-keys", "The store's API keys (secrets never shown)",
               kAdmin, KeyAccess::None(), [&accounts](http::Request&, const StoreContext& ctx) {
                 auto keys = accounts.ListApiKeys(ctx.store_id);
                 if (!keys) return Error(keys.error());
                 json::array list;
                 for (const accounts::ApiKey& k : *keys) list.push_back(ApiKeyJson(k));
                 return Response::Json(200, json::object{{"api_keys", std::move(list)}});
               });

  routes.Store(Method::kPost, "/api/v1/stores/{store_id}/api-keys",
               "Create an API key with scopes; its secret is in this answer only", kAdmin, KeyAccess::None(),
               [&accounts](http::Request& request, const StoreContext& ctx) {
                 auto body = ParseBody(request);
                 if (!body) return Error(body.error());
                 auto name = GetString(*body, "name");
                 if (!name) return Error(name.error());
                 auto scope_items = GetOptionalStringArray(*body, "scopes");
                 if (!scope_items) return Error(scope_items.error());
                 if (!*scope_items) {
                   return Error(starling::Error::InvalidArgument(
                       "field `scopes` is required: a list like [\"contacts:read\"] or [\"all\"]", "scopes"));
                 }
                 auto scopes = accounts::ScopeSet::Parse(**scope_items);
                 if (!scopes) return Error(scopes.error());
                 auto created = accounts.CreateApiKey(ctx.store_id, *name, *scopes, ctx.principal.ToActor());
                 if (!created) return Error(created.error());
                 json::object out = ApiKeyJson(created->key);
                 out["secret"] = created->secret;
                 Response response = Response::Json(201, out);
                 response.headers.emplace_back("Cache-Control", "no-store");
                 return response;
               });

  routes.Store(Method::kDelete, "/api/v1/stores/{store_id}/api-keys/{key_id}", "Revoke an API key at once", kAdmin,
               KeyAccess::None(), [&accounts](http::Request& request, const StoreContext& ctx) {
                 if (Status s = accounts.RevokeApiKey(ctx.store_id, request.PathParam("key_id"), ctx.principal.ToActor());
                     !s) {
                   return Error(s.error());
                 }
                 return Response::NoContent();
               });

  routes.Store(Method::kGet, "/api/v1/stores/{store_id}/excluded-ips",
               "IP addresses and ranges whose events are not collected", kAdmin, KeyAccess::None(),
               [&accounts](http::Request&, const StoreContext& ctx) {
                 auto ips = accounts.ListExcludedIps(ctx.store_id);
                 if (!ips) return Error(ips.error());
                 json::array list;
                 for (const accounts::ExcludedIp& ip : *ips) list.push_back(ExcludedIpJson(ip));
                 return Response::Json(200, json::object{{"excluded_ips", std::move(list)}});
               });

  routes.Store(Method::kPost, "/api/v1/stores/{store_id}/excluded-ips", "Exclude an IP address or CIDR range",
               kAdmin, KeyAccess::None(), [&accounts](http::Request& request, const StoreContext& ctx) {
                 auto body = ParseBody(request);
                 if (!body) return Error(body.error());
                 auto ip = GetString(*body, "ip");
                 if (!ip) return Error(ip.error());
                 auto label = GetOptionalString(*body, "label");
                 if (!label) return Error(label.error());
                 auto added = accounts.AddExcludedIp(ctx.store_id, *ip, label->value_or(""), ctx.principal.ToActor());
                 if (!added) return Error(added.error());
                 return Response::Json(201, ExcludedIpJson(*added));
               });

  routes.Store(Method::kDelete, "/api/v1/stores/{store_id}/excluded-ips/{id}", "Stop excluding an IP or range",
               kAdmin, KeyAccess::None(), [&accounts](http::Request& request, const StoreContext& ctx) {
                 auto id = PathId(request, "id");
                 if (!id) return Error(id.error());
                 if (Status s = accounts.RemoveExcludedIp(ctx.store_id, *id, ctx.principal.ToActor()); !s) {
                   return Error(s.error());
                 }
                 return Response::NoContent();
               });

  routes.Store(Method::kGet, "/api/v1/stores/{store_id}/audit-log",
               "Who changed settings, members and keys, newest first", kAdmin, KeyAccess::None(),
               [&accounts](http::Request& request, const StoreContext& ctx) {
                 auto page = ParsePageRequest(request);
                 if (!page) return Error(page.error());
                 auto audit = accounts.ListStoreAudit(ctx.store_id, page->cursor, page->limit);
                 if (!audit) return Error(audit.error());
                 return Response::Json(200, AuditPageJson(*audit));
               });
}

void RegisterAccountRoutes(ApiRoutes& routes) {
  RegisterSessionRoutes(routes);
  RegisterOrganizationRoutes(routes);
  RegisterStoreRoutes(routes);
}

}  // namespace starling::api
