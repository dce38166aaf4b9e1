// System routes: health, the OpenAPI document, login and logout, and the caller's identity.
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "server/api.h"
#include "server/api_util.h"
#include "server/http_errors.h"

namespace ldn::server {
namespace {

using store::Role;

const std::set<Role> kAllRoles = {Role::kPatient, Role::kClinician, Role::kPharmacist, Role::kResearcher, Role::kAdmin};

std::string Cookie(std::string_view name, std::string_view value, long max_age, bool http_only, bool secure) {
  return fmt::format("{}={}; Path=/; Max-Age={}; SameSite=Strict{}{}", name, value, max_age,
                     http_only ? "; HttpOnly" : "", secure ? "; Secure" : "");
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Result<ApiReply> Login(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(body, ""));
  LDN_ASSIGN_OR_RETURN(std::string username, o.String("username"));
  LDN_ASSIGN_OR_RETURN(std::string password, o.String("password"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (username.empty() || username.size() > 64) {
    return Status::InvalidArgument("username", "must be 1-64 characters");
  }
  if (password.empty() || password.size() > 1024) {
    return Status::InvalidArgument("password", "must be 1-1024 bytes");
  }
  store::Store& st = ctx.store();
  const ApiOptions& opt = api.options();
  const std::string user_key = "user:" + Lower(username);
  const std::string address_key = "address:" + ctx.request.remote_address.substr(0, 100);
  const store::Instant since = ctx.now - opt.login_window;
  LDN_ASSIGN_OR_RETURN(int64_t user_failures, st.CountLoginFailures(user_key, since));
  LDN_ASSIGN_OR_RETURN(int64_t address_failures, st.CountLoginFailures(address_key, since));
  if (user_failures >= opt.max_login_failures_per_user || address_failures >= opt.max_login_failures_per_address) {
    const HttpResponse r =
        TooManyRequests("too many failed logins; try again later", static_cast<int>(opt.login_window.count()));
    ApiReply reply = Reply(nlohmann::json::parse(r.body), 429);
    reply.headers = r.headers;
    return reply;
  }
  auto user = st.GetUserByUsername(username);
  if (!user.ok() && user.status().code() != Code::kNotFound) return user.status();
  bool good = false;
  if (user.ok()) {
    good = VerifyPassword(password, user->password_hash) && !user->disabled;
  } else {
    VerifyPasswordDummy(password);
  }
  if (!good) {
    LDN_RETURN_IF_ERROR(st.RecordLoginFailure(user_key, ctx.now));
    LDN_RETURN_IF_ERROR(st.RecordLoginFailure(address_key, ctx.now));
    return Status::Unauthenticated("wrong username or password");
  }
  LDN_RETURN_IF_ERROR(st.ClearLoginFailures(user_key));
  const std::string token = NewToken();
  const std::string csrf = NewToken();
  store::Session session;
  session.token_hash = TokenHash(token);
  session.user_id = user->id;
  session.created_at = ctx.now;
  session.expires_at = ctx.now + opt.session_ttl;
  session.csrf_token_hash = TokenHash(csrf);
  LDN_RETURN_IF_ERROR(st.CreateSession(session));
  api.MaybeMaintain(ctx.now);

  Principal p;
  p.user_id = user->id;
  p.role = user->role;
  p.patient_id = user->patient_id;
  p.username = user->username;
  ctx.principal = p;  // the audit event names who logged in

  ApiReply reply = Reply({{"token", token},
                          {"csrf_token", csrf},
                          {"expires_at", InstantText(session.expires_at)},
                          {"user_id", user->id},
                          {"role", store::RoleName(user->role)},
                          {"patient_id", user->patient_id ? nlohmann::json(*user->patient_id) : nlohmann::json()}},
                         201);
  const long max_age = static_cast<long>(opt.session_ttl.count());
  reply.headers.emplace_back("Set-Cookie", Cookie(kSessionCookie, token, max_age, true, opt.secure_cookies));
  reply.headers.emplace_back("Set-Cookie", Cookie(kCsrfCookie, csrf, max_age, false, opt.secure_cookies));
  return reply;
}

Result<ApiReply> Logout(Api& api, RequestContext& ctx) {
  LDN_RETURN_IF_ERROR(ctx.store().DeleteSession(ctx.caller().token_hash));
  ApiReply reply = Reply(nullptr, 204);
  reply.headers.emplace_back("Set-Cookie", Cookie(kSessionCookie, "", 0, true, api.options().secure_cookies));
  reply.headers.emplace_back("Set-Cookie", Cookie(kCsrfCookie, "", 0, false, api.options().secure_cookies));
  return reply;
}

}  // namespace

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
  routes.Add({"POST",
              "/api/v1/session",
              [] {
                Access acc = Public();
                acc.audit_action = "session.create";
                acc.audit_apart = true;  // a failed login must stay counted; Argon2id runs outside
                return acc;
              }(),
              [a](RequestContext& ctx) { return Login(*a, ctx); },
              "Log in: returns a session token and a CSRF token, and sets them as cookies.",
              R"js({"type":"object","required":["username","password"],"additionalProperties":false,
                  "properties":{"username":{"type":"string"},"password":{"type":"string"}}})js",
              {}});
  routes.Add({"DELETE",
              "/api/v1/session",
              Authenticated(kAllRoles, "session.delete"),
              [a](RequestContext& ctx) { return Logout(*a, ctx); },
              "Log out: ends this session.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/me",
              Authenticated(kAllRoles),
              [](RequestContext& ctx) -> Result<ApiReply> {
                const Principal& p = ctx.caller();
                return Reply({{"user_id", p.user_id},
                              {"username", p.username},
                              {"role", store::RoleName(p.role)},
                              {"patient_id", p.patient_id ? nlohmann::json(*p.patient_id) : nlohmann::json()}});
              },
              "The caller: user id, username, role and (for a patient) patient id.",
              "",
              {}});
}

}  // namespace ldn::server
