// `starling serve`: wires the modules together and serves until SIGTERM/SIGINT.
#pragma once

#include "app/server_config.h"

namespace starling::app {

// Returns the process exit code: 0 after a graceful shutdown, 1 when start-up failed (the reason is
// logged and printed on stderr).
int Serve(const ServerConfig& config);

// `starling migrate`: applies pending migrations and prints a JSON report. Exit code as above.
int MigrateCommand(const ServerConfig& config);

}  // namespace starling::app
