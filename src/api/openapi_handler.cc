#include "api/openapi_handler.h"

#include <map>

#include "base/version.h"

namespace starling::api {
namespace {

std::string LowerMethod(http::Method method) {
  std::string name(http::MethodName(method));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
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
  json::object op{{"summary", doc.summary},
                  {"x-starling-access", doc.access},
                  {"responses", json::object{{"default", json::object{{"description", "see docs/api-accounts.md"}}}}}};
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
         json::object{{"securitySchemes",
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
