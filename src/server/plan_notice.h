// "Your plan changed": what the patient last acknowledged of their treatment plan, and what is
// different now (issue 15, item 2c; docs/api.md "Plan changes").
//
// A plan snapshot is what the patient needs to follow: the course in force for reminders (active,
// else paused, else the newest planned), its status and its dose steps. The server keeps the last
// snapshot the patient acknowledged; when the current one differs, Today shows a banner with the
// differences until the patient taps "Got it". Pure: no store, no clock beyond `today`.
#ifndef LDN_SERVER_PLAN_NOTICE_H_
#define LDN_SERVER_PLAN_NOTICE_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/result.h"
#include "pharmacy/order.h"

namespace ldn::server {

struct PlanSnapshot {
  int64_t course_id = 0;  // 0 = no course
  std::string status;     // the course's status ("planned", "active", "paused", ...); "" without one
  std::vector<pharmacy::OrderStep> steps;

  // {"course_id", "status", "steps": [{"start", "end" (null when open), "dose_ug", "time"}]}.
  nlohmann::json ToJson() const;
  // The inverse of ToJson; kInternal naming what is malformed (stored text is never user input).
  static Result<PlanSnapshot> FromJson(const nlohmann::json& j);
  // The SHA-256 (lower-case hex) of ToJson().dump(): what the patient acknowledges.
  std::string Id() const;
};

// One difference between the acknowledged plan and the current one, for the patient. The web app
// words it in the patient's language; `text` is the English sentence for other doors.
struct PlanChange {
  std::string kind;  // "new_course", "status", "dose", "time", "stop"
  // dose/time/stop: the days affected, from..to (to absent = onwards).
  std::optional<LocalDate> from;
  std::optional<LocalDate> to;
  std::optional<int64_t> was_ug;  // dose: micrograms of naltrexone HCl before; stop: the dose that ends
  std::optional<int64_t> now_ug;  // dose: micrograms now
  std::string was;                // status: before ("active"); dose/stop/time: the time of day before
  std::string now;                // status: now; dose/time: the time of day now ("bedtime", "morning")
  std::string text;

  nlohmann::json ToJson() const;
};

// The differences that matter from `today` on (days already past are history, not news), at
// most kPlanNoticeHorizonDays ahead: the course replaced (new_course), its status (status; a
// planned course becoming active is not news), and
// per run of days the dose or the time of day (dose / time; a planned dose that is no longer
// planned is "stop"). Empty when nothing the patient would do differently has changed.
inline constexpr int kPlanNoticeHorizonDays = 366;
std::vector<PlanChange> DiffPlans(const PlanSnapshot& acknowledged, const PlanSnapshot& current, LocalDate today);

}  // namespace ldn::server

#endif  // LDN_SERVER_PLAN_NOTICE_H_
