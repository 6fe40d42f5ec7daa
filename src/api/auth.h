// Authentication and authorization for API routes: the one place that decides who may call what.
//
// Every API route is registered through ApiRoutes with the least access it needs:
//   - Public: anyone (sign-in, invitation preview, scopes list);
//   - SignedIn: a user session (API keys are refused with 403);
//   - Caller: a user session or any API key;
//   - Organization(min role): a user who is a member of the organization in `{org_id}` with at least
//     that role;
//   - Store(min role, key access): a user whose effective role in the store `{store_id}` is at least
//     `min role`, or — only when `key access` allows it — an API key of that very store holding the
//     required scope.
// A caller with no access at all to the organization or store gets 404 (its existence is not revealed);
// one with access but too little gets 403. Session requests that change state must carry the session's
// CSRF token in `X-CSRF-Token`, and a foreign `Origin` is refused. API-key requests are rate-limited per
// key, and every answer to them carries the X-RateLimit-* headers.
//
// Every route runs on the server's blocking pool (http::Dispatch::kBlocking): authentication reads the
// database. A streaming route (StoreStream) is authorized there too, once, when it opens; its stream
// then holds no thread.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "accounts/accounts.h"
#include "base/clock.h"
#include "http/rate_limiter.h"
#include "http/router.h"

namespace starling::api {

using accounts::Principal;

inline constexpr std::string_view kSessionCookie = "starling_session";

struct AuthOptions {
  // The server's own origin ("http://127.0.0.1:8080"), for the Origin check and the Secure cookie flag.
  std::string public_url;
  uint32_t api_requests_per_minute = 600;  // per API key
  uint32_t sign_ins_per_minute = 20;       // attempts per client IP
  uint32_t failed_sign_ins = 5;            // per email, then blocked for the rest of 15 minutes
};

// What a store route's handler gets: the caller and the caller's effective role there.
struct StoreContext {
  const Principal& principal;
  int64_t store_id;
  // Effective role for users; for API keys, kMarketer (keys never reach administrator routes).
  accounts::StoreRole role;
};

struct OrgContext {
  const Principal& principal;
  int64_t organization_id;
  accounts::OrgRole role;
};

// Which API keys a store route admits.
struct KeyAccess {
  enum class Kind { kNone, kAnyScope, kScope };
  Kind kind = Kind::kNone;
  std::string resource;  // kScope: one of accounts::kScopeResources
  accounts::Access access = accounts::Access::kRead;

  static KeyAccess None() { return {}; }
  static KeyAccess AnyScope() { return {Kind::kAnyScope, {}, accounts::Access::kRead}; }
  static KeyAccess Scope(std::string resource, accounts::Access access) {
    return {Kind::kScope, std::move(resource), access};
  }
};

class Auth final {
 public:
  // `accounts` and `clock` must outlive this object.
  Auth(accounts::Accounts& accounts, const Clock& clock, AuthOptions options);

  // The caller, from the `Authorization: apiKey …` header or the session cookie. For API keys, takes
  // one unit of the key's rate limit and appends the X-RateLimit-* headers to `response_headers`.
  // kUnauthenticated without valid credentials; kRateLimited over the limit.
  Result<Principal> Authenticate(const http::Request& request,
                                 std::vector<std::pair<std::string, std::string>>& response_headers);
  // For session callers of state-changing methods: the CSRF token and the Origin.
  Status CheckSessionRequest(const http::Request& request, const Principal& principal) const;

  // Sign-in throttling (see AuthOptions). Check before verifying the password; record failures.
  Status CheckSignIn(std::string_view ip, std::string_view email,
                     std::vector<std::pair<std::string, std::string>>& response_headers);
  void RecordSignInFailure(std::string_view email);
  void RecordSignInSuccess(std::string_view email);

  // `Set-Cookie` values for a new session and for signing out.
  std::string SessionCookie(std::string_view token) const;
  std::string ClearedSessionCookie() const;

  accounts::Accounts& accounts() { return accounts_; }
  const AuthOptions& options() const { return options_; }

 private:
  accounts::Accounts& accounts_;
  const Clock& clock_;
  AuthOptions options_;
  bool secure_cookie_;
  std::string origin_;  // scheme://host[:port] of public_url
  http::RateLimiter api_limiter_;
  http::RateLimiter sign_in_ip_limiter_;
  http::RateLimiter sign_in_email_limiter_;
};

// One documented route, for the OpenAPI document and the tenant-isolation tests.
struct RouteDoc {
  http::Method method;
  std::string pattern;
  std::string access;  // "public", "signed_in", "caller", "organization:<role>", "store:<role>[+key:<scope>]"
  std::string summary;
  std::string stream_content_type;  // streaming routes: what the stream is ("text/event-stream")
};

// Registers API routes with their access rule (see the top of this file).
class ApiRoutes final {
 public:
  using PublicHandler = std::function<http::Response(http::Request&)>;
  using CallerHandler = std::function<http::Response(http::Request&, const Principal&)>;
  using OrgHandler = std::function<http::Response(http::Request&, const OrgContext&)>;
  using StoreHandler = std::function<http::Response(http::Request&, const StoreContext&)>;

  // `router` and `auth` must outlive the routes.
  ApiRoutes(http::Router& router, Auth& auth) : router_(router), auth_(auth) {}

  void Public(http::Method method, std::string pattern, std::string summary, PublicHandler handler);
  void SignedIn(http::Method method, std::string pattern, std::string summary, CallerHandler handler);
  void Caller(http::Method method, std::string pattern, std::string summary, CallerHandler handler);
  void Organization(http::Method method, std::string pattern, std::string summary, accounts::OrgRole min_role,
                    OrgHandler handler);
  void Store(http::Method method, std::string pattern, std::string summary, accounts::StoreRole min_role,
             KeyAccess keys, StoreHandler handler);
  // A store route that answers with a stream (server-sent events): the access rule of Store(), checked
  // once when the stream opens. `handler` runs on the blocking pool after the check, reads what it
  // needs from the request and returns the function that starts the stream (see http::StreamStart: it
  // runs later, on an I/O thread, so it must copy what it uses — the StoreContext's principal is gone
  // by then), or an error, answered as JSON. The stream is `content_type` with `options`.
  using StoreStreamHandler =
      std::function<Result<http::StreamStart>(http::Request&, const StoreContext&)>;
  void StoreStream(http::Method method, std::string pattern, std::string summary, accounts::StoreRole min_role,
                   KeyAccess keys, std::string content_type, http::StreamOptions options,
                   StoreStreamHandler handler);
  // The public REST API of one store: API keys only (the key's store), with the scope `keys` names.
  // Sessions are refused: the web UI uses the /api/v1/stores/{store_id}/… routes.
  void KeyStore(http::Method method, std::string pattern, std::string summary, KeyAccess keys,
                StoreHandler handler);

  // Documents a route registered straight on the router (the tracking ways in, which are asynchronous
  // and authenticated by their own token): `access` is "tracking_token" (the store's token in the path)
  // or "write_key" (the token as the Basic-auth user name).
  void Document(http::Method method, std::string pattern, std::string access, std::string summary) {
    docs_.push_back({method, std::move(pattern), std::move(access), std::move(summary), {}});
  }

  const std::vector<RouteDoc>& docs() const { return docs_; }
  Auth& auth() { return auth_; }

 private:
  using Headers = std::vector<std::pair<std::string, std::string>>;
  void Add(http::Method method, std::string pattern, std::string access, std::string summary,
           std::function<http::Response(http::Request&, Headers&)> body, std::string stream_content_type = {});
  // The rule of store routes (top of this file): calls `handler` with the caller's context, or answers
  // why not.
  http::Response AuthorizeStore(http::Request& request, Headers& extra, accounts::StoreRole min_role,
                                const KeyAccess& keys,
                                const std::function<http::Response(const StoreContext&)>& handler);
  static std::string StoreAccess(accounts::StoreRole min_role, const KeyAccess& keys);

  http::Router& router_;
  Auth& auth_;
  std::vector<RouteDoc> docs_;
};

// A positive integer path parameter, or kNotFound naming it.
Result<int64_t> PathId(const http::Request& request, std::string_view name);

}  // namespace starling::api
