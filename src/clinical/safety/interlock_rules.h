// The numbers of the safety interlocks (data/interlocks.json, docs/safety.md): how recent a
// screening must be before a course is created or activated, how long the pre-treatment baseline
// is, which logged doses are refused, and the thresholds of the clinician's flags. Every value
// cites its source in the data file; this header only carries them.
#ifndef LDN_CLINICAL_SAFETY_INTERLOCK_RULES_H_
#define LDN_CLINICAL_SAFETY_INTERLOCK_RULES_H_

#include <map>
#include <string>
#include <string_view>

#include "core/result.h"

namespace ldn::clinical {

struct InterlockRules {
  std::string version;                 // of data/interlocks.json
  int screening_max_age_days = 30;     // a screening older than this does not gate a course
  int baseline_diary_days = 14;        // diary days with pain before the first dose (= the analysis baseline)
  int baseline_min_days_at_start = 7;  // fewer at activation blocks (the analysis minimum)
  int baseline_fiqr_window_days = 28;  // a FIQR this many days before the first dose counts as baseline
  int off_plan_refuse_factor = 2;      // a logged dose above factor x the step is refused
  int override_reason_min_chars = 10;  // a written reason of at least this many characters
  int missing_diary_days = 3;          // diary missing on each of the last N days -> amber flag
  int week_12_days = 84;               // no response by then -> amber flag
  double response_threshold_pct = 30;  // IMMPACT moderate
  int questionnaire_interval_days = 28;  // FIQR and PGIC once per 4-week window
  int questionnaire_overdue_days = 7;    // due this long -> overdue (a task in the clinician's inbox)
  std::map<std::string, std::string, std::less<>> sources;  // rule id -> its source
};

// The rules of the embedded data/interlocks.json, parsed once. kInternal when the embedded file
// is missing or malformed (a build error). Thread-safe.
const Result<InterlockRules>& LoadInterlockRules();

// Parses an interlocks.json document (tests). kInvalidArgument naming the field for a missing,
// mistyped, unknown or duplicate rule, or a value out of its range.
Result<InterlockRules> ParseInterlockRules(std::string_view text);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SAFETY_INTERLOCK_RULES_H_
