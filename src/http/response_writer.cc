#include "http/response_writer.h"

#include <charconv>

#include "base/text.h"

namespace starling::http {
namespace {

using namespace std::string_view_literals;

bool SafeHeaderText(std::string_view text) {
  return text.find_first_of("\r\n\0"sv) == std::string_view::npos;
}

void AppendNumber(uint64_t n, std::string& out) {
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  (void)ec;  // 24 digits always suffice for a uint64_t
  out.append(digits, end);
}

void AppendHeader(std::string_view name, std::string_view value, std::string& out) {
  out.append(name);
  out.append(": "sv);
  out.append(value);
  out.append("\r\n"sv);
}

}  // namespace

bool StatusHasBody(int status) { return status >= 200 && status != 204 && status != 304; }

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Entity";
    case 425:
      return "Too Early";
    case 426:
      return "Upgrade Required";
    case 428:
      return "Precondition Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

namespace {

// Status line, Server, Date, Content-Type and the handler's headers. Returns the headers dropped.
int AppendCommonHead(const Response& response, int status, std::string_view date,
                     std::string& out) {
  out.append("HTTP/1.1 "sv);
  AppendNumber(static_cast<uint64_t>(status), out);
  out.push_back(' ');
  out.append(ReasonPhrase(status));
  out.append("\r\nServer: Starling\r\nDate: "sv);
  out.append(date);
  out.append("\r\n"sv);
  int dropped = 0;
  if (!response.content_type.empty()) {
    if (SafeHeaderText(response.content_type)) {
      AppendHeader("Content-Type", response.content_type, out);
    } else {
      ++dropped;
    }
  }
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || !SafeHeaderText(name) || name.find(':') != std::string::npos ||
        !SafeHeaderText(value)) {
      ++dropped;
      continue;
    }
    AppendHeader(name, value, out);
  }
  return dropped;
}

bool IsEventStream(std::string_view content_type) {
  std::string type = AsciiLower(Trim(content_type.substr(0, content_type.find(';'))));
  return type == "text/event-stream";
}

bool HasHeader(const Response& response, std::string_view lower_name) {
  for (const auto& [name, value] : response.headers) {
    if (AsciiLower(name) == lower_name) return true;
  }
  return false;
}

}  // namespace

int AppendResponseHead(const Response& response, std::string_view date, Persistence persistence,
                       std::string& out) {
  int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  int dropped = AppendCommonHead(response, status, date, out);
  switch (persistence) {
    case Persistence::kKeepAlive:
      break;
    case Persistence::kKeepAliveHttp10:
      out.append("Connection: keep-alive\r\n"sv);
      break;
    case Persistence::kClose:
      out.append("Connection: close\r\n"sv);
      break;
  }
  if (StatusHasBody(status)) {
    out.append("Content-Length: "sv);
    AppendNumber(response.body.size(), out);
    out.append("\r\n"sv);
  }
  out.append("\r\n"sv);
  return dropped;
}

int AppendStreamHead(const Response& response, std::string_view date, bool chunked,
                     std::string& out) {
  int status = response.status >= 100 && response.status <= 999 ? response.status : 500;
  int dropped = AppendCommonHead(response, status, date, out);
  if (!HasHeader(response, "cache-control")) out.append("Cache-Control: no-cache\r\n"sv);
  if (IsEventStream(response.content_type)) out.append("X-Accel-Buffering: no\r\n"sv);
  out.append("Connection: close\r\n"sv);
  if (chunked && StatusHasBody(status)) out.append("Transfer-Encoding: chunked\r\n"sv);
  out.append("\r\n"sv);
  return dropped;
}

}  // namespace starling::http
