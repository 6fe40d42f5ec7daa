#include "http/request.h"

#include <arpa/inet.h>

#include "base/text.h"

namespace starling::http {

std::string_view MethodName(Method method) {
  switch (method) {
    case Method::kGet: return "GET";
    case Method::kHead: return "HEAD";
    case Method::kPost: return "POST";
    case Method::kPut: return "PUT";
    case Method::kPatch: return "PATCH";
    case Method::kDelete: return "DELETE";
    case Method::kOptions: return "OPTIONS";
    case Method::kOther: return "OTHER";
  }
  return "OTHER";
}

std::optional<std::string_view> Request::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return std::string_view(value);
  }
  return std::nullopt;
}

std::string_view Request::PathParam(std::string_view name) const {
  for (const auto& [key, value] : path_params) {
    if (key == name) return value;
  }
  return {};
}

std::optional<std::string> Request::QueryParam(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    if (key != name) continue;
    std::string_view raw = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
    std::string plus_as_space(raw);
    for (char& c : plus_as_space) {
      if (c == '+') c = ' ';
    }
    return PercentDecode(plus_as_space);
  }
  return std::nullopt;
}

Response Response::Json(int status, const json::value& value) {
  return Response{status, "application/json", {}, ToJson(value)};
}

Response Response::Text(int status, std::string text, std::string content_type) {
  return Response{status, std::move(content_type), {}, std::move(text)};
}

Response Response::Stream(std::string content_type, StreamStart start, StreamOptions options) {
  Response response{200, std::move(content_type), {}, {}};
  response.stream = std::make_shared<const StreamSpec>(StreamSpec{std::move(start), std::move(options)});
  return response;
}

Response Response::FromError(const Error& error) {
  return Json(HttpStatusFor(error.code), ErrorToJson(error));
}

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 400;
    case ErrorCode::kUnauthenticated: return 401;
    case ErrorCode::kPermissionDenied: return 403;
    case ErrorCode::kNotFound: return 404;
    case ErrorCode::kMethodNotAllowed: return 405;
    case ErrorCode::kConflict: return 409;
    case ErrorCode::kPayloadTooLarge: return 413;
    case ErrorCode::kUnsupportedMedia: return 415;
    case ErrorCode::kUnprocessable: return 422;
    case ErrorCode::kRateLimited: return 429;
    case ErrorCode::kUnavailable: return 503;
    case ErrorCode::kInternal: return 500;
  }
  return 500;
}

namespace {

// An IPv4 or IPv6 address as text ("203.0.113.7", "2001:db8::1", "[2001:db8::1]" → without brackets);
// nullopt for anything else.
std::optional<std::string> IpText(std::string_view text) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  std::string s(text);
  unsigned char buf[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, s.c_str(), buf) != 1 && inet_pton(AF_INET6, s.c_str(), buf) != 1) return std::nullopt;
  return s;
}

}  // namespace

std::string ForwardedClient(std::string_view peer, std::optional<std::string_view> forwarded_for,
                            const std::function<bool(std::string_view)>& trusted) {
  if (!forwarded_for) return std::string(peer);
  std::string_view list = *forwarded_for;
  std::optional<std::string> leftmost;
  while (!list.empty()) {
    size_t comma = list.rfind(',');
    std::string_view entry = Trim(comma == std::string_view::npos ? list : list.substr(comma + 1));
    list = comma == std::string_view::npos ? std::string_view{} : list.substr(0, comma);
    std::optional<std::string> ip = IpText(entry);
    if (!ip) return std::string(peer);  // not a list of addresses: the proxy is misconfigured
    if (!trusted(*ip)) return std::move(*ip);
    leftmost = std::move(ip);
  }
  return leftmost ? std::move(*leftmost) : std::string(peer);
}

std::optional<std::string> PercentDecode(std::string_view text) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;  // needs two hex digits after '%'
    int hi = hex(text[i + 1]);
    int lo = hex(text[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace starling::http
