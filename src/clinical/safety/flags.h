// The clinician's flags for one patient, computed once, here (docs/safety.md, "Flags"). The
// server assembles a FlagRecord from the store and the analysis, and serves the result to every
// client: the panel, the patient page, and later an inbox or reminders. Pure.
//
// Each flag has a stable code naming one occurrence ("ae.12", "dose.345.off_plan",
// "diary.2026-11-20.note.chest_pain", "diary.missing.2026-11-19"): an acknowledgement is stored
// against the code, so it sticks to that occurrence, and a new occurrence (another day, another
// dose, another event) has a new code and is raised again.
#ifndef LDN_CLINICAL_SAFETY_FLAGS_H_
#define LDN_CLINICAL_SAFETY_FLAGS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinical/safety/course_gate.h"
#include "clinical/safety/dose_check.h"
#include "clinical/safety/interlock_rules.h"
#include "clinical/safety/red_flags.h"
#include "core/calendar.h"

namespace ldn::clinical {

enum class FlagLevel { kRed, kAmber };
std::string_view FlagLevelName(FlagLevel level);  // "red", "amber"

struct Flag {
  std::string code;
  FlagLevel level = FlagLevel::kAmber;
  std::string kind;  // "safety", "dose", "course", "screening", "side_effect", "response", "diary"
  std::string message;
  LocalDate since{};
  bool acknowledged = false;
  std::string source;  // where the rule comes from
};

struct FlagCourse {
  int64_t id = 0;
  std::string status;  // "planned", "active", "paused", "completed", "stopped"
  bool discarded = false;
  std::optional<LocalDate> start;
  // The earliest start the screening allowed when the course was last gated (creation or
  // activation); nullopt when no gate decision is recorded (then `screenings` are consulted).
  bool gated = false;
  std::optional<LocalDate> gated_earliest_start;
  std::vector<std::pair<GateOverride, LocalDate>> overrides;  // every override recorded, with its day
  CoursePlanView plan;
};

struct FlagScreening {
  int64_t id = 0;
  LocalDate date{};
  Verdict verdict = Verdict::kEligible;
  std::optional<LocalDate> earliest_start;
  std::string summary;  // the not-eligible / review findings in a sentence
};

struct FlagAdverseEvent {
  int64_t id = 0;
  LocalDate onset{};
  std::string severity;  // "mild", "moderate", "severe", "life_threatening"
  bool serious = false;
  std::string description;
};

struct FlagDiaryDay {
  LocalDate date{};
  std::vector<std::pair<std::string, int>> side_effects;  // (checklist id, severity 1-3)
  std::string note;
};

struct FlagDose {
  int64_t id = 0;
  std::optional<int64_t> course_id;
  LocalDate date{};
  bool taken = true;
  Dose dose = Dose::FromMicrogramsHcl(0);
  std::optional<std::string> off_plan_reason;  // the patient's confirmation, when recorded
};

struct FlagAnalysis {
  bool available = false;
  std::string unavailable_reason;
  std::optional<double> pain_change_pct;
  std::vector<std::pair<std::string, LocalDate>> unsettled_side_effects;  // (name, onset)
};

struct FlagRecord {
  LocalDate today{};
  std::vector<FlagCourse> courses;
  std::vector<FlagScreening> screenings;  // oldest first
  std::vector<FlagAdverseEvent> adverse_events;
  std::vector<FlagDiaryDay> diary;  // days with an entry (the server passes the recent ones)
  std::vector<LocalDate> fiqr_dates;
  std::vector<FlagDose> doses;                      // logged doses (the server passes the recent ones)
  std::optional<FlagAnalysis> analysis;             // of the current course, when it has one
  std::set<std::string, std::less<>> acknowledged;  // codes acknowledged by a clinician
};

// The course that is "current": active, else paused, else planned (not discarded); the newest.
const FlagCourse* CurrentCourse(const FlagRecord& record);

// Every flag of the record, red first, then the newest first. Rules (docs/safety.md):
//   red   course.<id>.before_earliest_start   a started course began before the screening's earliest start
//   red   course.<id>.override.screening.not_eligible   a course gated past a not-eligible screening
//   amber course.<id>.override.<check>        any other override of the gate
//   amber course.<id>.unscreened              a started course with no screening before its start
//   red   screening.<id>.not_eligible         a screening after the current course started says not eligible
//   amber screening.<id>.review               ... says review
//   red   ae.<id>                             a severe, life-threatening or serious adverse event, or one
//                                             whose description holds a red-flag term
//   red   diary.<date>.severe.<side effect>   a side effect rated severe (3); one flag per run of
//                                             consecutive days, named by its first day
//   red   diary.<date>.note.<term>            a diary note with a red-flag term
//   red   dose.<id>.off_plan                  a logged dose that differs from the plan's step
//   amber side_effect.<name>.<onset>          a side effect that has not settled (the analysis)
//   amber course.<id>.week_12                 84+ days on an active course without a 30% fall in pain
//   amber course.<id>.baseline_fiqr           a baseline under way without its FIQR
//   amber diary.missing.<first day>           no diary on each of the last 3+ days, with a course
//                                             active or paused, or planned with its baseline begun
std::vector<Flag> ComputeFlags(const FlagRecord& record, const InterlockRules& rules,
                               const RedFlagVocabulary& vocabulary);

// {"code","level","kind","message","since","acknowledged","source"}.
nlohmann::json FlagToJson(const Flag& flag);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SAFETY_FLAGS_H_
