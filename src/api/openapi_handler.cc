#include "api/openapi_handler.h"

#include <map>

#include "api/openapi_schemas.h"
#include "base/version.h"

namespace starling::api {
namespace {

std::string LowerMethod(http::Method method) {
  std::string name(http::MethodName(method));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

json::object SchemaRef(std::string_view name) {
  return json::object{{"schema", json::object{{"$ref", "#/components/schemas/" + std::string(name)}}}};
}

const OperationDetails* Details(const RouteDoc& doc) {
  for (const OperationDetails& d : DetailedOperations()) {
    if (d.method == doc.method && d.pattern == doc.pattern) return &d;
  }
  return nullptr;
}

json::object Operation(const RouteDoc& doc) {
  json::array parameters;
  std::string_view p = doc.pattern;
  for (size_t open = p.find('{'); open != std::string_view::npos; open = p.find('{', open + 1)) {
    size_t close = p.find('}', open);
    std::string name(p.substr(open + 1, close - open - 1));
    bool numeric = name.ends_with("_id") && name != "key_id";
    parameters.push_back(json::object{{"name", name},
                                      {"in", "path"},
                                      {"required", true},
                                      {"schema", json::object{{"type", numeric ? "integer" : "string"}}}});
  }
  std::string docs(DocsFor(doc.pattern));
  json::object responses{
      {"default", json::object{{"description", "an error (docs/api.md), or see " + docs},
                               {"content", json::object{{"application/json", SchemaRef("Error")}}}}}};
  json::object op{{"summary", doc.summary},
                  {"x-starling-access", doc.access},
                  {"externalDocs", json::object{{"description", "reference"}, {"url", docs}}},
                  {"responses", std::move(responses)}};
  if (const OperationDetails* details = Details(doc)) {
    for (const QueryParamDoc& q : details->query) {
      parameters.push_back(json::object{{"name", q.name},
                                        {"in", "query"},
                                        {"required", false},
                                        {"description", q.description},
                                        {"schema", json::object{{"type", q.type}}}});
    }
    if (!details->request_schema.empty()) {
      json::object content{{"application/json", SchemaRef(details->request_schema)}};
      // The script's own requests are text/plain JSON (a "simple" request: no CORS preflight).
      if (doc.access == "tracking_token") content["text/plain"] = SchemaRef(details->request_schema);
      op["requestBody"] = json::object{{"required", true}, {"content", std::move(content)}};
    }
    if (!details->response_schema.empty()) {
      op["responses"].as_object()[std::to_string(details->success_status)] =
          json::object{{"description", "done (for writes: once durably stored)"},
                       {"content", json::object{{"application/json", SchemaRef(details->response_schema)}}}};
    }
  }
  if (!doc.stream_content_type.empty()) {
    op["responses"].as_object()["200"] = json::object{
        {"description", "a stream that stays open (see docs/api.md, Streaming responses)"},
        {"content", json::object{{doc.stream_content_type, json::object{{"schema", json::object{{"type", "string"}}}}}}}};
  }
  if (!parameters.empty()) op["parameters"] = std::move(parameters);
  if (doc.access == "public" || doc.access == "tracking_token") {
    op["security"] = json::array{};
  } else if (doc.access == "write_key") {
    op["security"] = json::array{json::object{{"writeKey", json::array{}}}};
  } else if (doc.access.starts_with("key:")) {
    op["security"] = json::array{json::object{{"apiKey", json::array{}}}};  // API keys only
  } else if (doc.access.find("+key") != std::string::npos || doc.access == "caller") {
    op["security"] = json::array{json::object{{"session", json::array{}}}, json::object{{"apiKey", json::array{}}}};
  } else {
    op["security"] = json::array{json::object{{"session", json::array{}}}};
  }
  return op;
}

}  // namespace

void RegisterOpenApiRoute(http::Router& router, const ApiRoutes& routes) {
  router.Get("/api/openapi.json", [&routes](http::Request&) {
    std::map<std::string, json::object> paths;
    for (const RouteDoc& doc : routes.docs()) paths[doc.pattern][LowerMethod(doc.method)] = Operation(doc);
    json::object path_object;
    for (auto& [pattern, ops] : paths) path_object[pattern] = std::move(ops);
    json::object document{
        {"openapi", "3.1.0"},
        {"info", json::object{{"title", "Starling API"}, {"version", kStarlingVersion}}},
        {"paths", std::move(path_object)},
        {"components",
         json::object{{"schemas", OpenApiSchemas()},
                      {"securitySchemes",
                       json::object{{"apiKey", json::object{{"type", "apiKey"},
                                                            {"in", "header"},
                                                            {"name", "Authorization"},
                                                            {"description", "apiKey {keyId}:{keySecret}"}}},
                                    {"writeKey", json::object{{"type", "http"},
                                                              {"scheme", "basic"},
                                                              {"description",
                                                               "the store's tracking token as the user name, "
                                                               "password empty (Segment's write key)"}}},
                                    {"session", json::object{{"type", "apiKey"},
                                                             {"in", "cookie"},
                                                             {"name", std::string(kSessionCookie)}}}}}}}};
    return http::Response::Json(200, document);
  });
}

}  // namespace starling::api
