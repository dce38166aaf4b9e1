#include "server/timeline.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "server/api_util.h"
#include "server/interlocks.h"

namespace ldn::server {
namespace {

nlohmann::json Parsed(const std::string& text) {
  auto j = ParseJson(text);
  return j.ok() && j->is_object() ? std::move(j).value() : nlohmann::json::object();
}

std::string Str(const nlohmann::json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || j[key].is_null()) return "";
  return j[key].is_string() ? j[key].get<std::string>() : j[key].dump();
}

// The history entries of a chart record ({"history": [{"at", "by", "change"}]}).
template <typename Add>
void History(const nlohmann::json& details, Add add) {
  if (!details.contains("history") || !details["history"].is_array()) return;
  for (const auto& h : details["history"]) {
    if (!h.is_object() || !h.contains("at") || !h["at"].is_string()) continue;
    auto at = ParseUtcInstant(h["at"].get<std::string>(), "at");
    if (!at.ok()) continue;
    add(*at, Str(h, "change"));
  }
}

std::string UserName(const std::map<store::Id, std::string>& names, store::Id id) {
  auto it = names.find(id);
  return it == names.end() ? fmt::format("user {}", id) : it->second;
}

}  // namespace

const std::vector<std::string>& TimelineKinds() {
  static const std::vector<std::string> kKinds = {
      "screening",     "course",     "adjustment", "prescription", "medication", "condition", "allergy",
      "adverse_event", "instrument", "message",    "diary_edit",   "invitation", "flag",      "task"};
  return kKinds;
}

bool IsTimelineKind(const std::string& kind) {
  const auto& k = TimelineKinds();
  return std::find(k.begin(), k.end(), kind) != k.end();
}

std::string TimelineKindList() {
  std::string out;
  for (const auto& k : TimelineKinds()) out += (out.empty() ? "" : ", ") + k;
  return out;
}

Result<std::vector<TimelineEvent>> BuildTimeline(store::Store& st, store::Id patient_id, const TimelineQuery& q,
                                                 store::Instant now) {
  LDN_ASSIGN_OR_RETURN(store::Patient patient, st.GetPatient(patient_id));
  auto tz = TimeZone::Named(patient.time_zone, "time_zone");
  const TimeZone zone = tz.ok() ? *tz : TimeZone::Utc();
  const LocalDate today = zone.LocalDateAt(now);
  auto wanted = [&](const std::string& kind) { return q.kinds.empty() || q.kinds.count(kind) != 0; };
  std::vector<TimelineEvent> events;
  auto add = [&](store::Instant at, std::optional<LocalDate> date, const std::string& kind, std::string title,
                 std::string detail, nlohmann::json ref) {
    TimelineEvent e;
    e.at = at;
    e.date = date ? *date : zone.LocalDateAt(at);
    e.kind = kind;
    e.title = std::move(title);
    e.detail = std::move(detail);
    e.ref = std::move(ref);
    if (q.from && e.date < *q.from) return;
    if (q.to && e.date > *q.to) return;
    events.push_back(std::move(e));
  };
  std::map<store::Id, std::string> names;
  {
    LDN_ASSIGN_OR_RETURN(auto users, st.ListUsers());
    for (const auto& u : users) names[u.id] = u.username;
  }

  if (wanted("screening")) {
    LDN_ASSIGN_OR_RETURN(auto rows, st.ListScreenings(patient_id));
    for (const auto& s : rows) {
      const nlohmann::json result = Parsed(s.result_json);
      const std::string earliest = Str(result, "earliest_start");
      add(s.recorded_at, std::nullopt, "screening", fmt::format("Screening: {}", s.verdict),
          earliest.empty() ? "" : "earliest start " + earliest, {{"screening_id", s.id}});
    }
  }
  if (wanted("course") || wanted("adjustment")) {
    LDN_ASSIGN_OR_RETURN(auto courses, st.ListCourses(patient_id));
    for (const auto& c : courses) {
      if (wanted("course")) {
        add(c.recorded_at, std::nullopt, "course", fmt::format("Course #{} planned ({})", c.id, c.protocol),
            c.start_date ? "first dose " + FormatDate(*c.start_date) : "", {{"course_id", c.id}});
        if (c.status != store::CourseStatus::kPlanned) {
          add(c.updated_at, std::nullopt, "course",
              fmt::format("Course #{} is {}", c.id, store::CourseStatusName(c.status)),
              c.start_date ? "started " + FormatDate(*c.start_date) : "", {{"course_id", c.id}});
        }
      }
      if (wanted("adjustment")) {
        LDN_ASSIGN_OR_RETURN(auto adjustments, st.ListPlanAdjustments(patient_id, c.id));
        for (const auto& a : adjustments) {
          add(a.recorded_at, std::nullopt, "adjustment", fmt::format("Plan of course #{} adjusted", c.id), a.reason,
              {{"course_id", c.id}, {"adjustment_id", a.id}});
        }
      }
    }
  }
  if (wanted("prescription")) {
    LDN_ASSIGN_OR_RETURN(auto rows, st.ListPrescriptions(patient_id));
    std::map<store::Id, const store::Prescription*> by_id;
    for (const auto& rx : rows) by_id[rx.id] = &rx;
    LDN_ASSIGN_OR_RETURN(auto rx_events, st.ListPrescriptionEvents(patient_id));
    for (const auto& e : rx_events) {
      const store::Prescription* rx = by_id.count(e.prescription_id) ? by_id[e.prescription_id] : nullptr;
      const std::string pharmacy = rx ? rx->pharmacy : "";
      add(e.at, std::nullopt, "prescription", fmt::format("Prescription #{} {}", e.prescription_id, e.kind),
          fmt::format("{}{}{}", UserName(names, e.actor_user_id), pharmacy.empty() ? "" : ", " + pharmacy,
                      e.note.empty() ? "" : ": " + e.note),
          {{"prescription_id", e.prescription_id}});
    }
    // Prescriptions from before orders had events: their creation.
    for (const auto& rx : rows) {
      const bool has_events = std::any_of(rx_events.begin(), rx_events.end(), [&](const store::PrescriptionEvent& e) {
        return e.prescription_id == rx.id;
      });
      if (!has_events) {
        add(rx.recorded_at, std::nullopt, "prescription", fmt::format("Prescription #{} issued", rx.id),
            fmt::format("{}, {}", UserName(names, rx.recorded_by), rx.pharmacy), {{"prescription_id", rx.id}});
      }
    }
  }
  if (wanted("medication")) {
    LDN_ASSIGN_OR_RETURN(auto rows, st.ListMedications(patient_id));
    for (const auto& m : rows) {
      const nlohmann::json d = Parsed(m.details_json);
      bool any = false;
      History(d, [&](store::Instant at, const std::string& change) {
        any = true;
        add(at, std::nullopt, "medication", fmt::format("Medication {}: {}", m.name, change), Str(d, "dose"),
            {{"medication_id", m.id}});
      });
      if (!any) {
        add(m.recorded_at, std::nullopt, "medication", fmt::format("Medication {} recorded", m.name), Str(d, "dose"),
            {{"medication_id", m.id}});
      }
    }
  }
  if (wanted("condition")) {
    LDN_ASSIGN_OR_RETURN(auto rows, st.ListConditions(patient_id));
    for (const auto& c : rows) {
      const nlohmann::json d = Parsed(c.details_json);
      bool any = false;
      History(d, [&](store::Instant at, const std::string& change) {
        any = true;
        add(at, std::nullopt, "condition", fmt::format("Condition {}: {}", c.name, change), "",
            {{"condition_id", c.id}});
      });
      if (!any)
        add(c.recorded_at, std::nullopt, "condition", "Condition " + c.name + " recorded", "",
            {{"condition_id", c.id}});
    }
  }
  if (wanted("allergy")) {
    LDN_ASSIGN_OR_RETURN(auto rows, st.ListAllergies(patient_id));
    for (const auto& a : rows) {
      const nlohmann::json d = Parsed(a.details_json);
      History(d, [&](store::Instant at, const std::string& change) {
        add(at, std::nullopt, "allergy", fmt::format("Allergy to {}: {}", a.substance, change), Str(d, "reaction"),
            {{"allergy_id", a.id}});
      });
    }
  }
  if (wanted("adverse_event")) {
    LDN_ASSIGN_OR_RETURN(auto rows, st.ListAdverseEvents(patient_id));
    for (const auto& e : rows) {
      add(e.recorded_at, e.onset_date, "adverse_event",
          fmt::format("Adverse event: {} ({}{})", e.description, store::SeverityName(e.severity),
                      e.serious ? ", serious" : ""),
          "reported by " + UserName(names, e.recorded_by), {{"adverse_event_id", e.id}});
      History(Parsed(e.details_json), [&](store::Instant at, const std::string& change) {
        add(at, std::nullopt, "adverse_event", fmt::format("Adverse event {} followed up", e.id), change,
            {{"adverse_event_id", e.id}});
      });
    }
  }
  if (wanted("instrument")) {
    LDN_ASSIGN_OR_RETURN(auto rows, st.ListInstrumentResponses(patient_id));
    for (const auto& r : rows) {
      const nlohmann::json s = Parsed(r.scores_json);
      std::string score;
      if (s.contains("total") && s["total"].is_number()) {
        score = fmt::format("total {:.1f}", s["total"].get<double>());
      } else if (s.contains("label") && s["label"].is_string()) {
        score = s["label"].get<std::string>();
      } else if (s.contains("score") && s["score"].is_number()) {
        score = "score " + s["score"].dump();
      }
      std::string name = r.instrument;
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
      add(r.recorded_at, r.local_date, "instrument", name + " answered", score, {{"response_id", r.id}});
    }
  }
  if (wanted("message")) {
    for (store::Id after = 0;;) {
      LDN_ASSIGN_OR_RETURN(auto rows, st.ListMessages(patient_id, after, 1000));
      for (const auto& m : rows) {
        add(m.sent_at, std::nullopt, "message", "Message from " + UserName(names, m.sender_user_id), "",
            {{"message_id", m.id}});
      }
      if (rows.size() < 1000) break;
      after = rows.back().id;
    }
  }
  if (wanted("diary_edit")) {
    const LocalDate last = q.to.value_or(today);
    const LocalDate first = q.from.value_or(AddDays(last, -730));
    if (!(last < first)) {
      LDN_ASSIGN_OR_RETURN(auto revisions, st.ListDiaryRevisionsBetween(patient_id, first, last));
      for (const auto& r : revisions) {
        if (r.revision < 2) continue;
        add(r.recorded_at, std::nullopt, "diary_edit",
            fmt::format("Diary of {} edited (revision {})", FormatDate(r.local_date), r.revision),
            "by " + UserName(names, r.recorded_by), {{"date", FormatDate(r.local_date)}});
      }
    }
  }
  if (wanted("invitation")) {
    LDN_ASSIGN_OR_RETURN(auto codes, st.ListAccountCodes(patient_id, std::nullopt));
    for (const auto& c : codes) {
      add(c.created_at, std::nullopt, "invitation", "Invitation to the app sent",
          fmt::format("by {}, expires {}", UserName(names, c.created_by), FormatUtcInstant(c.expires_at)),
          {{"invitation_id", c.id}});
      if (c.used_at) {
        add(*c.used_at, std::nullopt, "invitation", "The patient set up their account",
            c.used_by ? "username " + UserName(names, *c.used_by) : "", {{"invitation_id", c.id}});
      }
    }
  }
  if (wanted("flag")) {
    // Raised flags are computed (docs/safety.md): each is placed at noon UTC of the day it began,
    // its acknowledgement at the moment it was recorded.
    LDN_ASSIGN_OR_RETURN(nlohmann::json flags, PatientFlagsJson(st, patient, now));
    for (const auto& f : flags) {
      auto since = ParseDate(f.value("since", ""), "since");
      if (!since.ok()) continue;
      auto noon = ParseUtcInstant(FormatDate(*since) + "T12:00:00Z", "since");
      if (!noon.ok()) continue;
      add(*noon, *since, "flag", (f.value("level", "") == "red" ? "Red flag: " : "Flag: ") + f.value("kind", ""),
          f.value("message", ""), {{"code", f.value("code", "")}});
    }
    LDN_ASSIGN_OR_RETURN(auto acks, st.ListFlagAcknowledgements(patient_id));
    for (const auto& a : acks) {
      add(a.recorded_at, std::nullopt, "flag", "Flag acknowledged",
          "by " + UserName(names, a.recorded_by) + ": " + a.note, {{"code", a.code}});
    }
  }
  if (wanted("task")) {
    LDN_ASSIGN_OR_RETURN(auto settled, st.ListTaskResolutions(patient_id));
    for (const auto& r : settled) {
      const std::string what = r.kind == "message"                 ? "message waiting for a reply"
                               : r.kind == "prescription_to_sign"  ? "prescription to sign"
                               : r.kind == "questionnaire_overdue" ? "questionnaire overdue"
                               : r.kind == "diary_missing"         ? "diary missing"
                                                                   : "flag";
      add(r.recorded_at, std::nullopt, "task",
          fmt::format("Inbox task {}: {}", r.resolution == "done" ? "done" : "dismissed", what),
          "by " + UserName(names, r.recorded_by) + (r.note.empty() ? "" : ": " + r.note), {{"key", r.task_key}});
    }
  }
  // Newest first; events of the same second in the reverse of the order they were collected, which
  // puts a record's later events (signed after created) first.
  std::stable_sort(events.begin(), events.end(),
                   [](const TimelineEvent& a, const TimelineEvent& b) { return a.at < b.at; });
  std::reverse(events.begin(), events.end());
  return events;
}

nlohmann::json TimelineEventToJson(const TimelineEvent& e) {
  return {{"at", FormatUtcInstant(e.at)},
          {"date", FormatDate(e.date)},
          {"kind", e.kind},
          {"title", e.title},
          {"detail", e.detail},
          {"ref", e.ref}};
}

}  // namespace ldn::server
