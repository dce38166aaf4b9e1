// The HTTP JSON API under /api/v1 and the static front end: one Api object answers every request
// the transport (http_server.h) reads.
//
// For a request under /api/ the dispatcher, in this order: decodes the path and query (400 for a
// malformed target, an unknown or repeated query parameter); finds the route (404, or 405 with
// Allow); authenticates (401: no, malformed, unknown or expired credentials, or a disabled user);
// checks CSRF for a cookie session on an unsafe method (403, field "X-CSRF-Token"); checks the role
// (403); for a patient-scoped route checks that the caller may see the patient (404 "no such
// patient", exactly as for a missing one); checks the body's Content-Type (415) and size; runs the
// handler; and writes an audit event for every route with an audit action, whatever the outcome.
// A change (an unsafe method) is, unless its route says otherwise (Access::audit_apart), made in
// one store transaction with the audit event of its success: both are committed, or neither.
// Every error is the JSON of http_errors.h. Docs: docs/api.md.
#ifndef LDN_SERVER_API_H_
#define LDN_SERVER_API_H_

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "server/auth.h"
#include "server/http_types.h"
#include "server/json_log.h"
#include "server/router.h"
#include "server/static_files.h"
#include "store/store.h"

namespace ldn::server {

struct ApiOptions {
  std::filesystem::path web_root;               // static files; a missing directory serves nothing
  std::chrono::seconds session_ttl{12 * 3600};  // a session expires after this much inactivity
  bool secure_cookies = false;                  // add "Secure" to cookies (behind HTTPS)
  int max_login_failures_per_user = 5;          // within login_window, then 429
  int max_login_failures_per_address = 20;      // within login_window, then 429
  std::chrono::seconds login_window{15 * 60};
  PasswordCost password_cost = PasswordCost::kInteractive;  // for passwords set through the API
  size_t max_json_depth = 32;                               // nesting of a request body
  int max_batch = 366;                                      // entries in one diary batch
  // Screening: the clinic's jurisdiction (data/jurisdictions.json id), used when a screening request
  // names none; std::nullopt applies the most restrictive label rule (`ldn serve --jurisdiction`).
  std::optional<std::string> jurisdiction;
  // Where the research summary reads from (a PostgreSQL streaming replica, --research-db); null:
  // the main store. Its audit event is written to the main store all the same.
  store::Store* research_store = nullptr;
};

// The authenticated caller.
struct Principal {
  store::Id user_id = 0;
  store::Role role = store::Role::kPatient;
  std::optional<store::Id> patient_id;  // a patient user's own record
  std::string username;
  std::string token_hash;
  CredentialSource source = CredentialSource::kNone;
};

// What a handler receives. Built by the dispatcher; lives for one request.
struct RequestContext {
  const HttpRequest& request;
  const Route& route;
  std::map<std::string, std::string> params;  // decoded path parameters
  std::map<std::string, std::string> query;   // decoded query parameters (only declared ones)
  std::optional<Principal> principal;         // set for authenticated routes
  std::optional<store::Id> patient_id;        // the {patient_id} of a patient-scoped route, checked
  store::Instant now{};
  // Set by a handler that acts on a patient outside a patient-scoped route (user creation), so
  // that the audit event names that patient.
  std::optional<store::Id> audit_patient_id;

  // The request body as JSON: kInvalidArgument (field "body") for an empty body, text that is not
  // JSON, or nesting deeper than the limit.
  Result<nlohmann::json> JsonBody() const;
  size_t max_json_depth = 32;

  // The store the handler must use: the request's transaction for a route whose handler runs in
  // one with its audit event (Access::audit_apart), else the server's store.
  store::Store& store() const { return *store_; }
  store::Store* store_ = nullptr;  // set by the dispatcher

  // REQUIRES: principal (authenticated route).
  const Principal& caller() const { return *principal; }
  // REQUIRES: patient_id (patient-scoped route).
  store::Id patient() const { return *patient_id; }

  // Set by a handler to say more in the audit event of its success (codes only, never patient
  // text: "overrides start.before_earliest"). Sanitised and cut to 500 characters.
  std::string audit_detail = {};
};

// Thread-safe: Handle may be called concurrently.
class Api {
 public:
  // `store`, `clock` and `log` must outlive the Api. Fails with kInternal when libsodium cannot
  // start.
  static Result<std::unique_ptr<Api>> Create(store::Store& store, const Clock& clock, JsonLog& log, ApiOptions options);

  // Answers `request` through `respond` (exactly once): at once, or -- when the answer waits for a
  // durable commit (an audit event, a change) -- later, from the store's committer thread.
  void Handle(const HttpRequest& request, Responder respond);
  const RouteTable& routes() const { return routes_; }

  // Shared with the handler files (api_*.cpp).
  store::Store& store() { return store_; }
  const Clock& clock() const { return clock_; }
  const ApiOptions& options() const { return options_; }
  JsonLog& log() { return log_; }
  // Housekeeping run on some logins: deletes expired sessions and login failures older than the
  // throttling window. Failures are logged, never returned.
  void MaybeMaintain(store::Instant now);

 private:
  Api(store::Store& store, const Clock& clock, JsonLog& log, ApiOptions options);
  struct Call;  // one API call in flight (api.cpp)
  void HandleApi(const HttpRequest& request, const std::vector<std::string>& segments,
                 const std::map<std::string, std::string>& query, Responder respond);
  // The checks before the handler (access descriptor, query, authentication, role, patient
  // scope, Content-Type), in that order; the first failure.
  Status Admit(Call& call, const std::map<std::string, std::string>& query);
  Result<ApiReply> CallHandler(RequestContext& ctx);
  // Turns the outcome into the response, audits it unless audit_written, then delivers it.
  void Finish(const std::shared_ptr<Call>& call, Result<ApiReply> result, bool audit_written);
  void Deliver(Call& call, HttpResponse response);
  // Authentication: the principal, or 401 / 403 (CSRF) as a Status.
  Result<Principal> Authenticate(const HttpRequest& request, store::Instant now);
  // The audit event of one answered call.
  store::AuditEvent AuditEventFor(const RequestContext& ctx, int http_status, const Status& failure) const;

  store::Store& store_;
  const Clock& clock_;
  JsonLog& log_;
  ApiOptions options_;
  RouteTable routes_;
  StaticFiles static_files_;
  std::atomic<uint64_t> maintenance_counter_{0};
};

// Route registration, one function per handler file.
void AddSystemRoutes(Api& api, RouteTable& routes);    // api_system.cpp: health, openapi, session, me
void AddAdminRoutes(Api& api, RouteTable& routes);     // api_admin.cpp: users, care teams, audit, research
void AddClinicalRoutes(Api& api, RouteTable& routes);  // api_clinical.cpp: patients ... adverse events
void AddDiaryRoutes(Api& api, RouteTable& routes);     // api_diary.cpp: diary, analysis
void AddPharmacyRoutes(Api& api, RouteTable& routes);  // api_pharmacy.cpp: worksheet, PK profile

// api_interlocks.cpp: the course gate's preview, discard, flags, the red-flag vocabulary (issue 12).
void AddInterlockRoutes(Api& api, RouteTable& routes);

// The OpenAPI 3.0 document describing `routes` (openapi.cpp).
nlohmann::json OpenApiDocument(const RouteTable& routes);

}  // namespace ldn::server

#endif  // LDN_SERVER_API_H_
