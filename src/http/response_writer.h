// Response serialization: the status line and header block of a Response, written by hand into a
// buffer the connection reuses, so that a small response goes out in one write without Beast's
// serializer.
#pragma once

#include <string>
#include <string_view>

#include "http/request.h"

namespace starling::http {

// What the Connection header says.
enum class Persistence {
  kKeepAlive,        // nothing: HTTP/1.1 keeps the connection by default
  kKeepAliveHttp10,  // `Connection: keep-alive`, which an HTTP/1.0 client needs to keep it
  kClose,            // `Connection: close`: the server closes after this response
};

// Appends "HTTP/1.1 <status> <reason>", then Server, Date (`date`, an IMF-fixdate), Content-Type
// (when set), response.headers in order, Connection (see Persistence), Content-Length (the body's
// length, also for a HEAD request; none for 1xx, 204 and 304) and the blank line, to `out`. The
// body is not written. A header whose name or value contains CR, LF or NUL (a handler bug that
// would split the response) is left out; the return value counts such headers.
int AppendResponseHead(const Response& response, std::string_view date, Persistence persistence,
                       std::string& out);

// The head of a streaming response (Response::Stream): like AppendResponseHead, but without
// Content-Length; with `Transfer-Encoding: chunked` when `chunked` (an HTTP/1.1 client; for
// HTTP/1.0 the body ends with the connection); `Cache-Control: no-cache` unless response.headers
// has a Cache-Control; `X-Accel-Buffering: no` for `text/event-stream`; and always `Connection:
// close`.
int AppendStreamHead(const Response& response, std::string_view date, bool chunked,
                     std::string& out);

// Whether a response with this status carries a body at all (not 1xx, 204, 304).
bool StatusHasBody(int status);

// The reason phrase for a status code ("OK", "Not Found"); "Unknown" for codes it does not know.
std::string_view ReasonPhrase(int status);

}  // namespace starling::http
