// Members of organizations and stores, and invitations.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "accounts/accounts.h"
#include "accounts/internal.h"
#include "accounts/validation.h"

namespace starling::accounts {

using internal::AuditRecord;
using internal::NextId;
using internal::WriteAudit;

namespace {

struct StoreRef {
  int64_t id;
  int64_t organization_id;
  std::string name;
};

Result<StoreRef> LoadStoreRef(db::Connection& conn, int64_t store_id) {
  STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT id, organization_id, name FROM stores WHERE id = ?",
                                                    {store_id}));
  if (!row) return internal::NotFound("store", std::to_string(store_id));
  return StoreRef{row->GetInt64(0), row->GetInt64(1), row->GetText(2)};
}

Status RequireOrganization(db::Connection& conn, int64_t organization_id) {
  STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT id FROM organizations WHERE id = ?", {organization_id}));
  if (!row) return internal::NotFound("organization", std::to_string(organization_id));
  return Ok();
}

// Pending invitations (not accepted, not revoked, not expired) of a store, or of an organization when
// `store_id` is null.
Status AppendInvitations(db::Connection& conn, int64_t organization_id, std::optional<int64_t> store_id,
                         std::string_view now, std::vector<Member>& members) {
  std::string sql =
      "SELECT id, email, role, created_at, expires_at FROM invitations WHERE organization_id = ? AND "
      "accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ? AND ";
  sql += store_id ? "store_id = ?" : "store_id IS NULL AND ? = 0";
  return conn.QueryEach(sql + " ORDER BY id", {organization_id, now, store_id.value_or(0)},
                        [&](const db::Row& row) -> Status {
                          Member m;
                          m.invitation_id = row.GetInt64(0);
                          m.email = row.GetText(1);
                          m.role = row.GetText(2);
                          m.status = "invited";
                          m.created_at = row.GetText(3);
                          m.expires_at = row.GetText(4);
                          members.push_back(std::move(m));
                          return Ok();
                        });
}

// Is there a pending invitation for this email to this store (or organization)?
Result<bool> HasPendingInvitation(db::Connection& conn, int64_t organization_id, std::optional<int64_t> store_id,
                                  std::string_view email, std::string_view now) {
  std::string sql =
      "SELECT 1 FROM invitations WHERE organization_id = ? AND email = ? AND accepted_at IS NULL AND "
      "revoked_at IS NULL AND expires_at > ? AND ";
  sql += store_id ? "store_id = ?" : "store_id IS NULL AND ? = 0";
  STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne(sql, {organization_id, email, now, store_id.value_or(0)}));
  return row.has_value();
}

Error AlreadyMember(std::string_view email, std::string_view where) {
  return Error{ErrorCode::kConflict, fmt::format("`{}` is already a member of this {}", email, where), "email"};
}

Error AlreadyInvited(std::string_view email, std::string_view where) {
  return Error{ErrorCode::kConflict,
               fmt::format("`{}` has already been invited to this {}; revoke that invitation to send a new one",
                           email, where),
               "email"};
}

}  // namespace

// ---- Organization members --------------------------------------------------------------------------

Result<std::vector<Member>> Accounts::ListOrganizationMembers(int64_t organization_id) {
  std::string now = Now();
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::vector<Member>> {
    STARLING_TRY(RequireOrganization(conn, organization_id));
    std::vector<Member> members;
    STARLING_TRY(conn.QueryEach(
        "SELECT u.id, u.email, u.name, m.role, m.created_at FROM organization_members m "
        "JOIN users u ON u.id = m.user_id WHERE m.organization_id = ? ORDER BY u.email",
        {organization_id}, [&](const db::Row& row) -> Status {
          members.push_back(Member{row.GetInt64(0), 0, row.GetText(1), row.GetText(2), row.GetText(3), "active",
                                   row.GetText(4), "", ""});
          return Ok();
        }));
    STARLING_TRY(AppendInvitations(conn, organization_id, std::nullopt, now, members));
    return members;
  });
}

Result<Member> Accounts::AddOrganizationMember(int64_t organization_id, std::string_view email_text, OrgRole role,
                                               const Actor& actor) {
  STARLING_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(email_text));
  TimePoint now_tp = clock_.Now();
  std::string now = FormatIsoUtc(now_tp);
  std::string token = crypto::RandomToken(43);
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<Member> {
    STARLING_TRY(RequireOrganization(conn, organization_id));
    STARLING_ASSIGN_OR_RETURN(auto user, conn.QueryOne("SELECT id, name FROM users WHERE email = ?", {email}));
    std::string role_name(RoleName(role));
    if (user) {
      int64_t user_id = user->GetInt64(0);
      STARLING_ASSIGN_OR_RETURN(auto existing,
                                conn.QueryOne("SELECT 1 FROM organization_members WHERE organization_id = ? AND user_id = ?",
                                              {organization_id, user_id}));
      if (existing) return AlreadyMember(email, "organization");
      STARLING_TRY(conn.Execute(
          "INSERT INTO organization_members (organization_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
          {organization_id, user_id, role_name, now}));
      STARLING_TRY(WriteAudit(conn, actor,
                              AuditRecord{organization_id, std::nullopt, "org_member.added", email,
                                          json::object{{"role", role_name}}},
                              now));
      return Member{user_id, 0, email, user->GetText(1), role_name, "active", now, "", ""};
    }
    STARLING_ASSIGN_OR_RETURN(bool invited, HasPendingInvitation(conn, organization_id, std::nullopt, email, now));
    if (invited) return AlreadyInvited(email, "organization");
    STARLING_ASSIGN_OR_RETURN(int64_t id, NextId(conn, "invitations"));
    std::string expires = FormatIsoUtc(now_tp + options_.invitation_lifetime);
    STARLING_TRY(conn.Execute(
        "INSERT INTO invitations (id, token_hash, organization_id, store_id, email, role, invited_by, created_at, "
        "expires_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        {id, crypto::Sha256Hex(token), organization_id, email, role_name, internal::CreatedBy(actor), now, expires}));
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{organization_id, std::nullopt, "org_member.invited", email,
                                        json::object{{"role", role_name}}},
                            now));
    std::string url = fmt::format("{}/invitations/{}", options_.public_url, token);
    spdlog::info("accounts: invitation for {} to organization {}: {}", email, organization_id, url);
    return Member{0, id, email, "", role_name, "invited", now, expires, url};
  });
}

Result<Member> Accounts::ChangeOrganizationMemberRole(int64_t organization_id, int64_t user_id, OrgRole role,
                                                      OrgRole actor_role, const Actor& actor) {
  std::string now = Now();
  auto changed = db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<Member> {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne("SELECT u.email, u.name, m.role, m.created_at FROM organization_members m JOIN users u "
                                "ON u.id = m.user_id WHERE m.organization_id = ? AND m.user_id = ?",
                                {organization_id, user_id}));
    if (!row) return internal::NotFound("member", std::to_string(user_id));
    STARLING_ASSIGN_OR_RETURN(OrgRole current, ParseOrgRole(row->GetText(2)));
    if ((role == OrgRole::kOwner || current == OrgRole::kOwner) && actor_role != OrgRole::kOwner) {
      return Error{ErrorCode::kPermissionDenied, "only an owner can make someone an owner or change an owner's role",
                   "role"};
    }
    if (current == OrgRole::kOwner && role != OrgRole::kOwner) {
      STARLING_ASSIGN_OR_RETURN(auto owners, conn.QueryOne("SELECT COUNT(*) FROM organization_members WHERE "
                                                           "organization_id = ? AND role = 'owner'",
                                                           {organization_id}));
      if (owners->GetInt64(0) <= 1) {
        return Error{ErrorCode::kConflict,
                     "an organization needs at least one owner: make someone else an owner first", "role"};
      }
    }
    std::string role_name(RoleName(role));
    if (current != role) {
      STARLING_TRY(conn.Execute("UPDATE organization_members SET role = ? WHERE organization_id = ? AND user_id = ?",
                                {role_name, organization_id, user_id}));
      STARLING_TRY(WriteAudit(conn, actor,
                              AuditRecord{organization_id, std::nullopt, "org_member.role_changed", row->GetText(0),
                                          json::object{{"from", RoleName(current)}, {"to", role_name}}},
                              now));
    }
    return Member{user_id, 0, row->GetText(0), row->GetText(1), role_name, "active", row->GetText(3), "", ""};
  });
  if (changed) UserAccessChanged(user_id);
  return changed;
}

Status Accounts::RemoveOrganizationMember(int64_t organization_id, int64_t user_id, OrgRole actor_role,
                                          const Actor& actor) {
  std::string now = Now();
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne("SELECT u.email, m.role FROM organization_members m JOIN users u ON u.id = m.user_id "
                                "WHERE m.organization_id = ? AND m.user_id = ?",
                                {organization_id, user_id}));
    if (!row) return internal::NotFound("member", std::to_string(user_id));
    if (row->GetText(1) == "owner") {
      if (actor_role != OrgRole::kOwner) {
        return Error{ErrorCode::kPermissionDenied, "only an owner can remove an owner", {}};
      }
      STARLING_ASSIGN_OR_RETURN(auto owners, conn.QueryOne("SELECT COUNT(*) FROM organization_members WHERE "
                                                           "organization_id = ? AND role = 'owner'",
                                                           {organization_id}));
      if (owners->GetInt64(0) <= 1) {
        return Error{ErrorCode::kConflict,
                     "an organization needs at least one owner: make someone else an owner first", {}};
      }
    }
    STARLING_TRY(conn.Execute("DELETE FROM organization_members WHERE organization_id = ? AND user_id = ?",
                              {organization_id, user_id}));
    STARLING_TRY(conn.Execute(
        "DELETE FROM store_members WHERE user_id = ? AND store_id IN (SELECT id FROM stores WHERE organization_id = ?)",
        {user_id, organization_id}));
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{organization_id, std::nullopt, "org_member.removed", row->GetText(0),
                                        json::object{}},
                            now));
    return Ok();
  }));
  UserAccessChanged(user_id);
  return Ok();
}

// ---- Store members --------------------------------------------------------------------------------------

Result<std::vector<Member>> Accounts::ListStoreMembers(int64_t store_id) {
  std::string now = Now();
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::vector<Member>> {
    STARLING_ASSIGN_OR_RETURN(StoreRef store, LoadStoreRef(conn, store_id));
    std::vector<Member> members;
    STARLING_TRY(conn.QueryEach(
        "SELECT u.id, u.email, u.name, m.role, m.created_at FROM store_members m JOIN users u ON u.id = m.user_id "
        "WHERE m.store_id = ? ORDER BY u.email",
        {store_id}, [&](const db::Row& row) -> Status {
          members.push_back(Member{row.GetInt64(0), 0, row.GetText(1), row.GetText(2), row.GetText(3), "active",
                                   row.GetText(4), "", ""});
          return Ok();
        }));
    STARLING_TRY(AppendInvitations(conn, store.organization_id, store_id, now, members));
    return members;
  });
}

Result<Member> Accounts::AddStoreMember(int64_t store_id, std::string_view email_text, StoreRole role,
                                        const Actor& actor) {
  STARLING_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(email_text));
  TimePoint now_tp = clock_.Now();
  std::string now = FormatIsoUtc(now_tp);
  std::string token = crypto::RandomToken(43);
  std::string role_name(RoleName(role));
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<Member> {
    STARLING_ASSIGN_OR_RETURN(StoreRef store, LoadStoreRef(conn, store_id));
    STARLING_ASSIGN_OR_RETURN(auto user, conn.QueryOne("SELECT id, name FROM users WHERE email = ?", {email}));
    if (user) {
      int64_t user_id = user->GetInt64(0);
      STARLING_ASSIGN_OR_RETURN(auto existing, conn.QueryOne("SELECT 1 FROM store_members WHERE store_id = ? AND user_id = ?",
                                                             {store_id, user_id}));
      if (existing) return AlreadyMember(email, "store");
      STARLING_TRY(conn.Execute("INSERT INTO store_members (store_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                                {store_id, user_id, role_name, now}));
      // A store member belongs to the store's organization (as a plain member unless already more).
      STARLING_TRY(conn.Execute(
          "INSERT INTO organization_members (organization_id, user_id, role, created_at) VALUES (?, ?, 'member', ?) "
          "ON CONFLICT (organization_id, user_id) DO NOTHING",
          {store.organization_id, user_id, now}));
      STARLING_TRY(WriteAudit(conn, actor,
                              AuditRecord{store.organization_id, store_id, "member.added", email,
                                          json::object{{"role", role_name}}},
                              now));
      return Member{user_id, 0, email, user->GetText(1), role_name, "active", now, "", ""};
    }
    STARLING_ASSIGN_OR_RETURN(bool invited, HasPendingInvitation(conn, store.organization_id, store_id, email, now));
    if (invited) return AlreadyInvited(email, "store");
    STARLING_ASSIGN_OR_RETURN(int64_t id, NextId(conn, "invitations"));
    std::string expires = FormatIsoUtc(now_tp + options_.invitation_lifetime);
    STARLING_TRY(conn.Execute(
        "INSERT INTO invitations (id, token_hash, organization_id, store_id, email, role, invited_by, created_at, "
        "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {id, crypto::Sha256Hex(token), store.organization_id, store_id, email, role_name, internal::CreatedBy(actor),
         now, expires}));
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{store.organization_id, store_id, "member.invited", email,
                                        json::object{{"role", role_name}}},
                            now));
    std::string url = fmt::format("{}/invitations/{}", options_.public_url, token);
    spdlog::info("accounts: invitation for {} to store {} ({}): {}", email, store_id, store.name, url);
    return Member{0, id, email, "", role_name, "invited", now, expires, url};
  });
}

Result<Member> Accounts::ChangeStoreMemberRole(int64_t store_id, int64_t user_id, StoreRole role, const Actor& actor) {
  std::string now = Now();
  std::string role_name(RoleName(role));
  auto changed = db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<Member> {
    STARLING_ASSIGN_OR_RETURN(StoreRef store, LoadStoreRef(conn, store_id));
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne("SELECT u.email, u.name, m.role, m.created_at FROM store_members m JOIN users u "
                                "ON u.id = m.user_id WHERE m.store_id = ? AND m.user_id = ?",
                                {store_id, user_id}));
    if (!row) return internal::NotFound("member", std::to_string(user_id));
    if (row->GetText(2) != role_name) {
      STARLING_TRY(conn.Execute("UPDATE store_members SET role = ? WHERE store_id = ? AND user_id = ?",
                                {role_name, store_id, user_id}));
      STARLING_TRY(WriteAudit(conn, actor,
                              AuditRecord{store.organization_id, store_id, "member.role_changed", row->GetText(0),
                                          json::object{{"from", row->GetText(2)}, {"to", role_name}}},
                              now));
    }
    return Member{user_id, 0, row->GetText(0), row->GetText(1), role_name, "active", row->GetText(3), "", ""};
  });
  if (changed) UserAccessChanged(user_id);
  return changed;
}

Status Accounts::RemoveStoreMember(int64_t store_id, int64_t user_id, const Actor& actor) {
  std::string now = Now();
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(StoreRef store, LoadStoreRef(conn, store_id));
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne("SELECT u.email FROM store_members m JOIN users u ON u.id = m.user_id "
                                "WHERE m.store_id = ? AND m.user_id = ?",
                                {store_id, user_id}));
    if (!row) return internal::NotFound("member", std::to_string(user_id));
    STARLING_TRY(conn.Execute("DELETE FROM store_members WHERE store_id = ? AND user_id = ?", {store_id, user_id}));
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{store.organization_id, store_id, "member.removed", row->GetText(0),
                                        json::object{}},
                            now));
    return Ok();
  }));
  UserAccessChanged(user_id);
  return Ok();
}

// ---- Invitations ----------------------------------------------------------------------------------

namespace {

struct InvitationRow {
  InvitationPreview preview;
  std::optional<int64_t> user_id;
  bool has_password = false;
};

// The invitation behind `token`, checked to be usable now.
Result<InvitationRow> LoadUsableInvitation(db::Connection& conn, std::string_view token, std::string_view now) {
  STARLING_ASSIGN_OR_RETURN(
      auto row,
      conn.QueryOne(
          "SELECT i.id, i.email, i.role, i.organization_id, o.name, i.store_id, COALESCE(s.name, ''), i.expires_at, "
          "i.accepted_at, i.revoked_at, COALESCE(inviter.email, ''), u.id, COALESCE(u.password_hash, '') "
          "FROM invitations i JOIN organizations o ON o.id = i.organization_id "
          "LEFT JOIN stores s ON s.id = i.store_id LEFT JOIN users inviter ON inviter.id = i.invited_by "
          "LEFT JOIN users u ON u.email = i.email WHERE i.token_hash = ?",
          {crypto::Sha256Hex(token)}));
  if (!row) return Error::NotFound("this invitation link is unknown: ask for a new invitation");
  auto invalid = [](std::string_view why) {
    return Error::InvalidArgument(fmt::format("field `token`: this invitation {}: ask for a new one", why), "token");
  };
  if (!row->IsNull(8)) return invalid("has already been accepted");
  if (!row->IsNull(9)) return invalid("was revoked");
  if (row->GetText(7) <= now) return invalid("has expired");
  InvitationRow inv;
  InvitationPreview& p = inv.preview;
  p.id = row->GetInt64(0);
  p.email = row->GetText(1);
  p.role = row->GetText(2);
  p.organization_id = row->GetInt64(3);
  p.organization_name = row->GetText(4);
  p.store_id = row->GetOptionalInt64(5);
  p.store_name = row->GetText(6);
  p.expires_at = row->GetText(7);
  p.invited_by = row->GetText(10);
  inv.user_id = row->GetOptionalInt64(11);
  inv.has_password = !row->GetText(12).empty();
  p.user_exists = inv.user_id.has_value();
  return inv;
}

}  // namespace

Result<InvitationPreview> Accounts::PreviewInvitation(std::string_view token) {
  std::string now = Now();
  return db::Read(db_, [&](db::Connection& conn) -> Result<InvitationPreview> {
    STARLING_ASSIGN_OR_RETURN(InvitationRow inv, LoadUsableInvitation(conn, token, now));
    return inv.preview;
  });
}

Result<NewSession> Accounts::AcceptInvitation(std::string_view token, std::string_view password,
                                              std::string_view name_text, std::string_view ip,
                                              std::string_view user_agent) {
  std::string now = Now();
  // Check first (outside the write lock): hashing a password takes a while.
  STARLING_ASSIGN_OR_RETURN(InvitationRow checked, db::Read(db_, [&](db::Connection& conn) {
                              return LoadUsableInvitation(conn, token, now);
                            }));
  std::string new_hash;
  if (checked.user_id && checked.has_password) {
    STARLING_ASSIGN_OR_RETURN(auto row, db::Read(db_, [&](db::Connection& conn) {
                                return conn.QueryOne("SELECT password_hash FROM users WHERE id = ?", {*checked.user_id});
                              }));
    if (!row || !crypto::VerifyPassword(row->GetText(0), password)) {
      return Error{ErrorCode::kUnauthenticated,
                   fmt::format("wrong password for {}: enter the password of your existing account", checked.preview.email),
                   "password"};
    }
  } else {
    STARLING_TRY(ValidatePassword(password));
    STARLING_ASSIGN_OR_RETURN(new_hash, crypto::HashPassword(password, options_.password_cost));
  }
  STARLING_ASSIGN_OR_RETURN(std::string name, ValidateText(name_text, "name", 200));
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<NewSession> {
    STARLING_ASSIGN_OR_RETURN(InvitationRow inv, LoadUsableInvitation(conn, token, now));
    const InvitationPreview& p = inv.preview;
    int64_t user_id;
    if (inv.user_id) {
      user_id = *inv.user_id;
      if (!new_hash.empty()) {
        STARLING_TRY(conn.Execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                                  {new_hash, now, user_id}));
      }
      if (!name.empty()) {
        STARLING_TRY(conn.Execute("UPDATE users SET name = ? WHERE id = ? AND name = ''", {name, user_id}));
      }
    } else {
      if (new_hash.empty()) return Error::Internal("invitation accepted without a password");
      STARLING_ASSIGN_OR_RETURN(user_id, NextId(conn, "users"));
      STARLING_TRY(conn.Execute(
          "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
          {user_id, p.email, name, new_hash, now, now}));
    }
    std::string org_role = p.store_id ? "member" : p.role;
    STARLING_TRY(conn.Execute(
        "INSERT INTO organization_members (organization_id, user_id, role, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (organization_id, user_id) DO NOTHING",
        {p.organization_id, user_id, org_role, now}));
    if (p.store_id) {
      STARLING_TRY(conn.Execute(
          "INSERT INTO store_members (store_id, user_id, role, created_at) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (store_id, user_id) DO UPDATE SET role = excluded.role",
          {*p.store_id, user_id, p.role, now}));
    }
    STARLING_TRY(conn.Execute("UPDATE invitations SET accepted_at = ? WHERE id = ?", {now, p.id}));
    STARLING_TRY(WriteAudit(conn, Actor::ForUser(user_id, p.email),
                            AuditRecord{p.organization_id, p.store_id, "invitation.accepted", p.email,
                                        json::object{{"role", p.role}}},
                            now));
    STARLING_ASSIGN_OR_RETURN(auto user_row, conn.QueryOne("SELECT id, email, name, 1, created_at FROM users WHERE id = ?",
                                                           {user_id}));
    User user{user_row->GetInt64(0), user_row->GetText(1), user_row->GetText(2), true, user_row->GetText(4)};
    return StartSession(conn, user, ip, user_agent);
  });
}

Status Accounts::RevokeInvitation(int64_t organization_id, std::optional<int64_t> store_id, int64_t invitation_id,
                                  const Actor& actor) {
  std::string now = Now();
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT email, store_id, accepted_at, revoked_at FROM invitations "
                                                      "WHERE id = ? AND organization_id = ?",
                                                      {invitation_id, organization_id}));
    if (!row || row->GetOptionalInt64(1) != store_id) {
      return internal::NotFound("invitation", std::to_string(invitation_id));
    }
    if (!row->IsNull(2)) {
      return Error{ErrorCode::kConflict, "this invitation was already accepted: remove the member instead", {}};
    }
    if (!row->IsNull(3)) return Ok();
    STARLING_TRY(conn.Execute("UPDATE invitations SET revoked_at = ? WHERE id = ?", {now, invitation_id}));
    STARLING_TRY(WriteAudit(conn, actor,
                            AuditRecord{organization_id, store_id, "invitation.revoked", row->GetText(0), json::object{}},
                            now));
    return Ok();
  });
}

}  // namespace starling::accounts
