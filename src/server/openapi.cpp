// The OpenAPI document is generated from the route table, so that it cannot drift from the routes
// the server really has (RouteTableTest checks that every route appears in it).
#include <algorithm>
#include <cctype>

#include "server/api.h"

namespace ldn::server {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// "GET /api/v1/patients/{patient_id}/diary/{date}" -> "get_patients_patient_id_diary_date".
std::string OperationId(const Route& r) {
  std::string id = Lower(r.method);
  for (char c : r.pattern.substr(std::string("/api/v1").size())) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id.push_back(c);
    } else if (id.back() != '_') {
      id.push_back('_');
    }
  }
  while (id.back() == '_') id.pop_back();
  return id;
}

nlohmann::json ErrorResponseRef(const std::string& description) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

}  // namespace

nlohmann::json OpenApiDocument(const RouteTable& routes) {
  nlohmann::json doc;
  doc["openapi"] = "3.1.0";
  doc["info"] = {{"title", "ldn API"},
                 {"version", "1"},
                 {"description",
                  "Low-dose naltrexone therapy: diary, screening, titration, prescriptions, analysis. Every error "
                  "is {\"error\":{\"code\",\"message\",\"field\"}}. Authorization per route is in x-ldn-access. "
                  "See docs/api.md."}};
  doc["components"]["securitySchemes"] = {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}},
                                          {"cookie", {{"type", "apiKey"}, {"in", "cookie"}, {"name", "ldn_session"}}}};
  nlohmann::json error_fields = {{"code", {{"type", "string"}}},
                                 {"message", {{"type", "string"}}},
                                 {"field", {{"type", nlohmann::json::array({"string", "null"})}}}};
  nlohmann::json error_object = {{"type", "object"},
                                 {"required", nlohmann::json::array({"code", "message", "field"})},
                                 {"properties", error_fields}};
  doc["components"]["schemas"]["Error"] = {
      {"type", "object"}, {"required", nlohmann::json::array({"error"})}, {"properties", {{"error", error_object}}}};
  nlohmann::json paths = nlohmann::json::object();
  for (const Route& r : routes.routes()) {
    nlohmann::json op;
    op["operationId"] = OperationId(r);
    op["summary"] = r.summary;
    nlohmann::json params = nlohmann::json::array();
    for (const std::string& seg : SplitPath(r.pattern)) {
      if (seg.size() > 2 && seg.front() == '{') {
        const std::string name = seg.substr(1, seg.size() - 2);
        nlohmann::json schema = name == "date" ? nlohmann::json{{"type", "string"}, {"format", "date"}}
                                               : nlohmann::json{{"type", "integer"}, {"minimum", 1}};
        params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", schema}});
      }
    }
    for (const std::string& q : r.query) {
      params.push_back({{"name", q}, {"in", "query"}, {"required", false}, {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.request_schema.empty()) {
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", nlohmann::json::parse(r.request_schema)}}}}}};
    }
    nlohmann::json access = {{"audience", r.access.audience == Audience::kPublic ? "public" : "authenticated"},
                             {"patient_scoped", r.access.patient_scoped},
                             {"audit_action", r.access.audit_action},
                             {"open_during_setup", r.access.during_setup}};
    nlohmann::json roles = nlohmann::json::array();
    for (store::Role role : r.access.roles) roles.push_back(store::RoleName(role));
    access["roles"] = roles;
    op["x-ldn-access"] = access;
    nlohmann::json responses = {{"2XX", {{"description", "Success (JSON; 204 has no body)"}}},
                                {"400", ErrorResponseRef("Bad input; error.field names it")}};
    if (r.access.audience == Audience::kAuthenticated) {
      op["security"] = {{{"bearer", nlohmann::json::array()}}, {{"cookie", nlohmann::json::array()}}};
      responses["401"] = ErrorResponseRef("Not authenticated");
      responses["403"] = ErrorResponseRef("Role not allowed, or missing CSRF token on a cookie session");
    }
    if (r.access.patient_scoped) responses["404"] = ErrorResponseRef("No such patient (or not yours), or object");
    op["responses"] = responses;
    paths[r.pattern][Lower(r.method)] = op;
  }
  doc["paths"] = paths;
  return doc;
}

}  // namespace ldn::server
