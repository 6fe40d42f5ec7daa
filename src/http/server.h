// HttpServer: HTTP/1.1 with keep-alive on `threads` I/O threads, one C++20 coroutine per
// connection.
//
// Threading: each I/O thread runs its own event loop; one acceptor hands new connections to the
// threads in turn, and a connection stays on its thread for life, so serving it takes no lock.
// Synchronous handlers (Router::Add, Dispatch::kInline) are called on that I/O thread and must not
// block; Dispatch::kBlocking handlers run on a pool of `blocking_threads`; async handlers
// (Router::AddAsync) answer through their Reply from any thread.
//
// Dispatch order for a request: the Router; then, for paths outside /api/, the static web UI;
// otherwise a JSON 404 in the API error shape. Every request is counted in metrics (by route
// pattern and status), timed into a latency histogram, and logged on one line, just before its
// response is written.
//
// Streaming responses (Response::Stream, see ResponseStream in request.h): the head goes out at
// once (with what the stream's start wrote), then each batch of queued chunks as one HTTP chunk,
// written by the connection's coroutine without holding any thread while it waits. A stream is
// counted in metrics and logged once, when its head is sent; it ends its connection. The server
// notices a client that disconnects (it reads the connection meanwhile) and closes the stream; it
// closes a stream whose client does not read (more than StreamOptions::max_queued_bytes unsent, or
// a write that takes longer than `read_timeout`) and drops the connection. How streams ended is
// counted in `starling_http_stream_ends_total{reason}`.
//
// Timeouts: waiting for the first byte of a request is bounded by `idle_timeout` (the connection is
// then closed without an answer); once a request has started, all of it (headers and body) must
// arrive within `read_timeout`, or the answer is 408 and the connection is closed. Writing a
// response that the socket does not take at once is bounded by `read_timeout` as well. Deadlines
// are checked periodically (a tenth of the shorter timeout, 5 ms to 1 s), so they fire up to that
// much late.
//
// Lifecycle: Start() binds; Run() blocks serving until Shutdown() completes. Shutdown()
// (thread-safe) stops accepting, lets in-flight requests finish (their responses carry `Connection:
// close`), closes idle keep-alive connections, and returns from Run() once no request is in flight
// or `shutdown_grace` has passed. Open streams end at once on Shutdown(): what is queued is sent,
// then the last chunk (a write gets one second at most), and their connections close. Run() also
// waits for blocking handlers still running before it returns, and closes every stream still open
// (OnClose callbacks run on its thread then), so a producer never outlives the server holding a
// live stream.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/metrics.h"
#include "base/result.h"
#include "http/router.h"
#include "http/static_files.h"

namespace starling::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;      // 0: any free port; see HttpServer::port()
  int threads = 0;           // 0: one per core
  int blocking_threads = 4;  // run handlers added with Dispatch::kBlocking (database work)
  uint64_t max_header_bytes = 16 * 1024;
  uint64_t max_body_bytes = 1024 * 1024;
  // To receive a whole request once its first byte came; also to write a response.
  std::chrono::milliseconds read_timeout{15'000};
  std::chrono::milliseconds idle_timeout{60'000};  // to wait for the first byte of a request
  std::chrono::milliseconds shutdown_grace{
      10'000};             // longest wait for in-flight requests on shutdown
  bool access_log = true;  // one log line per request
  // Reverse proxies in front of the server: when set and true for a connection's peer address, each
  // request's remote_address is the client the proxies name in X-Forwarded-For (ForwardedClient).
  std::function<bool(std::string_view address)> trusted_proxy;
};

class HttpServer final {
 public:
  // `router`, `metrics` and `static_files` (may be null: no web UI) must outlive the server.
  HttpServer(ServerOptions options, const Router& router, MetricsRegistry& metrics,
             StaticFiles* static_files);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens. Errors name the address ("cannot listen on 127.0.0.1:8080: Address in use").
  Status Start();
  // The bound port (after Start), useful with port 0.
  uint16_t port() const;
  // Installs SIGINT/SIGTERM handling now, before Run: from this call on, either signal begins a
  // graceful shutdown instead of killing the process (a signal that arrives before Run is acted on
  // once Run starts). `on_signal` is called first, on a server thread, with the signal number. Call
  // it before announcing that the server is ready. Only the first call (or Run's, below) installs
  // anything.
  void HandleSignals(std::function<void(int)> on_signal = {});
  // Serves until shutdown. With `handle_signals`, first calls HandleSignals(on_signal), which does
  // nothing if HandleSignals was already called.
  void Run(bool handle_signals, std::function<void(int)> on_signal = {});
  // Begins a graceful shutdown. Thread-safe; idempotent.
  void Shutdown();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace starling::http
