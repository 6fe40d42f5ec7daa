// What GET /api/openapi.json says beyond the routes' registrations: the request and answer schemas of
// the ingestion routes (the script endpoint, the REST events API, the Segment-spec API, the timeline),
// their query parameters, and which document of docs/ explains each route. The schemas follow
// docs/integration.md; tests/integration/openapi_test.cc checks that every `$ref` resolves and that
// every route described here is registered.
#pragma once

#include <string_view>
#include <utility>
#include <vector>

#include "base/json.h"
#include "http/router.h"

namespace starling::api {

struct QueryParamDoc {
  std::string_view name;
  std::string_view type;  // a JSON Schema type: "boolean", "integer", "string"
  std::string_view description;
};

struct OperationDetails {
  http::Method method;
  std::string_view pattern;
  std::vector<QueryParamDoc> query;
  std::string_view request_schema;   // a name of components.schemas, or empty (no body)
  std::string_view response_schema;  // the success answer's schema, or empty
  int success_status = 200;
};

// The operations described in detail.
const std::vector<OperationDetails>& DetailedOperations();
// Their schemas (components.schemas), parsed once.
const json::object& OpenApiSchemas();
// The document of docs/ that explains the route `pattern` ("docs/integration.md").
std::string_view DocsFor(std::string_view pattern);

}  // namespace starling::api
