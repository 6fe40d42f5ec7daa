// The accounts API on the real server: sign-in and sessions, CSRF, throttling, store settings, members
// and invitations, API keys and rate limits, excluded IPs, audit log, bad input, the CLI, the demo
// set-up, and the tenant-isolation sweep over every store- and organization-scoped route.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <regex>

#include "tests/integration/api_client.h"

namespace starling::testing {
namespace {

namespace fs = std::filesystem;

// Two organizations, each with an owner and one store, created through the CLI; then the server.
class AccountsApiTest : public ::testing::Test {
 protected:
  void SetUp() override { StartWith({}); }

  void StartWith(std::vector<std::string> server_args) {
    data_dir_ = MakeDataDir();
    Cli(data_dir_, {"user", "create", "--email", "ana@a.example", "--name", "Ana", "--password-stdin"}, "password-ana\n");
    Cli(data_dir_, {"user", "create", "--email", "ben@b.example", "--name", "Ben", "--password-stdin"}, "password-ben\n");
    org_a_ = IdOf(Cli(data_dir_, {"org", "create", "--name", "Org A", "--owner", "ana@a.example"}));
    org_b_ = IdOf(Cli(data_dir_, {"org", "create", "--name", "Org B", "--owner", "ben@b.example"}));
    store_a_ = IdOf(Cli(data_dir_, {"store", "create", "--org", std::to_string(org_a_), "--name", "Shop A", "--url",
                                    "https://a.example"}));
    store_b_ = IdOf(Cli(data_dir_, {"store", "create", "--org", std::to_string(org_b_), "--name", "Shop B", "--url",
                                    "https://b.example"}));
    StartOptions options;
    options.data_dir = data_dir_;
    options.args = std::move(server_args);
    auto server = StarlingProcess::Start(options);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
  }

  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }

  ApiClient SignedIn(const std::string& email, const std::string& password) {
    ApiClient client(*server_);
    HttpResponse r = client.Login(email, password);
    EXPECT_EQ(r.status, 200) << r.body;
    return client;
  }

  std::string StorePath(int64_t store, const std::string& rest = "") {
    return "/api/v1/stores/" + std::to_string(store) + rest;
  }

  std::string data_dir_;
  int64_t org_a_ = 0, org_b_ = 0, store_a_ = 0, store_b_ = 0;
  std::unique_ptr<StarlingProcess> server_;
};

TEST_F(AccountsApiTest, SignInSessionAndSignOut) {
  ApiClient anonymous(*server_);
  EXPECT_EQ(anonymous.Get("/api/v1/session").status, 401);
  HttpResponse wrong = anonymous.Login("ana@a.example", "password-bad");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(ErrorCodeOf(wrong), "unauthenticated");
  EXPECT_FALSE(wrong.Header("x-ratelimit-limit").empty());

  ApiClient ana(*server_);
  HttpResponse ok = ana.Login("ANA@a.example", "password-ana");
  ASSERT_EQ(ok.status, 200) << ok.body;
  std::string cookie = ok.Header("set-cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  json::object session = Body(ana.Get("/api/v1/session"));
  EXPECT_EQ(TextOf(session.at("user").as_object(), "email"), "ana@a.example");
  EXPECT_FALSE(ana.csrf().empty());
  const json::array& orgs = session.at("organizations").as_array();
  ASSERT_EQ(orgs.size(), 1u);
  EXPECT_EQ(TextOf(orgs[0].as_object(), "role"), "owner");
  ASSERT_EQ(orgs[0].as_object().at("stores").as_array().size(), 1u);
  EXPECT_EQ(TextOf(orgs[0].as_object().at("stores").as_array()[0].as_object(), "role"), "administrator");

  EXPECT_EQ(ana.Call("POST", "/api/v1/auth/logout").status, 204);
  EXPECT_EQ(ana.Get("/api/v1/session").status, 401);
}

TEST_F(AccountsApiTest, StateChangesNeedTheCsrfTokenAndOurOrigin) {
  ApiClient ana = SignedIn("ana@a.example", "password-ana");
  std::string body = ToJson(json::object{{"legal_info", "Ana SL"}});
  // The cookie alone (what a cross-site form would send) is refused.
  HttpResponse no_token = server_->Send("PATCH", StorePath(store_a_, "/settings"), body,
                                        {{"Cookie", ana.cookie()}, {"Content-Type", "application/json"}});
  EXPECT_EQ(no_token.status, 403);
  EXPECT_NE(no_token.body.find("X-CSRF-Token"), std::string::npos);
  HttpResponse foreign = ana.Call("PATCH", StorePath(store_a_, "/settings"), body, {{"Origin", "https://evil.example"}});
  EXPECT_EQ(foreign.status, 403);
  HttpResponse same_origin = ana.Call("PATCH", StorePath(store_a_, "/settings"), body, {{"Origin", server_->base_url()}});
  EXPECT_EQ(same_origin.status, 200) << same_origin.body;
  EXPECT_EQ(TextOf(Body(ana.Get(StorePath(store_a_, "/settings"))), "legal_info"), "Ana SL");
}

TEST_F(AccountsApiTest, RepeatedFailedSignInsAreThrottled) {
  ApiClient client(*server_);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.Login("ana@a.example", "wrong-password").status, 401);
  HttpResponse blocked = client.Login("ana@a.example", "password-ana");  // even the right password
  EXPECT_EQ(blocked.status, 429);
  EXPECT_EQ(ErrorCodeOf(blocked), "rate_limited");
  EXPECT_FALSE(blocked.Header("retry-after").empty());
  // Another account is not affected.
  EXPECT_EQ(client.Login("ben@b.example", "password-ben").status, 200);
}

TEST_F(AccountsApiTest, StoreSettingsValidateEveryField) {
  ApiClient ana = SignedIn("ana@a.example", "password-ana");
  struct Case {
    json::object body;
    std::string field;
  };
  std::vector<Case> cases = {
      {{{"name", ""}}, "name"},
      {{{"site_url", "shop.example"}}, "site_url"},
      {{{"time_zone", "Mars/Olympus"}}, "time_zone"},
      {{{"currency", "EURO"}}, "currency"},
      {{{"language", "French"}}, "language"},
      {{{"ecommerce", json::object{{"cart_abandonment_minutes", 1}}}}, "ecommerce.cart_abandonment_minutes"},
      {{{"ecommerce", json::object{{"cart_abandonment_minutes", "30"}}}}, "ecommerce.cart_abandonment_minutes"},
      {{{"ecommerce", json::object{{"integration_type", "plugin"}}}}, "ecommerce.integration_type"},
      {{{"authorized_domains", json::array{"shop example"}}}, "authorized_domains"},
      {{{"address", json::object{{"city", 12}}}}, "address.city"},
      // A script option names the pattern at fault, by its position in the list.
      {{{"script_options", json::object{{"include_urls", json::array{"*/shop/*", "https://a.example/" + std::string(500, 'x')}}}}},
       "script_options.include_urls[1]"},
      {{{"script_options", json::object{{"exclude_urls", json::array{" "}}}}}, "script_options.exclude_urls[0]"},
      {{{"script_options", json::object{{"sampling", 1.5}}}}, "script_options.sampling"},
      {{{"script_options", json::object{{"include_urls", "*/shop/*"}}}}, "script_options.include_urls"},
  };
  for (const Case& c : cases) {
    HttpResponse r = ana.Patch(StorePath(store_a_, "/settings"), c.body);
    EXPECT_EQ(r.status, 400) << ToJson(c.body) << " → " << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << r.body;
  }
  // Nothing of the refused changes was stored.
  json::object before = Body(ana.Get(StorePath(store_a_, "/settings")));
  EXPECT_EQ(TextOf(before, "time_zone"), "UTC");
  EXPECT_EQ(before.at("ecommerce").as_object().at("cart_abandonment_minutes").as_int64(), 30);

  HttpResponse saved = ana.Patch(
      StorePath(store_a_, "/settings"),
      {{"time_zone", "Europe/Madrid"},
       {"currency", "usd"},
       {"ecommerce", json::object{{"integration_type", "module"}, {"cart_abandonment_minutes", 60}}},
       {"authorized_domains", json::array{"https://a.example/", "www.a.example"}},
       {"address", json::object{{"city", "Madrid"}, {"country", "ES"}}}});
  ASSERT_EQ(saved.status, 200) << saved.body;
  // Restart: what was acknowledged is there.
  ASSERT_EQ(server_->Stop(), 0);
  StartOptions options;
  options.data_dir = data_dir_;
  server_ = std::move(*StarlingProcess::Start(options));
  ApiClient again = SignedIn("ana@a.example", "password-ana");
  json::object after = Body(again.Get(StorePath(store_a_, "/settings")));
  EXPECT_EQ(TextOf(after, "time_zone"), "Europe/Madrid");
  EXPECT_EQ(TextOf(after, "currency"), "USD");
  EXPECT_EQ(after.at("ecommerce").as_object().at("cart_abandonment_minutes").as_int64(), 60);
  EXPECT_EQ(TextOf(after.at("ecommerce").as_object(), "integration_type"), "module");
  EXPECT_EQ(after.at("authorized_domains").as_array().size(), 2u);
  EXPECT_EQ(TextOf(after.at("address").as_object(), "city"), "Madrid");
}

TEST_F(AccountsApiTest, BadRequestBodiesGetClearErrors) {
  ApiClient ana = SignedIn("ana@a.example", "password-ana");
  HttpResponse not_json = ana.Call("PATCH", StorePath(store_a_, "/settings"), "{not json");
  EXPECT_EQ(not_json.status, 400);
  EXPECT_NE(not_json.body.find("invalid JSON"), std::string::npos);
  HttpResponse array = ana.Call("PATCH", StorePath(store_a_, "/settings"), "[1,2]");
  EXPECT_EQ(array.status, 400);
  HttpResponse form = ana.Call("POST", StorePath(store_a_, "/excluded-ips"), "",
                               {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415);
  HttpResponse missing = ana.Post(StorePath(store_a_, "/members"), {{"role", "marketer"}});
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(ErrorField(missing), "email");
  HttpResponse bad_role = ana.Post(StorePath(store_a_, "/members"), {{"email", "x@a.example"}, {"role", "boss"}});
  EXPECT_EQ(ErrorField(bad_role), "role");
  HttpResponse bad_email = ana.Post(StorePath(store_a_, "/members"), {{"email", "x@"}, {"role", "marketer"}});
  EXPECT_EQ(ErrorField(bad_email), "email");
  HttpResponse huge = ana.Call("PATCH", StorePath(store_a_, "/settings"),
                               ToJson(json::object{{"legal_info", std::string(2 * 1024 * 1024, 'x')}}));
  EXPECT_EQ(huge.status, 413);
  HttpResponse long_text = ana.Patch(StorePath(store_a_, "/settings"), {{"legal_info", std::string(3000, 'x')}});
  EXPECT_EQ(ErrorField(long_text), "legal_info");
  EXPECT_EQ(ana.Get("/api/v1/stores/abc").status, 404);
  EXPECT_EQ(ana.Get("/api/v1/stores/999999").status, 404);
}

TEST_F(AccountsApiTest, InviteMembersAndMarketersCannotSeeSettings) {
  ApiClient ana = SignedIn("ana@a.example", "password-ana");
  HttpResponse invited = ana.Post(StorePath(store_a_, "/members"), {{"email", "Mia@A.example"}, {"role", "marketer"}});
  ASSERT_EQ(invited.status, 201) << invited.body;
  json::object member = Body(invited);
  EXPECT_EQ(TextOf(member, "status"), "invited");
  std::string url = TextOf(member, "invitation_url");
  ASSERT_NE(url.find("/invitations/"), std::string::npos);
  std::string token = url.substr(url.rfind('/') + 1);
  EXPECT_NE(server_->Stderr().find(url), std::string::npos);  // logged until email exists

  HttpResponse duplicate = ana.Post(StorePath(store_a_, "/members"), {{"email", "mia@a.example"}, {"role", "marketer"}});
  EXPECT_EQ(duplicate.status, 409);
  EXPECT_EQ(ErrorField(duplicate), "email");

  ApiClient mia(*server_);
  json::object preview = Body(mia.Get("/api/v1/invitations/" + token));
  EXPECT_EQ(TextOf(preview, "email"), "mia@a.example");
  EXPECT_EQ(TextOf(preview.at("store").as_object(), "name"), "Shop A");
  EXPECT_EQ(mia.Get("/api/v1/invitations/nonsense").status, 404);
  HttpResponse weak = mia.Post("/api/v1/invitations/" + token + "/accept", {{"password", "short"}});
  EXPECT_EQ(ErrorField(weak), "password");
  HttpResponse accepted = mia.Post("/api/v1/invitations/" + token + "/accept", {{"password", "password-mia"}, {"name", "Mia"}});
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  HttpResponse again = mia.Post("/api/v1/invitations/" + token + "/accept", {{"password", "password-mia"}});
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(ErrorField(again), "token");

  ApiClient mia_session = SignedIn("mia@a.example", "password-mia");
  json::object store = Body(mia_session.Get(StorePath(store_a_)));
  EXPECT_EQ(TextOf(store, "role"), "marketer");
  HttpResponse settings = mia_session.Get(StorePath(store_a_, "/settings"));
  EXPECT_EQ(settings.status, 403);
  EXPECT_NE(settings.body.find("administrator"), std::string::npos);
  EXPECT_EQ(mia_session.Get(StorePath(store_a_, "/members")).status, 403);
  EXPECT_EQ(mia_session.Get(StorePath(store_b_)).status, 404);

  // Role change by drop-down, then removal.
  json::object members = Body(ana.Get(StorePath(store_a_, "/members")));
  int64_t mia_id = 0;
  for (const auto& m : members.at("members").as_array()) {
    if (TextOf(m.as_object(), "email") == "mia@a.example") mia_id = IdOf(m.as_object(), "user_id");
  }
  ASSERT_GT(mia_id, 0);
  EXPECT_EQ(ana.Patch(StorePath(store_a_, "/members/" + std::to_string(mia_id)), {{"role", "administrator"}}).status, 200);
  EXPECT_EQ(mia_session.Get(StorePath(store_a_, "/settings")).status, 200);
  EXPECT_EQ(ana.Delete(StorePath(store_a_, "/members/" + std::to_string(mia_id))).status, 204);
  EXPECT_EQ(mia_session.Get(StorePath(store_a_)).status, 404);

  json::object audit = Body(ana.Get(StorePath(store_a_, "/audit-log?limit=10")));
  std::vector<std::string> actions;
  for (const auto& e : audit.at("entries").as_array()) actions.push_back(TextOf(e.as_object(), "action"));
  EXPECT_EQ(actions.at(0), "member.removed");
  EXPECT_EQ(actions.at(1), "member.role_changed");
  EXPECT_EQ(actions.at(2), "invitation.accepted");
  EXPECT_EQ(actions.at(3), "member.invited");
}

TEST_F(AccountsApiTest, ApiKeysCallTheApiUntilRevoked) {
  ApiClient ana = SignedIn("ana@a.example", "password-ana");
  HttpResponse no_scopes = ana.Post(StorePath(store_a_, "/api-keys"), {{"name", "ERP"}, {"scopes", json::array{}}});
  EXPECT_EQ(ErrorField(no_scopes), "scopes");
  HttpResponse bad_scope = ana.Post(StorePath(store_a_, "/api-keys"), {{"name", "ERP"}, {"scopes", json::array{"contacts:own"}}});
  EXPECT_EQ(ErrorField(bad_scope), "scopes");
  HttpResponse created = ana.Post(StorePath(store_a_, "/api-keys"),
                                  {{"name", "ERP sync"}, {"scopes", json::array{"contacts:write", "events:read"}}});
  ASSERT_EQ(created.status, 201) << created.body;
  json::object key = Body(created);
  std::string key_id = TextOf(key, "id"), secret = TextOf(key, "secret");
  ASSERT_FALSE(secret.empty());
  // The secret is never shown again.
  HttpResponse listed = ana.Get(StorePath(store_a_, "/api-keys"));
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  EXPECT_NE(listed.body.find(key_id), std::string::npos);

  ApiClient erp(*server_);
  erp.UseApiKey(key_id, secret);
  HttpResponse me = erp.Get("/api/v1/me");
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(TextOf(Body(me), "type"), "api_key");
  EXPECT_FALSE(me.Header("x-ratelimit-limit").empty());
  EXPECT_FALSE(me.Header("x-ratelimit-remaining").empty());
  EXPECT_FALSE(me.Header("x-ratelimit-reset").empty());
  EXPECT_EQ(erp.Get(StorePath(store_a_)).status, 200);
  EXPECT_EQ(erp.Get(StorePath(store_a_, "/settings")).status, 403);
  EXPECT_EQ(erp.Get(StorePath(store_b_)).status, 404);
  EXPECT_EQ(erp.Get("/api/v1/session").status, 403);

  ApiClient wrong(*server_);
  wrong.UseApiKey(key_id, secret + "x");
  EXPECT_EQ(wrong.Get("/api/v1/me").status, 401);

  EXPECT_EQ(ana.Delete(StorePath(store_a_, "/api-keys/" + key_id)).status, 204);
  HttpResponse revoked = erp.Get("/api/v1/me");
  EXPECT_EQ(revoked.status, 401);
  json::object after = Body(ana.Get(StorePath(store_a_, "/api-keys")));
  EXPECT_FALSE(after.at("api_keys").as_array()[0].as_object().at("revoked_at").is_null());
}

TEST_F(AccountsApiTest, ExcludedIpsValidateAndList) {
  ApiClient ana = SignedIn("ana@a.example", "password-ana");
  for (std::string bad : {"10.0.0.1/8", "300.1.1.1", "10.0.0.0/33", "fe80::1%eth0", "", "not an ip"}) {
    HttpResponse r = ana.Post(StorePath(store_a_, "/excluded-ips"), {{"ip", bad}, {"label", "x"}});
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(ErrorField(r), "ip") << bad << " → " << r.body;
  }
  HttpResponse v4 = ana.Post(StorePath(store_a_, "/excluded-ips"), {{"ip", "203.0.113.0/24"}, {"label", "Office"}});
  ASSERT_EQ(v4.status, 201) << v4.body;
  HttpResponse v6 = ana.Post(StorePath(store_a_, "/excluded-ips"), {{"ip", "2001:DB8::/32"}, {"label", "VPN"}});
  ASSERT_EQ(v6.status, 201);
  EXPECT_EQ(TextOf(Body(v6), "ip"), "2001:db8::/32");
  EXPECT_EQ(ana.Post(StorePath(store_a_, "/excluded-ips"), {{"ip", "203.0.113.0/24"}}).status, 409);
  json::object list = Body(ana.Get(StorePath(store_a_, "/excluded-ips")));
  ASSERT_EQ(list.at("excluded_ips").as_array().size(), 2u);
  EXPECT_EQ(ana.Delete(StorePath(store_a_, "/excluded-ips/" + std::to_string(IdOf(Body(v4))))).status, 204);
  EXPECT_EQ(Body(ana.Get(StorePath(store_a_, "/excluded-ips"))).at("excluded_ips").as_array().size(), 1u);
}

TEST_F(AccountsApiTest, OrganizationAdministration) {
  ApiClient ana = SignedIn("ana@a.example", "password-ana");
  HttpResponse created = ana.Post("/api/v1/organizations/" + std::to_string(org_a_) + "/stores",
                                  {{"name", "Shop A2"}, {"site_url", "https://a2.example"}, {"time_zone", "Europe/Paris"}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(TextOf(Body(created), "time_zone"), "Europe/Paris");
  EXPECT_EQ(Body(ana.Get("/api/v1/organizations/" + std::to_string(org_a_) + "/stores")).at("stores").as_array().size(), 2u);
  HttpResponse no_url = ana.Post("/api/v1/organizations/" + std::to_string(org_a_) + "/stores", {{"name", "X"}});
  EXPECT_EQ(ErrorField(no_url), "site_url");
  EXPECT_EQ(ana.Patch("/api/v1/organizations/" + std::to_string(org_a_),
                      {{"name", "Org A renamed"}, {"address", json::object{{"city", "Lyon"}}}}).status, 200);
  // The owner cannot leave the organization without another owner.
  json::object members = Body(ana.Get("/api/v1/organizations/" + std::to_string(org_a_) + "/members"));
  int64_t ana_id = IdOf(members.at("members").as_array()[0].as_object(), "user_id");
  HttpResponse demote = ana.Patch("/api/v1/organizations/" + std::to_string(org_a_) + "/members/" + std::to_string(ana_id),
                                  {{"role", "member"}});
  EXPECT_EQ(demote.status, 409);
  // Ben (another organization's owner) added as a plain member sees no store of Org A.
  EXPECT_EQ(ana.Post("/api/v1/organizations/" + std::to_string(org_a_) + "/members",
                     {{"email", "ben@b.example"}, {"role", "member"}}).status, 201);
  ApiClient ben = SignedIn("ben@b.example", "password-ben");
  EXPECT_EQ(ben.Get("/api/v1/organizations/" + std::to_string(org_a_)).status, 200);
  EXPECT_EQ(ben.Get(StorePath(store_a_)).status, 404);
  EXPECT_EQ(ben.Post("/api/v1/organizations/" + std::to_string(org_a_) + "/stores",
                     {{"name", "Y"}, {"site_url", "https://y.example"}}).status, 403);
}

TEST_F(AccountsApiTest, PasswordResetByLoggedLink) {
  ApiClient anonymous(*server_);
  EXPECT_EQ(anonymous.Post("/api/v1/auth/password-reset", {{"email", "nobody@a.example"}}).status, 202);
  EXPECT_EQ(anonymous.Post("/api/v1/auth/password-reset", {{"email", "ana@a.example"}}).status, 202);
  std::smatch match;
  std::string log = server_->Stderr();
  ASSERT_TRUE(std::regex_search(log, match, std::regex("reset-password\\?token=([A-Za-z0-9]+)"))) << log;
  std::string token = match[1];
  EXPECT_EQ(anonymous.Post("/api/v1/auth/password-reset/confirm", {{"token", token}, {"password", "password-new"}}).status, 204);
  EXPECT_EQ(anonymous.Login("ana@a.example", "password-ana").status, 401);
  EXPECT_EQ(anonymous.Login("ana@a.example", "password-new").status, 200);
  EXPECT_EQ(ErrorField(anonymous.Post("/api/v1/auth/password-reset/confirm", {{"token", token}, {"password", "password-x"}})),
            "token");
}

TEST_F(AccountsApiTest, OpenApiDocumentListsEveryRouteWithItsAccess) {
  json::object doc = Body(server_->Get("/api/openapi.json"));
  const json::object& paths = doc.at("paths").as_object();
  ASSERT_TRUE(paths.contains("/api/v1/stores/{store_id}/api-keys"));
  EXPECT_EQ(TextOf(paths.at("/api/v1/stores/{store_id}/settings").as_object().at("get").as_object(), "x-starling-access"),
            "store:administrator");
  EXPECT_EQ(TextOf(paths.at("/api/v1/stores/{store_id}").as_object().at("get").as_object(), "x-starling-access"),
            "store:marketer+key");
  // The tracking ways in, registered outside the API's access rules, are documented too.
  EXPECT_EQ(TextOf(paths.at("/collect/{token}").as_object().at("post").as_object(), "x-starling-access"), "tracking_token");
  EXPECT_EQ(TextOf(paths.at("/v1/batch").as_object().at("post").as_object(), "x-starling-access"), "write_key");
  EXPECT_TRUE(doc.at("components").as_object().at("securitySchemes").as_object().contains("writeKey"));
  // A route for API keys only offers only the API key scheme (not the session cookie).
  const json::object& purchases = paths.at("/api/v1/purchases").as_object().at("post").as_object();
  EXPECT_EQ(ToJson(purchases.at("security")), R"([{"apiKey":[]}])");
  EXPECT_EQ(TextOf(purchases.at("externalDocs").as_object(), "url"), "docs/integration.md");
  EXPECT_TRUE(purchases.contains("requestBody"));
}

// Every store- and organization-scoped route, called with store A's and org A's ids by a member of
// store B and by an API key of store B, answers 403 or 404, and store A's data is unchanged.
TEST_F(AccountsApiTest, TenantIsolationSweep) {
  ApiClient ana = SignedIn("ana@a.example", "password-ana");
  // Resources of A that ids in paths can point at.
  json::object key_a = Body(ana.Post(StorePath(store_a_, "/api-keys"), {{"name", "A key"}, {"scopes", json::array{"all"}}}));
  int64_t ip_a = IdOf(Body(ana.Post(StorePath(store_a_, "/excluded-ips"), {{"ip", "198.51.100.0/24"}})));
  int64_t invitation_a = IdOf(Body(ana.Post(StorePath(store_a_, "/members"), {{"email", "pending@a.example"}, {"role", "marketer"}})),
                              "invitation_id");
  int64_t org_invitation_a = IdOf(Body(ana.Post("/api/v1/organizations/" + std::to_string(org_a_) + "/members",
                                                {{"email", "orgpending@a.example"}, {"role", "member"}})),
                                  "invitation_id");
  json::object members_a = Body(ana.Get(StorePath(store_a_, "/members")));
  int64_t ana_id = 0;
  for (const auto& m : members_a.at("members").as_array()) {
    if (TextOf(m.as_object(), "email") == "ana@a.example") ana_id = IdOf(m.as_object(), "user_id");
  }
  if (ana_id == 0) {
    json::object org_members = Body(ana.Get("/api/v1/organizations/" + std::to_string(org_a_) + "/members"));
    ana_id = IdOf(org_members.at("members").as_array()[0].as_object(), "user_id");
  }
  ASSERT_GT(ana_id, 0);
  std::string before_settings = ana.Get(StorePath(store_a_, "/settings")).body;
  std::string before_keys = ana.Get(StorePath(store_a_, "/api-keys")).body;
  std::string before_ips = ana.Get(StorePath(store_a_, "/excluded-ips")).body;
  std::string before_members = ana.Get(StorePath(store_a_, "/members")).body;

  // Store B's administrator (Ben) and an API key of store B with every scope.
  ApiClient ben = SignedIn("ben@b.example", "password-ben");
  json::object key_b = Body(ben.Post(StorePath(store_b_, "/api-keys"), {{"name", "B key"}, {"scopes", json::array{"all"}}}));
  ApiClient ben_key(*server_);
  ben_key.UseApiKey(TextOf(key_b, "id"), TextOf(key_b, "secret"));

  std::map<std::string, std::string> ids = {
      {"store_id", std::to_string(store_a_)},         {"org_id", std::to_string(org_a_)},
      {"user_id", std::to_string(ana_id)},             {"key_id", TextOf(key_a, "id")},
      {"id", std::to_string(ip_a)},                    {"invitation_id", std::to_string(invitation_a)}};
  json::object doc = Body(server_->Get("/api/openapi.json"));
  int checked = 0;
  for (const auto& [pattern, ops] : doc.at("paths").as_object()) {
    std::string path(pattern);
    if (path.find("{store_id}") == std::string::npos && path.find("{org_id}") == std::string::npos) continue;
    std::string target;
    for (size_t i = 0; i < path.size();) {
      if (path[i] == '{') {
        size_t close = path.find('}', i);
        std::string name = path.substr(i + 1, close - i - 1);
        std::string value = ids[name];
        if (name == "invitation_id" && path.find("/organizations/") != std::string::npos) {
          value = std::to_string(org_invitation_a);
        }
        target += value;
        i = close + 1;
      } else {
        target += path[i++];
      }
    }
    for (const auto& [method_key, op] : ops.as_object()) {
      std::string method(method_key);
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      // A plausible body, so a refusal is about access, not about a missing field.
      std::string body = method == "GET" || method == "DELETE"
                             ? ""
                             : ToJson(json::object{{"name", "Hijack"}, {"email", "x@evil.example"}, {"role", "administrator"},
                                                   {"ip", "1.2.3.4"}, {"scopes", json::array{"all"}},
                                                   {"site_url", "https://evil.example"}});
      for (ApiClient* caller : {&ben, &ben_key}) {
        HttpResponse r = caller->Call(method, target, body);
        EXPECT_TRUE(r.status == 403 || r.status == 404)
            << method << " " << target << " by " << (caller == &ben ? "store B's administrator" : "store B's API key")
            << " → " << r.status << " " << r.body;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 40);
  EXPECT_EQ(ana.Get(StorePath(store_a_, "/settings")).body, before_settings);
  EXPECT_EQ(ana.Get(StorePath(store_a_, "/api-keys")).body, before_keys);
  EXPECT_EQ(ana.Get(StorePath(store_a_, "/excluded-ips")).body, before_ips);
  EXPECT_EQ(ana.Get(StorePath(store_a_, "/members")).body, before_members);
  ApiClient key_a_client(*server_);
  key_a_client.UseApiKey(TextOf(key_a, "id"), TextOf(key_a, "secret"));
  EXPECT_EQ(key_a_client.Get("/api/v1/me").status, 200);
}

TEST(AccountsApiRateLimitTest, ApiKeyRequestsBeyondTheLimitGet429) {
  std::string data_dir = MakeDataDir();
  Cli(data_dir, {"user", "create", "--email", "ana@a.example", "--password-stdin"}, "password-ana\n");
  int64_t org = IdOf(Cli(data_dir, {"org", "create", "--name", "Org", "--owner", "ana@a.example"}));
  int64_t store = IdOf(Cli(data_dir, {"store", "create", "--org", std::to_string(org), "--name", "S", "--url", "https://s.example"}));
  json::object key = Cli(data_dir, {"apikey", "create", "--store", std::to_string(store), "--name", "k", "--scopes", "all"});
  StartOptions options;
  options.data_dir = data_dir;
  options.args = {"--api-rate-limit", "3"};
  auto server = StarlingProcess::Start(options);
  ASSERT_TRUE(server) << server.error().message;
  ApiClient client(**server);
  client.UseApiKey(TextOf(key, "key_id"), TextOf(key, "secret"));
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = client.Get("/api/v1/me");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("x-ratelimit-limit"), "3");
    EXPECT_EQ(r.Header("x-ratelimit-remaining"), std::to_string(2 - i));
  }
  HttpResponse limited = client.Get("/api/v1/me");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(ErrorCodeOf(limited), "rate_limited");
  EXPECT_EQ(limited.Header("x-ratelimit-remaining"), "0");
  EXPECT_FALSE(limited.Header("retry-after").empty());
  server->reset();
  fs::remove_all(data_dir);
}

TEST(AccountsCliTest, CommandsPrintJsonAndClearErrors) {
  std::string data_dir = MakeDataDir();
  auto bad_email = StarlingProcess::Run({"user", "create", "--email", "nope", "--password-stdin", "--data-dir", data_dir},
                                        {}, "password-1\n");
  EXPECT_EQ(bad_email.exit_code, 1);
  EXPECT_NE(bad_email.err.find("field `email`: `nope` is not an email address"), std::string::npos) << bad_email.err;
  auto short_password = StarlingProcess::Run(
      {"user", "create", "--email", "a@b.example", "--password-stdin", "--data-dir", data_dir}, {}, "short\n");
  EXPECT_EQ(short_password.exit_code, 1);
  EXPECT_NE(short_password.err.find("at least 8"), std::string::npos);
  Cli(data_dir, {"user", "create", "--email", "a@b.example", "--password-stdin"}, "password-1\n");
  auto duplicate = StarlingProcess::Run(
      {"user", "create", "--email", "A@b.example", "--password-stdin", "--data-dir", data_dir}, {}, "password-1\n");
  EXPECT_EQ(duplicate.exit_code, 1);
  EXPECT_NE(duplicate.err.find("already exists"), std::string::npos);
  auto no_owner = StarlingProcess::Run({"org", "create", "--name", "X", "--owner", "z@b.example", "--data-dir", data_dir});
  EXPECT_EQ(no_owner.exit_code, 1);
  EXPECT_NE(no_owner.err.find("user create"), std::string::npos) << no_owner.err;
  auto no_org = StarlingProcess::Run(
      {"store", "create", "--org", "42", "--name", "S", "--url", "https://s.example", "--data-dir", data_dir});
  EXPECT_EQ(no_org.exit_code, 1);
  EXPECT_NE(no_org.err.find("organization 42 does not exist"), std::string::npos);
  int64_t org = IdOf(Cli(data_dir, {"org", "create", "--name", "Org", "--owner", "a@b.example"}));
  auto bad_url = StarlingProcess::Run(
      {"store", "create", "--org", std::to_string(org), "--name", "S", "--url", "s.example", "--data-dir", data_dir});
  EXPECT_NE(bad_url.err.find("site_url"), std::string::npos);
  json::object store = Cli(data_dir, {"store", "create", "--org", std::to_string(org), "--name", "S", "--url", "https://s.example"});
  EXPECT_EQ(TextOf(store, "tracking_token").size(), 24u);
  auto bad_scope = StarlingProcess::Run({"apikey", "create", "--store", std::to_string(IdOf(store)), "--name", "k",
                                         "--scopes", "contacts:delete", "--data-dir", data_dir});
  EXPECT_EQ(bad_scope.exit_code, 1);
  EXPECT_NE(bad_scope.err.find("unknown scope `contacts:delete`"), std::string::npos);
  json::object key = Cli(data_dir, {"apikey", "create", "--store", std::to_string(IdOf(store)), "--name", "k", "--scopes",
                                    "contacts:read,events:write"});
  EXPECT_EQ(key.at("scopes").as_array().size(), 3u);
  json::object link = Cli(data_dir, {"user", "reset-link", "--email", "a@b.example"});
  EXPECT_NE(TextOf(link, "url").find("/reset-password?token="), std::string::npos);
  fs::remove_all(data_dir);
}

TEST(DemoTest, EmptyDataDirectoryGetsADemoStoreOnce) {
  std::string data_dir = MakeDataDir();
  StartOptions options;
  options.data_dir = data_dir;
  options.args = {"--demo", "true"};
  auto server = StarlingProcess::Start(options);
  ASSERT_TRUE(server) << server.error().message;
  std::smatch match;
  std::string out = (*server)->StartupOutput();
  ASSERT_TRUE(std::regex_search(out, match, std::regex("password: ([A-Za-z0-9]+)"))) << out;
  std::string password = match[1];
  ASSERT_TRUE(fs::exists(data_dir + "/demo-credentials.txt"));
  ApiClient admin(**server);
  ASSERT_EQ(admin.Login("admin@demo.starling.local", password).status, 200);
  json::object session = Body(admin.Get("/api/v1/session"));
  ASSERT_EQ(session.at("organizations").as_array().size(), 1u);
  EXPECT_EQ(TextOf(session.at("organizations").as_array()[0].as_object(), "name"), "Demo organization");
  ASSERT_EQ((*server)->Stop(), 0);
  auto again = StarlingProcess::Start(options);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->StartupOutput().find("password:"), std::string::npos);
  ApiClient admin2(**again);
  EXPECT_EQ(admin2.Login("admin@demo.starling.local", password).status, 200);
  again->reset();
  fs::remove_all(data_dir);
}

}  // namespace
}  // namespace starling::testing
