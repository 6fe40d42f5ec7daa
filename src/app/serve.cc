#include "app/serve.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "api/system_handlers.h"
#include "base/json.h"
#include "base/logging.h"
#include "base/metrics.h"
#include "base/version.h"
#include "db/group_commit.h"
#include "db/migrations.h"
#include "db/open.h"
#include "http/router.h"
#include "http/server.h"
#include "http/static_files.h"

namespace starling::app {
namespace fs = std::filesystem;
namespace {

int Fail(const Error& error) {
  spdlog::error("{}", error.message);
  std::fprintf(stderr, "starling: %s\n", error.message.c_str());
  return 1;
}

Result<std::unique_ptr<db::Database>> OpenAndMigrate(const ServerConfig& config) {
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  if (ec) {
    return Error::InvalidArgument(
        fmt::format("setting `data_dir`: cannot create `{}`: {}", config.data_dir, ec.message()),
        "data_dir");
  }
  STARLING_ASSIGN_OR_RETURN(std::unique_ptr<db::Database> database,
                            db::OpenDatabase(config.db_url, db::DatabaseOptions{}));
  STARLING_ASSIGN_OR_RETURN(db::MigrationReport report, db::Migrate(*database));
  if (!report.applied.empty()) {
    spdlog::info("db: migrated {} from version {} to {}", database->description(),
                 report.version_before, report.version_after);
  }
  return database;
}

}  // namespace

int Serve(const ServerConfig& config) {
  if (Status s = ConfigureLogging(config.log_level); !s) return Fail(s.error());
  for (const std::string& warning : config.warnings) spdlog::warn("config: {}", warning);
  spdlog::info("starling {} starting: data_dir={} db={}", kStarlingVersion, config.data_dir,
               config.db_url);

  MetricsRegistry metrics;
  auto database = OpenAndMigrate(config);
  if (!database) return Fail(database.error());
  db::GroupCommitter committer(**database, {.metrics = &metrics});

  http::Router router;
  api::RegisterSystemRoutes(router, **database, metrics);

  std::unique_ptr<http::StaticFiles> static_files;
  std::error_code ec;
  if (fs::is_regular_file(fs::path(config.web_dir) / "index.html", ec)) {
    static_files = std::make_unique<http::StaticFiles>(config.web_dir);
    spdlog::info("http: serving the web UI from {}", config.web_dir);
  } else {
    spdlog::warn("http: no web UI at {} (run `make build` to build it); serving the API only",
                 config.web_dir);
  }

  http::HttpServer server(config.http, router, metrics, static_files.get());
  if (Status s = server.Start(); !s) return Fail(s.error());
  std::string url = fmt::format("http://{}:{}",
                                config.http.host.find(':') != std::string::npos
                                    ? "[" + config.http.host + "]"
                                    : config.http.host,
                                server.port());
  // Before the ready line: whoever reads it may signal at once and expects a graceful stop.
  server.HandleSignals([](int signo) {
    spdlog::info("received {}, shutting down gracefully", signo == SIGTERM ? "SIGTERM" : "SIGINT");
  });
  spdlog::info("http: listening on {}", url);
  // The one line on stdout: scripts and test harnesses wait for it to learn the address.
  std::printf("starling listening on %s\n", url.c_str());
  std::fflush(stdout);

  server.Run(/*handle_signals=*/true);

  // No request is in flight any more: flush what was handed to the committer, then close the database.
  committer.Stop();
  database->reset();
  spdlog::info("stopped cleanly");
  spdlog::default_logger()->flush();
  return 0;
}

int MigrateCommand(const ServerConfig& config) {
  if (Status s = ConfigureLogging(config.log_level); !s) return Fail(s.error());
  std::error_code ec;
  fs::create_directories(config.data_dir, ec);
  auto database = db::OpenDatabase(config.db_url, db::DatabaseOptions{});
  if (!database) return Fail(database.error());
  auto report = db::Migrate(**database);
  if (!report) return Fail(report.error());
  json::array applied;
  for (int64_t v : report->applied) applied.push_back(v);
  std::printf("%s\n", ToJson(json::object{{"database", (*database)->description()},
                                          {"version_before", report->version_before},
                                          {"version_after", report->version_after},
                                          {"applied", std::move(applied)}})
                          .c_str());
  return 0;
}

}  // namespace starling::app
