#include "app/serve.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <cstdio>
#include <filesystem>

#include "accounts/accounts.h"
#include "api/account_handlers.h"
#include "api/auth.h"
#include "api/openapi_handler.h"
#include "api/system_handlers.h"
#include "api/tracking_handlers.h"
#include "engine/engine.h"
#include "app/demo.h"
#include "base/crypto.h"
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

// The tracking script (/sdk/…) and the demo shop (/demo/…), with /demo/loader.js inserting the script
// with the demo store's token.
void RegisterSdkAndDemo(http::Router& router, accounts::Accounts& accounts, const ServerConfig& config,
                        const std::string& public_url) {
  auto sdk = std::make_shared<http::StaticFiles>(config.sdk_dir);
  router.Get("/sdk/{file}", [sdk](http::Request& request) {
    auto file = sdk->Serve("/" + std::string(request.PathParam("file")));
    if (!file) return http::Response::FromError(Error::NotFound("no such file in the tracking SDK: run `make build`"));
    for (auto& [name, value] : file->headers) {
      if (name == "Cache-Control") value = "public, max-age=300";
    }
    file->headers.emplace_back("Access-Control-Allow-Origin", "*");
    return std::move(*file);
  });
  auto demo = std::make_shared<http::StaticFiles>(config.demo_dir);
  auto serve_demo = [demo](http::Request& request) {
    std::string path = request.path.substr(std::string_view("/demo").size());
    if (path.empty() || path == "/") path = "/index.html";
    auto file = demo->Serve(path);
    if (!file) return http::Response::FromError(Error::NotFound("no such page in the demo shop"));
    return std::move(*file);
  };
  router.Get("/demo", serve_demo);
  router.Get("/demo/{a}", serve_demo);
  router.Get("/demo/{a}/{b}", serve_demo);
  router.Get(
      "/demo/loader.js",
      [&accounts, public_url](http::Request&) {
        auto store = accounts.FindStoreBySiteUrl(public_url + "/demo/");
        std::string body;
        if (store && *store) {
          body = fmt::format(
              "(function(){{var s=document.createElement('script');s.src='/sdk/starling.js';"
              "s.setAttribute('data-token','{}');s.async=true;document.head.appendChild(s);}})();\n",
              (*store)->tracking_token);
        } else {
          body = "console.warn('Starling demo: no demo store on this server (start it with --demo true)');\n";
        }
        http::Response r = http::Response::Text(200, body, "text/javascript; charset=utf-8");
        r.headers.emplace_back("Cache-Control", "no-cache");
        return r;
      },
      http::Dispatch::kBlocking);
}

}  // namespace

int Serve(const ServerConfig& config) {
  if (Status s = ConfigureLogging(config.log_level); !s) return Fail(s.error());
  if (Status s = crypto::InitCrypto(); !s) return Fail(s.error());
  for (const std::string& warning : config.warnings) spdlog::warn("config: {}", warning);
  spdlog::info("starling {} starting: data_dir={} db={}", kStarlingVersion, config.data_dir,
               config.db_url);

  MetricsRegistry metrics;
  auto database = OpenAndMigrate(config);
  if (!database) return Fail(database.error());
  db::GroupCommitter committer(**database, {.metrics = &metrics, .commit_window = config.commit_window});

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
  // Links in invitations use the address the server really listens on (port 0 picks one).
  std::string public_url = PublicUrl(config, server.port());

  // Tests may move time forward (cart abandonment); everything else uses the system clock.
  OffsetClock test_clock;
  const Clock& clock = config.test_clock ? static_cast<const Clock&>(test_clock) : SystemClock::Instance();
  if (config.test_clock) spdlog::warn("test_clock is on: POST /api/v1/test/clock moves time. Never in production.");

  accounts::Accounts accounts(**database, clock, {.public_url = public_url});
  engine::Engine engine(
      **database, committer, clock,
      [&accounts](int64_t store_id) -> Result<engine::RuntimeSettings> {
        STARLING_ASSIGN_OR_RETURN(accounts::StoreSettings store, accounts.GetStore(store_id));
        return engine::RuntimeSettings{store.cart_abandonment_minutes};
      },
      {.workers = 2, .metrics = &metrics});
  api::TrackingDirectory tracking_directory(accounts);
  accounts.AddStoreChangeListener([&](int64_t store_id) {
    tracking_directory.Invalidate(store_id);
    engine.RefreshStore(store_id);
  });
  api::LiveStreams live_streams;
  accounts.AddUserAccessListener([&live_streams](int64_t user_id) { live_streams.CloseAll(user_id); });
  api::Auth auth(accounts, clock,
                 {.public_url = public_url,
                  .api_requests_per_minute = config.api_rate_limit,
                  .sign_ins_per_minute = config.login_rate_limit});
  api::ApiRoutes api_routes(router, auth);
  api::RegisterAccountRoutes(api_routes);
  api::RegisterTrackingRoutes(router, api_routes, tracking_directory, engine, **database, metrics,
                              {.public_url = public_url,
                               .test_clock = config.test_clock ? &test_clock : nullptr,
                               .live_streams = &live_streams});
  api::RegisterOpenApiRoute(router, api_routes);
  RegisterSdkAndDemo(router, accounts, config, public_url);

  if (config.demo) {
    auto demo = BootstrapDemo(accounts, public_url);
    if (!demo) return Fail(demo.error());
    if (*demo) {
      std::string note = fmt::format(
          "demo store created. Sign in at {} with\n  email:    {}\n  password: {}\n(also saved in {})",
          public_url, (*demo)->email, (*demo)->password, (fs::path(config.data_dir) / "demo-credentials.txt").string());
      std::FILE* f = std::fopen((fs::path(config.data_dir) / "demo-credentials.txt").c_str(), "w");
      if (f) {
        fs::permissions(fs::path(config.data_dir) / "demo-credentials.txt", fs::perms::owner_read | fs::perms::owner_write,
                        ec);
        std::fprintf(f, "Starling demo administrator\nurl:      %s\nemail:    %s\npassword: %s\n", public_url.c_str(),
                     (*demo)->email.c_str(), (*demo)->password.c_str());
        std::fclose(f);
      }
      std::printf("%s\n", note.c_str());
    }
  }

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

  // No request is in flight any more: apply what the runtimes hold, flush what was handed to the
  // committer, then close the database.
  engine.Stop();
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
