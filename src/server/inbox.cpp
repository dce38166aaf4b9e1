#include "server/inbox.h"

#include <algorithm>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "clinical/safety/questionnaire_schedule.h"
#include "server/api_util.h"
#include "server/interlocks.h"

namespace ldn::server {
namespace {

using store::CourseStatus;

// The course the schedule follows: the newest planned (not discarded), active or paused one.
struct CurrentCourse {
  std::optional<LocalDate> created;
  std::optional<LocalDate> first_dose;
  bool baseline_fiqr_due = false;
};

Result<CurrentCourse> FindCurrentCourse(store::Store& st, const store::Patient& patient, store::Instant now) {
  CurrentCourse out;
  LDN_ASSIGN_OR_RETURN(nlohmann::json courses, CoursesJson(st, patient, now));
  LDN_ASSIGN_OR_RETURN(auto stored, st.ListCourses(patient.id));
  for (size_t i = 0; i < stored.size() && i < courses.size(); ++i) {
    const store::Course& c = stored[i];
    const nlohmann::json& j = courses[i];
    const bool discarded = j.contains("interlocks") && !j["interlocks"]["discarded"].is_null();
    const bool current = (c.status == CourseStatus::kPlanned && !discarded) || c.status == CourseStatus::kActive ||
                         c.status == CourseStatus::kPaused;
    if (!current) continue;
    out.created = PatientToday(patient, c.recorded_at);  // the local date of an instant
    out.first_dose = c.status == CourseStatus::kPlanned ? std::nullopt : c.start_date;
    const nlohmann::json& baseline = j["interlocks"]["baseline"];
    out.baseline_fiqr_due = baseline.is_object() && baseline.value("fiqr_due", false);
  }
  return out;
}

struct Schedule {
  clinical::QuestionnaireSchedule due;
  std::optional<LocalDate> last_fiqr, last_pgic;
  bool has_course = false;
};

Result<Schedule> LoadSchedule(store::Store& st, const store::Patient& patient, store::Instant now) {
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  LDN_ASSIGN_OR_RETURN(CurrentCourse course, FindCurrentCourse(st, patient, now));
  const LocalDate today = PatientToday(patient, now);
  Schedule s;
  LDN_ASSIGN_OR_RETURN(auto responses, st.ListInstrumentResponses(patient.id));
  for (const auto& r : responses) {
    if (r.local_date > today || (r.instrument != "fiqr" && r.instrument != "pgic")) continue;
    std::optional<LocalDate>& last = r.instrument == "fiqr" ? s.last_fiqr : s.last_pgic;
    if (!last || r.local_date > *last) last = r.local_date;
  }
  clinical::QuestionnaireRecord rec;
  rec.today = today;
  rec.course_created = course.created;
  rec.first_dose = course.first_dose;
  rec.baseline_fiqr_due = course.baseline_fiqr_due;
  rec.last_fiqr = s.last_fiqr;
  rec.last_pgic = s.last_pgic;
  s.due = clinical::ScheduleQuestionnaires(rec, *rules);
  s.has_course = course.created.has_value();
  return s;
}

int KindOrder(const InboxTask& t) {
  if (t.level == "red") return 0;
  if (t.kind == "message") return 1;
  if (t.kind == "prescription_to_sign") return 2;
  if (t.kind == "flag") return 3;
  if (t.kind == "diary_missing") return 4;
  return 5;
}

}  // namespace

Result<std::vector<InboxTask>> PatientTasks(store::Store& st, const store::Patient& patient, store::Instant now,
                                            const nlohmann::json* given_flags) {
  std::vector<InboxTask> tasks;
  const std::string page = fmt::format("#/patient/{}", patient.id);

  // Flags (and the missing-diary flag) not acknowledged.
  nlohmann::json computed;
  if (given_flags == nullptr) {
    LDN_ASSIGN_OR_RETURN(computed, PatientFlagsJson(st, patient, now));
  }
  const nlohmann::json& flags = given_flags != nullptr ? *given_flags : computed;
  std::set<std::string> seen;
  for (const auto& f : flags) {
    // One task per code: a check overridden at creation and again at activation is one occurrence.
    if (f.value("acknowledged", false) || !seen.insert(f.value("code", "")).second) continue;
    InboxTask t;
    t.key = f.value("code", "");
    t.kind = t.key.rfind("diary.missing.", 0) == 0 ? "diary_missing" : "flag";
    t.patient_id = patient.id;
    t.level = f.value("level", "");
    t.title = t.kind == "diary_missing" ? "Diary missing" : t.level == "red" ? "Red flag" : "Flag to review";
    t.detail = f.value("message", "");
    t.since = f.value("since", "");
    t.link = page;
    tasks.push_back(std::move(t));
  }

  // The thread: the newest message is the patient's and nobody of the care team has answered.
  {
    LDN_ASSIGN_OR_RETURN(auto users, st.ListUsers());
    auto is_patient = [&](store::Id user_id) {
      return std::any_of(users.begin(), users.end(),
                         [&](const store::User& u) { return u.id == user_id && u.patient_id == patient.id; });
    };
    std::vector<store::Message> all;
    for (store::Id cursor = 0;;) {
      LDN_ASSIGN_OR_RETURN(auto page_of, st.ListMessages(patient.id, cursor, 1000));
      all.insert(all.end(), page_of.begin(), page_of.end());
      if (page_of.size() < 1000) break;
      cursor = page_of.back().id;
    }
    int waiting = 0;
    for (auto it = all.rbegin(); it != all.rend() && is_patient(it->sender_user_id); ++it) ++waiting;
    if (waiting > 0) {
      const store::Message& oldest = all[all.size() - waiting];
      InboxTask t;
      t.key = fmt::format("message.{}", all.back().id);
      t.kind = "message";
      t.patient_id = patient.id;
      t.title = waiting == 1 ? "Message waiting for a reply" : fmt::format("{} messages waiting for a reply", waiting);
      // The inbox names the thread, never the text: the body is read on the thread's page.
      t.detail = fmt::format("From {}; read it and answer on the thread's page.", patient.display_name);
      t.since = InstantText(oldest.sent_at);
      t.link = page + "/messages";
      tasks.push_back(std::move(t));
    }
  }

  // Prescriptions issued but not signed.
  LDN_ASSIGN_OR_RETURN(auto prescriptions, st.ListPrescriptions(patient.id));
  for (const auto& rx : prescriptions) {
    if (rx.status != store::PrescriptionStatus::kIssued || rx.signed_at) continue;
    InboxTask t;
    t.key = fmt::format("prescription.{}", rx.id);
    t.kind = "prescription_to_sign";
    t.patient_id = patient.id;
    t.title = "Prescription to sign";
    t.detail = fmt::format("Draft prescription #{} is not signed; the pharmacy cannot see it until it is.", rx.id);
    t.since = InstantText(rx.recorded_at);
    t.link = page;
    tasks.push_back(std::move(t));
  }

  // Questionnaires overdue.
  LDN_ASSIGN_OR_RETURN(Schedule s, LoadSchedule(st, patient, now));
  for (const auto& [name, label, due, last] :
       {std::tuple{"fiqr", "FIQR", s.due.fiqr, s.last_fiqr}, std::tuple{"pgic", "PGIC", s.due.pgic, s.last_pgic}}) {
    if (!due.overdue) continue;
    InboxTask t;
    t.key = fmt::format("questionnaire.{}.{}", name, FormatDate(*due.due_since));
    t.kind = "questionnaire_overdue";
    t.patient_id = patient.id;
    t.title = fmt::format("{} overdue", label);
    t.detail = fmt::format("Due since {}; last answered {}.", FormatDate(*due.due_since),
                           last ? FormatDate(*last) : std::string("never"));
    t.since = FormatDate(*due.due_since);
    t.link = page;
    tasks.push_back(std::move(t));
  }

  // Minus the settled ones.
  LDN_ASSIGN_OR_RETURN(auto settled, st.ListTaskResolutions(patient.id));
  std::erase_if(tasks, [&](const InboxTask& t) {
    return std::any_of(settled.begin(), settled.end(),
                       [&](const store::TaskResolution& r) { return r.task_key == t.key; });
  });
  std::stable_sort(tasks.begin(), tasks.end(), [](const InboxTask& a, const InboxTask& b) {
    if (KindOrder(a) != KindOrder(b)) return KindOrder(a) < KindOrder(b);
    return a.since < b.since;
  });
  return tasks;
}

nlohmann::json TaskToJson(const InboxTask& t, const store::Patient& patient) {
  return {{"key", t.key},
          {"kind", t.kind},
          {"patient_id", t.patient_id},
          {"patient_name", patient.display_name},
          {"title", t.title},
          {"detail", t.detail},
          {"level", t.level.empty() ? nlohmann::json() : nlohmann::json(t.level)},
          {"since", t.since},
          {"link", t.link}};
}

nlohmann::json ResolutionToJson(const store::TaskResolution& r) {
  return {{"id", r.id},
          {"key", r.task_key},
          {"kind", r.kind},
          {"resolution", r.resolution},
          {"note", r.note},
          {"recorded_by", r.recorded_by},
          {"recorded_at", InstantText(r.recorded_at)}};
}

Result<nlohmann::json> QuestionnaireScheduleJson(store::Store& st, const store::Patient& patient, store::Instant now) {
  LDN_ASSIGN_OR_RETURN(const clinical::InterlockRules* rules, InterlockRules());
  LDN_ASSIGN_OR_RETURN(Schedule s, LoadSchedule(st, patient, now));
  auto one = [](const clinical::InstrumentDue& d, const std::optional<LocalDate>& last) {
    return nlohmann::json{{"due", d.due},
                          {"due_since", d.due_since ? nlohmann::json(FormatDate(*d.due_since)) : nlohmann::json()},
                          {"overdue", d.overdue},
                          {"last", last ? nlohmann::json(FormatDate(*last)) : nlohmann::json()}};
  };
  return nlohmann::json{{"fiqr", one(s.due.fiqr, s.last_fiqr)},
                        {"pgic", one(s.due.pgic, s.last_pgic)},
                        {"in_treatment", s.has_course},
                        {"interval_days", rules->questionnaire_interval_days},
                        {"overdue_days", rules->questionnaire_overdue_days},
                        {"source", rules->sources.at("questionnaire_interval_days")}};
}

}  // namespace ldn::server
