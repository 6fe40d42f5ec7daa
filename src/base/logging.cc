#include "base/logging.h"

#include <pthread.h>

#include <string>

#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace starling {

Status ConfigureLogging(std::string_view level) {
  spdlog::level::level_enum parsed = spdlog::level::from_str(std::string(level));
  if (parsed == spdlog::level::off && level != "off") {
    return Error::InvalidArgument(
        fmt::format("setting `log_level`: expected trace, debug, info, warn, error or off, got `{}`",
                    level),
        "log_level");
  }
  auto logger = spdlog::stderr_color_mt("starling");
  spdlog::set_default_logger(logger);
  spdlog::set_level(parsed);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %-5l %v", spdlog::pattern_time_type::utc);
  spdlog::flush_on(spdlog::level::warn);
  return Ok();
}

void NameThisThread(std::string_view name) {
  std::string truncated(name.substr(0, 15));
  pthread_setname_np(pthread_self(), truncated.c_str());
}

}  // namespace starling
