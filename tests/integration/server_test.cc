// The real `starling serve` over HTTP: routing, error shape, static UI, limits, metrics, keep-alive,
// configuration errors and graceful shutdown.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <unistd.h>

#include "tests/integration/server_harness.h"

namespace starling::testing {
namespace {

// A path under the test temp dir that no concurrent test run (another build tree on this machine)
// uses.
std::string UniqueTempPath(const std::string& name) {
  return ::testing::TempDir() + "/" + name + "-" + std::to_string(getpid());
}

std::unique_ptr<StarlingProcess> StartOrDie(const StartOptions& options = {}) {
  auto server = StarlingProcess::Start(options);
  if (!server) {
    ADD_FAILURE() << server.error().message;
    return nullptr;
  }
  return std::move(server).value();
}

TEST(ServerTest, SystemEndpointsAnswer) {
  auto server = StartOrDie();
  ASSERT_TRUE(server);
  HttpResponse health = server->Get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"status":"ok"})");
  EXPECT_EQ(health.Header("content-type"), "application/json");
  EXPECT_FALSE(health.Header("date").empty());
  HttpResponse ready = server->Get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"status":"ready","database":"sqlite"})");
  HttpResponse info = server->Get("/api/v1/info");
  EXPECT_EQ(info.status, 200);
  EXPECT_NE(info.body.find(R"("name":"Starling")"), std::string::npos);
  EXPECT_TRUE(std::filesystem::exists(server->data_dir() + "/starling.db"));
  EXPECT_EQ(server->Stop(), 0);
}

TEST(ServerTest, ApiErrorsUseTheOneShape) {
  auto server = StartOrDie();
  ASSERT_TRUE(server);
  HttpResponse unknown = server->Get("/api/v1/no-such-thing");
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.Header("content-type"), "application/json");
  EXPECT_EQ(unknown.body,
            R"({"error":{"code":"not_found","message":"no route for GET /api/v1/no-such-thing"}})");
  // Never the SPA fallback under /api, not even for a path without a dot.
  EXPECT_EQ(server->Get("/api").status, 404);
  EXPECT_EQ(server->Get("/api/").status, 404);

  HttpResponse wrong_method = server->Send("DELETE", "/healthz");
  EXPECT_EQ(wrong_method.status, 405);
  EXPECT_EQ(wrong_method.Header("allow"), "GET, HEAD");  // HEAD is served wherever GET is
  EXPECT_NE(wrong_method.body.find(R"("code":"method_not_allowed")"), std::string::npos);

  HttpResponse bad_escape = server->Get("/api/v1/a%zz");
  EXPECT_EQ(bad_escape.status, 400);
  EXPECT_NE(bad_escape.body.find(R"("code":"invalid_argument")"), std::string::npos);
}

TEST(ServerTest, ServesTheWebUiWithCacheRulesAndSpaFallback) {
  auto server = StartOrDie();
  ASSERT_TRUE(server);
  HttpResponse index = server->Get("/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("content-type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.Header("cache-control"), "no-cache");
  EXPECT_NE(index.body.find("<title>Starling</title>"), std::string::npos);

  HttpResponse js = server->Get("/assets/app-3f9a1c.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.Header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.Header("cache-control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(server->Get("/assets/style-77aa01.css").Header("content-type"), "text/css; charset=utf-8");

  HttpResponse ui_route = server->Get("/contacts/42?tab=activity");
  EXPECT_EQ(ui_route.status, 200);
  EXPECT_EQ(ui_route.body, index.body);

  HttpResponse missing_asset = server->Get("/assets/missing-000.js");
  EXPECT_EQ(missing_asset.status, 404);
  EXPECT_EQ(missing_asset.Header("content-type"), "application/json");

  HttpResponse head = server->Send("HEAD", "/");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("content-length"), std::to_string(index.body.size()));
  EXPECT_TRUE(head.body.empty());

  EXPECT_EQ(server->Get("/../../etc/passwd").status, 404);
}

TEST(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  auto server = StartOrDie();
  ASSERT_TRUE(server);
  auto connection = HttpConnection::Open(server->port());
  ASSERT_TRUE(connection);
  for (int i = 0; i < 20; ++i) {
    auto r = (*connection)->Request("GET", i % 2 ? "/healthz" : "/api/v1/info");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
  }
  auto last = (*connection)->Request("GET", "/healthz", {}, {{"Connection", "close"}});
  ASSERT_TRUE(last);
  EXPECT_EQ(last->Header("connection"), "close");
  EXPECT_TRUE((*connection)->ClosedByPeer());
}

TEST(ServerTest, IdleKeepAliveConnectionsTimeOut) {
  auto server = StartOrDie({.args = {"--idle-timeout", "300ms"}});
  ASSERT_TRUE(server);
  auto connection = HttpConnection::Open(server->port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE((*connection)->Request("GET", "/healthz"));
  EXPECT_TRUE((*connection)->ClosedByPeer(5000));
}

TEST(ServerTest, BodyNotReceivedWithinReadTimeoutIsAnswered408) {
  auto server = StartOrDie({.args = {"--read-timeout", "300ms"}});
  ASSERT_TRUE(server);
  auto connection = HttpConnection::Open(server->port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE((*connection)->SendRaw(
      "POST /api/v1/info HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234"));
  auto answer = (*connection)->ReadResponse();  // the harness waits up to 10 s
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->status, 408);
  EXPECT_NE(answer->body.find(R"("code":"request_timeout")"), std::string::npos) << answer->body;
  EXPECT_EQ(answer->Header("connection"), "close");
  EXPECT_TRUE((*connection)->ClosedByPeer(5000));
  EXPECT_NE(server->Get("/metrics").body.find(
                "starling_http_requests_total{route=\"rejected\",status=\"408\"} 1\n"),
            std::string::npos);
}

TEST(ServerTest, HeadersOfAStartedRequestAreTimedByReadTimeout) {
  auto server = StartOrDie({.args = {"--read-timeout", "300ms", "--idle-timeout", "60s"}});
  ASSERT_TRUE(server);
  // Before a request starts, only idle_timeout applies: a quiet connection outlives read_timeout.
  auto quiet = HttpConnection::Open(server->port());
  ASSERT_TRUE(quiet);
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  auto later = (*quiet)->Request("GET", "/healthz");
  ASSERT_TRUE(later) << later.error().message;
  EXPECT_EQ(later->status, 200);

  // Once it has started, the rest of its headers must come within read_timeout (not idle_timeout).
  auto slow = HttpConnection::Open(server->port());
  ASSERT_TRUE(slow);
  ASSERT_TRUE((*slow)->SendRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n"));
  auto answer = (*slow)->ReadResponse();
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->status, 408);
  EXPECT_NE(answer->body.find("headers did not arrive"), std::string::npos) << answer->body;
  EXPECT_TRUE((*slow)->ClosedByPeer(5000));
}

TEST(ServerTest, Http10AndPipelinedRequests) {
  auto server = StartOrDie();
  ASSERT_TRUE(server);
  // HTTP/1.0 closes after the response unless the client asks to keep the connection.
  auto plain = HttpConnection::Open(server->port());
  ASSERT_TRUE(plain);
  ASSERT_TRUE((*plain)->SendRaw("GET /healthz HTTP/1.0\r\n\r\n"));
  auto closed = (*plain)->ReadResponse();
  ASSERT_TRUE(closed) << closed.error().message;
  EXPECT_EQ(closed->status, 200);
  EXPECT_EQ(closed->body, R"({"status":"ok"})");
  EXPECT_TRUE((*plain)->ClosedByPeer(5000));

  auto kept = HttpConnection::Open(server->port());
  ASSERT_TRUE(kept);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE((*kept)->SendRaw("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = (*kept)->ReadResponse();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("connection"), "keep-alive");
  }

  // Several requests in one packet are answered in order.
  auto pipelined = HttpConnection::Open(server->port());
  ASSERT_TRUE(pipelined);
  ASSERT_TRUE((*pipelined)->SendRaw(
      "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /api/v1/info HTTP/1.1\r\nHost: x\r\n\r\n"
      "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /nope/x.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto first = (*pipelined)->ReadResponse();
  auto second = (*pipelined)->ReadResponse();
  auto third = (*pipelined)->ReadResponse(/*head=*/true);
  auto fourth = (*pipelined)->ReadResponse();
  ASSERT_TRUE(first && second && third && fourth);
  EXPECT_EQ(first->body, R"({"status":"ok"})");
  EXPECT_NE(second->body.find(R"("name":"Starling")"), std::string::npos);
  EXPECT_EQ(third->status, 200);
  EXPECT_EQ(third->Header("content-length"), "15");
  EXPECT_EQ(fourth->status, 404);
  EXPECT_TRUE((*pipelined)->ClosedByPeer(5000));
}

TEST(ServerTest, ExpectContinueAndChunkedBodies) {
  auto server = StartOrDie({.args = {"--max-body-bytes", "4KiB"}});
  ASSERT_TRUE(server);
  auto connection = HttpConnection::Open(server->port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE((*connection)->SendRaw(
      "POST /healthz HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n"));
  auto go_on = (*connection)->ReadResponse();
  ASSERT_TRUE(go_on) << go_on.error().message;
  EXPECT_EQ(go_on->status, 100);
  ASSERT_TRUE((*connection)->SendRaw("hello"));
  auto answer = (*connection)->ReadResponse();
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->status, 405);  // a whole request was read and routed (POST on a GET route)

  // A chunked body is read on the same connection; one that grows past the limit is refused.
  ASSERT_TRUE((*connection)->SendRaw(
      "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5\r\nhello\r\n0\r\n\r\n"));
  auto chunked = (*connection)->ReadResponse();
  ASSERT_TRUE(chunked) << chunked.error().message;
  EXPECT_EQ(chunked->status, 405);
  std::string big_chunk(3000, 'x');
  ASSERT_TRUE((*connection)->SendRaw(
      "POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "bb8\r\n" + big_chunk + "\r\nbb8\r\n" + big_chunk + "\r\n0\r\n\r\n"));
  auto too_big = (*connection)->ReadResponse();
  ASSERT_TRUE(too_big) << too_big.error().message;
  EXPECT_EQ(too_big->status, 413);
  EXPECT_TRUE((*connection)->ClosedByPeer(5000));
}

TEST(ServerTest, LimitsOnHeadersAndBodies) {
  auto server = StartOrDie({.args = {"--max-body-bytes", "4KiB", "--max-header-bytes", "2KiB"}});
  ASSERT_TRUE(server);
  HttpResponse big_body = server->Send("POST", "/api/v1/info", std::string(5000, 'x'));
  EXPECT_EQ(big_body.status, 413);
  EXPECT_NE(big_body.body.find(R"("code":"payload_too_large")"), std::string::npos);
  EXPECT_NE(big_body.body.find("4096 bytes"), std::string::npos);

  HttpResponse big_header = server->Get("/healthz", {{"X-Padding", std::string(4000, 'a')}});
  EXPECT_EQ(big_header.status, 431);

  auto connection = HttpConnection::Open(server->port());
  ASSERT_TRUE(connection);
  ASSERT_TRUE((*connection)->SendRaw("THIS IS NOT HTTP\r\n\r\n"));
  auto garbage = (*connection)->ReadResponse();
  ASSERT_TRUE(garbage) << garbage.error().message;
  EXPECT_EQ(garbage->status, 400);

  // The server is unharmed.
  EXPECT_EQ(server->Get("/healthz").status, 200);
  EXPECT_EQ(server->Stop(), 0);
}

TEST(ServerTest, MetricsAndOneLogLinePerRequest) {
  auto server = StartOrDie();
  ASSERT_TRUE(server);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(server->Get("/healthz").status, 200);
  EXPECT_EQ(server->Get("/api/v1/nope").status, 404);
  HttpResponse metrics = server->Get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& m = metrics.body;
  EXPECT_NE(m.find("starling_http_requests_total{route=\"/healthz\",status=\"200\"} 3\n"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("starling_http_requests_total{route=\"unmatched\",status=\"404\"} 1\n"),
            std::string::npos);
  EXPECT_NE(m.find("# TYPE starling_http_request_duration_seconds histogram"), std::string::npos);
  EXPECT_NE(m.find("starling_http_request_duration_seconds_count{route=\"/healthz\"} 3\n"),
            std::string::npos);
  EXPECT_NE(m.find("# TYPE starling_db_commit_seconds histogram"), std::string::npos);

  std::string log = server->Stderr();
  size_t lines = 0;
  for (size_t at = log.find("http GET /healthz 200 "); at != std::string::npos;
       at = log.find("http GET /healthz 200 ", at + 1)) {
    ++lines;
  }
  EXPECT_EQ(lines, 3u) << log;
  EXPECT_NE(log.find("http GET /api/v1/nope 404 "), std::string::npos);
}

TEST(ServerTest, GracefulShutdownFinishesInFlightRequestsAndExitsZero) {
  auto server = StartOrDie();
  ASSERT_TRUE(server);
  // An idle keep-alive connection: closed by the shutdown.
  auto idle = HttpConnection::Open(server->port());
  ASSERT_TRUE(idle);
  ASSERT_TRUE((*idle)->Request("GET", "/healthz"));
  // An in-flight request: headers and half the body sent.
  auto busy = HttpConnection::Open(server->port());
  ASSERT_TRUE(busy);
  ASSERT_TRUE((*busy)->SendRaw("POST /api/v1/info HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n01234"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  server->Signal(SIGTERM);
  EXPECT_TRUE((*idle)->ClosedByPeer(5000));
  EXPECT_EQ(server->Wait(300), -1) << "exited with a request in flight";
  ASSERT_TRUE((*busy)->SendRaw("56789"));
  auto answer = (*busy)->ReadResponse();
  ASSERT_TRUE(answer) << answer.error().message;
  EXPECT_EQ(answer->status, 405);  // POST on a GET route: a complete answer, not a reset
  EXPECT_EQ(answer->Header("connection"), "close");
  EXPECT_EQ(server->Wait(15000), 0);
  std::string log = server->Stderr();
  EXPECT_NE(log.find("received SIGTERM"), std::string::npos);
  EXPECT_NE(log.find("stopped cleanly"), std::string::npos);
}

TEST(ServerTest, SigintAlsoStopsCleanly) {
  auto server = StartOrDie();
  ASSERT_TRUE(server);
  EXPECT_EQ(server->Stop(SIGINT), 0);
}

// The ready line promises that signals are handled: a harness may signal the moment it reads it.
TEST(ServerTest, SignalRightAfterTheReadyLineStopsCleanly) {
  for (int i = 0; i < 12; ++i) {
    auto server = StartOrDie();
    ASSERT_TRUE(server);
    int signal = i % 2 ? SIGINT : SIGTERM;
    EXPECT_EQ(server->Stop(signal), 0) << "attempt " << i << ", signal " << signal << "\n"
                                       << server->Stderr();
  }
}

TEST(ServerConfigErrorsTest, BadFlagEnvironmentAndFileValuesNameTheKey) {
  auto flag = StarlingProcess::Run({"serve", "--listen", "8080", "--data-dir", "/tmp/never-used"});
  EXPECT_EQ(flag.exit_code, 2);
  EXPECT_NE(flag.err.find("setting `listen`"), std::string::npos) << flag.err;
  EXPECT_NE(flag.err.find("flag --listen"), std::string::npos) << flag.err;

  auto timeout_flag = StarlingProcess::Run({"serve", "--read-timeout", "soon"});
  EXPECT_EQ(timeout_flag.exit_code, 2);
  EXPECT_NE(timeout_flag.err.find("(flag --read-timeout)"), std::string::npos) << timeout_flag.err;

  auto env = StarlingProcess::Run({"serve"}, {{"STARLING_READ_TIMEOUT", "forever"}});
  EXPECT_EQ(env.exit_code, 2);
  EXPECT_NE(env.err.find("`read_timeout`"), std::string::npos) << env.err;
  EXPECT_NE(env.err.find("STARLING_READ_TIMEOUT"), std::string::npos) << env.err;

  std::string conf = UniqueTempPath("starling_it_bad.conf");
  std::ofstream(conf) << "# test\nlisten = 127.0.0.1:0\nlisen = 127.0.0.1:1\n";
  auto file = StarlingProcess::Run({"serve", "--config", conf});
  EXPECT_EQ(file.exit_code, 2);
  EXPECT_NE(file.err.find("unknown setting `lisen`"), std::string::npos) << file.err;
  EXPECT_NE(file.err.find(conf + ":3"), std::string::npos) << file.err;
  std::filesystem::remove(conf);

  auto unknown_flag = StarlingProcess::Run({"serve", "--no-such-flag"});
  EXPECT_NE(unknown_flag.exit_code, 0);
}

TEST(ServerConfigErrorsTest, PortInUseIsAClearStartupError) {
  auto first = StartOrDie();
  ASSERT_TRUE(first);
  std::string listen = "127.0.0.1:" + std::to_string(first->port());
  std::string data_dir = UniqueTempPath("starling_it_second");
  auto second = StarlingProcess::Run({"serve", "--listen", listen, "--data-dir", data_dir});
  std::filesystem::remove_all(data_dir);
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("cannot listen on " + listen), std::string::npos) << second.err;
}

TEST(ServerConfigErrorsTest, ConfigFileSettingsApply) {
  std::string conf = UniqueTempPath("starling_it_good.conf");
  std::ofstream(conf) << "access_log = false\nmax_body_bytes = 2KiB\n";
  auto server = StartOrDie({.args = {"--config", conf}});
  ASSERT_TRUE(server);
  EXPECT_EQ(server->Send("POST", "/api/v1/info", std::string(3000, 'x')).status, 413);
  EXPECT_EQ(server->Get("/healthz").status, 200);
  EXPECT_EQ(server->Stderr().find("http GET /healthz"), std::string::npos);  // access log off
  std::filesystem::remove(conf);
}

TEST(MigrateCommandTest, PrintsAJsonReportAndIsIdempotent) {
  std::string dir = UniqueTempPath("starling_it_migrate");
  std::filesystem::remove_all(dir);
  auto first = StarlingProcess::Run({"migrate", "--data-dir", dir});
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find(R"("version_before":0)"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find(R"("applied":[1)"), std::string::npos) << first.out;
  auto second = StarlingProcess::Run({"migrate", "--data-dir", dir});
  EXPECT_EQ(second.exit_code, 0);
  EXPECT_NE(second.out.find(R"("applied":[])"), std::string::npos) << second.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace starling::testing
