// ServerConfig: every setting of `starling serve`, and where it comes from.
//
// Precedence: defaults < config file (--config or STARLING_CONFIG) < environment (STARLING_<KEY>, e.g.
// STARLING_LISTEN) < command-line flags (--listen). Unknown keys in the file and bad values anywhere are
// start-up errors that name the key and its origin. docs/configuration.md lists the keys.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "http/server.h"

namespace starling::app {

struct ServerConfig {
  http::ServerOptions http;     // listen, threads, limits, timeouts, access_log
  std::string data_dir = "./data";
  std::string db_url;           // default: sqlite:<data_dir>/starling.db
  std::string web_dir;          // default: web/dist beside the binary's source tree, else ./web/dist
  std::string sdk_dir;          // default: sdk/dist, likewise
  std::string demo_dir;         // default: demo/shop, likewise
  bool test_clock = false;      // tests only: the clock can be moved forward over HTTP
  std::string log_level = "info";
  std::string public_url;       // empty: derived from `listen` (see PublicUrl)
  uint32_t api_rate_limit = 600;     // requests per minute per API key
  uint32_t login_rate_limit = 20;    // sign-in attempts per minute per client IP
  bool demo = false;            // create a demo organization, store and administrator in an empty database
  std::chrono::microseconds commit_window{300};  // db::GroupCommitOptions::commit_window
  std::vector<std::string> warnings;  // non-fatal findings (unknown STARLING_* variables), logged at start
};

struct ConfigInputs {
  std::optional<std::string> config_file;          // --config
  std::map<std::string, std::string> environment;  // the process environment
  std::map<std::string, std::string> flags;        // key -> value, only flags given on the command line
  std::filesystem::path executable;                // to locate web/dist next to a build tree
};

// The keys `serve` accepts, with one-line help, for --help and docs.
const std::vector<std::pair<std::string, std::string>>& ServerConfigKeys();

// The command-line flag for a key, as the user types it: "read_timeout" -> "--read-timeout".
std::string FlagName(const std::string& key);

Result<ServerConfig> LoadServerConfig(const ConfigInputs& inputs);

// The configured public_url, or http://<listen host>:<port> (`bound_port`, when not 0, replaces a
// configured port 0; 0.0.0.0 and :: become 127.0.0.1).
std::string PublicUrl(const ServerConfig& config, uint16_t bound_port = 0);

}  // namespace starling::app
