// Pre-treatment screening for low-dose naltrexone: medications, conditions and planned surgery
// against the knowledge base (data/drugs.json, data/products_*.json, data/conditions.json,
// data/jurisdictions.json). Decision support for a clinician; every finding carries its rule and
// source. Rules, matching and the jurisdiction rule: docs/screening.md.
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
  std::optional<std::string> jurisdiction;  // "us", "uk", "dk", "eu" ...; checked by Screen
};

// Limits of one screening's input (issue 17, L5): a medication list and a condition list of at
// most this many entries, each name one line of at most core/text.h kMaxNameChars characters.
inline constexpr size_t kMaxScreeningMedications = 100;
inline constexpr size_t kMaxScreeningConditions = 100;

// Parses {"today":"YYYY-MM-DD","medications":[{"name":"...","last_taken":"YYYY-MM-DD"|null,
// "current":true|false}],"conditions":["..."],"planned_surgery":"YYYY-MM-DD"|null,
// "jurisdiction":"uk"|null}. "today", "medications" and "conditions" are required (the arrays may
// be empty); "current" is required per medication; "last_taken", "planned_surgery" and
// "jurisdiction" may be absent or null.
// Fails with kInvalidArgument naming the field ("medications[1].last_taken") for a wrong type, a
// malformed date, an empty name, condition or jurisdiction, a name that is not one line of at
// most 200 characters, a list over its limit, an unknown key, or a last_taken after today.
// Whether the jurisdiction is known is checked by Screen (it needs the knowledge base).
Result<ScreeningInput> ParseScreeningInput(const nlohmann::json& j);

// Severity of a finding, mildest first. The verdict is the worst one.
enum class Severity { kInfo, kWait, kReview, kNotEligible };
std::string_view SeverityName(Severity s);  // "info", "wait", "review", "not_eligible"

enum class Verdict { kEligible, kWait, kReview, kNotEligible };
std::string_view VerdictName(Verdict v);  // "eligible", "wait", "review", "not_eligible"

struct Finding {
  std::string rule;  // e.g. "opioid.washout", "condition.pregnancy", "medication.unknown"
  Severity severity = Severity::kInfo;
  std::string subject;  // the input item: "medications[0]", "conditions[1]", "planned_surgery", ""
  std::string message;
  std::string source;
  // Further fields of the finding's JSON (an object; empty when none): "readings" (how the name
  // was read, one per product or ingredient), "unknown_remainder" (words not recognised),
  // "washout_end", "washout_days", "blocked_until", "labels" (which label contraindicates and
  // which only warns), "recommended_protocol", "matched".
  nlohmann::json details = nlohmann::json::object();
};

struct ScreeningReport {
  Verdict verdict = Verdict::kEligible;
  // kEligible: today. Otherwise the day the last opioid washout ends when any wait applies (also
  // from an ambiguous name's opioid reading; a review or not-eligible finding may push the real
  // start later), else std::nullopt.
  std::optional<LocalDate> earliest_start;
  std::vector<Finding> findings;  // in input order: medications, conditions, surgery, general
  std::string drugs_version;
  std::string conditions_version;
  std::string jurisdictions_version;
  std::map<std::string, std::string> product_versions;  // products_*.json -> version
  std::optional<std::string> jurisdiction;              // the jurisdiction applied; nullopt = most restrictive
  std::string jurisdiction_label;                       // its label family ("eu" for "dk"); empty when none
  std::string jurisdiction_rule;                        // in words: which label rules applied and why
};

// Screens `input` under `jurisdiction` (a jurisdiction id of data/jurisdictions.json; nullopt
// applies, for every rule that differs by label, the most restrictive one and says which label
// makes it a contraindication and which only a warning). Callers resolve it: the request's own
// jurisdiction, else the patient's, else the clinic's setting.
// Every medication and every condition yields at least one finding; unknown names yield a review
// finding with the three closest known names (never an automatic match). Washout: an opioid last
// taken on day D may be followed by naltrexone from D + washout days (class table in
// data/drugs.json). Fails with kInvalidArgument("jurisdiction") for an unknown jurisdiction.
Result<ScreeningReport> Screen(const ScreeningInput& input, const DrugKnowledgeBase& kb,
                               const std::optional<std::string>& jurisdiction);

// {"verdict","earliest_start"(string|null),"findings":[{rule,severity,subject,message,source,...details}],
//  "knowledge_base":{"drugs":version,"conditions":version,"jurisdictions":version,"products":{file:version}},
//  "jurisdiction":{"code":string|null,"label":string|null,"rule":string}}.
nlohmann::json ToJson(const ScreeningReport& report);

// The report as readable text: verdict, earliest start, jurisdiction, knowledge-base versions,
// each finding with its severity, rule, message, readings, labels and source, and the
// decision-support reminder. Ends with a newline.
std::string FormatScreeningText(const ScreeningReport& report);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_SCREENING_SCREENING_H_
