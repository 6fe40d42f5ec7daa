// What every way in (tracking script, REST API, Segment spec) turns a request into: a TrackBatch for one
// contact — the keys that identify the contact, profile fields, the full cart if sent, and validated
// events. The engine (engine/) applies batches; this module only parses and validates.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace starling::tracking {

// A product as carried by events, carts and purchases. `json` is the product's normalized JSON
// object (camelCase fields of docs/integration.md), stored in events and used to upsert the catalog.
struct Product {
  std::string id;
  std::string name;
  std::string url;        // empty when not sent (Segment products may omit it)
  double unit_price = 0;  // 0 when not sent (Segment products may omit it)
  std::string json;
  // False: kept where it was sent (event, cart, purchase) but not written to the catalog: a product
  // from the public script endpoint whose url is not on one of the store's authorized domains, or a
  // Segment product without what the catalog requires (url and unitPrice).
  bool update_catalog = true;
};

struct CartLine {
  Product product;
  double quantity = 1;
  double price = 0;  // line unit price (defaults to the product's unit price)
};

struct Cart {
  std::string cart_id;
  double total_quantity = 0;
  double total_price = 0;
  std::vector<CartLine> lines;  // empty: the cart was emptied
};

struct Purchase {
  std::string purchase_id;
  double total_price = 0;
  double total_quantity = 0;
  std::string payment_method;
  std::string source;  // marketplace | digital-store | point-of-sale | third-party | other
  std::vector<CartLine> lines;
  int64_t purchased_at_us = 0;  // 0: when received
};

// One event to store. `data_json` is a JSON object with the event's own fields (everything but its
// type and time).
struct Event {
  std::string type;
  std::string data_json = "{}";
  int64_t occurred_at_us = 0;     // 0: when received
  std::vector<Product> products;  // products to upsert into the catalog
  std::optional<Purchase> purchase;
  // newsletter-subscribe: the email that subscribed (normalized). It is recorded on the contact with
  // that email, which need not be the request's (a signed-in customer may subscribe another address).
  std::string subscriber_email;
};

// An event refused for a bad field; the batch's other events are kept.
struct EventError {
  int index = -1;     // position in the request's event list; -1 for a request-level part (cart…)
  std::string field;  // "events[2].product.unitPrice"
  std::string message;
};

// The system field holding a contact's id in the caller's own system (ContactKeys::external_id).
inline constexpr std::string_view kExternalIdField = "_external_id";

// Profile field updates: name → JSON value text ("\"Ana\"", "42", "null").
using FieldUpdates = std::vector<std::pair<std::string, std::string>>;

struct ContactKeys {
  std::string tracker_id;  // may be empty
  std::string email;       // normalized (lower-case); empty when unknown
  int64_t contact_id = 0;  // REST callers may name the contact by id; 0: not given
  // The contact's id in the caller's own system (Segment's non-email userId); empty when not given.
  // Looked up by the identity rules (engine/identity.h); the engine stores it as the `_external_id`
  // field of the contact they pick, unless it already leads to that contact.
  std::string external_id;
};

// A change to one line of the current cart, for callers that send lines rather than whole carts
// (Segment's Product Added / Product Removed).
struct CartLineChange {
  std::string cart_id;  // may be empty: the current cart
  CartLine line;        // line.quantity: how many were added or removed (> 0)
  bool added = true;
};

// The browser's Web Push subscription, as PushSubscription.toJSON() gives it: {endpoint, keys: {p256dh,
// auth}}. The endpoint is unique to one browser's subscription: it is also a key that finds the contact
// (engine/identity.h). The keys are kept as sent (base64url), for sending notifications later.
struct PushSubscription {
  std::string endpoint;  // an https URL of the browser's push service
  std::string p256dh;    // the browser's P-256 public key (65 bytes)
  std::string auth;      // the authentication secret (16 bytes or more)
};

struct TrackBatch {
  ContactKeys keys;
  FieldUpdates fields;
  std::optional<Cart> cart;
  std::vector<CartLineChange> cart_changes;
  std::optional<PushSubscription> push_subscription;  // the script's `pushSubscription`, when sent and valid
  std::vector<Event> events;
  std::vector<EventError> errors;
  // Events the sender sent that the parser left out for an error (the live view says "every event had an
  // error" only when some were sent and none stored; a call-level error such as a bad timestamp is not one).
  size_t events_refused = 0;
  // When no contact matches the keys: create one (script, Segment) or refuse (REST with
  // createContact=false).
  bool create_contact = true;
  // The sender keeps the tracker id it is answered with (the script, in the browser's storage): a
  // request without one gets a new tracker bound to its contact. Server-side senders (REST, Segment)
  // name contacts by email or external id and keep no tracker: binding a fresh one to the contact at
  // every call would only grow its list of trackers.
  bool keeps_tracker = false;
  // Request context, for the live integration view.
  std::string source;  // "script", "api", "segment"
  std::string ip;      // the visitor's: the request's peer, or the one a Segment call names (context.ip)
  // The visitor's user agent when a server-side sender names it (Segment's context.userAgent); empty:
  // the request's own.
  std::string user_agent;
  // The sender's id of this message (Segment's messageId), unique to it and kept when the sender
  // retries: a batch whose key the store has stored in the last 24 hours is not stored again. Empty:
  // no such protection.
  std::string dedupe_key;
};

}  // namespace starling::tracking
