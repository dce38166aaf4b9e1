// Accounts and organisations (issue 13; docs/clinic.md, "Invitations and accounts"): a clinician
// invites a patient to the app with a one-time code; the patient makes their own account with it;
// the admin issues one-time password codes (new staff, resets) instead of ever seeing a password,
// manages pharmacies, which pharmacy a pharmacist works for, and the prescriber details a
// prescription must carry.
//
//   POST P/invitations                  a new invitation code (clinician)
//   GET  P/invitations                  the patient's account and invitations (no codes)
//   POST /invitations/accept            anonymous: {"code", "username", "password"} -> the account
//   POST /users/{user_id}/password-code a one-time password code (admin)
//   POST /password-codes/accept         anonymous: {"code", "password"}
//   GET|POST /pharmacies, PATCH /pharmacies/{pharmacy_id}
//   PUT  /users/{user_id}/pharmacy      {"pharmacy_id": id | null} (admin)
//   PUT  /users/{user_id}/prescriber    the prescriber's name, registration, address (admin)
#include <algorithm>
#include <cctype>
#include <chrono>
#include <limits>

#include <fmt/format.h>

#include "core/message.h"
#include "core/text.h"
#include "server/account_codes.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/auth.h"
#include "server/http_errors.h"
#include "server/login_throttle.h"
#include "server/password_policy.h"

namespace ldn::server {
namespace {

using store::Role;

const std::set<Role> kAdmin = {Role::kAdmin};
const std::set<Role> kClinician = {Role::kClinician};

nlohmann::json CodeJson(const store::AccountCode& c, store::Instant now) {
  const std::string unusable = CodeUnusableReason(c, now);
  return {{"id", c.id},
          {"purpose", store::AccountCodePurposeName(c.purpose)},
          {"created_at", InstantText(c.created_at)},
          {"created_by", c.created_by},
          {"expires_at", InstantText(c.expires_at)},
          {"used_at", c.used_at ? nlohmann::json(InstantText(*c.used_at)) : nlohmann::json()},
          {"revoked_at", c.revoked_at ? nlohmann::json(InstantText(*c.revoked_at)) : nlohmann::json()},
          {"status", unusable.empty() ? "open" : unusable}};
}

// One-time codes (invitations, password codes) are throttled per client address as logins are
// (login_throttle.h): every attempt is counted before the code is looked up; 20 are free within an
// hour (the address policy of logins), then the next waits 1 s, 2 s, 4 s, ... at most 15 minutes. A code that works takes its
// attempt back. Answers the 429 when the address must wait.
constexpr int kCodeAttemptsFree = 20;
Result<std::optional<ApiReply>> CountCodeAttempt(RequestContext& ctx, const std::string& key) {
  LDN_ASSIGN_OR_RETURN(std::optional<store::LoginThrottle> row,
                       ctx.store().CountLoginAttempt(key, ctx.now, ctx.now - std::chrono::hours(1)));
  if (!row) {
    LDN_ASSIGN_OR_RETURN(std::optional<store::LoginThrottle> held, ctx.store().GetLoginThrottle(key));
    const int64_t wait =
        held ? std::chrono::duration_cast<std::chrono::seconds>(held->next_attempt_at - ctx.now).count() : 1;
    const int seconds = static_cast<int>(std::clamp<int64_t>(wait, 1, 15 * 60));
    const HttpResponse r = TooManyRequests(
        fmt::format("too many wrong codes; wait {} second{} before the next try", seconds, seconds == 1 ? "" : "s"),
        seconds);
    ApiReply reply = Reply(nlohmann::json::parse(r.body), 429);
    reply.headers = r.headers;
    return std::optional<ApiReply>(reply);
  }
  const std::chrono::seconds delay = ProgressiveDelay(row->failures, kCodeAttemptsFree, std::chrono::minutes(15));
  if (delay.count() > 0) LDN_RETURN_IF_ERROR(ctx.store().SetLoginThrottleState(key, ctx.now + delay, false));
  return std::optional<ApiReply>();
}

// The code of a body, found and usable for `purpose` (the attempt was counted against the address
// before: CountCodeAttempt). A code that exists but is used, replaced or expired is no guess: its
// attempt is taken back.
Result<store::AccountCode> UsableCode(RequestContext& ctx, const std::string& text, store::AccountCodePurpose purpose,
                                      const std::string& throttle_key) {
  const std::string normalized = NormalizeCode(text);
  auto found = normalized.empty() ? Result<store::AccountCode>(Status::NotFound(""))
                                  : ctx.store().FindAccountCode(CodeHash(normalized));
  if (!found.ok() && found.status().code() != Code::kNotFound) return found.status();
  if (!found.ok() || found->purpose != purpose) {
    return Status::InvalidArgument("code", "this code is not valid: check it, or ask for a new one")
        .WithText({N_("This code is not valid. Check it, or ask for a new one.")});
  }
  const std::string unusable = CodeUnusableReason(*found, ctx.now);
  if (!unusable.empty()) LDN_RETURN_IF_ERROR(ctx.store().UncountLoginAttempt(throttle_key));
  if (unusable == "used") {
    return Status::Conflict("this code was already used: ask for a new one")
        .WithFieldPrefix("code")
        .WithText({N_("This code was already used. Ask for a new one.")});
  }
  if (unusable == "replaced") {
    return Status::Conflict("a newer code replaced this one: use the newest, or ask for a new one")
        .WithFieldPrefix("code")
        .WithText({N_("A newer code replaced this one. Use the newest, or ask for a new one.")});
  }
  if (unusable == "expired") {
    return Status::Conflict("this code has expired: ask for a new one")
        .WithFieldPrefix("code")
        .WithText({N_("This code has expired. Ask for a new one.")});
  }
  return found;
}

// A username a patient chooses from an invitation: the store's rule (store::CheckUsername) and free
// (the store compares names case-insensitively), said in the patient's words. The store checks both
// again when it writes (two people choosing the same name at once).
Status CheckChosenUsername(store::Store& st, const std::string& username) {
  if (Status s = store::CheckUsername(username); !s.ok()) {
    return s.WithText({N_("A username has 1 to 64 characters: letters, digits and . _ @ - (no spaces).")});
  }
  auto taken = st.GetUserByUsername(username);
  if (taken.ok()) {
    return Status::Conflict(fmt::format("username '{}' is taken", username))
        .WithFieldPrefix("username")
        .WithText({N_("This username is taken. Choose another.")});
  }
  return taken.status().code() == Code::kNotFound ? Status::Ok() : taken.status();
}

// ---- Invitations ------------------------------------------------------------------------------

Result<std::optional<store::User>> PatientUser(store::Store& st, store::Id patient_id) {
  LDN_ASSIGN_OR_RETURN(auto users, st.ListUsers());
  for (const auto& u : users) {
    if (u.patient_id == patient_id) return std::optional<store::User>(u);
  }
  return std::optional<store::User>();
}

// No body. -> 201 {"code", "expires_at", "link", "invitation"}. 409 when the patient has an account.
Result<ApiReply> CreateInvitation(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(std::optional<store::User> existing, PatientUser(ctx.store(), ctx.patient()));
  if (existing) {
    return Status::Conflict("this patient already has an account (" + existing->username +
                            "); to reset its password ask the administrator");
  }
  LDN_ASSIGN_OR_RETURN(IssuedCode issued,
                       IssueAccountCode(ctx.store(), store::AccountCodePurpose::kInvitation, ctx.patient(),
                                        std::nullopt, ctx.caller().user_id, ctx.now));
  return Reply({{"code", issued.code},
                {"expires_at", InstantText(issued.stored.expires_at)},
                {"link", issued.link},
                {"invitation", CodeJson(issued.stored, ctx.now)}},
               201);
}

Result<ApiReply> ListInvitations(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(std::optional<store::User> user, PatientUser(ctx.store(), ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto codes, ctx.store().ListAccountCodes(ctx.patient(), std::nullopt));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& c : codes) list.push_back(CodeJson(c, ctx.now));
  nlohmann::json account = nullptr;
  if (user) {
    account = {{"user_id", user->id}, {"username", user->username}, {"disabled", user->disabled},
               {"created_at", InstantText(user->created_at)}};
  }
  return Reply({{"account", account}, {"invitations", list}});
}

// Body: {"code", "username", "password"}. Anonymous; audited apart (Argon2id). -> 201 the account.
Result<ApiReply> AcceptInvitation(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string code_text, o.String("code"));
  LDN_ASSIGN_OR_RETURN(std::string username, o.String("username"));
  LDN_ASSIGN_OR_RETURN(std::string password, o.String("password"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  const std::string key = "code-addr:" + ctx.client_address.substr(0, 100);
  LDN_ASSIGN_OR_RETURN(std::optional<ApiReply> throttled, CountCodeAttempt(ctx, key));
  if (throttled) return *throttled;
  LDN_ASSIGN_OR_RETURN(store::AccountCode code,
                       UsableCode(ctx, code_text, store::AccountCodePurpose::kInvitation, key));
  ctx.audit_patient_id = code.patient_id;
  LDN_RETURN_IF_ERROR(CheckChosenUsername(ctx.store(), username));
  LDN_RETURN_IF_ERROR(CheckNewPassword(password, username, "password"));
  LDN_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, api.options().password_cost));
  store::User created;
  LDN_RETURN_IF_ERROR(ctx.store().RunInTransaction([&](store::Store& tx) -> Status {
    store::User u;
    u.username = username;
    u.role = Role::kPatient;
    u.patient_id = code.patient_id;
    u.password_hash = hash;
    u.password_changed_at = ctx.now;  // chosen by its owner: no forced change
    u.created_at = ctx.now;
    LDN_ASSIGN_OR_RETURN(created, tx.CreateUser(u));
    // Exactly once: a second use of the same code (even at the same moment) fails here and takes
    // the new account back with it.
    return tx.UseAccountCode(code.id, created.id, ctx.now);
  }));
  LDN_RETURN_IF_ERROR(ctx.store().UncountLoginAttempt(key));
  return Reply({{"user_id", created.id},
                {"username", created.username},
                {"role", "patient"},
                {"patient_id", *created.patient_id}},
               201);
}

// ---- Password codes ---------------------------------------------------------------------------

// No body. -> 201 {"code", "expires_at", "link"} for the admin to hand over; the password itself
// is set by its owner.
Result<ApiReply> CreatePasswordCode(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "user_id"));
  LDN_ASSIGN_OR_RETURN(store::User u, ctx.store().GetUser(id));
  ctx.audit_patient_id = u.patient_id;
  LDN_ASSIGN_OR_RETURN(IssuedCode issued, IssueAccountCode(ctx.store(), store::AccountCodePurpose::kPassword,
                                                           std::nullopt, u.id, ctx.caller().user_id, ctx.now));
  return Reply({{"code", issued.code},
                {"expires_at", InstantText(issued.stored.expires_at)},
                {"link", issued.link},
                {"username", u.username}},
               201);
}

// Body: {"code", "password"}. Anonymous; audited apart. Ends every session of the user.
Result<ApiReply> AcceptPasswordCode(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(std::string code_text, o.String("code"));
  LDN_ASSIGN_OR_RETURN(std::string password, o.String("password"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  const std::string key = "code-addr:" + ctx.client_address.substr(0, 100);
  LDN_ASSIGN_OR_RETURN(std::optional<ApiReply> throttled, CountCodeAttempt(ctx, key));
  if (throttled) return *throttled;
  LDN_ASSIGN_OR_RETURN(store::AccountCode code, UsableCode(ctx, code_text, store::AccountCodePurpose::kPassword, key));
  LDN_ASSIGN_OR_RETURN(store::User user, ctx.store().GetUser(*code.user_id));
  ctx.audit_patient_id = user.patient_id;
  LDN_RETURN_IF_ERROR(CheckNewPassword(password, user.username, "password"));
  LDN_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, api.options().password_cost));
  LDN_RETURN_IF_ERROR(ctx.store().RunInTransaction([&](store::Store& tx) -> Status {
    LDN_ASSIGN_OR_RETURN(store::User u, tx.GetUser(user.id));
    u.password_hash = hash;
    u.must_change_password = false;  // chosen by its owner
    u.password_changed_at = ctx.now;
    LDN_RETURN_IF_ERROR(tx.UpdateUser(u));
    LDN_RETURN_IF_ERROR(tx.UseAccountCode(code.id, u.id, ctx.now));
    LDN_RETURN_IF_ERROR(tx.DeleteSessionsOfUser(u.id).status());
    return tx.ClearLoginThrottle(AccountKey(u.username));  // a new password also lifts a lock
  }));
  LDN_RETURN_IF_ERROR(ctx.store().UncountLoginAttempt(key));
  return Reply({{"username", user.username}, {"role", store::RoleName(user.role)}});
}

// ---- Pharmacies -------------------------------------------------------------------------------

Result<nlohmann::json> PharmacyJson(store::Store& st, const store::Pharmacy& p) {
  LDN_ASSIGN_OR_RETURN(auto staff, st.ListPharmacyStaff(p.id));
  return nlohmann::json{{"id", p.id},
                        {"name", p.name},
                        {"address", p.address},
                        {"phone", p.phone},
                        {"created_at", InstantText(p.created_at)},
                        {"pharmacist_user_ids", staff}};
}

Result<store::Pharmacy> ReadPharmacy(JsonObject& o, store::Pharmacy p, bool create) {
  for (const auto& [key, slot, max] : {std::tuple<const char*, std::string*, size_t>{"name", &p.name, 200},
                                       {"address", &p.address, 500},
                                       {"phone", &p.phone, 50}}) {
    const bool text = std::string_view(key) == "address";  // may hold line breaks
    if (create) {
      LDN_ASSIGN_OR_RETURN(*slot, text ? o.Text(key, 0, max) : o.Line(key, max));
    } else {
      LDN_ASSIGN_OR_RETURN(std::optional<std::string> v, text ? o.OptionalText(key, max) : o.OptionalLine(key, max));
      if (v) *slot = *v;
    }
    if (slot->empty() || slot->size() > max) {
      return Status::InvalidArgument(key, fmt::format("must be 1-{} characters", max));
    }
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return p;
}

Result<ApiReply> CreatePharmacy(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::Pharmacy p;
  p.created_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(p, ReadPharmacy(o, p, true));
  LDN_ASSIGN_OR_RETURN(store::Pharmacy created, ctx.store().CreatePharmacy(p));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, PharmacyJson(ctx.store(), created));
  return Reply(std::move(j), 201);
}

Result<ApiReply> UpdatePharmacy(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "pharmacy_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(store::Pharmacy current, ctx.store().GetPharmacy(id));
  LDN_ASSIGN_OR_RETURN(store::Pharmacy p, ReadPharmacy(o, current, false));
  LDN_RETURN_IF_ERROR(ctx.store().UpdatePharmacy(p));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, PharmacyJson(ctx.store(), p));
  return Reply(std::move(j));
}

// Every pharmacy (a clinician routes orders to one; a pharmacist sees the list too).
Result<ApiReply> ListPharmacies(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListPharmacies());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : rows) {
    if (ctx.caller().role == Role::kAdmin) {
      LDN_ASSIGN_OR_RETURN(nlohmann::json j, PharmacyJson(ctx.store(), p));
      out.push_back(std::move(j));
    } else {
      out.push_back({{"id", p.id}, {"name", p.name}, {"address", p.address}, {"phone", p.phone}});
    }
  }
  return Reply({{"pharmacies", std::move(out)}});
}

// Body: {"pharmacy_id": id | null}.
Result<ApiReply> SetUserPharmacy(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "user_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  if (!holder.contains("pharmacy_id")) return Status::InvalidArgument("pharmacy_id", "is required (null: none)");
  LDN_ASSIGN_OR_RETURN(std::optional<store::Id> pharmacy, OptionalId(o, "pharmacy_id"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_RETURN_IF_ERROR(ctx.store().SetUserPharmacy(id, pharmacy, ctx.now));
  return Reply({{"user_id", id}, {"pharmacy_id", pharmacy ? nlohmann::json(*pharmacy) : nlohmann::json()}});
}

// Body: {"full_name", "profession", "registration_number", "address", "phone"?}.
Result<ApiReply> PutPrescriber(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "user_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::PrescriberProfile p;
  p.user_id = id;
  LDN_ASSIGN_OR_RETURN(p.full_name, o.Line("full_name", kMaxNameChars));
  LDN_ASSIGN_OR_RETURN(p.profession, o.Line("profession", kMaxNameChars));
  LDN_ASSIGN_OR_RETURN(p.registration_number, o.Line("registration_number", kMaxNameChars));
  LDN_ASSIGN_OR_RETURN(p.address, o.Text("address", 0, kMaxShortTextChars));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> phone, o.OptionalLine("phone", 50));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  p.phone = phone.value_or("");
  p.updated_at = ctx.now;
  LDN_RETURN_IF_ERROR(ctx.store().PutPrescriberProfile(p));
  return Reply({{"user_id", p.user_id},
                {"full_name", p.full_name},
                {"profession", p.profession},
                {"registration_number", p.registration_number},
                {"address", p.address},
                {"phone", p.phone},
                {"updated_at", InstantText(p.updated_at)}});
}

constexpr char kAcceptInvitationSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["code","username","password"],"properties":{
"code":{"type":"string","example":"7K2M-Q9XD-..."},"username":{"type":"string"},"password":{"type":"string"}}})js";
constexpr char kAcceptPasswordSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["code","password"],"properties":{
"code":{"type":"string"},"password":{"type":"string"}}})js";
constexpr char kPharmacySchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["name","address","phone"],"properties":{
"name":{"type":"string"},"address":{"type":"string"},"phone":{"type":"string"}}})js";
constexpr char kPharmacyPatchSchema[] =
    R"js({"type":"object","additionalProperties":false,"properties":{"name":{"type":"string"},
"address":{"type":"string"},"phone":{"type":"string"}}})js";
constexpr char kUserPharmacySchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["pharmacy_id"],"properties":{
"pharmacy_id":{"type":["integer","null"]}}})js";
constexpr char kPrescriberSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["full_name","profession","registration_number",
"address"],"properties":{"full_name":{"type":"string"},"profession":{"type":"string","example":"physician"},
"registration_number":{"type":"string","example":"HPR 9144889"},"address":{"type":"string"},
"phone":{"type":"string"}}})js";

Access AnonymousAudited(std::string action) {
  Access a = Public();
  a.audit_action = std::move(action);
  a.audit_apart = true;  // Argon2id runs outside; a wrong code must stay counted
  return a;
}

}  // namespace

void AddInvitationRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  routes.Add({"POST", p + "/invitations", PatientScoped(kClinician, "invitation.create"), h(CreateInvitation),
              "Invite the patient to the app: a one-time code, valid 7 days (shown once).", "", {}});
  routes.Add({"GET", p + "/invitations", PatientScoped(kClinician, "invitation.read"), h(ListInvitations),
              "The patient's account and invitations (never the codes).", "", {}});
  routes.Add({"POST", "/api/v1/invitations/accept", AnonymousAudited("invitation.accept"), h(AcceptInvitation),
              "Make a patient's account from an invitation code.", kAcceptInvitationSchema, {}});
  routes.Add({"POST",
              "/api/v1/users/{user_id}/password-code",
              Authenticated(kAdmin, "user.password_code"),
              h(CreatePasswordCode),
              "A one-time code with which the user sets a new password (valid 24 hours).",
              "",
              {}});
  routes.Add({"POST", "/api/v1/password-codes/accept", AnonymousAudited("user.password_set"), h(AcceptPasswordCode),
              "Set a password with a one-time password code (ends the user's sessions).", kAcceptPasswordSchema, {}});
  routes.Add({"GET",
              "/api/v1/pharmacies",
              Authenticated({Role::kAdmin, Role::kClinician, Role::kPharmacist}, "pharmacy.list"),
              h(ListPharmacies),
              "Every pharmacy (an admin also sees its pharmacists).",
              "",
              {}});
  routes.Add({"POST", "/api/v1/pharmacies", Authenticated(kAdmin, "pharmacy.create"), h(CreatePharmacy),
              "Create a pharmacy: an organisation whose pharmacists alone see its orders.", kPharmacySchema, {}});
  routes.Add({"PATCH", "/api/v1/pharmacies/{pharmacy_id}", Authenticated(kAdmin, "pharmacy.update"),
              h(UpdatePharmacy), "Change a pharmacy's name, address or phone.", kPharmacyPatchSchema, {}});
  routes.Add({"PUT", "/api/v1/users/{user_id}/pharmacy", Authenticated(kAdmin, "user.update"), h(SetUserPharmacy),
              "Make a pharmacist work for a pharmacy (or none).", kUserPharmacySchema, {}});
  routes.Add({"PUT", "/api/v1/users/{user_id}/prescriber", Authenticated(kAdmin, "user.update"), h(PutPrescriber),
              "Set a clinician's prescriber details (printed on prescriptions).", kPrescriberSchema, {}});
}

}  // namespace ldn::server
