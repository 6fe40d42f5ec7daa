#include "app/server_config.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "accounts/ip_matcher.h"
#include "base/config.h"
#include "base/text.h"

namespace starling::app {
namespace fs = std::filesystem;

const std::vector<std::pair<std::string, std::string>>& ServerConfigKeys() {
  static const std::vector<std::pair<std::string, std::string>> keys = {
      {"listen", "address to serve on, host:port (default 127.0.0.1:8080; port 0 picks a free port)"},
      {"data_dir", "directory for the embedded database and other data (default ./data)"},
      {"db", "database URL (default sqlite:<data_dir>/starling.db)"},
      {"web_dir", "directory of the built web UI (default: web/dist of the source tree)"},
      {"sdk_dir", "directory of the built tracking script, served at /sdk/ (default: sdk/dist of the source tree)"},
      {"demo_dir", "directory of the demo shop, served at /demo/ (default: demo/shop of the source tree)"},
      {"test_clock", "TESTS ONLY: POST /api/v1/test/clock moves the server's clock forward (default false)"},
      {"log_level", "trace, debug, info, warn, error or off (default info)"},
      {"public_url", "URL people use to reach this server, for links in invitations (default http://<listen>)"},
      {"api_rate_limit", "requests per minute allowed to each API key (default 600)"},
      {"login_rate_limit", "sign-in attempts per minute allowed from one IP address (default 20)"},
      {"demo", "on an empty database, create a demo organization, store and administrator (default false)"},
      {"threads", "HTTP I/O threads, each with its own event loop (default: one per core)"},
      {"blocking_threads", "threads for request handlers that wait for the database (default 4)"},
      {"max_header_bytes", "largest accepted request header block (default 16KiB)"},
      {"max_body_bytes", "largest accepted request body (default 1MiB)"},
      {"read_timeout",
       "time to receive a whole request once its first byte came, else 408 (default 15s)"},
      {"idle_timeout", "connection closed when no request starts within this time (default 60s)"},
      {"shutdown_grace", "longest wait for in-flight requests on SIGTERM (default 10s)"},
      {"access_log", "log one line per request, true or false (default true)"},
      {"trusted_proxies",
       "comma-separated addresses or CIDR blocks of reverse proxies in front of Starling; a request from one "
       "is taken to come from the client it names in X-Forwarded-For (default none)"},
      {"commit_window",
       "under load, longest extra wait of a write for others to share its commit (default 300us; 0 disables)"},
  };
  return keys;
}

std::string FlagName(const std::string& key) {
  std::string flag = "--" + key;
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

namespace {

Status Apply(ServerConfig& config, const ConfigEntry& entry) {
  const std::string& key = entry.key;
  const std::string& value = entry.value;
  auto with_origin = [&](Error error) {
    error.message = fmt::format("{} ({})", error.message, entry.origin);
    return error;
  };
  if (key == "listen") {
    auto hp = ParseHostPort(value, key);
    if (!hp) return with_origin(hp.error());
    config.http.host = hp->host;
    config.http.port = hp->port;
  } else if (key == "data_dir") {
    if (value.empty()) return with_origin(Error::InvalidArgument("setting `data_dir` must not be empty", key));
    config.data_dir = value;
  } else if (key == "db") {
    config.db_url = value;
  } else if (key == "web_dir") {
    config.web_dir = value;
  } else if (key == "sdk_dir") {
    config.sdk_dir = value;
  } else if (key == "demo_dir") {
    config.demo_dir = value;
  } else if (key == "test_clock") {
    auto b = ParseBool(value, key);
    if (!b) return with_origin(b.error());
    config.test_clock = *b;
  } else if (key == "log_level") {
    static const std::vector<std::string> levels = {"trace", "debug", "info", "warn", "error", "off"};
    if (std::find(levels.begin(), levels.end(), value) == levels.end()) {
      return with_origin(Error::InvalidArgument(
          fmt::format("setting `log_level`: expected trace, debug, info, warn, error or off, got `{}`",
                      value),
          key));
    }
    config.log_level = value;
  } else if (key == "public_url") {
    std::string url = value;
    while (!url.empty() && url.back() == '/') url.pop_back();
    if (!url.starts_with("http://") && !url.starts_with("https://")) {
      return with_origin(Error::InvalidArgument(
          fmt::format("setting `public_url`: expected an http(s) URL like https://starling.example.com, got `{}`",
                      value),
          key));
    }
    config.public_url = url;
  } else if (key == "api_rate_limit" || key == "login_rate_limit") {
    auto n = ParseInteger(value, key, 1, 1'000'000);
    if (!n) return with_origin(n.error());
    (key == "api_rate_limit" ? config.api_rate_limit : config.login_rate_limit) = static_cast<uint32_t>(*n);
  } else if (key == "demo") {
    auto b = ParseBool(value, key);
    if (!b) return with_origin(b.error());
    config.demo = *b;
  } else if (key == "threads") {
    auto n = ParseInteger(value, key, 1, 256);
    if (!n) return with_origin(n.error());
    config.http.threads = static_cast<int>(*n);
  } else if (key == "blocking_threads") {
    auto n = ParseInteger(value, key, 1, 256);
    if (!n) return with_origin(n.error());
    config.http.blocking_threads = static_cast<int>(*n);
  } else if (key == "max_header_bytes" || key == "max_body_bytes") {
    auto n = ParseByteSize(value, key);
    if (!n) return with_origin(n.error());
    if (*n < 1024) {
      return with_origin(Error::InvalidArgument(
          fmt::format("setting `{}`: must be at least 1KiB, got `{}`", key, value), key));
    }
    (key == "max_header_bytes" ? config.http.max_header_bytes : config.http.max_body_bytes) = *n;
  } else if (key == "read_timeout" || key == "idle_timeout" || key == "shutdown_grace") {
    auto d = ParseDuration(value, key);
    if (!d) return with_origin(d.error());
    if (key == "read_timeout") config.http.read_timeout = *d;
    if (key == "idle_timeout") config.http.idle_timeout = *d;
    if (key == "shutdown_grace") config.http.shutdown_grace = *d;
  } else if (key == "commit_window") {
    auto d = ParseShortDuration(value, key);
    if (!d) return with_origin(d.error());
    config.commit_window = *d;
  } else if (key == "trusted_proxies") {
    std::vector<accounts::CidrBlock> blocks;
    for (std::string_view rest = value; !rest.empty();) {
      size_t comma = rest.find(',');
      std::string_view item = Trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
      if (item.empty()) continue;
      auto block = accounts::ParseCidr(item);
      if (!block) {
        return with_origin(Error::InvalidArgument(
            fmt::format("setting `trusted_proxies`: {} (expected addresses or CIDR blocks like 10.0.0.0/8, "
                        "separated by commas)",
                        block.error().message),
            key));
      }
      blocks.push_back(*block);
    }
    if (blocks.empty()) {
      config.http.trusted_proxy = nullptr;
    } else {
      auto matcher = std::make_shared<const accounts::IpMatcher>(blocks);
      config.http.trusted_proxy = [matcher](std::string_view address) { return matcher->Contains(address); };
    }
  } else if (key == "access_log") {
    auto b = ParseBool(value, key);
    if (!b) return with_origin(b.error());
    config.http.access_log = *b;
  } else {
    std::string known;
    for (const auto& [k, help] : ServerConfigKeys()) known += (known.empty() ? "" : ", ") + k;
    return Error::InvalidArgument(
        fmt::format("unknown setting `{}` ({}); known settings: {}", key, entry.origin, known), key);
  }
  return Ok();
}

std::string EnvName(const std::string& key) {
  std::string name = "STARLING_";
  for (char c : key) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

Result<ServerConfig> LoadServerConfig(const ConfigInputs& inputs) {
  ServerConfig config;
  std::optional<std::string> file = inputs.config_file;
  if (!file) {
    if (auto it = inputs.environment.find("STARLING_CONFIG"); it != inputs.environment.end()) {
      file = it->second;
    }
  }
  if (file) {
    STARLING_ASSIGN_OR_RETURN(std::vector<ConfigEntry> entries, ReadConfigFile(*file));
    for (const ConfigEntry& entry : entries) STARLING_TRY(Apply(config, entry));
  }
  for (const auto& [key, help] : ServerConfigKeys()) {
    std::string env = EnvName(key);
    if (auto it = inputs.environment.find(env); it != inputs.environment.end()) {
      STARLING_TRY(Apply(config, {key, it->second, "environment " + env}));
    }
  }
  // STARLING_* variables that are not settings: probably a typo; warn rather than refuse, since tools
  // around the server (tests, scripts) use the prefix for their own variables too.
  for (const auto& [name, value] : inputs.environment) {
    if (!name.starts_with("STARLING_") || name == "STARLING_CONFIG") continue;
    bool known = std::any_of(ServerConfigKeys().begin(), ServerConfigKeys().end(),
                             [&](const auto& k) { return EnvName(k.first) == name; });
    if (!known) config.warnings.push_back(fmt::format("environment variable {} is not a setting", name));
  }
  for (const auto& [key, value] : inputs.flags) {
    STARLING_TRY(Apply(config, {key, value, "flag " + FlagName(key)}));
  }
  if (config.db_url.empty()) {
    config.db_url = "sqlite:" + (fs::path(config.data_dir) / "starling.db").string();
  }
  // build/<preset>/starling → <source>/<relative>; otherwise ./<relative>.
  auto beside_source = [&](std::string& dir, const fs::path& relative) {
    if (!dir.empty()) return;
    std::error_code ec;
    fs::path beside = inputs.executable.parent_path().parent_path().parent_path() / relative;
    dir = !inputs.executable.empty() && fs::is_directory(beside, ec) ? beside.string() : relative.string();
  };
  beside_source(config.web_dir, fs::path("web") / "dist");
  beside_source(config.sdk_dir, fs::path("sdk") / "dist");
  beside_source(config.demo_dir, fs::path("demo") / "shop");
  return config;
}

std::string PublicUrl(const ServerConfig& config, uint16_t bound_port) {
  if (!config.public_url.empty()) return config.public_url;
  std::string host = config.http.host == "0.0.0.0" || config.http.host == "::" ? "127.0.0.1" : config.http.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("http://{}:{}", host, bound_port != 0 ? bound_port : config.http.port);
}

}  // namespace starling::app
