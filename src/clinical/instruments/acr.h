// ACR fibromyalgia diagnostic criteria, versions 2010, 2011 and 2016.
//   2010: Wolfe F et al., Arthritis Care Res 2010;62:600 (clinician-rated somatic symptom item).
//   2011: Wolfe F et al., J Rheumatol 2011;38:1113 (self-report: headaches, lower abdominal pain,
//         depression in the past 6 months replace the somatic item).
//   2016: Wolfe F et al., Semin Arthritis Rheum 2016;46:319 (WPI 4-6 arm, generalized pain rule).
// WPI (0-19) counts painful areas in the past week; SSS (0-12) is fatigue + waking unrefreshed +
// cognitive symptoms (each 0-3) plus the version's somatic part. PSD = WPI + SSS (0-31), with the
// categories of Wolfe F et al., J Rheumatol 2015;42:1494.
#ifndef LDN_CLINICAL_INSTRUMENTS_ACR_H_
#define LDN_CLINICAL_INSTRUMENTS_ACR_H_

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace ldn::clinical {

enum class AcrVersion { k2010, k2011, k2016 };

// "2010", "2011", "2016".
std::string_view AcrVersionName(AcrVersion v);

// The 19 WPI area names accepted in "pain_areas", in WPI order.
const std::vector<std::string_view>& AcrPainAreaNames();

// One questionnaire: a superset of the fields of all three versions. Optional fields are
// required by the versions that use them (ScoreAcr checks).
struct AcrAnswers {
  std::set<std::string> pain_areas;          // names from AcrPainAreaNames(), no duplicates
  int fatigue = 0;                           // 0-3
  int waking_unrefreshed = 0;                // 0-3
  int cognitive = 0;                         // 0-3
  std::optional<bool> headaches;             // past 6 months (2011, 2016)
  std::optional<bool> lower_abdominal_pain;  // past 6 months (2011, 2016)
  std::optional<bool> depression;            // past 6 months (2011, 2016)
  std::optional<int> somatic_symptoms;       // clinician-rated 0-3 (2010)
  double symptom_months = 0;                 // >= 0, how long symptoms have been present
};

struct AcrScore {
  AcrVersion version = AcrVersion::k2016;
  int wpi = 0;                                 // 0-19
  int sss = 0;                                 // 0-12
  int psd = 0;                                 // 0-31
  std::string psd_category;                    // none, mild, moderate, severe, very severe
  std::vector<std::string> regions_with_pain;  // of the 5 regions, jaw/chest/abdomen not counted
  bool generalized_pain = false;               // >= 4 of 5 regions (2016 definition)
  bool wpi_sss_met = false;                    // the WPI/SSS arm of the version
  bool duration_met = false;                   // symptoms >= 3 months
  bool meets_criteria = false;
  std::vector<std::string> fields_not_used;  // present in the input, not used by this version
  std::vector<std::string> notes;
};

// Reads the questionnaire (format in docs/instruments.md). Fails with kInvalidArgument naming the
// field: a wrong type, an out-of-range value, an unknown area ("pain_areas[2]", with the closest
// valid name suggested), a duplicate area, a missing required field, or an unknown key.
Result<AcrAnswers> ReadAcrAnswers(const nlohmann::json& input);

// Scores `answers` under `version`. Fails with kInvalidArgument naming the field the version needs
// but the input lacks (somatic_symptoms for 2010; headaches, lower_abdominal_pain, depression for
// 2011 and 2016).
Result<AcrScore> ScoreAcr(const AcrAnswers& answers, AcrVersion version);

// PSD category (Wolfe 2015): 0-3 none, 4-7 mild, 8-11 moderate, 12-19 severe, 20-31 very severe.
std::string_view PsdCategory(int psd);

nlohmann::json AcrScoreToJson(const AcrScore& score);

}  // namespace ldn::clinical

#endif  // LDN_CLINICAL_INSTRUMENTS_ACR_H_
