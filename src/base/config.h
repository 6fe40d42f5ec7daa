// Configuration sources and value parsers.
//
// Starling reads its settings from a file, then environment variables, then command-line flags, each
// overriding the one before (app/server_config.h lists the keys). This file holds the source-independent
// parts: the file format and the value parsers, each returning an Error that names the key.
//
// File format (`starling.conf`): one `key = value` per line; blank lines ignored; `#` starts a
// comment, also after a value. A value may be wrapped in double quotes to keep a `#` (no escapes);
// only a comment may follow the closing quote. Keys use snake_case:
//   listen = "127.0.0.1:8080"  # public
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace starling {

struct ConfigEntry {
  std::string key;
  std::string value;
  std::string origin;  // "starling.conf:12", "environment STARLING_LISTEN", "flag --listen"
};

// Parses the text of a config file. `file_name` is used in error messages ("starling.conf:3: …").
Result<std::vector<ConfigEntry>> ParseConfigText(std::string_view text, std::string_view file_name);
// Reads and parses a config file.
Result<std::vector<ConfigEntry>> ReadConfigFile(const std::string& path);

struct HostPort {
  std::string host;
  uint16_t port = 0;
};

// Value parsers. `key` names the setting in the error message.
Result<HostPort> ParseHostPort(std::string_view value, std::string_view key);      // "127.0.0.1:8080", "[::1]:0"
Result<uint64_t> ParseByteSize(std::string_view value, std::string_view key);      // "8192", "8KiB", "1MiB"
Result<std::chrono::milliseconds> ParseDuration(std::string_view value, std::string_view key);  // "500ms", "30s", "2m"
// Sub-millisecond settings: "300us", "2ms", "1s", or "0".
Result<std::chrono::microseconds> ParseShortDuration(std::string_view value, std::string_view key);
Result<int64_t> ParseInteger(std::string_view value, std::string_view key, int64_t min, int64_t max);
Result<bool> ParseBool(std::string_view value, std::string_view key);              // true/false/1/0/yes/no

}  // namespace starling
