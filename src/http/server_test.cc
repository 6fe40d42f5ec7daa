// HttpServer in process, with routes the real binary does not have: async handlers that answer
// later from another thread, blocking handlers, handlers that throw, shutdown while a request
// waits, and streaming responses written by the test's own threads.
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
#include <utility>

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
  ~TestClient() {
    if (fd_ >= 0) close(fd_);
  }
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

  // Reads a response head only (for streams: the body follows in chunks).
  std::optional<TestResponse> ReadHead() {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    TestResponse response;
    ParseHead(buffer_.substr(0, end), response);
    buffer_.erase(0, end + 4);
    return response;
  }

  // Reads one chunk of a chunked body: its data, "" for the last chunk, nullopt on a read failure
  // or a malformed chunk.
  std::optional<std::string> ReadChunk() {
    size_t line_end;
    while ((line_end = buffer_.find("\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    size_t size = 0;
    try {
      size = std::stoul(buffer_.substr(0, line_end), nullptr, 16);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    while (buffer_.size() < line_end + 2 + size + 2) {
      if (!Fill()) return std::nullopt;
    }
    if (buffer_.compare(line_end + 2 + size, 2, "\r\n") != 0) return std::nullopt;
    std::string data = buffer_.substr(line_end + 2, size);
    buffer_.erase(0, line_end + 2 + size + 2);
    return data;
  }

  // Reads everything until the server closes the connection.
  std::string ReadToEnd() {
    while (Fill()) {
    }
    return std::exchange(buffer_, {});
  }

  void SendRaw(const std::string& bytes) { send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }
  void Close() {
    close(fd_);
    fd_ = -1;
  }
  void SetReceiveBuffer(int bytes) { setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes); }

  std::optional<TestResponse> Read(bool head = false) {
    size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return std::nullopt;
    }
    TestResponse response;
    ParseHead(buffer_.substr(0, end), response);
    buffer_.erase(0, end + 4);
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
  static void ParseHead(const std::string& head_text, TestResponse& response) {
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
  }

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
    if (runner_.joinable()) runner_.join();
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

// The answer comes after the client has gone: it is dropped, and the I/O thread serves on. Many
// answers then race their requests' coroutines from another thread (parked or not yet parked).
TEST(HttpServerTest, AnAnswerAfterTheClientLeftIsDroppedAndTheServerServesOn) {
  ParkedReplies parked;
  Router router;
  router.AddAsync(Method::kGet, "/later", [&](Request&, Reply reply) { parked.Park(std::move(reply)); });
  std::atomic<int> answered{0};
  router.AddAsync(Method::kGet, "/racing", [&](Request&, Reply reply) {
    std::thread([reply = std::move(reply), &answered] {
      reply(Response::Text(200, "raced"));
      ++answered;
    }).detach();
  });
  RunningServer server(router, {.threads = 1});
  {
    TestClient gone(server.port());
    ASSERT_TRUE(gone.Send("GET", "/later"));
    Reply reply = parked.Take();
    gone.Close();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    reply(Response::Text(200, "nobody reads this"));
  }
  TestClient client(server.port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 200; ++i) {
    auto r = client.Call("GET", "/racing");
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "raced");
  }
  while (answered.load() < 200) std::this_thread::sleep_for(std::chrono::milliseconds(1));
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

// ---- Streaming responses ------------------------------------------------------------------------

// Streams started by a route, handed to the test, and whether each has closed.
class ParkedStreams {
 public:
  StreamStart Start() {
    return [this](std::shared_ptr<ResponseStream> stream) {
      size_t index;
      {
        std::lock_guard lock(mutex_);
        index = streams_.size();
        streams_.push_back(stream);
        closed_.push_back(false);
        threads_.push_back(std::this_thread::get_id());
      }
      changed_.notify_all();
      stream->OnClose([this, index] {
        {
          std::lock_guard lock(mutex_);
          closed_[index] = true;
        }
        changed_.notify_all();
      });
    };
  }
  // The `index`th stream started (waits up to 10 s); null if none came.
  std::shared_ptr<ResponseStream> Get(size_t index) {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, std::chrono::seconds(10), [&] { return streams_.size() > index; });
    return streams_.size() > index ? streams_[index] : nullptr;
  }
  // Whether the `index`th stream's OnClose callback ran within `timeout`.
  bool WaitClosed(size_t index, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout,
                             [&] { return closed_.size() > index && closed_[index]; });
  }
  size_t started() {
    std::lock_guard lock(mutex_);
    return streams_.size();
  }
  std::thread::id thread(size_t index) {
    std::lock_guard lock(mutex_);
    return threads_.at(index);
  }
  void Clear() {
    std::lock_guard lock(mutex_);
    streams_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::shared_ptr<ResponseStream>> streams_;
  std::vector<bool> closed_;
  std::vector<std::thread::id> threads_;
};

TEST(HttpServerStreamTest, ChunksArriveInOrderAfterAHeadWithoutLength) {
  ParkedStreams parked;
  Router router;
  router.Get("/events", [&](Request&) {
    Response r = Response::Stream("text/event-stream", parked.Start());
    r.headers.emplace_back("X-Extra", "yes");
    return r;
  });
  RunningServer server(router, {.threads = 1});
  TestClient client(server.port());
  ASSERT_TRUE(client.Send("GET", "/events"));
  auto head = client.ReadHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->headers["content-type"], "text/event-stream");
  EXPECT_EQ(head->headers["transfer-encoding"], "chunked");
  EXPECT_EQ(head->headers["cache-control"], "no-cache");
  EXPECT_EQ(head->headers["x-accel-buffering"], "no");
  EXPECT_EQ(head->headers["connection"], "close");
  EXPECT_EQ(head->headers["x-extra"], "yes");
  EXPECT_EQ(head->headers.count("content-length"), 0u);

  // Written from another thread, one piece at a time: they arrive whole and in order, however the
  // server groups them into chunks.
  auto stream = parked.Get(0);
  ASSERT_TRUE(stream);
  std::string expected;
  for (int i = 0; i < 2000; ++i) expected += "event " + std::to_string(i) + "\n";
  std::thread producer([&] {
    for (int i = 0; i < 2000; ++i) {
      EXPECT_TRUE(stream->Write("event " + std::to_string(i) + "\n"));
      if (i % 100 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    stream->Close();
  });
  std::string received;
  for (;;) {
    auto chunk = client.ReadChunk();
    ASSERT_TRUE(chunk) << "after " << received.size() << " bytes";
    if (chunk->empty()) break;  // the last chunk
    received += *chunk;
  }
  producer.join();
  EXPECT_EQ(received, expected);
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->Write("late"));
  EXPECT_TRUE(parked.WaitClosed(0));
  EXPECT_TRUE(client.ClosedByServer());

  // Counted once, when the stream started.
  std::string text = server.metrics().RenderPrometheus();
  EXPECT_NE(text.find("starling_http_requests_total{route=\"/events\",status=\"200\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("starling_http_stream_ends_total{reason=\"producer\"} 1\n"),
            std::string::npos)
      << text;
}

TEST(HttpServerStreamTest, TheStartRunsOnTheIoThreadAfterABlockingHandlerAndHoldsNoPoolThread) {
  ParkedStreams parked;
  Router router;
  router.Get(
      "/events", [&](Request&) { return Response::Stream("text/plain", parked.Start()); },
      Dispatch::kBlocking);
  std::thread::id pool_thread;
  router.Get(
      "/pool",
      [&](Request&) {
        pool_thread = std::this_thread::get_id();
        return Response::Text(200, "pool");
      },
      Dispatch::kBlocking);
  // One blocking thread: were it held by an open stream, /pool could not be answered.
  RunningServer server(router, {.threads = 1, .blocking_threads = 1});
  TestClient first(server.port());
  TestClient second(server.port());
  // One after the other, so that stream 1 is the second client's (sent together, the two requests may
  // be started in either order).
  ASSERT_TRUE(first.Send("GET", "/events"));
  ASSERT_TRUE(first.ReadHead());
  ASSERT_TRUE(parked.Get(0));
  ASSERT_TRUE(second.Send("GET", "/events"));
  ASSERT_TRUE(second.ReadHead());
  ASSERT_TRUE(parked.Get(1));
  TestClient other(server.port());
  auto pool = other.Call("GET", "/pool");
  ASSERT_TRUE(pool);
  EXPECT_EQ(pool->body, "pool");
  EXPECT_NE(parked.thread(0), pool_thread);  // an I/O thread, not the pool

  ASSERT_TRUE(parked.Get(1)->Write("second"));
  auto chunk = second.ReadChunk();
  ASSERT_TRUE(chunk);
  EXPECT_EQ(*chunk, "second");
}

TEST(HttpServerStreamTest, AClientThatDisconnectsClosesTheStreamForItsProducer) {
  ParkedStreams parked;
  Router router;
  router.Get("/events",
             [&](Request&) { return Response::Stream("text/event-stream", parked.Start()); });
  RunningServer server(router, {.threads = 1});
  TestClient client(server.port());
  ASSERT_TRUE(client.Send("GET", "/events"));
  ASSERT_TRUE(client.ReadHead());
  auto stream = parked.Get(0);
  ASSERT_TRUE(stream);
  ASSERT_TRUE(stream->Write("data: one\n\n"));
  ASSERT_EQ(client.ReadChunk(), "data: one\n\n");
  EXPECT_FALSE(stream->closed());

  // The producer writes nothing more: the server notices the close by itself, at once.
  client.Close();
  EXPECT_TRUE(parked.WaitClosed(0, std::chrono::seconds(5)));
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->Write("data: two\n\n"));
  // Callbacks added after the close run at once.
  bool called = false;
  stream->OnClose([&] { called = true; });
  EXPECT_TRUE(called);
}

TEST(HttpServerStreamTest, AnUnreadStreamIsDroppedPastItsQueueLimit) {
  ParkedStreams parked;
  Router router;
  router.Get("/firehose", [&](Request&) {
    return Response::Stream("application/octet-stream", parked.Start(),
                            {.max_queued_bytes = 256 * 1024});
  });
  RunningServer server(router, {.threads = 1});
  TestClient client(server.port());
  client.SetReceiveBuffer(16 * 1024);
  ASSERT_TRUE(client.Send("GET", "/firehose"));
  ASSERT_TRUE(client.ReadHead());
  auto stream = parked.Get(0);
  ASSERT_TRUE(stream);
  // The client reads nothing more. What the server holds is bounded: once the socket buffers are
  // full, 256 KiB more are queued, then the stream closes and Write refuses.
  const std::string piece(16 * 1024, 'x');
  size_t accepted = 0;
  while (stream->Write(piece)) {
    accepted += piece.size();
    ASSERT_LT(accepted, 64u * 1024 * 1024) << "the queue grows without bound";
    if (accepted % (1024 * 1024) == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_TRUE(parked.WaitClosed(0));
  EXPECT_TRUE(stream->closed());
  // The connection is dropped, without the last chunk.
  std::string rest = client.ReadToEnd();
  EXPECT_FALSE(rest.ends_with("0\r\n\r\n"));
  for (int i = 0; i < 100; ++i) {
    if (server.metrics().RenderPrometheus().find("reason=\"too_slow\"} 1") != std::string::npos)
      break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_NE(server.metrics().RenderPrometheus().find(
                "starling_http_stream_ends_total{reason=\"too_slow\"} 1\n"),
            std::string::npos);
}

TEST(HttpServerStreamTest, AWriteThatStallsPastTheDeadlineDropsTheConnection) {
  ParkedStreams parked;
  Router router;
  router.Get("/firehose", [&](Request&) {
    return Response::Stream("application/octet-stream", parked.Start(),
                            {.max_queued_bytes = 256 * 1024 * 1024});
  });
  RunningServer server(router, {.threads = 1, .read_timeout = std::chrono::milliseconds(300)});
  TestClient client(server.port());
  client.SetReceiveBuffer(16 * 1024);
  ASSERT_TRUE(client.Send("GET", "/firehose"));
  ASSERT_TRUE(client.ReadHead());
  auto stream = parked.Get(0);
  ASSERT_TRUE(stream);
  // Far below the queue limit, but more than the socket buffers take: the write stalls.
  ASSERT_TRUE(stream->Write(std::string(32 * 1024 * 1024, 'x')));
  auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(parked.WaitClosed(0, std::chrono::seconds(5)));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_FALSE(stream->Write("more"));
}

TEST(HttpServerStreamTest, AnIdleStreamGetsHeartbeatsAndEndsAfterItsMaximumDuration) {
  ParkedStreams parked;
  Router router;
  router.Get("/events", [&](Request&) {
    return Response::Stream("text/event-stream", parked.Start(),
                            {.heartbeat_interval = std::chrono::milliseconds(50),
                             .heartbeat = ": ping\n\n",
                             .max_duration = std::chrono::milliseconds(600)});
  });
  RunningServer server(router, {.threads = 1});
  TestClient client(server.port());
  ASSERT_TRUE(client.Send("GET", "/events"));
  ASSERT_TRUE(client.ReadHead());
  ASSERT_TRUE(parked.Get(0));
  int pings = 0;
  for (;;) {
    auto chunk = client.ReadChunk();
    ASSERT_TRUE(chunk);
    if (chunk->empty()) break;  // ended cleanly
    EXPECT_EQ(*chunk, ": ping\n\n");
    ++pings;
  }
  EXPECT_GE(pings, 3);
  EXPECT_TRUE(parked.WaitClosed(0));
  EXPECT_TRUE(client.ClosedByServer());
}

TEST(HttpServerStreamTest, ShutdownEndsOpenStreamsCleanlyAndAtOnce) {
  ParkedStreams reading_streams;
  ParkedStreams unread_streams;
  Router router;
  router.Get("/reading", [&](Request&) {
    return Response::Stream("text/event-stream", reading_streams.Start());
  });
  router.Get("/unread", [&](Request&) {
    return Response::Stream("text/event-stream", unread_streams.Start(),
                            {.max_queued_bytes = 64 * 1024 * 1024});
  });
  auto server = std::make_unique<RunningServer>(router, ServerOptions{.threads = 2});
  TestClient reading(server->port());
  TestClient unread(server->port());
  unread.SetReceiveBuffer(16 * 1024);
  ASSERT_TRUE(reading.Send("GET", "/reading"));
  ASSERT_TRUE(unread.Send("GET", "/unread"));
  ASSERT_TRUE(reading.ReadHead());
  ASSERT_TRUE(unread.ReadHead());
  auto first = reading_streams.Get(0);
  auto second = unread_streams.Get(0);
  ASSERT_TRUE(first && second);
  // The second client reads nothing: its stream has a write pending when the shutdown comes.
  ASSERT_TRUE(second->Write(std::string(32 * 1024 * 1024, 'x')));
  ASSERT_TRUE(first->Write("data: before\n\n"));

  auto started = std::chrono::steady_clock::now();
  server->server().Shutdown();
  server->Join();  // Run() returns
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(3));
  EXPECT_TRUE(reading_streams.WaitClosed(0, std::chrono::milliseconds(0)));
  EXPECT_TRUE(unread_streams.WaitClosed(0, std::chrono::milliseconds(0)));
  EXPECT_FALSE(first->Write("after"));
  // The reading client got what was queued, then the last chunk.
  std::string rest = reading.ReadToEnd();
  EXPECT_TRUE(rest.ends_with("data: before\n\n\r\n0\r\n\r\n")) << rest;
  // Producers may keep their streams after the server is gone.
  server.reset();
  EXPECT_FALSE(second->Write("after the server"));
  second->Close();
}

TEST(HttpServerStreamTest, WhatStartWritesGoesOutWithTheHead) {
  Router router;
  router.Get("/once", [](Request&) {
    return Response::Stream("text/event-stream", [](std::shared_ptr<ResponseStream> stream) {
      stream->Write("retry: 1000\n\n");
      stream->Write("data: kept\n\n");
      stream->Close();  // a stream may end at once
    });
  });
  RunningServer server(router, {.threads = 1});
  TestClient client(server.port());
  ASSERT_TRUE(client.Send("GET", "/once"));
  ASSERT_TRUE(client.ReadHead());
  EXPECT_EQ(client.ReadChunk(), "retry: 1000\n\ndata: kept\n\n");
  EXPECT_EQ(client.ReadChunk(), "");
  EXPECT_TRUE(client.ClosedByServer());
}

TEST(HttpServerStreamTest, HeadAndHttp10) {
  ParkedStreams parked;
  Router router;
  router.Get("/events",
             [&](Request&) { return Response::Stream("text/event-stream", parked.Start()); });
  RunningServer server(router, {.threads = 1});
  {
    // HEAD: the head a GET would get, no body, and the stream never starts.
    TestClient client(server.port());
    ASSERT_TRUE(client.Send("HEAD", "/events"));
    auto head = client.ReadHead();
    ASSERT_TRUE(head);
    EXPECT_EQ(head->headers["transfer-encoding"], "chunked");
    EXPECT_TRUE(client.ClosedByServer());
    EXPECT_EQ(parked.started(), 0u);
  }
  {
    // HTTP/1.0 knows no chunks: the bytes as they are, and the end of the connection ends the body.
    TestClient client(server.port());
    client.SendRaw("GET /events HTTP/1.0\r\n\r\n");
    auto head = client.ReadHead();
    ASSERT_TRUE(head);
    EXPECT_EQ(head->headers.count("transfer-encoding"), 0u);
    auto stream = parked.Get(0);
    ASSERT_TRUE(stream);
    stream->Write("data: a\n\n");
    stream->Write("data: b\n\n");
    stream->Close();
    EXPECT_EQ(client.ReadToEnd(), "data: a\n\ndata: b\n\n");
  }
}

}  // namespace
}  // namespace starling::http
