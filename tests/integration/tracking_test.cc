// The ways in on the real server: the script endpoint (both paths, CORS, origin check, limits, excluded
// IPs and bots), the REST endpoints with scopes, the Segment-spec API, contact and timeline reads, the
// integration check, the test clock, and durability under SIGKILL.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "base/crypto.h"
#include "db/open.h"
#include "tests/integration/api_client.h"

namespace starling::testing {
namespace {

namespace fs = std::filesystem;

class TrackingApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = MakeDataDir();
    Cli(data_dir_, {"user", "create", "--email", "ana@shop.example", "--password-stdin"}, "password-ana\n");
    org_id_ = IdOf(Cli(data_dir_, {"org", "create", "--name", "Org", "--owner", "ana@shop.example"}));
    json::object store = Cli(data_dir_, {"store", "create", "--org", std::to_string(org_id_), "--name", "Shop", "--url",
                                         "https://shop.example"});
    store_id_ = IdOf(store);
    token_ = TextOf(store, "tracking_token");
    json::object key = Cli(data_dir_, {"apikey", "create", "--store", std::to_string(store_id_), "--name", "all",
                                       "--scopes", "all"});
    key_id_ = TextOf(key, "key_id");
    key_secret_ = TextOf(key, "secret");
    Start();
  }
  void Start(std::vector<std::string> args = {"--test-clock", "true"}) {
    StartOptions options;
    options.data_dir = data_dir_;
    options.args = std::move(args);
    auto server = StarlingProcess::Start(options);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
  }
  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }

  HttpResponse Collect(const std::string& body, std::vector<std::pair<std::string, std::string>> headers = {},
                       const std::string& path = "/collect/") {
    headers.emplace_back("Content-Type", "text/plain;charset=UTF-8");
    return server_->Send("POST", path + token_, body, headers);
  }
  ApiClient Key() {
    ApiClient client(*server_);
    client.UseApiKey(key_id_, key_secret_);
    return client;
  }
  // The whole timeline, following next_cursor page by page (`limit` per page).
  json::array AllActivities(int64_t contact_id, int limit) {
    json::array all;
    std::string cursor;
    for (int page = 0; page < 10000; ++page) {
      HttpResponse r = Key().Get("/api/v1/contacts/" + std::to_string(contact_id) + "/activities?limit=" +
                                 std::to_string(limit) + cursor);
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      json::object body = Body(r);
      for (const auto& a : body.at("activities").as_array()) all.push_back(a);
      if (body.at("next_cursor").is_null()) break;
      cursor = "&cursor=" + std::string(body.at("next_cursor").as_string());
    }
    return all;
  }
  json::array Activities(int64_t contact_id, const std::string& query = "") {
    HttpResponse r = Key().Get("/api/v1/contacts/" + std::to_string(contact_id) + "/activities" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    return Body(r).at("activities").as_array();
  }
  std::vector<std::string> Types(const json::array& activities) {
    std::vector<std::string> types;
    for (const auto& a : activities) types.push_back(TextOf(a.as_object(), "type"));
    return types;
  }

  std::string data_dir_, token_, key_id_, key_secret_;
  int64_t org_id_ = 0, store_id_ = 0;
  std::unique_ptr<StarlingProcess> server_;
};

TEST_F(TrackingApiTest, ScriptEndpointStoresAndAnswersWithTheTracker) {
  HttpResponse first = Collect(R"({"events":[{"type":"page-visit"}],"browserInfo":{"url":"https://shop.example/"}})",
                               {{"Origin", "https://shop.example"}});
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(first.Header("access-control-allow-origin"), "https://shop.example");
  json::object answer = Body(first);
  std::string tracker = TextOf(answer, "trackerId");
  ASSERT_EQ(tracker.size(), 22u);
  EXPECT_TRUE(answer.at("webContents").as_array().empty());

  // The original product's path works the same, and the tracker keeps the contact.
  HttpResponse second = Collect(R"({"entityInfo":{"trackerId":")" + tracker +
                                    R"(","primaryKey":"bo@shop.example"},"events":[{"type":"login"},{"type":"search"}]})",
                                {}, "/integration-type/system/scrippet-notification/");
  ASSERT_EQ(second.status, 200) << second.body;
  json::object second_answer = Body(second);
  EXPECT_EQ(TextOf(second_answer, "trackerId"), tracker);
  ASSERT_EQ(second_answer.at("errors").as_array().size(), 1u);
  EXPECT_EQ(TextOf(second_answer.at("errors").as_array()[0].as_object(), "field"), "events[1].searchText");

  json::object contact = Body(Key().Get("/api/v1/contacts/bo@shop.example"));
  EXPECT_EQ(TextOf(contact, "email"), "bo@shop.example");
  EXPECT_EQ(Types(Activities(IdOf(contact))),
            (std::vector<std::string>{"login", "entity-identified", "page-visit", "entity-created"}));
}

// The script endpoint checks product urls against the store's authorized domains (shop.example here):
// a product from elsewhere is kept in its event, with an error, and left out of the catalog
// (tests/golden/tracking/16_foreign_product_urls_not_in_catalog.json shows the catalog side).
TEST_F(TrackingApiTest, ProductsFromOtherDomainsAreKeptOutOfTheCatalog) {
  HttpResponse r = Collect(
      R"({"events":[{"type":"product-visited","product":{"productId":"p1","name":"FREE","url":"https://evil.example/p1","unitPrice":0}},)"
      R"({"type":"product-visited","product":{"productId":"p2","name":"Hat","url":"https://shop.example/p2","unitPrice":5}}]})");
  ASSERT_EQ(r.status, 200) << r.body;
  json::object answer = Body(r);
  ASSERT_EQ(answer.at("errors").as_array().size(), 1u) << r.body;
  const json::object& error = answer.at("errors").as_array()[0].as_object();
  EXPECT_EQ(TextOf(error, "field"), "events[0].product.url");
  EXPECT_NE(TextOf(error, "message").find("is not on an authorized domain"), std::string::npos) << r.body;
  json::object contacts = Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts"));
  ASSERT_EQ(contacts.at("contacts").as_array().size(), 1u);
  EXPECT_EQ(Types(Activities(IdOf(contacts.at("contacts").as_array()[0].as_object()), "?type=product-visited")),
            (std::vector<std::string>{"product-visited", "product-visited"}));
}

// Timelines walk each contact's chain of events: pages by cursor, a type filter across pages, and a
// cursor from another contact refused.
TEST_F(TrackingApiTest, TimelinePagesWithTypeFilterAndCursors) {
  auto send = [&](const std::string& tracker, const std::string& type) {
    ASSERT_EQ(Collect(R"({"entityInfo":{"trackerId":")" + tracker + R"("},"events":[{"type":")" + type + R"("}]})").status, 200);
  };
  // Interleaved with another visitor, so that the two chains share no page of ids.
  for (int i = 0; i < 5; ++i) {
    send("timeline-visitor-aaaaaa", i % 2 ? "login" : "page-visit");
    send("timeline-visitor-bbbbbb", "page-visit");
  }
  json::object a = Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts?limit=200"));
  int64_t first = 0, second = 0;
  for (const auto& c : a.at("contacts").as_array()) {
    const auto& tr = c.as_object().at("tracker_ids").as_array();
    if (!tr.empty() && tr[0].as_string() == "timeline-visitor-aaaaaa") first = IdOf(c.as_object());
    if (!tr.empty() && tr[0].as_string() == "timeline-visitor-bbbbbb") second = IdOf(c.as_object());
  }
  ASSERT_GT(first, 0);
  ASSERT_GT(second, 0);
  EXPECT_EQ(Body(Key().Get("/api/v1/contacts/" + std::to_string(first))).at("activity_count").as_int64(), 6);

  // All of it, two at a time: newest first, each event once.
  json::array all = AllActivities(first, 2);
  std::vector<std::string> types = Types(all);
  std::vector<int64_t> ids;
  for (const auto& act : all) ids.push_back(act.as_object().at("id").as_int64());
  EXPECT_EQ(types, (std::vector<std::string>{"page-visit", "login", "page-visit", "login", "page-visit", "entity-created"}));
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));

  // One type, across pages.
  json::object logins = Body(Key().Get("/api/v1/contacts/" + std::to_string(first) + "/activities?type=login&limit=1"));
  ASSERT_EQ(logins.at("activities").as_array().size(), 1u);
  ASSERT_FALSE(logins.at("next_cursor").is_null());
  json::object more = Body(Key().Get("/api/v1/contacts/" + std::to_string(first) + "/activities?type=login&limit=1&cursor=" +
                                     std::string(logins.at("next_cursor").as_string())));
  EXPECT_EQ(Types(more.at("activities").as_array()), (std::vector<std::string>{"login"}));

  // A cursor that is another contact's event.
  int64_t other_event = Activities(second).front().as_object().at("id").as_int64();
  // A contact this store does not have.
  HttpResponse unknown = Key().Get("/api/v1/contacts/" + std::to_string(second + 1000) + "/activities");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find("no contact " + std::to_string(second + 1000) + " in this store"), std::string::npos);
  HttpResponse wrong = Key().Get("/api/v1/contacts/" + std::to_string(first) + "/activities?cursor=" + std::to_string(other_event));
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_NE(wrong.body.find("cursor"), std::string::npos) << wrong.body;
}

TEST_F(TrackingApiTest, RefusalsAreClearAndStoreNothing) {
  HttpResponse foreign = Collect(R"({"events":[{"type":"page-visit"}]})", {{"Origin", "https://evil.example"}});
  EXPECT_EQ(foreign.status, 403);
  EXPECT_NE(foreign.body.find("authorized domain"), std::string::npos);
  // Readable by the page, so that the script logs the reason instead of retrying a "network error".
  EXPECT_EQ(foreign.Header("access-control-allow-origin"), "https://evil.example");
  EXPECT_EQ(server_->Send("POST", "/collect/unknown-token", "{}").status, 404);
  EXPECT_EQ(Collect("{not json").status, 400);
  std::string big = R"({"events":[{"type":"custom","eventId":"x","payload":{"blob":")" + std::string(600 * 1024, 'x') + "\"}}]}";
  EXPECT_EQ(Collect(big).status, 413);
  HttpResponse preflight = server_->Send("OPTIONS", "/collect/" + token_, "",
                                         {{"Origin", "https://shop.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_EQ(preflight.status, 204);
  EXPECT_EQ(preflight.Header("access-control-allow-origin"), "https://shop.example");
  // Known bots are answered but not stored.
  HttpResponse bot = Collect(R"({"events":[{"type":"page-visit"}]})",
                             {{"User-Agent", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"}});
  EXPECT_EQ(bot.status, 200);
  EXPECT_TRUE(Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts")).at("contacts").as_array().empty());
  HttpResponse metrics = server_->Get("/metrics");
  EXPECT_NE(metrics.body.find(R"(starling_tracking_dropped_total{reason="bot"} 1)"), std::string::npos);
}

// The server caches what a token names; a rotation makes the old token unknown and the new one known at
// once, and an unknown token stays a 404 however often it is sent.
TEST_F(TrackingApiTest, ARotatedTokenStopsWorkingAndTheNewOneWorksAtOnce) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(server_->Send("POST", "/collect/never-a-token", "{}").status, 404);
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);  // the old token is cached now
  ApiClient ana(*server_);
  ASSERT_EQ(ana.Login("ana@shop.example", "password-ana").status, 200);
  HttpResponse rotated = ana.Post("/api/v1/stores/" + std::to_string(store_id_) + "/settings/tracking-token", {});
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  std::string old_token = token_;
  token_ = std::string(Body(rotated).at("tracking_token").as_string());
  ASSERT_NE(token_, old_token);
  EXPECT_EQ(server_->Send("POST", "/collect/" + old_token, R"({"events":[{"type":"page-visit"}]})").status, 404);
  EXPECT_EQ(server_->Send("POST", "/collect/" + old_token, R"({"events":[{"type":"page-visit"}]})").status, 404);
  EXPECT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);
  EXPECT_EQ(server_->Send("POST", "/collect/never-a-token", "{}").status, 404);
}

TEST_F(TrackingApiTest, ExcludedIpsAreDropped) {
  ApiClient ana(*server_);
  ASSERT_EQ(ana.Login("ana@shop.example", "password-ana").status, 200);
  ASSERT_EQ(ana.Post("/api/v1/stores/" + std::to_string(store_id_) + "/excluded-ips", {{"ip", "127.0.0.0/8"}}).status, 201);
  HttpResponse r = Collect(R"({"events":[{"type":"page-visit"}]})");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts")).at("contacts").as_array().empty());
  EXPECT_NE(server_->Get("/metrics").body.find(R"(starling_tracking_dropped_total{reason="excluded_ip"} 1)"), std::string::npos);
  // Counted for the store too, in its integration check.
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})", {{"User-Agent", "Mozilla/5.0 (compatible; bingbot/2.0)"}}).status, 200);
  json::object integration = Body(ana.Get("/api/v1/stores/" + std::to_string(store_id_) + "/integration"));
  EXPECT_EQ(integration.at("dropped").as_object().at("excluded_ip").as_int64(), 1) << ToJson(integration.at("dropped"));
  EXPECT_EQ(integration.at("dropped").as_object().at("bot").as_int64(), 1);
}

// Behind a reverse proxy, the client's address comes from X-Forwarded-For, and only from a trusted
// proxy: here the test itself is the proxy (127.0.0.1).
TEST_F(TrackingApiTest, ExcludedIpsBehindATrustedProxy) {
  ApiClient ana(*server_);
  ASSERT_EQ(ana.Login("ana@shop.example", "password-ana").status, 200);
  ASSERT_EQ(ana.Post("/api/v1/stores/" + std::to_string(store_id_) + "/excluded-ips", {{"ip", "203.0.113.0/24"}}).status, 201);
  std::string contacts = "/api/v1/stores/" + std::to_string(store_id_) + "/contacts";
  // Without trusted proxies the header is ignored: the request counts as 127.0.0.1's and is stored.
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})", {{"X-Forwarded-For", "203.0.113.9"}}).status, 200);
  EXPECT_EQ(Body(Key().Get(contacts)).at("contacts").as_array().size(), 1u);

  server_.reset();
  Start({"--test-clock", "true", "--trusted-proxies", "127.0.0.0/8"});
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})", {{"X-Forwarded-For", "203.0.113.9"}}).status, 200);
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})", {{"X-Forwarded-For", "203.0.113.9, 127.0.0.1"}}).status, 200);
  EXPECT_EQ(Body(Key().Get(contacts)).at("contacts").as_array().size(), 1u);
  EXPECT_NE(server_->Get("/metrics").body.find(R"(starling_tracking_dropped_total{reason="excluded_ip"} 2)"),
            std::string::npos);
  // A proxy that adds its own line after the client's: the lines are one list, the client's forged
  // entry first.
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})",
                    {{"X-Forwarded-For", "198.51.100.99"}, {"X-Forwarded-For", "203.0.113.10"}}).status, 200);
  EXPECT_EQ(Body(Key().Get(contacts)).at("contacts").as_array().size(), 1u);
  EXPECT_NE(server_->Get("/metrics").body.find(R"(starling_tracking_dropped_total{reason="excluded_ip"} 3)"),
            std::string::npos);
  // A client's own entry at the left is not believed: the proxy saw 198.51.100.4.
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})", {{"X-Forwarded-For", "203.0.113.9, 198.51.100.4"}}).status, 200);
  EXPECT_EQ(Body(Key().Get(contacts)).at("contacts").as_array().size(), 2u);
}

TEST_F(TrackingApiTest, RestEndpointsWithScopes) {
  ApiClient key = Key();
  HttpResponse missing = key.Post("/api/v1/custom-events/alias/wishlist-add", {{"email", "new@shop.example"}});
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("contact_missing"), std::string::npos);
  HttpResponse no_tracker = key.Post("/api/v1/custom-events/alias/wishlist-add", {{"trackerId", "nobody-tracker-123456"}});
  EXPECT_EQ(no_tracker.status, 404);
  EXPECT_NE(no_tracker.body.find("no contact has the tracker id `nobody-tracker-123456`"), std::string::npos)
      << no_tracker.body;
  HttpResponse created = key.Call("POST", "/api/v1/custom-events/alias/wishlist-add?createContact=true",
                                  ToJson(json::object{{"email", "new@shop.example"}, {"payload", json::object{{"sku", "S1"}}}}));
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t contact = IdOf(Body(created), "contact_id");
  // A contact named by an id this store does not have (contacts are kept in a table indexed by id: a
  // huge id must be looked up, never made room for).
  for (int64_t bogus : {contact + 1, int64_t{999'999'999'999}}) {
    HttpResponse unknown = key.Post("/api/v1/custom-events/alias/wishlist-add", {{"contactId", bogus}});
    EXPECT_EQ(unknown.status, 404) << unknown.body;
    EXPECT_NE(unknown.body.find("contact " + std::to_string(bogus) + " does not exist in this store"),
              std::string::npos)
        << unknown.body;
  }
  HttpResponse purchase = key.Post("/api/v1/purchases", {{"email", "new@shop.example"},
                                                          {"purchaseId", "ORD-1"},
                                                          {"paymentMethod", "card"},
                                                          {"products", json::array{json::object{{"productId", "S1"},
                                                                                                {"name", "Sock"},
                                                                                                {"url", "https://shop.example/s1"},
                                                                                                {"unitPrice", 5},
                                                                                                {"quantity", 2}}}}});
  ASSERT_EQ(purchase.status, 201) << purchase.body;
  // The same purchase id again: refused, not stored twice; through the script, the answer says so.
  HttpResponse again = key.Post("/api/v1/purchases", {{"email", "new@shop.example"}, {"purchaseId", "ORD-1"}});
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_NE(again.body.find(R"("code":"conflict")"), std::string::npos) << again.body;
  EXPECT_NE(again.body.find("purchase `ORD-1` was already recorded"), std::string::npos) << again.body;
  HttpResponse scripted = Collect(R"({"entityInfo":{"primaryKey":"new@shop.example"},"events":[{"type":"page-visit"},)"
                                  R"({"type":"purchase","purchase":{"purchaseId":"ORD-1","products":[]}}]})");
  ASSERT_EQ(scripted.status, 200) << scripted.body;
  json::object scripted_answer = Body(scripted);
  const json::array& scripted_errors = scripted_answer.at("errors").as_array();
  ASSERT_EQ(scripted_errors.size(), 1u) << scripted.body;
  EXPECT_EQ(TextOf(scripted_errors[0].as_object(), "field"), "purchase.purchaseId");
  HttpResponse batch = key.Post("/api/v1/events/batch",
                                {{"events", json::array{json::object{{"email", "new@shop.example"}, {"type", "login"}},
                                                        json::object{{"email", "other@shop.example"}, {"type", "register"}},
                                                        json::object{{"email", "other@shop.example"}, {"type", "nope"}},
                                                        json::object{{"type", "login"}}}}});
  ASSERT_EQ(batch.status, 200) << batch.body;
  json::object batch_body = Body(batch);
  const json::array& results = batch_body.at("results").as_array();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[1].as_object().at("errors").as_array().size(), 1u);
  // The event that names no contact is refused alone.
  const json::array& refused_events = batch_body.at("errors").as_array();
  ASSERT_EQ(refused_events.size(), 1u) << batch.body;
  EXPECT_EQ(refused_events[0].as_object().at("event").as_int64(), 3);
  EXPECT_EQ(TextOf(refused_events[0].as_object(), "field"), "events[3].email");
  HttpResponse none_kept = key.Post("/api/v1/events/batch", {{"events", json::array{json::object{{"type", "login"}}}}});
  EXPECT_EQ(none_kept.status, 400) << none_kept.body;
  EXPECT_NE(none_kept.body.find("every event of the request was refused"), std::string::npos) << none_kept.body;
  EXPECT_EQ(Types(Activities(contact)),
            (std::vector<std::string>{"login", "page-visit", "purchase", "custom", "entity-created"}));
  // Server-side calls name the contact by email and keep no tracker: only the script's request (a
  // browser) bound one.
  json::object with_trackers = Body(key.Get("/api/v1/contacts/new@shop.example"));
  EXPECT_EQ(with_trackers.at("tracker_ids").as_array().size(), 1u) << ToJson(with_trackers);
  json::array purchases = Activities(contact, "?type=purchase");
  ASSERT_EQ(purchases.size(), 1u);
  EXPECT_EQ(TextOf(purchases[0].as_object().at("data").as_object().at("purchase").as_object(), "purchaseId"), "ORD-1");
  // Cursor pagination.
  HttpResponse page = key.Get("/api/v1/contacts/" + std::to_string(contact) + "/activities?limit=2");
  json::object first_page = Body(page);
  ASSERT_EQ(first_page.at("activities").as_array().size(), 2u);
  std::string cursor = TextOf(first_page, "next_cursor");
  ASSERT_FALSE(cursor.empty());
  EXPECT_EQ(Types(Activities(contact, "?limit=2&cursor=" + cursor)), (std::vector<std::string>{"purchase", "custom"}));

  // A key without the scope, and sessions, are refused.
  json::object narrow = Cli(data_dir_, {"apikey", "create", "--store", std::to_string(store_id_), "--name", "read",
                                        "--scopes", "contacts:read"});
  ApiClient reader(*server_);
  reader.UseApiKey(TextOf(narrow, "key_id"), TextOf(narrow, "secret"));
  EXPECT_EQ(reader.Post("/api/v1/purchases", {{"email", "new@shop.example"}, {"purchaseId", "X"}}).status, 403);
  EXPECT_EQ(reader.Get("/api/v1/contacts/new@shop.example").status, 200);
  ApiClient ana(*server_);
  ASSERT_EQ(ana.Login("ana@shop.example", "password-ana").status, 200);
  EXPECT_EQ(ana.Post("/api/v1/purchases", {{"email", "new@shop.example"}, {"purchaseId", "X"}}).status, 403);

  // A key with events:write but not purchases:write records no purchase through the batch either: the
  // purchase is refused alone (it does not take the order id), the other events are kept.
  json::object events_only = Cli(data_dir_, {"apikey", "create", "--store", std::to_string(store_id_), "--name", "events",
                                             "--scopes", "events:write"});
  ApiClient eventer(*server_);
  eventer.UseApiKey(TextOf(events_only, "key_id"), TextOf(events_only, "secret"));
  json::object line{{"productId", "S1"}, {"name", "Sock"}, {"url", "https://shop.example/s1"}, {"unitPrice", 5}, {"quantity", 1}};
  HttpResponse sneaked = eventer.Post(
      "/api/v1/events/batch",
      {{"events", json::array{json::object{{"email", "new@shop.example"},
                                           {"type", "purchase"},
                                           {"purchase", json::object{{"purchaseId", "ORD-2"}, {"products", json::array{line}}}}},
                              json::object{{"email", "new@shop.example"}, {"type", "search"}, {"searchText", "socks"}}}}});
  ASSERT_EQ(sneaked.status, 200) << sneaked.body;
  json::object sneaked_body = Body(sneaked);
  const json::object& sneaked_result = sneaked_body.at("results").as_array().at(0).as_object();
  EXPECT_EQ(sneaked_result.at("events_stored").as_int64(), 1) << sneaked.body;
  ASSERT_EQ(sneaked_result.at("errors").as_array().size(), 1u) << sneaked.body;
  EXPECT_EQ(TextOf(sneaked_result.at("errors").as_array()[0].as_object(), "field"), "events[0].type");
  EXPECT_EQ(Activities(contact, "?type=purchase").size(), 1u);
  HttpResponse real = key.Post("/api/v1/purchases", {{"email", "new@shop.example"}, {"purchaseId", "ORD-2"}, {"products", json::array{line}}});
  EXPECT_EQ(real.status, 201) << real.body;
}

TEST_F(TrackingApiTest, SegmentSpecCallsLandOnTheRightContact) {
  std::string auth = "Basic " + crypto::Base64Encode(token_ + ":");
  auto send = [&](const std::string& path, const json::object& body) {
    return server_->Send("POST", path, ToJson(body), {{"Authorization", auth}, {"Content-Type", "application/json"}});
  };
  EXPECT_EQ(server_->Send("POST", "/v1/track", "{}", {{"Authorization", "Basic " + crypto::Base64Encode("nope:")}}).status, 401);
  ASSERT_EQ(send("/v1/identify", {{"userId", "seg@shop.example"}, {"traits", json::object{{"firstName", "Seg"}}}}).status, 200);
  HttpResponse batch = send("/v1/batch",
                            {{"batch", json::array{json::object{{"type", "track"},
                                                                {"event", "Product Viewed"},
                                                                {"userId", "seg@shop.example"},
                                                                {"properties", json::object{{"product_id", "p1"},
                                                                                            {"name", "Hat"},
                                                                                            {"price", 10},
                                                                                            {"url", "https://shop.example/hat"}}}},
                                                   json::object{{"type", "track"},
                                                                {"event", "Coupon Applied"},
                                                                {"userId", "seg@shop.example"},
                                                                {"properties", json::object{{"coupon", "X"}}}}}}});
  ASSERT_EQ(batch.status, 200) << batch.body;
  json::object contact = Body(Key().Get("/api/v1/contacts/seg@shop.example"));
  EXPECT_EQ(TextOf(contact.at("fields").as_object(), "_name"), "Seg");
  EXPECT_EQ(Types(Activities(IdOf(contact))), (std::vector<std::string>{"custom", "product-visited", "entity-created"}));
}

// Server-side senders name the visitor's address and browser in each call's context: excluded IPs and
// bots are dropped per call, and a repeated order is reported.
TEST_F(TrackingApiTest, SegmentCallsFromExcludedIpsAndBotsAreDropped) {
  ApiClient ana(*server_);
  ASSERT_EQ(ana.Login("ana@shop.example", "password-ana").status, 200);
  ASSERT_EQ(ana.Post("/api/v1/stores/" + std::to_string(store_id_) + "/excluded-ips", {{"ip", "203.0.113.0/24"}}).status, 201);
  std::string auth = "Basic " + crypto::Base64Encode(token_ + ":");
  HttpResponse batch = server_->Send("POST", "/v1/batch", R"j({"batch":[
    {"type":"track","event":"Signed In","userId":"office@shop.example","context":{"ip":"203.0.113.5"}},
    {"type":"page","userId":"crawler@shop.example","context":{"ip":"198.51.100.7","userAgent":"Mozilla/5.0 (compatible; bingbot/2.0)"}},
    {"type":"track","event":"Order Completed","userId":"buyer@shop.example","context":{"ip":"198.51.100.8"},
     "properties":{"order_id":"seg-1","total":5,"products":[{"product_id":"p","name":"P","quantity":1}]}}]})j",
                                     {{"Authorization", auth}, {"Content-Type", "application/json"}});
  ASSERT_EQ(batch.status, 200) << batch.body;
  EXPECT_TRUE(Body(batch).at("errors").as_array().empty()) << batch.body;
  json::array contacts = Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts")).at("contacts").as_array();
  ASSERT_EQ(contacts.size(), 1u);
  EXPECT_EQ(TextOf(contacts[0].as_object(), "email"), "buyer@shop.example");
  std::string metrics = server_->Get("/metrics").body;
  EXPECT_NE(metrics.find(R"(starling_tracking_dropped_total{reason="excluded_ip"} 1)"), std::string::npos);
  EXPECT_NE(metrics.find(R"(starling_tracking_dropped_total{reason="bot"} 1)"), std::string::npos);
  // The same order again: answered, reported, not stored twice.
  HttpResponse again = server_->Send("POST", "/v1/track", R"({"event":"Order Completed","userId":"buyer@shop.example",
    "properties":{"order_id":"seg-1","total":5,"products":[{"product_id":"p","name":"P","quantity":1}]}})",
                                     {{"Authorization", auth}, {"Content-Type", "application/json"}});
  ASSERT_EQ(again.status, 200) << again.body;
  json::array errors = Body(again).at("errors").as_array();
  ASSERT_EQ(errors.size(), 1u) << again.body;
  EXPECT_EQ(TextOf(errors[0].as_object(), "field"), "purchase.purchaseId");
  EXPECT_EQ(Activities(IdOf(contacts[0].as_object()), "?type=purchase").size(), 1u);
}

// What real Segment clients send: server-side calls by the shop's own user id, products without urls,
// alias/group calls, and now and then one bad call in a batch (analytics-node does not retry a 400).
TEST_F(TrackingApiTest, SegmentBatchesKeepTheirValidCallsAndFindUsersByExternalId) {
  std::string auth = "Basic " + crypto::Base64Encode(token_ + ":");
  auto send = [&](const std::string& path, const std::string& body) {
    return server_->Send("POST", path, body, {{"Authorization", auth}, {"Content-Type", "application/json"}});
  };
  // The catalog knows the hat from the shop's pages.
  ASSERT_EQ(Collect(R"({"events":[{"type":"product-visited","product":{"productId":"hat","name":"Hat","url":"https://shop.example/hat","unitPrice":10}}]})").status, 200);
  HttpResponse identify = send("/v1/identify", R"({"userId":"cust-42","traits":{"email":"c42@shop.example","firstName":"Cy"}})");
  ASSERT_EQ(identify.status, 200) << identify.body;
  EXPECT_EQ(Body(identify).at("errors").as_array().size(), 0u);

  HttpResponse batch = send("/v1/batch", R"({"batch":[
    {"type":"track","event":"Order Completed","userId":"cust-42","properties":{"order_id":"o-1","total":20,
      "products":[{"product_id":"hat","name":"Hat","quantity":2}]}},
    {"type":"track","event":"Signed In"},
    {"type":"alias","previousId":"cust-41","userId":"cust-42"},
    {"type":"group","groupId":"acme","userId":"cust-42"},
    {"type":"identify","userId":"cust-42","traits":{"_points":"lots"}}]})");
  ASSERT_EQ(batch.status, 200) << batch.body;
  json::array errors = Body(batch).at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u) << batch.body;
  EXPECT_EQ(errors[0].as_object().at("event").as_int64(), 1);
  EXPECT_EQ(TextOf(errors[0].as_object(), "field"), "batch[1].userId");
  EXPECT_NE(TextOf(errors[0].as_object(), "message").find("needs a userId"), std::string::npos);
  EXPECT_EQ(errors[1].as_object().at("event").as_int64(), 4);
  EXPECT_EQ(TextOf(errors[1].as_object(), "field"), "batch[4].traits._points");

  // Every call of a batch refused: 400, with each call's error.
  HttpResponse bad = send("/v1/batch", R"({"batch":[{"type":"track","event":"Signed In"},{"type":"nope","userId":"x"}]})");
  ASSERT_EQ(bad.status, 400) << bad.body;
  json::object bad_body = Body(bad);
  EXPECT_EQ(TextOf(bad_body.at("error").as_object(), "field"), "batch[0].userId");
  EXPECT_EQ(bad_body.at("errors").as_array().size(), 2u);
  // A single call refused: 400 saying what to fix.
  HttpResponse single = send("/v1/track", R"({"event":"Order Completed","userId":"cust-42","properties":{}})");
  ASSERT_EQ(single.status, 400) << single.body;
  EXPECT_NE(single.body.find("Order Completed needs its order_id"), std::string::npos) << single.body;
  EXPECT_EQ(send("/v1/alias", R"({"previousId":"a","userId":"b"})").status, 200);

  // A restart reloads the external ids.
  ASSERT_EQ(server_->Stop(SIGTERM), 0);
  {
    auto db = db::OpenDatabase("sqlite:" + data_dir_ + "/starling.db", {});
    ASSERT_TRUE(db) << db.error().message;
    auto reader = (*db)->Reader();
    ASSERT_TRUE(reader);
    auto row = (*reader)->QueryOne("SELECT url, unit_price FROM products WHERE store_id = ? AND product_id = 'hat'",
                                   {store_id_});
    ASSERT_TRUE(row && *row);
    EXPECT_EQ((*row)->GetText(0), "https://shop.example/hat");  // not replaced by the url-less line
    EXPECT_DOUBLE_EQ((*row)->GetDouble(1), 10);
  }
  Start();
  ASSERT_EQ(send("/v1/track", R"({"event":"Signed In","userId":"cust-42"})").status, 200);
  // A user known only by the shop's id is found again too.
  ASSERT_EQ(send("/v1/track", R"({"event":"Signed Up","userId":"cust-77"})").status, 200);
  ASSERT_EQ(send("/v1/track", R"({"event":"Signed In","userId":"cust-77"})").status, 200);

  json::object contact = Body(Key().Get("/api/v1/contacts/c42@shop.example"));
  EXPECT_EQ(TextOf(contact.at("fields").as_object(), "_external_id"), "cust-42");
  EXPECT_EQ(Types(Activities(IdOf(contact))), (std::vector<std::string>{"login", "purchase", "entity-created"}));
  json::object list = Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts"));
  int with_77 = 0;
  for (const auto& c : list.at("contacts").as_array()) {
    const json::object& fields = c.as_object().at("fields").as_object();
    if (fields.contains("_external_id") && TextOf(fields, "_external_id") == "cust-77") {
      ++with_77;
      EXPECT_EQ(Types(Activities(IdOf(c.as_object()))), (std::vector<std::string>{"login", "register", "entity-created"}));
    }
  }
  EXPECT_EQ(with_77, 1);

  // The write key is the public tracking token: a call cannot take a user's id for another contact,
  // nor give a contact that has one another. The page cannot set it as a field.
  HttpResponse takeover = send("/v1/identify", R"({"userId":"cust-42","traits":{"email":"thief@evil.example"}})");
  ASSERT_EQ(takeover.status, 200) << takeover.body;
  HttpResponse replace = send("/v1/identify", R"({"userId":"cust-43","traits":{"email":"c42@shop.example"}})");
  ASSERT_EQ(replace.status, 200) << replace.body;
  HttpResponse page = Collect(R"({"entityInfo":{"primaryKey":"thief@evil.example","_external_id":"cust-77"},"events":[]})");
  ASSERT_EQ(page.status, 200) << page.body;
  ASSERT_EQ(Body(page).at("errors").as_array().size(), 1u) << page.body;
  EXPECT_EQ(TextOf(Body(page).at("errors").as_array()[0].as_object(), "field"), "entityInfo._external_id");
  json::object thief = Body(Key().Get("/api/v1/contacts/thief@evil.example"));
  EXPECT_FALSE(thief.at("fields").as_object().contains("_external_id")) << ToJson(thief);
  ASSERT_EQ(send("/v1/track", R"({"event":"Signed In","userId":"cust-42"})").status, 200);
  json::object owner = Body(Key().Get("/api/v1/contacts/c42@shop.example"));
  EXPECT_EQ(TextOf(owner.at("fields").as_object(), "_external_id"), "cust-42");
  EXPECT_EQ(Types(Activities(IdOf(owner))).front(), "login");
  EXPECT_EQ(Activities(IdOf(thief)).size(), 1u);  // entity-created only
}

TEST_F(TrackingApiTest, IntegrationCheckAndAbandonmentWithTheTestClock) {
  ApiClient ana(*server_);
  ASSERT_EQ(ana.Login("ana@shop.example", "password-ana").status, 200);
  std::string base = "/api/v1/stores/" + std::to_string(store_id_) + "/integration";
  json::object before = Body(ana.Get(base));
  EXPECT_NE(TextOf(before, "snippet").find("data-token=\"" + token_ + "\""), std::string::npos);
  for (const auto& item : before.at("checklist").as_array()) EXPECT_FALSE(item.as_object().at("seen").as_bool());
  int64_t seq = before.at("live_seq").as_int64();
  HttpResponse head;
  auto live = ana.OpenStream(base + "/events?after=" + std::to_string(seq), head);
  ASSERT_TRUE(live);
  ASSERT_EQ(head.status, 200) << head.body;

  std::string cart = R"({"cart":{"cartId":"c1","products":[{"productId":"p","name":"P","url":"https://shop.example/p","unitPrice":3,"quantity":1}]},"events":[{"type":"page-visit"},{"type":"product-visited","product":{"productId":"p","name":"P","url":"https://shop.example/p","unitPrice":"x"}}]})";
  ASSERT_EQ(Collect(cart).status, 200);
  json::object entry = NextLiveEntry(*live);
  EXPECT_EQ(entry.at("seq").as_int64(), seq + 1);
  EXPECT_EQ(TextOf(entry, "status"), "stored");
  EXPECT_EQ(entry.at("errors").as_array().size(), 1u);
  json::object after = Body(ana.Get(base));
  std::map<std::string, bool> seen;
  for (const auto& item : after.at("checklist").as_array()) {
    seen[TextOf(item.as_object(), "key")] = item.as_object().at("seen").as_bool();
  }
  EXPECT_TRUE(seen["page_visit"]);
  EXPECT_TRUE(seen["cart"]);
  EXPECT_FALSE(seen["product_visit"]);
  EXPECT_FALSE(seen["purchase"]);

  // 31 minutes later the cart is abandoned.
  ASSERT_EQ(server_->Send("POST", "/api/v1/test/clock", R"({"advance_seconds":1860})", {{"Content-Type", "application/json"}}).status, 200);
  json::object timer = NextLiveEntry(*live);  // on the stream opened before
  EXPECT_EQ(TextOf(timer, "source"), "timer");
  EXPECT_EQ(timer.at("seq").as_int64(), seq + 2);
  json::object contacts = Body(ana.Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts"));
  int64_t contact = IdOf(contacts.at("contacts").as_array()[0].as_object());
  EXPECT_EQ(Types(Activities(contact, "?type=cart-abandoned")), (std::vector<std::string>{"cart-abandoned"}));
  // The live view says whose cart it was.
  EXPECT_EQ(timer.at("contact_id").as_int64(), contact);

  // Requests that store nothing still show, with their errors: only invalid events from a known
  // browser, and a body over the limit.
  std::string tracker = TextOf(Body(Collect(R"({"events":[{"type":"page-visit"}]})")), "trackerId");
  EXPECT_EQ(NextLiveEntry(*live).at("seq").as_int64(), seq + 3);
  HttpResponse invalid = Collect(R"({"entityInfo":{"trackerId":")" + tracker + R"("},"events":[{"type":"custom"}]})");
  ASSERT_EQ(invalid.status, 200) << invalid.body;
  json::object refused = NextLiveEntry(*live);
  EXPECT_EQ(TextOf(refused, "status"), "not stored: no valid event");
  ASSERT_EQ(refused.at("errors").as_array().size(), 1u);
  EXPECT_EQ(TextOf(refused.at("errors").as_array()[0].as_object(), "field"), "events[0].eventId");
  std::string big = R"({"events":[{"type":"custom","eventId":"x","payload":{"blob":")" + std::string(600 * 1024, 'x') + "\"}}]}";
  ASSERT_EQ(Collect(big).status, 413);
  json::object too_large = NextLiveEntry(*live);
  EXPECT_NE(TextOf(too_large, "status").find("refused: request body is"), std::string::npos) << TextOf(too_large, "status");

  // An entry names its contact's email as the request left it: null while anonymous, the email once a
  // request identified the visitor.
  EXPECT_TRUE(entry.at("contact_email").is_null());
  ASSERT_EQ(Collect(R"({"entityInfo":{"trackerId":")" + tracker + R"(","primaryKey":"Live@Shop.example"},"events":[{"type":"login"}]})").status, 200);
  json::object identified = NextLiveEntry(*live);
  EXPECT_EQ(TextOf(identified, "contact_email"), "live@shop.example");
  EXPECT_GT(identified.at("contact_id").as_int64(), 0);
}

// A shop integrated by API only sends whole carts too: the lines added and removed are derived, and
// an untouched cart is abandoned.
TEST_F(TrackingApiTest, RestCartsAreDiffedAndAbandoned) {
  ApiClient key = Key();
  auto line = [](const std::string& id, int quantity) {
    return json::object{{"productId", id}, {"name", "Product " + id}, {"url", "https://shop.example/" + id},
                        {"unitPrice", 4}, {"quantity", quantity}};
  };
  HttpResponse unknown = key.Call("POST", "/api/v1/carts?createContact=false",
                                  ToJson(json::object{{"email", "cart@shop.example"},
                                                      {"cart", json::object{{"cartId", "c9"}, {"products", json::array{}}}}}));
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  HttpResponse first = key.Post("/api/v1/carts", {{"email", "cart@shop.example"},
                                                  {"cart", json::object{{"cartId", "c9"}, {"products", json::array{line("a", 1), line("b", 2)}}}}});
  ASSERT_EQ(first.status, 200) << first.body;
  int64_t contact = IdOf(Body(first), "contact_id");
  HttpResponse second = key.Post("/api/v1/carts", {{"email", "cart@shop.example"},
                                                   {"cart", json::object{{"cartId", "c9"}, {"products", json::array{line("b", 2)}}}}});
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Body(second).at("events_stored").as_int64(), 1);
  HttpResponse no_cart = key.Post("/api/v1/carts", {{"email", "cart@shop.example"}});
  EXPECT_EQ(no_cart.status, 400);
  EXPECT_NE(no_cart.body.find("send the whole cart"), std::string::npos) << no_cart.body;
  ASSERT_EQ(server_->Send("POST", "/api/v1/test/clock", R"({"advance_seconds":1860})", {{"Content-Type", "application/json"}}).status, 200);
  std::vector<std::string> types;
  for (int i = 0; i < 200; ++i) {
    types = Types(Activities(contact));
    if (!types.empty() && types.front() == "cart-abandoned") break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(types, (std::vector<std::string>{"cart-abandoned", "cart-product-removed", "cart-product-added",
                                             "cart-product-added", "entity-created"}));
  // The abandoned cart sent again adds nothing; a new cart (another cartId) is new: its lines are added.
  HttpResponse again = key.Post("/api/v1/carts", {{"email", "cart@shop.example"},
                                                  {"cart", json::object{{"cartId", "c9"}, {"products", json::array{line("b", 2)}}}}});
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Body(again).at("events_stored").as_int64(), 0);
  HttpResponse next = key.Post("/api/v1/carts", {{"email", "cart@shop.example"},
                                                 {"cart", json::object{{"cartId", "c10"}, {"products", json::array{line("b", 1)}}}}});
  ASSERT_EQ(next.status, 200) << next.body;
  EXPECT_EQ(Body(next).at("events_stored").as_int64(), 1);
  EXPECT_EQ(Types(Activities(contact)).front(), "cart-product-added");
}

TEST_F(TrackingApiTest, AbandonmentTimerSurvivesARestart) {
  HttpResponse r = Collect(R"({"cart":{"cartId":"c1","products":[{"productId":"p","name":"P","url":"https://shop.example/p","unitPrice":3,"quantity":1}]}})");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
  Start();
  // Nothing is sent to the store after the restart: the live view (which neither loads the store nor
  // reads its contacts) shows the timer firing once the clock is past the delay.
  ApiClient ana(*server_);
  ASSERT_EQ(ana.Login("ana@shop.example", "password-ana").status, 200);
  std::string base = "/api/v1/stores/" + std::to_string(store_id_) + "/integration";
  int64_t seq = Body(ana.Get(base)).at("live_seq").as_int64();
  HttpResponse head;
  auto live = ana.OpenStream(base + "/events?after=" + std::to_string(seq), head);
  ASSERT_TRUE(live);
  ASSERT_EQ(head.status, 200) << head.body;
  // The restarted server's clock starts from now again: move it past the delay.
  ASSERT_EQ(server_->Send("POST", "/api/v1/test/clock", R"({"advance_seconds":1860})", {{"Content-Type", "application/json"}}).status, 200);
  json::object timer = NextLiveEntry(*live);
  EXPECT_EQ(TextOf(timer, "source"), "timer");
  ASSERT_EQ(timer.at("event_types").as_array().size(), 1u) << ToJson(timer);
  EXPECT_EQ(timer.at("event_types").as_array()[0].as_string(), "cart-abandoned");
  // And it is the contact's activity.
  json::object contacts = Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts"));
  ASSERT_EQ(contacts.at("contacts").as_array().size(), 1u);
  EXPECT_EQ(Types(Activities(IdOf(contacts.at("contacts").as_array()[0].as_object()), "?type=cart-abandoned")),
            (std::vector<std::string>{"cart-abandoned"}));
}

// A browser's push subscription finds its contact when the tracker is gone, also after a restart (the
// runtime loads the endpoints), and only in its own store.
// A Segment library retries a call whose answer it did not get, with the same messageId. The retry is
// answered as a success and stored nothing, also after the server was killed right after storing the
// first; another store's call with the same messageId is its own.
TEST_F(TrackingApiTest, SegmentRetriesWithTheSameMessageIdAreStoredOnce) {
  auto track = [this](const std::string& token, const std::string& message_id) {
    std::string body = R"({"userId":"retry@shop.example","event":"Quote Requested","messageId":")" + message_id +
                       R"(","properties":{"amount":120}})";
    return server_->Send("POST", "/v1/track", body,
                         {{"Authorization", "Basic " + crypto::Base64Encode(token + ":")}, {"Content-Type", "application/json"}});
  };
  ASSERT_EQ(track(token_, "msg-1").status, 200);
  HttpResponse retry = track(token_, "msg-1");
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_TRUE(Body(retry).at("success").as_bool());
  int64_t contact = IdOf(Body(Key().Get("/api/v1/contacts/retry@shop.example")));
  EXPECT_EQ(Types(Activities(contact)), (std::vector<std::string>{"custom", "entity-created"}));

  ASSERT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
  json::object other = Cli(data_dir_, {"store", "create", "--org", std::to_string(org_id_), "--name", "Other", "--url",
                                       "https://other.example"});
  Start();
  ASSERT_EQ(track(token_, "msg-1").status, 200);
  ASSERT_EQ(track(token_, "msg-2").status, 200);
  EXPECT_EQ(Types(Activities(contact)), (std::vector<std::string>{"custom", "custom", "entity-created"}));
  // In another store the same messageId is a message of its own.
  ASSERT_EQ(track(TextOf(other, "tracking_token"), "msg-1").status, 200);
  ApiClient ana(*server_);
  ASSERT_EQ(ana.Login("ana@shop.example", "password-ana").status, 200);
  std::string other_store = "/api/v1/stores/" + std::to_string(IdOf(other));
  json::object other_contacts = Body(ana.Get(other_store + "/contacts"));
  ASSERT_EQ(other_contacts.at("contacts").as_array().size(), 1u);
  int64_t other_contact = IdOf(other_contacts.at("contacts").as_array()[0].as_object());
  json::object other_timeline = Body(ana.Get(other_store + "/contacts/" + std::to_string(other_contact) + "/activities"));
  EXPECT_EQ(other_timeline.at("activities").as_array().size(), 2u);  // entity-created, custom

  // A day later the ids are forgotten (a retry that late is a new message) and their rows deleted.
  auto stored_ids = [this] {
    auto db = db::OpenDatabase("sqlite:" + data_dir_ + "/starling.db", {});
    EXPECT_TRUE(db) << db.error().message;
    auto reader = (*db)->Reader();
    auto row = (*reader)->QueryOne("SELECT COUNT(*) FROM segment_messages WHERE store_id = ?", {store_id_});
    return row && *row ? (*row)->GetInt64(0) : -1;
  };
  EXPECT_EQ(stored_ids(), 2);
  ASSERT_EQ(server_->Send("POST", "/api/v1/test/clock", R"({"advance_seconds":90000})", {{"Content-Type", "application/json"}}).status, 200);
  for (int i = 0; i < 100 && stored_ids() != 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(stored_ids(), 0);
  ASSERT_EQ(track(token_, "msg-1").status, 200);
  EXPECT_EQ(Types(Activities(contact)).size(), 4u);
}

// A customer the shop names by its own user id only (a Segment userId that is not an email) is known,
// not anonymous: the contact says its external id.
TEST_F(TrackingApiTest, ACustomerKnownByTheShopsUserIdIsNotAnonymous) {
  HttpResponse r = server_->Send("POST", "/v1/track", R"({"userId":4711,"event":"Signed In"})",
                                 {{"Authorization", "Basic " + crypto::Base64Encode(token_ + ":")},
                                  {"Content-Type", "application/json"}});
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);
  json::array contacts = Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts")).at("contacts").as_array();
  ASSERT_EQ(contacts.size(), 2u);
  const json::object& visitor = contacts[0].as_object();  // newest first
  const json::object& customer = contacts[1].as_object();
  EXPECT_TRUE(customer.at("email").is_null());
  EXPECT_EQ(TextOf(customer, "external_id"), "4711");
  EXPECT_FALSE(customer.at("anonymous").as_bool());
  EXPECT_TRUE(visitor.at("external_id").is_null());
  EXPECT_TRUE(visitor.at("anonymous").as_bool());
  // The contact search finds the customer by (a fragment of) that id.
  json::array found = Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts?q=471")).at("contacts").as_array();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(IdOf(found[0].as_object()), IdOf(customer));
  // "#<id>" finds the contact with that id, as the UI names contacts without email.
  json::array by_id = Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts?q=%23" +
                                     std::to_string(IdOf(visitor)))).at("contacts").as_array();
  ASSERT_EQ(by_id.size(), 1u);
  EXPECT_EQ(IdOf(by_id[0].as_object()), IdOf(visitor));
  // What is typed is matched as typed: `%` and `_` are not wildcards.
  for (std::string q : {"%25", "_", "4_11"}) {
    EXPECT_TRUE(Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts?q=" + q)).at("contacts").as_array().empty()) << q;
  }
}

TEST_F(TrackingApiTest, PushSubscriptionFindsTheContactAfterARestart) {
  const std::string subscription =
      R"({"endpoint":"https://fcm.googleapis.com/fcm/send/e1:APA91bH","expirationTime":null,"keys":)"
      R"({"p256dh":"BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",)"
      R"("auth":"tBHItJI5svbpez7KI4CCXg"}})";
  HttpResponse first = Collect(R"({"entityInfo":{"primaryKey":"pia@shop.example"},"pushSubscription":)" + subscription +
                               R"(,"events":[{"type":"register"}]})");
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_TRUE(Body(first).at("errors").as_array().empty()) << first.body;
  std::string first_tracker = TextOf(Body(first), "trackerId");
  int64_t contact = IdOf(Body(Key().Get("/api/v1/contacts/pia@shop.example")));

  ASSERT_EQ(server_->Stop(SIGKILL), 128 + SIGKILL);
  json::object other_store = Cli(data_dir_, {"store", "create", "--org", std::to_string(org_id_), "--name", "Other", "--url",
                                             "https://other.example"});
  Start();
  // No tracker, no email: the subscription finds the contact; the browser's new tracker is bound to it.
  HttpResponse again = Collect(R"({"pushSubscription":)" + subscription + R"(,"events":[{"type":"page-visit"}]})");
  ASSERT_EQ(again.status, 200) << again.body;
  std::string new_tracker = TextOf(Body(again), "trackerId");
  EXPECT_NE(new_tracker, first_tracker);
  json::object found = Body(Key().Get("/api/v1/contacts/" + std::to_string(contact)));
  std::vector<std::string> trackers;
  for (const auto& t : found.at("tracker_ids").as_array()) trackers.emplace_back(t.as_string());
  EXPECT_EQ(trackers, (std::vector<std::string>{first_tracker, new_tracker}));
  EXPECT_EQ(Types(Activities(contact)),
            (std::vector<std::string>{"page-visit", "register", "push-subscribed", "entity-created"}));
  EXPECT_EQ(Body(Key().Get("/api/v1/stores/" + std::to_string(store_id_) + "/contacts")).at("contacts").as_array().size(),
            1u);

  // The same endpoint in another store is a stranger there: a new anonymous contact of that store.
  HttpResponse elsewhere = server_->Send("POST", "/collect/" + TextOf(other_store, "tracking_token"),
                                         R"({"pushSubscription":)" + subscription + R"(,"events":[{"type":"page-visit"}]})",
                                         {{"Content-Type", "text/plain;charset=UTF-8"}});
  ASSERT_EQ(elsewhere.status, 200) << elsewhere.body;
  std::string other_tracker = TextOf(Body(elsewhere), "trackerId");
  EXPECT_NE(other_tracker, first_tracker);
  EXPECT_NE(other_tracker, new_tracker);
  EXPECT_EQ(Types(Activities(contact)),
            (std::vector<std::string>{"page-visit", "register", "push-subscribed", "entity-created"}));

  // A browser that only just allowed notifications sends its subscription alone, with its tracker: stored.
  std::string late_tracker = TextOf(Body(Collect(R"({"entityInfo":{"primaryKey":"late@shop.example"},"events":[]})")), "trackerId");
  const std::string late_subscription =
      R"({"endpoint":"https://updates.push.services.mozilla.com/wpush/v2/late","keys":)"
      R"({"p256dh":"BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",)"
      R"("auth":"tBHItJI5svbpez7KI4CCXg"}})";
  HttpResponse alone = Collect(R"({"entityInfo":{"trackerId":")" + late_tracker + R"("},"pushSubscription":)" +
                               late_subscription + "}");
  ASSERT_EQ(alone.status, 200) << alone.body;
  json::object late = Body(Key().Get("/api/v1/contacts/late@shop.example"));
  ASSERT_EQ(late.at("push_subscriptions").as_array().size(), 1u) << ToJson(late);
  EXPECT_EQ(TextOf(late.at("push_subscriptions").as_array()[0].as_object(), "service"), "updates.push.services.mozilla.com");

  // The customer's browser, known by its subscription only, subscribes another email to the newsletter:
  // the subscription is recorded on that email's contact; the browser and its push stay the customer's.
  HttpResponse newsletter = Collect(R"({"pushSubscription":)" + subscription +
                                    R"(,"events":[{"type":"newsletter-subscribe","email":"friend@shop.example"}]})");
  ASSERT_EQ(newsletter.status, 200) << newsletter.body;
  json::object friend_contact = Body(Key().Get("/api/v1/contacts/friend@shop.example"));
  EXPECT_EQ(TextOf(friend_contact.at("fields").as_object(), "_newsletter_subscription_status"), "subscribed");
  EXPECT_TRUE(friend_contact.at("push_subscriptions").as_array().empty()) << ToJson(friend_contact);
  json::object pia = Body(Key().Get("/api/v1/contacts/" + std::to_string(contact)));
  ASSERT_EQ(pia.at("push_subscriptions").as_array().size(), 1u) << ToJson(pia);
  EXPECT_EQ(TextOf(pia.at("push_subscriptions").as_array()[0].as_object(), "service"), "fcm.googleapis.com");

  // A malformed subscription is refused by name; the request's events are kept.
  HttpResponse bad = Collect(R"({"pushSubscription":{"endpoint":"http://push.example/x"},"events":[{"type":"page-visit"}]})");
  ASSERT_EQ(bad.status, 200) << bad.body;
  ASSERT_EQ(Body(bad).at("errors").as_array().size(), 1u) << bad.body;
  EXPECT_EQ(TextOf(Body(bad).at("errors").as_array()[0].as_object(), "field"), "pushSubscription.endpoint");
}

// A load generator sends custom events over keep-alive connections; the server is killed with SIGKILL
// mid-stream and restarted; every acknowledged event is there.
TEST_F(TrackingApiTest, AcknowledgedEventsSurviveSigkill) {
  constexpr int kThreads = 6;
  std::atomic<int> acked{0};
  std::atomic<bool> stop{false};
  std::atomic<int> running{kThreads};  // load threads still sending
  std::mutex mutex;
  std::vector<std::pair<std::string, int>> acknowledged;  // (tracker, n)
  std::vector<std::thread> threads;
  uint16_t port = server_->port();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      struct Done {
        std::atomic<int>& running;
        ~Done() { --running; }
      } done{running};
      auto connection = HttpConnection::Open(port);
      if (!connection) return;
      std::string tracker = "load-tracker-" + std::to_string(t) + "-abcdef";
      for (int n = 0; !stop.load(); ++n) {
        std::string body = R"({"entityInfo":{"trackerId":")" + tracker + R"("},"events":[{"type":"custom","eventId":"load","payload":{"n":)" +
                           std::to_string(n) + "}}]}";
        auto r = (*connection)->Request("POST", "/collect/" + token_, body, {{"Content-Type", "text/plain"}});
        if (!r || r->status != 200) return;  // the server died
        std::lock_guard lock(mutex);
        acknowledged.emplace_back(tracker, n);
        ++acked;
      }
    });
  }
  // Long enough for the engine to write some contact heads in the background (after 5 s), so that the
  // restart below finds heads both written and still to replay.
  auto started = std::chrono::steady_clock::now();
  while ((acked.load() < 3000 || std::chrono::steady_clock::now() - started < std::chrono::milliseconds(5600)) &&
         running.load() > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  const int still_sending = running.load();
  server_->Signal(SIGKILL);
  stop = true;
  for (auto& t : threads) t.join();
  ASSERT_EQ(still_sending, kThreads) << "a load thread stopped before the kill: the server refused a request or died";
  EXPECT_EQ(server_->Wait(5000), 128 + SIGKILL);

  // Reopen the database the way the server does and look for every acknowledged event.
  auto db = db::OpenDatabase("sqlite:" + data_dir_ + "/starling.db", {});
  ASSERT_TRUE(db) << db.error().message;
  std::set<std::pair<std::string, int>> stored;
  std::map<int64_t, std::vector<int64_t>> events_of;  // contact → its event ids, newest first
  {
    auto reader = (*db)->Reader();
    ASSERT_TRUE(reader);
    ASSERT_TRUE((*reader)->QueryEach(
        "SELECT t.tracker_id, e.data FROM events e JOIN contact_trackers t ON t.store_id = e.store_id AND "
        "t.contact_id = e.contact_id WHERE e.type = 'custom'",
        {}, [&](const db::Row& row) -> Status {
          auto data = ParseJsonObject(row.GetText(1));
          if (data) stored.emplace(row.GetText(0), static_cast<int>(data->at("payload").as_object().at("n").as_int64()));
          return Ok();
        }));
    ASSERT_TRUE((*reader)->QueryEach("SELECT contact_id, id FROM events ORDER BY id DESC", {},
                                     [&](const db::Row& row) -> Status {
                                       events_of[row.GetInt64(0)].push_back(row.GetInt64(1));
                                       return Ok();
                                     }));
    auto check = (*reader)->QueryOne("PRAGMA integrity_check");
    ASSERT_TRUE(check && *check);
    EXPECT_EQ((*check)->GetText(0), "ok");
  }
  size_t missing = 0;
  for (const auto& a : acknowledged) missing += stored.count(a) ? 0 : 1;
  EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged events";
  EXPECT_GE(stored.size(), acknowledged.size());
  // The restarted server serves the same data: every contact's count and whole timeline (its chain of
  // events, rebuilt from the heads written before the kill and the events after them).
  db->reset();
  Start();
  ASSERT_EQ(events_of.size(), static_cast<size_t>(kThreads));
  for (const auto& [contact_id, ids] : events_of) {
    HttpResponse contact = Key().Get("/api/v1/contacts/" + std::to_string(contact_id));
    ASSERT_EQ(contact.status, 200) << contact.body;
    EXPECT_EQ(Body(contact).at("activity_count").as_int64(), static_cast<int64_t>(ids.size()));
    std::vector<int64_t> timeline;
    for (const auto& a : AllActivities(contact_id, 200)) timeline.push_back(a.as_object().at("id").as_int64());
    EXPECT_EQ(timeline, ids) << "timeline of contact " << contact_id;
  }
  EXPECT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);
}

}  // namespace
}  // namespace starling::testing
