#include "http/request.h"

#include <gtest/gtest.h>

namespace starling::http {
namespace {

TEST(RequestTest, QueryParametersAreDecoded) {
  Request r;
  r.query = "a=1&name=J%C3%A9r%C3%B4me+D&empty=&flag";
  EXPECT_EQ(*r.QueryParam("a"), "1");
  EXPECT_EQ(*r.QueryParam("name"), "J\xC3\xA9r\xC3\xB4me D");
  EXPECT_EQ(*r.QueryParam("empty"), "");
  EXPECT_EQ(*r.QueryParam("flag"), "");
  EXPECT_FALSE(r.QueryParam("missing"));
}

TEST(RequestTest, PercentDecodeRejectsMalformedEscapes) {
  EXPECT_EQ(*PercentDecode("/a%20b"), "/a b");
  EXPECT_FALSE(PercentDecode("/a%2"));
  EXPECT_FALSE(PercentDecode("/a%zz"));
  EXPECT_FALSE(PercentDecode("%"));
}

TEST(RequestTest, HeadersByLowerCaseName) {
  Request r;
  r.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  EXPECT_EQ(*r.Header("content-type"), "application/json");
  EXPECT_EQ(*r.Header("x-a"), "1");
  EXPECT_FALSE(r.Header("authorization"));
}

TEST(RequestTest, ForwardedClientIsTheLastHopNoTrustedProxyVouchesFor) {
  auto trusted = [](std::string_view ip) { return ip == "10.0.0.1" || ip == "10.0.0.2"; };
  EXPECT_EQ(ForwardedClient("10.0.0.1", std::nullopt, trusted), "10.0.0.1");
  EXPECT_EQ(ForwardedClient("10.0.0.1", "203.0.113.7", trusted), "203.0.113.7");
  // Two proxies; the client wrote its own (false) entry at the left: it is not believed.
  EXPECT_EQ(ForwardedClient("10.0.0.1", "1.1.1.1, 203.0.113.7,10.0.0.2", trusted), "203.0.113.7");
  EXPECT_EQ(ForwardedClient("10.0.0.1", " 2001:db8::1 ", trusted), "2001:db8::1");
  EXPECT_EQ(ForwardedClient("10.0.0.1", "[2001:db8::1]", trusted), "2001:db8::1");
  // Every hop trusted: the leftmost.
  EXPECT_EQ(ForwardedClient("10.0.0.1", "10.0.0.2, 10.0.0.1", trusted), "10.0.0.2");
  // Not a list of addresses: the peer, never the text.
  EXPECT_EQ(ForwardedClient("10.0.0.1", "unknown", trusted), "10.0.0.1");
  EXPECT_EQ(ForwardedClient("10.0.0.1", "203.0.113.7,,", trusted), "10.0.0.1");
  EXPECT_EQ(ForwardedClient("10.0.0.1", "", trusted), "10.0.0.1");
}

TEST(ResponseTest, ErrorsMapToStatusesAndTheOneShape) {
  Response r = Response::FromError(Error::InvalidArgument("field `x`: expected string", "x"));
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.content_type, "application/json");
  EXPECT_EQ(r.body,
            R"({"error":{"code":"invalid_argument","message":"field `x`: expected string","field":"x"}})");
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kRateLimited), 429);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPayloadTooLarge), 413);
}

}  // namespace
}  // namespace starling::http
