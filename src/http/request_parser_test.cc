#include "http/request_parser.h"

#include <gtest/gtest.h>

namespace starling::http {
namespace {

using Status = RequestParser::Status;

// Feeds `bytes` in pieces of `step` bytes the way a connection would (unused bytes are fed again
// with the next piece). Returns the final status and how many bytes were left over after a complete
// request.
struct FeedResult {
  Status status;
  std::string rest;
};
FeedResult FeedInSteps(RequestParser& parser, std::string_view bytes, size_t step) {
  std::string buffer;
  size_t next = 0;
  for (;;) {
    size_t take = std::min(step, bytes.size() - next);
    buffer.append(bytes.substr(next, take));
    next += take;
    if (buffer.empty()) return {Status::kNeedMore, {}};
    size_t used = 0;
    Status status = parser.Feed(buffer, &used);
    buffer.erase(0, used);
    if (status != Status::kNeedMore) return {status, buffer + std::string(bytes.substr(next))};
    if (next == bytes.size()) return {status, buffer};
  }
}

TEST(RequestParserTest, ParsesARequestWithLowerCasedHeaders) {
  RequestParser parser({});
  Request request;
  parser.Start(&request);
  EXPECT_FALSE(parser.started());
  size_t used = 0;
  std::string bytes = "GET /a/b?x=1 HTTP/1.1\r\nHost: example\r\nX-Trace-ID: Abc\r\n\r\n";
  EXPECT_EQ(parser.Feed(bytes, &used), Status::kComplete);
  EXPECT_EQ(used, bytes.size());
  EXPECT_TRUE(parser.header_done());
  EXPECT_TRUE(parser.keep_alive());
  EXPECT_EQ(parser.version(), 11);
  EXPECT_FALSE(parser.expects_continue());
  EXPECT_EQ(request.method, Method::kGet);
  EXPECT_EQ(request.method_text, "GET");
  EXPECT_EQ(request.target, "/a/b?x=1");
  ASSERT_EQ(request.headers.size(), 2u);
  EXPECT_EQ(request.headers[0], (std::pair<std::string, std::string>{"host", "example"}));
  EXPECT_EQ(request.headers[1], (std::pair<std::string, std::string>{"x-trace-id", "Abc"}));
  EXPECT_EQ(request.Header("x-trace-id"), "Abc");
  EXPECT_TRUE(request.body.empty());
}

TEST(RequestParserTest, ByteByByteAndPipelined) {
  RequestParser parser({});
  Request request;
  std::string two =
      "POST /p HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello"
      "DELETE /d HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
  parser.Start(&request);
  FeedResult first = FeedInSteps(parser, two, 1);
  EXPECT_EQ(first.status, Status::kComplete);
  EXPECT_EQ(request.method, Method::kPost);
  EXPECT_EQ(request.body, "hello");

  // The same Request object is reused for the next request: nothing of the first one is left.
  parser.Start(&request);
  size_t used = 0;
  ASSERT_FALSE(first.rest.empty());
  EXPECT_EQ(parser.Feed(first.rest, &used), Status::kComplete);
  EXPECT_EQ(used, first.rest.size());
  EXPECT_EQ(request.method, Method::kDelete);
  EXPECT_EQ(request.target, "/d");
  EXPECT_TRUE(request.body.empty());
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0].first, "connection");
  EXPECT_EQ(parser.version(), 10);
  EXPECT_TRUE(parser.keep_alive());
}

TEST(RequestParserTest, KeepAliveRules) {
  struct Case {
    std::string bytes;
    bool keep_alive;
  };
  for (const Case& c : std::vector<Case>{
           {"GET / HTTP/1.1\r\n\r\n", true},
           {"GET / HTTP/1.1\r\nConnection: close\r\n\r\n", false},
           {"GET / HTTP/1.0\r\n\r\n", false},
           {"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true},
       }) {
    RequestParser parser({});
    Request request;
    parser.Start(&request);
    size_t used = 0;
    ASSERT_EQ(parser.Feed(c.bytes, &used), Status::kComplete) << c.bytes;
    EXPECT_EQ(parser.keep_alive(), c.keep_alive) << c.bytes;
  }
}

TEST(RequestParserTest, ChunkedBody) {
  RequestParser parser({});
  Request request;
  parser.Start(&request);
  std::string bytes =
      "POST /c HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n "
      "world\r\n0\r\n\r\n";
  EXPECT_EQ(FeedInSteps(parser, bytes, 7).status, Status::kComplete);
  EXPECT_EQ(request.body, "hello world");
}

TEST(RequestParserTest, ExpectContinueIsSeenOnceTheHeaderIsDone) {
  RequestParser parser({});
  Request request;
  parser.Start(&request);
  std::string header = "PUT /u HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n";
  size_t used = 0;
  EXPECT_EQ(parser.Feed(header, &used), Status::kNeedMore);
  EXPECT_EQ(used, header.size());
  EXPECT_TRUE(parser.started());
  EXPECT_TRUE(parser.header_done());
  EXPECT_TRUE(parser.expects_continue());
  EXPECT_EQ(parser.Feed("abc", &used), Status::kComplete);
  EXPECT_EQ(request.body, "abc");
}

TEST(RequestParserTest, Limits) {
  {
    RequestParser parser({.max_header_bytes = 1024, .max_body_bytes = 1024});
    Request request;
    parser.Start(&request);
    std::string big = "GET / HTTP/1.1\r\nX-Padding: " + std::string(2000, 'a') + "\r\n\r\n";
    EXPECT_EQ(FeedInSteps(parser, big, 100).status, Status::kHeaderTooLarge);
  }
  {
    RequestParser parser({.max_header_bytes = 1024, .max_body_bytes = 1024});
    Request request;
    parser.Start(&request);
    size_t used = 0;
    EXPECT_EQ(parser.Feed("POST / HTTP/1.1\r\nContent-Length: 1025\r\n\r\n", &used),
              Status::kBodyTooLarge);
  }
  {
    RequestParser parser({.max_header_bytes = 1024, .max_body_bytes = 1024});
    Request request;
    parser.Start(&request);
    std::string chunked = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n400\r\n" +
                          std::string(1024, 'x') + "\r\n1\r\ny\r\n0\r\n\r\n";
    EXPECT_EQ(FeedInSteps(parser, chunked, 512).status, Status::kBodyTooLarge);
  }
}

TEST(RequestParserTest, MalformedAndPartial) {
  RequestParser parser({});
  Request request;
  parser.Start(&request);
  size_t used = 0;
  EXPECT_EQ(parser.Feed("THIS IS NOT HTTP\r\n\r\n", &used), Status::kMalformed);
  EXPECT_FALSE(parser.error_message().empty());

  parser.Start(&request);
  EXPECT_EQ(parser.FeedEof(), Status::kNeedMore);  // nothing started: a clean close
  EXPECT_EQ(parser.Feed("GET / HTTP/1.1\r\nHo", &used), Status::kNeedMore);
  EXPECT_EQ(parser.FeedEof(), Status::kMalformed);
  EXPECT_NE(parser.error_message().find("partial"), std::string::npos) << parser.error_message();
}

}  // namespace
}  // namespace starling::http
