// Parsing of the ways in: the tracking script's wire format, the REST endpoints and the Segment spec
// (docs/integration.md §4–§6) into TrackBatches. simdjson on the hot path; every refused field gets a
// message naming it ("events[1].product.unitPrice: expected a number ≥ 0, got \"abc\"").
//
// Whole-request problems (not JSON, not an object, too many events) are an Error; problems inside one
// event are recorded in TrackBatch::errors and only that event is dropped; unknown fields are ignored.
// Thread-safe (each thread keeps its own parser).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "tracking/model.h"

namespace starling::tracking {

struct ParseLimits {
  size_t max_events = 100;        // per script request
  size_t max_batch_events = 1000;  // per REST/Segment batch
  size_t max_products = 200;      // per cart, purchase or search result
  size_t max_text = 2000;         // characters of a text field
  size_t max_long_text = 20000;   // descriptions, payloads
};

// The tracking script's body. The script endpoint is public (its token is in every page): with
// `catalog_domains` (the store's authorized domains), a product whose url is on none of them stays in
// its event or cart but is not written to the catalog (Product::update_catalog), and gets an error
// naming its url field. Null: no such check (trusted callers, tests).
Result<TrackBatch> ParseScriptPayload(std::string_view body, const ParseLimits& limits = {},
                                      const std::vector<std::string>* catalog_domains = nullptr);

// POST /api/v1/custom-events/alias/{alias}: {"email"|"trackerId", "payload"}.
Result<TrackBatch> ParseCustomEvent(std::string_view alias, std::string_view body, bool create_contact,
                                    const ParseLimits& limits = {});
// POST /api/v1/carts: {"email"|"contactId"|"trackerId", "cart": {"cartId", "products": […]}}, the
// contact's whole cart as the script sends it (the engine derives the added/removed lines and the
// abandonment timer).
Result<TrackBatch> ParseCartUpdate(std::string_view body, bool create_contact, const ParseLimits& limits = {});
// POST /api/v1/purchases: a purchase with the buyer's email.
Result<TrackBatch> ParsePurchase(std::string_view body, bool trigger_event, const ParseLimits& limits = {});
// A request of several items (Segment calls, REST events): the batches of its valid items, in order,
// and the errors of the items it refused (one each; EventError::index is the item's position).
// Problems with a field of a kept item are in its TrackBatch::errors, with the same index.
struct BatchRequest {
  std::vector<TrackBatch> batches;
  std::vector<EventError> refused;
  size_t items = 0;  // items in the request: kept, ignored (Segment alias, group) and refused
};

// POST /api/v1/events/batch: {"events":[…]} with keys per event; one TrackBatch per run of events for
// the same contact, in order. An event without usable keys (email, trackerId or contactId) is refused
// alone. Unless `purchases_allowed` (the caller's key has the scope purchases:write), a purchase event is
// refused alone too.
Result<BatchRequest> ParseEventBatch(std::string_view body, bool purchases_allowed, const ParseLimits& limits = {});

// Segment spec: one call (`kind` "identify", "track", "page", "screen", "alias", "group") or a batch
// ({"batch":[…]}, kind "batch"). A refused single call is an Error; in a batch only that call is
// dropped (BatchRequest::refused). alias and group calls are accepted and ignored.
// `catalog_domains` (the store's authorized domains): a product whose url is elsewhere stays out of
// the catalog, with an error, as on the script endpoint.
Result<BatchRequest> ParseSegment(std::string_view kind, std::string_view body, const ParseLimits& limits = {},
                                  const std::vector<std::string>* catalog_domains = nullptr);

// Every event type a request may carry (the script's and the REST API's).
bool IsClientEventType(std::string_view type);

}  // namespace starling::tracking
