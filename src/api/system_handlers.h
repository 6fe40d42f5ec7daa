// System routes: liveness, readiness, metrics and server information.
//
//   GET /healthz      200 {"status":"ok"} while the process serves requests
//   GET /readyz       200 {"status":"ready"} when the database answers; 503 in the error shape otherwise
//   GET /metrics      Prometheus text format
//   GET /api/v1/info  {"name":"Starling","version":"…"}
#pragma once

#include "base/metrics.h"
#include "db/database.h"
#include "http/router.h"

namespace starling::api {

// `db` and `metrics` must outlive the router's use.
void RegisterSystemRoutes(http::Router& router, db::Database& db, MetricsRegistry& metrics);

}  // namespace starling::api
