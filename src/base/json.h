// JSON helpers over Boost.JSON, for general (non hot-path) JSON: API bodies, settings, errors.
#pragma once

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <optional>
#include <vector>

#include "base/error.h"
#include "base/result.h"

namespace starling {

namespace json = boost::json;

// Parses `text`; the error says where it broke ("invalid JSON at line 1, column 9, after `{"a":`: …").
Result<json::value> ParseJson(std::string_view text);
// Where and why `text` is not JSON, for an error message ("at line 3, column 14, after `"name": tru`:
// syntax error", or "the body is empty"); empty when it is JSON. Slow path: only for refused bodies.
std::string JsonSyntaxProblem(std::string_view text);
// "<what> at line 1, column 9, after `…`: <why>" (or "<what>: the body is empty"; "<what>: <fallback>"
// when `text` is JSON after all).
std::string InvalidJsonMessage(std::string_view what, std::string_view text, std::string_view fallback);
// Parses `text` and requires an object at the top level.
Result<json::object> ParseJsonObject(std::string_view text);

// Compact serialization.
std::string ToJson(const json::value& value);

// The one error body shape of the API: {"error":{"code":"…","message":"…","field":"…"}}.
// `field` is omitted when the error names none.
json::value ErrorToJson(const Error& error);

// Typed field access with errors that name the field ("field `name`: expected string, got number").
Result<std::string> GetString(const json::object& object, std::string_view field);
Result<int64_t> GetInt(const json::object& object, std::string_view field);
Result<bool> GetBool(const json::object& object, std::string_view field);

// Optional fields: nullopt when absent (or null); an error naming `name` (default: `field`) when present
// with the wrong type. `name` lets nested objects report their full path ("address.city").
Result<std::optional<std::string>> GetOptionalString(const json::object& object, std::string_view field,
                                                     std::string_view name = {});
Result<std::optional<int64_t>> GetOptionalInt(const json::object& object, std::string_view field,
                                              std::string_view name = {});
Result<std::optional<bool>> GetOptionalBool(const json::object& object, std::string_view field,
                                            std::string_view name = {});
Result<const json::object*> GetOptionalObject(const json::object& object, std::string_view field,
                                              std::string_view name = {});  // nullptr when absent
Result<std::optional<std::vector<std::string>>> GetOptionalStringArray(const json::object& object,
                                                                       std::string_view field,
                                                                       std::string_view name = {});

// A number as JSON shows it best: whole values as integers (1, not 1E0), others as doubles.
json::value NumberValue(double value);

// "string", "number", "object"… — for error messages.
std::string_view JsonKindName(const json::value& value);

}  // namespace starling
