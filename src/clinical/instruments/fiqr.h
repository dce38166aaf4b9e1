// FIQR: the Revised Fibromyalgia Impact Questionnaire (Bennett RM et al., Arthritis Res Ther
// 2009;11:R120). 21 items rated 0-10 over the past 7 days, in three domains: function (9 items),
// overall impact (2) and symptoms (10). Total 0-100; higher is worse.
//
// Scoring (Bennett 2009; scoring guide at http://www.fiqr.info/Scoring.htm and
// http://www.myalgia.com/FIQR/Scoring.htm):
//   function = function sum / 3 (0-30), impact = impact sum (0-20), symptoms = symptom sum / 2 (0-50),
//   total = function + impact + symptoms.
// Missing items: a domain sum over x answered items is weighted by 9/x, 2/x or 10/x.
// Validity (fiqr.info scoring guide): the questionnaire is invalid if 2 or more function items are
// missing, or any impact or symptom item is missing. This published rule is the default.
// FiqrOptions::lenient_missing replaces it with ldn's own, looser rule (not published; see
// docs/instruments.md) that prorates every domain.
#ifndef LDN_CLINICAL_INSTRUMENTS_FIQR_H_
#define LDN_CLINICAL_INSTRUMENTS_FIQR_H_

#include <array>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace ldn::clinical {

inline constexpr int kFiqrFunctionItems = 9;
inline constexpr int kFiqrImpactItems = 2;
inline constexpr int kFiqrSymptomItems = 10;

// One FIQR questionnaire; std::nullopt marks an unanswered item. Items are 0-10.
struct FiqrAnswers {
  std::array<std::optional<int>, kFiqrFunctionItems> function;
  std::array<std::optional<int>, kFiqrImpactItems> impact;
  std::array<std::optional<int>, kFiqrSymptomItems> symptoms;
};

struct FiqrOptions {
  // false (default): the published validity rule (fiqr.info): at most 1 missing function item, no
  // missing impact or symptom item. true: ldn's own rule: each domain needs at least half of its
  // items (function >= 5 of 9, impact >= 1 of 2, symptoms >= 5 of 10); every domain is prorated.
  bool lenient_missing = false;
};

// Severity bands of Salaffi et al., Rheumatology 2021;60:728 on the 0-100 total.
enum class FiqrSeverity { kRemission, kMild, kModerate, kSevere, kVerySevere };

// "remission", "mild", "moderate", "severe", "very severe".
std::string_view FiqrSeverityName(FiqrSeverity s);

// The band of `total` (0-100). The published bands are integer ranges (0-23, 24-40, 41-63, 64-82,
// >=83); ldn applies them to the unrounded total with each band's lower bound inclusive and no
// rounding: 23.9 is remission, 24.0 is mild, 40.5 is mild, 82.9 is severe.
FiqrSeverity FiqrSeverityFor(double total);

struct FiqrScore {
  double function = 0;  // 0-30, after proration
  double impact = 0;    // 0-20, after proration
  double symptoms = 0;  // 0-50, after proration
  double total = 0;     // 0-100
  FiqrSeverity severity = FiqrSeverity::kRemission;
  int function_answered = 0;
  int impact_answered = 0;
  int symptoms_answered = 0;
  bool prorated = false;     // some domain was weighted for missing items
  std::string missing_rule;  // the rule applied, with its source
};

// Reads {"function":[9], "impact":[2], "symptoms":[10]}, each item an integer 0-10 or null.
// Fails with kInvalidArgument naming the field ("function[3]", "impact") for a missing key, a wrong
// type or length, a non-integer or out-of-range item, or an unknown key.
Result<FiqrAnswers> ReadFiqrAnswers(const nlohmann::json& input);

// Scores `answers`. Fails with kInvalidArgument naming the domain when too few items are answered
// under the rule chosen by `options`; the message states the rule and its source.
Result<FiqrScore> ScoreFiqr(const FiqrAnswers& answers, const FiqrOptions& options = {});

// The score as JSON (domain scores and total rounded to 2 decimals), with sources.
nlohmann::json FiqrScoreToJson(const FiqrScore& score);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_INSTRUMENTS_FIQR_H_
