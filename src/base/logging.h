// Logging: spdlog, configured once at start-up by app/.
//
// Log lines go to stderr ("2026-11-23T13:40:01.123Z info  http GET /healthz 200 0.1ms"). Modules log
// through spdlog's default logger: `spdlog::info("…{}…", x)`.
#pragma once

#include <string_view>

#include "base/result.h"

namespace starling {

// Sets the default logger's level ("trace", "debug", "info", "warn", "error", "off") and pattern.
Status ConfigureLogging(std::string_view level);

// Names the calling thread (at most 15 characters show) so `top -H`, perf and gdb tell threads apart:
// "http-io-0", "engine-1", "db-commit".
void NameThisThread(std::string_view name);

}  // namespace starling
