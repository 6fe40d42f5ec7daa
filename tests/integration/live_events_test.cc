// The integration check's live stream on the real server (docs/api-contacts.md): server-sent events
// that arrive while the stream stays open, resuming after Last-Event-ID, access, no thread held by open
// streams, disconnects noticed, and SIGTERM with streams open.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "base/crypto.h"
#include "tests/integration/api_client.h"

namespace starling::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

class LiveEventsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = MakeDataDir("starling_live_events");
    Cli(data_dir_, {"user", "create", "--email", "ana@a.example", "--name", "Ana", "--password-stdin"}, "password-ana\n");
    int64_t org = IdOf(Cli(data_dir_, {"org", "create", "--name", "Org", "--owner", "ana@a.example"}));
    json::object store = Cli(data_dir_, {"store", "create", "--org", std::to_string(org), "--name", "Shop", "--url",
                                         "https://shop.example"});
    store_ = IdOf(store);
    token_ = TextOf(store, "tracking_token");
  }

  void Start(std::vector<std::string> args = {}) {
    StartOptions options;
    options.data_dir = data_dir_;
    options.args = {"--test-clock", "true"};
    options.args.insert(options.args.end(), args.begin(), args.end());
    auto server = StarlingProcess::Start(options);
    ASSERT_TRUE(server) << server.error().message;
    server_ = std::move(*server);
  }

  void TearDown() override {
    server_.reset();
    std::error_code ec;
    fs::remove_all(data_dir_, ec);
  }

  HttpResponse Collect(const std::string& body, const std::string& origin = "https://shop.example") {
    return server_->Send("POST", "/collect/" + token_, body,
                         {{"Content-Type", "text/plain;charset=UTF-8"}, {"Origin", origin}});
  }

  std::string Events(const std::string& query = "") {
    return "/api/v1/stores/" + std::to_string(store_) + "/integration/events" + query;
  }

  ApiClient SignedIn(const std::string& email = "ana@a.example", const std::string& password = "password-ana") {
    ApiClient client(*server_);
    EXPECT_EQ(client.Login(email, password).status, 200);
    return client;
  }

  // Invites `email` to the store with `role` as `inviter`, accepts the invitation with `password`, and
  // signs the new member in.
  ApiClient NewMember(ApiClient& inviter, const std::string& email, const std::string& role,
                      const std::string& password) {
    HttpResponse invited = inviter.Post("/api/v1/stores/" + std::to_string(store_) + "/members",
                                        {{"email", email}, {"role", role}});
    EXPECT_EQ(invited.status, 201) << invited.body;
    std::string url = invited.status == 201 ? TextOf(Body(invited), "invitation_url") : "";
    ApiClient anonymous(*server_);
    EXPECT_EQ(anonymous.Post("/api/v1/invitations/" + url.substr(url.rfind('/') + 1) + "/accept",
                             {{"password", password}, {"name", "New member"}})
                  .status,
              200);
    return SignedIn(email, password);
  }

  // Opens the live stream as `client`, expecting 200.
  std::unique_ptr<HttpConnection> Open(ApiClient& client, const std::string& query = "",
                                       std::vector<std::pair<std::string, std::string>> headers = {}) {
    HttpResponse head;
    auto stream = client.OpenStream(Events(query), head, std::move(headers));
    EXPECT_EQ(head.status, 200) << head.body;
    return head.status == 200 ? std::move(stream) : nullptr;
  }

  // The seqs of the next `n` entries of `stream`.
  static std::vector<int64_t> NextSeqs(HttpConnection& stream, size_t n) {
    std::vector<int64_t> seqs;
    for (size_t i = 0; i < n; ++i) {
      std::string id;
      json::object entry = NextLiveEntry(stream, 10000, &id);
      if (entry.empty()) break;
      EXPECT_EQ(id, std::to_string(entry.at("seq").as_int64()));
      seqs.push_back(entry.at("seq").as_int64());
    }
    return seqs;
  }

  double Metric(const std::string& series) {
    std::string text = server_->Get("/metrics").body;
    size_t at = text.find("\n" + series + " ");
    return at == std::string::npos ? 0 : std::stod(text.substr(at + series.size() + 2));
  }

  std::string data_dir_, token_;
  int64_t store_ = 0;
  std::unique_ptr<StarlingProcess> server_;
};

TEST_F(LiveEventsTest, EntriesArriveAsServerSentEventsWhileTheStreamStaysOpen) {
  Start();
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);
  ApiClient ana = SignedIn();
  HttpResponse head;
  auto stream = ana.OpenStream(Events(), head);
  ASSERT_TRUE(stream);
  ASSERT_EQ(head.status, 200) << head.body;
  EXPECT_EQ(head.Header("content-type"), "text/event-stream");
  EXPECT_EQ(head.Header("transfer-encoding"), "chunked");
  EXPECT_EQ(head.Header("cache-control"), "no-cache");
  EXPECT_EQ(head.Header("x-accel-buffering"), "no");
  EXPECT_EQ(head.Header("content-length"), "");

  auto retry = stream->ReadEvent();
  ASSERT_TRUE(retry) << retry.error().message;
  EXPECT_EQ(retry->retry, "2000");
  // The kept request first…
  std::string id;
  json::object first = NextLiveEntry(*stream, 10000, &id);
  EXPECT_EQ(id, "1");
  EXPECT_EQ(TextOf(first, "status"), "stored");
  EXPECT_EQ(first.at("event_types").as_array().size(), 2u);  // entity-created, page-visit

  // …then each new one as it arrives, on the same open stream: one with a validation error, one
  // refused, and the cart abandonment Starling derives when the clock moves.
  ASSERT_EQ(Collect(R"({"cart":{"cartId":"c1","products":[{"productId":"p","name":"P","url":"https://shop.example/p",)"
                    R"("unitPrice":3,"quantity":1}]},"events":[{"type":"product-visited","product":{"productId":"p",)"
                    R"("name":"P","url":"https://shop.example/p","unitPrice":"x"}}]})")
                .status,
            200);
  json::object with_error = NextLiveEntry(*stream, 10000, &id);
  EXPECT_EQ(id, "2");
  EXPECT_EQ(TextOf(with_error, "source"), "script");
  ASSERT_EQ(with_error.at("errors").as_array().size(), 1u);
  EXPECT_NE(TextOf(with_error.at("errors").as_array()[0].as_object(), "field").find("unitPrice"), std::string::npos);

  EXPECT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})", "https://evil.example").status, 403);
  json::object refused = NextLiveEntry(*stream, 10000, &id);
  EXPECT_EQ(id, "3");
  EXPECT_TRUE(TextOf(refused, "status").starts_with("refused: origin https://evil.example")) << TextOf(refused, "status");

  ASSERT_EQ(server_->Send("POST", "/api/v1/test/clock", R"({"advance_seconds":1860})",
                          {{"Content-Type", "application/json"}})
                .status,
            200);
  json::object timer = NextLiveEntry(*stream, 10000, &id);
  EXPECT_EQ(id, "4");
  EXPECT_EQ(TextOf(timer, "source"), "timer");
  EXPECT_EQ(timer.at("event_types").as_array()[0].as_string(), "cart-abandoned");

  // Counted once, when it opened, though it is still open.
  EXPECT_EQ(Metric(R"(starling_http_requests_total{route="/api/v1/stores/{store_id}/integration/events",status="200"})"), 1);
}

TEST_F(LiveEventsTest, AStreamResumesAfterLastEventIdOrAfter) {
  Start();
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);
  ApiClient ana = SignedIn();
  auto from_header = Open(ana, "", {{"Last-Event-ID", "2"}});
  ASSERT_TRUE(from_header);
  auto from_query = Open(ana, "?after=1");
  ASSERT_TRUE(from_query);
  auto header_wins = Open(ana, "?after=0", {{"Last-Event-ID", "2"}});
  ASSERT_TRUE(header_wins);
  auto before_a_restart = Open(ana, "?after=57");  // a seq this run never gave out: everything kept
  ASSERT_TRUE(before_a_restart);
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);
  EXPECT_EQ(NextSeqs(*from_header, 2), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(NextSeqs(*from_query, 3), (std::vector<int64_t>{2, 3, 4}));
  EXPECT_EQ(NextSeqs(*header_wins, 2), (std::vector<int64_t>{3, 4}));
  EXPECT_EQ(NextSeqs(*before_a_restart, 4), (std::vector<int64_t>{1, 2, 3, 4}));

  HttpResponse head;
  ana.OpenStream(Events("?after=yesterday"), head);
  EXPECT_EQ(head.status, 400);
  EXPECT_EQ(ErrorField(head), "after");
  ana.OpenStream(Events(), head, {{"Last-Event-ID", "-3"}});
  EXPECT_EQ(head.status, 400);
  EXPECT_EQ(ErrorField(head), "Last-Event-ID");
}

TEST_F(LiveEventsTest, OnlyTheStoresAdministratorsOpenIt) {
  Start();
  ApiClient ana = SignedIn();
  ApiClient mia = NewMember(ana, "mia@a.example", "marketer", "password-mia");
  ApiClient anonymous(*server_);
  json::object key = Body(ana.Post("/api/v1/stores/" + std::to_string(store_) + "/api-keys",
                                   {{"name", "ERP"}, {"scopes", json::array{"all"}}}));
  ApiClient with_key(*server_);
  with_key.UseApiKey(TextOf(key, "id"), TextOf(key, "secret"));

  HttpResponse head;
  anonymous.OpenStream(Events(), head);
  EXPECT_EQ(head.status, 401) << head.body;
  mia.OpenStream(Events(), head);
  EXPECT_EQ(head.status, 403) << head.body;
  with_key.OpenStream(Events(), head);
  EXPECT_EQ(head.status, 403) << head.body;
  ana.OpenStream("/api/v1/stores/" + std::to_string(store_ + 1000) + "/integration/events", head);
  EXPECT_EQ(head.status, 404) << head.body;
  EXPECT_EQ(head.Header("content-type"), "application/json");
}

// A view ends at once when its user's access ends — removed from the store, or signed out — not at the
// stream's 5-minute cut; reconnecting is then refused. Other views go on.
TEST_F(LiveEventsTest, AViewEndsAtOnceWhenItsUsersAccessEnds) {
  Start();
  ApiClient ana = SignedIn();
  std::string members = "/api/v1/stores/" + std::to_string(store_) + "/members";
  ApiClient carl = NewMember(ana, "carl@a.example", "administrator", "password-carl");
  auto carl_view = Open(carl);
  ASSERT_TRUE(carl_view);
  ASSERT_TRUE(carl_view->ReadEvent());  // retry
  ApiClient ana_elsewhere = SignedIn();  // a second session of Ana's
  auto ana_view = Open(ana_elsewhere);
  ASSERT_TRUE(ana_view);
  ASSERT_TRUE(ana_view->ReadEvent());
  auto ended_quickly = [](HttpConnection& view) {
    auto started = steady_clock::now();
    auto next = view.ReadEvent(8000);
    EXPECT_FALSE(next);
    if (next) return false;
    EXPECT_EQ(next.error().message, "the event stream ended");
    return steady_clock::now() - started < std::chrono::seconds(3);
  };

  int64_t carl_id = 0;
  json::object listed = Body(ana.Get(members));
  for (const auto& m : listed.at("members").as_array()) {
    if (TextOf(m.as_object(), "email") == "carl@a.example") carl_id = m.as_object().at("user_id").as_int64();
  }
  ASSERT_GT(carl_id, 0);
  ASSERT_EQ(ana.Call("DELETE", members + "/" + std::to_string(carl_id)).status, 204);
  EXPECT_TRUE(ended_quickly(*carl_view));
  HttpResponse head;
  carl.OpenStream(Events(), head);
  EXPECT_EQ(head.status, 404) << head.body;
  // Ana's views were not touched: the next request reaches hers.
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);
  EXPECT_EQ(NextSeqs(*ana_view, 1), (std::vector<int64_t>{1}));

  ASSERT_EQ(ana_elsewhere.Post("/api/v1/auth/logout", json::object{}).status, 204);
  EXPECT_TRUE(ended_quickly(*ana_view));
  ana_elsewhere.OpenStream(Events(), head);
  EXPECT_EQ(head.status, 401) << head.body;
  // Ana's other session still opens a view.
  EXPECT_TRUE(Open(ana));
}

// What was refused shows as refused whichever way it came in: a script request whose every event had
// an error (not a green "stored"), a REST purchase with a wrong field (it used to appear nowhere), and a
// Segment call whose only identity is an anonymousId too short to be one (the error says so).
TEST_F(LiveEventsTest, RefusalsOfEveryWayInShowAsRefused) {
  Start();
  ApiClient ana = SignedIn();
  json::object key = Body(ana.Post("/api/v1/stores/" + std::to_string(store_) + "/api-keys",
                                   {{"name", "ERP"}, {"scopes", json::array{"all"}}}));
  ApiClient erp(*server_);
  erp.UseApiKey(TextOf(key, "id"), TextOf(key, "secret"));
  auto view = Open(ana);
  ASSERT_TRUE(view);
  ASSERT_TRUE(view->ReadEvent());  // retry

  ASSERT_EQ(Collect(R"({"events":[{"type":"bogus-type"}]})").status, 200);
  json::object all_refused = NextLiveEntry(*view, 10000);
  EXPECT_EQ(TextOf(all_refused, "status"), "not stored: every event had an error");
  EXPECT_EQ(all_refused.at("errors").as_array().size(), 1u);
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"},{"type":"bogus-type"}]})").status, 200);
  EXPECT_EQ(TextOf(NextLiveEntry(*view, 10000), "status"), "stored");  // one kept: stored, with its error

  HttpResponse purchase = erp.Post("/api/v1/purchases", {{"email", "ana@a.example"}, {"purchaseId", "o-1"}, {"totalPrice", "lots"}});
  EXPECT_EQ(purchase.status, 400) << purchase.body;
  json::object refused = NextLiveEntry(*view, 10000);
  EXPECT_EQ(TextOf(refused, "source"), "api");
  EXPECT_TRUE(TextOf(refused, "status").starts_with("refused: ")) << TextOf(refused, "status");
  ASSERT_EQ(refused.at("errors").as_array().size(), 1u);
  EXPECT_EQ(TextOf(refused.at("errors").as_array()[0].as_object(), "field"), "purchase.totalPrice") << ToJson(refused);
  // A batch refused whole (not a list of events) shows too.
  HttpResponse batch = erp.Post("/api/v1/events/batch", {{"events", "page-visit"}});
  EXPECT_EQ(batch.status, 400) << batch.body;
  json::object refused_batch = NextLiveEntry(*view, 10000);
  EXPECT_TRUE(TextOf(refused_batch, "status").starts_with("refused: events: expected an array")) << ToJson(refused_batch);

  std::string basic = "Basic " + crypto::Base64Encode(token_ + ":");
  HttpResponse page = server_->Send("POST", "/v1/page", R"({"anonymousId":"anon-1","name":"Home"})",
                                    {{"Authorization", basic}, {"Content-Type", "application/json"}});
  EXPECT_EQ(page.status, 400) << page.body;
  EXPECT_NE(page.body.find("an anonymousId needs 8 to 64 letters"), std::string::npos) << page.body;
  EXPECT_NE(page.body.find("anonymousId"), std::string::npos);
}

TEST_F(LiveEventsTest, OpenStreamsHoldNoThread) {
  // Two blocking threads and three times as many live views: other database reads are still answered
  // at once, and every view still gets the next request.
  Start({"--blocking-threads", "2"});
  ApiClient ana = SignedIn();
  std::vector<std::unique_ptr<HttpConnection>> views;
  for (int i = 0; i < 6; ++i) {
    views.push_back(Open(ana));
    ASSERT_TRUE(views.back());
  }
  for (int i = 0; i < 4; ++i) {
    auto started = steady_clock::now();
    HttpResponse contacts = ana.Get("/api/v1/stores/" + std::to_string(store_) + "/contacts");
    EXPECT_EQ(contacts.status, 200) << contacts.body;
    HttpResponse integration = ana.Get("/api/v1/stores/" + std::to_string(store_) + "/integration");
    EXPECT_EQ(integration.status, 200) << integration.body;
    EXPECT_LT(steady_clock::now() - started, std::chrono::seconds(2));
  }
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);
  for (auto& view : views) EXPECT_EQ(NextSeqs(*view, 1), (std::vector<int64_t>{1}));
}

TEST_F(LiveEventsTest, AViewThatIsClosedIsNoticedAtOnce) {
  Start();
  ApiClient ana = SignedIn();
  auto stream = Open(ana);
  ASSERT_TRUE(stream);
  ASSERT_TRUE(stream->ReadEvent());  // retry
  const std::string gone = R"(starling_http_stream_ends_total{reason="client_gone"})";
  EXPECT_EQ(Metric(gone), 0);
  stream.reset();  // the browser tab closes
  // Noticed without anything to send (no request arrives, the next heartbeat is 15 s away).
  auto deadline = steady_clock::now() + std::chrono::seconds(5);
  while (Metric(gone) < 1 && steady_clock::now() < deadline) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(Metric(gone), 1);
  // The engine no longer writes to it: requests are stored and answered as before.
  ASSERT_EQ(Collect(R"({"events":[{"type":"page-visit"}]})").status, 200);
}

TEST_F(LiveEventsTest, SigtermWithOpenStreamsExitsZeroAtOnce) {
  Start();
  ApiClient ana = SignedIn();
  auto first = Open(ana);
  auto second = Open(ana);
  ASSERT_TRUE(first && second);
  ASSERT_TRUE(first->ReadEvent());
  auto started = steady_clock::now();
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
  EXPECT_LT(steady_clock::now() - started, std::chrono::seconds(3));
  // The stream ended cleanly, with its last chunk.
  auto end = first->ReadEvent(2000);
  ASSERT_FALSE(end);
  EXPECT_EQ(end.error().message, "the event stream ended");
}

}  // namespace
}  // namespace starling::testing
