// HttpServer in process, with routes the real binary does not have: async handlers that answer
// later from another thread, blocking handlers, handlers that throw, and shutdown while a request
// waits.
#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace starling::http {
namespace {

struct TestResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A blocking HTTP/1.1 client over one connection; reads time out after 10 s so a bug cannot hang
// the test.
class TestClient {
 public:
  explicit TestClient(uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    timeval tv{10, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }
  ~TestClient() { close(fd_); }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return connected_; }
  // Blocks until the server closes the connection (true) or 10 s pass or data arrives (false).
  bool ClosedByServer() {
    char c;
    return recv(fd_, &c, 1, MSG_PEEK) == 0;
  }

  bool Send(const std::string& method, const std::string& target) {
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: test\r\n\r\n";
    return send(fd_, request.data(), request.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(request.size());
  }

  std::optional<TestResponse> Read(bool head = false) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    TestResponse response;
    std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    response.status = std::stoi(head_text.substr(9, 3));
    size_t line = head_text.find("\r\n");
    while (line != std::string::npos) {
      size_t next = head_text.find("\r\n", line + 2);
      std::string field =
          head_text.substr(line + 2, next == std::string::npos ? next : next - line - 2);
      size_t colon = field.find(':');
      if (colon != std::string::npos) {
        std::string name = field.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        response.headers[name] = field.substr(colon + 2);
      }
      line = next;
    }
    size_t length = head ? 0 : std::stoul(response.headers["content-length"]);
    while (buffer_.size() < length) {
      if (!Fill()) return std::nullopt;
    }
    response.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
    return response;
  }

  std::optional<TestResponse> Call(const std::string& method, const std::string& target) {
    if (!Send(method, target)) return std::nullopt;
    return Read(method == "HEAD");
  }

 private:
  bool Fill() {
    char chunk[4096];
    ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }
  int fd_;
  bool connected_ = false;
  std::string buffer_;
};

// Replies kept by async handlers, answered by the test when it chooses.
class ParkedReplies {
 public:
  void Park(Reply reply) {
    std::lock_guard lock(mutex_);
    replies_.push_back(std::move(reply));
    changed_.notify_all();
  }
  Reply Take() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !replies_.empty(); });
    Reply reply = std::move(replies_.front());
    replies_.erase(replies_.begin());
    return reply;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Reply> replies_;
};

// Runs a server on a free port in a background thread; shuts it down at the end of the test.
class RunningServer {
 public:
  RunningServer(const Router& router, ServerOptions options)
      : server_(Adjust(options), router, metrics_, nullptr) {
    Status started = server_.Start();
    EXPECT_TRUE(started) << started.error().message;
    runner_ = std::thread([this] { server_.Run(/*handle_signals=*/false); });
  }
  ~RunningServer() {
    server_.Shutdown();
    runner_.join();
  }
  uint16_t port() const { return server_.port(); }
  HttpServer& server() { return server_; }
  MetricsRegistry& metrics() { return metrics_; }
  void Join() { runner_.join(); }

 private:
  static ServerOptions Adjust(ServerOptions options) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.access_log = false;
    return options;
  }
  MetricsRegistry metrics_;
  HttpServer server_;
  std::thread runner_;
};

TEST(HttpServerTest, AsyncHandlerAnswersLaterFromAnotherThread) {
  ParkedReplies parked;
  Router router;
  router.AddAsync(Method::kGet, "/later/{id}", [&](Request& request, Reply reply) {
    std::string id(request.PathParam("id"));  // copied: the Request is not the handler's to keep
    parked.Park([reply, id](Response response) {
      response.body += id;
      reply(std::move(response));
    });
  });
  RunningServer server(router, {.threads = 2});
  TestClient client(server.port());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send("GET", "/later/42"));
  std::thread answer([&] { parked.Take()(Response::Text(202, "answer ")); });
  auto response = client.Read();
  answer.join();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 202);
  EXPECT_EQ(response->body, "answer 42");

  // The connection stays usable, and HEAD on the async GET route drops the body.
  ASSERT_TRUE(client.Send("HEAD", "/later/7"));
  parked.Take()(Response::Text(200, "abc"));
  auto head = client.Read(/*head=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->headers["content-length"], "4");  // "abc7"
}

TEST(HttpServerTest, AReplyIsUsedOnceAndADroppedReplyAnswers500) {
  Router router;
  router.AddAsync(Method::kGet, "/twice", [](Request&, Reply reply) {
    reply(Response::Text(200, "first"));
    reply(Response::Text(500, "second"));
  });
  router.AddAsync(Method::kGet, "/dropped", [](Request&, Reply) {});
  router.AddAsync(Method::kGet, "/throws-async",
                  [](Request&, Reply) -> void { throw std::runtime_error("boom"); });
  router.Get("/throws", [](Request&) -> Response { throw std::runtime_error("boom"); });
  router.Get(
      "/throws-blocking", [](Request&) -> Response { throw std::runtime_error("boom"); },
      Dispatch::kBlocking);
  RunningServer server(router, {.threads = 1});
  TestClient client(server.port());
  ASSERT_TRUE(client.connected());
  auto twice = client.Call("GET", "/twice");
  ASSERT_TRUE(twice);
  EXPECT_EQ(twice->body, "first");
  for (const char* target : {"/dropped", "/throws-async", "/throws", "/throws-blocking"}) {
    auto r = client.Call("GET", target);
    ASSERT_TRUE(r) << target;
    EXPECT_EQ(r->status, 500) << target;
    EXPECT_NE(r->body.find(R"("code":"internal")"), std::string::npos) << target << ": " << r->body;
  }
}

TEST(HttpServerTest, BlockingHandlersDoNotStallTheIoThread) {
  std::mutex mutex;
  std::condition_variable changed;
  bool release = false;
  std::thread::id blocking_thread, inline_thread;
  Router router;
  router.Get(
      "/wait",
      [&](Request&) {
        std::unique_lock lock(mutex);
        blocking_thread = std::this_thread::get_id();
        changed.wait(lock, [&] { return release; });
        return Response::Text(200, "waited");
      },
      Dispatch::kBlocking);
  router.Get("/now", [&](Request&) {
    std::lock_guard lock(mutex);
    inline_thread = std::this_thread::get_id();
    return Response::Text(200, "now");
  });
  // One I/O thread: if the blocking handler ran on it, /now could not be answered until /wait
  // returns.
  RunningServer server(router, {.threads = 1, .blocking_threads = 1});
  TestClient waiting(server.port());
  ASSERT_TRUE(waiting.Send("GET", "/wait"));
  TestClient quick(server.port());
  auto now = quick.Call("GET", "/now");
  ASSERT_TRUE(now);
  EXPECT_EQ(now->body, "now");
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  changed.notify_all();
  auto waited = waiting.Read();
  ASSERT_TRUE(waited);
  EXPECT_EQ(waited->body, "waited");
  EXPECT_NE(blocking_thread, inline_thread);
}

TEST(HttpServerTest, ShutdownWaitsForARequestInFlight) {
  ParkedReplies parked;
  Router router;
  router.AddAsync(Method::kGet, "/slow",
                  [&](Request&, Reply reply) { parked.Park(std::move(reply)); });
  router.Get("/fast", [](Request&) { return Response::Text(200, "fast"); });
  auto server = std::make_unique<RunningServer>(router, ServerOptions{.threads = 2});
  TestClient busy(server->port());
  TestClient idle(server->port());
  ASSERT_TRUE(idle.Call("GET", "/fast"));
  ASSERT_TRUE(busy.Send("GET", "/slow"));
  Reply reply = parked.Take();  // the request is in flight

  server->server().Shutdown();
  // New connections are refused once the shutdown has begun; the idle one is closed.
  for (;;) {
    TestClient probe(server->port());
    if (!probe.connected()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(idle.ClosedByServer());

  // The server is still there for the request in flight, which gets its answer and a close.
  reply(Response::Text(200, "slow"));
  reply = nullptr;  // a Reply must not outlive the server
  auto answer = busy.Read();
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->body, "slow");
  EXPECT_EQ(answer->headers["connection"], "close");
  server.reset();  // joins Run()
}

TEST(HttpServerTest, LargeResponsesAreWrittenWhole) {
  // Larger than the loopback socket buffers, so the write cannot finish at once and goes on
  // asynchronously while the client reads.
  std::string big(8 * 1024 * 1024, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>('a' + (i / 4096) % 26);
  Router router;
  router.Get("/big",
             [&](Request&) { return Response::Text(200, big, "application/octet-stream"); });
  router.Get("/small", [](Request&) { return Response::Text(200, "small"); });
  RunningServer server(router, {.threads = 1});
  TestClient client(server.port());
  auto head = client.Call("HEAD", "/big");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->headers["content-length"], std::to_string(big.size()));
  auto whole = client.Call("GET", "/big");
  ASSERT_TRUE(whole);
  EXPECT_TRUE(whole->body == big);
  auto after = client.Call("GET", "/small");  // the connection is still in step
  ASSERT_TRUE(after);
  EXPECT_EQ(after->body, "small");
}

TEST(HttpServerTest, MetricsCountRequestsByRoutePattern) {
  Router router;
  router.Get("/items/{id}", [](Request&) { return Response::Text(200, "item"); });
  RunningServer server(router, {.threads = 2});
  for (int i = 0; i < 3; ++i) {
    TestClient client(server.port());  // new connections land on both workers
    ASSERT_TRUE(client.Call("GET", "/items/" + std::to_string(i)));
    ASSERT_TRUE(client.Call("DELETE", "/items/1"));
  }
  std::string text = server.metrics().RenderPrometheus();
  EXPECT_NE(text.find("starling_http_requests_total{route=\"/items/{id}\",status=\"200\"} 3\n"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("starling_http_requests_total{route=\"method_not_allowed\",status=\"405\"} 3\n"),
      std::string::npos)
      << text;
  EXPECT_NE(text.find("starling_http_request_duration_seconds_count{route=\"/items/{id}\"} 3\n"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace starling::http
