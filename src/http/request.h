// Request and Response: the HTTP types handlers see. Plain structs, no Beast, so every module above
// http/ (api/ handlers, tests) can use them without pulling in the networking headers.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "base/json.h"

namespace starling::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };
std::string_view MethodName(Method method);

struct Request {
  Method method = Method::kGet;
  std::string method_text;  // as sent, for logs ("GET", "PROPFIND")
  std::string target;       // as sent: path + query
  std::string path;         // percent-decoded path, without the query
  std::string query;        // raw query string, without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in arrival order
  std::string body;
  std::string remote_address;  // peer IP, as text
  // Filled by the router: values of `{name}` segments of the matched route.
  std::vector<std::pair<std::string, std::string>> path_params;

  // First header with this (lower-case) name, if any.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  // Value of a path parameter; empty if the route has none by that name.
  std::string_view PathParam(std::string_view name) const;
  // First query parameter with this name, percent-decoded.
  std::optional<std::string> QueryParam(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type;  // empty: no Content-Type header (e.g. 204)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static Response Json(int status, const json::value& value);
  static Response Text(int status, std::string text, std::string content_type = "text/plain; charset=utf-8");
  static Response NoContent() { return Response{204, {}, {}, {}}; }
  // The API's one error shape with the status its code maps to.
  static Response FromError(const Error& error);
};

// The one mapping from error codes to HTTP statuses.
int HttpStatusFor(ErrorCode code);

// Percent-decodes `text` ('+' kept as is); nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view text);

}  // namespace starling::http
