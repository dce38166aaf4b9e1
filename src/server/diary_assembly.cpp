#include "server/diary_assembly.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "core/dose.h"
#include "core/json_reader.h"
#include "core/message.h"

namespace ldn::server {
namespace {

const LocalDate kFirstDay = date::year{1900} / 1 / 1;
const LocalDate kLastDay = date::year{2200} / 12 / 31;

// "diary[0].pain" -> "<prefix>.pain"; "diary[0]" -> "<prefix>".
Status RenameDayField(const Status& s, std::string_view prefix) {
  constexpr std::string_view kDay = "diary[0]";
  std::string field = s.field();
  if (field.rfind(kDay, 0) == 0) {
    field = std::string(prefix) + field.substr(kDay.size());
  } else {
    field = std::string(prefix);
  }
  return Status::InvalidArgument(field, s.message());
}

// The parser names the document's path ("doses[63].dose_mg"); people are told which day of their
// record is at fault instead, and the path stays in the error's field for programs.
Status PlainRecordError(const Status& s, const nlohmann::json& doc) {
  const std::string& field = s.field();
  std::string what = "the record";
  for (const auto& [array, noun] : {std::pair<std::string, std::string>{"doses", "the dose logged on "},
                                    std::pair<std::string, std::string>{"diary", "the diary entry of "},
                                    std::pair<std::string, std::string>{"instruments", "the questionnaire of "}}) {
    if (field.rfind(array + "[", 0) != 0) continue;
    const size_t index = std::strtoul(field.c_str() + array.size() + 1, nullptr, 10);
    if (doc.contains(array) && index < doc[array].size() && doc[array][index].contains("date")) {
      what = noun + doc[array][index]["date"].get<std::string>();
    }
  }
  if (field.rfind("course", 0) == 0) what = "the course plan";
  return Status::Conflict(fmt::format("the stored record cannot be analysed: {}: {}", what, s.message()))
      .WithFieldPrefix(field);
}

}  // namespace

Result<int> ReadScaleVersion(JsonObject& o) {
  if (!o.HasNonNull("scale_version")) {
    return Status::InvalidArgument(o.PathOf("scale_version"),
                                   "is required: " + analysis::ScaleVersionHelp() +
                                       ". An app that does not send it is out of date: reload it and answer again");
  }
  LDN_ASSIGN_OR_RETURN(int64_t v, o.Integer("scale_version", 1, analysis::CurrentScaleVersion()));
  return static_cast<int>(v);
}

Result<std::string> CheckDiaryItems(const nlohmann::json& items, LocalDate date, std::string_view prefix,
                                    int scale_version, const analysis::DiarySettings& settings) {
  if (!items.is_object()) {
    return Status::InvalidArgument(std::string(prefix), "expected an object, got " + JsonTypeName(items));
  }
  if (items.contains("date")) {
    return Status::InvalidArgument(std::string(prefix) + ".date", "the date is given by the path, not the items");
  }
  nlohmann::json day = items;
  day["date"] = FormatDate(date);
  // A minimal document around the one day: the domain parser checks every key of the day.
  const nlohmann::json doc = {{"scale_version", scale_version},
                              {"patient", {{"id", "check"}, {"time_zone", "UTC"}}},
                              {"course", {{"steps", {{{"start", FormatDate(date)}, {"dose_mg", 0}}}}}},
                              {"diary", {day}}};
  auto parsed = analysis::ParseDiaryJson(doc.dump());
  if (!parsed.ok()) return RenameDayField(parsed.status(), prefix);
  // The parser converted the ratings to the current scale; store those.
  nlohmann::json stored = items;
  const analysis::DiaryDay& checked = parsed->days.front();
  LDN_RETURN_IF_ERROR(analysis::CheckCustomValues(settings, checked.custom, std::string(prefix) + ".custom"));
  for (analysis::Item item : analysis::kAllItems) {
    if (auto v = checked.Get(item)) stored[std::string(analysis::ItemName(item))] = *v;
  }
  return stored.dump();
}

Result<analysis::DiarySettings> PatientDiarySettings(store::Store& store, store::Id patient_id) {
  auto rec = store.GetDiarySettings(patient_id);
  if (!rec.ok() && rec.status().code() == Code::kNotFound) return analysis::DefaultDiarySettings();
  LDN_RETURN_IF_ERROR(rec.status());
  return StoredDiarySettings(*rec);
}

Result<analysis::DiarySettings> StoredDiarySettings(const store::DiarySettingsRecord& rec) {
  auto s = analysis::ParseDiarySettings(rec.settings_json);
  if (!s.ok()) return Status::Internal("the stored diary settings do not parse: " + s.status().ToString());
  return s;
}

Result<store::Course> ChooseCourse(store::Store& store, store::Id patient_id, std::optional<store::Id> course_id) {
  if (course_id) {
    auto c = store.GetCourse(patient_id, *course_id);
    if (!c.ok() && c.status().code() == Code::kNotFound) {
      return Status::NotFound("no such course").WithFieldPrefix("course_id");
    }
    return c;
  }
  LDN_ASSIGN_OR_RETURN(std::vector<store::Course> courses, store.ListCourses(patient_id));
  if (courses.empty()) {
    return Status::Conflict("the patient has no treatment course to analyse")
        .WithText({N_("There is no LDN course in ldn yet.")});
  }
  for (auto it = courses.rbegin(); it != courses.rend(); ++it) {
    if (it->status == store::CourseStatus::kActive || it->status == store::CourseStatus::kPaused ||
        it->status == store::CourseStatus::kCompleted) {
      return *it;
    }
  }
  return courses.back();
}

Result<analysis::Diary> AssembleDiary(store::Store& store, const store::Patient& patient, const store::Course& course,
                                      const std::string& pseudonym) {
  nlohmann::json doc;
  // Stored rows are on the current scale (migration 0002 converted older ones; writes are
  // converted at the door).
  doc["scale_version"] = analysis::CurrentScaleVersion();
  doc["patient"] = {{"id", pseudonym}, {"time_zone", patient.time_zone}};

  // Course steps from the stored plan (api_clinical.cpp writes {"plan": PlanToJson, ...}).
  const auto plan = nlohmann::json::parse(course.plan_json, nullptr, false);
  nlohmann::json steps = nlohmann::json::array();
  if (plan.is_object() && plan.contains("plan") && plan["plan"].is_object() && plan["plan"].contains("steps") &&
      plan["plan"]["steps"].is_array()) {
    for (const auto& s : plan["plan"]["steps"]) {
      if (!s.is_object() || !s.contains("start") || !s.contains("dose_ug") || !s["dose_ug"].is_number_integer()) {
        continue;
      }
      steps.push_back(
          {{"start", s["start"]},
           {"dose_mg", Dose::FromMicrogramsHcl(std::max<int64_t>(0, s["dose_ug"].get<int64_t>())).milligrams_hcl()}});
    }
  }
  if (steps.empty()) return Status::Conflict("the course's plan has no dose steps");
  doc["course"] = {{"steps", steps}};

  LDN_ASSIGN_OR_RETURN(std::vector<store::DoseLogEntry> log, store.ListDoseLog(patient.id, kFirstDay, kLastDay));
  std::map<std::string, nlohmann::json> doses;  // by date: the last entry of the day wins
  const std::string first_step = steps.front()["start"].is_string() ? steps.front()["start"].get<std::string>() : "";
  for (const auto& d : log) {
    if (d.course_id && *d.course_id != course.id) continue;
    if (FormatDate(d.local_date) < first_step) continue;  // before this course: not part of its record
    nlohmann::json e = {{"date", FormatDate(d.local_date)}, {"taken", d.taken}};
    if (d.taken) e["dose_mg"] = Dose::FromMicrogramsHcl(d.dose_micrograms_hcl).milligrams_hcl();
    if (d.local_time) e["time"] = FormatTimeOfDay(*d.local_time);
    doses[FormatDate(d.local_date)] = e;
  }
  nlohmann::json dose_array = nlohmann::json::array();
  for (auto& [k, v] : doses) dose_array.push_back(std::move(v));
  doc["doses"] = dose_array;

  LDN_ASSIGN_OR_RETURN(std::vector<store::DiaryEntry> entries, store.ListDiary(patient.id, kFirstDay, kLastDay));
  nlohmann::json days = nlohmann::json::array();
  for (const auto& e : entries) {
    nlohmann::json day = nlohmann::json::parse(e.items_json, nullptr, false);
    if (!day.is_object())
      return Status::Conflict(fmt::format("the stored diary entry of {} is not an object", FormatDate(e.local_date)));
    day["date"] = FormatDate(e.local_date);
    days.push_back(std::move(day));
  }
  doc["diary"] = days;

  LDN_ASSIGN_OR_RETURN(std::vector<store::InstrumentResponse> responses, store.ListInstrumentResponses(patient.id));
  std::map<std::pair<std::string, std::string>, nlohmann::json> instruments;  // (date, kind) -> last
  for (const auto& r : responses) {
    if (r.instrument != "fiqr" && r.instrument != "pgic" && r.instrument != "acr2016") continue;
    const std::string d = FormatDate(r.local_date);
    instruments[{d, r.instrument}] = {
        {"date", d}, {"kind", r.instrument}, {"answers", nlohmann::json::parse(r.answers_json, nullptr, false)}};
  }
  nlohmann::json inst = nlohmann::json::array();
  for (auto& [k, v] : instruments) inst.push_back(std::move(v));
  doc["instruments"] = inst;

  auto diary = analysis::ParseDiaryJson(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  if (!diary.ok()) return PlainRecordError(diary.status(), doc);
  return diary;
}

}  // namespace ldn::server
