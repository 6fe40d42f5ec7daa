#include "http/router.h"

#include <gtest/gtest.h>

namespace starling::http {
namespace {

Response Call(const RouteMatch& match, Request& request) {
  Response out;
  (*match.handler)(request, [&](Response r) { out = std::move(r); });
  return out;
}

TEST(RouterTest, MatchesLiteralAndParameterSegments) {
  Router router;
  router.Get("/healthz", [](Request&) { return Response::Text(200, "ok"); });
  router.Get("/api/v1/stores/{store_id}/contacts/{contact_id}", [](Request& r) {
    return Response::Text(200, std::string(r.PathParam("store_id")) + "/" +
                                   std::string(r.PathParam("contact_id")));
  });
  Request request;
  request.path = "/api/v1/stores/s1/contacts/c9";
  RouteMatch match = router.Match(request);
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.pattern, "/api/v1/stores/{store_id}/contacts/{contact_id}");
  EXPECT_EQ(Call(match, request).body, "s1/c9");

  Request health;
  health.path = "/healthz";
  EXPECT_NE(router.Match(health).handler, nullptr);
  Request trailing;
  trailing.path = "/healthz/";
  EXPECT_NE(router.Match(trailing).handler, nullptr);
}

TEST(RouterTest, LiteralWinsOverParameter) {
  Router router;
  router.Get("/api/v1/stores/{id}", [](Request&) { return Response::Text(200, "param"); });
  router.Get("/api/v1/stores/current", [](Request&) { return Response::Text(200, "literal"); });
  Request request;
  request.path = "/api/v1/stores/current";
  EXPECT_EQ(Call(router.Match(request), request).body, "literal");
}

TEST(RouterTest, UnknownPathAndWrongMethod) {
  Router router;
  router.Get("/a", [](Request&) { return Response::NoContent(); });
  router.Post("/b", [](Request&) { return Response::NoContent(); });
  Request unknown;
  unknown.path = "/zzz";
  RouteMatch none = router.Match(unknown);
  EXPECT_EQ(none.handler, nullptr);
  EXPECT_FALSE(none.method_not_allowed);

  Request wrong;
  wrong.method = Method::kDelete;
  wrong.path = "/b";
  RouteMatch m = router.Match(wrong);
  EXPECT_EQ(m.handler, nullptr);
  EXPECT_TRUE(m.method_not_allowed);
  ASSERT_EQ(m.allowed.size(), 1u);
  EXPECT_EQ(m.allowed[0], Method::kPost);
}

TEST(RouterTest, AllowedMethodsIncludeHeadWhereGetIsServed) {
  Router router;
  router.Get("/a", [](Request&) { return Response::NoContent(); });
  router.Post("/a", [](Request&) { return Response::NoContent(); });
  router.Get("/stores/{id}", [](Request&) { return Response::NoContent(); });
  router.Get("/stores/current", [](Request&) { return Response::NoContent(); });
  Request wrong;
  wrong.method = Method::kDelete;
  wrong.path = "/a";
  RouteMatch m = router.Match(wrong);
  EXPECT_TRUE(m.method_not_allowed);
  EXPECT_EQ(m.allowed, (std::vector<Method>{Method::kGet, Method::kHead, Method::kPost}));

  // Two GET routes match this path: GET and HEAD are listed once each.
  Request twice;
  twice.method = Method::kPut;
  twice.path = "/stores/current";
  EXPECT_EQ(router.Match(twice).allowed, (std::vector<Method>{Method::kGet, Method::kHead}));
}

TEST(RouterTest, HeadFallsBackToGet) {
  Router router;
  router.Get("/a", [](Request&) { return Response::Text(200, "x"); });
  Request head;
  head.method = Method::kHead;
  head.path = "/a";
  EXPECT_NE(router.Match(head).handler, nullptr);
}

TEST(RouterDeathTest, DuplicateRouteIsABug) {
  Router router;
  router.Get("/a", [](Request&) { return Response::NoContent(); });
  EXPECT_DEATH(router.Get("/a", [](Request&) { return Response::NoContent(); }), "route added twice");
}

}  // namespace
}  // namespace starling::http
