#include "server/research_summary.h"

#include <algorithm>
#include <map>
#include <vector>

#include "analysis/response.h"
#include "server/diary_assembly.h"

namespace ldn::server {
namespace {

nlohmann::json Cell(int64_t n, int min_cell) {
  return n >= min_cell ? nlohmann::json(n) : nlohmann::json();
}

}  // namespace

Result<nlohmann::json> ResearchSummary(store::Store& store, int min_cell) {
  LDN_ASSIGN_OR_RETURN(std::vector<store::Patient> patients, store.ListPatients());
  std::map<std::string, int64_t> courses_by_status;
  std::map<std::string, int64_t> responder_classes = {{"none", 0}, {"minimal", 0}, {"moderate", 0}, {"substantial", 0}};
  std::map<std::string, int64_t> adverse_by_severity = {
      {"mild", 0}, {"moderate", 0}, {"severe", 0}, {"life_threatening", 0}};
  int64_t analysed = 0, not_analysable = 0, farrar_yes = 0, farrar_no = 0;
  std::vector<int> times_to_response;
  for (const auto& p : patients) {
    LDN_ASSIGN_OR_RETURN(std::vector<store::Course> courses, store.ListCourses(p.id));
    for (const auto& c : courses) ++courses_by_status[std::string(store::CourseStatusName(c.status))];
    LDN_ASSIGN_OR_RETURN(std::vector<store::AdverseEvent> events, store.ListAdverseEvents(p.id));
    for (const auto& e : events) ++adverse_by_severity[std::string(store::SeverityName(e.severity))];
    if (courses.empty()) continue;
    auto course = ChooseCourse(store, p.id, std::nullopt);
    if (!course.ok()) {
      if (course.status().code() == Code::kUnavailable || course.status().code() == Code::kInternal) {
        return course.status();
      }
      ++not_analysable;
      continue;
    }
    auto diary = AssembleDiary(store, p, *course, p.research_id);
    if (!diary.ok()) {
      if (diary.status().code() == Code::kUnavailable || diary.status().code() == Code::kInternal) {
        return diary.status();
      }
      ++not_analysable;
      continue;
    }
    auto report = analysis::AnalyzeDiary(*diary);
    if (!report.ok() || !report->responder_class) {
      ++not_analysable;
      continue;
    }
    ++analysed;
    ++responder_classes[std::string(analysis::ResponderClassName(*report->responder_class))];
    if (report->farrar_two_point) ++(*report->farrar_two_point ? farrar_yes : farrar_no);
    if (report->time_to_response_days) times_to_response.push_back(*report->time_to_response_days);
  }
  nlohmann::json out;
  out["min_cell_size"] = min_cell;
  out["note"] =
      "Counts below min_cell_size are null (suppressed). Open before/after comparisons, not controlled "
      "evidence (docs/analysis.md).";
  out["patients"] = Cell(static_cast<int64_t>(patients.size()), min_cell);
  nlohmann::json by_status = nlohmann::json::object();
  for (const auto& [k, v] : courses_by_status) by_status[k] = Cell(v, min_cell);
  out["courses_by_status"] = by_status;
  out["analysed_patients"] = Cell(analysed, min_cell);
  out["not_analysable_patients"] = Cell(not_analysable, min_cell);
  nlohmann::json classes = nlohmann::json::object();
  for (const auto& [k, v] : responder_classes) classes[k] = Cell(v, min_cell);
  out["responder_classes"] = classes;
  out["farrar_two_point"] = {{"yes", Cell(farrar_yes, min_cell)}, {"no", Cell(farrar_no, min_cell)}};
  nlohmann::json ttr = {{"n", Cell(static_cast<int64_t>(times_to_response.size()), min_cell)},
                        {"median_days", nullptr}};
  if (static_cast<int>(times_to_response.size()) >= min_cell) {
    std::sort(times_to_response.begin(), times_to_response.end());
    const size_t n = times_to_response.size();
    ttr["median_days"] = n % 2 == 1 ? static_cast<double>(times_to_response[n / 2])
                                    : (times_to_response[n / 2 - 1] + times_to_response[n / 2]) / 2.0;
  }
  out["time_to_response"] = ttr;
  nlohmann::json ae = nlohmann::json::object();
  for (const auto& [k, v] : adverse_by_severity) ae[k] = Cell(v, min_cell);
  out["adverse_events_by_severity"] = ae;
  return out;
}

}  // namespace ldn::server
