// RequestParser: turns the bytes of a connection into Requests, one at a time, with size limits.
//
// Beast's basic_parser does the parsing; this header keeps Beast out of its users. The parser
// writes into a Request that the caller owns and reuses for every request of a connection, so once
// its strings have grown a keep-alive connection parses without allocating. Fills method,
// method_text, target, headers (names lower-cased) and body; not path, query, remote_address or
// path_params (the server sets those).
//
//   RequestParser parser({.max_header_bytes = 16 * 1024, .max_body_bytes = 1 << 20});
//   parser.Start(&request);
//   size_t used = 0;
//   RequestParser::Status status = parser.Feed(bytes, &used);  // drop `used` bytes, then act on
//   status
//
// Not thread-safe: one parser per connection.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "http/request.h"

namespace starling::http {

class RequestParser final {
 public:
  struct Limits {
    uint64_t max_header_bytes = 16 * 1024;  // request line and header fields
    uint64_t max_body_bytes = 1024 * 1024;  // declared (Content-Length) or received (chunked)
  };
  enum class Status {
    kNeedMore,        // feed more bytes
    kComplete,        // the request is whole; bytes after it belong to the next request
    kHeaderTooLarge,  // the header block exceeds max_header_bytes (431)
    kBodyTooLarge,    // the body exceeds max_body_bytes (413)
    kMalformed,       // not HTTP/1.x (400); error_message() says why
  };

  explicit RequestParser(Limits limits);
  ~RequestParser();
  RequestParser(const RequestParser&) = delete;
  RequestParser& operator=(const RequestParser&) = delete;

  // Begins a new request, written into *request: the fields listed above are replaced, keeping
  // their capacity. `request` must stay valid until the next Start or the parser's destruction.
  void Start(Request* request);
  // Parses from the front of `bytes` (non-empty) and sets *used to the bytes consumed, which the
  // caller must drop before feeding the rest. After an error status, call Start before feeding
  // again.
  Status Feed(std::string_view bytes, size_t* used);
  // The peer closed the connection: kMalformed if a request had started ("partial message"),
  // otherwise kNeedMore (nothing was lost).
  Status FeedEof();

  bool started() const;      // some bytes of this request have been parsed
  bool header_done() const;  // the request line and headers are complete
  // Valid once header_done():
  bool keep_alive() const;  // the client keeps the connection (HTTP/1.1 default, or 1.0 keep-alive)
  int version() const;      // 10 or 11
  bool expects_continue() const;             // the request carries `Expect: 100-continue`
  const std::string& error_message() const;  // for kMalformed

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace starling::http
