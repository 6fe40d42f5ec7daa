#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "api/account_handlers.h"
#include "accounts/validation.h"
#include "api/accounts_json.h"

namespace starling::api {
namespace {

using http::Method;
using http::Response;

Response Error(const starling::Error& error) { return Response::FromError(error); }

Response SignedInAnswer(Auth& auth, const accounts::NewSession& session, int status = 200) {
  auto orgs = auth.accounts().ListUserOrganizations(session.principal.user_id);
  if (!orgs) return Error(orgs.error());
  Response response = Response::Json(status, SessionJson(session.principal, *orgs));
  response.headers.emplace_back("Set-Cookie", auth.SessionCookie(session.token));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// The key sign-in throttling counts failures under: the email as the user would be found.
std::string EmailKey(std::string_view email) {
  auto normalized = accounts::NormalizeEmail(email);
  if (normalized) return *normalized;
  std::string lower(email.substr(0, 254));
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::string_view UserAgent(const http::Request& request) { return request.Header("user-agent").value_or(""); }

}  // namespace

void RegisterSessionRoutes(ApiRoutes& routes) {
  Auth& auth = routes.auth();
  accounts::Accounts& accounts = auth.accounts();

  routes.Public(Method::kPost, "/api/v1/auth/login", "Sign in with email and password; sets the session cookie",
                [&auth, &accounts](http::Request& request) {
                  auto body = ParseBody(request);
                  if (!body) return Error(body.error());
                  auto email = GetString(*body, "email");
                  if (!email) return Error(email.error());
                  auto password = GetString(*body, "password");
                  if (!password) return Error(password.error());
                  std::string key = EmailKey(*email);
                  std::vector<std::pair<std::string, std::string>> headers;
                  if (Status allowed = auth.CheckSignIn(request.remote_address, key, headers); !allowed) {
                    Response refused = Error(allowed.error());
                    refused.headers = std::move(headers);
                    return refused;
                  }
                  auto session = accounts.Login(*email, *password, request.remote_address, UserAgent(request));
                  if (!session) {
                    if (session.error().code == ErrorCode::kUnauthenticated) auth.RecordSignInFailure(key);
                    spdlog::info("accounts: failed sign-in for {} from {}", key, request.remote_address);
                    Response failed = Error(session.error());
                    for (auto& h : headers) failed.headers.push_back(std::move(h));
                    return failed;
                  }
                  auth.RecordSignInSuccess(key);
                  Response ok = SignedInAnswer(auth, *session);
                  for (auto& h : headers) ok.headers.push_back(std::move(h));
                  return ok;
                });

  routes.Public(Method::kPost, "/api/v1/auth/logout", "Sign out: ends the session and clears the cookie",
                [&auth, &accounts](http::Request& request) {
                  if (auto cookie = request.Header("cookie")) {
                    std::string_view header = *cookie;
                    std::string prefix = fmt::format("{}=", kSessionCookie);
                    size_t at = header.find(prefix);
                    if (at != std::string_view::npos) {
                      std::string_view token = header.substr(at + prefix.size());
                      token = token.substr(0, token.find(';'));
                      if (Status s = accounts.Logout(token); !s) return Error(s.error());
                    }
                  }
                  Response response = Response::NoContent();
                  response.headers.emplace_back("Set-Cookie", auth.ClearedSessionCookie());
                  return response;
                });

  routes.SignedIn(Method::kGet, "/api/v1/session", "The signed-in user, CSRF token, organizations and stores",
                  [&accounts](http::Request&, const Principal& principal) {
                    auto orgs = accounts.ListUserOrganizations(principal.user_id);
                    if (!orgs) return Error(orgs.error());
                    Response response = Response::Json(200, SessionJson(principal, *orgs));
                    response.headers.emplace_back("Cache-Control", "no-store");
                    return response;
                  });

  routes.Public(Method::kPost, "/api/v1/auth/password-reset",
                "Ask for a password-reset link (always 202; the link is logged until email exists)",
                [&accounts](http::Request& request) {
                  auto body = ParseBody(request);
                  if (!body) return Error(body.error());
                  auto email = GetString(*body, "email");
                  if (!email) return Error(email.error());
                  auto link = accounts.CreatePasswordResetLink(*email);
                  if (!link && link.error().code != ErrorCode::kInvalidArgument) return Error(link.error());
                  if (link && *link) {
                    spdlog::info("accounts: password-reset link for {} (valid {} min): {}", *email,
                                 accounts.options().password_reset_lifetime.count() / 60, **link);
                  }
                  return Response::Json(202, json::object{});
                });

  routes.Public(Method::kPost, "/api/v1/auth/password-reset/confirm", "Set a new password with a reset token",
                [&accounts](http::Request& request) {
                  auto body = ParseBody(request);
                  if (!body) return Error(body.error());
                  auto token = GetString(*body, "token");
                  if (!token) return Error(token.error());
                  auto password = GetString(*body, "password");
                  if (!password) return Error(password.error());
                  if (Status s = accounts.ResetPassword(*token, *password); !s) return Error(s.error());
                  return Response::NoContent();
                });

  routes.Public(Method::kGet, "/api/v1/invitations/{token}", "What an invitation link offers",
                [&accounts](http::Request& request) {
                  auto preview = accounts.PreviewInvitation(request.PathParam("token"));
                  if (!preview) return Error(preview.error());
                  return Response::Json(200, InvitationJson(*preview));
                });

  routes.Public(Method::kPost, "/api/v1/invitations/{token}/accept",
                "Accept an invitation (new users set their password) and sign in",
                [&auth, &accounts](http::Request& request) {
                  auto body = ParseBody(request);
                  if (!body) return Error(body.error());
                  auto password = GetString(*body, "password");
                  if (!password) return Error(password.error());
                  auto name = GetOptionalString(*body, "name");
                  if (!name) return Error(name.error());
                  auto session = accounts.AcceptInvitation(request.PathParam("token"), *password,
                                                           name->value_or(""), request.remote_address,
                                                           UserAgent(request));
                  if (!session) return Error(session.error());
                  return SignedInAnswer(auth, *session);
                });

  routes.Caller(Method::kGet, "/api/v1/me", "Who is calling: the signed-in user, or the API key and its store",
                [&accounts](http::Request&, const Principal& principal) {
                  if (principal.is_user()) {
                    return Response::Json(200, json::object{{"type", "user"},
                                                            {"user", json::object{{"id", principal.user_id},
                                                                                  {"email", principal.email},
                                                                                  {"name", principal.name}}}});
                  }
                  auto store = accounts.GetStore(principal.key_store_id);
                  if (!store) return Error(store.error());
                  json::array scopes;
                  for (const std::string& s : principal.scopes.Names()) scopes.emplace_back(s);
                  return Response::Json(200, json::object{{"type", "api_key"},
                                                          {"key_id", principal.key_id},
                                                          {"name", principal.key_name},
                                                          {"store", json::object{{"id", store->id}, {"name", store->name}}},
                                                          {"scopes", std::move(scopes)}});
                });

  routes.SignedIn(Method::kPatch, "/api/v1/me", "Change the signed-in user's name",
                  [&accounts](http::Request& request, const Principal& principal) {
                    auto body = ParseBody(request);
                    if (!body) return Error(body.error());
                    auto name = GetString(*body, "name");
                    if (!name) return Error(name.error());
                    auto user = accounts.UpdateUserName(principal.user_id, *name);
                    if (!user) return Error(user.error());
                    return Response::Json(200, UserJson(*user));
                  });

  routes.SignedIn(Method::kPost, "/api/v1/me/password", "Change the signed-in user's password",
                  [&accounts](http::Request& request, const Principal& principal) {
                    auto body = ParseBody(request);
                    if (!body) return Error(body.error());
                    auto current = GetString(*body, "current_password");
                    if (!current) return Error(current.error());
                    auto next = GetString(*body, "new_password");
                    if (!next) return Error(next.error());
                    if (Status s = accounts.ChangePassword(principal.user_id, *current, *next,
                                                           principal.session_token_hash);
                        !s) {
                      return Error(s.error());
                    }
                    return Response::NoContent();
                  });

  routes.Public(Method::kGet, "/api/v1/scopes", "The API key scopes", [](http::Request&) {
    json::array resources, scopes;
    for (std::string_view r : accounts::kScopeResources) {
      resources.emplace_back(r);
      scopes.emplace_back(fmt::format("{}:read", r));
      scopes.emplace_back(fmt::format("{}:write", r));
    }
    return Response::Json(200, json::object{{"resources", std::move(resources)}, {"scopes", std::move(scopes)}});
  });
}

}  // namespace starling::api
