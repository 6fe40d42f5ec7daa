// Users, sign-in, sessions and password resets.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "accounts/accounts.h"
#include "accounts/internal.h"
#include "accounts/validation.h"

namespace starling::accounts {

using internal::NextId;

Actor Principal::ToActor() const {
  return kind == Kind::kUser ? Actor::ForUser(user_id, email) : Actor::ForApiKey(key_id, key_name);
}

Accounts::Accounts(db::Database& db, const Clock& clock, AccountsOptions options)
    : db_(db), clock_(clock), options_(std::move(options)) {
  while (!options_.public_url.empty() && options_.public_url.back() == '/') options_.public_url.pop_back();
}

namespace {

constexpr std::string_view kUserColumns = "id, email, name, password_hash <> '', created_at";

User UserFromRow(const db::Row& row) {
  return User{row.GetInt64(0), row.GetText(1), row.GetText(2), row.GetBool(3), row.GetText(4)};
}

Error WrongCredentials() {
  return Error{ErrorCode::kUnauthenticated, "wrong email or password", {}};
}

Error SessionEnded() {
  return Error{ErrorCode::kUnauthenticated, "not signed in, or the session has ended: sign in again", {}};
}

}  // namespace

Result<User> Accounts::CreateUser(std::string_view email_text, std::string_view password,
                                  std::string_view name_text, const Actor& actor) {
  STARLING_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(email_text));
  STARLING_TRY(ValidatePassword(password));
  STARLING_ASSIGN_OR_RETURN(std::string name, ValidateText(name_text, "name", 200));
  STARLING_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(password, options_.password_cost));
  std::string now = Now();
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<User> {
    STARLING_ASSIGN_OR_RETURN(auto existing, conn.QueryOne("SELECT id FROM users WHERE email = ?", {email}));
    if (existing) {
      return Error{ErrorCode::kConflict, fmt::format("a user with email `{}` already exists", email), "email"};
    }
    STARLING_ASSIGN_OR_RETURN(int64_t id, NextId(conn, "users"));
    STARLING_TRY(conn.Execute(
        "INSERT INTO users (id, email, name, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        {id, email, name, hash, now, now}));
    spdlog::info("accounts: user {} <{}> created by {}", id, email, actor.label);
    return User{id, email, name, true, now};
  });
}

Result<std::optional<User>> Accounts::FindUserByEmail(std::string_view email_text) {
  STARLING_ASSIGN_OR_RETURN(std::string email, NormalizeEmail(email_text));
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::optional<User>> {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne(fmt::format("SELECT {} FROM users WHERE email = ?", kUserColumns), {email}));
    if (!row) return std::optional<User>();
    return std::optional<User>(UserFromRow(*row));
  });
}

Result<int64_t> Accounts::CountUsers() {
  return db::Read(db_, [&](db::Connection& conn) -> Result<int64_t> {
    STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT COUNT(*) FROM users"));
    return row->GetInt64(0);
  });
}

Result<User> Accounts::GetUser(int64_t user_id) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<User> {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne(fmt::format("SELECT {} FROM users WHERE id = ?", kUserColumns), {user_id}));
    if (!row) return internal::NotFound("user", std::to_string(user_id));
    return UserFromRow(*row);
  });
}

Result<User> Accounts::UpdateUserName(int64_t user_id, std::string_view name_text) {
  STARLING_ASSIGN_OR_RETURN(std::string name, ValidateText(name_text, "name", 200));
  std::string now = Now();
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(int64_t changed, conn.Execute("UPDATE users SET name = ?, updated_at = ? WHERE id = ?",
                                                            {name, now, user_id}));
    if (changed == 0) return internal::NotFound("user", std::to_string(user_id));
    return Ok();
  }));
  return GetUser(user_id);
}

Result<NewSession> Accounts::StartSession(db::Connection& conn, const User& user, std::string_view ip,
                                          std::string_view user_agent) {
  NewSession session;
  session.token = crypto::RandomToken(43);
  Principal& p = session.principal;
  p.kind = Principal::Kind::kUser;
  p.user_id = user.id;
  p.email = user.email;
  p.name = user.name;
  p.session_token_hash = crypto::Sha256Hex(session.token);
  p.csrf_token = crypto::RandomToken(32);
  TimePoint now = clock_.Now();
  STARLING_TRY(conn.Execute(
      "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at, last_seen_at, ip, "
      "user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      {p.session_token_hash, user.id, p.csrf_token, FormatIsoUtc(now),
       FormatIsoUtc(now + options_.session_lifetime), FormatIsoUtc(now), ip,
       user_agent.substr(0, std::min<size_t>(user_agent.size(), 300))}));
  return session;
}

Result<NewSession> Accounts::Login(std::string_view email_text, std::string_view password,
                                   std::string_view ip, std::string_view user_agent) {
  auto email = NormalizeEmail(email_text);
  if (!email) return WrongCredentials();
  STARLING_ASSIGN_OR_RETURN(
      auto found, db::Read(db_, [&](db::Connection& conn) -> Result<std::optional<db::Row>> {
        return conn.QueryOne(fmt::format("SELECT {}, password_hash FROM users WHERE email = ?", kUserColumns),
                             {*email});
      }));
  if (!found) {
    // Spend the same time as for a real user, so timing does not tell which emails have accounts.
    static const std::string dummy = crypto::HashPassword("not a password", options_.password_cost).value_or("");
    (void)crypto::VerifyPassword(dummy, password);
    return WrongCredentials();
  }
  if (!crypto::VerifyPassword(found->GetText(5), password)) return WrongCredentials();
  User user = UserFromRow(*found);
  return db::WriteTransaction(db_, [&](db::Connection& conn) -> Result<NewSession> {
    // Housekeeping: a user's expired sessions go when they sign in again.
    STARLING_TRY(conn.Execute("DELETE FROM sessions WHERE user_id = ? AND expires_at < ?", {user.id, Now()}));
    return StartSession(conn, user, ip, user_agent);
  });
}

Result<Principal> Accounts::AuthenticateSession(std::string_view token) {
  if (token.empty() || token.size() > 128) return SessionEnded();
  std::string hash = crypto::Sha256Hex(token);
  STARLING_ASSIGN_OR_RETURN(
      auto row, db::Read(db_, [&](db::Connection& conn) {
        return conn.QueryOne(
            "SELECT s.user_id, u.email, u.name, s.csrf_token, s.expires_at, s.last_seen_at "
            "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?",
            {hash});
      }));
  if (!row) return SessionEnded();
  TimePoint now = clock_.Now();
  auto expires = ParseIsoUtc(row->GetText(4));
  auto last_seen = ParseIsoUtc(row->GetText(5));
  if (!expires || !last_seen || now >= *expires || now - *last_seen >= options_.session_idle) {
    (void)Logout(token);
    return SessionEnded();
  }
  // Sliding idle timeout; written at most once a minute per session to keep reads cheap.
  if (now - *last_seen >= std::chrono::minutes(1)) {
    (void)db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
      STARLING_TRY(conn.Execute("UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?",
                                {FormatIsoUtc(now), hash}));
      return Ok();
    });
  }
  Principal p;
  p.kind = Principal::Kind::kUser;
  p.user_id = row->GetInt64(0);
  p.email = row->GetText(1);
  p.name = row->GetText(2);
  p.csrf_token = row->GetText(3);
  p.session_token_hash = hash;
  return p;
}

Status Accounts::Logout(std::string_view token) {
  std::string hash = crypto::Sha256Hex(token);
  int64_t user_id = 0;
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(auto row, conn.QueryOne("SELECT user_id FROM sessions WHERE token_hash = ?", {hash}));
    if (row) user_id = row->GetInt64(0);
    STARLING_TRY(conn.Execute("DELETE FROM sessions WHERE token_hash = ?", {hash}));
    return Ok();
  }));
  if (user_id != 0) UserAccessChanged(user_id);
  return Ok();
}

Status Accounts::EndSessions(int64_t user_id, std::string_view keep_token_hash) {
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_TRY(conn.Execute("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
                              {user_id, keep_token_hash}));
    return Ok();
  }));
  UserAccessChanged(user_id);
  return Ok();
}

Status Accounts::ChangePassword(int64_t user_id, std::string_view current_password,
                                std::string_view new_password, std::string_view keep_token_hash) {
  STARLING_TRY(ValidatePassword(new_password, "new_password"));
  STARLING_ASSIGN_OR_RETURN(auto row, db::Read(db_, [&](db::Connection& conn) {
                              return conn.QueryOne("SELECT password_hash FROM users WHERE id = ?", {user_id});
                            }));
  if (!row) return internal::NotFound("user", std::to_string(user_id));
  if (!crypto::VerifyPassword(row->GetText(0), current_password)) {
    return Error{ErrorCode::kInvalidArgument, "field `current_password`: the current password is wrong",
                 "current_password"};
  }
  STARLING_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(new_password, options_.password_cost));
  std::string now = Now();
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_TRY(conn.Execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                              {hash, now, user_id}));
    STARLING_TRY(conn.Execute("DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?",
                              {user_id, keep_token_hash}));
    return Ok();
  }));
  UserAccessChanged(user_id);
  return Ok();
}

Result<std::optional<std::string>> Accounts::CreatePasswordResetLink(std::string_view email_text) {
  STARLING_ASSIGN_OR_RETURN(std::optional<User> user, FindUserByEmail(email_text));
  if (!user) return std::optional<std::string>();
  std::string token = crypto::RandomToken(43);
  TimePoint now = clock_.Now();
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    // One live link per user: a new request replaces the previous one.
    STARLING_TRY(conn.Execute("DELETE FROM password_resets WHERE user_id = ?", {user->id}));
    STARLING_TRY(conn.Execute(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
        {crypto::Sha256Hex(token), user->id, FormatIsoUtc(now),
         FormatIsoUtc(now + options_.password_reset_lifetime)}));
    return Ok();
  }));
  return std::optional<std::string>(fmt::format("{}/reset-password?token={}", options_.public_url, token));
}

Status Accounts::ResetPassword(std::string_view token, std::string_view new_password) {
  STARLING_TRY(ValidatePassword(new_password));
  STARLING_ASSIGN_OR_RETURN(std::string hash, crypto::HashPassword(new_password, options_.password_cost));
  std::string token_hash = crypto::Sha256Hex(token);
  std::string now = Now();
  int64_t reset_user = 0;
  STARLING_TRY(db::WriteTransaction(db_, [&](db::Connection& conn) -> Status {
    STARLING_ASSIGN_OR_RETURN(
        auto row, conn.QueryOne("SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = ?",
                                {token_hash}));
    if (!row || !row->IsNull(2) || row->GetText(1) <= now) {
      return Error::InvalidArgument(
          "field `token`: this password-reset link is unknown, already used or expired: ask for a new one",
          "token");
    }
    int64_t user_id = row->GetInt64(0);
    STARLING_TRY(conn.Execute("UPDATE password_resets SET used_at = ? WHERE token_hash = ?", {now, token_hash}));
    STARLING_TRY(conn.Execute("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?",
                              {hash, now, user_id}));
    STARLING_TRY(conn.Execute("DELETE FROM sessions WHERE user_id = ?", {user_id}));
    reset_user = user_id;
    return Ok();
  }));
  UserAccessChanged(reset_user);
  return Ok();
}

Result<std::vector<SessionOrganization>> Accounts::ListUserOrganizations(int64_t user_id) {
  return db::Read(db_, [&](db::Connection& conn) -> Result<std::vector<SessionOrganization>> {
    std::vector<SessionOrganization> orgs;
    // Organizations the user belongs to, plus those holding a store the user is a member of.
    STARLING_TRY(conn.QueryEach(
        "SELECT o.id, o.name, m.role FROM organizations o "
        "LEFT JOIN organization_members m ON m.organization_id = o.id AND m.user_id = ? "
        "WHERE m.user_id IS NOT NULL OR EXISTS (SELECT 1 FROM store_members sm JOIN stores s "
        "  ON s.id = sm.store_id WHERE s.organization_id = o.id AND sm.user_id = ?) "
        "ORDER BY o.name, o.id",
        {user_id, user_id}, [&](const db::Row& row) -> Status {
          SessionOrganization org;
          org.id = row.GetInt64(0);
          org.name = row.GetText(1);
          if (auto role = row.GetOptionalText(2)) {
            if (auto parsed = ParseOrgRole(*role)) org.role = *parsed;
          }
          orgs.push_back(std::move(org));
          return Ok();
        }));
    for (SessionOrganization& org : orgs) {
      bool all_stores = org.role == OrgRole::kOwner || org.role == OrgRole::kAdministrator;
      STARLING_TRY(conn.QueryEach(
          "SELECT s.id, s.name, sm.role FROM stores s "
          "LEFT JOIN store_members sm ON sm.store_id = s.id AND sm.user_id = ? "
          "WHERE s.organization_id = ? AND (? = 1 OR sm.user_id IS NOT NULL) ORDER BY s.name, s.id",
          {user_id, org.id, all_stores ? 1 : 0}, [&](const db::Row& row) -> Status {
            SessionStore store{row.GetInt64(0), row.GetText(1), StoreRole::kMarketer};
            if (all_stores) {
              store.role = StoreRole::kAdministrator;
            } else if (auto role = row.GetOptionalText(2)) {
              if (auto parsed = ParseStoreRole(*role)) store.role = *parsed;
            }
            org.stores.push_back(std::move(store));
            return Ok();
          }));
    }
    return orgs;
  });
}

}  // namespace starling::accounts
