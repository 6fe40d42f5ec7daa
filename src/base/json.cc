#include "base/json.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace starling {

Result<json::value> ParseJson(std::string_view text) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 64;
  json::value value = json::parse(text, ec, {}, options);
  if (ec) {
    return Error::InvalidArgument(fmt::format("invalid JSON: {}", ec.message()));
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

}  // namespace starling
