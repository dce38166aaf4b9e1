// Administration routes (users, care teams, the audit trail) and the researcher's de-identified
// summary. An admin manages accounts and teams but reads no clinical data.
#include <limits>

#include <fmt/format.h>

#include "server/account_codes.h"
#include "core/text.h"
#include "server/accounts.h"
#include "server/api.h"
#include "server/password_policy.h"
#include "server/api_util.h"
#include "server/research_summary.h"

namespace ldn::server {
namespace {

using store::Role;

const std::set<Role> kAdmin = {Role::kAdmin};

// ---- Users ------------------------------------------------------------------------------------

// Each user with, for a pharmacist, the pharmacy they work for and, for a clinician, whether their
// prescriber details are on record (issue 13).
Result<ApiReply> ListUsers(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto users, ctx.store().ListUsers());
  LDN_ASSIGN_OR_RETURN(auto locked, ctx.store().ListLockedLoginThrottles("acct:"));
  std::set<std::string> locked_keys;
  for (const auto& t : locked) locked_keys.insert(t.key);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& u : users) {
    nlohmann::json j = ToJson(u);
    j["password_set"] = u.password_hash != kNoPasswordYet;
    j["locked"] = locked_keys.count(AccountKey(u.username)) != 0;
    if (u.role == Role::kPharmacist) {
      LDN_ASSIGN_OR_RETURN(std::optional<store::Id> pharmacy, ctx.store().GetUserPharmacy(u.id));
      j["pharmacy_id"] = pharmacy ? nlohmann::json(*pharmacy) : nlohmann::json();
    }
    if (u.role == Role::kClinician) {
      auto profile = ctx.store().GetPrescriberProfile(u.id);
      if (!profile.ok() && profile.status().code() != Code::kNotFound) return profile.status();
      j["prescriber"] = profile.ok() ? nlohmann::json{{"full_name", profile->full_name},
                                                      {"profession", profile->profession},
                                                      {"registration_number", profile->registration_number},
                                                      {"address", profile->address},
                                                      {"phone", profile->phone}}
                                     : nlohmann::json();
    }
    out.push_back(std::move(j));
  }
  return Reply({{"users", std::move(out)}});
}

// Body: {"username", "role", "password"?, "patient": {"display_name", "time_zone"} | "patient_id",
// "pharmacy_id"? (a pharmacist's pharmacy)}. Without a password the answer carries a one-time
// "password_code" with which the new user sets their own (issue 13: the admin never sees one).
Result<ApiReply> CreateUser(Api& api, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  NewAccount account;
  LDN_ASSIGN_OR_RETURN(account.username, o.String("username"));
  LDN_ASSIGN_OR_RETURN(std::string role, o.String("role"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> password, o.OptionalString("password"));
  account.password_later = !password;
  account.password = password.value_or("");
  LDN_ASSIGN_OR_RETURN(account.pharmacy_id, OptionalId(o, "pharmacy_id"));
  LDN_ASSIGN_OR_RETURN(account.patient_id, OptionalId(o, "patient_id"));
  if (o.HasNonNull("patient")) {
    LDN_ASSIGN_OR_RETURN(JsonObject p, o.Object("patient"));
    NewPatient np;
    LDN_ASSIGN_OR_RETURN(np.display_name, p.Line("display_name", kMaxNameChars));
    LDN_ASSIGN_OR_RETURN(np.time_zone, p.String("time_zone"));
    LDN_RETURN_IF_ERROR(p.RejectUnknownKeys());
    LDN_RETURN_IF_ERROR(TimeZone::Named(np.time_zone, p.PathOf("time_zone")).status());
    account.new_patient = np;
  } else {
    o.Consume("patient");
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  LDN_ASSIGN_OR_RETURN(account.role, store::ParseRole(role, "role"));
  // Least privilege (issue 17, M6): an administrator must not be able to give themselves a
  // patient's data by attaching a login they know to an existing patient record. A login for an
  // existing record is made on the server (`ldn user add --patient-id`) or by an invitation the
  // patient accepts; a new patient user comes with a new, empty record.
  if (account.patient_id) {
    return Status::PermissionDenied(
               "an administrator cannot attach a login to an existing patient record (it would let them read the "
               "record); create the patient's login with a new record, or use `ldn user add --patient-id` on the "
               "server")
        .WithFieldPrefix("patient_id");
  }
  // The administrator chose this password: the owner replaces it at the first login.
  account.must_change_password = true;
  LDN_ASSIGN_OR_RETURN(store::User u, CreateAccount(ctx.store(), account, ctx.now, api.options().password_cost));
  ctx.audit_patient_id = u.patient_id;
  nlohmann::json j = ToJson(u);
  if (account.pharmacy_id) j["pharmacy_id"] = *account.pharmacy_id;
  if (account.password_later) {
    LDN_ASSIGN_OR_RETURN(IssuedCode code, IssueAccountCode(ctx.store(), store::AccountCodePurpose::kPassword,
                                                           std::nullopt, u.id, ctx.caller().user_id, ctx.now));
    j["password_code"] = {
        {"code", code.code}, {"expires_at", InstantText(code.stored.expires_at)}, {"link", code.link}};
  }
  return Reply(std::move(j), 201);
}

// Removes the user from every care team (a role that no longer sees patients).
Status LeaveAllTeams(store::Store& st, store::Id user_id) {
  LDN_ASSIGN_OR_RETURN(auto teams, st.ListCareTeams());
  for (const auto& t : teams) {
    LDN_ASSIGN_OR_RETURN(auto members, st.ListCareTeamMembers(t.id));
    for (const auto& m : members) {
      if (m.user_id == user_id) LDN_RETURN_IF_ERROR(st.RemoveCareTeamMember(t.id, user_id));
    }
  }
  return Status::Ok();
}

// Body: {"disabled"?: bool, "password"?: string, "unlock"?: true, "reset_totp"?: true,
// "role"?: string}. Disabling, a new password, a TOTP reset and a role change end every session of
// the user. Runs on the worker pool (a new password is hashed).
Result<ApiReply> UpdateUser(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "user_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(auto disabled, o.OptionalBool("disabled"));
  LDN_ASSIGN_OR_RETURN(auto password, o.OptionalString("password"));
  LDN_ASSIGN_OR_RETURN(auto unlock, o.OptionalBool("unlock"));
  LDN_ASSIGN_OR_RETURN(auto reset_totp, o.OptionalBool("reset_totp"));
  LDN_ASSIGN_OR_RETURN(auto role_text, o.OptionalString("role"));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (unlock && !*unlock) return Status::InvalidArgument("unlock", "must be true when given");
  if (reset_totp && !*reset_totp) return Status::InvalidArgument("reset_totp", "must be true when given");
  store::Store& st = ctx.store();
  const bool self = id == ctx.caller().user_id;
  LDN_ASSIGN_OR_RETURN(store::User u, st.GetUser(id));
  ctx.audit_patient_id = u.patient_id;
  std::vector<std::string> changes;
  if (disabled) {
    if (*disabled && self) return Status::InvalidArgument("disabled", "an admin cannot disable their own account");
    u.disabled = *disabled;
    changes.push_back(*disabled ? "disabled" : "enabled");
  }
  std::optional<store::Role> new_role;
  if (role_text) {
    LDN_ASSIGN_OR_RETURN(store::Role r, store::ParseRole(*role_text, "role"));
    // Least privilege (issue 17, M6): nobody changes their own role (an administrator would make
    // themselves a clinician), and a patient login stays tied to its patient record.
    if (self) return Status::PermissionDenied("an administrator cannot change their own role").WithFieldPrefix("role");
    if ((r == store::Role::kPatient) != (u.role == store::Role::kPatient)) {
      return Status::InvalidArgument("role", "a patient account cannot become staff, nor a staff account a patient");
    }
    if (r != u.role) {
      changes.push_back(fmt::format("role {} -> {}", store::RoleName(u.role), store::RoleName(r)));
      new_role = r;
      u.role = r;
    }
  }
  if (password) {
    if (self) {
      return Status::InvalidArgument("password", "change your own password on your account page (it asks for the "
                                                 "current one)");
    }
    LDN_RETURN_IF_ERROR(CheckNewPassword(*password, u.username, "password"));
    LDN_ASSIGN_OR_RETURN(u.password_hash, HashPassword(*password, api.options().password_cost));
    u.must_change_password = true;  // the owner replaces it at the next login
    u.password_changed_at = ctx.now;
    changes.push_back("password set (to be changed at the next login)");
  }
  if (reset_totp && self) {
    return Status::InvalidArgument("reset_totp", "an administrator cannot reset their own two-step login");
  }
  const bool end_sessions = disabled.value_or(false) || password || reset_totp || new_role;
  LDN_RETURN_IF_ERROR(st.RunInTransaction([&](store::Store& tx) -> Status {
    LDN_RETURN_IF_ERROR(tx.UpdateUser(u));
    if (new_role && *new_role != store::Role::kClinician && *new_role != store::Role::kPharmacist) {
      LDN_RETURN_IF_ERROR(LeaveAllTeams(tx, id));
    }
    if (reset_totp) LDN_RETURN_IF_ERROR(tx.DisableTotp(id));
    if (unlock) LDN_RETURN_IF_ERROR(tx.ClearLoginThrottle(AccountKey(u.username)));
    if (end_sessions) LDN_RETURN_IF_ERROR(tx.DeleteSessionsOfUser(id).status());
    return Status::Ok();
  }));
  if (reset_totp) changes.push_back("two-step login reset");
  if (unlock) changes.push_back("unlocked");
  std::string detail;
  for (const auto& c : changes) detail += (detail.empty() ? "" : "; ") + c;
  ctx.audit_detail = detail;
  if (new_role) {
    api.log().Info("role_changed", {{"user_id", id}, {"by", ctx.caller().user_id}, {"role", store::RoleName(*new_role)}});
  }
  LDN_ASSIGN_OR_RETURN(store::User updated, st.GetUser(id));
  nlohmann::json j = ToJson(updated);
  LDN_ASSIGN_OR_RETURN(auto throttle, st.GetLoginThrottle(AccountKey(updated.username)));
  j["locked"] = throttle && throttle->locked;
  return Reply(j);
}

// ---- Care teams -------------------------------------------------------------------------------

Result<nlohmann::json> TeamJson(store::Store& st, const store::CareTeam& t) {
  nlohmann::json j = ToJson(t);
  LDN_ASSIGN_OR_RETURN(auto members, st.ListCareTeamMembers(t.id));
  nlohmann::json ids = nlohmann::json::array();
  for (const auto& m : members) ids.push_back(m.user_id);
  j["member_user_ids"] = ids;
  LDN_ASSIGN_OR_RETURN(auto patients, st.ListCareTeamPatients(t.id));
  nlohmann::json pids = nlohmann::json::array();
  for (const auto& p : patients) pids.push_back(p.id);
  j["patient_ids"] = pids;
  return j;
}

// An admin sees every team; a clinician or pharmacist the teams they belong to.
Result<ApiReply> ListTeams(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto teams, ctx.store().ListCareTeams());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& t : teams) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json j, TeamJson(ctx.store(), t));
    bool member = ctx.caller().role == Role::kAdmin;
    for (const auto& id : j["member_user_ids"]) member = member || id.get<store::Id>() == ctx.caller().user_id;
    if (member) out.push_back(std::move(j));
  }
  return Reply({{"care_teams", out}});
}

Result<ApiReply> CreateTeam(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::CareTeam t;
  LDN_ASSIGN_OR_RETURN(t.name, o.Line("name", kMaxNameChars));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  t.created_at = ctx.now;
  LDN_ASSIGN_OR_RETURN(store::CareTeam created, ctx.store().CreateCareTeam(t));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TeamJson(ctx.store(), created));
  return Reply(j, 201);
}

Result<ApiReply> AddMember(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id team, PathId(ctx, "team_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(int64_t user, o.Integer("user_id", 1, std::numeric_limits<int64_t>::max()));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  // Least privilege (issue 17, M6): membership gives a team's patient data, so an administrator
  // cannot add their own account, nor one whose password they set and whose owner has not yet
  // taken it over (chosen their own password and, for a clinical role, set up two-step login).
  if (user == ctx.caller().user_id) {
    return Status::PermissionDenied("an administrator cannot add their own account to a care team")
        .WithFieldPrefix("user_id");
  }
  auto member = ctx.store().GetUser(user);
  if (member.ok()) {
    if (member->must_change_password) {
      return Status::PermissionDenied(
                 "this account still has the password an administrator set; it can join a care team once its owner "
                 "has logged in and chosen their own")
          .WithFieldPrefix("user_id");
    }
    if (TotpRequired(member->role) && !member->totp_enabled) {
      return Status::PermissionDenied(
                 "this account has not set up two-step login yet; it can join a care team once its owner has")
          .WithFieldPrefix("user_id");
    }
  }
  LDN_RETURN_IF_ERROR(ctx.store().AddCareTeamMember(team, user, ctx.now));
  LDN_ASSIGN_OR_RETURN(store::CareTeam t, ctx.store().GetCareTeam(team));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TeamJson(ctx.store(), t));
  return Reply(j, 201);
}

Result<ApiReply> RemoveMember(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id team, PathId(ctx, "team_id"));
  LDN_ASSIGN_OR_RETURN(store::Id user, PathId(ctx, "user_id"));
  LDN_RETURN_IF_ERROR(ctx.store().RemoveCareTeamMember(team, user));
  return Reply(nullptr, 204);
}

Result<ApiReply> AddTeamPatient(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id team, PathId(ctx, "team_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(int64_t patient, o.Integer("patient_id", 1, std::numeric_limits<int64_t>::max()));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  ctx.audit_patient_id = patient;
  LDN_RETURN_IF_ERROR(ctx.store().AddCareTeamPatient(team, patient, ctx.now));
  LDN_ASSIGN_OR_RETURN(store::CareTeam t, ctx.store().GetCareTeam(team));
  LDN_ASSIGN_OR_RETURN(nlohmann::json j, TeamJson(ctx.store(), t));
  return Reply(j, 201);
}

Result<ApiReply> RemoveTeamPatient(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id team, PathId(ctx, "team_id"));
  LDN_ASSIGN_OR_RETURN(store::Id patient, PathId(ctx, "member_patient_id"));
  ctx.audit_patient_id = patient;
  LDN_RETURN_IF_ERROR(ctx.store().RemoveCareTeamPatient(team, patient));
  return Reply(nullptr, 204);
}

// ---- Audit ------------------------------------------------------------------------------------

Result<ApiReply> ListAuditEvents(Api&, RequestContext& ctx) {
  store::AuditQuery q;
  if (auto it = ctx.query.find("patient_id"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(q.patient_id, ParseId(it->second, "patient_id"));
  }
  if (auto it = ctx.query.find("actor_user_id"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(q.actor_user_id, ParseId(it->second, "actor_user_id"));
  }
  if (auto it = ctx.query.find("after_seq"); it != ctx.query.end()) {
    if (it->second != "0") {
      LDN_ASSIGN_OR_RETURN(q.after_seq, ParseId(it->second, "after_seq"));
    }
  }
  if (auto it = ctx.query.find("limit"); it != ctx.query.end()) {
    LDN_ASSIGN_OR_RETURN(store::Id limit, ParseId(it->second, "limit"));
    if (limit > 10000) return Status::InvalidArgument("limit", "must be 1-10000");
    q.limit = static_cast<int>(limit);
  }
  LDN_ASSIGN_OR_RETURN(auto events, ctx.store().ListAudit(q));
  return Reply({{"events", ToJsonArray(events)}});
}

Result<ApiReply> VerifyAuditChain(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::AuditVerification v, ctx.store().VerifyAudit());
  return Reply({{"ok", v.ok},
                {"events_checked", v.events_checked},
                {"first_bad_seq", v.first_bad_seq ? nlohmann::json(*v.first_bad_seq) : nlohmann::json()},
                {"problem", v.problem}});
}

Result<ApiReply> Research(Api& api, RequestContext& ctx) {
  // A read replica when one is configured (--research-db): research reads stay off the primary.
  store::Store& source = api.options().research_store != nullptr ? *api.options().research_store : ctx.store();
  LDN_ASSIGN_OR_RETURN(nlohmann::json summary, ResearchSummary(source));
  return Reply(summary);
}

constexpr char kUserSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["username","role"],"properties":{
"username":{"type":"string"},"role":{"enum":["patient","clinician","pharmacist","researcher","admin"]},
"password":{"type":"string","minLength":12},"patient_id":{"type":"integer"},"pharmacy_id":{"type":"integer"},
"patient":{"type":"object","required":["display_name","time_zone"],"properties":{"display_name":{"type":"string"},
"time_zone":{"type":"string"}}}}})js";
constexpr char kUserPatchSchema[] =
    R"js({"type":"object","additionalProperties":false,"properties":{"disabled":{"type":"boolean"},
"password":{"type":"string","minLength":12},"unlock":{"const":true},"reset_totp":{"const":true},
"role":{"enum":["clinician","pharmacist","researcher","admin"]}}})js";
constexpr char kTeamSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["name"],"properties":{"name":{"type":"string"}}})js";
constexpr char kMemberSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["user_id"],"properties":{"user_id":{"type":"integer"}}})js";
constexpr char kTeamPatientSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["patient_id"],"properties":{
"patient_id":{"type":"integer"}}})js";

}  // namespace

void AddAdminRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  routes.Add({"GET", "/api/v1/users", Authenticated(kAdmin, "user.list"), h(ListUsers), "Every account.", "", {}});
  routes.Add({"POST",
              "/api/v1/users",
              [] {
                Access acc = AuditApart(Authenticated(kAdmin, "user.create"));
                acc.on_worker_pool = true;  // Argon2id
                return acc;
              }(),
              h(CreateUser),
              "Create an account (a patient account with a new or existing patient record). With a password, its "
              "owner must change it at the first login; without one, a one-time password code for its owner.",
              kUserSchema,
              {}});
  routes.Add({"PATCH",
              "/api/v1/users/{user_id}",
              [] {
                Access acc = AuditApart(Authenticated(kAdmin, "user.update"));
                acc.on_worker_pool = true;  // Argon2id
                return acc;
              }(),
              h(UpdateUser),
              "Disable or enable an account, set its password (to be changed at the next login), unlock it, reset "
              "its two-step login, or change a staff role (not one's own); all but unlock end its sessions.",
              kUserPatchSchema,
              {}});
  routes.Add({"GET",
              "/api/v1/care-teams",
              Authenticated({Role::kAdmin, Role::kClinician, Role::kPharmacist}, "care_team.list"),
              h(ListTeams),
              "Care teams (an admin: all; others: their own) with member and patient ids.",
              "",
              {}});
  routes.Add({"POST",
              "/api/v1/care-teams",
              Authenticated(kAdmin, "care_team.create"),
              h(CreateTeam),
              "Create a care team.",
              kTeamSchema,
              {}});
  routes.Add({"POST",
              "/api/v1/care-teams/{team_id}/members",
              Authenticated(kAdmin, "care_team.update"),
              h(AddMember),
              "Add a clinician or pharmacist to a team.",
              kMemberSchema,
              {}});
  routes.Add({"DELETE",
              "/api/v1/care-teams/{team_id}/members/{user_id}",
              Authenticated(kAdmin, "care_team.update"),
              h(RemoveMember),
              "Remove a member from a team.",
              "",
              {}});
  routes.Add({"POST",
              "/api/v1/care-teams/{team_id}/patients",
              Authenticated(kAdmin, "care_team.update"),
              h(AddTeamPatient),
              "Put a patient in a team's care.",
              kTeamPatientSchema,
              {}});
  routes.Add({"DELETE",
              "/api/v1/care-teams/{team_id}/patients/{member_patient_id}",
              Authenticated(kAdmin, "care_team.update"),
              h(RemoveTeamPatient),
              "Take a patient out of a team's care.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/audit",
              Authenticated(kAdmin, "audit.read"),
              h(ListAuditEvents),
              "Audit events in order (filters: patient_id, actor_user_id, after_seq, limit).",
              "",
              {"patient_id", "actor_user_id", "after_seq", "limit"}});
  routes.Add({"GET",
              "/api/v1/audit/verify",
              Authenticated(kAdmin, "audit.verify"),
              h(VerifyAuditChain),
              "Check the audit hash chain end to end.",
              "",
              {}});
  routes.Add({"GET",
              "/api/v1/research/summary",
              Authenticated({Role::kResearcher}, "research.summary"),
              h(Research),
              "De-identified pooled outcomes with small cells suppressed.",
              "",
              {}});
}

}  // namespace ldn::server
