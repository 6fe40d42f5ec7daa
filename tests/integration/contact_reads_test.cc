// The contacts and integration-check reads on the real server, as the web UI uses them
// (docs/api-contacts.md): complete contacts in the list, the contact of the checklist's examples, the time
// of events the timers derive, and a checklist that survives a restart.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>

#include "tests/integration/api_client.h"

namespace starling::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kProduct =
    R"({"productId":"p1","name":"Shoe","url":"https://shop.example/p1","unitPrice":29.9)";

class ContactReadsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = MakeDataDir("starling_contact_reads");
    Cli(data_dir_, {"user", "create", "--email", "ana@a.example", "--name", "Ana", "--password-stdin"}, "password-ana\n");
    int64_t org = IdOf(Cli(data_dir_, {"org", "create", "--name", "Org", "--owner", "ana@a.example"}));
    json::object store = Cli(data_dir_, {"store", "create", "--org", std::to_string(org), "--name", "Shop", "--url",
                                         "https://shop.example"});
    store_ = IdOf(store);
    token_ = TextOf(store, "tracking_token");
    Start();
  }

  void Start() {
    StartOptions options;
    options.data_dir = data_dir_;
    options.args = {"--test-clock", "true"};
    auto server = StarlingProcess::Start(options);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
  }

  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }

  // Sends one request as the tracking script does; returns the answer's JSON.
  json::object Collect(const std::string& body) {
    HttpResponse r = server_->Send("POST", "/collect/" + token_, body, {{"Content-Type", "text/plain;charset=UTF-8"}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find(R"("errors":[])"), r.body.find(R"("errors")")) << body << " → " << r.body;
    auto parsed = ParseJsonObject(r.body);
    return parsed ? *parsed : json::object{};
  }

  json::object GetJson(ApiClient& client, const std::string& target) {
    HttpResponse r = client.Get(target);
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    auto parsed = ParseJsonObject(r.body);
    return parsed ? *parsed : json::object{};
  }

  std::string StorePath(const std::string& rest) { return "/api/v1/stores/" + std::to_string(store_) + rest; }

  ApiClient SignedIn() {
    ApiClient client(*server_);
    EXPECT_EQ(client.Login("ana@a.example", "password-ana").status, 200);
    return client;
  }

  std::string data_dir_, token_;
  int64_t store_ = 0;
  std::unique_ptr<StarlingProcess> server_;
};

const json::object* ChecklistItem(const json::object& integration, std::string_view key) {
  for (const json::value& item : integration.at("checklist").as_array()) {
    if (item.as_object().at("key").as_string() == key) return &item.as_object();
  }
  return nullptr;
}

TEST_F(ContactReadsTest, ContactListCarriesTrackersCountAndCart) {
  json::object first = Collect(R"({"events":[{"type":"page-visit"}],"cart":{"cartId":"c1","totalQuantity":2,)"
                               R"("totalPrice":59.8,"products":[)" + std::string(kProduct) +
                               R"(,"quantity":2,"price":29.9}]}})");
  std::string tracker = TextOf(first, "trackerId");
  ASSERT_FALSE(tracker.empty());
  ApiClient ana = SignedIn();
  json::object list = GetJson(ana, StorePath("/contacts"));
  ASSERT_EQ(list.at("contacts").as_array().size(), 1u);
  const json::object& contact = list.at("contacts").as_array()[0].as_object();
  // The same Contact as GET …/contacts/{id}, not a lighter one.
  EXPECT_EQ(contact.at("activity_count").as_int64(), 3);  // entity-created, page-visit, cart-product-added
  ASSERT_EQ(contact.at("tracker_ids").as_array().size(), 1u);
  EXPECT_EQ(contact.at("tracker_ids").as_array()[0].as_string(), tracker);
  ASSERT_TRUE(contact.at("cart").is_object());
  EXPECT_EQ(contact.at("cart").as_object().at("state").as_string(), "active");
  json::object one = GetJson(ana, StorePath("/contacts/" + std::to_string(IdOf(contact))));
  EXPECT_EQ(ToJson(one), ToJson(contact));
  // Paging parameters that no page gave out are refused, naming the parameter.
  for (const char* query : {"?cursor=-5", "?cursor=0", "?cursor=abc", "?limit=0", "?limit=201"}) {
    HttpResponse bad = ana.Get(StorePath("/contacts") + query);
    EXPECT_EQ(bad.status, 400) << query << ": " << bad.body;
    EXPECT_NE(bad.body.find(std::string_view(query).substr(1, std::string_view(query).find('=') - 1)), std::string::npos)
        << bad.body;
  }
}

TEST_F(ContactReadsTest, ChecklistExamplesNameTheirContactAndTimersTheirTime) {
  Collect(R"({"entityInfo":{"primaryKey":"bo@shop.example"},"events":[{"type":"product-visited","product":)" +
          std::string(kProduct) + R"(}}],"cart":{"cartId":"c1","products":[)" + std::string(kProduct) +
          R"(,"quantity":1,"price":29.9}]}})");
  ApiClient ana = SignedIn();
  json::object integration = GetJson(ana, StorePath("/integration"));
  const json::object* product = ChecklistItem(integration, "product_visit");
  ASSERT_NE(product, nullptr);
  ASSERT_TRUE(product->at("last").is_object()) << ToJson(integration);
  int64_t contact = product->at("last").as_object().at("contact_id").as_int64();
  EXPECT_GT(contact, 0);
  json::object timeline = GetJson(ana, StorePath("/contacts/" + std::to_string(contact) + "/activities"));
  for (const json::value& activity : timeline.at("activities").as_array()) {
    EXPECT_EQ(activity.as_object().at("contact_id").as_int64(), contact);
  }

  // Past the abandonment delay (30 minutes), the timer's live entry says when it fired.
  uint64_t seq = static_cast<uint64_t>(integration.at("live_seq").as_int64());
  HttpResponse head;
  auto live = ana.OpenStream(StorePath("/integration/events?after=" + std::to_string(seq)), head);
  ASSERT_TRUE(live);
  ASSERT_EQ(head.status, 200) << head.body;
  HttpResponse moved = server_->Send("POST", "/api/v1/test/clock", R"({"advance_seconds":1860})",
                                     {{"Content-Type", "application/json"}});
  ASSERT_EQ(moved.status, 200) << moved.body;
  json::object timer = NextLiveEntry(*live);
  EXPECT_EQ(timer.at("source").as_string(), "timer");
  EXPECT_EQ(timer.at("event_types").as_array()[0].as_string(), "cart-abandoned");
  std::string at(timer.at("at").as_string());
  std::string now = TextOf(*ParseJsonObject(moved.body), "now");
  EXPECT_FALSE(at.starts_with("1970")) << at;
  EXPECT_EQ(at.substr(0, 13), now.substr(0, 13)) << at << " vs " << now;  // same hour as the moved clock
}

TEST_F(ContactReadsTest, ChecklistRemembersWhatWasSeenBeforeARestart) {
  Collect(R"({"events":[{"type":"page-visit"},{"type":"login"}],"entityInfo":{"primaryKey":"bo@shop.example"}})");
  EXPECT_EQ(server_->Stop(), 0);
  Start();
  // A request arrives before anyone opens the integration check.
  Collect(R"({"events":[{"type":"search","searchText":"shoes"}]})");
  ApiClient ana = SignedIn();
  json::object integration = GetJson(ana, StorePath("/integration"));
  EXPECT_TRUE(ChecklistItem(integration, "page_visit")->at("seen").as_bool());
  EXPECT_TRUE(ChecklistItem(integration, "login_register")->at("seen").as_bool());
  EXPECT_FALSE(ChecklistItem(integration, "purchase")->at("seen").as_bool());
}

}  // namespace
}  // namespace starling::testing
