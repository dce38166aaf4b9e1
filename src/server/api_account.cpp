// Account routes: logging in and out (with throttling and a second factor), the caller's
// account, self-service password change, TOTP enrolment and recovery codes. docs/api.md
// ("Authentication and sessions") and docs/security.md (V2, V3) describe them.
//
// Every handler that runs Argon2id runs on the worker pool (Access::on_worker_pool) and audits
// apart (its writes must stay when it fails: a failed attempt is counted).
#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "core/message.h"
#include "server/accounts.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/http_errors.h"
#include "server/password_policy.h"

namespace ldn::server {
namespace {

using store::Role;

const std::set<Role> kAllRoles = {Role::kPatient, Role::kClinician, Role::kPharmacist, Role::kResearcher, Role::kAdmin};

std::string CookieHeader(const ApiOptions& o, bool session, std::string_view value, long max_age) {
  const std::string_view name = session ? (o.secure_cookies ? kSecureSessionCookie : kSessionCookie)
                                        : (o.secure_cookies ? kSecureCsrfCookie : kCsrfCookie);
  return fmt::format("{}={}; Path=/; Max-Age={}; SameSite=Strict{}{}", name, value, max_age,
                     session ? "; HttpOnly" : "", o.secure_cookies ? "; Secure" : "");
}

// Printable ASCII, at most 64 characters: a username as typed, for logs and audit details.
std::string Printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) out.push_back(c >= 0x20 && c < 0x7f && c != '\'' ? c : '?');
  return out;
}

ApiReply Throttled(const AttemptAdmission& a) {
  const int seconds = static_cast<int>(a.retry_after.count());
  const HttpResponse r = TooManyRequests(
      fmt::format("too many failed logins; wait {} second{} before the next try", seconds, seconds == 1 ? "" : "s"),
      seconds);
  ApiReply reply = Reply(nlohmann::json::parse(r.body), 429);
  reply.headers = r.headers;
  return reply;
}

Status LockedStatus() {
  return Status::PermissionDenied("this account is locked after too many failed logins; an administrator can unlock it")
      .WithFieldPrefix("username")
      .WithText({N_("This account is locked after too many failed logins. An administrator can unlock it.")});
}

// The TOTP secret of an enrolled user, opened with the server's key.
Result<std::vector<uint8_t>> EnrolledSecret(Api& api, store::Store& st, store::Id user_id) {
  LDN_ASSIGN_OR_RETURN(store::TotpState t, st.GetTotp(user_id));
  if (!t.secret) return Status::Conflict("two-step login is not set up for this account");
  return api.sealer().Open(*t.secret, user_id);
}

// A code typed by a person: digits only, spaces ignored.
std::string Digits(std::string_view typed) {
  std::string out;
  for (char c : typed) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

// Checks a recovery code against the user's unused ones and spends it. True when it was good.
Result<bool> SpendRecoveryCode(const Api& api, store::Store& st, store::Id user_id, std::string_view typed,
                               store::Instant now) {
  auto normalised = NormaliseRecoveryCode(typed);
  if (!normalised) return false;
  const std::string lookup = RecoveryCodeLookup(*normalised);
  LDN_ASSIGN_OR_RETURN(auto codes, st.ListRecoveryCodes(user_id));
  for (const auto& c : codes) {
    if (c.lookup != lookup || c.used_at) continue;
    if (!VerifyPassword(*normalised, c.code_hash)) return false;
    return st.UseRecoveryCode(user_id, lookup, now);
  }
  VerifyPasswordDummy(*normalised, api.options().password_cost);  // the same time whether or not the lookup exists
  return false;
}

Result<int> UnusedRecoveryCodes(store::Store& st, store::Id user_id) {
  LDN_ASSIGN_OR_RETURN(auto codes, st.ListRecoveryCodes(user_id));
  return static_cast<int>(std::count_if(codes.begin(), codes.end(), [](const auto& c) { return !c.used_at; }));
}

// Creates a session for `user` (ending its oldest beyond the limit) and the reply with its tokens.
Result<ApiReply> StartSession(Api& api, RequestContext& ctx, const store::User& user) {
  const ApiOptions& opt = api.options();
  const std::string token = NewToken();
  const std::string csrf = NewToken();
  store::Session session;
  session.token_hash = TokenHash(token);
  session.user_id = user.id;
  session.created_at = ctx.now;
  const auto ttl = user.role == Role::kPatient ? opt.patient_session_ttl : opt.session_ttl;
  session.expires_at = ctx.now + std::min(ttl, opt.session_max_lifetime);
  session.csrf_token_hash = TokenHash(csrf);
  LDN_RETURN_IF_ERROR(ctx.store().RunInTransaction([&](store::Store& tx) -> Status {
    LDN_RETURN_IF_ERROR(tx.TrimSessionsOfUser(user.id, std::max(0, opt.max_sessions_per_user - 1)).status());
    return tx.CreateSession(session);
  }));
  api.MaybeMaintain(ctx.now);

  Principal p;
  p.user_id = user.id;
  p.role = user.role;
  p.patient_id = user.patient_id;
  p.username = user.username;
  ctx.principal = p;  // the audit event names who logged in

  std::string setup;
  if (user.must_change_password) {
    setup = "change_password";
  } else if (TotpRequired(user.role) && !user.totp_enabled) {
    setup = "enrol_totp";
  }
  ApiReply reply = Reply({{"token", token},
                          {"csrf_token", csrf},
                          {"expires_at", InstantText(session.expires_at)},
                          {"user_id", user.id},
                          {"role", store::RoleName(user.role)},
                          {"patient_id", user.patient_id ? nlohmann::json(*user.patient_id) : nlohmann::json()},
                          {"setup_step", setup.empty() ? nlohmann::json() : nlohmann::json(setup)}},
                         201);
  const long max_age = static_cast<long>(opt.session_max_lifetime.count());
  reply.headers.emplace_back("Set-Cookie", CookieHeader(opt, true, token, max_age));
  reply.headers.emplace_back("Set-Cookie", CookieHeader(opt, false, csrf, max_age));
  return reply;
}

// POST /session: {"username", "password", "totp_code"?, "recovery_code"?}.
Result<ApiReply> Login(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json body, ctx.JsonBody());
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(body, ""));
  LDN_ASSIGN_OR_RETURN(std::string username, o.String("username"));
  LDN_ASSIGN_OR_RETURN(std::string password, o.String("password"));
  LDN_ASSIGN_OR_RETURN(auto totp_code, o.OptionalString("totp_code"));
  LDN_ASSIGN_OR_RETURN(auto recovery_code, o.OptionalString("recovery_code"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (username.empty() || username.size() > 64) return Status::InvalidArgument("username", "must be 1-64 characters");
  if (password.empty() || password.size() > kMaxPasswordBytes) {
    return Status::InvalidArgument("password", "must be 1-1024 bytes");
  }
  if (totp_code) {
    *totp_code = Digits(*totp_code);
    if (totp_code->size() != 6 || !std::all_of(totp_code->begin(), totp_code->end(), ::isdigit)) {
      return Status::InvalidArgument("totp_code", "must be the 6 digits your authenticator app shows");
    }
  }
  if (recovery_code && recovery_code->size() > 64) {
    return Status::InvalidArgument("recovery_code", "must be at most 64 characters");
  }
  if (totp_code && recovery_code) {
    return Status::InvalidArgument("recovery_code", "give either totp_code or recovery_code, not both");
  }
  store::Store& st = ctx.store();
  const ApiOptions& opt = api.options();
  const ThrottleKeys keys = KeysFor(username, ctx.client_address);
  const std::string who = fmt::format("username '{}' from {}", Printable(username), ctx.client_address);

  LDN_ASSIGN_OR_RETURN(AttemptAdmission admission, CountAttempt(st, keys, ctx.now, opt.throttle));
  if (!admission.allowed) {
    api.log().Info("login_throttled", {{"username", Printable(username)},
                                       {"address", ctx.client_address},
                                       {"by", admission.refused_by},
                                       {"locked", admission.locked}});
    if (admission.locked) return LockedStatus();
    return Throttled(admission);
  }

  // From here on the attempt is counted: a refusal is audited on its own (issue 17, M11).
  auto fail = [&](std::string_view reason, Status status) -> Result<ApiReply> {
    ctx.audit_each = true;
    ctx.audit_detail = who + "; " + std::string(reason);
    api.log().Info("login_failed",
                   {{"username", Printable(username)}, {"address", ctx.client_address}, {"reason", reason}});
    LDN_ASSIGN_OR_RETURN(bool locked_now, AttemptFailed(st, keys, ctx.now, opt.throttle));
    if (locked_now) {
      api.log().Warn("account_locked", {{"username", Printable(username)},
                                        {"address", ctx.client_address},
                                        {"failures", opt.throttle.account_lock_after}});
      store::AuditEvent e;
      e.at = ctx.now;
      e.role = "system";
      e.action = "account.lock";
      e.object = "session";
      e.outcome = "locked";
      e.detail = fmt::format("{}; locked after {} consecutive failed logins", who, opt.throttle.account_lock_after);
      // The account locked (when it exists): its patient, so that the patient's audit trail shows it.
      auto locked = st.GetUserByUsername(username);
      if (locked.ok()) e.patient_id = locked->patient_id;
      api.AuditApart(e);
    }
    return status;
  };

  auto user = st.GetUserByUsername(username);
  if (!user.ok() && user.status().code() != Code::kNotFound) return user.status();
  if (!user.ok()) {
    VerifyPasswordDummy(password, api.options().password_cost);
    return fail("unknown username", Status::Unauthenticated("wrong username or password"));
  }
  if (!VerifyPassword(password, user->password_hash)) {
    return fail("wrong password", Status::Unauthenticated("wrong username or password"));
  }
  if (user->disabled) return fail("disabled account", Status::Unauthenticated("wrong username or password"));

  std::string factor;
  if (user->totp_enabled) {
    if (!totp_code && !recovery_code) {
      // The password is right; the second step follows. Not a failure, not a success.
      LDN_RETURN_IF_ERROR(AttemptReleased(st, keys, ctx.now));
      return Status::Unauthenticated("enter the 6-digit code from your authenticator app")
          .WithFieldPrefix("totp_code");
    }
    if (totp_code) {
      LDN_ASSIGN_OR_RETURN(std::vector<uint8_t> secret, EnrolledSecret(api, st, user->id));
      const auto step = MatchTotp(secret, *totp_code, TotpStep(ctx.now.time_since_epoch().count()));
      bool claimed = false;
      if (step) {
        LDN_ASSIGN_OR_RETURN(claimed, st.ClaimTotpStep(user->id, *step));
      }
      if (!claimed) {
        // A right code used a second time is refused like a wrong one (RFC 6238 §5.2, ASVS 2.8.4).
        return fail(step ? "authenticator code used already" : "wrong authenticator code",
                    Status::Unauthenticated("that code is wrong or was used already; wait for the next one")
                        .WithFieldPrefix("totp_code"));
      }
      factor = "totp";
    } else {
      LDN_ASSIGN_OR_RETURN(bool spent, SpendRecoveryCode(api, st, user->id, *recovery_code, ctx.now));
      if (!spent) {
        return fail("wrong recovery code", Status::Unauthenticated("that recovery code is wrong or was used already")
                                               .WithFieldPrefix("recovery_code"));
      }
      LDN_ASSIGN_OR_RETURN(int left, UnusedRecoveryCodes(st, user->id));
      factor = fmt::format("recovery code ({} left)", left);
      api.log().Info("recovery_code_used", {{"user_id", user->id}, {"left", left}});
    }
  }
  LDN_RETURN_IF_ERROR(AttemptSucceeded(st, keys));
  ctx.audit_detail = "address " + ctx.client_address + (factor.empty() ? "" : "; second factor " + factor);
  return StartSession(api, ctx, *user);
}

Result<ApiReply> Logout(Api& api, RequestContext& ctx) {
  LDN_RETURN_IF_ERROR(ctx.store().DeleteSession(ctx.caller().token_hash));
  ApiReply reply = Reply(nullptr, 204);
  reply.headers.emplace_back("Set-Cookie", CookieHeader(api.options(), true, "", 0));
  reply.headers.emplace_back("Set-Cookie", CookieHeader(api.options(), false, "", 0));
  return reply;
}

Result<ApiReply> Me(Api&, RequestContext& ctx) {
  const Principal& p = ctx.caller();
  return Reply({{"user_id", p.user_id},
                {"username", p.username},
                {"role", store::RoleName(p.role)},
                {"patient_id", p.patient_id ? nlohmann::json(*p.patient_id) : nlohmann::json()},
                {"setup_step", p.setup_step.empty() ? nlohmann::json() : nlohmann::json(p.setup_step)},
                {"totp_enabled", p.totp_enabled},
                {"totp_required", TotpRequired(p.role)}});
}

// Re-authentication with the current password, throttled like a login (a stolen session must not
// be able to guess the password). kUnauthenticated naming `field` when wrong.
Status Reauthenticate(Api& api, RequestContext& ctx, const store::User& user, const std::string& password,
                      std::string_view field) {
  store::Store& st = ctx.store();
  const ThrottleKeys keys = KeysFor(user.username, ctx.client_address);
  LDN_ASSIGN_OR_RETURN(AttemptAdmission admission, CountAttempt(st, keys, ctx.now, api.options().throttle));
  if (!admission.allowed) {
    if (admission.locked) return LockedStatus();
    return Status::PermissionDenied(fmt::format("too many wrong passwords; wait {} s", admission.retry_after.count()))
        .WithFieldPrefix(std::string(field))
        .WithText(
            {N_("Too many wrong passwords. Wait {n} seconds and try again."), {{"n", admission.retry_after.count()}}});
  }
  if (password.size() > kMaxPasswordBytes || !VerifyPassword(password, user.password_hash)) {
    ctx.audit_detail = "wrong current password";
    LDN_ASSIGN_OR_RETURN(bool locked_now, AttemptFailed(st, keys, ctx.now, api.options().throttle));
    if (locked_now) api.log().Warn("account_locked", {{"user_id", user.id}, {"address", ctx.client_address}});
    return Status::Unauthenticated("the current password is wrong")
        .WithFieldPrefix(std::string(field))
        .WithText({N_("The current password is wrong.")});
  }
  return AttemptSucceeded(st, keys);
}

// POST /me/password: {"current_password", "new_password"}. Ends every other session.
Result<ApiReply> ChangePassword(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string current, o.String("current_password"));
  LDN_ASSIGN_OR_RETURN(std::string next, o.String("new_password"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  store::Store& st = ctx.store();
  LDN_ASSIGN_OR_RETURN(store::User user, st.GetUser(ctx.caller().user_id));
  LDN_RETURN_IF_ERROR(Reauthenticate(api, ctx, user, current, "current_password"));
  LDN_RETURN_IF_ERROR(CheckNewPassword(next, user.username, "new_password"));
  if (VerifyPassword(next, user.password_hash)) {
    return Status::InvalidArgument("new_password", "must differ from the current password")
        .WithText({N_("The new password must differ from the current one.")});
  }
  LDN_ASSIGN_OR_RETURN(user.password_hash, HashPassword(next, api.options().password_cost));
  user.must_change_password = false;
  user.password_changed_at = ctx.now;
  int64_t ended = 0;
  LDN_RETURN_IF_ERROR(st.RunInTransaction([&](store::Store& tx) -> Status {
    LDN_RETURN_IF_ERROR(tx.UpdateUser(user));
    LDN_ASSIGN_OR_RETURN(ended, tx.DeleteOtherSessionsOfUser(user.id, ctx.caller().token_hash));
    return Status::Ok();
  }));
  ctx.audit_detail = fmt::format("{} other session{} ended", ended, ended == 1 ? "" : "s");
  ctx.audit_patient_id = user.patient_id;
  return Reply({{"password_changed", true}, {"other_sessions_ended", ended}});
}

// POST /me/totp: begins an enrolment. The secret is returned this once (for the QR code and to
// type by hand); afterwards it is only ever stored sealed.
Result<ApiReply> BeginTotp(Api& api, RequestContext& ctx) {
  const Principal& p = ctx.caller();
  if (p.setup_step == "change_password") {
    return Status::PermissionDenied("choose a new password first").WithFieldPrefix("setup");
  }
  if (p.totp_enabled) {
    return Status::Conflict("two-step login is already set up; turn it off first to use another authenticator");
  }
  const std::vector<uint8_t> secret = NewTotpSecret();
  LDN_RETURN_IF_ERROR(ctx.store().SetPendingTotp(p.user_id, api.sealer().Seal(secret, p.user_id)));
  const std::string b32 = Base32Encode(secret);
  return Reply({{"secret", b32},
                {"otpauth_uri", OtpauthUri(api.options().totp_issuer, p.username, b32)},
                {"issuer", api.options().totp_issuer},
                {"account", p.username},
                {"digits", 6},
                {"period", kTotpPeriodSeconds},
                {"algorithm", "SHA1"}},
               201);
}

// Issues and stores a new set of recovery codes; returns them (shown once).
Result<std::vector<std::string>> NewRecoveryCodes(const Api& api, RequestContext& ctx, store::Id user_id) {
  LDN_ASSIGN_OR_RETURN(IssuedRecoveryCodes issued,
                       IssueRecoveryCodes(ctx.now, kRecoveryCodeCount, api.options().password_cost));
  LDN_RETURN_IF_ERROR(ctx.store().ReplaceRecoveryCodes(user_id, issued.stored));
  return issued.codes;
}

// POST /me/totp/confirm: {"code"}: the first code proves the app has the secret; TOTP is on, the
// recovery codes are issued, and every other session ends.
Result<ApiReply> ConfirmTotp(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string code, o.String("code"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  code = Digits(code);
  if (code.size() != 6 || !std::all_of(code.begin(), code.end(), ::isdigit)) {
    return Status::InvalidArgument("code", "must be the 6 digits your authenticator app shows");
  }
  const Principal& p = ctx.caller();
  store::Store& st = ctx.store();
  LDN_ASSIGN_OR_RETURN(store::TotpState t, st.GetTotp(p.user_id));
  if (t.secret) return Status::Conflict("two-step login is already set up");
  if (!t.pending_secret) return Status::Conflict("start the set-up first (POST /api/v1/me/totp)").WithFieldPrefix("code");
  LDN_ASSIGN_OR_RETURN(std::vector<uint8_t> secret, api.sealer().Open(*t.pending_secret, p.user_id));
  const auto step = MatchTotp(secret, code, TotpStep(ctx.now.time_since_epoch().count()));
  if (!step) {
    return Status::InvalidArgument("code",
                                   "that code does not match: check the phone's clock and type the code shown now");
  }
  LDN_RETURN_IF_ERROR(st.EnableTotp(p.user_id, ctx.now, *step));
  LDN_ASSIGN_OR_RETURN(std::vector<std::string> codes, NewRecoveryCodes(api, ctx, p.user_id));
  LDN_ASSIGN_OR_RETURN(int64_t ended, st.DeleteOtherSessionsOfUser(p.user_id, p.token_hash));
  ctx.audit_detail = fmt::format("two-step login on; {} other session{} ended", ended, ended == 1 ? "" : "s");
  return Reply({{"totp_enabled", true}, {"recovery_codes", codes}});
}

Result<std::string> PasswordField(RequestContext& ctx, nlohmann::json& holder) {
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string password, o.String("password"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return password;
}

// POST /me/totp/disable: {"password"}. Only where the role does not require TOTP (a patient).
Result<ApiReply> DisableTotp(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(std::string password, PasswordField(ctx, holder));
  const Principal& p = ctx.caller();
  if (TotpRequired(p.role)) {
    return Status::PermissionDenied(fmt::format("two-step login is required for the {} role", store::RoleName(p.role)));
  }
  LDN_ASSIGN_OR_RETURN(store::User user, ctx.store().GetUser(p.user_id));
  LDN_RETURN_IF_ERROR(Reauthenticate(api, ctx, user, password, "password"));
  LDN_RETURN_IF_ERROR(ctx.store().DisableTotp(p.user_id));
  ctx.audit_detail = "two-step login off";
  return Reply({{"totp_enabled", false}});
}

// POST /me/recovery-codes: {"password"}: a new set replaces the old one.
Result<ApiReply> RenewRecoveryCodes(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(std::string password, PasswordField(ctx, holder));
  const Principal& p = ctx.caller();
  if (!p.totp_enabled) return Status::Conflict("recovery codes come with two-step login, which is not set up");
  LDN_ASSIGN_OR_RETURN(store::User user, ctx.store().GetUser(p.user_id));
  LDN_RETURN_IF_ERROR(Reauthenticate(api, ctx, user, password, "password"));
  LDN_ASSIGN_OR_RETURN(std::vector<std::string> codes, NewRecoveryCodes(api, ctx, p.user_id));
  return Reply({{"recovery_codes", codes}}, 201);
}

// GET /me/recovery-codes: how many are left (never the codes).
Result<ApiReply> CountRecoveryCodes(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(int left, UnusedRecoveryCodes(ctx.store(), ctx.caller().user_id));
  return Reply({{"unused", left}});
}

Access Slow(Access a) {
  a.audit_apart = true;
  a.on_worker_pool = true;
  return a;
}

Access Setup(Access a) {
  a.during_setup = true;
  return a;
}

constexpr char kLoginSchema[] =
    R"js({"type":"object","required":["username","password"],"additionalProperties":false,"properties":{
"username":{"type":"string"},"password":{"type":"string"},"totp_code":{"type":"string"},
"recovery_code":{"type":"string"}}})js";
constexpr char kPasswordChangeSchema[] =
    R"js({"type":"object","required":["current_password","new_password"],"additionalProperties":false,
"properties":{"current_password":{"type":"string"},"new_password":{"type":"string","minLength":12}}})js";
constexpr char kCodeSchema[] =
    R"js({"type":"object","required":["code"],"additionalProperties":false,"properties":{"code":{"type":"string"}}})js";
constexpr char kPasswordSchema[] =
    R"js({"type":"object","required":["password"],"additionalProperties":false,"properties":{
"password":{"type":"string"}}})js";

}  // namespace

void AddAccountRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  routes.Add({"POST",
              "/api/v1/session",
              [] {
                Access acc = Public();
                acc.audit_action = "session.create";
                return Slow(acc);  // a failed login must stay counted; Argon2id runs on the pool
              }(),
              h(Login),
              "Log in: returns a session token and a CSRF token, and sets them as cookies. An account with two-step "
              "login also sends totp_code (or a recovery_code); without it the answer is 401 with field totp_code.",
              kLoginSchema,
              {}});
  routes.Add({"DELETE",
              "/api/v1/session",
              Setup(Authenticated(kAllRoles, "session.delete")),
              h(Logout),
              "Log out: ends this session.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/me",
              Setup(Authenticated(kAllRoles)),
              h(Me),
              "The caller: user id, username, role, patient id, and what the account must still set up.",
              "",
              {}});
  routes.Add({"POST",
              "/api/v1/me/password",
              Setup(Slow(Authenticated(kAllRoles, "account.password_change"))),
              h(ChangePassword),
              "Change one's own password (with the current one); every other session of the account ends.",
              kPasswordChangeSchema,
              {}});
  routes.Add({"POST",
              "/api/v1/me/totp",
              Setup(Authenticated(kAllRoles, "account.totp_begin")),
              h(BeginTotp),
              "Begin setting up two-step login: a new secret and its otpauth:// URI, shown this once.",
              "",
              {}});
  routes.Add({"POST",
              "/api/v1/me/totp/confirm",
              Setup(Slow(Authenticated(kAllRoles, "account.totp_enable"))),
              h(ConfirmTotp),
              "Finish setting up two-step login with the first code; returns the one-time recovery codes.",
              kCodeSchema,
              {}});
  routes.Add({"POST",
              "/api/v1/me/totp/disable",
              Slow(Authenticated({Role::kPatient, Role::kResearcher}, "account.totp_disable")),
              h(DisableTotp),
              "Turn two-step login off (with the password): the roles for which it is optional.",
              kPasswordSchema,
              {}});
  routes.Add({"POST",
              "/api/v1/me/recovery-codes",
              Slow(Authenticated(kAllRoles, "account.recovery_codes")),
              h(RenewRecoveryCodes),
              "Replace the recovery codes (with the password); the new ones are shown this once.",
              kPasswordSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/me/recovery-codes",
              Authenticated(kAllRoles),
              h(CountRecoveryCodes),
              "How many recovery codes are left unused.",
              "",
              {}});
}

}  // namespace ldn::server
