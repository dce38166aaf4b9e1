#include "server/api.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <set>

#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include "core/json_reader.h"
#include "server/accounts.h"
#include "server/api_util.h"
#include "server/http_errors.h"

namespace ldn::server {

namespace {

// Deepest nesting of arrays and objects in `text`, outside strings; stops counting past `limit`.
size_t JsonDepth(std::string_view text, size_t limit) {
  size_t depth = 0, max_depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max_depth = std::max(max_depth, ++depth);
      if (max_depth > limit) return max_depth;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max_depth;
}

bool IsUnsafeMethod(std::string_view m) {
  return m != "GET" && m != "HEAD" && m != "OPTIONS";
}

// "application/json" with optional parameters (charset=utf-8), case-insensitive.
bool IsJsonContentType(std::string_view v) {
  std::string s(v.substr(0, v.find(';')));
  s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }), s.end());
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s == "application/json";
}

std::string OutcomeFor(int http_status) {
  if (http_status < 300) return "ok";
  switch (http_status) {
    case 400: return "invalid";
    case 401: return "unauthenticated";
    case 403: return "denied";
    case 404: return "not_found";
    case 409: return "conflict";
    case 413:
    case 415: return "invalid";
    default: return http_status >= 500 ? "error" : "refused";
  }
}

// Printable ASCII only, at most `max` characters: audit details must stay plain and short.
std::string Sanitize(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) {
    if (out.size() >= max) break;
    out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  }
  return out;
}

HttpResponse ToHttp(ApiReply reply) {
  HttpResponse r;
  r.status = reply.status;
  r.content_type = reply.content_type;
  r.headers = std::move(reply.headers);
  r.headers.emplace_back("Cache-Control", "no-store");
  if (reply.content_type == "application/json") {
    r.body = reply.status == 204 ? "" : reply.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (reply.status == 204) r.content_type.clear();
  } else {
    r.body = std::move(reply.raw_body);
  }
  return r;
}

constexpr std::string_view kNoSuchPatient = "no such patient";

}  // namespace

Result<nlohmann::json> RequestContext::JsonBody() const {
  if (JsonDepth(request.body, max_json_depth) > max_json_depth) {
    return Status::InvalidArgument("body", fmt::format("JSON nested deeper than {} levels", max_json_depth));
  }
  Result<nlohmann::json> j = Status::InvalidArgument("body", "not JSON");
  try {
    j = ParseJson(request.body);
  } catch (const nlohmann::json::exception& e) {
    // ParseJson turns parse errors into a Status; nlohmann also throws out_of_range for a number
    // too large for a double (406), which is bad input all the same.
    return Status::InvalidArgument("body",
                                   e.id == 406 ? "a number in the body is too large" : "the body is not usable JSON");
  }
  if (!j.ok()) {
    const Status& s = j.status();
    return Status::InvalidArgument(s.field().empty() ? "body" : s.field(), s.message());
  }
  return j;
}

Result<std::unique_ptr<Api>> Api::Create(store::Store& store, const Clock& clock, JsonLog& log, ApiOptions options) {
  LDN_RETURN_IF_ERROR(InitCrypto());
  LDN_RETURN_IF_ERROR(CheckProxyOptions(options.proxy, "--trusted-proxy"));
  LDN_ASSIGN_OR_RETURN(SecretSealer sealer, SecretSealer::WithKey(options.totp_key));
  std::unique_ptr<Api> api(new Api(store, clock, log, std::move(options), std::move(sealer)));
  if (const std::string missing = api->catalogs_.missing(); !missing.empty()) {
    log.Warn("catalogs_missing",
             {{"languages", missing},
              {"dir", (api->options_.web_root / "locales").string()},
              {"effect", "the calendar feed and the PDF reports are in English for these languages"}});
  }
  if (api->options_.push_enabled) {
    auto push = PushService::Open(store, api->sealer_, api->options_.push,
                                  NewHttpPushTransport(api->options_.push.timeout), clock.Now());
    if (push.ok()) {
      api->push_ = std::move(push).value();
    } else {
      log.Warn("push_unavailable", {{"message", push.status().message()}});
    }
  }
  return api;
}

Api::Api(store::Store& store, const Clock& clock, JsonLog& log, ApiOptions options, SecretSealer sealer)
    : store_(store),
      clock_(clock),
      log_(log),
      options_(std::move(options)),
      static_files_(options_.web_root),
      catalogs_(Catalogs::Load(options_.web_root / "locales")),
      sealer_(std::move(sealer)),
      refusals_(options_.refusal_window, 10000),
      pool_(std::make_unique<WorkerPool>(
          options_.password_workers > 0 ? options_.password_workers : WorkerPool::DefaultThreads(),
          std::max<size_t>(1, options_.password_queue))) {
  AddSystemRoutes(*this, routes_);
  AddAccountRoutes(*this, routes_);
  AddAdminRoutes(*this, routes_);
  AddClinicalRoutes(*this, routes_);
  AddDiaryRoutes(*this, routes_);
  AddPharmacyRoutes(*this, routes_);
  AddBatchRoutes(*this, routes_);
  AddKitRoutes(*this, routes_);
  AddTrialRoutes(*this, routes_);
  AddChartRoutes(*this, routes_);  // issue 13: the clinic's workspace
  AddOrderRoutes(*this, routes_);
  AddInvitationRoutes(*this, routes_);
  AddMessageRoutes(*this, routes_);
  AddInboxRoutes(*this, routes_);
  AddCalendarRoutes(*this, routes_);
  AddDiarySettingsRoutes(*this, routes_);
  AddPlanNoticeRoutes(*this, routes_);
  AddShareRoutes(*this, routes_);
  AddPushRoutes(*this, routes_);
  AddInterlockRoutes(*this, routes_);
}

Api::~Api() {
  pool_.reset();  // every login in flight is answered first
  LogClosedWindows(refusals_.Drain());
}

void Api::Handle(const HttpRequest& request, Responder respond) {
  if (options_.hsts) {
    // Behind HTTPS: browsers must never come back over plain HTTP (ASVS 14.4.5; RFC 6797). Two
    // years, as the shipped nginx site says (packaging/nginx-ldn.conf, Mozilla's recommendation).
    respond = [inner = std::move(respond)](HttpResponse r) {
      r.headers.emplace_back("Strict-Transport-Security", "max-age=63072000; includeSubDomains");
      inner(std::move(r));
    };
  }
  auto url = boost::urls::parse_origin_form(request.target);
  if (!url) {
    HttpResponse r = BadRequest("the request target is not a valid path: " + url.error().message(), "path");
    r.log_route = "-";
    return respond(std::move(r));
  }
  std::vector<std::string> segments;
  for (auto seg : url->segments()) segments.emplace_back(seg);
  if (!segments.empty() && segments[0] == "api") {
    std::map<std::string, std::string> query;
    for (auto p : url->params()) {
      std::string key(p.key);
      if (query.count(key) != 0) {
        HttpResponse r = ErrorResponse(Status::InvalidArgument(key, "query parameter given more than once"));
        r.log_route = "-";
        return respond(std::move(r));
      }
      query[key] = std::string(p.value);
    }
    return HandleApi(request, segments, query, std::move(respond));
  }
  HttpResponse file = static_files_.Serve(request.method, segments, request.Header("if-none-match").value_or(""),
                                          request.Header("accept-encoding").value_or(""));
  // A browser checking for a new version of the service worker (web/sw.js) says so with
  // "Service-Worker: script" (W3C Service Workers, "Update"): logged apart from the app's own files.
  if (request.Header("service-worker") == "script") file.log_route = "static (service worker update check)";
  respond(std::move(file));
}

Result<Principal> Api::Authenticate(const HttpRequest& request, store::Instant now) {
  LDN_ASSIGN_OR_RETURN(Credentials creds,
                       ReadCredentials(request, options_.secure_cookies ? kSecureSessionCookie : kSessionCookie));
  if (creds.source == CredentialSource::kNone) {
    return Status::Unauthenticated("authentication required: log in with POST /api/v1/session");
  }
  const std::string hash = TokenHash(creds.token);
  auto found = store_.FindSessionUser(hash, now);
  if (!found.ok()) {
    if (found.status().code() == Code::kNotFound) return Status::Unauthenticated("the session is unknown or expired");
    return found.status();
  }
  const store::Session* session = &found->session;
  const store::User* user = &found->user;
  if (user->disabled) return Status::Unauthenticated("the account is disabled");
  // The absolute lifetime holds whatever the idle timeout (sessions made under a longer setting).
  if (now >= session->created_at + options_.session_max_lifetime) {
    return Status::Unauthenticated("the session has reached its maximum lifetime: log in again");
  }
  if (creds.source == CredentialSource::kCookie && IsUnsafeMethod(request.method)) {
    auto header = request.Header(kCsrfHeader);
    if (!header || !session->csrf_token_hash || !ConstantTimeEquals(TokenHash(*header), *session->csrf_token_hash)) {
      return Status::PermissionDenied("a cookie session must send its CSRF token in the X-CSRF-Token header")
          .WithFieldPrefix("X-CSRF-Token");
    }
  }
  // Sliding expiry, written at most about once per half TTL so that reads stay read-only, and
  // never past the absolute lifetime.
  const auto ttl = user->role == store::Role::kPatient ? options_.patient_session_ttl : options_.session_ttl;
  const store::Instant cap = session->created_at + options_.session_max_lifetime;
  const store::Instant extended_to = std::min(now + ttl, cap);
  if (session->expires_at - now < ttl / 2 && extended_to > session->expires_at) {
    const Status extended = store_.ExtendSession(hash, extended_to);
    if (!extended.ok() && extended.code() != Code::kNotFound) return extended;
  }
  Principal p;
  p.user_id = user->id;
  p.role = user->role;
  p.patient_id = user->patient_id;
  p.username = user->username;
  p.token_hash = hash;
  p.source = creds.source;
  p.totp_enabled = user->totp_enabled;
  p.must_change_password = user->must_change_password;
  p.session_created_at = session->created_at;
  if (user->must_change_password) {
    p.setup_step = "change_password";
  } else if (TotpRequired(user->role) && !user->totp_enabled) {
    p.setup_step = "enrol_totp";
  }
  return p;
}

void Api::MaybeMaintain(store::Instant now) {
  if (maintenance_counter_.fetch_add(1) % 64 != 0) return;
  auto sessions = store_.DeleteExpiredSessions(now);
  const auto forget = std::max(
      {options_.throttle.account_forget, options_.throttle.account_address_forget, options_.throttle.address_forget});
  auto failures = store_.DeleteLoginThrottlesBefore(now - forget);
  if (!sessions.ok() || !failures.ok()) {
    log_.Warn("maintenance_failed", {{"message", (!sessions.ok() ? sessions.status() : failures.status()).message()}});
  }
}

store::AuditEvent Api::AuditEventFor(const RequestContext& ctx, int http_status, const Status& failure) const {
  store::AuditEvent e;
  e.at = ctx.now;
  if (ctx.principal) {
    e.actor_user_id = ctx.principal->user_id;
    e.role = std::string(store::RoleName(ctx.principal->role));
  } else {
    e.role = "anonymous";
  }
  // The patient acted on: a handler's own choice (user creation), else the path's patient id
  // (already checked when the call was admitted; parsed here when it was refused).
  if (ctx.audit_patient_id) {
    e.patient_id = ctx.audit_patient_id;
  } else if (ctx.patient_id) {
    e.patient_id = ctx.patient_id;
  } else if (auto it = ctx.params.find("patient_id"); it != ctx.params.end()) {
    auto id = ParseId(it->second, "patient_id");
    if (id.ok()) e.patient_id = *id;
  }
  e.action = ctx.route.access.audit_action;
  std::string object = ctx.route.access.audit_object.empty()
                           ? ctx.request.target.substr(0, ctx.request.target.find('?'))
                           : ctx.route.access.audit_object;
  constexpr std::string_view kPrefix = "/api/v1/";
  if (object.rfind(kPrefix, 0) == 0) object = object.substr(kPrefix.size());
  e.object = Sanitize(object, 200);
  e.outcome = OutcomeFor(http_status);
  std::string detail;
  if (!failure.ok()) {
    detail = fmt::format("{} {}", CodeName(failure.code()), failure.field());
    while (!detail.empty() && detail.back() == ' ') detail.pop_back();
  }
  if (!ctx.audit_detail.empty()) detail += (detail.empty() ? "" : "; ") + ctx.audit_detail;
  e.detail = Sanitize(detail, 500);
  return e;
}

// One API call in flight: lives until it is answered, which may be after a commit on the store's
// committer thread.
struct Api::Call {
  RequestContext ctx;
  Responder respond;
  std::optional<HttpResponse> protocol_error;  // a refusal that no Status code describes (415)
};

void Api::HandleApi(const HttpRequest& request, const std::vector<std::string>& segments,
                    const std::map<std::string, std::string>& query, Responder respond) {
  const RouteTable::Match match = routes_.Find(request.method, segments);
  if (match.route == nullptr) {
    HttpResponse r;
    if (!match.allowed_methods.empty()) {
      std::set<std::string> unique(match.allowed_methods.begin(), match.allowed_methods.end());
      std::string allowed;
      for (const auto& m : unique) allowed += (allowed.empty() ? "" : ", ") + m;
      r = MethodNotAllowed(allowed);
    } else {
      r = ErrorResponse(Status::NotFound("no such endpoint"));
    }
    r.log_route = "-";
    return respond(std::move(r));
  }
  const Route& route = *match.route;
  auto call = std::make_shared<Call>(Call{RequestContext{request,
                                                         route,
                                                         match.params,
                                                         {},
                                                         std::nullopt,
                                                         std::nullopt,
                                                         clock_.Now(),
                                                         std::nullopt,
                                                         {},
                                                         {},
                                                         false,
                                                         options_.max_json_depth},
                                          std::move(respond), std::nullopt});
  call->ctx.store_ = &store_;
  call->ctx.client_address = ClientAddress(request, options_.proxy);
  const Status admitted = Admit(*call, query);
  if (!admitted.ok()) return Finish(call, admitted, /*audit_written=*/false);
  if (route.access.on_worker_pool) {
    // Slow work (Argon2id) runs on the worker pool, so that the I/O threads keep answering.
    auto task = [this, call] { Finish(call, CallHandler(call->ctx), /*audit_written=*/false); };
    if (!pool_->TrySubmit(task)) {
      log_.Warn("worker_pool_full", {{"route", route.pattern}});
      return Finish(call, Status::Unavailable("the server is busy checking other passwords; retry in a moment"), false);
    }
    return;
  }
  const bool audit_with_data =
      !route.access.audit_action.empty() && IsUnsafeMethod(route.method) && !route.access.audit_apart;
  if (!audit_with_data) return Finish(call, CallHandler(call->ctx), /*audit_written=*/false);

  // The change and the audit event of its success: one transaction, committed together; the
  // answer waits for that commit without holding this thread.
  auto handled = std::make_shared<std::optional<Result<ApiReply>>>();
  store_.SubmitTransaction(
      [this, call, handled](store::Store& tx) -> Status {
        RequestContext& ctx = call->ctx;
        ctx.store_ = &tx;
        handled->emplace(CallHandler(ctx));
        ctx.store_ = &store_;
        if (!(*handled)->ok()) return (*handled)->status();
        return tx.AppendAudit(AuditEventFor(ctx, (**handled)->status, Status::Ok())).status();
      },
      [this, call, handled](Status committed) {
        if (committed.ok()) return Finish(call, std::move(**handled), /*audit_written=*/true);
        if (*handled && !(*handled)->ok()) return Finish(call, std::move(**handled), false);  // undone
        log_.Error("audit_failed", {{"route", call->ctx.route.pattern}, {"message", committed.message()}});
        Finish(call, Status::Unavailable("the change could not be stored with its audit event; retry later"), false);
      });
}

Status Api::Admit(Call& call, const std::map<std::string, std::string>& query) {
  RequestContext& ctx = call.ctx;
  const Route& route = ctx.route;
  if (route.access.audience == Audience::kUnspecified) {
    log_.Error("route_without_access", {{"route", route.pattern}, {"method", route.method}});
    return Status::Internal("this endpoint has no access descriptor");
  }
  for (const auto& [k, v] : query) {
    if (std::find(route.query.begin(), route.query.end(), k) == route.query.end()) {
      return Status::InvalidArgument(k, "unknown query parameter");
    }
    ctx.query[k] = v;
  }
  if (route.access.audience == Audience::kAuthenticated) {
    LDN_ASSIGN_OR_RETURN(ctx.principal, Authenticate(ctx.request, ctx.now));
    if (!ctx.principal->setup_step.empty() && !route.access.during_setup) {
      return Status::PermissionDenied(
                 ctx.principal->setup_step == "change_password"
                     ? "choose a new password first (POST /api/v1/me/password)"
                     : "set up two-step login with an authenticator app first (POST /api/v1/me/totp)")
          .WithFieldPrefix("setup");
    }
    if (route.access.roles.count(ctx.principal->role) == 0) {
      return Status::PermissionDenied(
          fmt::format("the {} role may not use this endpoint", store::RoleName(ctx.principal->role)));
    }
    if (route.access.patient_scoped) {
      auto it = ctx.params.find("patient_id");
      auto claimed =
          it == ctx.params.end() ? Result<store::Id>(Status::NotFound("")) : ParseId(it->second, "patient_id");
      if (!claimed.ok()) return Status::NotFound(std::string(kNoSuchPatient));
      LDN_ASSIGN_OR_RETURN(bool visible, store_.CanSeePatient(ctx.principal->user_id, *claimed));
      if (!visible) return Status::NotFound(std::string(kNoSuchPatient));
      ctx.patient_id = *claimed;
    }
  }
  if (route.request_schema.empty()) {
    if (!ctx.request.body.empty()) return Status::InvalidArgument("body", "this endpoint takes no request body");
  } else if (!ctx.request.body.empty()) {
    // An empty body has no type to check: a route whose body is optional (POST P/calendar-token)
    // takes it; one that needs a body refuses it naming `body` (BodyObject).
    const auto ct = ctx.request.Header("content-type");
    if (!ct || !IsJsonContentType(*ct)) {
      call.protocol_error = UnsupportedMediaType("application/json");
      return Status::InvalidArgument("Content-Type", "must be application/json");
    }
  }
  return Status::Ok();
}

Result<ApiReply> Api::CallHandler(RequestContext& ctx) {
  try {
    return ctx.route.handler(ctx);
  } catch (const std::exception& e) {
    // Library exceptions are caught by the handlers; reaching here is a bug of ours.
    log_.Error("handler_exception", {{"route", ctx.route.pattern}, {"what", e.what()}});
    return Status::Internal("internal error");
  }
}

void Api::Finish(const std::shared_ptr<Call>& call, Result<ApiReply> result, bool audit_written) {
  const RequestContext& ctx = call->ctx;
  const Route& route = ctx.route;
  HttpResponse response;
  Status failure = Status::Ok();
  if (result.ok()) {
    response = ToHttp(std::move(result).value());
  } else {
    failure = result.status();
    if (call->protocol_error) {
      response = std::move(*call->protocol_error);
    } else {
      if (failure.code() == Code::kInternal || failure.code() == Code::kUnavailable) {
        log_.Error("request_failed",
                   {{"route", route.pattern}, {"code", CodeName(failure.code())}, {"message", failure.message()}});
      }
      response = ErrorResponse(failure);
    }
  }
  if (route.access.audit_action.empty() || audit_written) return Deliver(*call, std::move(response));
  // A refusal of a caller who is not authenticated at all is counted, and only the first of its
  // source's window audited (refusal_audit.h); an evaluated login is always audited.
  if (!ctx.principal && response.status >= 400 && !ctx.audit_each && !NoteAnonymousRefusal(ctx)) {
    return Deliver(*call, std::move(response));
  }
  // Reads, refusals and the routes that audit apart: the answer goes out once its audit event is
  // committed.
  store::AuditEvent event = AuditEventFor(ctx, response.status, failure);
  auto pending = std::make_shared<HttpResponse>(std::move(response));
  store_.SubmitAudit(
      std::move(event),  // batched with the other requests' events (store.h, SubmitAudit)
      [this, call, pending](Status appended) {
        if (!appended.ok()) {
          log_.Error("audit_failed", {{"route", call->ctx.route.pattern}, {"message", appended.message()}});
          *pending = ErrorResponse(Status::Unavailable("the audit log could not be written; retry later"));
        }
        Deliver(*call, std::move(*pending));
      });
}

bool Api::NoteAnonymousRefusal(const RequestContext& ctx) {
  std::vector<RefusalAggregator::Closed> closed;
  const bool audit = refusals_.Note(ctx.client_address, ctx.now, closed);
  LogClosedWindows(closed);
  if (audit) {
    // The event of the window says so; the count of the window goes to the log when it ends.
    const_cast<RequestContext&>(ctx).audit_detail =
        fmt::format("address {}; further anonymous refusals from it within {} s are counted in the log",
                    ctx.client_address, options_.refusal_window.count());
  }
  return audit;
}

void Api::LogClosedWindows(const std::vector<RefusalAggregator::Closed>& closed) {
  for (const auto& c : closed) {
    log_.Info("anonymous_refusals",
              {{"address", c.source}, {"since", FormatUtcInstant(c.window_start)}, {"refusals", c.refusals}});
  }
}

void Api::AuditApart(store::AuditEvent event) {
  store_.SubmitTransaction([event = std::move(event)](store::Store& tx) { return tx.AppendAudit(event).status(); },
                           [this](Status s) {
                             if (!s.ok()) log_.Error("audit_failed", {{"route", "-"}, {"message", s.message()}});
                           });
}

void Api::Deliver(Call& call, HttpResponse response) {
  response.log_route = call.ctx.route.pattern;
  if (call.ctx.principal) response.log_user_id = std::to_string(call.ctx.principal->user_id);
  if (response.status >= 400) {
    // Errors are never cached either.
    bool has = false;
    for (const auto& [k, v] : response.headers) has = has || k == "Cache-Control";
    if (!has) response.headers.emplace_back("Cache-Control", "no-store");
  }
  call.respond(std::move(response));
}

}  // namespace ldn::server
