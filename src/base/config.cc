#include "base/config.h"

#include "base/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <charconv>
#include <fstream>
#include <initializer_list>
#include <sstream>

namespace starling {
namespace {

bool IsKeyChar(char c) { return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'; }

Error BadValue(std::string_view key, std::string_view expected, std::string_view got) {
  return Error::InvalidArgument(fmt::format("setting `{}`: expected {}, got `{}`", key, expected, got),
                                std::string(key));
}

}  // namespace

Result<std::vector<ConfigEntry>> ParseConfigText(std::string_view text, std::string_view file_name) {
  std::vector<ConfigEntry> entries;
  size_t line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    ++line_no;
    std::string origin = fmt::format("{}:{}", file_name, line_no);
    size_t eq = line.find('=');
    size_t hash = line.find('#');
    if (eq == std::string_view::npos || (hash != std::string_view::npos && hash < eq)) {
      // No setting on this line: blank, a comment, or an error.
      if (Trim(line.substr(0, hash)).empty()) continue;
      return Error::InvalidArgument(
          fmt::format("{}: expected `key = value`, got `{}`", origin, Trim(line)));
    }
    std::string_view key = Trim(line.substr(0, eq));
    if (key.empty() || !std::all_of(key.begin(), key.end(), IsKeyChar)) {
      return Error::InvalidArgument(
          fmt::format("{}: key `{}` must be lower-case letters, digits and underscores", origin, key),
          std::string(key));
    }
    std::string_view rest = Trim(line.substr(eq + 1));
    std::string_view value;
    if (rest.starts_with('"')) {
      // A quoted value keeps every character up to the closing quote, '#' included; after it,
      // only a comment may follow.
      size_t close = rest.find('"', 1);
      if (close == std::string_view::npos) {
        return Error::InvalidArgument(
            fmt::format("{}: setting `{}`: the quoted value has no closing `\"`", origin, key),
            std::string(key));
      }
      std::string_view after = Trim(rest.substr(close + 1));
      if (!after.empty() && after.front() != '#') {
        return Error::InvalidArgument(
            fmt::format("{}: setting `{}`: unexpected `{}` after the quoted value (start a comment "
                        "with #)",
                        origin, key, after),
            std::string(key));
      }
      value = rest.substr(1, close - 1);
    } else {
      value = Trim(rest.substr(0, rest.find('#')));
    }
    entries.push_back({std::string(key), std::string(value), std::move(origin)});
  }
  return entries;
}

Result<std::vector<ConfigEntry>> ReadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error::InvalidArgument(fmt::format("cannot read config file `{}`: {}", path, std::strerror(errno)),
                                  "config");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseConfigText(buffer.str(), path);
}

Result<HostPort> ParseHostPort(std::string_view value, std::string_view key) {
  constexpr std::string_view kExpected = "host:port such as 127.0.0.1:8080 or [::1]:8080";
  std::string_view host, port;
  if (value.starts_with('[')) {
    size_t close = value.find(']');
    if (close == std::string_view::npos || close + 1 >= value.size() || value[close + 1] != ':') {
      return BadValue(key, kExpected, value);
    }
    host = value.substr(1, close - 1);
    port = value.substr(close + 2);
  } else {
    size_t colon = value.rfind(':');
    if (colon == std::string_view::npos || value.find(':') != colon) return BadValue(key, kExpected, value);
    host = value.substr(0, colon);
    port = value.substr(colon + 1);
  }
  if (host.empty()) return BadValue(key, kExpected, value);
  unsigned p = 0;
  auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || p > 65535) {
    return BadValue(key, "a port between 0 and 65535 in host:port", value);
  }
  return HostPort{std::string(host), static_cast<uint16_t>(p)};
}

Result<uint64_t> ParseByteSize(std::string_view value, std::string_view key) {
  constexpr std::string_view kExpected = "a size in bytes such as 8192, 64KiB or 1MiB";
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || ptr == value.data()) return BadValue(key, kExpected, value);
  std::string_view unit(ptr, value.data() + value.size() - ptr);
  uint64_t mult = 0;
  if (unit.empty() || unit == "B") mult = 1;
  else if (unit == "KiB" || unit == "KB" || unit == "k") mult = 1024;
  else if (unit == "MiB" || unit == "MB" || unit == "M") mult = 1024 * 1024;
  else if (unit == "GiB" || unit == "GB" || unit == "G") mult = 1024ull * 1024 * 1024;
  else return BadValue(key, kExpected, value);
  return n * mult;
}

namespace {

struct DurationUnit {
  std::string_view name;
  uint64_t microseconds;
};

// `value` as an integer and one of `units`, in microseconds, at most `max_us`; a bare "0" when
// `bare_zero`.
Result<uint64_t> ParseDurationUs(std::string_view value, std::string_view key, std::string_view expected,
                                 std::initializer_list<DurationUnit> units, uint64_t max_us, bool bare_zero) {
  uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || ptr == value.data()) return BadValue(key, expected, value);
  std::string_view unit(ptr, value.data() + value.size() - ptr);
  if (unit.empty() && bare_zero && n == 0) return uint64_t{0};
  for (const DurationUnit& u : units) {
    if (unit == u.name && n <= max_us / u.microseconds) return n * u.microseconds;
  }
  return BadValue(key, expected, value);
}

}  // namespace

Result<std::chrono::milliseconds> ParseDuration(std::string_view value, std::string_view key) {
  auto us = ParseDurationUs(value, key, "a duration such as 500ms, 30s or 2m",
                            {{"ms", 1'000}, {"s", 1'000'000}, {"m", 60'000'000}, {"h", 3'600'000'000}},
                            uint64_t{1} << 62, false);
  if (!us) return us.error();
  return std::chrono::milliseconds(*us / 1000);
}

Result<std::chrono::microseconds> ParseShortDuration(std::string_view value, std::string_view key) {
  auto us = ParseDurationUs(value, key, "a duration from 0 to 60s, such as 300us or 2ms",
                            {{"us", 1}, {"ms", 1'000}, {"s", 1'000'000}}, 60'000'000, true);
  if (!us) return us.error();
  return std::chrono::microseconds(*us);
}

Result<int64_t> ParseInteger(std::string_view value, std::string_view key, int64_t min, int64_t max) {
  int64_t n = 0;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || ptr != value.data() + value.size() || value.empty() || n < min || n > max) {
    return BadValue(key, fmt::format("an integer from {} to {}", min, max), value);
  }
  return n;
}

Result<bool> ParseBool(std::string_view value, std::string_view key) {
  if (value == "true" || value == "1" || value == "yes" || value == "on") return true;
  if (value == "false" || value == "0" || value == "no" || value == "off") return false;
  return BadValue(key, "true or false", value);
}

}  // namespace starling
