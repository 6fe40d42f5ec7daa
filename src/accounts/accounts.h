// Accounts: users and sign-in, organizations, stores and their settings, members and invitations, API
// keys, excluded IPs and the audit log. The one owner of these tables.
//
// Authorization is not decided here: callers (api/auth.h) establish who is asking and with which role,
// then call the operation; operations only enforce the rules that hold whoever asks (an organization
// keeps an owner, a member is not added twice…). Every change that an administrator would want to trace
// writes an audit entry in the same transaction, attributed to the given Actor.
//
// Threading: thread-safe. Every call may block on the database (a reader, or the writer for changes):
// call it from a blocking thread (http::Dispatch::kBlocking), never from an I/O thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "accounts/ip_matcher.h"
#include "accounts/model.h"
#include "base/clock.h"
#include "base/crypto.h"
#include "base/result.h"
#include "db/database.h"

namespace starling::accounts {

struct AccountsOptions {
  // Base of the links put in invitations and password-reset messages ("http://127.0.0.1:8080").
  std::string public_url = "http://127.0.0.1:8080";
  std::chrono::seconds session_lifetime = std::chrono::hours(24 * 30);  // absolute
  std::chrono::seconds session_idle = std::chrono::hours(24 * 7);       // since last use
  std::chrono::seconds invitation_lifetime = std::chrono::hours(24 * 7);
  std::chrono::seconds password_reset_lifetime = std::chrono::hours(1);
  crypto::PasswordCost password_cost = crypto::PasswordCost::kInteractive;
};

// The authenticated caller of a request: a signed-in user (session) or a store's API key.
struct Principal {
  enum class Kind { kUser, kApiKey };
  Kind kind = Kind::kUser;
  // kUser
  int64_t user_id = 0;
  std::string email, name;
  std::string session_token_hash;
  std::string csrf_token;
  // kApiKey
  std::string key_id, key_name;
  int64_t key_store_id = 0;
  ScopeSet scopes;

  bool is_user() const { return kind == Kind::kUser; }
  Actor ToActor() const;
};

struct NewSession {
  std::string token;  // the cookie value; only its hash is stored
  Principal principal;
};

struct NewApiKey {
  ApiKey key;
  std::string secret;  // shown once
};

struct InvitationPreview {
  int64_t id = 0;
  std::string email;
  std::string role;
  int64_t organization_id = 0;
  std::string organization_name;
  std::optional<int64_t> store_id;
  std::string store_name;
  bool user_exists = false;
  std::string expires_at;
  std::string invited_by;
};

class Accounts final {
 public:
  // `db` and `clock` must outlive this object.
  Accounts(db::Database& db, const Clock& clock, AccountsOptions options);
  Accounts(const Accounts&) = delete;
  Accounts& operator=(const Accounts&) = delete;

  const AccountsOptions& options() const { return options_; }

  // Called (on the caller's thread, after the commit) whenever a store's settings, tracking token or
  // excluded IPs change: caches elsewhere refresh from it. Add listeners while wiring, before serving.
  using StoreChangeListener = std::function<void(int64_t store_id)>;
  void AddStoreChangeListener(StoreChangeListener listener) { listeners_.push_back(std::move(listener)); }
  // Called (on the caller's thread, after the commit) when a user's access may have shrunk: a session
  // ended (sign-out, password changed or reset), an organization or store role changed, a membership
  // removed. Whatever keeps access granted earlier open (the live view's streams) ends it; the client
  // asks again and is authorized anew. Add listeners while wiring, before serving.
  using UserAccessListener = std::function<void(int64_t user_id)>;
  void AddUserAccessListener(UserAccessListener listener) { user_listeners_.push_back(std::move(listener)); }

  // ---- Users and sessions ---------------------------------------------------------------------------
  // Errors: email taken → kConflict (field email); invalid email/password → kInvalidArgument.
  Result<User> CreateUser(std::string_view email, std::string_view password, std::string_view name,
                          const Actor& actor);
  Result<std::optional<User>> FindUserByEmail(std::string_view email);
  Result<int64_t> CountUsers();
  Result<User> GetUser(int64_t user_id);
  Result<User> UpdateUserName(int64_t user_id, std::string_view name);
  // Wrong email or password → kUnauthenticated ("wrong email or password"), whichever was wrong.
  Result<NewSession> Login(std::string_view email, std::string_view password, std::string_view ip,
                           std::string_view user_agent);
  // The session's user, or kUnauthenticated when the token is unknown, expired or idle too long.
  Result<Principal> AuthenticateSession(std::string_view token);
  Status Logout(std::string_view token);
  // Ends every session of the user except `keep_token_hash` (may be empty: all of them).
  Status EndSessions(int64_t user_id, std::string_view keep_token_hash);
  Status ChangePassword(int64_t user_id, std::string_view current_password,
                        std::string_view new_password, std::string_view keep_token_hash);
  // A new reset link for the user with this email; nullopt when there is none (the API does not tell).
  Result<std::optional<std::string>> CreatePasswordResetLink(std::string_view email);
  Status ResetPassword(std::string_view token, std::string_view new_password);
  // The organizations and stores the user can open (for the session answer and the selector).
  Result<std::vector<SessionOrganization>> ListUserOrganizations(int64_t user_id);

  // ---- Organizations ------------------------------------------------------------------------------
  Result<Organization> CreateOrganization(std::string_view name, int64_t owner_user_id, const Actor& actor);
  Result<Organization> GetOrganization(int64_t organization_id);
  Result<Organization> UpdateOrganization(int64_t organization_id, const OrganizationPatch& patch,
                                          const Actor& actor);
  // nullopt: not a member (or no such organization).
  Result<std::optional<OrgRole>> OrganizationRoleOf(int64_t user_id, int64_t organization_id);
  Result<std::vector<StoreSettings>> ListOrganizationStores(int64_t organization_id);
  Result<std::vector<Member>> ListOrganizationMembers(int64_t organization_id);
  // An existing user becomes a member at once; anyone else gets an invitation (invitation_url set).
  Result<Member> AddOrganizationMember(int64_t organization_id, std::string_view email, OrgRole role,
                                       const Actor& actor);
  // `actor_role`: the caller's own role (only owners grant or take away `owner`).
  Result<Member> ChangeOrganizationMemberRole(int64_t organization_id, int64_t user_id, OrgRole role,
                                              OrgRole actor_role, const Actor& actor);
  // Also removes the user from every store of the organization.
  Status RemoveOrganizationMember(int64_t organization_id, int64_t user_id, OrgRole actor_role,
                                  const Actor& actor);

  // ---- Stores -------------------------------------------------------------------------------------
  // `creator_user_id` (0: none, e.g. the CLI) becomes an administrator of the store.
  Result<StoreSettings> CreateStore(int64_t organization_id, const StorePatch& fields,
                                    int64_t creator_user_id, const Actor& actor);
  Result<StoreSettings> GetStore(int64_t store_id);
  Result<std::optional<StoreSettings>> FindStoreByTrackingToken(std::string_view token);
  // The first store whose site URL is exactly `url` (the demo store); nullopt when none.
  Result<std::optional<StoreSettings>> FindStoreBySiteUrl(std::string_view url);
  Result<StoreSettings> UpdateStore(int64_t store_id, const StorePatch& patch, const Actor& actor);
  Result<StoreSettings> RotateTrackingToken(int64_t store_id, const Actor& actor);
  // The user's effective role in the store: organization owners and administrators are
  // administrators of every store of their organization; otherwise the store membership decides.
  Result<std::optional<StoreRole>> EffectiveStoreRole(int64_t user_id, int64_t store_id);

  Result<std::vector<Member>> ListStoreMembers(int64_t store_id);
  // An existing user is added at once (and becomes an organization member if not yet one); anyone else
  // is invited. Already a member or invited → kConflict (field email).
  Result<Member> AddStoreMember(int64_t store_id, std::string_view email, StoreRole role,
                                const Actor& actor);
  Result<Member> ChangeStoreMemberRole(int64_t store_id, int64_t user_id, StoreRole role,
                                       const Actor& actor);
  Status RemoveStoreMember(int64_t store_id, int64_t user_id, const Actor& actor);

  // ---- Invitations --------------------------------------------------------------------------------
  // Unknown token → kNotFound; expired, revoked or accepted → kInvalidArgument (field token).
  Result<InvitationPreview> PreviewInvitation(std::string_view token);
  // New user: sets name and password. Existing user with a password: `password` must match it
  // (kUnauthenticated otherwise). Creates the membership and signs the user in.
  Result<NewSession> AcceptInvitation(std::string_view token, std::string_view password,
                                      std::string_view name, std::string_view ip,
                                      std::string_view user_agent);
  // `store_id`: the store the invitation must belong to (nullopt: an organization invitation of
  // `organization_id`). Anything else → kNotFound.
  Status RevokeInvitation(int64_t organization_id, std::optional<int64_t> store_id,
                          int64_t invitation_id, const Actor& actor);

  // ---- API keys -------------------------------------------------------------------------------------
  Result<NewApiKey> CreateApiKey(int64_t store_id, std::string_view name, const ScopeSet& scopes,
                                 const Actor& actor);
  Result<std::vector<ApiKey>> ListApiKeys(int64_t store_id);
  // Unknown key of this store → kNotFound; already revoked → Ok (idempotent).
  Status RevokeApiKey(int64_t store_id, std::string_view key_id, const Actor& actor);
  // The key's principal, or kUnauthenticated (unknown, wrong secret, revoked). Records the use
  // (last_used_at, written at most once a minute per key).
  Result<Principal> AuthenticateApiKey(std::string_view key_id, std::string_view secret);

  // ---- Excluded IPs ---------------------------------------------------------------------------------
  Result<std::vector<ExcludedIp>> ListExcludedIps(int64_t store_id);
  // `ip`: an address or CIDR range; invalid → kInvalidArgument (field ip); listed → kConflict.
  Result<ExcludedIp> AddExcludedIp(int64_t store_id, std::string_view ip, std::string_view label,
                                   const Actor& actor);
  Status RemoveExcludedIp(int64_t store_id, int64_t id, const Actor& actor);
  // The store's matcher, built once and rebuilt after each change: cheap to call per request.
  Result<std::shared_ptr<const IpMatcher>> ExcludedIpMatcher(int64_t store_id);

  // ---- Audit log ----------------------------------------------------------------------------------
  // Newest first; `before_id` is the cursor of the previous page; `limit` 1…200.
  Result<AuditPage> ListStoreAudit(int64_t store_id, std::optional<int64_t> before_id, int limit);
  Result<AuditPage> ListOrganizationAudit(int64_t organization_id, std::optional<int64_t> before_id,
                                          int limit);

 private:
  struct Impl;
  Result<NewSession> StartSession(db::Connection& conn, const User& user, std::string_view ip,
                                  std::string_view user_agent);
  std::string Now() const { return FormatIsoUtc(clock_.Now()); }
  void NotifyStoreChanged(int64_t store_id) const {
    for (const auto& listener : listeners_) listener(store_id);
  }

  db::Database& db_;
  const Clock& clock_;
  AccountsOptions options_;
  std::vector<StoreChangeListener> listeners_;
  std::vector<UserAccessListener> user_listeners_;
  void UserAccessChanged(int64_t user_id) const {
    for (const auto& listener : user_listeners_) listener(user_id);
  }

  std::mutex cache_mutex_;
  std::unordered_map<int64_t, std::shared_ptr<const IpMatcher>> ip_matchers_;  // by store
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> key_use_written_;
};

}  // namespace starling::accounts
