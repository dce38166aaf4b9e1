#include "server/api_util.h"

#include <limits>

#include <fmt/format.h>

#include "core/dose.h"
#include "core/message.h"

namespace ldn::server {

Result<store::Id> ParseId(std::string_view text, std::string_view field) {
  if (text.empty() || text.size() > 18 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument(std::string(field), "must be a positive whole number");
  }
  const int64_t v = std::stoll(std::string(text));
  if (v <= 0) return Status::InvalidArgument(std::string(field), "must be a positive whole number");
  return v;
}

Result<std::optional<int>> IfMatchVersion(const RequestContext& ctx, std::string_view noun) {
  auto header = ctx.request.Header("if-match");
  if (!header) return std::optional<int>();
  std::string_view v = *header;
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  auto id = v == "0" ? Result<store::Id>(0) : ParseId(v, "If-Match");
  if (!id.ok() || *id > 1000000) {
    return Status::InvalidArgument("If-Match", fmt::format("must be {} number, e.g. \"3\"", noun));
  }
  return std::optional<int>(static_cast<int>(*id));
}

std::string RequestOrigin(const Api& api, const RequestContext& ctx) {
  std::string host = "localhost";
  if (auto h = ctx.request.Header("host"); h && !h->empty() && h->size() <= 255 &&
                                           h->find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                                "0123456789.-:[]") == std::string_view::npos) {
    host = std::string(*h);
  }
  return fmt::format("{}://{}", api.options().secure_cookies ? "https" : "http", host);
}

Result<store::Id> PathId(const RequestContext& ctx, const std::string& name) {
  return ParseId(ctx.params.at(name), name);
}

Result<LocalDate> PathDate(const RequestContext& ctx, const std::string& name) {
  return ParseDate(ctx.params.at(name), name);
}

Result<std::optional<LocalDate>> QueryDate(const RequestContext& ctx, const std::string& name) {
  auto it = ctx.query.find(name);
  if (it == ctx.query.end()) return std::optional<LocalDate>();
  LDN_ASSIGN_OR_RETURN(LocalDate d, ParseDate(it->second, name));
  return std::optional<LocalDate>(d);
}

Result<JsonObject> BodyObject(const RequestContext& ctx, nlohmann::json& holder) {
  LDN_ASSIGN_OR_RETURN(holder, ctx.JsonBody());
  if (!holder.is_object())
    return Status::InvalidArgument("body", "expected a JSON object, got " + JsonTypeName(holder));
  return JsonObject::Of(holder, "");
}

Result<std::optional<store::Id>> OptionalId(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(auto v, o.OptionalInteger(key, 1, std::numeric_limits<int64_t>::max()));
  return v;
}

ApiReply Reply(nlohmann::json body, int status) {
  ApiReply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

nlohmann::json StoredJson(const std::string& text) {
  auto j = ParseJson(text);
  return j.ok() ? std::move(j).value() : nlohmann::json(nullptr);
}

std::string InstantText(store::Instant t) {
  return FormatUtcInstant(t);
}

LocalDate PatientToday(const store::Patient& patient, store::Instant now) {
  auto tz = TimeZone::Named(patient.time_zone, "time_zone");
  return (tz.ok() ? *tz : TimeZone::Utc()).LocalDateAt(now);
}

Status CheckNotFuture(LocalDate date, LocalDate today, std::string_view field) {
  if (date <= today) return Status::Ok();
  return Status::InvalidArgument(std::string(field), "is in the future (in the patient's time zone)")
      .WithText({N_("{date} is in the future. Choose today or an earlier day."), {{"date", FormatDate(date)}}});
}

Result<std::optional<std::string>> OptionalClientId(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(auto id, o.OptionalString(key));
  if (!id) return id;
  const bool ok = !id->empty() && id->size() <= 64 && std::all_of(id->begin(), id->end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == ':' || c == '-';
  });
  if (!ok) return Status::InvalidArgument(o.PathOf(key), "must be 1-64 characters of A-Z a-z 0-9 . _ : -");
  return id;
}

namespace {

nlohmann::json OptionalIdJson(const std::optional<store::Id>& id) {
  return id ? nlohmann::json(*id) : nlohmann::json();
}

}  // namespace

nlohmann::json ToJson(const store::User& u) {
  return {{"id", u.id},
          {"username", u.username},
          {"role", store::RoleName(u.role)},
          {"patient_id", OptionalIdJson(u.patient_id)},
          {"disabled", u.disabled},
          {"created_at", InstantText(u.created_at)},
          {"must_change_password", u.must_change_password},
          {"totp_enabled", u.totp_enabled}};
}

nlohmann::json ToJson(const store::Patient& p) {
  return {{"id", p.id},
          {"display_name", p.display_name},
          {"time_zone", p.time_zone},
          {"research_id", p.research_id},
          {"created_at", InstantText(p.created_at)}};
}

nlohmann::json ToJson(const store::CareTeam& t) {
  return {{"id", t.id}, {"name", t.name}, {"created_at", InstantText(t.created_at)}};
}

nlohmann::json ToJson(const store::Medication& m) {
  nlohmann::json j = StoredJson(m.details_json);
  if (!j.is_object()) j = nlohmann::json::object();
  j["id"] = m.id;
  j["patient_id"] = m.patient_id;
  j["name"] = m.name;
  j["active"] = m.active;
  j["recorded_by"] = m.recorded_by;
  j["recorded_at"] = InstantText(m.recorded_at);
  return j;
}

nlohmann::json ToJson(const store::Condition& c) {
  nlohmann::json j = StoredJson(c.details_json);
  if (!j.is_object()) j = nlohmann::json::object();
  j["id"] = c.id;
  j["patient_id"] = c.patient_id;
  j["name"] = c.name;
  j["active"] = c.active;
  j["recorded_by"] = c.recorded_by;
  j["recorded_at"] = InstantText(c.recorded_at);
  return j;
}

nlohmann::json ToJson(const store::Screening& s) {
  return {{"id", s.id},
          {"patient_id", s.patient_id},
          {"input", StoredJson(s.input_json)},
          {"result", StoredJson(s.result_json)},
          {"verdict", s.verdict},
          {"recorded_by", s.recorded_by},
          {"recorded_at", InstantText(s.recorded_at)}};
}

nlohmann::json ToJson(const store::Course& c) {
  return {{"id", c.id},
          {"patient_id", c.patient_id},
          {"protocol", c.protocol},
          {"status", store::CourseStatusName(c.status)},
          {"start_date", c.start_date ? nlohmann::json(FormatDate(*c.start_date)) : nlohmann::json()},
          {"plan", StoredJson(c.plan_json)},
          {"recorded_by", c.recorded_by},
          {"recorded_at", InstantText(c.recorded_at)},
          {"updated_at", InstantText(c.updated_at)}};
}

nlohmann::json ToJson(const store::PlanAdjustment& a) {
  return {{"id", a.id},
          {"patient_id", a.patient_id},
          {"course_id", a.course_id},
          {"reason", a.reason},
          {"plan", StoredJson(a.plan_json)},
          {"recorded_by", a.recorded_by},
          {"recorded_at", InstantText(a.recorded_at)}};
}

nlohmann::json ToJson(const store::Prescription& p) {
  return {{"id", p.id},
          {"patient_id", p.patient_id},
          {"course_id", p.course_id},
          {"pharmacy", p.pharmacy},
          {"pharmacist_user_id", OptionalIdJson(p.pharmacist_user_id)},
          {"formulation", StoredJson(p.formulation_json)},
          {"status", store::PrescriptionStatusName(p.status)},
          {"recorded_by", p.recorded_by},
          {"recorded_at", InstantText(p.recorded_at)},
          {"updated_at", InstantText(p.updated_at)},
          // Orders (issue 13): the pharmacy routed to, the signature, a cancellation's reason.
          {"pharmacy_id", OptionalIdJson(p.pharmacy_id)},
          {"signed", p.signed_at.has_value()},
          {"signed_at", p.signed_at ? nlohmann::json(InstantText(*p.signed_at)) : nlohmann::json()},
          {"signature", p.signature_json.empty() ? nlohmann::json() : StoredJson(p.signature_json)},
          {"cancel_reason", p.cancel_reason.empty() ? nlohmann::json() : nlohmann::json(p.cancel_reason)}};
}

nlohmann::json ToJson(const store::DoseLogEntry& d) {
  const Dose dose = Dose::FromMicrogramsHcl(d.dose_micrograms_hcl);
  return {{"id", d.id},
          {"patient_id", d.patient_id},
          {"course_id", OptionalIdJson(d.course_id)},
          {"date", FormatDate(d.local_date)},
          {"time", d.local_time ? nlohmann::json(FormatTimeOfDay(*d.local_time)) : nlohmann::json()},
          {"taken", d.taken},
          {"dose_mg", dose.milligrams_hcl()},
          {"dose_ug", d.dose_micrograms_hcl},
          {"client_id", d.client_id ? nlohmann::json(*d.client_id) : nlohmann::json()},
          {"note", d.note},
          {"recorded_by", d.recorded_by},
          {"recorded_at", InstantText(d.recorded_at)}};
}

nlohmann::json ToJson(const store::DiaryEntry& e) {
  return {{"patient_id", e.patient_id},
          {"date", FormatDate(e.local_date)},
          {"items", StoredJson(e.items_json)},
          {"client_id", e.client_id},
          {"revision", e.revision},
          {"recorded_by", e.recorded_by},
          {"recorded_at", InstantText(e.recorded_at)},
          {"created_at", InstantText(e.created_at)}};
}

nlohmann::json ToJson(const store::InstrumentResponse& r) {
  return {{"id", r.id},
          {"patient_id", r.patient_id},
          {"instrument", r.instrument},
          {"date", FormatDate(r.local_date)},
          {"answers", StoredJson(r.answers_json)},
          {"scores", StoredJson(r.scores_json)},
          {"client_id", r.client_id ? nlohmann::json(*r.client_id) : nlohmann::json()},
          {"recorded_by", r.recorded_by},
          {"recorded_at", InstantText(r.recorded_at)}};
}

nlohmann::json ToJson(const store::AdverseEvent& e) {
  return {{"id", e.id},
          {"patient_id", e.patient_id},
          {"course_id", OptionalIdJson(e.course_id)},
          {"onset_date", FormatDate(e.onset_date)},
          {"description", e.description},
          {"severity", store::SeverityName(e.severity)},
          {"serious", e.serious},
          {"details", StoredJson(e.details_json)},
          {"recorded_by", e.recorded_by},
          {"recorded_at", InstantText(e.recorded_at)}};
}

nlohmann::json ToJson(const store::AuditEvent& e) {
  return {{"seq", e.seq},
          {"at", InstantText(e.at)},
          {"actor_user_id", OptionalIdJson(e.actor_user_id)},
          {"role", e.role},
          {"patient_id", OptionalIdJson(e.patient_id)},
          {"action", e.action},
          {"object", e.object},
          {"outcome", e.outcome},
          {"detail", e.detail},
          {"hash", e.hash}};
}

Access Public() {
  Access a;
  a.audience = Audience::kPublic;
  return a;
}

Access Authenticated(std::set<store::Role> roles, std::string audit_action) {
  Access a;
  a.audience = Audience::kAuthenticated;
  a.roles = std::move(roles);
  a.audit_action = std::move(audit_action);
  return a;
}

Access PatientScoped(std::set<store::Role> roles, std::string audit_action) {
  Access a = Authenticated(std::move(roles), std::move(audit_action));
  a.patient_scoped = true;
  return a;
}

Access AuditApart(Access access) {
  access.audit_apart = true;
  return access;
}

}  // namespace ldn::server
