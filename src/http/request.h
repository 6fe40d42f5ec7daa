// Request and Response: the HTTP types handlers see. Plain structs, no Beast, so every module above
// http/ (api/ handlers, tests) can use them without pulling in the networking headers.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace starling::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view MethodName(Method method);

struct Request {
  Method method = Method::kGet;
  std::string method_text;  // as sent, for logs ("GET", "PROPFIND")
  std::string target;       // as sent: path + query
  std::string path;         // percent-decoded path, without the query
  std::string query;        // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in arrival order
  std::string body;
  // The client's IP, as text: the peer's, or behind a trusted reverse proxy the one the proxy saw
  // (ServerOptions::trusted_proxy).
  std::string remote_address;
  // Filled by the router: values of `{name}` segments of the matched route.
  std::vector<std::pair<std::string, std::string>> path_params;

  // First header with this (lower-case) name, if any.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  // Value of a path parameter; empty if the route has none by that name.
  std::string_view PathParam(std::string_view name) const;
  // First query parameter with this name, percent-decoded.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

// The body of a streaming response (Response::Stream), written while the response is being sent.
//
// Threading: every member may be called from any thread, at any time, also after the client has
// gone and after the HttpServer has stopped (they then do nothing). Write never blocks: it queues
// the bytes and the connection's I/O thread sends them, in the order they were queued.
//
// Lifetime: the server and the producers share the stream (shared_ptr, since either may be the last
// to let go). It closes, for good, when the producer calls Close(), when the client disconnects,
// when the client does not keep up (more than StreamOptions::max_queued_bytes unsent, or a write
// that takes longer than ServerOptions::read_timeout), when StreamOptions::max_duration is over,
// and when the server shuts down. Producers learn of it through Write returning false, closed(), or
// OnClose.
class ResponseStream {
 public:
  virtual ~ResponseStream() = default;

  // Queues `chunk` (any bytes; an empty one does nothing). False once the stream is closed: the
  // chunk is dropped, and so will every later one be. A chunk that would take the unsent bytes past
  // max_queued_bytes closes the stream instead (the connection is dropped, without the last chunk).
  virtual bool Write(std::string chunk) = 0;
  // Ends the stream after the chunks already queued (a clean end: the terminating chunk is sent).
  // Idempotent.
  virtual void Close() = 0;
  virtual bool closed() const = 0;
  // Calls `callback` once when the stream closes, for whatever reason, on the thread that closes it
  // (the caller of Close, or a server thread); at once, on this thread, if it is closed already.
  // Keep it short and never block in it: it may run on an I/O thread. Unsubscribe producers here.
  virtual void OnClose(std::function<void()> callback) = 0;
};

// Starts a stream: called once, on the connection's I/O thread, just before the response head is
// sent; what it writes at once goes out with the head. It must not block: it hands `stream` to
// whatever produces the chunks (a subscription, a timer) and returns. It is not called for a HEAD
// request, nor when the server is already shutting down.
using StreamStart = std::function<void(std::shared_ptr<ResponseStream> stream)>;

struct StreamOptions {
  // Written by the server itself when nothing else was written for this long (zero: never), e.g.
  // ": ping\n\n" for server-sent events, so that proxies keep an idle stream open and a client that
  // has gone without closing its connection is noticed.
  std::chrono::milliseconds heartbeat_interval{0};
  std::string heartbeat;
  // The stream ends cleanly after this long (zero: never). A client that wants more reconnects, and
  // is authenticated again: a revoked session does not keep a stream open for ever.
  std::chrono::milliseconds max_duration{0};
  // Unsent bytes a stream may hold before it is closed as too slow a reader.
  size_t max_queued_bytes = 1024 * 1024;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header (e.g. 204)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set by Response::Stream: the body is a stream, and `body` is ignored.
  struct StreamSpec {
    StreamStart start;
    StreamOptions options;
  };
  std::shared_ptr<const StreamSpec> stream;

  static Response Json(int status, const json::value& value);
  static Response Text(int status, std::string text,
                       std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent() { return Response{204, {}, {}, {}}; }
  // The API's one error shape with the status its code maps to.
  static Response FromError(const Error& error);
  // A 200 whose body is written as it is produced (server-sent events, a long export): `start` gets
  // the stream, and the head goes out at once (with what `start` wrote meanwhile), without
  // Content-Length, with `Transfer-Encoding: chunked` (HTTP/1.0 clients: the end of the body is the
  // end of the connection), `Cache-Control: no-cache` unless `headers` set one, and for
  // `text/event-stream` also `X-Accel-Buffering: no`, so proxies pass each chunk on at once. The
  // connection closes when the stream ends. Handlers may add headers to the returned response.
  static Response Stream(std::string content_type, StreamStart start, StreamOptions options = {});
};

// The one mapping from error codes to HTTP statuses.
int HttpStatusFor(ErrorCode code);

// The client's address of a request that came through trusted reverse proxies: walking the
// `X-Forwarded-For` list (`forwarded_for`, "client, proxy1, proxy2") from the right, the first entry
// that `trusted` refuses — the last hop no trusted proxy vouches for, since a client can put anything
// at the left. `peer` when there is no such header or it is malformed; the leftmost entry when every
// entry is trusted.
std::string ForwardedClient(std::string_view peer, std::optional<std::string_view> forwarded_for,
                            const std::function<bool(std::string_view)>& trusted);

// Percent-decodes `text` ('+' kept as is); nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text);

}  // namespace starling::http
