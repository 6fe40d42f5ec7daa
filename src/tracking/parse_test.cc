#include "tracking/parse.h"

#include "base/json.h"

#include <fmt/format.h>

#include <gtest/gtest.h>

#include <random>

namespace starling::tracking {
namespace {

TEST(ScriptPayloadTest, WholeRequestErrors) {
  EXPECT_EQ(ParseScriptPayload("").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(ParseScriptPayload("[1]").error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(ParseScriptPayload("{\"events\": [").error().message.find("not valid JSON"), std::string::npos);
  std::string many = "{\"events\":[";
  for (int i = 0; i < 101; ++i) many += std::string(i ? "," : "") + "{\"type\":\"page-visit\"}";
  many += "]}";
  auto too_many = ParseScriptPayload(many);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().code, ErrorCode::kPayloadTooLarge);
  EXPECT_TRUE(ParseScriptPayload("{}"));
}

TEST(ScriptPayloadTest, CartNeedsItsIdAndValidLines) {
  auto no_id = ParseScriptPayload(R"({"cart":{"products":[]}})");
  ASSERT_TRUE(no_id);
  EXPECT_FALSE(no_id->cart);
  ASSERT_EQ(no_id->errors.size(), 1u);
  EXPECT_EQ(no_id->errors[0].field, "cart.cartId");
  auto bad_line = ParseScriptPayload(
      R"({"cart":{"cartId":"c","products":[{"productId":"a","name":"A","url":"https://x.example/a","unitPrice":1,"quantity":-1}]}})");
  ASSERT_TRUE(bad_line);
  EXPECT_FALSE(bad_line->cart);
  EXPECT_EQ(bad_line->errors[0].field, "cart.products[0].quantity");
  auto ok = ParseScriptPayload(
      R"({"cart":{"cartId":7,"products":[{"productId":"a","name":"A","url":"https://x.example/a","unitPrice":2,"quantity":3}]}})");
  ASSERT_TRUE(ok && ok->cart);
  EXPECT_EQ(ok->cart->cart_id, "7");
  EXPECT_DOUBLE_EQ(ok->cart->total_price, 6);
  EXPECT_DOUBLE_EQ(ok->cart->total_quantity, 3);
}

TEST(ScriptPayloadTest, ProductUrlMustBeAbsolute) {
  auto r = ParseScriptPayload(
      R"({"events":[{"type":"product-visited","product":{"productId":"a","name":"A","url":"/a","unitPrice":1}}]})");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->events.empty());
  EXPECT_EQ(r->errors[0].field, "events[0].product.url");
}

// PushSubscription.toJSON() of a Chrome browser (keys: 65 and 16 bytes in base64url).
constexpr std::string_view kP256dh =
    "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
constexpr std::string_view kAuth = "tBHItJI5svbpez7KI4CCXg";

std::string PushPayload(std::string_view subscription) {
  return fmt::format(R"({{"pushSubscription":{},"events":[{{"type":"page-visit"}}]}})", subscription);
}

TEST(ScriptPayloadTest, PushSubscription) {
  auto ok = ParseScriptPayload(PushPayload(fmt::format(
      R"({{"endpoint":"https://fcm.googleapis.com/fcm/send/abc:123","expirationTime":null,"keys":{{"p256dh":"{}","auth":"{}","extra":1}}}})",
      kP256dh, kAuth)));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->errors.empty()) << ok->errors[0].message;
  ASSERT_TRUE(ok->push_subscription);
  EXPECT_EQ(ok->push_subscription->endpoint, "https://fcm.googleapis.com/fcm/send/abc:123");
  EXPECT_EQ(ok->push_subscription->p256dh, kP256dh);
  EXPECT_EQ(ok->push_subscription->auth, kAuth);
  // Standard base64 with padding is accepted too; null is the same as absent.
  auto padded = ParseScriptPayload(PushPayload(fmt::format(
      R"({{"endpoint":"https://push.example/x","keys":{{"p256dh":"{}=","auth":"{}=="}}}})", kP256dh, kAuth)));
  ASSERT_TRUE(padded && padded->push_subscription);
  auto null = ParseScriptPayload(PushPayload("null"));
  ASSERT_TRUE(null);
  EXPECT_FALSE(null->push_subscription);
  EXPECT_TRUE(null->errors.empty());

  // Refused: only the subscription is dropped, with an error naming the field; the events are kept.
  const std::string keys = fmt::format(R"("keys":{{"p256dh":"{}","auth":"{}"}})", kP256dh, kAuth);
  const std::vector<std::pair<std::string, std::string>> refused = {
      {R"("https://push.example/x")", "pushSubscription"},
      {"{" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"http://push.example/x",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"/push/x",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":" https://push.example/x",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":42,)" + keys + "}", "pushSubscription.endpoint"},
      // Not a public push service: the server will send to it.
      {R"({"endpoint":"https://127.0.0.1/push",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"https://[::1]/push",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"https://localhost:8443/push",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"https://intranet/push",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"https://printer.local/push",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"https://metadata.google.internal/push",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"https://me@push.example/x",)" + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"https://push.example/)" + std::string(2100, 'a') + "\"," + keys + "}", "pushSubscription.endpoint"},
      {R"({"endpoint":"https://push.example/x"})", "pushSubscription.keys"},
      {R"({"endpoint":"https://push.example/x","keys":"abc"})", "pushSubscription.keys"},
      {fmt::format(R"({{"endpoint":"https://push.example/x","keys":{{"auth":"{}"}}}})", kAuth), "pushSubscription.keys.p256dh"},
      {fmt::format(R"({{"endpoint":"https://push.example/x","keys":{{"p256dh":"{}"}}}})", kP256dh), "pushSubscription.keys.auth"},
      {fmt::format(R"({{"endpoint":"https://push.example/x","keys":{{"p256dh":"{}","auth":"{}"}}}})", kP256dh.substr(4), kAuth),
       "pushSubscription.keys.p256dh"},
      {fmt::format(R"({{"endpoint":"https://push.example/x","keys":{{"p256dh":"{}","auth":"abc"}}}})", kP256dh),
       "pushSubscription.keys.auth"},
      {fmt::format(R"({{"endpoint":"https://push.example/x","keys":{{"p256dh":"{}","auth":"{}!"}}}})", kP256dh,
                   kAuth.substr(1)),
       "pushSubscription.keys.auth"},
      {fmt::format(R"({{"endpoint":"https://push.example/x","keys":{{"p256dh":"{}","auth":7}}}})", kP256dh),
       "pushSubscription.keys.auth"},
  };
  for (const auto& [subscription, field] : refused) {
    auto r = ParseScriptPayload(PushPayload(subscription));
    ASSERT_TRUE(r) << subscription;
    EXPECT_FALSE(r->push_subscription) << subscription;
    ASSERT_EQ(r->errors.size(), 1u) << subscription;
    EXPECT_EQ(r->errors[0].index, -1) << subscription;
    EXPECT_EQ(r->errors[0].field, field) << subscription;
    EXPECT_TRUE(r->errors[0].message.starts_with(field + ": ")) << r->errors[0].message;
    EXPECT_EQ(r->events.size(), 1u) << subscription;
  }
  auto http = ParseScriptPayload(PushPayload(R"({"endpoint":"http://push.example/x",)" + keys + "}"));
  EXPECT_EQ(http->errors[0].message,
            "pushSubscription.endpoint: expected the https URL of a push service, got \"http://push.example/x\"");
  auto short_key = ParseScriptPayload(PushPayload(fmt::format(
      R"({{"endpoint":"https://push.example/x","keys":{{"p256dh":"abcd","auth":"{}"}}}})", kAuth)));
  EXPECT_EQ(short_key->errors[0].message,
            "pushSubscription.keys.p256dh: expected the browser's P-256 public key (65 bytes) in base64url, got \"abcd\"");
}

TEST(ScriptPayloadTest, ForeignProductUrlsStayOutOfTheCatalog) {
  const std::vector<std::string> domains = {"shop.example"};
  auto r = ParseScriptPayload(
      R"({"cart":{"cartId":"c","products":[{"productId":"a","name":"A","url":"https://shop.example/a","unitPrice":1},)"
      R"({"productId":"b","name":"B","url":"https://evil.example/b","unitPrice":1}]},)"
      R"("events":[{"type":"page-visit"},{"type":"purchase","purchase":{"purchaseId":"o","products":[)"
      R"({"productId":"c","name":"C","url":"https://evil.example/c","unitPrice":1}]}}]})",
      {}, &domains);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->cart->lines.size(), 2u);  // kept in the cart
  EXPECT_TRUE(r->cart->lines[0].product.update_catalog);
  EXPECT_FALSE(r->cart->lines[1].product.update_catalog);
  ASSERT_EQ(r->events.size(), 2u);  // and the event kept
  ASSERT_EQ(r->events[1].products.size(), 1u);
  EXPECT_FALSE(r->events[1].products[0].update_catalog);
  ASSERT_EQ(r->errors.size(), 2u);
  EXPECT_EQ(r->errors[0].field, "cart.products[1].url");
  EXPECT_EQ(r->errors[1].field, "events[1].purchase.products[0].url");
  EXPECT_EQ(r->errors[1].index, 1);
  EXPECT_NE(r->errors[1].message.find("`https://evil.example/c` is not on an authorized domain"), std::string::npos)
      << r->errors[1].message;
}

// The subscriber's email goes with the event: the engine decides whose subscription it is (never the
// parser, which does not know whose tracker it is).
TEST(ScriptPayloadTest, NewsletterSubscriberTravelsWithTheEvent) {
  auto r = ParseScriptPayload(
      R"({"entityInfo":{"primaryKey":"ana@shop.example"},"events":[{"type":"newsletter-subscribe","email":"Bo@Shop.example"}]})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->keys.email, "ana@shop.example");
  EXPECT_TRUE(r->fields.empty());
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].subscriber_email, "bo@shop.example");
  auto without = ParseScriptPayload(R"({"events":[{"type":"newsletter-subscribe","email":"bo@shop.example"}]})");
  ASSERT_TRUE(without);
  EXPECT_TRUE(without->keys.email.empty());
  EXPECT_EQ(without->events[0].subscriber_email, "bo@shop.example");
}

TEST(RestPayloadTest, CustomEventNeedsAContact) {
  auto none = ParseCustomEvent("wishlist", R"({"payload":{}})", false);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().field, "email");
  auto ok = ParseCustomEvent("wishlist", R"({"email":"Ana@X.example","payload":{"sku":"1"}})", true);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->keys.email, "ana@x.example");
  EXPECT_TRUE(ok->create_contact);
  ASSERT_EQ(ok->events.size(), 1u);
  EXPECT_EQ(ok->events[0].data_json, R"({"eventId":"wishlist","payload":{"sku":"1"}})");
  EXPECT_EQ(ParseCustomEvent("w", R"({"email":"a@x.example","payload":[1]})", true).error().field, "payload");
}

TEST(RestPayloadTest, PurchaseWithoutTrigger) {
  auto p = ParsePurchase(R"({"email":"a@x.example","purchaseId":"o1","totalPrice":10,
                             "products":[{"productId":"a","name":"A","url":"https://x.example/a","unitPrice":10}]})",
                         false);
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->events.size(), 1u);
  EXPECT_EQ(p->events[0].type, "purchase");
  EXPECT_NE(p->events[0].data_json.find("\"triggerEvent\":false"), std::string::npos);
  EXPECT_EQ(ParsePurchase(R"({"purchaseId":"o1"})", true).error().field, "email");
  EXPECT_EQ(ParsePurchase(R"({"email":"a@x.example"})", true).error().field, "purchase.purchaseId");
}

TEST(RestPayloadTest, BatchGroupsConsecutiveEventsOfOneContact) {
  auto b = ParseEventBatch(R"({"events":[
      {"email":"a@x.example","type":"login"},
      {"email":"a@x.example","type":"search","searchText":"hat","occurredAt":"2026-01-02T03:04:05Z"},
      {"trackerId":"tracker-123","type":"page-visit"},
      {"email":"a@x.example","type":"bogus"}]})",
                           true);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->items, 4u);
  EXPECT_TRUE(b->refused.empty());
  const auto& batches = b->batches;
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].events.size(), 2u);
  EXPECT_GT(batches[0].events[1].occurred_at_us, 0);
  EXPECT_EQ(batches[1].keys.tracker_id, "tracker-123");
  EXPECT_EQ(batches[2].events.size(), 0u);
  EXPECT_EQ(batches[2].errors[0].field, "events[3].type");
}

// A purchase needs the scope purchases:write: without it, each purchase event is refused alone.
TEST(RestPayloadTest, BatchPurchasesNeedThePurchasesScope) {
  constexpr std::string_view kBody = R"({"events":[
      {"email":"a@x.example","type":"login"},
      {"email":"a@x.example","type":"purchase","purchase":{"purchaseId":"o-1","products":[
        {"productId":"P1","name":"Shoe","url":"https://a.example/p1","unitPrice":10,"quantity":1}]}},
      {"email":"a@x.example","type":"search","searchText":"hat"}]})";
  auto refused = ParseEventBatch(kBody, false);
  ASSERT_TRUE(refused) << refused.error().message;
  ASSERT_EQ(refused->batches.size(), 1u);
  const auto& batch = refused->batches[0];
  ASSERT_EQ(batch.events.size(), 2u);
  EXPECT_EQ(batch.events[0].type, "login");
  EXPECT_EQ(batch.events[1].type, "search");
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_EQ(batch.errors[0].index, 1);
  EXPECT_EQ(batch.errors[0].field, "events[1].type");
  EXPECT_NE(batch.errors[0].message.find("purchases:write"), std::string::npos);
  auto allowed = ParseEventBatch(kBody, true);
  ASSERT_TRUE(allowed);
  ASSERT_EQ(allowed->batches[0].events.size(), 3u);
  EXPECT_EQ(allowed->batches[0].events[1].type, "purchase");
  EXPECT_TRUE(allowed->batches[0].errors.empty());
}

// An event that names no contact, or names one wrongly, is refused alone; the others are kept.
TEST(RestPayloadTest, BatchRefusesOnlyTheEventsWithoutUsableKeys) {
  auto b = ParseEventBatch(R"({"events":[
      {"type":"login"},
      {"email":"a@x.example","type":"login"},
      {"email":"not an email","type":"login"},
      "login",
      {"trackerId":7,"type":"login"},
      {"email":"a@x.example","type":"register"}]})",
                           true);
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->items, 6u);
  ASSERT_EQ(b->refused.size(), 4u);
  EXPECT_EQ(b->refused[0].index, 0);
  EXPECT_EQ(b->refused[0].field, "events[0].email");
  EXPECT_NE(b->refused[0].message.find("say which contact each event is for with `email`, `contactId` or `trackerId`"),
            std::string::npos)
      << b->refused[0].message;
  EXPECT_EQ(b->refused[1].field, "events[2].email");
  EXPECT_EQ(b->refused[2].field, "events[3]");
  EXPECT_EQ(b->refused[2].message, "events[3]: expected an event object, got \"login\"");
  EXPECT_EQ(b->refused[3].field, "events[4].trackerId");
  // The two kept events of a@x.example: one batch (the refused ones between them are not in it).
  ASSERT_EQ(b->batches.size(), 1u);
  EXPECT_EQ(b->batches[0].events.size(), 2u);
}

// The Segment API takes the public tracking token too: products on other sites stay out of the catalog.
TEST(SegmentTest, ForeignProductUrlsStayOutOfTheCatalog) {
  const std::vector<std::string> domains = {"shop.example"};
  auto one = ParseSegment("track",
                          R"({"userId":"a@x.example","event":"Product Viewed","properties":{"product_id":"p","name":"P",)"
                          R"("price":3,"url":"https://phish.example/p"}})",
                          {}, &domains);
  ASSERT_TRUE(one) << one.error().message;
  ASSERT_EQ(one->batches.size(), 1u);
  ASSERT_EQ(one->batches[0].events.size(), 1u);  // the event is kept
  EXPECT_FALSE(one->batches[0].events[0].products[0].update_catalog);
  ASSERT_EQ(one->batches[0].errors.size(), 1u);
  EXPECT_EQ(one->batches[0].errors[0].field, "properties.url");
  EXPECT_EQ(one->batches[0].errors[0].index, 0);
  auto batch = ParseSegment("batch", R"({"batch":[{"type":"track","userId":"a@x.example","event":"Signed In"},
      {"type":"track","userId":"a@x.example","event":"Order Completed","properties":{"order_id":"o","products":[
        {"product_id":"q","name":"Q","price":1,"url":"https://shop.example/q"},
        {"product_id":"r","name":"R","price":1,"url":"https://phish.example/r"}]}}]})",
                            {}, &domains);
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_EQ(batch->batches.size(), 2u);
  const auto& order = batch->batches[1];
  EXPECT_TRUE(order.events[0].products[0].update_catalog);
  EXPECT_FALSE(order.events[0].products[1].update_catalog);
  ASSERT_EQ(order.errors.size(), 1u);
  EXPECT_EQ(order.errors[0].field, "batch[1].properties.products[1].url");
  EXPECT_EQ(order.errors[0].index, 1);
}

TEST(SegmentTest, TrackCallsMapToStarlingEvents) {
  auto batch = ParseSegment("batch", R"({"batch":[
    {"type":"identify","userId":"ana@x.example","anonymousId":"5d8e-uuid-anon","traits":{"firstName":"Ana","plan":"pro","address":{"city":"x"}}},
    {"type":"track","event":"Product Viewed","userId":"ana@x.example","properties":{"product_id":"p1","name":"Hat","price":12.5,"url":"https://x.example/hat"}},
    {"type":"track","event":"Product Added","userId":"ana@x.example","properties":{"cart_id":"c1","product_id":"p1","name":"Hat","price":12.5,"quantity":2,"url":"https://x.example/hat"}},
    {"type":"track","event":"Order Completed","userId":"ana@x.example","properties":{"order_id":"o-9","total":25,"products":[{"product_id":"p1","name":"Hat","price":12.5,"quantity":2,"url":"https://x.example/hat"}]}},
    {"type":"track","event":"Signed In","userId":"ana@x.example"},
    {"type":"track","event":"Video Played","anonymousId":"anon-123456","properties":{"id":"v1"}},
    {"type":"page","anonymousId":"anon-123456","properties":{"url":"https://x.example/","title":"Home"}}]})");
  ASSERT_TRUE(batch) << batch.error().message;
  const std::vector<TrackBatch>& calls = batch->batches;
  ASSERT_EQ(calls.size(), 7u);
  EXPECT_TRUE(batch->refused.empty());
  const auto& identify = calls[0];
  EXPECT_EQ(identify.keys.email, "ana@x.example");
  EXPECT_EQ(identify.keys.tracker_id, "5d8e-uuid-anon");
  ASSERT_EQ(identify.fields.size(), 2u);  // the nested address is left out
  EXPECT_EQ(calls[1].events[0].type, "product-visited");
  ASSERT_EQ(calls[2].cart_changes.size(), 1u);
  EXPECT_DOUBLE_EQ(calls[2].cart_changes[0].line.quantity, 2);
  EXPECT_EQ(calls[2].cart_changes[0].cart_id, "c1");
  ASSERT_TRUE(calls[3].events[0].purchase);
  EXPECT_EQ(calls[3].events[0].purchase->purchase_id, "o-9");
  EXPECT_DOUBLE_EQ(calls[3].events[0].purchase->total_price, 25);
  EXPECT_EQ(calls[4].events[0].type, "login");
  EXPECT_EQ(calls[5].events[0].type, "custom");
  EXPECT_EQ(calls[5].events[0].data_json, R"({"eventId":"Video Played","payload":{"id":"v1"}})");
  EXPECT_EQ(calls[6].events[0].type, "page-visit");
  EXPECT_EQ(calls[6].events[0].data_json, R"({"url":"https://x.example/","title":"Home"})");
}

TEST(SegmentTest, CallsWithoutIdentityAreRefused) {
  auto r = ParseSegment("track", R"({"event":"Signed In"})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.error().field, "userId");
  EXPECT_NE(r.error().message.find("needs a userId"), std::string::npos) << r.error().message;
}

TEST(SegmentTest, OneBadCallInABatchDropsOnlyItself) {
  auto r = ParseSegment("batch", R"({"batch":[
    {"type":"track","event":"Signed In","userId":"ana@x.example"},
    {"type":"track","event":"Order Completed","userId":"ana@x.example","properties":{"products":[]}},
    "not a call",
    {"type":"track","event":"Signed Up","anonymousId":"anon-123456"},
    {"event":"Signed Up","anonymousId":"anon-123456"},
    {"type":"identify","userId":"bo@x.example","traits":{"birthday":"31/02/99","_points":"many"}}]})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->items, 6u);
  ASSERT_EQ(r->batches.size(), 3u);
  EXPECT_EQ(r->batches[0].events[0].type, "login");
  EXPECT_EQ(r->batches[1].events[0].type, "register");
  ASSERT_EQ(r->refused.size(), 3u);
  EXPECT_EQ(r->refused[0].index, 1);
  EXPECT_EQ(r->refused[0].field, "batch[1].properties.order_id");
  EXPECT_EQ(r->refused[0].message, "batch[1].properties.order_id: Order Completed needs its order_id");
  EXPECT_EQ(r->refused[1].index, 2);
  EXPECT_EQ(r->refused[1].field, "batch[2]");
  EXPECT_EQ(r->refused[2].index, 4);
  EXPECT_EQ(r->refused[2].field, "batch[4].type");
  // A kept call's refused field is reported with the call's position.
  ASSERT_EQ(r->batches[2].errors.size(), 2u);
  EXPECT_EQ(r->batches[2].errors[0].index, 5);
  EXPECT_EQ(r->batches[2].errors[0].field, "batch[5].traits.birthday");
  EXPECT_EQ(r->batches[2].errors[1].index, 5);
  EXPECT_EQ(r->batches[2].errors[1].field, "batch[5].traits._points");

  auto none = ParseSegment("batch", R"({"batch":[{"type":"track","event":"Signed In"}]})");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->batches.empty());
  EXPECT_EQ(none->refused.size(), none->items);
}

TEST(SegmentTest, AliasAndGroupAreAcceptedAndIgnored) {
  auto alias = ParseSegment("alias", R"({"previousId":"anon-123456","userId":"a@x.example"})");
  ASSERT_TRUE(alias) << alias.error().message;
  EXPECT_TRUE(alias->batches.empty());
  EXPECT_TRUE(alias->refused.empty());
  auto batch = ParseSegment("batch", R"({"batch":[
    {"type":"group","groupId":"g1","userId":"a@x.example","traits":{"name":"Acme"}},
    {"type":"alias","previousId":"u-1","userId":"u-2"},
    {"type":"frobnicate","userId":"a@x.example"},
    {"type":"track","event":"Signed In","userId":"a@x.example"}]})");
  ASSERT_TRUE(batch) << batch.error().message;
  ASSERT_EQ(batch->batches.size(), 1u);
  ASSERT_EQ(batch->refused.size(), 1u);
  EXPECT_EQ(batch->refused[0].field, "batch[2].type");
  EXPECT_NE(batch->refused[0].message.find("`frobnicate`"), std::string::npos);
}

TEST(SegmentTest, ServerSideProductsNeedNoUrlNorPrice) {
  auto r = ParseSegment("track", R"({"event":"Order Completed","userId":"a@x.example","properties":{"order_id":"o-1","revenue":30,
      "products":[{"product_id":"p1","name":"Hat","quantity":2},
                  {"sku":"p2","name":"Scarf","price":10,"url":"https://x.example/scarf"}]}})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->batches.size(), 1u);
  const Event& e = r->batches[0].events.at(0);
  ASSERT_TRUE(e.purchase);
  ASSERT_EQ(e.purchase->lines.size(), 2u);
  EXPECT_DOUBLE_EQ(e.purchase->total_price, 30);
  EXPECT_EQ(e.purchase->lines[0].product.json, R"({"productId":"p1","name":"Hat"})");
  EXPECT_DOUBLE_EQ(e.purchase->lines[0].quantity, 2);
  EXPECT_FALSE(e.purchase->lines[0].product.update_catalog);
  EXPECT_TRUE(e.purchase->lines[1].product.update_catalog);
  ASSERT_EQ(e.products.size(), 2u);
  EXPECT_NE(e.data_json.find(R"("product":{"productId":"p1","name":"Hat"})"), std::string::npos) << e.data_json;

  // A product list does not take the page's url (a checkout page is not the product's page); a single
  // product does.
  auto browser = ParseSegment("batch", R"({"batch":[
    {"type":"track","event":"Cart Viewed","anonymousId":"anon-123456","context":{"page":{"url":"https://x.example/cart"}},
     "properties":{"cart_id":"c1","products":[{"product_id":"p1","name":"Hat","price":5}]}},
    {"type":"track","event":"Product Viewed","anonymousId":"anon-123456","context":{"page":{"url":"https://x.example/hat"}},
     "properties":{"product_id":"p1","name":"Hat","price":5}}]})");
  ASSERT_TRUE(browser) << browser.error().message;
  ASSERT_EQ(browser->batches.size(), 2u);
  ASSERT_TRUE(browser->batches[0].cart);
  EXPECT_TRUE(browser->batches[0].cart->lines.at(0).product.url.empty());
  EXPECT_EQ(browser->batches[1].events.at(0).products.at(0).url, "https://x.example/hat");

  // Still refused: a product without its id, with the field to fix.
  auto bad = ParseSegment("track", R"({"event":"Product Added","userId":"a@x.example","properties":{"name":"Hat"}})");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "properties.productId");
}

TEST(SegmentTest, AnEmailInTraitsMustBeAnEmail) {
  auto r = ParseSegment("track", R"({"event":"Signed In","userId":"cust-42","context":{"traits":{"email":"nope"}}})");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "context.traits.email");
}

// Times as clients write them: an offset is converted to UTC (analytics-python sends +00:00); an
// unreadable Segment timestamp is reported and the call kept at the time received.
TEST(SegmentTest, TimestampsWithOffsetsAndUnreadableOnes) {
  auto r = ParseSegment("track", R"({"event":"Signed In","userId":"a@x.example","timestamp":"2026-01-01T02:00:00.5+02:00"})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->batches[0].events.size(), 1u);
  EXPECT_EQ(r->batches[0].events[0].occurred_at_us, int64_t{1'767'225'600} * 1'000'000 + 500'000);  // 2026-01-01T00:00:00.5Z
  EXPECT_TRUE(r->batches[0].errors.empty());
  auto odd = ParseSegment("track", R"({"event":"Signed In","userId":"a@x.example","timestamp":"yesterday"})");
  ASSERT_TRUE(odd) << odd.error().message;
  ASSERT_EQ(odd->batches[0].errors.size(), 1u);
  EXPECT_EQ(odd->batches[0].events_refused, 0u);  // a field of the call, not an event refused
  EXPECT_EQ(odd->batches[0].errors[0].field, "timestamp");
  EXPECT_EQ(odd->batches[0].events[0].occurred_at_us, 0);  // when received
  // A messageId of another type is reported; the call is kept.
  auto id = ParseSegment("track", R"({"event":"Signed In","userId":"a@x.example","messageId":{"x":1}})");
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(id->batches[0].errors[0].field, "messageId");
  EXPECT_TRUE(id->batches[0].dedupe_key.empty());
}

// A blank product name (a gift card, a fee) is named by its id: refusing it would drop the whole cart
// or purchase it is a line of.
TEST(ScriptPayloadTest, RefusedEventsAreCounted) {
  auto r = ParseScriptPayload(R"({"events":[{"type":"page-visit"},{"type":"search"},{"type":"nope"}]})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events_refused, 2u);
}

TEST(ScriptPayloadTest, ABlankProductNameIsItsId) {
  auto r = ParseScriptPayload(
      R"({"events":[{"type":"product-visited","product":{"productId":"gift","name":"  ","url":"https://shop.example/p","unitPrice":1}}]})");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->errors.empty());
  ASSERT_EQ(r->events.size(), 1u);
  ASSERT_EQ(r->events[0].products.size(), 1u);
  EXPECT_EQ(r->events[0].products[0].name, "gift");
  auto order = ParseSegment("track", R"({"event":"Order Completed","userId":"a@x.example","properties":{"order_id":"o-1",
    "products":[{"product_id":"a","name":"Shirt","price":10},{"product_id":"fee","name":"","price":2}]}})");
  ASSERT_TRUE(order) << order.error().message;
  ASSERT_EQ(order->batches[0].events.size(), 1u);
  ASSERT_TRUE(order->batches[0].events[0].purchase);
  EXPECT_EQ(order->batches[0].events[0].purchase->lines.size(), 2u);
}

TEST(SegmentTest, NonEmailUserIdIsTheExternalId) {
  auto r = ParseSegment("track", R"({"event":"Signed In","userId":"cust-42"})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->batches.size(), 1u);
  EXPECT_EQ(r->batches[0].keys.external_id, "cust-42");
  EXPECT_TRUE(r->batches[0].keys.email.empty());
  EXPECT_TRUE(r->batches[0].keys.tracker_id.empty());
  EXPECT_TRUE(r->batches[0].fields.empty());  // the engine stores it (identity rules)
  auto numeric = ParseSegment("identify", R"({"userId":42,"traits":{"email":"Ana@X.example"}})");
  ASSERT_TRUE(numeric) << numeric.error().message;
  EXPECT_EQ(numeric->batches[0].keys.external_id, "42");
  EXPECT_EQ(numeric->batches[0].keys.email, "ana@x.example");
}

TEST(SegmentTest, EcommerceEventsMapToCartSearchAndCustomEvents) {
  auto r = ParseSegment("batch", R"({"batch":[
    {"type":"track","event":"Product Removed","userId":"a@x.example","properties":{"cart_id":"c1","product_id":"p1","name":"Hat","price":5,"quantity":1}},
    {"type":"track","event":"Cart Viewed","userId":"a@x.example","properties":{"products":[
       {"product_id":"p1","name":"Hat","price":5,"quantity":2},{"product_id":"p2","name":"Scarf","price":7.5}]}},
    {"type":"track","event":"Checkout Started","userId":"a@x.example","properties":{"order_id":"o-1","value":17.5}},
    {"type":"track","event":"Products Searched","userId":"a@x.example","properties":{"query":"blue hat"}}]})");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE(r->refused.empty()) << r->refused[0].message;
  ASSERT_EQ(r->batches.size(), 4u);
  const TrackBatch& removed = r->batches[0];
  ASSERT_EQ(removed.cart_changes.size(), 1u);
  EXPECT_FALSE(removed.cart_changes[0].added);
  EXPECT_EQ(removed.cart_changes[0].cart_id, "c1");
  EXPECT_EQ(removed.cart_changes[0].line.product.id, "p1");
  EXPECT_TRUE(removed.events.empty());
  const TrackBatch& viewed = r->batches[1];
  ASSERT_TRUE(viewed.cart);
  EXPECT_EQ(viewed.cart->cart_id, "segment");  // none sent
  ASSERT_EQ(viewed.cart->lines.size(), 2u);
  EXPECT_DOUBLE_EQ(viewed.cart->total_quantity, 3);
  EXPECT_DOUBLE_EQ(viewed.cart->total_price, 17.5);
  ASSERT_EQ(r->batches[2].events.size(), 1u);
  EXPECT_EQ(r->batches[2].events[0].type, "custom");
  EXPECT_EQ(r->batches[2].events[0].data_json, R"({"eventId":"checkout-started","payload":{"order_id":"o-1","value":17.5}})");
  ASSERT_EQ(r->batches[3].events.size(), 1u);
  EXPECT_EQ(r->batches[3].events[0].type, "search");
  EXPECT_EQ(r->batches[3].events[0].data_json, R"({"searchText":"blue hat"})");
}

}  // namespace
}  // namespace starling::tracking

namespace starling::tracking {
namespace {

// Malformed input never crashes the parser: valid payloads mutated at random (bytes flipped, cut,
// duplicated, deleted) are either refused with an error or parsed into a batch whose events all have
// a known type. Deterministic (fixed seed).
TEST(ScriptPayloadTest, RandomlyMutatedPayloadsNeverCrash) {
  const std::vector<std::string> seeds = {
      R"({"entityInfo":{"trackerId":"abcdefgh12","primaryKey":"a@x.example","_name":"Ana","_birthdate":"1990-01-02"},"cart":{"cartId":"c1","products":[{"productId":"p","name":"P","url":"https://x.example/p","unitPrice":1.5,"quantity":2,"categories":["a/b"],"tags":["t"]}]},"events":[{"type":"page-visit"},{"type":"product-visited","product":{"productId":1,"name":"N","url":"https://x.example/1","unitPrice":"2"}},{"type":"purchase","purchase":{"purchaseId":"o","products":[]}},{"type":"custom","eventId":"e","payload":{"k":[1,{"z":null}]}}],"pageInfo":{"title":"T","categories":["x"]},"browserInfo":{"url":"https://x.example/","screenWidth":10}})",
      R"({"events":[{"type":"newsletter-subscribe","email":"b@x.example"},{"type":"search","searchText":"q"},{"type":"form-submitted","formId":"f","fields":{"a":1}}]})",
  };
  std::mt19937 random(42);
  int parsed = 0, refused = 0;
  for (const std::string& seed : seeds) {
    for (int round = 0; round < 3000; ++round) {
      std::string text = seed;
      int edits = 1 + static_cast<int>(random() % 4);
      for (int e = 0; e < edits && !text.empty(); ++e) {
        size_t at = random() % text.size();
        switch (random() % 4) {
          case 0: text[at] = static_cast<char>(random() % 256); break;
          case 1: text.erase(at, 1 + random() % 8); break;
          case 2: text.insert(at, text.substr(at, 1 + random() % 16)); break;
          case 3: text.resize(at); break;
        }
      }
      auto batch = ParseScriptPayload(text);
      if (!batch) {
        ++refused;
        EXPECT_FALSE(batch.error().message.empty());
        continue;
      }
      ++parsed;
      for (const Event& event : batch->events) {
        EXPECT_TRUE(IsClientEventType(event.type)) << event.type;
        EXPECT_TRUE(ParseJsonObject(event.data_json)) << event.data_json;
      }
    }
  }
  EXPECT_GT(parsed, 100);
  EXPECT_GT(refused, 100);
}

}  // namespace
}  // namespace starling::tracking
