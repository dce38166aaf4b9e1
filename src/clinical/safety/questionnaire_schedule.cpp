#include "clinical/safety/questionnaire_schedule.h"

#include <algorithm>

namespace ldn::clinical {
namespace {

InstrumentDue Due(std::optional<LocalDate> since, const QuestionnaireRecord& r, const InterlockRules& rules) {
  InstrumentDue d;
  if (!since || *since > r.today) return d;
  d.due = true;
  d.due_since = since;
  d.overdue = r.course_created.has_value() && DaysBetween(*since, r.today) >= rules.questionnaire_overdue_days;
  return d;
}

}  // namespace

QuestionnaireSchedule ScheduleQuestionnaires(const QuestionnaireRecord& r, const InterlockRules& rules) {
  QuestionnaireSchedule s;
  const int every = rules.questionnaire_interval_days;
  std::optional<LocalDate> fiqr_since;
  if (!r.last_fiqr) {
    fiqr_since = r.course_created ? std::min(*r.course_created, r.today) : r.today;
  } else {
    fiqr_since = AddDays(*r.last_fiqr, every);
  }
  // A baseline without its FIQR makes it due now even when an older one exists (it is too old to
  // count as the baseline: baseline_fiqr_window_days); it is due since the course was created.
  if (r.baseline_fiqr_due && r.course_created) fiqr_since = std::min(*fiqr_since, std::min(*r.course_created, r.today));
  s.fiqr = Due(fiqr_since, r, rules);
  if (r.first_dose) {
    std::optional<LocalDate> pgic_since = AddDays(*r.first_dose, every);
    if (r.last_pgic && *r.last_pgic >= *r.first_dose) pgic_since = std::max(*pgic_since, AddDays(*r.last_pgic, every));
    s.pgic = Due(pgic_since, r, rules);
  }
  return s;
}

}  // namespace ldn::clinical
