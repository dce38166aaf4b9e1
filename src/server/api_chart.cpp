// The patient chart (issue 13; docs/clinic.md, "The chart"): a patient's record with demographics,
// the medication list (add, change dose, stop with a date, last taken, source), conditions,
// allergies, adverse-event follow-up, the diary's revision history and one timeline of everything
// that happened to the patient.
//
//   POST  /patients                        create a patient in one of the clinician's teams
//   GET   P, PATCH P                       the record with its demographics
//   GET|POST P/medications, PATCH P/medications/{id}
//   GET|POST P/conditions,  PATCH P/conditions/{id}
//   GET|POST P/allergies,   PATCH P/allergies/{id}
//   PATCH P/adverse-events/{id}            grade, seriousness, action taken, outcome, course
//   GET   P/diary-changes?from=&to=        every edited diary day: what changed and when
//   GET   P/timeline?kinds=&from=&to=      the patient's timeline, newest first
#include <algorithm>
#include <limits>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "core/text.h"
#include "server/api.h"
#include "server/api_util.h"
#include "server/timeline.h"

namespace ldn::server {
namespace {

using store::Role;

const std::set<Role> kCareReaders = {Role::kPatient, Role::kClinician, Role::kPharmacist};
const std::set<Role> kPatientOrClinician = {Role::kPatient, Role::kClinician};
const std::set<Role> kClinician = {Role::kClinician};

// ---- Demographics ------------------------------------------------------------------------------

nlohmann::json OptText(const std::optional<std::string>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json();
}

// The patient with the chart's demographics (null where not recorded).
nlohmann::json PatientJson(const store::Patient& p, const std::optional<store::PatientDemographics>& d) {
  nlohmann::json j = ToJson(p);
  j["date_of_birth"] = d && d->date_of_birth ? nlohmann::json(FormatDate(*d->date_of_birth)) : nlohmann::json();
  j["sex_at_birth"] = d ? OptText(d->sex_at_birth) : nlohmann::json();
  j["language"] = d ? OptText(d->language) : nlohmann::json();
  j["jurisdiction"] = d ? OptText(d->jurisdiction) : nlohmann::json();
  j["address"] = d ? OptText(d->address) : nlohmann::json();
  return j;
}

Result<std::optional<store::PatientDemographics>> LoadDemographics(store::Store& st, store::Id patient_id) {
  auto d = st.GetPatientDemographics(patient_id);
  if (d.ok()) return std::optional<store::PatientDemographics>(*d);
  if (d.status().code() == Code::kNotFound) return std::optional<store::PatientDemographics>();
  return d.status();
}

// Reads the demographic keys of a body into `d` (absent: unchanged; null: cleared). Returns
// whether any was present. `today` bounds the date of birth.
Result<bool> ReadDemographics(JsonObject& o, const nlohmann::json& body, LocalDate today,
                              store::PatientDemographics& d) {
  bool any = false;
  if (body.contains("date_of_birth")) {
    any = true;
    if (body["date_of_birth"].is_null()) {
      o.Consume("date_of_birth");
      d.date_of_birth.reset();
    } else {
      LDN_ASSIGN_OR_RETURN(LocalDate dob, o.Date("date_of_birth"));
      if (dob > today) return Status::InvalidArgument("date_of_birth", "is in the future");
      if (dob < LocalDate{date::year{1900} / 1 / 1}) {
        return Status::InvalidArgument("date_of_birth", "must be 1900-01-01 or later");
      }
      d.date_of_birth = dob;
    }
  }
  for (const char* key : {"sex_at_birth", "language", "jurisdiction", "address"}) {
    if (!body.contains(key)) continue;
    any = true;
    std::optional<std::string>* slot = std::string_view(key) == "sex_at_birth"   ? &d.sex_at_birth
                                       : std::string_view(key) == "language"     ? &d.language
                                       : std::string_view(key) == "jurisdiction" ? &d.jurisdiction
                                                                                 : &d.address;
    LDN_ASSIGN_OR_RETURN(*slot, o.OptionalString(key));
    if (*slot && slot->value().empty()) slot->reset();
    // Names are one line; an address may hold line breaks (docs/api.md, "Limits").
    if (*slot) {
      LDN_RETURN_IF_ERROR(std::string_view(key) == "address" ? CheckText(**slot, o.PathOf(key), 0, kMaxShortTextChars)
                                                             : CheckLine(**slot, o.PathOf(key), kMaxNameChars));
    }  // "" clears, as null does
  }
  return any;
}

// Body: {"display_name", "time_zone", "care_team_id", "date_of_birth"?, "sex_at_birth"?,
// "language"?, "jurisdiction"?, "address"?}.
Result<ApiReply> CreatePatient(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::Patient p;
  LDN_ASSIGN_OR_RETURN(p.display_name, o.Line("display_name", kMaxNameChars));
  LDN_ASSIGN_OR_RETURN(p.time_zone, o.String("time_zone"));
  LDN_ASSIGN_OR_RETURN(std::optional<store::Id> team, OptionalId(o, "care_team_id"));
  LDN_RETURN_IF_ERROR(TimeZone::Named(p.time_zone, "time_zone").status());
  p.created_at = ctx.now;
  store::PatientDemographics d;
  LDN_ASSIGN_OR_RETURN(bool has_demographics, ReadDemographics(o, holder, PatientToday(p, ctx.now), d));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  // Without a care_team_id, the clinician's only team; with several, they must say which.
  if (!team) {
    LDN_ASSIGN_OR_RETURN(std::vector<store::CareTeam> teams, ctx.store().ListCareTeams());
    std::vector<store::Id> mine;
    for (const auto& t : teams) {
      LDN_ASSIGN_OR_RETURN(auto in_team, ctx.store().ListCareTeamMembers(t.id));
      for (const auto& m : in_team) {
        if (m.user_id == ctx.caller().user_id) mine.push_back(t.id);
      }
    }
    if (mine.size() != 1) {
      return Status::InvalidArgument("care_team_id", mine.empty()
                                                         ? "is required: you belong to no care team (an "
                                                           "admin adds you to one)"
                                                         : "is required: you belong to " + std::to_string(mine.size()) +
                                                               " care teams, say which one");
    }
    team = mine.front();
  }
  const store::Id team_id = *team;
  // The clinician may only put a new patient in a team they belong to.
  auto members = ctx.store().ListCareTeamMembers(team_id);
  bool member = false;
  if (members.ok()) {
    for (const auto& m : *members) member = member || m.user_id == ctx.caller().user_id;
  } else if (members.status().code() != Code::kNotFound) {
    return members.status();
  }
  if (!member) return Status::NotFound("no such care team of yours").WithFieldPrefix("care_team_id");
  store::Patient created;
  LDN_RETURN_IF_ERROR(ctx.store().RunInTransaction([&](store::Store& tx) -> Status {
    LDN_ASSIGN_OR_RETURN(created, tx.CreatePatient(p));
    LDN_RETURN_IF_ERROR(tx.AddCareTeamPatient(team_id, created.id, ctx.now));
    if (!has_demographics) return Status::Ok();
    d.patient_id = created.id;
    d.updated_by = ctx.caller().user_id;
    d.updated_at = ctx.now;
    return tx.PutPatientDemographics(d);
  }));
  ctx.audit_patient_id = created.id;
  return Reply(PatientJson(created, has_demographics ? std::optional(d) : std::nullopt), 201);
}

Result<ApiReply> GetPatient(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Patient p, ctx.store().GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto d, LoadDemographics(ctx.store(), ctx.patient()));
  return Reply(PatientJson(p, d));
}

// Body: any of {"display_name", "time_zone", "date_of_birth", "sex_at_birth", "language",
// "jurisdiction", "address"}; null or "" clears a demographic field.
Result<ApiReply> UpdatePatient(Api&, RequestContext& ctx) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::Store& st = ctx.store();
  LDN_ASSIGN_OR_RETURN(store::Patient p, st.GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto name, o.OptionalLine("display_name", kMaxNameChars));
  LDN_ASSIGN_OR_RETURN(auto zone, o.OptionalString("time_zone"));
  LDN_ASSIGN_OR_RETURN(auto current, LoadDemographics(st, ctx.patient()));
  store::PatientDemographics d = current.value_or(store::PatientDemographics{});
  LDN_ASSIGN_OR_RETURN(bool demographics_changed, ReadDemographics(o, holder, PatientToday(p, ctx.now), d));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (name) p.display_name = *name;
  if (zone) {
    LDN_RETURN_IF_ERROR(TimeZone::Named(*zone, "time_zone").status());
    p.time_zone = *zone;
  }
  LDN_RETURN_IF_ERROR(st.UpdatePatient(p));
  if (demographics_changed) {
    d.patient_id = ctx.patient();
    d.updated_by = ctx.caller().user_id;
    d.updated_at = ctx.now;
    LDN_RETURN_IF_ERROR(st.PutPatientDemographics(d));
  }
  LDN_ASSIGN_OR_RETURN(store::Patient updated, st.GetPatient(ctx.patient()));
  LDN_ASSIGN_OR_RETURN(auto stored, LoadDemographics(st, ctx.patient()));
  return Reply(PatientJson(updated, stored));
}

// ---- Medications, conditions, allergies ---------------------------------------------------------
// Their domain details live in details_json, with a "history" of changes: [{"at", "by", "change"}].

constexpr size_t kMaxHistory = 200;

void AddHistory(nlohmann::json& details, const RequestContext& ctx, const std::string& change) {
  if (!details.contains("history") || !details["history"].is_array()) details["history"] = nlohmann::json::array();
  nlohmann::json& h = details["history"];
  h.push_back({{"at", InstantText(ctx.now)}, {"by", ctx.caller().user_id}, {"change", change}});
  if (h.size() > kMaxHistory) h.erase(h.begin());
}

// The history line of a chart write: `created` for a new record, else the changes joined by "; "
// (no line when nothing changed).
void AddWriteHistory(nlohmann::json& details, const RequestContext& ctx, bool is_new, const std::string& created,
                     const std::vector<std::string>& changes) {
  if (is_new) {
    AddHistory(details, ctx, created);
    return;
  }
  if (changes.empty()) return;
  std::string all;
  for (const auto& c : changes) all += (all.empty() ? "" : "; ") + c;
  AddHistory(details, ctx, all);
}

// Stores a chart record (medication, condition, allergy) that a write built: a new one (no `id`)
// with its patient and author, 201; an existing one replaced and read back, 200.
template <typename T, typename ToJsonFn>
Result<ApiReply> SaveChartRecord(RequestContext& ctx, T record, std::optional<store::Id> id,
                                 Result<T> (store::Store::*create)(const T&), Status (store::Store::*update)(const T&),
                                 Result<T> (store::Store::*get)(store::Id, store::Id), ToJsonFn to_json) {
  store::Store& st = ctx.store();
  if (!id) {
    record.patient_id = ctx.patient();
    record.recorded_by = ctx.caller().user_id;
    record.recorded_at = ctx.now;
    LDN_ASSIGN_OR_RETURN(T created, (st.*create)(record));
    return Reply(to_json(created), 201);
  }
  LDN_RETURN_IF_ERROR((st.*update)(record));
  LDN_ASSIGN_OR_RETURN(T updated, (st.*get)(ctx.patient(), *id));
  return Reply(to_json(updated));
}

nlohmann::json Details(const std::string& text) {
  nlohmann::json j = StoredJson(text);
  return j.is_object() ? j : nlohmann::json::object();
}

std::string Shown(const nlohmann::json& v) {
  if (v.is_null()) return "none";
  return v.is_string() ? v.get<std::string>() : v.dump();
}

// Sets details[key] = value (null erases) and notes the change; true when it changed.
bool SetDetail(nlohmann::json& details, const std::string& key, const nlohmann::json& value,
               std::vector<std::string>& changes) {
  const nlohmann::json before = details.contains(key) ? details[key] : nlohmann::json();
  if (before == value) return false;
  if (value.is_null()) {
    details.erase(key);
  } else {
    details[key] = value;
  }
  changes.push_back(fmt::format("{} {} -> {}", key, Shown(before), Shown(value)));
  return true;
}

// A text of at most `max` characters, or null for absent/"" (which clear it on a change).
Result<nlohmann::json> TextField(JsonObject& o, const nlohmann::json& body, const char* key, size_t max) {
  if (!body.contains(key) || body[key].is_null()) {
    o.Consume(key);
    return nlohmann::json();
  }
  LDN_ASSIGN_OR_RETURN(std::string v, o.Text(key, 0, max));
  return v.empty() ? nlohmann::json() : nlohmann::json(v);
}

// A date no later than `today`, or null.
Result<nlohmann::json> PastDate(JsonObject& o, const nlohmann::json& body, const char* key, LocalDate today) {
  if (!body.contains(key) || body[key].is_null()) {
    o.Consume(key);
    return nlohmann::json();
  }
  LDN_ASSIGN_OR_RETURN(LocalDate d, o.Date(key));
  LDN_RETURN_IF_ERROR(CheckNotFuture(d, today, key));
  return nlohmann::json(FormatDate(d));
}

Result<LocalDate> TodayOf(const RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Patient p, ctx.store().GetPatient(ctx.patient()));
  return PatientToday(p, ctx.now);
}

// Medication bodies: {"name", "dose"?, "source"? ("patient-reported" | "prescribed"),
// "start_date"?, "stop_date"?, "stop_reason"?, "last_taken"?, "active"?, "note"?}. On a change
// only the keys given change (null clears). Stopping (a stop_date) makes it inactive and, when no
// last dose is known, takes the stop date as the last day taken -- what the screening's washout
// counts from (docs/screening.md). Restarting ("active": true) clears the stop.
Result<ApiReply> WriteMedication(RequestContext& ctx, std::optional<store::Id> id) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(LocalDate today, TodayOf(ctx));
  store::Medication m;
  if (id) {
    LDN_ASSIGN_OR_RETURN(m, ctx.store().GetMedication(ctx.patient(), *id));
  }
  nlohmann::json details = Details(m.details_json);
  std::vector<std::string> changes;
  if (!id || holder.contains("name")) {
    LDN_ASSIGN_OR_RETURN(std::string name, o.Line("name", kMaxNameChars));
    if (id && name != m.name) changes.push_back(fmt::format("name {} -> {}", m.name, name));
    m.name = name;
  }
  LDN_ASSIGN_OR_RETURN(std::optional<bool> active, o.OptionalBool("active"));
  struct Field {
    const char* key;
    bool date;
    size_t max;
  };
  std::map<std::string, nlohmann::json> given;
  for (const Field& f : {Field{"dose", false, 200}, Field{"source", false, 32}, Field{"start_date", true, 0},
                         Field{"stop_date", true, 0}, Field{"stop_reason", false, 500}, Field{"last_taken", true, 0},
                         Field{"note", false, 2000}}) {
    if (!holder.contains(f.key)) {
      o.Consume(f.key);
      continue;
    }
    if (f.date) {
      LDN_ASSIGN_OR_RETURN(given[f.key], PastDate(o, holder, f.key, today));
    } else {
      LDN_ASSIGN_OR_RETURN(given[f.key], TextField(o, holder, f.key, f.max));
    }
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (given.count("source") && !given["source"].is_null() && given["source"] != "patient-reported" &&
      given["source"] != "prescribed") {
    return Status::InvalidArgument("source", "must be patient-reported or prescribed");
  }
  for (const auto& [key, value] : given) SetDetail(details, key, value, changes);
  if (active && *active && !m.active) {
    // Restarted: no longer stopped.
    SetDetail(details, "stop_date", nullptr, changes);
    SetDetail(details, "stop_reason", nullptr, changes);
  }
  const bool stopped = details.contains("stop_date");
  if (active && *active && given.count("stop_date") && !given["stop_date"].is_null()) {
    return Status::InvalidArgument("active", "a medication with a stop date is not active");
  }
  const bool now_active = stopped ? false : active.value_or(id ? m.active : true);
  if (id && now_active != m.active) changes.push_back(now_active ? "restarted" : "stopped");
  m.active = now_active;
  if (stopped && !details.contains("last_taken")) SetDetail(details, "last_taken", details["stop_date"], changes);
  if (details.contains("start_date") && details.contains("stop_date") &&
      details["start_date"].get<std::string>() > details["stop_date"].get<std::string>()) {
    return Status::InvalidArgument("stop_date", "is before the start date");
  }
  if (details.contains("start_date") && details.contains("last_taken") &&
      details["start_date"].get<std::string>() > details["last_taken"].get<std::string>()) {
    return Status::InvalidArgument("last_taken", "is before the start date");
  }
  if (!id && !details.contains("source")) details["source"] = "patient-reported";
  AddWriteHistory(details, ctx, !id,
                  details.contains("stop_date") ? "recorded, stopped " + details["stop_date"].get<std::string>()
                                                : std::string("recorded"),
                  changes);
  m.details_json = details.dump();
  return SaveChartRecord(ctx, std::move(m), id, &store::Store::CreateMedication, &store::Store::UpdateMedication,
                         &store::Store::GetMedication, [](const store::Medication& x) { return ToJson(x); });
}

Result<ApiReply> ListMedications(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListMedications(ctx.patient()));
  return Reply({{"medications", ToJsonArray(rows)}});
}
Result<ApiReply> CreateMedication(Api&, RequestContext& ctx) {
  return WriteMedication(ctx, std::nullopt);
}
Result<ApiReply> UpdateMedication(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "medication_id"));
  return WriteMedication(ctx, id);
}

// Condition bodies: {"name", "active"?, "onset_date"?, "resolved_date"?, "note"?}; a resolved
// date makes it inactive.
Result<ApiReply> WriteCondition(RequestContext& ctx, std::optional<store::Id> id) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(LocalDate today, TodayOf(ctx));
  store::Condition c;
  if (id) {
    LDN_ASSIGN_OR_RETURN(c, ctx.store().GetCondition(ctx.patient(), *id));
  }
  nlohmann::json details = Details(c.details_json);
  std::vector<std::string> changes;
  if (!id || holder.contains("name")) {
    LDN_ASSIGN_OR_RETURN(std::string name, o.Line("name", kMaxNameChars));
    if (id && name != c.name) changes.push_back(fmt::format("name {} -> {}", c.name, name));
    c.name = name;
  }
  LDN_ASSIGN_OR_RETURN(std::optional<bool> active, o.OptionalBool("active"));
  for (const char* key : {"onset_date", "resolved_date"}) {
    if (!holder.contains(key)) continue;
    LDN_ASSIGN_OR_RETURN(nlohmann::json v, PastDate(o, holder, key, today));
    SetDetail(details, key, v, changes);
  }
  if (holder.contains("note")) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json v, TextField(o, holder, "note", 2000));
    SetDetail(details, "note", v, changes);
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (active && *active && holder.contains("resolved_date") && !holder["resolved_date"].is_null()) {
    return Status::InvalidArgument("active", "a resolved condition is not active");
  }
  if (active && *active) SetDetail(details, "resolved_date", nullptr, changes);
  const bool now_active = details.contains("resolved_date") ? false : active.value_or(id ? c.active : true);
  if (id && now_active != c.active) changes.push_back(now_active ? "active again" : "resolved");
  c.active = now_active;
  AddWriteHistory(details, ctx, !id, "recorded", changes);
  c.details_json = details.dump();
  return SaveChartRecord(ctx, std::move(c), id, &store::Store::CreateCondition, &store::Store::UpdateCondition,
                         &store::Store::GetCondition, [](const store::Condition& x) { return ToJson(x); });
}

Result<ApiReply> ListConditions(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListConditions(ctx.patient()));
  return Reply({{"conditions", ToJsonArray(rows)}});
}
Result<ApiReply> CreateCondition(Api&, RequestContext& ctx) {
  return WriteCondition(ctx, std::nullopt);
}
Result<ApiReply> UpdateCondition(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "condition_id"));
  return WriteCondition(ctx, id);
}

nlohmann::json AllergyJson(const store::Allergy& a) {
  nlohmann::json j = Details(a.details_json);
  j["id"] = a.id;
  j["patient_id"] = a.patient_id;
  j["substance"] = a.substance;
  j["active"] = a.active;
  j["recorded_by"] = a.recorded_by;
  j["recorded_at"] = InstantText(a.recorded_at);
  return j;
}

// Allergy bodies: {"substance", "reaction"?, "severity"? ("mild"|"moderate"|"severe"|"unknown"),
// "active"?, "note"?}.
Result<ApiReply> WriteAllergy(RequestContext& ctx, std::optional<store::Id> id) {
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  store::Allergy a;
  if (id) {
    LDN_ASSIGN_OR_RETURN(a, ctx.store().GetAllergy(ctx.patient(), *id));
  }
  nlohmann::json details = Details(a.details_json);
  std::vector<std::string> changes;
  if (!id || holder.contains("substance")) {
    LDN_ASSIGN_OR_RETURN(std::string substance, o.Line("substance", kMaxNameChars));
    if (substance.empty() || substance.size() > 200) {
      return Status::InvalidArgument("substance", "must be 1-200 characters");
    }
    if (id && substance != a.substance) changes.push_back(fmt::format("substance {} -> {}", a.substance, substance));
    a.substance = substance;
  }
  LDN_ASSIGN_OR_RETURN(std::optional<bool> active, o.OptionalBool("active"));
  for (const auto& [key, max] : {std::pair<const char*, size_t>{"reaction", 500}, {"severity", 16}, {"note", 2000}}) {
    if (!holder.contains(key)) continue;
    LDN_ASSIGN_OR_RETURN(nlohmann::json v, TextField(o, holder, key, max));
    if (std::string_view(key) == "severity" && !v.is_null() && v != "mild" && v != "moderate" && v != "severe" &&
        v != "unknown") {
      return Status::InvalidArgument("severity", "must be mild, moderate, severe or unknown");
    }
    SetDetail(details, key, v, changes);
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (active && id && *active != a.active) changes.push_back(*active ? "active again" : "no longer active");
  a.active = active.value_or(id ? a.active : true);
  AddWriteHistory(details, ctx, !id, "recorded", changes);
  a.details_json = details.dump();
  return SaveChartRecord(ctx, std::move(a), id, &store::Store::CreateAllergy, &store::Store::UpdateAllergy,
                         &store::Store::GetAllergy, &AllergyJson);
}

Result<ApiReply> ListAllergies(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(auto rows, ctx.store().ListAllergies(ctx.patient()));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : rows) out.push_back(AllergyJson(a));
  return Reply({{"allergies", std::move(out)}});
}
Result<ApiReply> CreateAllergy(Api&, RequestContext& ctx) {
  return WriteAllergy(ctx, std::nullopt);
}
Result<ApiReply> UpdateAllergy(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "allergy_id"));
  return WriteAllergy(ctx, id);
}

// ---- Adverse events: follow-up ----------------------------------------------------------------

// Action taken with the drug and outcome: the ICH E2B(R3) code lists (data elements G.k.8 and
// E.i.7), as words. Grade: the CTCAE v5.0 grade words 1-4 of the stored severity (grade 5, death,
// is the outcome "fatal").
constexpr std::string_view kActions[] = {"drug_withdrawn",   "dose_reduced", "dose_increased",
                                         "dose_not_changed", "unknown",      "not_applicable"};
constexpr std::string_view kOutcomes[] = {"recovered", "recovering", "not_recovered", "recovered_with_sequelae",
                                          "fatal",     "unknown"};

// Body: any of {"description", "severity", "serious", "course_id", "action_taken", "outcome",
// "note"}.
Result<ApiReply> UpdateAdverseEvent(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(store::Id id, PathId(ctx, "adverse_event_id"));
  nlohmann::json holder;
  LDN_ASSIGN_OR_RETURN(JsonObject o, BodyObject(ctx, holder));
  LDN_ASSIGN_OR_RETURN(store::AdverseEvent e, ctx.store().GetAdverseEvent(ctx.patient(), id));
  nlohmann::json details = Details(e.details_json);
  std::vector<std::string> changes;
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> description, o.OptionalText("description", kMaxNoteChars));
  if (description) {
    if (description->empty() || description->size() > 2000) {
      return Status::InvalidArgument("description", "must be 1-2000 characters");
    }
    if (*description != e.description) changes.push_back("description changed");
    e.description = *description;
  }
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> severity, o.OptionalString("severity"));
  if (severity) {
    LDN_ASSIGN_OR_RETURN(store::Severity s, store::ParseSeverity(*severity, "severity"));
    if (s != e.severity) {
      changes.push_back(fmt::format("severity {} -> {}", store::SeverityName(e.severity), store::SeverityName(s)));
    }
    e.severity = s;
  }
  LDN_ASSIGN_OR_RETURN(std::optional<bool> serious, o.OptionalBool("serious"));
  if (serious) {
    if (*serious != e.serious) changes.push_back(*serious ? "now serious" : "no longer serious");
    e.serious = *serious;
  }
  if (holder.contains("course_id")) {
    if (holder["course_id"].is_null()) {
      o.Consume("course_id");
      if (e.course_id) changes.push_back("unlinked from its course");
      e.course_id.reset();
    } else {
      LDN_ASSIGN_OR_RETURN(std::optional<store::Id> course, OptionalId(o, "course_id"));
      auto found = ctx.store().GetCourse(ctx.patient(), *course);
      if (!found.ok()) {
        if (found.status().code() == Code::kNotFound) {
          return Status::NotFound("no such course").WithFieldPrefix("course_id");
        }
        return found.status();
      }
      if (e.course_id != course) changes.push_back(fmt::format("linked to course {}", *course));
      e.course_id = course;
    }
  }
  for (const char* key : {"action_taken", "outcome"}) {
    if (!holder.contains(key)) continue;
    LDN_ASSIGN_OR_RETURN(nlohmann::json v, TextField(o, holder, key, 64));
    if (!v.is_null()) {
      const std::string text = v.get<std::string>();
      const bool action = std::string_view(key) == "action_taken";
      const bool known = action ? std::find(std::begin(kActions), std::end(kActions), text) != std::end(kActions)
                                : std::find(std::begin(kOutcomes), std::end(kOutcomes), text) != std::end(kOutcomes);
      if (!known) {
        return Status::InvalidArgument(key, action ? "must be drug_withdrawn, dose_reduced, dose_increased, "
                                                     "dose_not_changed, unknown or not_applicable"
                                                   : "must be recovered, recovering, not_recovered, "
                                                     "recovered_with_sequelae, fatal or unknown");
      }
    }
    SetDetail(details, key, v, changes);
  }
  if (holder.contains("note")) {
    LDN_ASSIGN_OR_RETURN(nlohmann::json v, TextField(o, holder, "note", 2000));
    SetDetail(details, "note", v, changes);
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  if (details.value("outcome", "") == "fatal" && !e.serious) {
    return Status::InvalidArgument("serious", "an event with a fatal outcome is serious (ICH E2A)");
  }
  if (!changes.empty()) {
    std::string all;
    for (const auto& ch : changes) all += (all.empty() ? "" : "; ") + ch;
    AddHistory(details, ctx, all);
  }
  e.details_json = details.dump();
  LDN_RETURN_IF_ERROR(ctx.store().UpdateAdverseEvent(e));
  LDN_ASSIGN_OR_RETURN(store::AdverseEvent updated, ctx.store().GetAdverseEvent(ctx.patient(), id));
  return Reply(ToJson(updated));
}

// ---- Diary revision history -----------------------------------------------------------------------

// Every edited diary day from..to (default: the 90 days up to today): each revision with what
// changed from the one before, item by item.
Result<ApiReply> DiaryChanges(Api&, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(LocalDate today, TodayOf(ctx));
  LDN_ASSIGN_OR_RETURN(auto from, QueryDate(ctx, "from"));
  LDN_ASSIGN_OR_RETURN(auto to, QueryDate(ctx, "to"));
  const LocalDate last = to.value_or(today);
  const LocalDate first = from.value_or(AddDays(last, -89));
  if (last < first) return Status::InvalidArgument("to", "must not be before from");
  if (DaysBetween(first, last) > 3660) return Status::InvalidArgument("from", "at most 10 years at a time");
  LDN_ASSIGN_OR_RETURN(auto revisions, ctx.store().ListDiaryRevisionsBetween(ctx.patient(), first, last));
  LDN_ASSIGN_OR_RETURN(auto users, ctx.store().ListUsers());
  std::map<store::Id, std::string> names;
  for (const auto& u : users) names[u.id] = u.username;
  nlohmann::json days = nlohmann::json::array();
  for (size_t i = 0; i < revisions.size();) {
    size_t j = i;
    while (j < revisions.size() && revisions[j].local_date == revisions[i].local_date) ++j;
    if (j - i > 1) {
      nlohmann::json revs = nlohmann::json::array();
      nlohmann::json previous = nlohmann::json::object();
      for (size_t k = i; k < j; ++k) {
        nlohmann::json items = StoredJson(revisions[k].items_json);
        if (!items.is_object()) items = nlohmann::json::object();
        nlohmann::json changes = nlohmann::json::array();
        std::set<std::string> keys;
        for (const auto& [key, v] : items.items()) keys.insert(key);
        for (const auto& [key, v] : previous.items()) keys.insert(key);
        for (const std::string& key : keys) {
          const nlohmann::json before = previous.contains(key) ? previous[key] : nlohmann::json();
          const nlohmann::json after = items.contains(key) ? items[key] : nlohmann::json();
          if (k > i && before != after) changes.push_back({{"item", key}, {"from", before}, {"to", after}});
        }
        revs.push_back(
            {{"revision", revisions[k].revision},
             {"recorded_at", InstantText(revisions[k].recorded_at)},
             {"recorded_by", revisions[k].recorded_by},
             {"recorded_by_name", names.count(revisions[k].recorded_by) ? names[revisions[k].recorded_by] : ""},
             {"changes", std::move(changes)}});
        previous = std::move(items);
      }
      days.push_back({{"date", FormatDate(revisions[i].local_date)}, {"revisions", std::move(revs)}});
    }
    i = j;
  }
  std::reverse(days.begin(), days.end());  // newest day first
  return Reply({{"from", FormatDate(first)}, {"to", FormatDate(last)}, {"days", std::move(days)}});
}

// ---- Timeline -------------------------------------------------------------------------------------

Result<ApiReply> Timeline(Api&, RequestContext& ctx) {
  TimelineQuery q;
  if (auto it = ctx.query.find("kinds"); it != ctx.query.end()) {
    std::stringstream ss(it->second);
    for (std::string kind; std::getline(ss, kind, ',');) {
      if (kind.empty()) continue;
      if (!IsTimelineKind(kind)) {
        return Status::InvalidArgument("kinds", "unknown kind '" + kind + "' (one of: " + TimelineKindList() + ")");
      }
      q.kinds.insert(kind);
    }
  }
  LDN_ASSIGN_OR_RETURN(q.from, QueryDate(ctx, "from"));
  LDN_ASSIGN_OR_RETURN(q.to, QueryDate(ctx, "to"));
  if (q.from && q.to && *q.to < *q.from) return Status::InvalidArgument("to", "must not be before from");
  LDN_ASSIGN_OR_RETURN(std::vector<TimelineEvent> events, BuildTimeline(ctx.store(), ctx.patient(), q, ctx.now));
  nlohmann::json out = nlohmann::json::array();
  for (const auto& e : events) out.push_back(TimelineEventToJson(e));
  return Reply({{"kinds", TimelineKinds()}, {"events", std::move(out)}});
}

// JSON Schemas of the bodies (OpenAPI).
constexpr char kDemographicsProps[] =
    R"js("date_of_birth":{"type":["string","null"],"format":"date"},"sex_at_birth":{"enum":["female","male","unknown",null]},
"language":{"type":["string","null"],"example":"nb"},"jurisdiction":{"type":["string","null"],"example":"NO"},
"address":{"type":["string","null"]})js";
const std::string kPatientSchema =
    std::string(
        R"js({"type":"object","additionalProperties":false,"required":["display_name","time_zone"],
"properties":{"display_name":{"type":"string"},"time_zone":{"type":"string","example":"Europe/Oslo"},
"care_team_id":{"type":"integer"},)js") +
    kDemographicsProps + "}}";
const std::string kPatientPatchSchema =
    std::string(R"js({"type":"object","additionalProperties":false,"properties":{"display_name":{"type":"string"},
"time_zone":{"type":"string"},)js") +
    kDemographicsProps + "}}";
constexpr char kMedicationSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["name"],"properties":{"name":{"type":"string"},
"dose":{"type":["string","null"]},"source":{"enum":["patient-reported","prescribed",null]},
"start_date":{"type":["string","null"],"format":"date"},"stop_date":{"type":["string","null"],"format":"date"},
"stop_reason":{"type":["string","null"]},"last_taken":{"type":["string","null"],"format":"date"},
"active":{"type":"boolean"},"note":{"type":["string","null"]}}})js";
constexpr char kConditionSchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["name"],"properties":{"name":{"type":"string"},
"active":{"type":"boolean"},"onset_date":{"type":["string","null"],"format":"date"},
"resolved_date":{"type":["string","null"],"format":"date"},"note":{"type":["string","null"]}}})js";
constexpr char kAllergySchema[] =
    R"js({"type":"object","additionalProperties":false,"required":["substance"],"properties":{
"substance":{"type":"string"},"reaction":{"type":["string","null"]},
"severity":{"enum":["mild","moderate","severe","unknown",null]},"active":{"type":"boolean"},
"note":{"type":["string","null"]}}})js";
constexpr char kAdverseEventPatchSchema[] =
    R"js({"type":"object","additionalProperties":false,"properties":{"description":{"type":"string"},
"severity":{"enum":["mild","moderate","severe","life_threatening"]},"serious":{"type":"boolean"},
"course_id":{"type":["integer","null"]},"action_taken":{"enum":["drug_withdrawn","dose_reduced","dose_increased",
"dose_not_changed","unknown","not_applicable",null]},"outcome":{"enum":["recovered","recovering","not_recovered",
"recovered_with_sequelae","fatal","unknown",null]},"note":{"type":["string","null"]}}})js";

}  // namespace

void AddChartRoutes(Api& api, RouteTable& routes) {
  Api* a = &api;
  auto h = [a](Result<ApiReply> (*f)(Api&, RequestContext&)) {
    return [a, f](RequestContext& ctx) { return f(*a, ctx); };
  };
  const std::string p = "/api/v1/patients/{patient_id}";
  routes.Add({"POST",
              "/api/v1/patients",
              Authenticated(kClinician, "patient.create"),
              h(CreatePatient),
              "Create a patient (with demographics) in one of the clinician's care teams.",
              kPatientSchema,
              {}});
  routes.Add({"GET",
              p,
              PatientScoped(kCareReaders, "patient.read"),
              h(GetPatient),
              "One patient's record with demographics.",
              "",
              {}});
  routes.Add({"PATCH",
              p,
              PatientScoped(kPatientOrClinician, "patient.update"),
              h(UpdatePatient),
              "Change a patient's name, time zone or demographics.",
              kPatientPatchSchema,
              {}});
  routes.Add({"GET",
              p + "/medications",
              PatientScoped(kCareReaders, "medication.read"),
              h(ListMedications),
              "The patient's medication list with each one's history.",
              "",
              {}});
  routes.Add({"POST",
              p + "/medications",
              PatientScoped(kPatientOrClinician, "medication.write"),
              h(CreateMedication),
              "Record a medication (dose, source, start, stop, last taken).",
              kMedicationSchema,
              {}});
  routes.Add({"PATCH",
              p + "/medications/{medication_id}",
              PatientScoped(kPatientOrClinician, "medication.write"),
              h(UpdateMedication),
              "Change a medication: dose, stop with a date, last taken, restart (kept in its history).",
              kMedicationSchema,
              {}});
  routes.Add({"GET",
              p + "/conditions",
              PatientScoped(kCareReaders, "condition.read"),
              h(ListConditions),
              "The patient's conditions.",
              "",
              {}});
  routes.Add({"POST",
              p + "/conditions",
              PatientScoped(kPatientOrClinician, "condition.write"),
              h(CreateCondition),
              "Record a condition.",
              kConditionSchema,
              {}});
  routes.Add({"PATCH",
              p + "/conditions/{condition_id}",
              PatientScoped(kPatientOrClinician, "condition.write"),
              h(UpdateCondition),
              "Change a condition (resolve it with a date).",
              kConditionSchema,
              {}});
  routes.Add({"GET",
              p + "/allergies",
              PatientScoped(kCareReaders, "allergy.read"),
              h(ListAllergies),
              "The patient's allergies and intolerances.",
              "",
              {}});
  routes.Add({"POST",
              p + "/allergies",
              PatientScoped(kPatientOrClinician, "allergy.write"),
              h(CreateAllergy),
              "Record an allergy or intolerance.",
              kAllergySchema,
              {}});
  routes.Add({"PATCH",
              p + "/allergies/{allergy_id}",
              PatientScoped(kPatientOrClinician, "allergy.write"),
              h(UpdateAllergy),
              "Change an allergy.",
              kAllergySchema,
              {}});
  routes.Add({"PATCH",
              p + "/adverse-events/{adverse_event_id}",
              PatientScoped(kClinician, "adverse_event.update"),
              h(UpdateAdverseEvent),
              "Follow an adverse event up: grade, seriousness, action taken, outcome, course.",
              kAdverseEventPatchSchema,
              {}});
  routes.Add({"GET",
              p + "/diary-changes",
              PatientScoped(kPatientOrClinician, "diary.read"),
              h(DiaryChanges),
              "Every edited diary day: what changed in each revision and when.",
              "",
              {"from", "to"}});
  routes.Add({"GET",
              p + "/timeline",
              PatientScoped(kClinician, "timeline.read"),
              h(Timeline),
              "Everything that happened to the patient, newest first, filterable by kind and date.",
              "",
              {"kinds", "from", "to"}});
}

}  // namespace ldn::server
