#include "api/openapi_schemas.h"

#include "base/check.h"

namespace starling::api {
namespace {

// JSON Schema 2020-12 (OpenAPI 3.1). Kept to what the server checks (docs/integration.md §4–§6):
// unknown members are accepted (and ignored) everywhere, so no schema closes its properties.
constexpr std::string_view kSchemas = R"json({
  "Id": {
    "type": [
      "string",
      "integer"
    ],
    "minLength": 1,
    "maxLength": 256,
    "description": "A string or an integer; spaces around are trimmed."
  },
  "HttpUrl": {
    "type": "string",
    "format": "uri",
    "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://",
    "maxLength": 2048,
    "description": "An absolute http(s) URL."
  },
  "Time": {
    "type": "string",
    "format": "date-time",
    "description": "RFC 3339 (`2026-05-01T12:00:00Z`, up to 9 fractional digits); an offset (`+02:00`) is converted to UTC."
  },
  "TrackerId": {
    "type": "string",
    "pattern": "^[A-Za-z0-9_-]{8,64}$",
    "description": "A tracker id: 8 to 64 letters, digits, _ or -."
  },
  "Error": {
    "type": "object",
    "description": "The API error shape (docs/api.md).",
    "required": [
      "error"
    ],
    "properties": {
      "error": {
        "type": "object",
        "required": [
          "code",
          "message"
        ],
        "properties": {
          "code": {
            "type": "string",
            "examples": [
              "invalid_argument",
              "not_found",
              "conflict",
              "forbidden"
            ]
          },
          "message": {
            "type": "string",
            "description": "What is wrong and what to fix, for a person."
          },
          "field": {
            "type": "string",
            "description": "The request field at fault, as a path (`events[1].product.unitPrice`). A purchase's fields are named under `purchase.` on every route, also where the body is the purchase itself (`purchase.purchaseId` on POST /api/v1/purchases)."
          }
        }
      },
      "errors": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/EventError"
        },
        "description": "When every event or call of the request was refused: why, one per item."
      }
    }
  },
  "EventError": {
    "type": "object",
    "description": "One event (or Segment call) refused, or one field of it left out.",
    "required": [
      "event",
      "field",
      "message"
    ],
    "properties": {
      "event": {
        "type": [
          "integer",
          "null"
        ],
        "description": "The position in `events` (or `batch`); null for a part of the request that is not an event (the cart, entityInfo) and for a purchase whose purchaseId was already recorded."
      },
      "field": {
        "type": "string",
        "examples": [
          "events[1].product.unitPrice"
        ]
      },
      "message": {
        "type": "string"
      }
    }
  },
  "Product": {
    "type": "object",
    "description": "A product as the shop describes it; it also updates the store's catalog. Numbers may also be sent as numeric strings (\"29.90\"), as HTML tags give them.",
    "required": [
      "productId",
      "name",
      "url",
      "unitPrice"
    ],
    "properties": {
      "productId": {
        "$ref": "#/components/schemas/Id"
      },
      "name": {
        "type": "string",
        "maxLength": 2000,
        "description": "A blank name is replaced by the productId (a gift card, a fee)."
      },
      "url": {
        "$ref": "#/components/schemas/HttpUrl"
      },
      "unitPrice": {
        "type": "number",
        "minimum": 0
      },
      "availability": {
        "type": "string",
        "enum": [
          "instock",
          "outofstock",
          "unverified",
          "discontinued"
        ]
      },
      "imageUrl": {
        "$ref": "#/components/schemas/HttpUrl"
      },
      "thumbnailUrl": {
        "$ref": "#/components/schemas/HttpUrl"
      },
      "description": {
        "type": "string",
        "maxLength": 20000
      },
      "priority": {
        "type": "integer"
      },
      "ratingValue": {
        "type": "number",
        "minimum": 0,
        "maximum": 5
      },
      "reviewCount": {
        "type": "integer",
        "minimum": 0
      },
      "ratingCount": {
        "type": "integer",
        "minimum": 0
      },
      "categories": {
        "type": "array",
        "maxItems": 50,
        "items": {
          "type": "string",
          "maxLength": 500
        },
        "examples": [
          [
            "/Women/Shoes"
          ]
        ]
      },
      "tags": {
        "type": "array",
        "maxItems": 100,
        "items": {
          "type": "string",
          "maxLength": 500
        }
      },
      "brand": {
        "type": "string",
        "maxLength": 2000
      },
      "relatedExternalProductIds": {
        "type": "array",
        "maxItems": 100,
        "items": {
          "type": [
            "string",
            "integer"
          ]
        }
      },
      "unitPriceOriginal": {
        "type": "number",
        "minimum": 0
      },
      "unitPriceWithoutVat": {
        "type": "number",
        "minimum": 0
      },
      "discountedAmount": {
        "type": "number",
        "minimum": 0
      },
      "discountedPercentage": {
        "type": "number",
        "minimum": 0,
        "maximum": 100
      },
      "customField1": {
        "type": "string",
        "maxLength": 2000
      },
      "customField2": {
        "type": "string",
        "maxLength": 2000
      },
      "customField3": {
        "type": "string",
        "maxLength": 2000
      },
      "publishedAt": {
        "$ref": "#/components/schemas/Time",
        "description": "RFC 3339; an offset is converted to UTC."
      },
      "stock": {
        "type": "integer",
        "minimum": 0
      }
    }
  },
  "ProductLine": {
    "description": "A product in a cart or an order, with its quantity and (in an order) the price paid per unit.",
    "allOf": [
      {
        "$ref": "#/components/schemas/Product"
      },
      {
        "type": "object",
        "properties": {
          "quantity": {
            "type": "number",
            "minimum": 0,
            "maximum": 1000000000.0,
            "default": 1
          },
          "price": {
            "type": "number",
            "minimum": 0,
            "description": "Per unit; default: the product's unitPrice."
          }
        }
      }
    ]
  },
  "Cart": {
    "type": "object",
    "description": "The contact's WHOLE current cart (an emptied cart: `products: []`); Starling derives the lines added and removed.",
    "required": [
      "cartId"
    ],
    "properties": {
      "cartId": {
        "$ref": "#/components/schemas/Id"
      },
      "totalQuantity": {
        "type": "number",
        "minimum": 0,
        "maximum": 1000000000000.0
      },
      "totalPrice": {
        "type": "number",
        "minimum": 0
      },
      "products": {
        "type": "array",
        "maxItems": 200,
        "items": {
          "$ref": "#/components/schemas/ProductLine"
        }
      }
    }
  },
  "Purchase": {
    "type": "object",
    "required": [
      "purchaseId"
    ],
    "properties": {
      "purchaseId": {
        "$ref": "#/components/schemas/Id",
        "description": "Unique in the store: a second purchase with the same id is refused (409 on POST /api/v1/purchases, an error in `errors` elsewhere). A string or an integer."
      },
      "purchasedAt": {
        "$ref": "#/components/schemas/Time",
        "description": "RFC 3339; an offset is converted to UTC. Default: when received."
      },
      "totalPrice": {
        "type": "number",
        "minimum": 0,
        "description": "Default: the sum of the lines."
      },
      "totalQuantity": {
        "type": "number",
        "minimum": 0,
        "maximum": 1000000000000.0,
        "description": "Default: the sum of the lines."
      },
      "paymentMethod": {
        "type": "string",
        "maxLength": 200
      },
      "source": {
        "type": "string",
        "enum": [
          "marketplace",
          "digital-store",
          "point-of-sale",
          "third-party",
          "other"
        ]
      },
      "products": {
        "type": "array",
        "maxItems": 200,
        "items": {
          "$ref": "#/components/schemas/ProductLine"
        }
      }
    },
    "description": "A purchase. `purchaseDate` is read as another name of `purchasedAt`."
  },
  "TrackedEvent": {
    "type": "object",
    "description": "One event of the script's wire format; the fields depend on `type` (docs/integration.md §4). A newsletter-subscribe needs `email` unless the contact's email is known. Numbers may also be sent as numeric strings (\"29.90\"), as HTML tags give them.",
    "required": [
      "type"
    ],
    "properties": {
      "type": {
        "type": "string",
        "enum": [
          "page-visit",
          "product-visited",
          "product-searched",
          "product-not-found",
          "search",
          "login",
          "register",
          "newsletter-subscribe",
          "purchase",
          "form-submitted",
          "custom",
          "web-content-opened",
          "web-content-clicked",
          "web-content-closed"
        ]
      },
      "product": {
        "$ref": "#/components/schemas/Product",
        "description": "product-visited"
      },
      "products": {
        "type": "array",
        "maxItems": 200,
        "items": {
          "$ref": "#/components/schemas/Product"
        },
        "description": "product-searched"
      },
      "searchText": {
        "type": "string",
        "maxLength": 2000,
        "description": "search, product-searched, product-not-found"
      },
      "productId": {
        "$ref": "#/components/schemas/Id",
        "description": "product-not-found"
      },
      "email": {
        "type": "string",
        "format": "email",
        "description": "newsletter-subscribe"
      },
      "purchase": {
        "$ref": "#/components/schemas/Purchase",
        "description": "purchase"
      },
      "formId": {
        "type": "string",
        "maxLength": 200,
        "description": "form-submitted"
      },
      "fields": {
        "type": "object",
        "description": "form-submitted"
      },
      "eventId": {
        "$ref": "#/components/schemas/Id",
        "description": "custom: the custom event's id"
      },
      "payload": {
        "type": "object",
        "description": "custom"
      },
      "webContentId": {
        "$ref": "#/components/schemas/Id",
        "description": "web-content-*"
      },
      "url": {
        "type": "string",
        "description": "web-content-*: the page it was shown on"
      },
      "occurredAt": {
        "$ref": "#/components/schemas/Time",
        "description": "RFC 3339; an offset is converted to UTC. Default: when received."
      }
    },
    "allOf": [
      {
        "if": {
          "properties": {
            "type": {
              "const": "product-visited"
            }
          },
          "required": [
            "type"
          ]
        },
        "then": {
          "required": [
            "product"
          ]
        }
      },
      {
        "if": {
          "properties": {
            "type": {
              "const": "search"
            }
          },
          "required": [
            "type"
          ]
        },
        "then": {
          "required": [
            "searchText"
          ]
        }
      },
      {
        "if": {
          "properties": {
            "type": {
              "const": "purchase"
            }
          },
          "required": [
            "type"
          ]
        },
        "then": {
          "required": [
            "purchase"
          ]
        }
      },
      {
        "if": {
          "properties": {
            "type": {
              "const": "custom"
            }
          },
          "required": [
            "type"
          ]
        },
        "then": {
          "required": [
            "eventId"
          ]
        }
      },
      {
        "if": {
          "properties": {
            "type": {
              "enum": [
                "web-content-opened",
                "web-content-clicked",
                "web-content-closed"
              ]
            }
          },
          "required": [
            "type"
          ]
        },
        "then": {
          "required": [
            "webContentId"
          ]
        }
      },
      {
        "if": {
          "properties": {
            "type": {
              "const": "product-not-found"
            }
          },
          "required": [
            "type"
          ]
        },
        "then": {
          "anyOf": [
            {
              "required": [
                "searchText"
              ]
            },
            {
              "required": [
                "productId"
              ]
            }
          ]
        }
      }
    ]
  },
  "ScriptRequest": {
    "type": "object",
    "description": "What the tracking script sends for one page (docs/integration.md §4). Sent as text/plain JSON (no CORS preflight); application/json is accepted. At most 512 KB and 100 events.",
    "properties": {
      "entityInfo": {
        "type": "object",
        "description": "Who the visitor is. Other keys (1 to 64 letters, digits, _ or -) are custom fields of the contact, with scalar values. `email` is read as another name of `primaryKey`; `_external_id` is refused (it comes only from a Segment userId).",
        "properties": {
          "trackerId": {
            "$ref": "#/components/schemas/TrackerId",
            "description": "The browser's tracker id (absent on a first visit)."
          },
          "primaryKey": {
            "type": "string",
            "format": "email",
            "description": "The customer's email, when known."
          },
          "_name": {
            "type": "string"
          },
          "_surname": {
            "type": "string"
          },
          "_birthdate": {
            "type": "string",
            "format": "date"
          },
          "_email_status": {
            "type": "string",
            "enum": [
              "active",
              "bounced",
              "paused",
              "banned"
            ]
          },
          "_newsletter_subscription_status": {
            "type": "string",
            "enum": [
              "subscribed",
              "unsubscribed",
              "none"
            ]
          }
        },
        "additionalProperties": {
          "type": [
            "string",
            "number",
            "boolean",
            "null"
          ]
        },
        "propertyNames": {
          "pattern": "^[A-Za-z0-9_-]{1,64}$"
        }
      },
      "cart": {
        "$ref": "#/components/schemas/Cart"
      },
      "pushSubscription": {
        "type": [
          "object",
          "null"
        ],
        "description": "The browser's Web Push subscription, as PushSubscription.toJSON() gives it.",
        "required": [
          "endpoint",
          "keys"
        ],
        "properties": {
          "endpoint": {
            "type": "string",
            "pattern": "^https://",
            "maxLength": 2048,
            "description": "An https URL of a public host (the browser's push service)."
          },
          "keys": {
            "type": "object",
            "required": [
              "p256dh",
              "auth"
            ],
            "properties": {
              "p256dh": {
                "type": "string",
                "description": "base64url of the 65-byte P-256 public key"
              },
              "auth": {
                "type": "string",
                "description": "base64url of the 16-byte secret"
              }
            }
          }
        }
      },
      "events": {
        "type": "array",
        "maxItems": 100,
        "items": {
          "$ref": "#/components/schemas/TrackedEvent"
        }
      },
      "bannerPlaceholders": {
        "type": "array",
        "items": {
          "type": "object",
          "properties": {
            "id": {
              "type": "string"
            }
          }
        }
      },
      "pageInfo": {
        "type": "object",
        "properties": {
          "title": {
            "type": "string"
          },
          "categories": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "tags": {
            "type": "array",
            "items": {
              "type": "string"
            }
          },
          "keywords": {
            "type": "array",
            "items": {
              "type": "string"
            }
          }
        }
      },
      "browserInfo": {
        "type": "object",
        "properties": {
          "url": {
            "type": "string",
            "format": "uri"
          },
          "referrer": {
            "type": "string"
          },
          "language": {
            "type": "string"
          },
          "screenWidth": {
            "type": "integer"
          },
          "screenHeight": {
            "type": "integer"
          },
          "windowWidth": {
            "type": "integer"
          },
          "windowHeight": {
            "type": "integer"
          },
          "device": {
            "type": "string",
            "enum": [
              "desktop",
              "mobile"
            ]
          }
        }
      }
    }
  },
  "ScriptAnswer": {
    "type": "object",
    "description": "Sent once the request's events are durably stored.",
    "required": [
      "trackerId",
      "webContents",
      "errors"
    ],
    "properties": {
      "trackerId": {
        "type": [
          "string",
          "null"
        ],
        "description": "The tracker id for the browser to keep; null when the request was answered without being stored (an excluded IP, a known bot)."
      },
      "webContents": {
        "type": "array",
        "items": {
          "type": "object"
        },
        "description": "On-site contents to display."
      },
      "errors": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/EventError"
        }
      }
    }
  },
  "ScriptConfig": {
    "type": "object",
    "description": "The script options of the store (Store settings › Channels › Web), cached by browsers for 5 minutes.",
    "properties": {
      "includeUrls": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "excludeUrls": {
        "type": "array",
        "items": {
          "type": "string"
        }
      },
      "sampling": {
        "type": "number",
        "minimum": 0,
        "maximum": 1
      },
      "authorizedDomains": {
        "type": "array",
        "items": {
          "type": "string"
        },
        "description": "Hosts the script runs on (`shop.example`, `*.shop.example`, `localhost:8080`)."
      }
    },
    "required": [
      "includeUrls",
      "excludeUrls",
      "sampling",
      "authorizedDomains"
    ]
  },
  "ContactRef": {
    "type": "object",
    "description": "Names the contact: by email, by Starling's contact id, or by a browser's tracker id. At least one is needed.",
    "properties": {
      "email": {
        "type": "string",
        "format": "email"
      },
      "contactId": {
        "type": "integer",
        "minimum": 1
      },
      "trackerId": {
        "$ref": "#/components/schemas/TrackerId"
      }
    },
    "anyOf": [
      {
        "required": [
          "email"
        ]
      },
      {
        "required": [
          "contactId"
        ]
      },
      {
        "required": [
          "trackerId"
        ]
      }
    ]
  },
  "CustomEventRequest": {
    "allOf": [
      {
        "$ref": "#/components/schemas/ContactRef"
      },
      {
        "type": "object",
        "properties": {
          "payload": {
            "type": "object",
            "description": "The event's own data (at most 20,000 bytes)."
          },
          "occurredAt": {
            "$ref": "#/components/schemas/Time"
          }
        }
      }
    ]
  },
  "PurchaseRequest": {
    "description": "The purchase's fields, and the buyer's email beside them.",
    "allOf": [
      {
        "$ref": "#/components/schemas/Purchase"
      },
      {
        "type": "object",
        "required": [
          "email"
        ],
        "properties": {
          "email": {
            "type": "string",
            "format": "email"
          }
        }
      }
    ]
  },
  "CartRequest": {
    "allOf": [
      {
        "$ref": "#/components/schemas/ContactRef"
      },
      {
        "type": "object",
        "required": [
          "cart"
        ],
        "properties": {
          "cart": {
            "$ref": "#/components/schemas/Cart"
          }
        }
      }
    ]
  },
  "EventsBatchRequest": {
    "type": "object",
    "required": [
      "events"
    ],
    "properties": {
      "events": {
        "type": "array",
        "maxItems": 1000,
        "items": {
          "allOf": [
            {
              "$ref": "#/components/schemas/ContactRef"
            },
            {
              "$ref": "#/components/schemas/TrackedEvent"
            },
            {
              "type": "object",
              "properties": {
                "occurredAt": {
                  "$ref": "#/components/schemas/Time"
                }
              }
            }
          ]
        }
      }
    }
  },
  "StoredAnswer": {
    "type": "object",
    "description": "What one request stored.",
    "properties": {
      "contact_id": {
        "type": "integer"
      },
      "events_stored": {
        "type": "integer",
        "description": "Derived events (entity-created, cart-product-added…) included."
      },
      "errors": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/EventError"
        }
      }
    },
    "required": [
      "contact_id",
      "events_stored"
    ]
  },
  "EventsBatchAnswer": {
    "type": "object",
    "properties": {
      "results": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/BatchResult"
        },
        "description": "One per run of consecutive events naming their contact the same way."
      },
      "errors": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/EventError"
        },
        "description": "Events refused because they name no usable contact."
      }
    },
    "required": [
      "results",
      "errors"
    ]
  },
  "Activity": {
    "type": "object",
    "required": [
      "id",
      "type",
      "occurred_at",
      "data"
    ],
    "properties": {
      "id": {
        "type": "integer"
      },
      "type": {
        "type": "string",
        "examples": [
          "page-visit",
          "cart-product-added",
          "entity-merged"
        ]
      },
      "occurred_at": {
        "$ref": "#/components/schemas/Time"
      },
      "data": {
        "type": "object"
      },
      "contact_id": {
        "type": [
          "integer",
          "null"
        ]
      }
    }
  },
  "ActivityPage": {
    "type": "object",
    "required": [
      "activities",
      "next_cursor"
    ],
    "properties": {
      "activities": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/Activity"
        }
      },
      "next_cursor": {
        "type": [
          "string",
          "null"
        ],
        "description": "Pass as `cursor` for the next page; null on the last."
      }
    }
  },
  "SegmentCall": {
    "type": "object",
    "description": "A Segment-spec call (identify, track, page, screen, alias, group). identify, track, page and screen need a `userId`, an `anonymousId` or `traits.email`: a `userId` with `@` is the email, any other is the contact's external id (docs/integration.md §6); alias and group are accepted and ignored.",
    "properties": {
      "type": {
        "type": "string",
        "enum": [
          "identify",
          "track",
          "page",
          "screen",
          "alias",
          "group"
        ],
        "description": "In a batch: the call's kind."
      },
      "userId": {
        "type": [
          "string",
          "integer"
        ]
      },
      "anonymousId": {
        "type": [
          "string",
          "integer"
        ],
        "description": "8 to 64 letters, digits, _ or -"
      },
      "previousId": {
        "type": "string",
        "description": "alias"
      },
      "event": {
        "type": "string",
        "maxLength": 200,
        "description": "track: Order Completed, Product Viewed… map to Starling's types; others become custom events."
      },
      "name": {
        "type": "string",
        "description": "page, screen"
      },
      "properties": {
        "type": "object"
      },
      "traits": {
        "type": "object"
      },
      "context": {
        "type": "object",
        "properties": {
          "ip": {
            "type": "string"
          },
          "userAgent": {
            "type": "string"
          },
          "page": {
            "type": "object",
            "description": "url, referrer, title… of the page"
          },
          "traits": {
            "type": "object"
          }
        }
      },
      "timestamp": {
        "$ref": "#/components/schemas/Time",
        "description": "RFC 3339; an offset is converted to UTC. An unreadable one is reported in `errors` and the call stored at the time received."
      },
      "messageId": {
        "$ref": "#/components/schemas/Id",
        "description": "A call whose messageId the store stored in the last 24 hours is answered as a success and not stored again."
      }
    }
  },
  "SegmentBatch": {
    "type": "object",
    "required": [
      "batch"
    ],
    "properties": {
      "batch": {
        "type": "array",
        "maxItems": 1000,
        "items": {
          "allOf": [
            {
              "$ref": "#/components/schemas/SegmentCall"
            },
            {
              "type": "object",
              "required": [
                "type"
              ]
            },
            {
              "if": {
                "properties": {
                  "type": {
                    "const": "track"
                  }
                },
                "required": [
                  "type"
                ]
              },
              "then": {
                "required": [
                  "event"
                ]
              }
            }
          ]
        }
      }
    }
  },
  "SegmentAnswer": {
    "type": "object",
    "required": [
      "success",
      "errors"
    ],
    "properties": {
      "success": {
        "type": "boolean"
      },
      "errors": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/EventError"
        }
      }
    }
  },
  "BatchResult": {
    "type": "object",
    "description": "What one run of consecutive events naming their contact the same way stored.",
    "required": [
      "contact_id",
      "events_stored",
      "errors"
    ],
    "properties": {
      "contact_id": {
        "type": [
          "integer",
          "null"
        ],
        "description": "null when the run's contact could not be used"
      },
      "events_stored": {
        "type": "integer"
      },
      "errors": {
        "type": "array",
        "items": {
          "$ref": "#/components/schemas/EventError"
        }
      },
      "error": {
        "type": "object",
        "description": "Why nothing of the run was stored (the contact does not exist…), as the Error shape's `error`.",
        "required": [
          "code",
          "message"
        ],
        "properties": {
          "code": {
            "type": "string"
          },
          "message": {
            "type": "string"
          },
          "field": {
            "type": "string"
          }
        }
      }
    }
  },
  "SegmentTrack": {
    "description": "A `track` call: needs its `event`.",
    "allOf": [
      {
        "$ref": "#/components/schemas/SegmentCall"
      },
      {
        "type": "object",
        "required": [
          "event"
        ]
      }
    ]
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
         {{"triggerPurchaseEvent", "boolean",
           "false: record the purchase without a purchase event (no workflow reacts); default true"}},
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
    for (std::string_view kind : {"/v1/identify", "/v1/page", "/v1/screen", "/v1/alias", "/v1/group"}) {
      list.push_back({Method::kPost, kind, {}, "SegmentCall", "SegmentAnswer"});
    }
    list.push_back({Method::kPost, "/v1/track", {}, "SegmentTrack", "SegmentAnswer"});
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
