// GET /api/openapi.json: an OpenAPI 3.1 document generated from the registered API routes — every path,
// method, path parameter, summary, access rule (as `x-starling-access`, see api/auth.h) with its
// security scheme, and reference document — plus, for the ingestion routes, their query parameters and
// request and answer schemas (api/openapi_schemas.h). Developers browse it and generate clients from it;
// the tenant-isolation tests walk it to reach every store-scoped route.
#pragma once

#include "api/auth.h"
#include "http/router.h"

namespace starling::api {

// `routes` must outlive the router; the document reflects the routes registered when it is requested.
void RegisterOpenApiRoute(http::Router& router, const ApiRoutes& routes);

}  // namespace starling::api
