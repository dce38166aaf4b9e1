// The clinician's panel (panel.h has the contract; docs/api.md the reply). Built to stay fast at
// 1,000 patients in a care team: the cheap columns (last diary day, adherence, weeks on the current
// dose) come from three store queries for every visible patient at once; the expensive ones (flags,
// which read the whole record of one patient and run the analysis, and the response class, which
// runs the analysis) are computed for the rows of the page only -- except that filtering or sorting
// by flags needs the flags of every patient that matches the search (docs/benchmarks.md measures
// both).
#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include "analysis/response.h"
#include "clinical/safety/dose_check.h"
#include "core/calendar.h"
#include "server/api_util.h"
#include "server/diary_assembly.h"
#include "server/interlocks.h"
#include "server/panel.h"

namespace ldn::server {
namespace {

using store::Role;

enum class SortKey { kName, kLastDiary, kAdherence, kWeeksOnDose, kFlags };

struct PanelQuery {
  std::string q;  // lower-cased
  SortKey sort = SortKey::kName;
  bool descending = false;
  std::string sort_text = "name";
  std::string flag;  // empty: no filter
  int64_t page = 1;
  int64_t per_page = kPanelDefaultPerPage;
};

const std::vector<std::string>& FlagFilters() {
  static const std::vector<std::string> kFilters = {"any",    "red",       "amber",       "safety",   "dose",
                                                    "course", "screening", "side_effect", "response", "diary"};
  return kFilters;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A whole number lo..hi written in plain digits (no sign, no spaces, at most 7 digits).
Result<int64_t> QueryInteger(const RequestContext& ctx, const std::string& name, int64_t lo, int64_t hi,
                             int64_t fallback) {
  auto it = ctx.query.find(name);
  if (it == ctx.query.end()) return fallback;
  const std::string& t = it->second;
  const std::string want = "a whole number from " + std::to_string(lo) + " to " + std::to_string(hi);
  if (t.empty() || t.size() > 7 || !std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Status::InvalidArgument(name, "must be " + want);
  }
  const int64_t v = std::stoll(t);
  if (v < lo || v > hi) return Status::InvalidArgument(name, "must be " + want);
  return v;
}

Result<PanelQuery> ParsePanelQuery(const RequestContext& ctx) {
  PanelQuery out;
  if (auto it = ctx.query.find("q"); it != ctx.query.end()) {
    std::string q = it->second;
    while (!q.empty() && std::isspace(static_cast<unsigned char>(q.back()))) q.pop_back();
    q.erase(0, std::min(q.size(), q.find_first_not_of(" \t\r\n")));
    if (q.size() > 200) return Status::InvalidArgument("q", "must be at most 200 characters");
    out.q = Lower(q);
  }
  if (auto it = ctx.query.find("sort"); it != ctx.query.end()) {
    std::string s = it->second;
    out.sort_text = s;
    if (!s.empty() && s[0] == '-') {
      out.descending = true;
      s.erase(0, 1);
    }
    static const std::map<std::string, SortKey> kKeys = {{"name", SortKey::kName},
                                                         {"last_diary", SortKey::kLastDiary},
                                                         {"adherence", SortKey::kAdherence},
                                                         {"weeks_on_dose", SortKey::kWeeksOnDose},
                                                         {"flags", SortKey::kFlags}};
    auto k = kKeys.find(s);
    if (k == kKeys.end()) {
      return Status::InvalidArgument(
          "sort",
          "must be one of name, last_diary, adherence, weeks_on_dose, flags (with \"-\" before it for descending)");
    }
    out.sort = k->second;
  }
  if (auto it = ctx.query.find("flag"); it != ctx.query.end()) {
    const auto& f = FlagFilters();
    if (std::find(f.begin(), f.end(), it->second) == f.end()) {
      return Status::InvalidArgument("flag",
                                     "must be one of any, red, amber, safety, dose, course, screening, side_effect, "
                                     "response, diary");
    }
    out.flag = it->second;
  }
  LDN_ASSIGN_OR_RETURN(out.page, QueryInteger(ctx, "page", 1, 1000000, 1));
  LDN_ASSIGN_OR_RETURN(out.per_page, QueryInteger(ctx, "per_page", 1, kPanelMaxPerPage, kPanelDefaultPerPage));
  if (ctx.caller().role != Role::kClinician) {
    if (!out.flag.empty()) return Status::InvalidArgument("flag", "flags are computed for clinicians only");
    if (out.sort == SortKey::kFlags) return Status::InvalidArgument("sort", "flags are computed for clinicians only");
  }
  return out;
}

struct Row {
  const store::Patient* patient = nullptr;
  LocalDate today{};
  std::optional<LocalDate> last_diary;
  const store::Course* course = nullptr;  // the open course the columns describe (active, else paused)
  std::optional<clinical::CoursePlanView> plan;
  std::optional<int> adherence_taken;
  std::optional<int> adherence_planned;
  std::optional<double> adherence;
  std::optional<int> weeks_on_dose;
  std::optional<Dose> current_dose;
  int64_t revision = 0;  // of the patient's record (store.h ListPatientRevisions): the flag cache's key
  bool flags_done = false;
  nlohmann::json flags;
  PatientAnalysis analysis;  // the analysis the flags ran (when not from the cache), reused for the response class
  int open_red = 0;
  int open_total = 0;
  std::vector<std::string> open_kinds;
};

bool Matches(const store::Patient& p, const std::string& q) {
  if (q.empty()) return true;
  return Lower(p.display_name).find(q) != std::string::npos || Lower(p.research_id).find(q) != std::string::npos;
}

// The weeks since the current dose began: the day the run of consecutive steps with today's dose
// started (a plan may split one dose over several steps, e.g. after an adjustment), whole weeks.
void DoseColumns(Row& r) {
  if (!r.plan || r.course == nullptr || r.course->status != store::CourseStatus::kActive) return;
  const auto& steps = r.plan->steps;
  const clinical::PlanStep* now = clinical::StepOn(steps, r.today);
  if (now == nullptr) return;
  r.current_dose = now->dose;
  size_t i = static_cast<size_t>(now - steps.data());
  LocalDate since = steps[i].start;
  while (i > 0 && steps[i - 1].dose == now->dose && steps[i - 1].end &&
         AddDays(*steps[i - 1].end, 1) == steps[i].start) {
    --i;
    since = steps[i].start;
  }
  r.weeks_on_dose = DaysBetween(since, r.today) / 7;
}

// Adherence: of the days in the window on which the active course's plan has a dose above 0 (from
// the course's start), the share with a dose logged as taken. Not logged counts as not taken, never
// imputed -- the analysis's rule (analysis/response.h, Adherence).
void AdherenceColumn(Row& r, const std::vector<LocalDate>& taken_days) {
  if (!r.plan || r.course == nullptr || r.course->status != store::CourseStatus::kActive) return;
  int planned = 0, taken = 0;
  for (int back = kPanelAdherenceDays; back >= 1; --back) {
    const LocalDate d = AddDays(r.today, -back);
    if (r.course->start_date && d < *r.course->start_date) continue;
    const clinical::PlanStep* step = clinical::StepOn(r.plan->steps, d);
    if (step == nullptr || step->dose.micrograms_hcl() <= 0) continue;
    ++planned;
    if (std::binary_search(taken_days.begin(), taken_days.end(), d)) ++taken;
  }
  r.adherence_planned = planned;
  r.adherence_taken = taken;
  if (planned > 0) r.adherence = static_cast<double>(taken) / planned;
}

Status ComputeFlags(FlagCache& cache, store::Store& st, Row& r, store::Instant now) {
  if (r.flags_done) return Status::Ok();
  LDN_ASSIGN_OR_RETURN(r.flags, cache.Flags(st, *r.patient, r.revision, now, &r.analysis));
  for (const auto& f : r.flags) {
    if (f.value("acknowledged", false) || !f.value("acknowledgement", nlohmann::json()).is_null()) continue;
    ++r.open_total;
    if (f.value("level", "") == "red") ++r.open_red;
    r.open_kinds.push_back(f.value("kind", ""));
  }
  r.flags_done = true;
  return Status::Ok();
}

bool PassesFlagFilter(const Row& r, const std::string& flag) {
  if (flag.empty()) return true;
  if (flag == "any") return r.open_total > 0;
  if (flag == "red") return r.open_red > 0;
  if (flag == "amber") return r.open_total - r.open_red > 0;
  return std::find(r.open_kinds.begin(), r.open_kinds.end(), flag) != r.open_kinds.end();
}

// The IMMPACT responder class of the course's analysis (analysis/response.h), only once the
// evaluation has opened (docs/analysis.md, "Evaluation opens"): before it the patient's own page
// gives no verdict, and the panel gives none either.
Result<nlohmann::json> ResponseColumns(store::Store& st, const Row& r) {
  nlohmann::json out = {{"response_class", nullptr}, {"response_class_range", nullptr}, {"response_note", nullptr}};
  if (r.course == nullptr) {
    out["response_note"] = "no active course";
    return out;
  }
  std::optional<Result<analysis::AnalysisReport>> analysed;
  if (r.analysis.report && r.analysis.course_id == r.course->id) {
    analysed = *r.analysis.report;  // the flags' analysis of the same course
  } else {
    auto diary = AssembleDiary(st, *r.patient, *r.course, r.patient->research_id);
    if (!diary.ok()) {
      if (diary.status().code() == Code::kUnavailable || diary.status().code() == Code::kInternal) {
        return diary.status();
      }
      out["response_note"] = "the stored record cannot be analysed";
      return out;
    }
    analysed = analysis::AnalyzeDiary(*diary);
  }
  const Result<analysis::AnalysisReport>& report = *analysed;
  if (!report.ok()) {
    out["response_note"] = "not analysable yet: " + report.status().message();
    return out;
  }
  if (r.today < report->evaluation_opens) {
    out["response_note"] = "evaluation opens on " + FormatDate(report->evaluation_opens);
    return out;
  }
  if (!report->responder_class) {
    out["response_note"] = "too few pain ratings in the evaluation window";
    return out;
  }
  out["response_class"] = std::string(analysis::ResponderClassName(*report->responder_class));
  if (report->responder_class_lowest && report->responder_class_highest) {
    out["response_class_range"] = {
        {"lowest", std::string(analysis::ResponderClassName(*report->responder_class_lowest))},
        {"highest", std::string(analysis::ResponderClassName(*report->responder_class_highest))}};
  }
  return out;
}

// Orders two present values; absent values go last whatever the direction.
template <typename T>
int CompareOptional(const std::optional<T>& a, const std::optional<T>& b, bool descending) {
  if (a.has_value() != b.has_value()) return a.has_value() ? -1 : 1;
  if (!a) return 0;
  if (*a == *b) return 0;
  const bool less = *a < *b;
  return (less != descending) ? -1 : 1;
}

int CompareRows(const Row& a, const Row& b, const PanelQuery& q) {
  int c = 0;
  switch (q.sort) {
    case SortKey::kName: break;
    case SortKey::kLastDiary: c = CompareOptional(a.last_diary, b.last_diary, q.descending); break;
    case SortKey::kAdherence: c = CompareOptional(a.adherence, b.adherence, q.descending); break;
    case SortKey::kWeeksOnDose: c = CompareOptional(a.weeks_on_dose, b.weeks_on_dose, q.descending); break;
    case SortKey::kFlags:
      c = CompareOptional(std::optional<std::pair<int, int>>({a.open_red, a.open_total}),
                          std::optional<std::pair<int, int>>({b.open_red, b.open_total}), q.descending);
      break;
  }
  if (c != 0) return c;
  const std::string an = Lower(a.patient->display_name), bn = Lower(b.patient->display_name);
  if (an != bn) return ((an < bn) != (q.sort == SortKey::kName && q.descending)) ? -1 : 1;
  if (a.patient->id == b.patient->id) return 0;
  return (a.patient->id < b.patient->id) ? -1 : 1;
}

}  // namespace

Result<ApiReply> ListPatientPanel(Api& api, RequestContext& ctx) {
  LDN_ASSIGN_OR_RETURN(PanelQuery q, ParsePanelQuery(ctx));
  store::Store& st = ctx.store();
  const store::Id user = ctx.caller().user_id;
  const bool clinician = ctx.caller().role == Role::kClinician;

  LDN_ASSIGN_OR_RETURN(std::vector<store::Patient> patients, st.ListVisiblePatients(user));
  std::vector<Row> rows;
  rows.reserve(patients.size());
  std::optional<LocalDate> earliest, latest;
  for (const auto& p : patients) {
    if (!Matches(p, q.q)) continue;
    Row r;
    r.patient = &p;
    r.today = PatientToday(p, ctx.now);
    if (!earliest || r.today < *earliest) earliest = r.today;
    if (!latest || *latest < r.today) latest = r.today;
    rows.push_back(std::move(r));
  }

  std::vector<store::Course> courses;  // Row::course points into it
  if (!rows.empty()) {
    // The cheap columns, for every matching patient: three queries whatever their number.
    LDN_ASSIGN_OR_RETURN(auto latest_diary, st.ListLatestDiaryDates(user));
    std::map<store::Id, LocalDate> diary_by_patient(latest_diary.begin(), latest_diary.end());
    LDN_ASSIGN_OR_RETURN(courses, st.ListVisibleOpenCourses(user));
    std::map<store::Id, const store::Course*> course_by_patient;  // active beats paused; the newest wins
    for (const auto& c : courses) {
      auto& slot = course_by_patient[c.patient_id];
      if (slot == nullptr || c.status == store::CourseStatus::kActive || slot->status != store::CourseStatus::kActive) {
        slot = &c;
      }
    }
    if (clinician) {
      LDN_ASSIGN_OR_RETURN(auto revisions, st.ListPatientRevisions(user));
      const std::map<store::Id, int64_t> revision_of(revisions.begin(), revisions.end());
      for (Row& r : rows) {
        if (auto it = revision_of.find(r.patient->id); it != revision_of.end()) r.revision = it->second;
      }
    }
    LDN_ASSIGN_OR_RETURN(auto dose_days,
                         st.ListTakenDoseDays(user, AddDays(*earliest, -kPanelAdherenceDays), AddDays(*latest, -1)));
    std::map<store::Id, std::vector<LocalDate>> days_by_patient;
    for (const auto& [pid, d] : dose_days) days_by_patient[pid].push_back(d);  // by date already
    static const std::vector<LocalDate> kNone;
    for (Row& r : rows) {
      if (auto it = diary_by_patient.find(r.patient->id); it != diary_by_patient.end()) r.last_diary = it->second;
      if (auto it = course_by_patient.find(r.patient->id); it != course_by_patient.end()) {
        r.course = it->second;
        r.plan = CoursePlanViewOf(*r.course);
      }
      DoseColumns(r);
      auto it = days_by_patient.find(r.patient->id);
      AdherenceColumn(r, it == days_by_patient.end() ? kNone : it->second);
    }
  }

  // Filtering or sorting by flags needs every matching patient's flags.
  if (clinician && (!q.flag.empty() || q.sort == SortKey::kFlags)) {
    for (Row& r : rows) LDN_RETURN_IF_ERROR(ComputeFlags(api.flag_cache(), st, r, ctx.now));
    std::erase_if(rows, [&](const Row& r) { return !PassesFlagFilter(r, q.flag); });
  }
  std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return CompareRows(a, b, q) < 0; });

  const int64_t total = static_cast<int64_t>(rows.size());
  const int64_t pages = total == 0 ? 0 : (total + q.per_page - 1) / q.per_page;
  const int64_t first = std::min(total, (q.page - 1) * q.per_page);
  const int64_t last = std::min(total, first + q.per_page);
  nlohmann::json list = nlohmann::json::array();
  for (int64_t i = first; i < last; ++i) {
    Row& r = rows[static_cast<size_t>(i)];
    nlohmann::json j = ToJson(*r.patient);
    j["last_diary_date"] = r.last_diary ? nlohmann::json(FormatDate(*r.last_diary)) : nlohmann::json();
    j["adherence"] = r.adherence ? nlohmann::json(*r.adherence) : nlohmann::json();
    j["adherence_days"] = r.adherence_planned
                              ? nlohmann::json({{"taken", *r.adherence_taken}, {"planned", *r.adherence_planned}})
                              : nlohmann::json();
    j["weeks_on_current_dose"] = r.weeks_on_dose ? nlohmann::json(*r.weeks_on_dose) : nlohmann::json();
    j["current_dose_mg"] = r.current_dose ? nlohmann::json(r.current_dose->milligrams_hcl()) : nlohmann::json();
    j["course"] = r.course == nullptr
                      ? nlohmann::json()
                      : nlohmann::json(
                            {{"id", r.course->id}, {"status", std::string(store::CourseStatusName(r.course->status))}});
    if (clinician)
      LDN_RETURN_IF_ERROR(ComputeFlags(api.flag_cache(), st, r, ctx.now));  // first: its analysis serves the response
    LDN_ASSIGN_OR_RETURN(nlohmann::json response, ResponseColumns(st, r));
    j.update(response);
    if (clinician) {
      j["flags"] = r.flags;
      j["open_flags"] = {{"red", r.open_red}, {"amber", r.open_total - r.open_red}};
    }
    list.push_back(std::move(j));
  }
  nlohmann::json out = {{"patients", std::move(list)},
                        {"total", total},
                        {"page", q.page},
                        {"per_page", q.per_page},
                        {"pages", pages},
                        {"sort", q.sort_text},
                        {"q", q.q},
                        {"flag", q.flag.empty() ? nlohmann::json() : nlohmann::json(q.flag)},
                        {"adherence_window_days", kPanelAdherenceDays}};
  return Reply(std::move(out));
}

}  // namespace ldn::server
