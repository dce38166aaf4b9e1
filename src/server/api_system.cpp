// System routes: health and the OpenAPI document. Login, logout and the caller's account are in
// api_account.cpp.
#include "server/api.h"
#include "server/api_util.h"

namespace ldn::server {

void AddSystemRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  RouteTable* table = &routes;
  routes.Add({"GET",
              "/api/v1/health",
              Public(),
              [a](RequestContext&) -> Result<ApiReply> {
                LDN_RETURN_IF_ERROR(a->store().Ping());
                LDN_ASSIGN_OR_RETURN(int version, a->store().SchemaVersion());
                return Reply({{"status", "ok"}, {"store", a->store().backend()}, {"schema_version", version}});
              },
              "Liveness and database check (no authentication).",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/openapi.json",
              Public(),
              [table](RequestContext&) -> Result<ApiReply> { return Reply(OpenApiDocument(*table)); },
              "This document: OpenAPI 3.0, generated from the route table.",
              "",
              {}});
}

}  // namespace ldn::server
