// When the FIQR and the PGIC are due and overdue (data/interlocks.json questionnaire_interval_days
// and questionnaire_overdue_days; docs/clinic.md "Tasks"). One rule for the patient's
// Questionnaires page (GET /patients/{id}/questionnaires/schedule) and the clinician's inbox
// (questionnaire_overdue tasks); the web app only shows the result.
#ifndef LDN_CLINICAL_SAFETY_QUESTIONNAIRE_SCHEDULE_H_
#define LDN_CLINICAL_SAFETY_QUESTIONNAIRE_SCHEDULE_H_

#include <optional>
#include <string>

#include "clinical/safety/interlock_rules.h"
#include "core/calendar.h"

namespace ldn::clinical {

// What the schedule looks at, all local calendar dates of the patient.
struct QuestionnaireRecord {
  LocalDate today;
  // The day the current course was created (planned, active or paused); absent without a course:
  // then nothing is ever overdue (no treatment to measure), though a never-answered FIQR is due.
  std::optional<LocalDate> course_created;
  std::optional<LocalDate> first_dose;  // the course's start once it has started
  bool baseline_fiqr_due = false;       // the course's baseline lacks its FIQR (docs/safety.md)
  std::optional<LocalDate> last_fiqr;   // the latest FIQR answered (on or before today)
  std::optional<LocalDate> last_pgic;
};

struct InstrumentDue {
  bool due = false;
  std::optional<LocalDate> due_since;  // set when due
  bool overdue = false;                // due for questionnaire_overdue_days or more, with a course
};

struct QuestionnaireSchedule {
  InstrumentDue fiqr;
  InstrumentDue pgic;
};

// The FIQR is due when it was never answered, when the baseline lacks it, or interval days after the
// last one; the PGIC (a change since the start of treatment) only from interval days after the first
// dose, then interval days after the last one. A never-answered FIQR is due since the course was
// created (today without a course). Overdue = due for at least overdue days and a course exists.
// Pure; no failure.
QuestionnaireSchedule ScheduleQuestionnaires(const QuestionnaireRecord& record, const InterlockRules& rules);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SAFETY_QUESTIONNAIRE_SCHEDULE_H_
