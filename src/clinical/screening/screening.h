// Pre-treatment screening for low-dose naltrexone: medications, conditions and planned surgery
// against the knowledge base (data/drugs.json, data/conditions.json). Decision support for a
// clinician; every finding carries its rule and source. Rules: docs/screening.md.
#ifndef LDN_CLINICAL_SCREENING_SCREENING_H_
#define LDN_CLINICAL_SCREENING_SCREENING_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "clinical/screening/knowledge_base.h"
#include "core/calendar.h"
#include "core/result.h"

namespace ldn::clinical {

struct MedicationInput {
  std::string name;                     // as the patient or record gives it; non-empty
  std::optional<LocalDate> last_taken;  // the last dose; std::nullopt when unknown
  bool current = false;                 // still being taken
};

struct ScreeningInput {
  LocalDate today;  // the screening date, in the patient's local calendar
  std::vector<MedicationInput> medications;
  std::vector<std::string> conditions;
  std::optional<LocalDate> planned_surgery;
};

// Limits of one screening's input (issue 17, L5): a medication list and a condition list of at
// most this many entries, each name one line of at most core/text.h kMaxNameChars characters.
inline constexpr size_t kMaxScreeningMedications = 100;
inline constexpr size_t kMaxScreeningConditions = 100;

// Parses {"today":"YYYY-MM-DD","medications":[{"name":"...","last_taken":"YYYY-MM-DD"|null,
// "current":true|false}],"conditions":["..."],"planned_surgery":"YYYY-MM-DD"|null}.
// "today", "medications" and "conditions" are required (the arrays may be empty); "current" is
// required per medication; "last_taken" and "planned_surgery" may be absent or null.
// Fails with kInvalidArgument naming the field ("medications[1].last_taken") for a wrong type, a
// malformed date, an empty name or condition, a name that is not one line of at most 200
// characters, a list over its limit, an unknown key, or a last_taken after today.
Result<ScreeningInput> ParseScreeningInput(const nlohmann::json& j);

// Severity of a finding, mildest first. The verdict is the worst one.
enum class Severity { kInfo, kWait, kReview, kNotEligible };
std::string_view SeverityName(Severity s);  // "info", "wait", "review", "not_eligible"

enum class Verdict { kEligible, kWait, kReview, kNotEligible };
std::string_view VerdictName(Verdict v);  // "eligible", "wait", "review", "not_eligible"

struct Finding {
  std::string rule;  // e.g. "opioid.recent_use", "condition.pregnancy", "medication.unknown"
  Severity severity = Severity::kInfo;
  std::string subject;  // the input item: "medications[0]", "conditions[1]", "planned_surgery", ""
  std::string message;
  std::string source;
};

struct ScreeningReport {
  Verdict verdict = Verdict::kEligible;
  // kEligible: today. Otherwise the day the last opioid washout ends when any wait applies
  // (a review or not-eligible finding may push the real start later), else std::nullopt.
  std::optional<LocalDate> earliest_start;
  std::vector<Finding> findings;  // in input order: medications, conditions, surgery, general
  std::string drugs_version;
  std::string conditions_version;
};

// Screens `input`. Every medication and every condition yields at least one finding; unknown
// names yield a review finding with the three closest known names (never an automatic match).
// Washout: an opioid last taken on day D may be followed by naltrexone from D + washout days
// (class table in data/drugs.json). Currently fails only if the knowledge base is inconsistent
// (kInternal); the Result leaves room for input checks that need the knowledge base.
Result<ScreeningReport> Screen(const ScreeningInput& input, const DrugKnowledgeBase& kb);

// {"verdict","earliest_start"(string|null),"findings":[{rule,severity,subject,message,source}],
//  "knowledge_base":{"drugs":version,"conditions":version}}.
nlohmann::json ToJson(const ScreeningReport& report);

// The report as readable text: verdict, earliest start, knowledge-base versions, each finding with
// its severity, rule, message and source, and the decision-support reminder. Ends with a newline.
std::string FormatScreeningText(const ScreeningReport& report);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SCREENING_SCREENING_H_
