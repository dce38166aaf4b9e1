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
#include "server/catalogs.h"
#include "server/client_address.h"
#include "server/flag_cache.h"
#include "server/http_types.h"
#include "server/json_log.h"
#include "server/login_throttle.h"
#include "server/push_service.h"
#include "server/refusal_audit.h"
#include "server/router.h"
#include "server/static_files.h"
#include "server/totp.h"
#include "server/worker_pool.h"
#include "store/store.h"

namespace ldn::server {

struct ApiOptions {
  std::filesystem::path web_root;  // static files; a missing directory serves nothing
  // Sessions (NIST SP 800-63B §4.2.3, AAL2: re-authenticate after 30 minutes idle and at least
  // every 12 hours). A session expires after session_ttl without use (patient_session_ttl for a
  // patient's, whose record is their own and who writes a diary once a day) and in any case
  // session_max_lifetime after its login (issue 17, L3).
  std::chrono::seconds session_ttl{30 * 60};
  std::chrono::seconds patient_session_ttl{12 * 3600};
  std::chrono::seconds session_max_lifetime{12 * 3600};
  int max_sessions_per_user = 10;  // a new login ends the oldest beyond this (issue 17, M2)
  // Served behind HTTPS (a TLS-terminating proxy): cookies get Secure and the __Host- prefix, and
  // every response carries Strict-Transport-Security (issue 17, L3).
  bool secure_cookies = false;
  bool hsts = false;
  ProxyOptions proxy;       // where the client address comes from (client_address.h)
  ThrottlePolicy throttle;  // login throttling (login_throttle.h)
  // The 32-byte key that seals TOTP secrets (totp.h); empty: a random key for this process only
  // (tests). `ldn serve` reads it from its key file.
  std::string totp_key;
  std::string totp_issuer = "ldn";          // the name authenticator apps show
  int password_workers = 0;                 // threads hashing passwords (0: WorkerPool::DefaultThreads())
  size_t password_queue = 64;               // logins waiting for one before 503
  std::chrono::seconds refusal_window{60};  // anonymous refusals: one audit event per source per window
  PasswordCost password_cost = PasswordCost::kInteractive;  // for passwords set through the API
  size_t max_json_depth = 32;                               // nesting of a request body
  int max_batch = 366;                                      // entries in one diary batch
  // Screening: the clinic's jurisdiction (data/jurisdictions.json id), used when a screening request
  // names none; std::nullopt applies the most restrictive label rule (`ldn serve --jurisdiction`).
  std::optional<std::string> jurisdiction;
  // Where the research summary reads from (a PostgreSQL streaming replica, --research-db); null:
  // the main store. Its audit event is written to the main store all the same.
  store::Store* research_store = nullptr;
  // Web Push reminders (push_service.h). Off: no VAPID key is made and the push routes answer 503.
  bool push_enabled = true;
  PushOptions push;
  // Where a subscription's endpoint may point (the server POSTs there, so not anywhere: no
  // request forgery into the server's own network). By default the browsers' push services over
  // HTTPS (kPushServiceHosts in api_push.cpp); these origins besides, exactly ("http://127.0.0.1:
  // 8123": a test's local push service; `ldn serve --push-origin`).
  std::vector<std::string> push_extra_origins;
};

// The authenticated caller.
struct Principal {
  store::Id user_id = 0;
  store::Role role = store::Role::kPatient;
  std::optional<store::Id> patient_id;  // a patient user's own record
  std::string username;
  std::string token_hash;
  CredentialSource source = CredentialSource::kNone;
  // What the account must do before anything else (only routes with Access::during_setup are
  // open meanwhile): "change_password" (an administrator set it), "enrol_totp" (the role needs a
  // second factor and has none), or empty.
  std::string setup_step;
  bool totp_enabled = false;
  bool must_change_password = false;
  store::Instant session_created_at{};
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
  // The client's address (client_address.h: the TCP peer, or behind a trusted proxy its header).
  std::string client_address;
  // A detail for the audit event of a success or refusal (codes only, never patient text or a
  // secret: "overrides start.before_earliest"; sanitised and cut to 500 characters), and whether
  // an anonymous refusal must be audited on its own rather than counted (an evaluated login).
  std::string audit_detail;
  bool audit_each = false;

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
  const SecretSealer& sealer() const { return sealer_; }
  // The panel's flags, kept while each patient's record is unchanged (flag_cache.h).
  FlagCache& flag_cache() { return flag_cache_; }
  // Web Push (push_service.h); null when off or when its key could not be opened (logged).
  PushService* push() { return push_.get(); }
  // The web app's message catalogs (<web_root>/locales), for texts the server writes in the
  // patient's language (catalogs.h).
  const Catalogs& catalogs() const { return catalogs_; }
  // Appends an audit event of its own (a lockout) and logs a failure to do so; does not wait.
  void AuditApart(store::AuditEvent event);
  ~Api();
  // Housekeeping run on some logins: deletes expired sessions and login-throttle keys forgotten
  // by the policy. Failures are logged, never returned.
  void MaybeMaintain(store::Instant now);

 private:
  Api(store::Store& store, const Clock& clock, JsonLog& log, ApiOptions options, SecretSealer sealer);
  // An anonymous refusal: true when it is audited (the first of its source's window).
  bool NoteAnonymousRefusal(const RequestContext& ctx);
  void LogClosedWindows(const std::vector<RefusalAggregator::Closed>& closed);
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
  Catalogs catalogs_;
  std::atomic<uint64_t> maintenance_counter_{0};
  SecretSealer sealer_;
  RefusalAggregator refusals_;
  FlagCache flag_cache_;
  std::unique_ptr<PushService> push_;
  std::unique_ptr<WorkerPool> pool_;  // last: destroyed (drained) first
};

// Route registration, one function per handler file.
void AddSystemRoutes(Api& api, RouteTable& routes);    // api_system.cpp: health, openapi
void AddAccountRoutes(Api& api, RouteTable& routes);   // api_account.cpp: session, me, password, TOTP
void AddAdminRoutes(Api& api, RouteTable& routes);     // api_admin.cpp: users, care teams, audit, research
void AddClinicalRoutes(Api& api, RouteTable& routes);  // api_clinical.cpp: patients ... adverse events
void AddDiaryRoutes(Api& api, RouteTable& routes);     // api_diary.cpp: diary, analysis
void AddPharmacyRoutes(Api& api, RouteTable& routes);  // api_pharmacy.cpp: worksheet, PK profile
void AddKitRoutes(Api& api, RouteTable& routes);       // api_kits.cpp: placebo-twin kits (issue 14)
void AddTrialRoutes(Api& api, RouteTable& routes);     // api_trials.cpp: blinded N-of-1 trials (issue 16)
void AddBatchRoutes(Api& api, RouteTable& routes);     // api_batches.cpp: lots, batches, checks (issue 14)
// The clinic's workspace (issue 13).
void AddChartRoutes(Api& api, RouteTable& routes);          // api_chart.cpp: record, medications, timeline
void AddOrderRoutes(Api& api, RouteTable& routes);          // api_orders.cpp: prescriptions as orders
void AddInvitationRoutes(Api& api, RouteTable& routes);     // api_accounts.cpp: invitations, password codes, pharmacies
void AddMessageRoutes(Api& api, RouteTable& routes);        // api_messages.cpp: the patient's thread
void AddInboxRoutes(Api& api, RouteTable& routes);          // api_inbox.cpp: the clinician's inbox (tasks)
void AddPushRoutes(Api& api, RouteTable& routes);           // api_push.cpp: Web Push subscriptions
void AddShareRoutes(Api& api, RouteTable& routes);          // api_share.cpp: read-only links to the report
void AddPlanNoticeRoutes(Api& api, RouteTable& routes);     // api_plan_notice.cpp: "your plan changed"
void AddDiarySettingsRoutes(Api& api, RouteTable& routes);  // api_diary_settings.cpp: what the diary asks
void AddCalendarRoutes(Api& api, RouteTable& routes);       // api_calendar.cpp: the patient's calendar feed

// api_interlocks.cpp: the course gate's preview, discard, flags, the red-flag vocabulary (issue 12).
void AddInterlockRoutes(Api& api, RouteTable& routes);

// The OpenAPI 3.0 document describing `routes` (openapi.cpp).
nlohmann::json OpenApiDocument(const RouteTable& routes);

}  // namespace ldn::server

#endif  // LDN_SERVER_API_H_
