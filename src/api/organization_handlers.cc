#include <fmt/format.h>

#include "api/account_handlers.h"
#include "api/accounts_json.h"

namespace starling::api {
namespace {

using accounts::OrgRole;
using accounts::StoreRole;
using http::Method;
using http::Response;

Response Error(const starling::Error& error) { return Response::FromError(error); }

json::object MembersJson(const std::vector<accounts::Member>& members) {
  json::array list;
  for (const accounts::Member& m : members) list.push_back(MemberJson(m));
  return json::object{{"members", std::move(list)}};
}

}  // namespace

void RegisterOrganizationRoutes(ApiRoutes& routes) {
  accounts::Accounts& accounts = routes.auth().accounts();

  routes.SignedIn(Method::kPost, "/api/v1/organizations", "Create an organization; the caller becomes its owner",
                  [&accounts](http::Request& request, const Principal& principal) {
                    auto body = ParseBody(request);
                    if (!body) return Error(body.error());
                    auto name = GetString(*body, "name");
                    if (!name) return Error(name.error());
                    auto org = accounts.CreateOrganization(*name, principal.user_id, principal.ToActor());
                    if (!org) return Error(org.error());
                    return Response::Json(201, OrganizationJson(*org, OrgRole::kOwner));
                  });

  routes.Organization(Method::kGet, "/api/v1/organizations/{org_id}", "Organization details", OrgRole::kMember,
                      [&accounts](http::Request&, const OrgContext& ctx) {
                        auto org = accounts.GetOrganization(ctx.organization_id);
                        if (!org) return Error(org.error());
                        return Response::Json(200, OrganizationJson(*org, ctx.role));
                      });

  routes.Organization(Method::kPatch, "/api/v1/organizations/{org_id}", "Change organization details",
                      OrgRole::kAdministrator, [&accounts](http::Request& request, const OrgContext& ctx) {
                        auto body = ParseBody(request);
                        if (!body) return Error(body.error());
                        auto patch = ParseOrganizationPatch(*body);
                        if (!patch) return Error(patch.error());
                        auto org = accounts.UpdateOrganization(ctx.organization_id, *patch, ctx.principal.ToActor());
                        if (!org) return Error(org.error());
                        return Response::Json(200, OrganizationJson(*org, ctx.role));
                      });

  routes.Organization(
      Method::kGet, "/api/v1/organizations/{org_id}/stores", "The organization's stores", OrgRole::kMember,
      [&accounts](http::Request&, const OrgContext& ctx) {
        auto stores = accounts.ListOrganizationStores(ctx.organization_id);
        if (!stores) return Error(stores.error());
        json::array list;
        for (const accounts::StoreSettings& s : *stores) {
          std::optional<StoreRole> role;
          if (ctx.role >= OrgRole::kAdministrator) {
            role = StoreRole::kAdministrator;
          } else {
            auto effective = accounts.EffectiveStoreRole(ctx.principal.user_id, s.id);
            if (!effective) return Error(effective.error());
            role = *effective;
          }
          list.push_back(json::object{{"id", s.id},
                                      {"name", s.name},
                                      {"site_url", s.site_url},
                                      {"role", role ? json::value(accounts::RoleName(*role)) : json::value(nullptr)}});
        }
        return Response::Json(200, json::object{{"stores", std::move(list)}});
      });

  routes.Organization(Method::kPost, "/api/v1/organizations/{org_id}/stores",
                      "Create a store; the caller becomes its administrator", OrgRole::kAdministrator,
                      [&accounts](http::Request& request, const OrgContext& ctx) {
                        auto body = ParseBody(request);
                        if (!body) return Error(body.error());
                        auto fields = ParseStorePatch(*body);
                        if (!fields) return Error(fields.error());
                        auto store = accounts.CreateStore(ctx.organization_id, *fields, ctx.principal.user_id,
                                                          ctx.principal.ToActor());
                        if (!store) return Error(store.error());
                        return Response::Json(201, StoreSettingsJson(*store));
                      });

  routes.Organization(Method::kGet, "/api/v1/organizations/{org_id}/members",
                      "Members of the organization and pending invitations", OrgRole::kMember,
                      [&accounts](http::Request&, const OrgContext& ctx) {
                        auto members = accounts.ListOrganizationMembers(ctx.organization_id);
                        if (!members) return Error(members.error());
                        return Response::Json(200, MembersJson(*members));
                      });

  routes.Organization(
      Method::kPost, "/api/v1/organizations/{org_id}/members", "Add a member by email (invites unknown emails)",
      OrgRole::kAdministrator, [&accounts](http::Request& request, const OrgContext& ctx) {
        auto body = ParseBody(request);
        if (!body) return Error(body.error());
        auto email = GetString(*body, "email");
        if (!email) return Error(email.error());
        auto role_text = GetString(*body, "role");
        if (!role_text) return Error(role_text.error());
        auto role = accounts::ParseOrgRole(*role_text);
        if (!role) return Error(role.error());
        if (*role == OrgRole::kOwner && ctx.role != OrgRole::kOwner) {
          return Error({ErrorCode::kPermissionDenied, "only an owner can add another owner", "role"});
        }
        auto member = accounts.AddOrganizationMember(ctx.organization_id, *email, *role, ctx.principal.ToActor());
        if (!member) return Error(member.error());
        return Response::Json(201, MemberJson(*member));
      });

  routes.Organization(Method::kPatch, "/api/v1/organizations/{org_id}/members/{user_id}",
                      "Change a member's organization role", OrgRole::kAdministrator,
                      [&accounts](http::Request& request, const OrgContext& ctx) {
                        auto user_id = PathId(request, "user_id");
                        if (!user_id) return Error(user_id.error());
                        auto body = ParseBody(request);
                        if (!body) return Error(body.error());
                        auto role_text = GetString(*body, "role");
                        if (!role_text) return Error(role_text.error());
                        auto role = accounts::ParseOrgRole(*role_text);
                        if (!role) return Error(role.error());
                        auto member = accounts.ChangeOrganizationMemberRole(ctx.organization_id, *user_id, *role,
                                                                            ctx.role, ctx.principal.ToActor());
                        if (!member) return Error(member.error());
                        return Response::Json(200, MemberJson(*member));
                      });

  routes.Organization(Method::kDelete, "/api/v1/organizations/{org_id}/members/{user_id}",
                      "Remove a member from the organization and its stores", OrgRole::kAdministrator,
                      [&accounts](http::Request& request, const OrgContext& ctx) {
                        auto user_id = PathId(request, "user_id");
                        if (!user_id) return Error(user_id.error());
                        if (Status s = accounts.RemoveOrganizationMember(ctx.organization_id, *user_id, ctx.role,
                                                                         ctx.principal.ToActor());
                            !s) {
                          return Error(s.error());
                        }
                        return Response::NoContent();
                      });

  routes.Organization(Method::kDelete, "/api/v1/organizations/{org_id}/invitations/{invitation_id}",
                      "Revoke a pending organization invitation", OrgRole::kAdministrator,
                      [&accounts](http::Request& request, const OrgContext& ctx) {
                        auto id = PathId(request, "invitation_id");
                        if (!id) return Error(id.error());
                        if (Status s = accounts.RevokeInvitation(ctx.organization_id, std::nullopt, *id,
                                                                 ctx.principal.ToActor());
                            !s) {
                          return Error(s.error());
                        }
                        return Response::NoContent();
                      });

  routes.Organization(Method::kGet, "/api/v1/organizations/{org_id}/audit-log",
                      "Changes in the organization and its stores, newest first", OrgRole::kAdministrator,
                      [&accounts](http::Request& request, const OrgContext& ctx) {
                        auto page = ParsePageRequest(request);
                        if (!page) return Error(page.error());
                        auto audit = accounts.ListOrganizationAudit(ctx.organization_id, page->cursor, page->limit);
                        if (!audit) return Error(audit.error());
                        return Response::Json(200, AuditPageJson(*audit));
                      });
}

}  // namespace starling::api
