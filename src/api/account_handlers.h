// Routes of docs/api-accounts.md: sign-in and sessions, the current caller, invitations, organizations,
// stores and their settings, members, API keys, excluded IPs and audit logs. Parse → call Accounts →
// serialize; the access rule of each route is declared where it is registered (api/auth.h).
#pragma once

#include "api/auth.h"

namespace starling::api {

void RegisterSessionRoutes(ApiRoutes& routes);       // session_handlers.cc
void RegisterOrganizationRoutes(ApiRoutes& routes);  // organization_handlers.cc
void RegisterStoreRoutes(ApiRoutes& routes);         // store_handlers.cc

// Everything above, plus GET /api/openapi.json describing every route registered on `routes`.
void RegisterAccountRoutes(ApiRoutes& routes);

}  // namespace starling::api
