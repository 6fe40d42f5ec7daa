#include "http/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/basic_signal_set.hpp>
#include <boost/asio/basic_socket_acceptor.hpp>
#include <boost/asio/basic_stream_socket.hpp>
#include <boost/asio/basic_waitable_timer.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <atomic>
#include <charconv>
#include <cstring>
#include <ctime>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/check.h"
#include "base/logging.h"
#include "http/request_parser.h"
#include "http/response_writer.h"

namespace starling::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

// Every I/O object of a connection lives on one worker's io_context and names its executor type, so
// no type-erased executor is copied on each operation.
using Executor = asio::io_context::executor_type;
using Socket = asio::basic_stream_socket<tcp, Executor>;
using Acceptor = asio::basic_socket_acceptor<tcp, Executor>;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, Executor>;
using SignalSet = asio::basic_signal_set<Executor>;
template <typename T>
using Task = asio::awaitable<T, Executor>;

// Completion token for every await: errors come back as values, never as exceptions. A
// namespace-scope constant, so no temporary appears inside a co_await expression (GCC 12 coroutine
// bug).
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable_t<Executor>{});

// Route labels that are not route patterns. Literals, so their addresses are stable (see
// SeriesKey).
constexpr std::string_view kRouteStatic = "static";
constexpr std::string_view kRouteUnmatched = "unmatched";
constexpr std::string_view kRouteMethodNotAllowed = "method_not_allowed";
constexpr std::string_view kRouteRejected = "rejected";

// A response body up to this size is copied behind the header block and sent in one buffer; a
// larger one (a static file) is sent from where it is, as the second buffer of the same write.
constexpr size_t kInlineBodyBytes = 16 * 1024;

// Once shutdown has begun, a stream's last writes get this long at most: SIGTERM must not wait for
// a client that does not read.
constexpr std::chrono::milliseconds kStreamShutdownWrite{1000};

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

// The bytes a connection has received and not yet parsed. Grows up to `max` (enough for the largest
// accepted header block); the parser consumes body bytes as they come, so a body never has to fit.
class ReadBuffer {
 public:
  explicit ReadBuffer(size_t max) : max_(std::max(max, kMinRead)) {}

  std::string_view data() const { return {storage_.get() + begin_, end_ - begin_}; }
  bool empty() const { return begin_ == end_; }
  void Consume(size_t n) {
    begin_ += n;
    if (begin_ == end_) begin_ = end_ = 0;
  }
  // Free space to read into: at least kMinRead bytes unless the buffer is at its maximum.
  asio::mutable_buffer Prepare() {
    if (capacity_ - end_ < kMinRead && begin_ > 0) {
      std::memmove(storage_.get(), storage_.get() + begin_, end_ - begin_);
      end_ -= begin_;
      begin_ = 0;
    }
    if (capacity_ - end_ < kMinRead && capacity_ < max_) {
      size_t capacity = std::min(max_, std::max(kInitial, capacity_ * 2));
      auto grown = std::make_unique<char[]>(capacity);
      if (end_ > 0) std::memcpy(grown.get(), storage_.get(), end_);
      storage_ = std::move(grown);
      capacity_ = capacity;
    }
    return asio::mutable_buffer(storage_.get() + end_, capacity_ - end_);
  }
  void Commit(size_t n) { end_ += n; }

 private:
  static constexpr size_t kInitial = 4096;
  static constexpr size_t kMinRead = 1024;
  size_t max_;
  std::unique_ptr<char[]> storage_;
  size_t capacity_ = 0;
  size_t begin_ = 0;
  size_t end_ = 0;
};

// Up to two buffers (header block, large body) still to be written.
struct Outgoing {
  std::array<asio::const_buffer, 2> parts;
  size_t Remaining() const { return parts[0].size() + parts[1].size(); }
  void Consume(size_t n) {
    size_t first = std::min(n, parts[0].size());
    parts[0] += first;
    parts[1] += n - first;
  }
};

// Metrics series of one (route, status), cached per worker. The key is the route label's address:
// labels are router patterns (alive as long as the router) or the literals above.
struct SeriesKey {
  const char* route;
  size_t route_size;
  int status;
  bool operator==(const SeriesKey&) const = default;
};
struct SeriesKeyHash {
  size_t operator()(const SeriesKey& key) const {
    return std::hash<const void*>()(key.route) ^ (key.route_size * 0x9e3779b97f4a7c15ull) ^
           static_cast<size_t>(key.status);
  }
};
struct Series {
  Counter* requests = nullptr;
  Histogram* latency = nullptr;
};

struct Connection;

// Why a stream ended, for the log and the `starling_http_stream_ends_total` counter.
enum class StreamEnd {
  kProducer,
  kClientGone,
  kTooSlow,
  kWriteTimeout,
  kShutdown,
  kMaxDuration,
  kError
};
constexpr std::array<std::string_view, 7> kStreamEndNames = {
    "producer", "client_gone", "too_slow", "write_timeout", "shutdown", "max_duration", "error"};

// The server's side of a ResponseStream: producers queue bytes on any thread; the connection's
// coroutine takes them on its I/O thread. shared_ptr (enable_shared_from_this): producers may keep
// the stream after the connection is gone, and a wake-up posted to the I/O thread keeps it alive.
//
// A wake-up is posted to the connection's io_context only while the stream is open or ending, which
// the coroutine ends (Finish) before it returns, and Run ends for streams still open before it
// returns: so nothing is posted to an io_context that may be gone.
class StreamChannel final : public ResponseStream,
                            public std::enable_shared_from_this<StreamChannel> {
 public:
  enum class State {
    kOpen,     // producers write
    kEnding,   // Close() (or shutdown, max_duration): send what is queued, then the last chunk
    kAborted,  // drop the connection: the client is gone or too slow, or a write failed
  };

  StreamChannel(Executor executor, size_t max_queued)
      : executor_(std::move(executor)), max_queued_(max_queued) {}

  bool Write(std::string chunk) override {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex_);
      if (state_ != State::kOpen) return false;
      if (chunk.empty()) return true;
      if (queued_.size() + chunk.size() <= max_queued_) {
        queued_.append(chunk);
        WakeLocked();
        return true;
      }
      callbacks = LeaveOpenLocked(State::kAborted, StreamEnd::kTooSlow);
    }
    RunCallbacks(callbacks);
    return false;
  }

  void Close() override { End(State::kEnding, StreamEnd::kProducer); }

  bool closed() const override {
    std::lock_guard lock(mutex_);
    return state_ != State::kOpen;
  }

  void OnClose(std::function<void()> callback) override {
    {
      std::lock_guard lock(mutex_);
      if (state_ == State::kOpen) {
        on_close_.push_back(std::move(callback));
        return;
      }
    }
    callback();
  }

  // --- Server side.

  // Leaves kOpen for `to` (an abort also overrides an ending), and wakes the coroutine.
  void End(State to, StreamEnd why) {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex_);
      callbacks = LeaveOpenLocked(to, why);
    }
    RunCallbacks(callbacks);
  }

  // On the I/O thread: swaps the queued bytes into `into` (whose old contents are dropped, its
  // capacity reused) and returns the state.
  State Take(std::string& into) {
    into.clear();
    std::lock_guard lock(mutex_);
    wake_posted_ = false;
    queued_.swap(into);
    return state_;
  }

  // On the I/O thread, when the stream has been idle: queues the heartbeat (no wake-up needed).
  void QueueHeartbeat(std::string_view text) {
    std::lock_guard lock(mutex_);
    if (state_ == State::kOpen && queued_.empty()) queued_.append(text);
  }

  // Closes the stream if it still is open and stops wake-ups for good: the coroutine is done with
  // it, or the server has stopped. Returns why it ended.
  StreamEnd Finish() {
    std::vector<std::function<void()>> callbacks;
    StreamEnd why;
    {
      std::lock_guard lock(mutex_);
      if (state_ == State::kOpen)
        callbacks = LeaveOpenLocked(State::kAborted, StreamEnd::kShutdown);
      finished_ = true;
      why = why_;
    }
    RunCallbacks(callbacks);
    return why;
  }

  // The coroutine's wake-up timer while it serves the stream; touched on the I/O thread only.
  Timer* wake = nullptr;

 private:
  std::vector<std::function<void()>> LeaveOpenLocked(State to, StreamEnd why) {
    if (state_ == State::kOpen) {
      state_ = to;
      why_ = why;
      WakeLocked();
      return std::move(on_close_);
    }
    if (state_ == State::kEnding && to == State::kAborted && !finished_) {
      state_ = to;
      why_ = why;
      WakeLocked();
    }
    return {};
  }

  void WakeLocked() {
    if (wake_posted_ || finished_) return;
    wake_posted_ = true;
    asio::post(executor_, [self = shared_from_this()] {
      if (self->wake) self->wake->cancel();
    });
  }

  static void RunCallbacks(std::vector<std::function<void()>>& callbacks) {
    for (auto& callback : callbacks) {
      try {
        callback();
      } catch (const std::exception& e) {
        spdlog::error("http: a stream's close callback threw: {}", e.what());
      }
    }
  }

  const Executor executor_;
  const size_t max_queued_;
  mutable std::mutex mutex_;
  State state_ = State::kOpen;
  StreamEnd why_ = StreamEnd::kProducer;
  std::string queued_;
  bool wake_posted_ = false;  // a wake-up is on its way and the queue not taken since
  bool finished_ = false;
  std::vector<std::function<void()>> on_close_;
};

// One I/O thread: its own io_context, so a connection's operations never take a strand or a lock
// that another I/O thread contends for. Everything here except `in_flight` is touched only by that
// thread.
struct Worker {
  Connection* connections = nullptr;  // intrusive list of this worker's live connections
  // Requests whose headers have arrived and whose response is not written yet. Written only by this
  // worker's thread; read by the shutdown drain on another.
  std::atomic<int> in_flight{0};
  std::unordered_map<SeriesKey, Series, SeriesKeyHash> series;
  // Declared last: destroying the io_context destroys the connections' coroutines, which unlink
  // themselves from `connections` above.
  asio::io_context ioc{1};
  asio::executor_work_guard<Executor> work{ioc.get_executor()};
  Timer sweep_timer{ioc.get_executor()};
};

// A connection's state, in its coroutine's frame. Registered with its worker so the periodic sweep
// can enforce deadlines and shutdown can close idle connections.
struct Connection {
  Connection(Worker& w, Socket s, size_t max_buffer)
      : worker(w), socket(std::move(s)), in(max_buffer) {
    next = worker.connections;
    if (next) next->prev = this;
    worker.connections = this;
  }
  ~Connection() {
    if (prev) prev->next = next;
    if (next) next->prev = prev;
    if (worker.connections == this) worker.connections = next;
    error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Worker& worker;
  Socket socket;
  ReadBuffer in;
  std::string out;  // the response head (and a small body), reused
  Request request;  // reused: its strings keep their capacity from one request to the next
  std::string proxy;  // the peer's address when it is a trusted proxy (ServerOptions::trusted_proxy)
  Connection* prev = nullptr;
  Connection* next = nullptr;
  // A pending read or write must complete by `deadline`, or the sweep cancels it and sets
  // `timed_out`.
  Clock::time_point deadline = Clock::time_point::max();
  bool waiting = false;
  bool timed_out = false;
  bool idle = true;  // between requests: no byte of the next one yet (shutdown may close it)
  StreamChannel* stream = nullptr;  // while a streaming response is being sent
};

// Counts a request as in flight from the end of its headers until its response is written.
class InFlight {
 public:
  explicit InFlight(Worker& worker) : worker_(worker) {}
  ~InFlight() { Leave(); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;
  void Enter() {
    if (entered_) return;
    entered_ = true;
    worker_.in_flight.store(worker_.in_flight.load(std::memory_order_relaxed) + 1,
                            std::memory_order_relaxed);
  }
  void Leave() {
    if (!entered_) return;
    entered_ = false;
    worker_.in_flight.store(worker_.in_flight.load(std::memory_order_relaxed) - 1,
                            std::memory_order_relaxed);
  }
  bool entered() const { return entered_; }

 private:
  Worker& worker_;
  bool entered_ = false;
};

// Shared between a connection's coroutine and the Reply handed to an async handler. The coroutine
// parks its completion handler in `waiter` until `response` is set; Send posts that handler to the
// coroutine's I/O thread: one trip through the event loop per answer, and no timer. shared_ptr
// because the Reply may outlive the connection (a handler keeps it and answers after the client
// left).
struct ReplyState {
  explicit ReplyState(const Executor& on) : executor(on) {}
  std::mutex mutex;
  std::optional<Response> response;
  asio::any_completion_handler<void()> waiter;  // the coroutine, while it waits for `response`
  // Counts the parked coroutine as outstanding work of its io_context, as a pending operation would.
  std::optional<asio::executor_work_guard<Executor>> work;
  Executor executor;
};

// Owned by the Reply closure only. Sending twice is ignored; dropping it without sending answers
// 500, so a buggy handler can never leave a connection hanging.
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
    asio::any_completion_handler<void()> waiter;
    std::optional<asio::executor_work_guard<Executor>> work;
    {
      std::lock_guard lock(state_->mutex);
      state_->response = std::move(response);
      waiter.swap(state_->waiter);  // not `=`: Boost 1.81's move assignment recurses forever
      if (state_->work) {
        work.emplace(std::move(*state_->work));
        state_->work.reset();
      }
    }
    if (waiter) asio::post(state_->executor, std::move(waiter));
    // `work` is released only now, after the post counts the handler as work of its own.
  }

 private:
  std::shared_ptr<ReplyState> state_;
  std::atomic<bool> sent_{false};
};

// Completes once `state->response` is set: at once if it already is, else when ReplySender::Send
// posts the parked handler.
struct AwaitReply {
  std::shared_ptr<ReplyState> state;
  template <typename Handler>
  void operator()(Handler&& handler) const {
    std::unique_lock lock(state->mutex);
    if (!state->response) {
      asio::any_completion_handler<void()> waiter(std::forward<Handler>(handler));
      state->waiter.swap(waiter);  // not `=`: Boost 1.81's move assignment recurses forever
      state->work.emplace(state->executor);
      return;
    }
    lock.unlock();
    asio::post(state->executor, std::forward<Handler>(handler));
  }
};

// Writes what the socket accepts right now, without waiting (the socket is non-blocking). Most
// responses go out here, with no trip through the event loop. Returns false on a connection error.
bool WriteNow(Socket& socket, Outgoing& out) {
  while (out.Remaining() > 0) {
    error_code ec;
    size_t n = socket.write_some(out.parts, ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again ||
        ec == asio::error::interrupted) {
      return true;
    }
    if (ec) return false;
    out.Consume(n);
  }
  return true;
}

// Percent-decodes the path of a request target into `out`. False when it is not a valid path.
bool DecodePath(std::string_view raw, std::string& out) {
  if (raw.find('%') == std::string_view::npos) {
    out.assign(raw);
  } else {
    std::optional<std::string> decoded = PercentDecode(raw);
    if (!decoded) return false;
    out = std::move(*decoded);
  }
  return !out.empty() && out.front() == '/';
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(ServerOptions options, const Router& router, MetricsRegistry& metrics,
       StaticFiles* static_files)
      : options_(std::move(options)),
        router_(router),
        metrics_(metrics),
        static_files_(static_files),
        blocking_pool_(static_cast<size_t>(std::max(1, options_.blocking_threads))),
        workers_(MakeWorkers(options_.threads)),
        acceptor_(workers_[0]->ioc),
        signals_(workers_[0]->ioc),
        drain_timer_(workers_[0]->ioc) {
    // Deadlines are enforced by a periodic sweep per worker rather than a timer per operation: a
    // tenth of the shortest timeout, between 5 ms and 1 s.
    auto shortest = std::min(options_.read_timeout, options_.idle_timeout);
    sweep_period_ =
        std::clamp(shortest / 10, std::chrono::milliseconds(5), std::chrono::milliseconds(1000));
  }

  Status Start() {
    error_code ec;
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
    // One acceptor hands connections to the workers in turn. (SO_REUSEPORT, one acceptor per
    // worker, would let another process bind the same port.)
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
    signals_.async_wait([this, on_signal = std::move(on_signal)](error_code ec, int signo) {
      if (ec) return;
      if (on_signal) on_signal(signo);
      BeginShutdown();
    });
  }

  void Run(bool handle_signals, std::function<void(int)> on_signal) {
    if (handle_signals) HandleSignals(std::move(on_signal));
    auto accept = Accept();
    asio::co_spawn(workers_[0]->ioc, std::move(accept), asio::detached);
    for (auto& worker : workers_) ArmSweep(*worker);
    std::vector<std::thread> threads;
    for (size_t i = 1; i < workers_.size(); ++i) {
      threads.emplace_back([this, i] {
        NameThisThread(fmt::format("http-io-{}", i));
        RunLoop(*workers_[i]);
      });
    }
    NameThisThread("http-io-0");
    RunLoop(*workers_[0]);
    for (auto& t : threads) t.join();
    // Streams still open (the grace period ran out) are closed now, so that their producers let go
    // (OnClose) while what they subscribed to still exists.
    for (auto& worker : workers_) {
      for (Connection* c = worker->connections; c; c = c->next) {
        if (c->stream) c->stream->Finish();
      }
    }
    // A blocking handler still running refers to a request owned by a connection coroutine: let it
    // finish before the coroutines can be destroyed with the io_contexts.
    blocking_pool_.join();
  }

  void Shutdown() {
    asio::post(workers_[0]->ioc, [this] { BeginShutdown(); });
  }

 private:
  static std::vector<std::unique_ptr<Worker>> MakeWorkers(int threads) {
    int n =
        threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<std::unique_ptr<Worker>> workers;
    for (int i = 0; i < n; ++i) workers.push_back(std::make_unique<Worker>());
    return workers;
  }

  static void RunLoop(Worker& worker) {
    for (;;) {
      try {
        worker.ioc.run();
        return;
      } catch (const std::exception& e) {
        // Handlers catch their own errors; reaching here is a bug, but one request must not end the
        // server.
        spdlog::error("http: unexpected exception on a server thread: {}", e.what());
      }
    }
  }

  int CountInFlight() const {
    int total = 0;
    for (const auto& worker : workers_) total += worker->in_flight.load(std::memory_order_relaxed);
    return total;
  }

  // On worker 0.
  void BeginShutdown() {
    if (stopping_.exchange(true)) return;
    spdlog::info("http: shutting down: no new connections; waiting for {} in-flight request(s)",
                 CountInFlight());
    error_code ec;
    acceptor_.close(ec);
    signals_.cancel(ec);
    for (auto& worker : workers_) {
      Worker* w = worker.get();
      asio::post(w->ioc, [w] { CloseIdle(*w); });
    }
    shutdown_deadline_ = Clock::now() + options_.shutdown_grace;
    WaitForDrain();
  }

  // On the worker's thread: connections between requests are closed at once; the others finish
  // their request and close after it (`stopping_`). Streams end now: what is queued is sent, then
  // the last chunk, within kStreamShutdownWrite.
  static void CloseIdle(Worker& worker) {
    Clock::time_point write_by = Clock::now() + kStreamShutdownWrite;
    for (Connection* c = worker.connections; c; c = c->next) {
      if (c->idle) {
        error_code ignored;
        c->socket.cancel(ignored);
      }
      if (c->stream) {
        c->stream->End(StreamChannel::State::kEnding, StreamEnd::kShutdown);
        if (c->waiting) c->deadline = std::min(c->deadline, write_by);
      }
    }
  }

  void WaitForDrain() {
    int in_flight = CountInFlight();
    if (in_flight == 0 || Clock::now() >= shutdown_deadline_) {
      if (in_flight != 0) {
        spdlog::warn("http: shutdown grace period over with {} request(s) still in flight",
                     in_flight);
      }
      for (auto& worker : workers_) worker->ioc.stop();
      return;
    }
    drain_timer_.expires_after(std::chrono::milliseconds(5));
    drain_timer_.async_wait([this](error_code) { WaitForDrain(); });
  }

  // Per worker, every sweep_period_: cancels the pending read or write of connections past their
  // deadline. The connection's coroutine sees `timed_out` and answers 408 or closes.
  void ArmSweep(Worker& worker) {
    worker.sweep_timer.expires_after(sweep_period_);
    worker.sweep_timer.async_wait([this, &worker](error_code ec) {
      if (ec) return;
      Clock::time_point now = Clock::now();
      for (Connection* c = worker.connections; c; c = c->next) {
        if (c->waiting && now >= c->deadline) {
          c->waiting = false;
          c->timed_out = true;
          error_code ignored;
          c->socket.cancel(ignored);
        }
      }
      ArmSweep(worker);
    });
  }

  Task<void> Accept() {
    size_t next = 0;
    for (;;) {
      Worker& target = *workers_[next++ % workers_.size()];
      auto accept = acceptor_.async_accept(target.ioc, kAsTuple);
      auto [ec, socket] = co_await std::move(accept);
      if (ec) {
        if (stopping_.load() || ec == asio::error::operation_aborted) co_return;
        spdlog::warn("http: accept failed: {}", ec.message());
        // Out of file descriptors or similar: do not spin.
        Timer pause(workers_[0]->ioc.get_executor(), std::chrono::milliseconds(50));
        auto wait = pause.async_wait(kAsTuple);
        auto [ignored] = co_await std::move(wait);
        (void)ignored;
        continue;
      }
      auto session = Session(target, std::move(socket));
      asio::co_spawn(target.ioc, std::move(session), asio::detached);
    }
  }

  Task<void> Session(Worker& worker, Socket socket) {
    error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    socket.non_blocking(true, ec);  // for WriteNow
    std::string remote = socket.remote_endpoint(ec).address().to_string();
    Connection connection(worker, std::move(socket),
                          static_cast<size_t>(options_.max_header_bytes) + 1024);
    if (options_.trusted_proxy && options_.trusted_proxy(remote)) connection.proxy = remote;
    connection.request.remote_address = std::move(remote);
    try {
      auto serve = Serve(connection);
      co_await std::move(serve);
    } catch (const std::exception& e) {
      spdlog::error("http: connection ended by an exception: {}", e.what());
    }
  }

  // Serves the requests of one connection until it closes.
  Task<void> Serve(Connection& c) {
    Worker& worker = c.worker;
    Request& request = c.request;
    RequestParser parser(
        {.max_header_bytes = options_.max_header_bytes, .max_body_bytes = options_.max_body_bytes});
    Clock::time_point idle_since = Clock::now();
    for (;;) {
      // --- Read one request. Waiting for its first byte is bounded by idle_timeout; once it has
      // started, the whole request (headers and body) must arrive within read_timeout.
      parser.Start(&request);
      c.idle = true;
      InFlight in_flight(worker);
      Clock::time_point headers_done{};
      bool request_deadline_set = false;
      bool continue_sent = false;
      RequestParser::Status status = RequestParser::Status::kNeedMore;
      for (;;) {
        if (!c.in.empty()) {
          c.idle = false;
          size_t used = 0;
          status = parser.Feed(c.in.data(), &used);
          c.in.Consume(used);
          if (parser.header_done() && !in_flight.entered()) {
            headers_done = Clock::now();
            in_flight.Enter();
          }
          if (status != RequestParser::Status::kNeedMore) break;
          if (parser.header_done() && parser.expects_continue() && !continue_sent) {
            continue_sent = true;
            auto write_continue = WriteAll(c, "HTTP/1.1 100 Continue\r\n\r\n", {});
            bool written = co_await std::move(write_continue);
            if (!written) co_return;
          }
        }
        if (!parser.started()) {
          if (stopping_.load(std::memory_order_relaxed))
            co_return;  // shutdown: close between requests
          c.deadline = idle_since + options_.idle_timeout;
        } else if (!request_deadline_set) {
          request_deadline_set = true;
          c.deadline = Clock::now() + options_.read_timeout;
        }
        asio::mutable_buffer space = c.in.Prepare();
        if (space.size() == 0) {
          // Only a chunk header line can fill the buffer (a header block that does is refused by
          // the parser first).
          auto reject = SendRejection(c, in_flight, 400, "invalid_argument",
                                      "malformed HTTP request: a chunk header line is too long");
          co_await std::move(reject);
          co_return;
        }
        c.waiting = true;
        c.timed_out = false;
        auto read = c.socket.async_read_some(space, kAsTuple);
        auto [read_ec, bytes] = co_await std::move(read);
        c.waiting = false;
        if (!read_ec) {
          c.in.Commit(bytes);
          continue;
        }
        if (c.timed_out && parser.started()) {
          auto reject = SendRejection(c, in_flight, 408, "request_timeout",
                                      fmt::format("the request {} did not arrive within {} ms",
                                                  parser.header_done() ? "body" : "headers",
                                                  options_.read_timeout.count()));
          co_await std::move(reject);
          co_return;
        }
        if (read_ec == asio::error::eof && parser.started()) {
          status = parser.FeedEof();
          if (status == RequestParser::Status::kComplete) break;
          if (status == RequestParser::Status::kMalformed) {
            auto reject = SendRejection(c, in_flight, 400, "invalid_argument",
                                        "malformed HTTP request: " + parser.error_message());
            co_await std::move(reject);
          }
        }
        co_return;  // closed by the peer, idle timeout, shutdown, reset
      }

      switch (status) {
        case RequestParser::Status::kComplete:
          break;
        case RequestParser::Status::kHeaderTooLarge: {
          auto reject = SendRejection(
              c, in_flight, 431, "request_header_fields_too_large",
              fmt::format("request headers exceed {} bytes", options_.max_header_bytes));
          co_await std::move(reject);
          co_return;
        }
        case RequestParser::Status::kBodyTooLarge: {
          auto reject = SendRejection(
              c, in_flight, 413, "payload_too_large",
              fmt::format("request body exceeds the limit of {} bytes", options_.max_body_bytes));
          co_await std::move(reject);
          co_return;
        }
        case RequestParser::Status::kMalformed:
        case RequestParser::Status::kNeedMore: {
          auto reject = SendRejection(c, in_flight, 400, "invalid_argument",
                                      "malformed HTTP request: " + parser.error_message());
          co_await std::move(reject);
          co_return;
        }
      }

      // --- Dispatch.
      if (!c.proxy.empty()) {
        // Every X-Forwarded-For line, in order, as one list (RFC 9110 §5.3): a proxy may add its own line
        // after the client's instead of appending to it.
        std::optional<std::string> forwarded;
        for (const auto& [name, value] : request.headers) {
          if (name != "x-forwarded-for") continue;
          forwarded = forwarded ? *forwarded + "," + value : value;
        }
        request.remote_address = ForwardedClient(c.proxy, forwarded, options_.trusted_proxy);
      }
      std::string_view target = request.target;
      size_t q = target.find('?');
      std::string_view raw_path = target.substr(0, q);
      if (q == std::string_view::npos) {
        request.query.clear();
      } else {
        request.query.assign(target.substr(q + 1));
      }
      request.path_params.clear();

      std::string_view route = kRouteUnmatched;
      bool answered = false;
      Response response;
      if (!DecodePath(raw_path, request.path)) {
        response = Response::FromError(Error::InvalidArgument(
            fmt::format("request target `{}` is not a valid path", raw_path)));
        answered = true;
      } else {
        RouteMatch match = router_.Match(request);
        if (match.handler) {
          route = match.pattern;
          answered = true;
          if (match.sync_handler && match.dispatch == Dispatch::kInline) {
            // The common case: called right here, no reply machinery.
            response = CallInline(*match.sync_handler, request);
          } else if (match.sync_handler) {
            auto call = CallBlocking(*match.sync_handler, request);
            response = co_await std::move(call);
          } else {
            auto call = CallAsync(*match.handler, request);
            response = co_await std::move(call);
          }
        } else if (match.method_not_allowed) {
          route = kRouteMethodNotAllowed;
          answered = true;
          std::string allow;
          for (Method m : match.allowed) {
            if (!allow.empty()) allow += ", ";
            allow += MethodName(m);
          }
          response = Response::FromError({ErrorCode::kMethodNotAllowed,
                                          fmt::format("{} is not allowed on {}; allowed: {}",
                                                      request.method_text, request.path, allow),
                                          {}});
          response.headers.emplace_back("Allow", std::move(allow));
        } else if (static_files_ && !request.path.starts_with("/api/") && request.path != "/api" &&
                   (request.method == Method::kGet || request.method == Method::kHead)) {
          if (auto file = static_files_->Serve(request.path)) {
            route = kRouteStatic;
            answered = true;
            response = std::move(*file);
          }
        }
        if (!answered) {
          response = Response::FromError(Error::NotFound(
              fmt::format("no route for {} {}", request.method_text, request.path)));
        }
      }

      // --- Respond.
      if (response.stream) {
        auto stream = ServeStream(c, in_flight, response, parser.version() != 10,
                                  request.method == Method::kHead, route, headers_done);
        co_await std::move(stream);
        co_return;  // a stream ends its connection
      }
      bool close_after = !parser.keep_alive() || stopping_.load(std::memory_order_relaxed);
      Persistence persistence = close_after              ? Persistence::kClose
                                : parser.version() == 10 ? Persistence::kKeepAliveHttp10
                                                         : Persistence::kKeepAlive;
      bool head = request.method == Method::kHead;
      int status_code = response.status;
      size_t body_bytes = response.body.size();
      c.out.clear();
      if (int dropped = AppendResponseHead(response, HttpDate(), persistence, c.out); dropped > 0) {
        spdlog::error(
            "http: {} response header(s) for {} dropped: CR, LF or NUL in a name or value", dropped,
            request.path);
      }
      Outgoing out;
      if (!head && StatusHasBody(status_code)) {
        if (response.body.size() <= kInlineBodyBytes) {
          c.out.append(response.body);
        } else {
          out.parts[1] = asio::buffer(response.body);
        }
      }
      out.parts[0] = asio::buffer(c.out);
      // Counted and logged before the write: a client that has its answer finds it in /metrics.
      Clock::time_point done = Clock::now();
      Record(worker, route, request.method_text, request.target, status_code, body_bytes,
             request.remote_address, headers_done, done);
      idle_since = done;
      bool ok = WriteNow(c.socket, out);
      if (ok && out.Remaining() > 0) {
        auto write_rest = WriteRest(c, out);
        ok = co_await std::move(write_rest);
        idle_since = Clock::now();
      }
      in_flight.Leave();
      if (!ok || close_after) co_return;
    }
  }

  // Sends a streaming response (Response::Stream): calls `start`, sends the head with what it
  // queued, then what producers queue, one chunk per wake-up with everything queued meanwhile,
  // until the stream ends; then the connection closes. No thread waits meanwhile: this coroutine
  // sleeps on `wake`, which a Write (through a post) or the heartbeat/max_duration expiry wakes.
  // The request is counted (metrics, access log) once, when the head is sent, and stays in flight
  // until the stream ends, so a shutdown waits for its end.
  Task<void> ServeStream(Connection& c, InFlight& in_flight, const Response& response, bool chunked,
                         bool head, std::string_view route, Clock::time_point headers_done) {
    const Executor executor = c.socket.get_executor();
    const Response::StreamSpec& spec = *response.stream;
    const StreamOptions& options = spec.options;
    c.out.clear();
    if (int dropped = AppendStreamHead(response, HttpDate(), chunked, c.out); dropped > 0) {
      spdlog::error("http: {} response header(s) for {} dropped: CR, LF or NUL in a name or value",
                    dropped, c.request.path);
    }
    Record(c.worker, route, c.request.method_text, c.request.target, response.status, 0,
           c.request.remote_address, headers_done, Clock::now());
    if (head || !StatusHasBody(response.status)) {
      auto write_head = WriteStream(c, c.out);
      co_await std::move(write_head);
      in_flight.Leave();
      co_return;
    }

    auto channel = std::make_shared<StreamChannel>(executor, options.max_queued_bytes);
    Timer wake(executor, Clock::time_point::max());
    channel->wake = &wake;
    c.stream = channel.get();
    if (stopping_.load(std::memory_order_relaxed)) {
      channel->End(StreamChannel::State::kEnding, StreamEnd::kShutdown);
    } else {
      try {
        spec.start(channel);
      } catch (const std::exception& e) {
        spdlog::error("http: stream start for {} threw: {}", c.request.path, e.what());
        channel->End(StreamChannel::State::kAborted, StreamEnd::kError);
      }
    }
    bool reader_running = true;
    auto reader = WatchPeer(c, channel, reader_running, wake);
    asio::co_spawn(executor, std::move(reader), asio::detached);

    const bool heartbeats = options.heartbeat_interval.count() > 0 && !options.heartbeat.empty();
    const Clock::time_point started = Clock::now();
    const Clock::time_point end_at = options.max_duration.count() > 0
                                         ? started + options.max_duration
                                         : Clock::time_point::max();
    Clock::time_point last_write = started;
    // The head (in c.out) goes out with what `start` queued at once (a server-sent event stream's
    // backlog): one write, so a client sees its stream open and the first events together.
    bool head_pending = true;
    std::string data;   // what producers queued, taken at once
    std::string frame;  // the head, then `data` as one chunk
    for (;;) {
      StreamChannel::State state = channel->Take(data);
      const bool aborted = state == StreamChannel::State::kAborted;
      const bool ending = state == StreamChannel::State::kEnding;
      if (aborted && !head_pending) break;
      if (head_pending || !data.empty() || ending) {
        frame.clear();
        if (head_pending) frame.append(c.out);
        if (!aborted) {
          if (!chunked) {
            frame.append(data);
          } else {
            if (!data.empty()) AppendChunk(data, frame);
            if (ending) frame.append("0\r\n\r\n");
          }
        }
        head_pending = false;
        auto write = WriteStream(c, frame);
        bool ok = co_await std::move(write);
        if (!ok) {
          channel->End(StreamChannel::State::kAborted,
                       c.timed_out ? StreamEnd::kWriteTimeout : StreamEnd::kClientGone);
          break;
        }
        if (aborted || ending) break;
        last_write = Clock::now();
        continue;
      }
      Clock::time_point until = end_at;
      if (heartbeats) until = std::min(until, last_write + options.heartbeat_interval);
      wake.expires_at(until);
      auto wait = wake.async_wait(kAsTuple);
      auto [ec] = co_await std::move(wait);
      if (ec) continue;  // woken: something was queued, or the stream ended
      Clock::time_point now = Clock::now();
      if (now >= end_at) {
        channel->End(StreamChannel::State::kEnding, StreamEnd::kMaxDuration);
      } else if (heartbeats && now >= last_write + options.heartbeat_interval) {
        channel->QueueHeartbeat(options.heartbeat);
      }
    }

    StreamEnd why = channel->Finish();
    channel->wake = nullptr;
    c.stream = nullptr;
    StreamEnds(why).Inc();
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (why == StreamEnd::kTooSlow || why == StreamEnd::kWriteTimeout) {
      spdlog::warn("http: stream {} {} dropped after {:.1f} s: the client did not keep up ({})",
                   c.request.method_text, c.request.target, seconds,
                   kStreamEndNames[static_cast<size_t>(why)]);
    } else {
      spdlog::debug("http: stream {} {} ended after {:.1f} s ({})", c.request.method_text,
                    c.request.target, seconds, kStreamEndNames[static_cast<size_t>(why)]);
    }
    // The reader refers to this frame (`reader_running`, `wake`) and to `c`: it must be done first.
    if (reader_running) {
      error_code ignored;
      c.socket.cancel(ignored);
      while (reader_running) {
        wake.expires_at(Clock::time_point::max());
        auto wait = wake.async_wait(kAsTuple);
        auto [ec] = co_await std::move(wait);
        (void)ec;
      }
    }
    in_flight.Leave();
  }

  // While a stream is sent: reads (and drops) whatever the client sends, so that its closing the
  // connection is noticed at once and the stream closes (its producers stop) instead of waiting for
  // a write to fail. Ends when the read fails (EOF, reset, or cancelled by ServeStream), then wakes
  // ServeStream through `wake`.
  static Task<void> WatchPeer(Connection& c, std::shared_ptr<StreamChannel> channel, bool& running,
                              Timer& wake) {
    std::array<char, 512> scratch;
    for (;;) {
      auto read = c.socket.async_read_some(asio::buffer(scratch), kAsTuple);
      auto [ec, bytes] = co_await std::move(read);
      (void)bytes;
      if (ec) break;
    }
    channel->End(StreamChannel::State::kAborted, StreamEnd::kClientGone);
    running = false;
    wake.cancel();
  }

  // Writes stream bytes: at once what the socket takes, the rest within read_timeout (shorter once
  // shutdown has begun).
  Task<bool> WriteStream(Connection& c, std::string_view bytes) {
    Outgoing out;
    out.parts[0] = asio::buffer(bytes);
    if (!WriteNow(c.socket, out)) co_return false;
    if (out.Remaining() == 0) co_return true;
    std::chrono::milliseconds timeout = options_.read_timeout;
    if (stopping_.load(std::memory_order_relaxed))
      timeout = std::min(timeout, kStreamShutdownWrite);
    auto rest = WriteRest(c, out, timeout);
    co_return co_await std::move(rest);
  }

  // `data` as one HTTP/1.1 chunk: its length in hex, CRLF, the bytes, CRLF.
  static void AppendChunk(std::string_view data, std::string& out) {
    char hex[20];
    auto [end, ec] = std::to_chars(hex, hex + sizeof hex, data.size(), 16);
    (void)ec;  // 16 hex digits always suffice for a size_t
    out.append(hex, end);
    out.append("\r\n");
    out.append(data);
    out.append("\r\n");
  }

  Counter& StreamEnds(StreamEnd why) {
    return metrics_.GetCounter(
        "starling_http_stream_ends_total", "Streaming responses ended, by reason.",
        {{"reason", std::string(kStreamEndNames[static_cast<size_t>(why)])}});
  }

  static Response CallInline(const Handler& handler, Request& request) {
    try {
      return handler(request);
    } catch (const std::exception& e) {
      spdlog::error("http: handler for {} threw: {}", request.path, e.what());
      return Response::FromError(Error::Internal("the server failed to handle this request"));
    }
  }

  // A synchronous handler that may block (Dispatch::kBlocking): runs on the blocking pool, so this
  // I/O thread serves its other connections meanwhile.
  Task<Response> CallBlocking(const Handler& handler, Request& request) {
    const Handler* h = &handler;
    AsyncHandler on_pool = [this, h](Request& r, Reply reply) {
      asio::post(blocking_pool_, [h, &r, reply = std::move(reply)] {
        try {
          reply((*h)(r));
        } catch (const std::exception& e) {
          spdlog::error("http: handler for {} threw: {}", r.path, e.what());
          reply(Response::FromError(Error::Internal("the server failed to handle this request")));
        }
      });
    };
    auto call = CallAsync(on_pool, request);
    co_return co_await std::move(call);
  }

  // An async handler answers through its Reply, from any thread, possibly later.
  Task<Response> CallAsync(const AsyncHandler& handler, Request& request) {
    Executor executor = co_await asio::this_coro::executor;
    auto state = std::make_shared<ReplyState>(executor);
    {
      auto sender = std::make_shared<ReplySender>(state);
      Reply reply = [sender](Response r) { sender->Send(std::move(r)); };
      try {
        handler(request, std::move(reply));
      } catch (const std::exception& e) {
        spdlog::error("http: handler for {} threw: {}", request.path, e.what());
        sender->Send(
            Response::FromError(Error::Internal("the server failed to handle this request")));
      }
    }
    {
      std::lock_guard lock(state->mutex);
      if (state->response) co_return std::move(*state->response);
    }
    auto wait = asio::async_initiate<const asio::use_awaitable_t<Executor>, void()>(
        AwaitReply{state}, asio::use_awaitable_t<Executor>{});
    co_await std::move(wait);
    std::lock_guard lock(state->mutex);
    co_return std::move(*state->response);
  }

  // Writes the rest of a response the socket did not take at once, within read_timeout (or
  // `timeout`).
  Task<bool> WriteRest(Connection& c, Outgoing out) {
    auto rest = WriteRest(c, out, options_.read_timeout);
    co_return co_await std::move(rest);
  }
  Task<bool> WriteRest(Connection& c, Outgoing out, std::chrono::milliseconds timeout) {
    c.deadline = Clock::now() + timeout;
    c.waiting = true;
    c.timed_out = false;
    auto write = asio::async_write(c.socket, out.parts, kAsTuple);
    auto [ec, bytes] = co_await std::move(write);
    (void)bytes;
    c.waiting = false;
    co_return !ec;
  }

  Task<bool> WriteAll(Connection& c, std::string_view first, std::string_view second) {
    Outgoing out;
    out.parts[0] = asio::buffer(first);
    out.parts[1] = asio::buffer(second);
    if (!WriteNow(c.socket, out)) co_return false;
    if (out.Remaining() == 0) co_return true;
    auto rest = WriteRest(c, out);
    co_return co_await std::move(rest);
  }

  // Answers a request the server refuses before any handler (431, 413, 408, malformed 400), then
  // closes. The request stops counting as in flight once the answer is written.
  Task<void> SendRejection(Connection& c, InFlight& in_flight, int status, std::string_view code,
                           std::string message) {
    Clock::time_point started = Clock::now();
    json::object inner{{"code", code}, {"message", message}};
    Response response = Response::Json(status, json::object{{"error", std::move(inner)}});
    std::string head;
    AppendResponseHead(response, HttpDate(), Persistence::kClose, head);
    Record(c.worker, kRouteRejected, "-", "-", status, response.body.size(), "-", started,
           Clock::now());
    auto write = WriteAll(c, head, response.body);
    bool written = co_await std::move(write);
    in_flight.Leave();
    if (written) {
      auto linger = DiscardUntilClosed(c);
      co_await std::move(linger);
    }
  }

  // After an error answer: half-closes and reads (and drops) what the client still sends for a
  // short while, so closing with unread data does not reset the connection before the client has
  // read the answer (RFC 9112 9.6).
  Task<void> DiscardUntilClosed(Connection& c) {
    error_code ec;
    c.socket.shutdown(tcp::socket::shutdown_send, ec);
    if (ec) co_return;
    c.idle = true;  // nothing more to answer: shutdown may cut this short
    c.deadline = Clock::now() + std::min<std::chrono::milliseconds>(options_.read_timeout,
                                                                    std::chrono::seconds(2));
    size_t discarded = 0;
    while (discarded < 1024 * 1024) {
      c.in.Consume(c.in.data().size());
      c.waiting = true;
      auto read = c.socket.async_read_some(c.in.Prepare(), kAsTuple);
      auto [read_ec, bytes] = co_await std::move(read);
      c.waiting = false;
      if (read_ec) break;
      discarded += bytes;
      c.in.Commit(bytes);
    }
  }

  void Record(Worker& worker, std::string_view route, std::string_view method,
              std::string_view target, int status, size_t body_bytes, std::string_view remote,
              Clock::time_point started, Clock::time_point done) {
    double seconds = std::chrono::duration<double>(done - started).count();
    auto [it, inserted] = worker.series.try_emplace(SeriesKey{route.data(), route.size(), status});
    Series& series = it->second;
    if (inserted) {
      std::string route_label(route);
      series.requests =
          &metrics_.GetCounter("starling_http_requests_total", "HTTP requests by route and status.",
                               {{"route", route_label}, {"status", std::to_string(status)}});
      series.latency = &metrics_.GetHistogram(
          "starling_http_request_duration_seconds",
          "HTTP request latency from the end of the request headers to the response.",
          {{"route", route_label}});
    }
    series.requests->Inc();
    series.latency->Observe(seconds);
    if (options_.access_log) {
      spdlog::info("http {} {} {} {:.3f}ms {}B {}", method, target, status, seconds * 1e3,
                   body_bytes, remote);
    }
  }

  ServerOptions options_;
  const Router& router_;
  MetricsRegistry& metrics_;
  StaticFiles* static_files_;
  asio::thread_pool blocking_pool_;
  // The I/O objects below run on workers_[0] and are destroyed before it.
  std::vector<std::unique_ptr<Worker>> workers_;
  Acceptor acceptor_;
  SignalSet signals_;
  Timer drain_timer_;
  std::chrono::milliseconds sweep_period_{1000};
  uint16_t port_ = 0;
  bool signals_installed_ = false;
  std::atomic<bool> stopping_{false};
  Clock::time_point shutdown_deadline_;
};

HttpServer::HttpServer(ServerOptions options, const Router& router, MetricsRegistry& metrics,
                       StaticFiles* static_files)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics, static_files)) {}
HttpServer::~HttpServer() = default;
Status HttpServer::Start() { return impl_->Start(); }
uint16_t HttpServer::port() const { return impl_->port(); }
void HttpServer::HandleSignals(std::function<void(int)> on_signal) {
  impl_->HandleSignals(std::move(on_signal));
}
void HttpServer::Run(bool handle_signals, std::function<void(int)> on_signal) {
  impl_->Run(handle_signals, std::move(on_signal));
}
void HttpServer::Shutdown() { impl_->Shutdown(); }

}  // namespace starling::http
