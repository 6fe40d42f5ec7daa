// Validation and normalization of account fields. Every error names the request field and says what
// to fix ("field `email`: `ana@` is not an email address").
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace starling::accounts {

// Trims and lower-cases; refuses what is not shaped like local@domain.tld (≤ 254 characters).
Result<std::string> NormalizeEmail(std::string_view text, std::string_view field = "email");
// The normalized email (lower case, trimmed) in `email`, or why `text` is not an email address, without
// naming a field: for callers that word their errors their own way (the tracking parser).
std::optional<std::string> EmailProblem(std::string_view text, std::string& email);
// 8 to 256 characters (bytes of UTF-8).
Status ValidatePassword(std::string_view password, std::string_view field = "password");
// Trims; 1 to `max_length` characters, no control characters.
Result<std::string> ValidateName(std::string_view text, std::string_view field, size_t max_length = 200);
// Optional free text: trims; at most `max_length`; no control characters other than newline and tab.
Result<std::string> ValidateText(std::string_view text, std::string_view field, size_t max_length);
// An absolute http(s) URL with a host, or empty when `allow_empty`.
Result<std::string> ValidateUrl(std::string_view text, std::string_view field, bool allow_empty);
// ISO 639-1 language code, two lower-case letters ("en", "fr"); "en-GB" style tags are accepted too.
Result<std::string> ValidateLanguage(std::string_view text, std::string_view field = "language");
// An IANA time zone known to this machine's tz database ("Europe/Madrid", "UTC").
Result<std::string> ValidateTimeZone(std::string_view text, std::string_view field = "time_zone");
// An ISO 4217 currency code in use ("EUR", "USD"); lower case is upper-cased.
Result<std::string> ValidateCurrency(std::string_view text, std::string_view field = "currency");
// A host name a shop is served from: "shop.example", "www.shop.example:8443", "localhost:8080". A
// pasted URL ("https://shop.example/path") is reduced to its host[:port]. "*.shop.example" stands for
// every subdomain. Lower-cased.
Result<std::string> NormalizeDomain(std::string_view text, std::string_view field = "authorized_domains");
// Whether the host of `url` (an absolute URL, or an Origin header's scheme://host[:port]) is one of
// `authorized_domains` (as NormalizeDomain makes them: a domain with a port matches that port only;
// "*.shop.example" matches shop.example and its subdomains). User info before an `@` is not the host.
bool HostAuthorized(const std::vector<std::string>& authorized_domains, std::string_view url);

}  // namespace starling::accounts
