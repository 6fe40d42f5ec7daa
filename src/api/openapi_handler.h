// GET /api/openapi.json: an OpenAPI 3.1 document generated from the registered API routes — every path,
// method, path parameter, summary and access rule (as `x-starling-access`, see api/auth.h). Developers
// browse it; the tenant-isolation tests walk it to reach every store-scoped route.
#pragma once

#include "api/auth.h"
#include "http/router.h"

namespace starling::api {

// `routes` must outlive the router; the document reflects the routes registered when it is requested.
void RegisterOpenApiRoute(http::Router& router, const ApiRoutes& routes);

}  // namespace starling::api
