// The server's side of the safety interlocks (issue 12; docs/safety.md): it reads the store into
// the domain's inputs (src/clinical/safety), refuses what the domain refuses, and keeps what a
// clinician decided (course decisions, dose deviations, flag acknowledgements) with the change it
// belongs to. Used by the course and dose handlers of api_clinical.cpp, the diary handlers of
// api_diary.cpp and the interlock routes of api_interlocks.cpp. Internal to the server layer.
#ifndef LDN_SERVER_INTERLOCKS_H_
#define LDN_SERVER_INTERLOCKS_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/response.h"
#include "clinical/safety/course_gate.h"
#include "clinical/safety/dose_check.h"
#include "clinical/safety/flags.h"
#include "clinical/safety/red_flags.h"
#include "core/result.h"
#include "server/api.h"
#include "store/store.h"

namespace ldn::server {

// The embedded interlock rules and red-flag vocabulary (kInternal when the build is broken).
Result<const clinical::InterlockRules*> InterlockRules();
Result<const clinical::RedFlagVocabulary*> RedFlagVocabulary();

// The stored plan of a course as the dose check reads it (plan.plan.steps and max_mg of
// course_plans.h); nullopt when it has no usable step.
std::optional<clinical::CoursePlanView> CoursePlanViewOf(const store::Course& course);

// The patient's latest screening as the gate reads it (dated by when it was recorded, in the
// patient's calendar); nullopt when there is none. kInternal for a stored report it cannot read.
Result<std::optional<clinical::GateScreening>> LatestGateScreening(store::Store& store, const store::Patient& patient);

// The gate's input from the store: the latest screening, the diary days with pain and the FIQR
// dates of the last 90 days -- reaching back further when `start` (the first dose asked for) lies
// so far back that its baseline window begins earlier -- and `start` itself. Decisions (overrides,
// acknowledgements) are left empty.
Result<clinical::CourseGateInput> GateInputFromStore(store::Store& store, const store::Patient& patient,
                                                     LocalDate today, clinical::GateAction action,
                                                     std::optional<LocalDate> start = std::nullopt);

// The course as the API returns it: ToJson(course) plus "interlocks": {"discarded": {"reason",
// "recorded_at"}|null, "decisions": [{"id","action","screening_id","overrides","reason",
// "recorded_by","recorded_at","allowed","warnings"}], "overrides": [{"code","reason","action",
// "recorded_at"}], "baseline": {...}|null (a planned course: the window before its first dose,
// the days recorded and the FIQR), "dose_times": {"bedtime","morning"}}.
Result<nlohmann::json> CourseJson(store::Store& store, const store::Patient& patient, const store::Course& course,
                                  store::Instant now);
// Every course of the patient, each as CourseJson.
Result<nlohmann::json> CoursesJson(store::Store& store, const store::Patient& patient, store::Instant now);

// POST P/courses with the gate (body: the plan request plus "overrides" and
// "acknowledged_findings"); PUT P/courses/{course_id}/status with the gate for planned -> active
// (activate) and paused/stopped/completed -> active (resume). 409 naming "start" or "screening"
// when the gate refuses (docs/api.md).
Result<ApiReply> CreateGatedCourse(RequestContext& ctx);
Result<ApiReply> SetGatedCourseStatus(RequestContext& ctx);

// Checks a dose against the plan of its course (dose_check.h), stores it, stores the patient's
// confirmation of an off-plan dose, and answers 201 with the entry plus "check" and, when off
// plan, "off_plan": {"planned_mg", "reason"}. A dose without course_id is attributed to the
// course whose plan covers its date (else the current course). 409 / 400 naming dose_mg.
Result<ApiReply> StoreCheckedDose(RequestContext& ctx, store::DoseLogEntry dose,
                                  std::optional<std::string> off_plan_reason);
// Adds "off_plan": {"planned_mg","reason","recorded_at"} to each dose of `doses` (a ToJsonArray of
// dose log entries) that has a stored deviation.
Status AttachDeviations(store::Store& store, store::Id patient_id, nlohmann::json& doses);

// The safety assessment of one stored diary day (its items_json) or adverse event; the JSON of
// red_flags.h SafetyAssessmentToJson, or null when nothing is severe or worrying.
Result<nlohmann::json> AssessDiaryItems(const std::string& items_json);
Result<nlohmann::json> AssessAdverseEvent(const store::AdverseEvent& event);

// The analysis the flags ran on the current course (active or paused), for a caller that needs it
// too (the panel's response class, panel.h): unset when the course could not be assembled or there
// is no started course.
struct PatientAnalysis {
  std::optional<store::Id> course_id;
  std::optional<Result<analysis::AnalysisReport>> report;
};

// The flags of one patient (flags.h) from the store and the analysis, with each acknowledged
// flag's "acknowledgement": {"note","recorded_by","recorded_at"}. When `analysis` is given it
// receives the analysis of the current course.
Result<nlohmann::json> PatientFlagsJson(store::Store& store, const store::Patient& patient, store::Instant now,
                                        PatientAnalysis* analysis = nullptr);

// Lines for the visit report: every override of a gate and every discard, with its reason.
Result<std::vector<std::string>> InterlockReportLines(store::Store& store, const store::Patient& patient);

}  // namespace ldn::server

#endif  // LDN_SERVER_INTERLOCKS_H_
