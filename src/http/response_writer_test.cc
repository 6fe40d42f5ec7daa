#include "http/response_writer.h"

#include <gtest/gtest.h>

namespace starling::http {
namespace {

constexpr std::string_view kDate = "Thu, 26 Nov 2026 10:00:00 GMT";

std::string Head(const Response& response, Persistence persistence = Persistence::kKeepAlive) {
  std::string out;
  AppendResponseHead(response, kDate, persistence, out);
  return out;
}

TEST(ResponseWriterTest, JsonResponse) {
  Response response = Response::Json(200, json::object{{"status", "ok"}});
  EXPECT_EQ(Head(response),
            "HTTP/1.1 200 OK\r\n"
            "Server: Starling\r\n"
            "Date: Thu, 26 Nov 2026 10:00:00 GMT\r\n"
            "Content-Type: application/json\r\n"
            "Content-Length: 15\r\n"
            "\r\n");
}

TEST(ResponseWriterTest, ConnectionHeaderAndCustomHeaders) {
  Response response = Response::FromError(Error::NotFound("nope"));
  response.headers.emplace_back("Allow", "GET, HEAD");
  std::string close = Head(response, Persistence::kClose);
  EXPECT_TRUE(close.starts_with("HTTP/1.1 404 Not Found\r\n")) << close;
  EXPECT_NE(close.find("\r\nAllow: GET, HEAD\r\nConnection: close\r\nContent-Length: "),
            std::string::npos)
      << close;
  EXPECT_TRUE(close.ends_with("\r\n\r\n"));
  EXPECT_NE(Head(response, Persistence::kKeepAliveHttp10).find("\r\nConnection: keep-alive\r\n"),
            std::string::npos);
  EXPECT_EQ(Head(response).find("Connection:"), std::string::npos);
}

TEST(ResponseWriterTest, NoContentLengthWithoutABody) {
  EXPECT_EQ(
      Head(Response::NoContent()),
      "HTTP/1.1 204 No Content\r\nServer: Starling\r\nDate: Thu, 26 Nov 2026 10:00:00 GMT\r\n\r\n");
  Response not_modified{304, {}, {}, {}};
  EXPECT_EQ(Head(not_modified).find("Content-Length"), std::string::npos);
  Response empty{200, "text/plain", {}, {}};
  EXPECT_NE(Head(empty).find("\r\nContent-Length: 0\r\n"), std::string::npos);
}

TEST(ResponseWriterTest, HeadersThatWouldSplitTheResponseAreDropped) {
  Response response = Response::Text(200, "x");
  response.headers.emplace_back("Location", "/a\r\nSet-Cookie: evil=1");
  response.headers.emplace_back("Bad\nName", "v");
  response.headers.emplace_back("X-Fine", "yes");
  std::string out;
  EXPECT_EQ(AppendResponseHead(response, kDate, Persistence::kKeepAlive, out), 2);
  EXPECT_EQ(out.find("evil"), std::string::npos);
  EXPECT_EQ(out.find("Bad"), std::string::npos);
  EXPECT_NE(out.find("\r\nX-Fine: yes\r\n"), std::string::npos);
}

TEST(ResponseWriterTest, StreamHeads) {
  Response events = Response::Stream("text/event-stream; charset=utf-8", [](auto) {});
  std::string out;
  AppendStreamHead(events, kDate, /*chunked=*/true, out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\n"
            "Server: Starling\r\n"
            "Date: Thu, 26 Nov 2026 10:00:00 GMT\r\n"
            "Content-Type: text/event-stream; charset=utf-8\r\n"
            "Cache-Control: no-cache\r\n"
            "X-Accel-Buffering: no\r\n"
            "Connection: close\r\n"
            "Transfer-Encoding: chunked\r\n"
            "\r\n");

  // The handler's own Cache-Control wins; no proxy hint for other types; HTTP/1.0: no chunks.
  Response csv = Response::Stream("text/csv", [](auto) {});
  csv.headers.emplace_back("cache-control", "private, no-store");
  out.clear();
  AppendStreamHead(csv, kDate, /*chunked=*/false, out);
  EXPECT_NE(out.find("\r\ncache-control: private, no-store\r\n"), std::string::npos) << out;
  EXPECT_EQ(out.find("no-cache"), std::string::npos) << out;
  EXPECT_EQ(out.find("X-Accel-Buffering"), std::string::npos) << out;
  EXPECT_EQ(out.find("Transfer-Encoding"), std::string::npos) << out;
  EXPECT_EQ(out.find("Content-Length"), std::string::npos) << out;
  EXPECT_TRUE(out.ends_with("Connection: close\r\n\r\n")) << out;
}

TEST(ResponseWriterTest, ReasonPhrases) {
  EXPECT_EQ(ReasonPhrase(408), "Request Timeout");
  EXPECT_EQ(ReasonPhrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(ReasonPhrase(599), "Unknown");
}

}  // namespace
}  // namespace starling::http
