// Error values: what went wrong, in words a user can act on.
//
// Expected failures travel as `Result<T>` (result.h) holding an `Error`. The `ErrorCode` decides the HTTP
// status, and the mapping lives in exactly one place (http/error_response.cc).
#pragma once

#include <string>
#include <string_view>

namespace starling {

enum class ErrorCode {
  kInvalidArgument,     // 400: the request is malformed or a field has a bad value
  kUnauthenticated,     // 401
  kPermissionDenied,    // 403
  kNotFound,            // 404
  kMethodNotAllowed,    // 405
  kConflict,            // 409: already exists, version mismatch
  kPayloadTooLarge,     // 413
  kUnsupportedMedia,    // 415
  kUnprocessable,       // 422: well-formed but semantically wrong
  kRateLimited,         // 429
  kUnavailable,         // 503: a dependency (the database) cannot be reached; retry later
  kInternal,            // 500: a bug or an I/O failure the caller cannot fix
};

// Stable machine-readable name of a code, as it appears in API error bodies ("invalid_argument").
std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;  // Says what to fix: "field `listen`: expected host:port, got `8080`".
  std::string field;    // The offending field or key, when there is one; empty otherwise.

  static Error InvalidArgument(std::string message, std::string field = {}) {
    return {ErrorCode::kInvalidArgument, std::move(message), std::move(field)};
  }
  static Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message), {}}; }
  static Error Conflict(std::string message) { return {ErrorCode::kConflict, std::move(message), {}}; }
  static Error Unavailable(std::string message) {
    return {ErrorCode::kUnavailable, std::move(message), {}};
  }
  static Error Internal(std::string message) { return {ErrorCode::kInternal, std::move(message), {}}; }

  // "invalid_argument: field `x`: …" — for logs and CLI output.
  std::string ToString() const;
};

}  // namespace starling
