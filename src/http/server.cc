#include "http/server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/check.h"

namespace starling::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;

// Completion token for every await: errors come back as values, never as exceptions. A namespace-scope
// constant, so no temporary appears inside a co_await expression (GCC 12 coroutine bug).
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

Method ToMethod(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get: return Method::kGet;
    case bhttp::verb::head: return Method::kHead;
    case bhttp::verb::post: return Method::kPost;
    case bhttp::verb::put: return Method::kPut;
    case bhttp::verb::patch: return Method::kPatch;
    case bhttp::verb::delete_: return Method::kDelete;
    case bhttp::verb::options: return Method::kOptions;
    default: return Method::kOther;
  }
}

// RFC 9110 IMF-fixdate, formatted once per second per thread.
const std::string& HttpDate() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached.assign(buf, n);
    cached_second = now;
  }
  return cached;
}

// Shared between a connection's coroutine and the Reply handed to an async handler.
// The coroutine waits on `timer` until `response` is set; the Reply posts a cancel to wake it.
struct ReplyState {
  explicit ReplyState(const asio::any_io_executor& executor)
      : timer(executor, asio::steady_timer::time_point::max()) {}
  std::mutex mutex;
  std::optional<Response> response;
  asio::steady_timer timer;
};

// Owned by the Reply closure only. Sending twice is ignored; dropping it without sending answers 500,
// so a buggy handler can never leave a connection hanging.
class ReplySender final {
 public:
  explicit ReplySender(std::shared_ptr<ReplyState> state) : state_(std::move(state)) {}
  ~ReplySender() {
    if (!sent_.load()) {
      Send(Response::FromError(Error::Internal("the request handler finished without a response")));
    }
  }
  void Send(Response response) {
    if (sent_.exchange(true)) return;
    {
      std::lock_guard lock(state_->mutex);
      state_->response = std::move(response);
    }
    auto state = state_;
    asio::post(state->timer.get_executor(), [state] { state->timer.cancel(); });
  }

 private:
  std::shared_ptr<ReplyState> state_;
  std::atomic<bool> sent_{false};
};

// A live connection, registered so shutdown can close the idle ones. Touched only on the connection's
// strand, except `busy` (atomic) which shutdown reads.
struct Connection {
  beast::tcp_stream* stream = nullptr;  // valid while `alive`
  bool alive = true;
  std::atomic<bool> busy{false};
  asio::any_io_executor executor;
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, const Router& router, MetricsRegistry& metrics, StaticFiles* static_files)
      : options_(std::move(options)),
        router_(router),
        metrics_(metrics),
        static_files_(static_files),
        ioc_(options_.threads > 0 ? options_.threads : 1),
        blocking_pool_(static_cast<size_t>(std::max(1, options_.blocking_threads))),
        acceptor_(ioc_),
        signals_(ioc_),
        drain_timer_(ioc_) {}

  Status Start() {
    boost::system::error_code ec;
    std::string host = options_.host == "localhost" ? "127.0.0.1" : options_.host;
    asio::ip::address address = asio::ip::make_address(host, ec);
    if (ec) {
      return Error::InvalidArgument(
          fmt::format("setting `listen`: `{}` is not an IP address (use 127.0.0.1, 0.0.0.0 or ::1)",
                      options_.host),
          "listen");
    }
    tcp::endpoint endpoint(address, options_.port);
    std::string where = fmt::format("{}:{}", options_.host, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Error::Unavailable(fmt::format("cannot listen on {}: {}", where, ec.message()));
    port_ = acceptor_.local_endpoint().port();
    return Ok();
  }

  uint16_t port() const { return port_; }

  void HandleSignals(std::function<void(int)> on_signal) {
    if (signals_installed_) return;
    signals_installed_ = true;
    signals_.add(SIGINT);
    signals_.add(SIGTERM);
    signals_.async_wait([this, on_signal = std::move(on_signal)](boost::system::error_code ec, int signo) {
      if (ec) return;
      if (on_signal) on_signal(signo);
      BeginShutdown();
    });
  }

  void Run(bool handle_signals, std::function<void(int)> on_signal) {
    if (handle_signals) HandleSignals(std::move(on_signal));
    asio::co_spawn(ioc_, Accept(), asio::detached);
    int threads = options_.threads > 0 ? options_.threads
                                       : std::max(1u, std::thread::hardware_concurrency());
    std::vector<std::thread> pool;
    for (int i = 1; i < threads; ++i) pool.emplace_back([this] { RunLoop(); });
    RunLoop();
    for (auto& t : pool) t.join();
    // A blocking handler still running refers to a request owned by a connection coroutine: let it
    // finish before the coroutines can be destroyed with the io_context.
    blocking_pool_.join();
  }

  void Shutdown() {
    asio::post(ioc_, [this] { BeginShutdown(); });
  }

 private:
  void RunLoop() {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        // Handlers catch their own errors; reaching here is a bug, but one request must not end the server.
        spdlog::error("http: unexpected exception on a server thread: {}", e.what());
      }
    }
  }

  void BeginShutdown() {
    if (stopping_.exchange(true)) return;
    spdlog::info("http: shutting down: no new connections; waiting for {} in-flight request(s)",
                 in_flight_.load());
    boost::system::error_code ec;
    acceptor_.close(ec);
    signals_.cancel(ec);
    {
      std::lock_guard lock(connections_mutex_);
      for (auto& [id, connection] : connections_) CloseIfIdle(connection);
    }
    shutdown_deadline_ = std::chrono::steady_clock::now() + options_.shutdown_grace;
    WaitForDrain();
  }

  static void CloseIfIdle(const std::shared_ptr<Connection>& connection) {
    asio::post(connection->executor, [connection] {
      if (connection->alive && !connection->busy.load()) {
        boost::system::error_code ignored;
        connection->stream->socket().shutdown(tcp::socket::shutdown_both, ignored);
        connection->stream->close();
      }
    });
  }

  void WaitForDrain() {
    if (in_flight_.load() == 0 || std::chrono::steady_clock::now() >= shutdown_deadline_) {
      if (in_flight_.load() != 0) {
        spdlog::warn("http: shutdown grace period over with {} request(s) still in flight",
                     in_flight_.load());
      }
      ioc_.stop();
      return;
    }
    drain_timer_.expires_after(std::chrono::milliseconds(5));
    drain_timer_.async_wait([this](boost::system::error_code) { WaitForDrain(); });
  }

  asio::awaitable<void> Accept() {
    for (;;) {
      auto strand = asio::make_strand(ioc_);
      auto accept = acceptor_.async_accept(strand, kAsTuple);
      auto [ec, socket] = co_await std::move(accept);
      if (ec) {
        if (stopping_.load() || ec == asio::error::operation_aborted) co_return;
        spdlog::warn("http: accept failed: {}", ec.message());
        continue;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      asio::co_spawn(strand, Session(std::move(socket)), asio::detached);
    }
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    try {
      co_await Serve(std::move(socket));
    } catch (const std::exception& e) {
      spdlog::error("http: connection ended by an exception: {}", e.what());
    }
  }

  asio::awaitable<void> Serve(tcp::socket socket) {
    boost::system::error_code ec;
    std::string remote = socket.remote_endpoint(ec).address().to_string();
    beast::tcp_stream stream(std::move(socket));
    auto connection = std::make_shared<Connection>();
    connection->stream = &stream;
    connection->executor = stream.get_executor();
    uint64_t id = next_connection_id_.fetch_add(1);
    {
      std::lock_guard lock(connections_mutex_);
      connections_.emplace(id, connection);
    }
    beast::flat_buffer buffer;
    for (;;) {
      connection->busy.store(false);
      if (stopping_.load()) break;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options_.max_header_bytes));
      parser.body_limit(options_.max_body_bytes);
      stream.expires_after(options_.idle_timeout);
      auto read_header = bhttp::async_read_header(stream, buffer, parser, kAsTuple);
      auto [header_ec, header_bytes] = co_await std::move(read_header);
      (void)header_bytes;
      connection->busy.store(true);
      auto started = std::chrono::steady_clock::now();
      if (header_ec) {
        if (header_ec == bhttp::error::header_limit) {
          co_await SendRejection(stream, 431, "request_header_fields_too_large",
                                 fmt::format("request headers exceed {} bytes",
                                             options_.max_header_bytes), started);
        } else if (header_ec == bhttp::error::body_limit) {
          co_await SendRejection(stream, 413, "payload_too_large",
                                 fmt::format("request body exceeds the limit of {} bytes",
                                             options_.max_body_bytes), started);
        } else if (header_ec != bhttp::error::end_of_stream && header_ec != beast::error::timeout &&
                   header_ec != asio::error::operation_aborted &&
                   header_ec != asio::error::connection_reset && header_ec != asio::error::eof &&
                   header_ec != asio::error::bad_descriptor) {
          co_await SendRejection(stream, 400, "invalid_argument",
                                 fmt::format("malformed HTTP request: {}", header_ec.message()),
                                 started);
        }
        break;
      }
      in_flight_.fetch_add(1);
      bool keep_going = co_await HandleOne(stream, buffer, parser, remote, started);
      in_flight_.fetch_sub(1);
      if (!keep_going) break;
    }
    connection->alive = false;
    {
      std::lock_guard lock(connections_mutex_);
      connections_.erase(id);
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    co_return;
  }

  // Reads the body, dispatches, writes the response. Returns whether the connection stays open.
  asio::awaitable<bool> HandleOne(beast::tcp_stream& stream, beast::flat_buffer& buffer,
                                  bhttp::request_parser<bhttp::string_body>& parser,
                                  const std::string& remote,
                                  std::chrono::steady_clock::time_point started) {
    auto& header = parser.get();
    if (header[bhttp::field::expect] == "100-continue" && !parser.is_done()) {
      bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, 11};
      auto write_continue = bhttp::async_write(stream, cont, kAsTuple);
      auto [continue_ec, continue_bytes] = co_await std::move(write_continue);
      (void)continue_bytes;
      if (continue_ec) co_return false;
    }
    stream.expires_after(options_.read_timeout);
    auto read_body = bhttp::async_read(stream, buffer, parser, kAsTuple);
    auto [body_ec, body_read] = co_await std::move(read_body);
    (void)body_read;
    if (body_ec) {
      if (body_ec == bhttp::error::body_limit) {
        co_await SendRejection(stream, 413, "payload_too_large",
                               fmt::format("request body exceeds the limit of {} bytes",
                                           options_.max_body_bytes), started);
      } else if (body_ec == beast::error::timeout) {
        co_await SendRejection(stream, 408, "request_timeout",
                               "the request body did not arrive in time", started);
      }
      co_return false;
    }
    bhttp::request<bhttp::string_body> beast_request = parser.release();

    Request request;
    request.method = ToMethod(beast_request.method());
    request.method_text = std::string(beast_request.method_string());
    request.target = std::string(beast_request.target());
    std::string_view target = request.target;
    size_t q = target.find('?');
    std::string_view raw_path = target.substr(0, q);
    if (q != std::string_view::npos) request.query = std::string(target.substr(q + 1));
    request.remote_address = remote;
    request.headers.reserve(std::distance(beast_request.begin(), beast_request.end()));
    for (const auto& field : beast_request) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      request.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    request.body = std::move(beast_request.body());
    bool keep_alive = beast_request.keep_alive();

    std::string_view route = "unmatched";
    Response response;
    std::optional<std::string> path = PercentDecode(raw_path);
    if (!path || path->empty() || path->front() != '/') {
      response = Response::FromError(Error::InvalidArgument(
          fmt::format("request target `{}` is not a valid path", raw_path)));
    } else {
      request.path = std::move(*path);
      RouteMatch match = router_.Match(request);
      if (match.handler) {
        route = match.pattern;
        if (match.sync_handler && match.dispatch == Dispatch::kBlocking) {
          const Handler* handler = match.sync_handler;
          AsyncHandler on_pool = [this, handler](Request& r, Reply reply) {
            asio::post(blocking_pool_, [handler, &r, reply = std::move(reply)] {
              try {
                reply((*handler)(r));
              } catch (const std::exception& e) {
                spdlog::error("http: handler for {} threw: {}", r.path, e.what());
                reply(Response::FromError(Error::Internal("the server failed to handle this request")));
              }
            });
          };
          response = co_await CallHandler(on_pool, request);
        } else {
          response = co_await CallHandler(*match.handler, request);
        }
      } else if (match.method_not_allowed) {
        route = "method_not_allowed";
        std::string allow;
        for (Method m : match.allowed) {
          if (!allow.empty()) allow += ", ";
          allow += MethodName(m);
        }
        response = Response::FromError({ErrorCode::kMethodNotAllowed,
                                        fmt::format("{} is not allowed on {}; allowed: {}",
                                                    request.method_text, request.path, allow),
                                        {}});
        response.headers.emplace_back("Allow", allow);
      } else if (static_files_ && !request.path.starts_with("/api/") && request.path != "/api" &&
                 (request.method == Method::kGet || request.method == Method::kHead)) {
        if (auto file = static_files_->Serve(request.path)) {
          route = "static";
          response = std::move(*file);
        }
      }
      if (route == "unmatched") {
        response = Response::FromError(
            Error::NotFound(fmt::format("no route for {} {}", request.method_text, request.path)));
      }
    }

    bool close_after = !keep_alive || stopping_.load();
    int status = response.status;
    size_t body_bytes = response.body.size();
    bool ok = co_await Write(stream, response, request.method == Method::kHead, close_after);
    Record(route, request.method_text, request.target, status, body_bytes, remote, started);
    co_return ok && !close_after;
  }

  asio::awaitable<Response> CallHandler(const AsyncHandler& handler, Request& request) {
    auto executor = co_await asio::this_coro::executor;
    auto state = std::make_shared<ReplyState>(executor);
    {
      auto sender = std::make_shared<ReplySender>(state);
      Reply reply = [sender](Response r) { sender->Send(std::move(r)); };
      try {
        handler(request, std::move(reply));
      } catch (const std::exception& e) {
        spdlog::error("http: handler for {} threw: {}", request.path, e.what());
        sender->Send(Response::FromError(Error::Internal("the server failed to handle this request")));
      }
    }
    for (;;) {
      {
        std::lock_guard lock(state->mutex);
        if (state->response) co_return std::move(*state->response);
      }
      auto wait = state->timer.async_wait(kAsTuple);
      auto [ignored] = co_await std::move(wait);
      (void)ignored;
    }
  }

  asio::awaitable<bool> Write(beast::tcp_stream& stream, Response& response, bool head, bool close) {
    bhttp::response<bhttp::string_body> out;
    out.version(11);
    out.result(static_cast<unsigned>(response.status));
    out.set(bhttp::field::server, "Starling");
    out.set(bhttp::field::date, HttpDate());
    if (!response.content_type.empty()) out.set(bhttp::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) out.insert(name, value);
    out.keep_alive(!close);
    size_t length = response.body.size();
    if (!head) out.body() = std::move(response.body);
    if (response.status != 204 && response.status != 304) out.content_length(length);
    stream.expires_after(options_.read_timeout);
    auto write = bhttp::async_write(stream, out, kAsTuple);
    auto [ec, bytes] = co_await std::move(write);
    (void)bytes;
    co_return !ec;
  }

  asio::awaitable<void> SendRejection(beast::tcp_stream& stream, int status, std::string_view code,
                                      std::string message,
                                      std::chrono::steady_clock::time_point started) {
    json::object inner{{"code", code}, {"message", message}};
    Response response = Response::Json(status, json::object{{"error", std::move(inner)}});
    size_t body_bytes = response.body.size();
    co_await Write(stream, response, false, true);
    Record("rejected", "-", "-", status, body_bytes, "-", started);
  }

  void Record(std::string_view route, std::string_view method, std::string_view target,
              int status, size_t body_bytes, std::string_view remote,
              std::chrono::steady_clock::time_point started) {
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::string route_label(route);
    metrics_
        .GetCounter("starling_http_requests_total", "HTTP requests by route and status.",
                    {{"route", route_label}, {"status", std::to_string(status)}})
        .Inc();
    metrics_
        .GetHistogram("starling_http_request_duration_seconds",
                      "HTTP request latency from the end of the request headers to the response.",
                      {{"route", route_label}})
        .Observe(seconds);
    if (options_.access_log) {
      spdlog::info("http {} {} {} {:.3f}ms {}B {}", method, target, status, seconds * 1e3, body_bytes,
                   remote);
    }
  }

  ServerOptions options_;
  const Router& router_;
  MetricsRegistry& metrics_;
  StaticFiles* static_files_;
  asio::io_context ioc_;
  asio::thread_pool blocking_pool_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer drain_timer_;
  uint16_t port_ = 0;
  bool signals_installed_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
  std::chrono::steady_clock::time_point shutdown_deadline_;
  std::mutex connections_mutex_;
  std::unordered_map<uint64_t, std::shared_ptr<Connection>> connections_;
  std::atomic<uint64_t> next_connection_id_{1};
};

HttpServer::HttpServer(ServerOptions options, const Router& router, MetricsRegistry& metrics,
                       StaticFiles* static_files)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics, static_files)) {}
HttpServer::~HttpServer() = default;
Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::Run(bool handle_signals, std::function<void(int)> on_signal) {
  impl_->Run(handle_signals, std::move(on_signal));
}
void HttpServer::HandleSignals(std::function<void(int)> on_signal) {
  impl_->HandleSignals(std::move(on_signal));
}
void HttpServer::Shutdown() { impl_->Shutdown(); }

}  // namespace starling::http
