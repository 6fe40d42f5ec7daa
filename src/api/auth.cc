#include "api/auth.h"

#include "base/text.h"

#include <fmt/format.h>

#include <charconv>

namespace starling::api {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

// The value of cookie `name` in a Cookie header ("a=1; starling_session=xyz").
std::optional<std::string_view> CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    size_t semi = header.find(';');
    std::string_view pair = Trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    size_t eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) return pair.substr(eq + 1);
  }
  return std::nullopt;
}

std::string OriginOf(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  size_t path = url.find('/', scheme + 3);
  std::string origin(url.substr(0, path));
  for (char& c : origin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return origin;
}

bool ChangesState(http::Method method) {
  return method != http::Method::kGet && method != http::Method::kHead && method != http::Method::kOptions;
}

Error Forbidden(std::string message) { return Error{ErrorCode::kPermissionDenied, std::move(message), {}}; }

Error UsersOnly() {
  return Forbidden("this endpoint is for signed-in users of the web UI; API keys cannot call it");
}

http::Response WithHeaders(http::Response response, Headers& extra) {
  for (auto& header : extra) response.headers.push_back(std::move(header));
  return response;
}

}  // namespace

Auth::Auth(accounts::Accounts& accounts, const Clock& clock, AuthOptions options)
    : accounts_(accounts),
      clock_(clock),
      options_(std::move(options)),
      secure_cookie_(options_.public_url.starts_with("https://")),
      origin_(OriginOf(options_.public_url)),
      api_limiter_({options_.api_requests_per_minute, std::chrono::seconds(60), 100000}, clock),
      sign_in_ip_limiter_({options_.sign_ins_per_minute, std::chrono::seconds(60), 100000}, clock),
      sign_in_email_limiter_({options_.failed_sign_ins, std::chrono::seconds(15 * 60), 100000}, clock) {}

Result<Principal> Auth::Authenticate(const http::Request& request, Headers& response_headers) {
  if (auto authorization = request.Header("authorization")) {
    std::string_view value = Trim(*authorization);
    constexpr std::string_view kScheme = "apiKey ";
    if (!value.starts_with(kScheme)) {
      return Error{ErrorCode::kUnauthenticated,
                   "unsupported Authorization header: use `Authorization: apiKey {keyId}:{keySecret}`", {}};
    }
    std::string_view credentials = Trim(value.substr(kScheme.size()));
    size_t colon = credentials.find(':');
    if (colon == std::string_view::npos) {
      return Error{ErrorCode::kUnauthenticated,
                   "malformed API key: use `Authorization: apiKey {keyId}:{keySecret}`", {}};
    }
    STARLING_ASSIGN_OR_RETURN(Principal principal, accounts_.AuthenticateApiKey(credentials.substr(0, colon),
                                                                                credentials.substr(colon + 1)));
    http::RateLimitDecision decision = api_limiter_.Take(principal.key_id);
    http::RateLimiter::AddHeaders(decision, response_headers);
    if (!decision.allowed) {
      return Error{ErrorCode::kRateLimited,
                   fmt::format("this API key made more than {} requests this minute: retry in {} s",
                               decision.limit, decision.retry_after_seconds),
                   {}};
    }
    return principal;
  }
  if (auto cookie = request.Header("cookie")) {
    if (auto token = CookieValue(*cookie, kSessionCookie)) return accounts_.AuthenticateSession(*token);
  }
  return Error{ErrorCode::kUnauthenticated,
               "sign in first, or send an API key: `Authorization: apiKey {keyId}:{keySecret}`", {}};
}

Status Auth::CheckSessionRequest(const http::Request& request, const Principal& principal) const {
  if (!principal.is_user() || !ChangesState(request.method)) return Ok();
  if (auto origin = request.Header("origin")) {
    std::string got = OriginOf(*origin);
    std::string host_origin;
    if (auto host = request.Header("host")) host_origin = OriginOf(fmt::format("{}://{}", secure_cookie_ ? "https" : "http", *host));
    if (got != origin_ && got != host_origin) {
      return Forbidden(fmt::format("cross-site request refused: Origin `{}` is not this server ({})", *origin, origin_));
    }
  }
  auto token = request.Header("x-csrf-token");
  if (!token || !crypto::ConstantTimeEquals(*token, principal.csrf_token)) {
    return Forbidden(
        "missing or wrong X-CSRF-Token header: send the csrf_token of GET /api/v1/session with every request "
        "that changes something");
  }
  return Ok();
}

Status Auth::CheckSignIn(std::string_view ip, std::string_view email, Headers& response_headers) {
  http::RateLimitDecision by_ip = sign_in_ip_limiter_.Take(fmt::format("ip:{}", ip));
  http::RateLimiter::AddHeaders(by_ip, response_headers);
  if (!by_ip.allowed) {
    return Error{ErrorCode::kRateLimited,
                 fmt::format("too many sign-in attempts from this address: retry in {} s", by_ip.retry_after_seconds),
                 {}};
  }
  http::RateLimitDecision by_email = sign_in_email_limiter_.Peek(email);
  if (!by_email.allowed) {
    response_headers.emplace_back("Retry-After", std::to_string(by_email.retry_after_seconds));
    return Error{ErrorCode::kRateLimited,
                 fmt::format("too many failed sign-ins for this account: retry in {} minute(s), or reset the password",
                             (by_email.retry_after_seconds + 59) / 60),
                 {}};
  }
  return Ok();
}

void Auth::RecordSignInFailure(std::string_view email) { sign_in_email_limiter_.Take(email); }

void Auth::RecordSignInSuccess(std::string_view email) { sign_in_email_limiter_.Reset(email); }

std::string Auth::SessionCookie(std::string_view token) const {
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", kSessionCookie, token,
                     accounts_.options().session_lifetime.count(), secure_cookie_ ? "; Secure" : "");
}

std::string Auth::ClearedSessionCookie() const {
  return fmt::format("{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}", kSessionCookie,
                     secure_cookie_ ? "; Secure" : "");
}

// ---- ApiRoutes ------------------------------------------------------------------------------------------

Result<int64_t> PathId(const http::Request& request, std::string_view name) {
  std::string_view text = request.PathParam(name);
  int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return Error::NotFound(fmt::format("`{}` is not a valid {}", text, name));
  }
  return id;
}

void ApiRoutes::Add(http::Method method, std::string pattern, std::string access, std::string summary,
                    std::function<http::Response(http::Request&, Headers&)> body, std::string stream_content_type) {
  docs_.push_back(RouteDoc{method, pattern, access, std::move(summary), std::move(stream_content_type)});
  router_.Add(
      method, pattern,
      [body = std::move(body)](http::Request& request) {
        Headers extra;
        http::Response response = body(request, extra);
        return WithHeaders(std::move(response), extra);
      },
      http::Dispatch::kBlocking);
}

void ApiRoutes::Public(http::Method method, std::string pattern, std::string summary, PublicHandler handler) {
  Add(method, std::move(pattern), "public", std::move(summary),
      [handler = std::move(handler)](http::Request& request, Headers&) { return handler(request); });
}

void ApiRoutes::SignedIn(http::Method method, std::string pattern, std::string summary, CallerHandler handler) {
  Add(method, std::move(pattern), "signed_in", std::move(summary),
      [this, handler = std::move(handler)](http::Request& request, Headers& extra) {
        auto principal = auth_.Authenticate(request, extra);
        if (!principal) return http::Response::FromError(principal.error());
        if (!principal->is_user()) return http::Response::FromError(UsersOnly());
        if (Status s = auth_.CheckSessionRequest(request, *principal); !s) return http::Response::FromError(s.error());
        return handler(request, *principal);
      });
}

void ApiRoutes::Caller(http::Method method, std::string pattern, std::string summary, CallerHandler handler) {
  Add(method, std::move(pattern), "caller", std::move(summary),
      [this, handler = std::move(handler)](http::Request& request, Headers& extra) {
        auto principal = auth_.Authenticate(request, extra);
        if (!principal) return http::Response::FromError(principal.error());
        if (Status s = auth_.CheckSessionRequest(request, *principal); !s) return http::Response::FromError(s.error());
        return handler(request, *principal);
      });
}

void ApiRoutes::Organization(http::Method method, std::string pattern, std::string summary,
                             accounts::OrgRole min_role, OrgHandler handler) {
  std::string access = fmt::format("organization:{}", accounts::RoleName(min_role));
  Add(method, std::move(pattern), std::move(access), std::move(summary),
      [this, min_role, handler = std::move(handler)](http::Request& request, Headers& extra) {
        auto principal = auth_.Authenticate(request, extra);
        if (!principal) return http::Response::FromError(principal.error());
        if (!principal->is_user()) return http::Response::FromError(UsersOnly());
        auto org_id = PathId(request, "org_id");
        if (!org_id) return http::Response::FromError(org_id.error());
        auto role = auth_.accounts().OrganizationRoleOf(principal->user_id, *org_id);
        if (!role) return http::Response::FromError(role.error());
        if (!*role) {
          return http::Response::FromError(Error::NotFound(fmt::format("organization {} does not exist", *org_id)));
        }
        if (**role < min_role) {
          return http::Response::FromError(Forbidden(fmt::format(
              "this needs the organization role `{}` or higher; yours is `{}`", accounts::RoleName(min_role),
              accounts::RoleName(**role))));
        }
        if (Status s = auth_.CheckSessionRequest(request, *principal); !s) return http::Response::FromError(s.error());
        return handler(request, OrgContext{*principal, *org_id, **role});
      });
}

std::string ApiRoutes::StoreAccess(accounts::StoreRole min_role, const KeyAccess& keys) {
  std::string access = fmt::format("store:{}", accounts::RoleName(min_role));
  if (keys.kind == KeyAccess::Kind::kAnyScope) access += "+key";
  if (keys.kind == KeyAccess::Kind::kScope) {
    access += fmt::format("+key:{}:{}", keys.resource, keys.access == accounts::Access::kWrite ? "write" : "read");
  }
  return access;
}

http::Response ApiRoutes::AuthorizeStore(http::Request& request, Headers& extra, accounts::StoreRole min_role,
                                         const KeyAccess& keys,
                                         const std::function<http::Response(const StoreContext&)>& handler) {
  auto principal = auth_.Authenticate(request, extra);
  if (!principal) return http::Response::FromError(principal.error());
  auto store_id = PathId(request, "store_id");
  if (!store_id) return http::Response::FromError(store_id.error());
  Error no_store = Error::NotFound(fmt::format("store {} does not exist", *store_id));
  if (!principal->is_user()) {
    if (principal->key_store_id != *store_id) return http::Response::FromError(no_store);
    if (keys.kind == KeyAccess::Kind::kNone) {
      return http::Response::FromError(
          Forbidden("API keys cannot call this endpoint: it is for store administrators in the web UI"));
    }
    if (keys.kind == KeyAccess::Kind::kScope && !principal->scopes.Allows(keys.resource, keys.access)) {
      return http::Response::FromError(Forbidden(fmt::format(
          "this API key lacks the scope `{}:{}`", keys.resource,
          keys.access == accounts::Access::kWrite ? "write" : "read")));
    }
    return handler(StoreContext{*principal, *store_id, accounts::StoreRole::kMarketer});
  }
  auto role = auth_.accounts().EffectiveStoreRole(principal->user_id, *store_id);
  if (!role) return http::Response::FromError(role.error());
  if (!*role) return http::Response::FromError(no_store);
  if (**role < min_role) {
    return http::Response::FromError(Forbidden(fmt::format(
        "only store {}s can do this; your role in this store is `{}`", accounts::RoleName(min_role),
        accounts::RoleName(**role))));
  }
  if (Status s = auth_.CheckSessionRequest(request, *principal); !s) return http::Response::FromError(s.error());
  return handler(StoreContext{*principal, *store_id, **role});
}

void ApiRoutes::Store(http::Method method, std::string pattern, std::string summary, accounts::StoreRole min_role,
                      KeyAccess keys, StoreHandler handler) {
  Add(method, std::move(pattern), StoreAccess(min_role, keys), std::move(summary),
      [this, min_role, keys, handler = std::move(handler)](http::Request& request, Headers& extra) {
        return AuthorizeStore(request, extra, min_role, keys,
                              [&](const StoreContext& ctx) { return handler(request, ctx); });
      });
}

void ApiRoutes::StoreStream(http::Method method, std::string pattern, std::string summary,
                            accounts::StoreRole min_role, KeyAccess keys, std::string content_type,
                            http::StreamOptions options, StoreStreamHandler handler) {
  std::string documented = content_type;
  Add(
      method, std::move(pattern), StoreAccess(min_role, keys), std::move(summary),
      [this, min_role, keys, content_type = std::move(content_type), options = std::move(options),
       handler = std::move(handler)](http::Request& request, Headers& extra) {
        return AuthorizeStore(request, extra, min_role, keys, [&](const StoreContext& ctx) {
          auto start = handler(request, ctx);
          if (!start) return http::Response::FromError(start.error());
          return http::Response::Stream(content_type, std::move(*start), options);
        });
      },
      std::move(documented));
}

void ApiRoutes::KeyStore(http::Method method, std::string pattern, std::string summary, KeyAccess keys,
                         StoreHandler handler) {
  std::string access = "key";
  if (keys.kind == KeyAccess::Kind::kScope) {
    access += fmt::format(":{}:{}", keys.resource, keys.access == accounts::Access::kWrite ? "write" : "read");
  }
  Add(method, std::move(pattern), std::move(access), std::move(summary),
      [this, keys, handler = std::move(handler)](http::Request& request, Headers& extra) {
        auto principal = auth_.Authenticate(request, extra);
        if (!principal) return http::Response::FromError(principal.error());
        if (principal->is_user()) {
          return http::Response::FromError(Forbidden(
              "this endpoint is for API keys (`Authorization: apiKey {keyId}:{keySecret}`); the web UI uses "
              "/api/v1/stores/{store_id}/…"));
        }
        if (keys.kind == KeyAccess::Kind::kScope && !principal->scopes.Allows(keys.resource, keys.access)) {
          return http::Response::FromError(Forbidden(fmt::format(
              "this API key lacks the scope `{}:{}`", keys.resource,
              keys.access == accounts::Access::kWrite ? "write" : "read")));
        }
        return handler(request, StoreContext{*principal, principal->key_store_id, accounts::StoreRole::kMarketer});
      });
}

}  // namespace starling::api
