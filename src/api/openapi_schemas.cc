#include "api/openapi_schemas.h"

#include "base/check.h"

namespace starling::api {
namespace {

// JSON Schema 2020-12 (OpenAPI 3.1). Kept to what the server checks (docs/integration.md §4–§6):
// unknown members are accepted (and ignored) everywhere, so no schema closes its properties.
constexpr std::string_view kSchemas = R"json({
  "Error": {
    "type": "object",
    "description": "The API error shape (docs/api.md).",
    "required": ["error"],
    "properties": {
      "error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
          "code": {"type": "string", "examples": ["invalid_argument", "not_found", "conflict", "forbidden"]},
          "message": {"type": "string", "description": "What is wrong and what to fix, for a person."},
          "field": {"type": "string", "description": "The request field at fault, as a path (`purchase.purchaseId`)."}
        }
      },
      "errors": {"type": "array", "items": {"$ref": "#/components/schemas/EventError"},
                 "description": "When every event or call of the request was refused: why, one per item."}
    }
  },
  "EventError": {
    "type": "object",
    "description": "One event (or Segment call) refused, or one field of it left out.",
    "required": ["event", "field", "message"],
    "properties": {
      "event": {"type": ["integer", "null"], "description": "The position in `events` (or `batch`); null for the request as a whole."},
      "field": {"type": "string", "examples": ["events[1].product.unitPrice"]},
      "message": {"type": "string"}
    }
  },
  "Product": {
    "type": "object",
    "description": "A product as the shop describes it; it also updates the store's catalog.",
    "required": ["productId", "name", "url", "unitPrice"],
    "properties": {
      "productId": {"type": "string", "minLength": 1},
      "name": {"type": "string", "minLength": 1},
      "url": {"type": "string", "format": "uri", "description": "http(s)"},
      "unitPrice": {"type": "number", "minimum": 0},
      "availability": {"type": "string", "examples": ["instock", "outofstock"]},
      "imageUrl": {"type": "string", "format": "uri"},
      "thumbnailUrl": {"type": "string", "format": "uri"},
      "description": {"type": "string"},
      "priority": {"type": "number"},
      "ratingValue": {"type": "number", "minimum": 0},
      "reviewCount": {"type": "integer", "minimum": 0},
      "ratingCount": {"type": "integer", "minimum": 0},
      "categories": {"type": "array", "items": {"type": "string"}, "examples": [["/Women/Shoes"]]},
      "tags": {"type": "array", "items": {"type": "string"}},
      "brand": {"type": "string"},
      "relatedExternalProductIds": {"type": "array", "items": {"type": "string"}},
      "unitPriceOriginal": {"type": "number", "minimum": 0},
      "unitPriceWithoutVat": {"type": "number", "minimum": 0},
      "discountedAmount": {"type": "number", "minimum": 0},
      "discountedPercentage": {"type": "number", "minimum": 0, "maximum": 100},
      "customField1": {"type": "string"},
      "customField2": {"type": "string"},
      "customField3": {"type": "string"},
      "publishedAt": {"type": "string", "format": "date-time"},
      "stock": {"type": "integer"}
    }
  },
  "ProductLine": {
    "description": "A product in a cart or an order, with its quantity and (in an order) the price paid per unit.",
    "allOf": [
      {"$ref": "#/components/schemas/Product"},
      {"type": "object",
       "properties": {"quantity": {"type": "number", "minimum": 0, "default": 1},
                      "price": {"type": "number", "minimum": 0, "description": "Per unit; default: the product's unitPrice."}}}
    ]
  },
  "Cart": {
    "type": "object",
    "description": "The contact's WHOLE current cart (an emptied cart: `products: []`); Starling derives the lines added and removed.",
    "required": ["cartId"],
    "properties": {
      "cartId": {"type": "string", "minLength": 1},
      "totalQuantity": {"type": "number", "minimum": 0},
      "totalPrice": {"type": "number", "minimum": 0},
      "products": {"type": "array", "items": {"$ref": "#/components/schemas/ProductLine"}}
    }
  },
  "Purchase": {
    "type": "object",
    "required": ["purchaseId"],
    "properties": {
      "purchaseId": {"type": "string", "minLength": 1, "description": "Unique in the store: a second purchase with the same id is refused."},
      "purchasedAt": {"type": "string", "format": "date-time"},
      "totalPrice": {"type": "number", "minimum": 0, "description": "Default: the sum of the lines."},
      "totalQuantity": {"type": "number", "minimum": 0, "description": "Default: the sum of the lines."},
      "paymentMethod": {"type": "string"},
      "source": {"type": "string", "enum": ["marketplace", "digital-store", "point-of-sale", "third-party", "other"]},
      "products": {"type": "array", "items": {"$ref": "#/components/schemas/ProductLine"}}
    }
  },
  "TrackedEvent": {
    "type": "object",
    "description": "One event of the script's wire format; the fields depend on `type` (docs/integration.md §4).",
    "required": ["type"],
    "properties": {
      "type": {"type": "string", "enum": ["page-visit", "product-visited", "product-searched", "product-not-found", "search",
                                            "login", "register", "newsletter-subscribe", "purchase", "form-submitted", "custom",
                                            "web-content-opened", "web-content-clicked", "web-content-closed"]},
      "product": {"$ref": "#/components/schemas/Product", "description": "product-visited"},
      "products": {"type": "array", "items": {"$ref": "#/components/schemas/Product"}, "description": "product-searched"},
      "searchText": {"type": "string", "description": "search, product-searched, product-not-found"},
      "productId": {"type": "string", "description": "product-not-found"},
      "email": {"type": "string", "format": "email", "description": "newsletter-subscribe"},
      "purchase": {"$ref": "#/components/schemas/Purchase", "description": "purchase"},
      "formId": {"type": "string", "description": "form-submitted"},
      "fields": {"type": "object", "description": "form-submitted"},
      "eventId": {"type": "string", "description": "custom: the custom event's id"},
      "payload": {"type": "object", "description": "custom"},
      "webContentId": {"type": "string", "description": "web-content-*"}
    }
  },
  "ScriptRequest": {
    "type": "object",
    "description": "What the tracking script sends for one page (docs/integration.md §4). Sent as text/plain JSON (no CORS preflight); application/json is accepted. At most 512 KB and 100 events.",
    "properties": {
      "entityInfo": {
        "type": "object",
        "description": "Who the visitor is. Keys other than these are custom fields of the contact.",
        "properties": {
          "trackerId": {"type": "string", "description": "The browser's tracker id (absent on a first visit)."},
          "primaryKey": {"type": "string", "format": "email", "description": "The customer's email, when known."},
          "_name": {"type": "string"}, "_surname": {"type": "string"}, "_birthdate": {"type": "string", "format": "date"}
        },
        "additionalProperties": true
      },
      "cart": {"$ref": "#/components/schemas/Cart"},
      "pushSubscription": {
        "type": ["object", "null"],
        "description": "The browser's Web Push subscription, as PushSubscription.toJSON() gives it.",
        "required": ["endpoint", "keys"],
        "properties": {
          "endpoint": {"type": "string", "format": "uri", "maxLength": 2048},
          "keys": {"type": "object", "required": ["p256dh", "auth"],
                   "properties": {"p256dh": {"type": "string"}, "auth": {"type": "string"}}}
        }
      },
      "events": {"type": "array", "maxItems": 100, "items": {"$ref": "#/components/schemas/TrackedEvent"}},
      "bannerPlaceholders": {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "string"}}}},
      "pageInfo": {
        "type": "object",
        "properties": {
          "title": {"type": "string"},
          "categories": {"type": "array", "items": {"type": "string"}},
          "tags": {"type": "array", "items": {"type": "string"}},
          "keywords": {"type": "array", "items": {"type": "string"}}
        }
      },
      "browserInfo": {
        "type": "object",
        "properties": {
          "url": {"type": "string", "format": "uri"}, "referrer": {"type": "string"}, "language": {"type": "string"},
          "screenWidth": {"type": "integer"}, "screenHeight": {"type": "integer"},
          "windowWidth": {"type": "integer"}, "windowHeight": {"type": "integer"},
          "device": {"type": "string", "enum": ["desktop", "mobile"]}
        }
      }
    }
  },
  "ScriptAnswer": {
    "type": "object",
    "description": "Sent once the request's events are durably stored.",
    "required": ["trackerId", "webContents"],
    "properties": {
      "trackerId": {"type": "string", "description": "The tracker id for the browser to keep."},
      "webContents": {"type": "array", "items": {"type": "object"}, "description": "On-site contents to display."},
      "errors": {"type": "array", "items": {"$ref": "#/components/schemas/EventError"}}
    }
  },
  "ScriptConfig": {
    "type": "object",
    "description": "The script options of the store (Store settings › Channels › Web), cached by browsers for 5 minutes.",
    "properties": {
      "includeUrls": {"type": "array", "items": {"type": "string"}},
      "excludeUrls": {"type": "array", "items": {"type": "string"}},
      "sampling": {"type": "number", "minimum": 0, "maximum": 1}
    }
  },
  "ContactRef": {
    "type": "object",
    "description": "Names the contact: by email, by Starling's contact id, or by a browser's tracker id (carts).",
    "properties": {
      "email": {"type": "string", "format": "email"},
      "contactId": {"type": "integer", "minimum": 1},
      "trackerId": {"type": "string"}
    }
  },
  "CustomEventRequest": {
    "allOf": [
      {"$ref": "#/components/schemas/ContactRef"},
      {"type": "object", "properties": {"payload": {"type": "object", "description": "The event's own data."}}}
    ]
  },
  "PurchaseRequest": {
    "description": "The purchase's fields, and the buyer's email beside them.",
    "allOf": [
      {"$ref": "#/components/schemas/Purchase"},
      {"type": "object", "required": ["email"], "properties": {"email": {"type": "string", "format": "email"}}}
    ]
  },
  "CartRequest": {
    "allOf": [
      {"$ref": "#/components/schemas/ContactRef"},
      {"type": "object", "required": ["cart"], "properties": {"cart": {"$ref": "#/components/schemas/Cart"}}}
    ]
  },
  "EventsBatchRequest": {
    "type": "object",
    "required": ["events"],
    "properties": {
      "events": {
        "type": "array", "maxItems": 1000,
        "items": {
          "allOf": [
            {"$ref": "#/components/schemas/ContactRef"},
            {"$ref": "#/components/schemas/TrackedEvent"},
            {"type": "object", "properties": {"occurredAt": {"type": "string", "format": "date-time"}}}
          ]
        }
      }
    }
  },
  "StoredAnswer": {
    "type": "object",
    "description": "What one request stored.",
    "properties": {
      "contact_id": {"type": "integer"},
      "events_stored": {"type": "integer", "description": "Derived events (entity-created, cart-product-added…) included."},
      "errors": {"type": "array", "items": {"$ref": "#/components/schemas/EventError"}}
    }
  },
  "EventsBatchAnswer": {
    "type": "object",
    "properties": {
      "results": {"type": "array", "items": {"$ref": "#/components/schemas/StoredAnswer"},
                  "description": "One per run of consecutive events for the same contact."},
      "errors": {"type": "array", "items": {"$ref": "#/components/schemas/EventError"},
                 "description": "Events refused because they name no usable contact."}
    }
  },
  "Activity": {
    "type": "object",
    "required": ["id", "type", "occurred_at", "data"],
    "properties": {
      "id": {"type": "integer"},
      "type": {"type": "string", "examples": ["page-visit", "cart-product-added", "entity-merged"]},
      "occurred_at": {"type": "string", "format": "date-time"},
      "data": {"type": "object"},
      "contact_id": {"type": ["integer", "null"]}
    }
  },
  "ActivityPage": {
    "type": "object",
    "required": ["activities", "next_cursor"],
    "properties": {
      "activities": {"type": "array", "items": {"$ref": "#/components/schemas/Activity"}},
      "next_cursor": {"type": ["string", "null"], "description": "Pass as `cursor` for the next page; null on the last."}
    }
  },
  "SegmentCall": {
    "type": "object",
    "description": "A Segment-spec call (identify, track, page, screen, alias, group). Needs `userId` or `anonymousId`; a `userId` with `@` is the email, any other is the contact's external id (docs/integration.md §6).",
    "properties": {
      "type": {"type": "string", "description": "In a batch: identify | track | page | screen | alias | group."},
      "userId": {"type": ["string", "integer"]},
      "anonymousId": {"type": "string"},
      "previousId": {"type": "string", "description": "alias"},
      "event": {"type": "string", "description": "track: Order Completed, Product Viewed… map to Starling's types; others become custom events."},
      "name": {"type": "string", "description": "page, screen"},
      "properties": {"type": "object"},
      "traits": {"type": "object"},
      "context": {"type": "object", "properties": {"ip": {"type": "string"}, "userAgent": {"type": "string"}}},
      "timestamp": {"type": "string", "format": "date-time"},
      "messageId": {"type": "string"}
    }
  },
  "SegmentBatch": {
    "type": "object",
    "required": ["batch"],
    "properties": {"batch": {"type": "array", "maxItems": 1000, "items": {"$ref": "#/components/schemas/SegmentCall"}}}
  },
  "SegmentAnswer": {
    "type": "object",
    "required": ["success"],
    "properties": {
      "success": {"type": "boolean"},
      "errors": {"type": "array", "items": {"$ref": "#/components/schemas/EventError"}}
    }
  }
})json";


}  // namespace

const std::vector<OperationDetails>& DetailedOperations() {
  using http::Method;
  static const std::vector<OperationDetails> operations = [] {
    std::vector<OperationDetails> list = {
        {Method::kPost, "/collect/{token}", {}, "ScriptRequest", "ScriptAnswer"},
        {Method::kPost, "/integration-type/system/scrippet-notification/{token}", {}, "ScriptRequest", "ScriptAnswer"},
        {Method::kGet, "/collect/{token}/config", {}, {}, "ScriptConfig"},
        {Method::kPost,
         "/api/v1/custom-events/alias/{alias}",
         {{"createContact", "boolean", "true: create the contact when none matches (default false: 404, `contact_missing`)"}},
         "CustomEventRequest",
         "StoredAnswer",
         201},
        {Method::kPost,
         "/api/v1/purchases",
         {{"triggerPurchaseEvent", "boolean", "false: record the purchase without a purchase event (no workflow reacts)"}},
         "PurchaseRequest",
         "StoredAnswer",
         201},
        {Method::kPost,
         "/api/v1/carts",
         {{"createContact", "boolean", "false: refuse a contact that does not exist (404) instead of creating it (default true)"}},
         "CartRequest",
         "StoredAnswer"},
        {Method::kPost, "/api/v1/events/batch", {}, "EventsBatchRequest", "EventsBatchAnswer"},
    };
    const std::vector<QueryParamDoc> timeline = {
        {"type", "string", "only activities of this type (`cart-product-added`)"},
        {"cursor", "string", "the `next_cursor` of the previous page"},
        {"limit", "integer", "1 to 200, default 50"}};
    for (std::string_view pattern : {"/api/v1/contacts/{contact_id}/activities",
                                     "/api/v1/stores/{store_id}/contacts/{contact_id}/activities"}) {
      list.push_back({Method::kGet, pattern, timeline, {}, "ActivityPage"});
    }
    for (std::string_view kind : {"/v1/identify", "/v1/track", "/v1/page", "/v1/screen", "/v1/alias", "/v1/group"}) {
      list.push_back({Method::kPost, kind, {}, "SegmentCall", "SegmentAnswer"});
    }
    list.push_back({Method::kPost, "/v1/batch", {}, "SegmentBatch", "SegmentAnswer"});
    return list;
  }();
  return operations;
}

const json::object& OpenApiSchemas() {
  static const json::object schemas = [] {
    auto parsed = ParseJsonObject(kSchemas);
    CHECK(parsed.has_value()) << "the OpenAPI schemas are not valid JSON: " << parsed.error().message;
    return std::move(*parsed);
  }();
  return schemas;
}

std::string_view DocsFor(std::string_view pattern) {
  if (pattern.starts_with("/collect/") || pattern.starts_with("/integration-type/") || pattern.starts_with("/v1/") ||
      pattern == "/api/v1/purchases" || pattern == "/api/v1/carts" || pattern.starts_with("/api/v1/events/") ||
      pattern.starts_with("/api/v1/custom-events/")) {
    return "docs/integration.md";
  }
  if (pattern.starts_with("/api/v1/contacts/") || pattern.find("/contacts") != std::string_view::npos ||
      pattern.find("/integration") != std::string_view::npos) {
    return "docs/api-contacts.md";
  }
  return "docs/api-accounts.md";
}

}  // namespace starling::api
