#include "api/system_handlers.h"

#include <chrono>

#include "base/version.h"

namespace starling::api {

void RegisterSystemRoutes(http::Router& router, db::Database& db, MetricsRegistry& metrics) {
  // Liveness is polled often and never changes: serialize the body once.
  router.Get("/healthz", [body = ToJson(json::object{{"status", "ok"}})](http::Request&) {
    return http::Response{200, "application/json", {}, body};
  });
  router.Get("/readyz", [&db](http::Request&) {
    Status ping = db.Ping(std::chrono::milliseconds(2000));
    if (!ping) {
      return http::Response::FromError(
          Error::Unavailable("database not reachable: " + ping.error().message));
    }
    return http::Response::Json(200, json::object{{"status", "ready"}, {"database", db.backend()}});
  }, http::Dispatch::kBlocking);
  router.Get("/metrics", [&metrics](http::Request&) {
    return http::Response::Text(200, metrics.RenderPrometheus(), "text/plain; version=0.0.4; charset=utf-8");
  });
  router.Get("/api/v1/info", [](http::Request&) {
    return http::Response::Json(200, json::object{{"name", "Starling"}, {"version", kStarlingVersion}});
  });
}

}  // namespace starling::api
