// Test helpers for the HTTP API: a fresh data directory, set-up through the CLI, and a client that
// signs in (cookie + CSRF token) or uses an API key. Test-only.
#pragma once

#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <vector>

#include "base/json.h"
#include "tests/integration/server_harness.h"

namespace starling::testing {

// A fresh directory under the test temp dir (the caller removes it).
inline std::string MakeDataDir(const std::string& prefix = "starling_api") {
  std::string pattern = (std::filesystem::path(::testing::TempDir()) / (prefix + "_XXXXXX")).string();
  char* made = mkdtemp(pattern.data());
  EXPECT_NE(made, nullptr);
  return pattern;
}

// Runs a `starling` CLI command on `data_dir`; fails the test unless it exits 0; returns its JSON.
inline json::object Cli(const std::string& data_dir, std::vector<std::string> args, const std::string& stdin_text = {}) {
  args.push_back("--data-dir");
  args.push_back(data_dir);
  auto run = StarlingProcess::Run(args, {}, stdin_text);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  auto parsed = ParseJsonObject(run.out);
  EXPECT_TRUE(parsed) << run.out;
  return parsed ? *parsed : json::object{};
}

inline int64_t IdOf(const json::object& o, std::string_view key = "id") {
  auto it = o.find(key);
  return it != o.end() && it->value().is_int64() ? it->value().as_int64() : 0;
}

inline std::string TextOf(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().as_string()) : "";
}

// One caller of the HTTP API: anonymous, a signed-in user, or an API key.
class ApiClient {
 public:
  explicit ApiClient(StarlingProcess& server) : server_(&server) {}

  // Signs in; returns the response of POST /api/v1/auth/login.
  HttpResponse Login(const std::string& email, const std::string& password) {
    HttpResponse r = Call("POST", "/api/v1/auth/login",
                          ToJson(json::object{{"email", email}, {"password", password}}));
    if (r.status == 200) {
      std::string cookie = r.Header("set-cookie");
      cookie_ = cookie.substr(0, cookie.find(';'));
      auto body = ParseJsonObject(r.body);
      if (body) csrf_ = TextOf(*body, "csrf_token");
    }
    return r;
  }
  void UseApiKey(const std::string& key_id, const std::string& secret) {
    authorization_ = "apiKey " + key_id + ":" + secret;
  }
  void SetSession(std::string cookie, std::string csrf) {
    cookie_ = std::move(cookie);
    csrf_ = std::move(csrf);
  }
  const std::string& csrf() const { return csrf_; }
  const std::string& cookie() const { return cookie_; }

  // Sends a request with the caller's credentials (and, for sessions, the CSRF header).
  HttpResponse Call(const std::string& method, const std::string& target, const std::string& body = {},
                    std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!body.empty()) headers.emplace_back("Content-Type", "application/json");
    if (!cookie_.empty()) {
      headers.emplace_back("Cookie", cookie_);
      if (method != "GET" && method != "HEAD") headers.emplace_back("X-CSRF-Token", csrf_);
    }
    if (!authorization_.empty()) headers.emplace_back("Authorization", authorization_);
    return server_->Send(method, target, body, headers);
  }

  // GET of a streaming response (server-sent events) with the caller's credentials, on a connection of
  // its own: returns it with the head read into `head`; read the body with ReadEvent/ReadChunk. Null
  // (and a test failure) when the connection fails.
  std::unique_ptr<HttpConnection> OpenStream(const std::string& target, HttpResponse& head,
                                             std::vector<std::pair<std::string, std::string>> headers = {}) {
    if (!cookie_.empty()) headers.emplace_back("Cookie", cookie_);
    if (!authorization_.empty()) headers.emplace_back("Authorization", authorization_);
    headers.emplace_back("Accept", "text/event-stream");
    auto connection = HttpConnection::Open(server_->port());
    EXPECT_TRUE(connection) << connection.error().message;
    if (!connection) return nullptr;
    auto response = (*connection)->Request("GET", target, {}, headers);
    EXPECT_TRUE(response) << response.error().message;
    if (!response) return nullptr;
    head = std::move(*response);
    return std::move(*connection);
  }
  HttpResponse Get(const std::string& target) { return Call("GET", target); }
  HttpResponse Post(const std::string& target, const json::object& body) { return Call("POST", target, ToJson(body)); }
  HttpResponse Patch(const std::string& target, const json::object& body) { return Call("PATCH", target, ToJson(body)); }
  HttpResponse Delete(const std::string& target) { return Call("DELETE", target); }

 private:
  StarlingProcess* server_;
  std::string cookie_, csrf_, authorization_;
};

inline json::object Body(const HttpResponse& r) {
  auto parsed = ParseJsonObject(r.body);
  EXPECT_TRUE(parsed) << r.status << " " << r.body;
  return parsed ? *parsed : json::object{};
}

// The next `event: entry` of a live stream (GET …/integration/events), its data parsed; skips
// comments and `retry:`. Fails the test (and returns {}) when none comes within `timeout_ms`.
inline json::object NextLiveEntry(HttpConnection& stream, int timeout_ms = 10000, std::string* id = nullptr) {
  for (;;) {
    auto event = stream.ReadEvent(timeout_ms);
    EXPECT_TRUE(event) << event.error().message;
    if (!event) return {};
    if (event->event != "entry") continue;
    auto data = ParseJsonObject(event->data);
    EXPECT_TRUE(data) << event->data;
    if (id) *id = event->id;
    return data ? *data : json::object{};
  }
}

// The error's `field`, or "" (for asserting which field a 400 names).
inline std::string ErrorField(const HttpResponse& r) {
  auto body = ParseJsonObject(r.body);
  if (!body || !body->contains("error")) return "";
  return TextOf(body->at("error").as_object(), "field");
}
inline std::string ErrorCodeOf(const HttpResponse& r) {
  auto body = ParseJsonObject(r.body);
  if (!body || !body->contains("error")) return "";
  return TextOf(body->at("error").as_object(), "code");
}

}  // namespace starling::testing
