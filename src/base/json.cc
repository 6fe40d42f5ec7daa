#include "base/json.h"

#include <algorithm>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>
#include <fmt/format.h>

namespace starling {

std::string JsonSyntaxProblem(std::string_view text) {
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return "the body is empty";
  json::parse_options options;
  options.max_depth = 64;
  json::stream_parser parser({}, options);
  boost::system::error_code ec;
  size_t at = parser.write_some(text.data(), text.size(), ec);
  std::string why;
  if (!ec && at < text.size() && text.find_first_not_of(" \t\r\n", at) != std::string_view::npos) {
    why = "more text after the JSON value";  // write_some stops where a complete value ends
  } else if (!ec) {
    parser.finish(ec);
    at = text.size();
    if (!ec) return {};
  }
  if (why.empty()) why = ec.message();
  at = std::min(at, text.size());
  auto continuation = [&](size_t i) { return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80; };
  // Lines and columns in characters (UTF-8 continuation bytes are not counted).
  size_t line = 1, column = 1;
  for (size_t i = 0; i < at; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else if (!continuation(i)) {
      ++column;
    }
  }
  // What comes just before the error, on its line (about 24 bytes), starting on a whole character so
  // that the message stays valid UTF-8.
  size_t line_start = text.rfind('\n', at == 0 ? 0 : at - 1);
  line_start = line_start == std::string_view::npos || at == 0 ? 0 : line_start + 1;
  size_t from = std::max(line_start, at > 24 ? at - 24 : 0);
  while (from < at && continuation(from)) ++from;
  std::string near(text.substr(from, at - from));
  for (char& c : near) {
    if (static_cast<unsigned char>(c) < 0x20 || c == '`') c = ' ';
  }
  return fmt::format("at line {}, column {}{}: {}", line, column,
                     near.empty() ? "" : fmt::format(", after `{}`", near), why);
}

std::string InvalidJsonMessage(std::string_view what, std::string_view text, std::string_view fallback) {
  std::string where = JsonSyntaxProblem(text);
  if (where.empty()) return fmt::format("{}: {}", what, fallback);
  // "… at line 1, column 9, after …: why", or "…: the body is empty".
  return fmt::format("{}{}{}", what, where.starts_with("at ") ? " " : ": ", where);
}

Result<json::value> ParseJson(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  json::value value = json::parse(text, ec, {}, options);
  if (ec) {
    return Error::InvalidArgument(InvalidJsonMessage("invalid JSON", text, ec.message()));
  }
  return value;
}

Result<json::object> ParseJsonObject(std::string_view text) {
  STARLING_ASSIGN_OR_RETURN(json::value value, ParseJson(text));
  if (!value.is_object()) {
    return Error::InvalidArgument(
        fmt::format("expected a JSON object at the top level, got {}", JsonKindName(value)));
  }
  return std::move(value.as_object());
}

std::string ToJson(const json::value& value) { return json::serialize(value); }

json::value ErrorToJson(const Error& error) {
  json::object inner;
  inner["code"] = ErrorCodeName(error.code);
  inner["message"] = error.message;
  if (!error.field.empty()) inner["field"] = error.field;
  json::object outer;
  outer["error"] = std::move(inner);
  return outer;
}

std::string_view JsonKindName(const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_: return "number";
    case json::kind::string: return "string";
    case json::kind::array: return "array";
    case json::kind::object: return "object";
  }
  return "unknown";
}

namespace {

Result<const json::value*> Find(const json::object& object, std::string_view field) {
  auto it = object.find(field);
  if (it == object.end()) {
    return Error::InvalidArgument(fmt::format("field `{}` is required", field), std::string(field));
  }
  return &it->value();
}

Error WrongKind(std::string_view field, std::string_view expected, const json::value& got) {
  return Error::InvalidArgument(
      fmt::format("field `{}`: expected {}, got {}", field, expected, JsonKindName(got)),
      std::string(field));
}

}  // namespace

Result<std::string> GetString(const json::object& object, std::string_view field) {
  STARLING_ASSIGN_OR_RETURN(const json::value* v, Find(object, field));
  if (!v->is_string()) return WrongKind(field, "string", *v);
  return std::string(v->as_string());
}

Result<int64_t> GetInt(const json::object& object, std::string_view field) {
  STARLING_ASSIGN_OR_RETURN(const json::value* v, Find(object, field));
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->as_uint64());
  }
  return WrongKind(field, "integer", *v);
}

Result<bool> GetBool(const json::object& object, std::string_view field) {
  STARLING_ASSIGN_OR_RETURN(const json::value* v, Find(object, field));
  if (!v->is_bool()) return WrongKind(field, "boolean", *v);
  return v->as_bool();
}

namespace {

// The value of an optional field, or nullptr when absent or null.
const json::value* FindOptional(const json::object& object, std::string_view field) {
  auto it = object.find(field);
  if (it == object.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

std::string_view NameOr(std::string_view name, std::string_view field) { return name.empty() ? field : name; }

}  // namespace

Result<std::optional<std::string>> GetOptionalString(const json::object& object, std::string_view field,
                                                     std::string_view name) {
  const json::value* v = FindOptional(object, field);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return WrongKind(NameOr(name, field), "string", *v);
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<int64_t>> GetOptionalInt(const json::object& object, std::string_view field,
                                              std::string_view name) {
  const json::value* v = FindOptional(object, field);
  if (!v) return std::optional<int64_t>();
  if (v->is_int64()) return std::optional<int64_t>(v->as_int64());
  if (v->is_uint64() && v->as_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return std::optional<int64_t>(static_cast<int64_t>(v->as_uint64()));
  }
  return WrongKind(NameOr(name, field), "integer", *v);
}

Result<std::optional<bool>> GetOptionalBool(const json::object& object, std::string_view field,
                                            std::string_view name) {
  const json::value* v = FindOptional(object, field);
  if (!v) return std::optional<bool>();
  if (!v->is_bool()) return WrongKind(NameOr(name, field), "boolean", *v);
  return std::optional<bool>(v->as_bool());
}

Result<const json::object*> GetOptionalObject(const json::object& object, std::string_view field,
                                              std::string_view name) {
  const json::value* v = FindOptional(object, field);
  if (!v) return static_cast<const json::object*>(nullptr);
  if (!v->is_object()) return WrongKind(NameOr(name, field), "object", *v);
  return &v->as_object();
}

Result<std::optional<std::vector<std::string>>> GetOptionalStringArray(const json::object& object,
                                                                       std::string_view field,
                                                                       std::string_view name) {
  const json::value* v = FindOptional(object, field);
  if (!v) return std::optional<std::vector<std::string>>();
  if (!v->is_array()) return WrongKind(NameOr(name, field), "array of strings", *v);
  std::vector<std::string> out;
  for (const json::value& item : v->as_array()) {
    if (!item.is_string()) return WrongKind(NameOr(name, field), "array of strings", item);
    out.emplace_back(item.as_string());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

json::value NumberValue(double value) {
  if (value == static_cast<double>(static_cast<int64_t>(value)) && value > -9e15 && value < 9e15) {
    return static_cast<int64_t>(value);
  }
  return value;
}

}  // namespace starling
