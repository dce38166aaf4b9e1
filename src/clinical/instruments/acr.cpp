#include "clinical/instruments/acr.h"

#include <algorithm>
#include <array>
#include <cassert>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/json_reader.h"
#include "core/text.h"

namespace ldn::clinical {
namespace {

constexpr char kSource2010[] = "Wolfe F et al., Arthritis Care Res 2010;62:600 (ACR 2010)";
constexpr char kSource2011[] = "Wolfe F et al., J Rheumatol 2011;38:1113 (2011 modification)";
constexpr char kSource2016[] = "Wolfe F et al., Semin Arthritis Rheum 2016;46:319 (2016 revision)";
constexpr char kSourcePsd[] = "Wolfe F et al., J Rheumatol 2015;42:1494 (PSD categories)";

struct Area {
  std::string_view name;
  int region;               // 1 left upper, 2 right upper, 3 left lower, 4 right lower, 5 axial
  bool counts_for_regions;  // 2016: jaw, chest and abdomen are not part of generalized pain
};

// WPI areas and regions (Wolfe 2016, Table 1).
constexpr std::array<Area, 19> kAreas{{
    {"left_jaw", 1, false},       {"left_shoulder_girdle", 1, true}, {"left_upper_arm", 1, true},
    {"left_lower_arm", 1, true},  {"right_jaw", 2, false},           {"right_shoulder_girdle", 2, true},
    {"right_upper_arm", 2, true}, {"right_lower_arm", 2, true},      {"left_hip", 3, true},
    {"left_upper_leg", 3, true},  {"left_lower_leg", 3, true},       {"right_hip", 4, true},
    {"right_upper_leg", 4, true}, {"right_lower_leg", 4, true},      {"neck", 5, true},
    {"upper_back", 5, true},      {"lower_back", 5, true},           {"chest", 5, false},
    {"abdomen", 5, false},
}};
constexpr std::array<std::string_view, 5> kRegionNames{"left_upper", "right_upper", "left_lower", "right_lower",
                                                       "axial"};

std::string_view ClosestArea(std::string_view name) {
  std::string_view best = kAreas[0].name;
  size_t best_d = EditDistance(name, best);
  for (const Area& a : kAreas) {
    const size_t d = EditDistance(name, a.name);
    if (d < best_d) {
      best = a.name;
      best_d = d;
    }
  }
  return best;
}

const Area* FindArea(std::string_view name) {
  for (const Area& a : kAreas) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

Status Require(bool present, std::string_view field, AcrVersion v) {
  if (present) return Status::Ok();
  return Status::InvalidArgument(std::string(field), fmt::format("is required by ACR {}", AcrVersionName(v)));
}

}  // namespace

std::string_view AcrVersionName(AcrVersion v) {
  switch (v) {
    case AcrVersion::k2010: return "2010";
    case AcrVersion::k2011: return "2011";
    case AcrVersion::k2016: return "2016";
  }
  return "unknown";
}

const std::vector<std::string_view>& AcrPainAreaNames() {
  static const std::vector<std::string_view> kNames = [] {
    std::vector<std::string_view> n;
    for (const Area& a : kAreas) n.push_back(a.name);
    return n;
  }();
  return kNames;
}

std::string_view PsdCategory(int psd) {
  // Wolfe 2015: none 0-3, mild 4-7, moderate 8-11, severe 12-19, very severe 20-31.
  if (psd >= 20) return "very severe";
  if (psd >= 12) return "severe";
  if (psd >= 8) return "moderate";
  if (psd >= 4) return "mild";
  return "none";
}

Result<AcrAnswers> ReadAcrAnswers(const nlohmann::json& input) {
  LDN_ASSIGN_OR_RETURN(JsonObject obj, JsonObject::Of(input, ""));
  AcrAnswers a;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* areas, obj.Array("pain_areas"));
  for (size_t i = 0; i < areas->size(); ++i) {
    const std::string path = IndexPath("pain_areas", i);
    LDN_ASSIGN_OR_RETURN(std::string name, ReadString((*areas)[i], path));
    if (FindArea(name) == nullptr) {
      return Status::InvalidArgument(path, fmt::format("unknown pain area '{}'; did you mean '{}'? (valid: {})", name,
                                                       ClosestArea(name), fmt::join(AcrPainAreaNames(), ", ")));
    }
    if (!a.pain_areas.insert(name).second) {
      return Status::InvalidArgument(path, fmt::format("pain area '{}' is listed twice", name));
    }
  }
  LDN_ASSIGN_OR_RETURN(int64_t fatigue, obj.Integer("fatigue", 0, 3));
  LDN_ASSIGN_OR_RETURN(int64_t waking, obj.Integer("waking_unrefreshed", 0, 3));
  LDN_ASSIGN_OR_RETURN(int64_t cognitive, obj.Integer("cognitive", 0, 3));
  a.fatigue = static_cast<int>(fatigue);
  a.waking_unrefreshed = static_cast<int>(waking);
  a.cognitive = static_cast<int>(cognitive);
  LDN_ASSIGN_OR_RETURN(a.headaches, obj.OptionalBool("headaches"));
  LDN_ASSIGN_OR_RETURN(a.lower_abdominal_pain, obj.OptionalBool("lower_abdominal_pain"));
  LDN_ASSIGN_OR_RETURN(a.depression, obj.OptionalBool("depression"));
  LDN_ASSIGN_OR_RETURN(std::optional<int64_t> somatic, obj.OptionalInteger("somatic_symptoms", 0, 3));
  if (somatic) a.somatic_symptoms = static_cast<int>(*somatic);
  LDN_ASSIGN_OR_RETURN(a.symptom_months, obj.Number("symptom_months", 0, 1200));
  LDN_RETURN_IF_ERROR(obj.RejectUnknownKeys());
  return a;
}

Result<AcrScore> ScoreAcr(const AcrAnswers& answers, AcrVersion version) {
  AcrScore s;
  s.version = version;
  const bool is2010 = version == AcrVersion::k2010;
  if (is2010) {
    LDN_RETURN_IF_ERROR(Require(answers.somatic_symptoms.has_value(), "somatic_symptoms", version));
  } else {
    LDN_RETURN_IF_ERROR(Require(answers.headaches.has_value(), "headaches", version));
    LDN_RETURN_IF_ERROR(Require(answers.lower_abdominal_pain.has_value(), "lower_abdominal_pain", version));
    LDN_RETURN_IF_ERROR(Require(answers.depression.has_value(), "depression", version));
  }

  // WPI: one point per painful area (0-19).
  s.wpi = static_cast<int>(answers.pain_areas.size());

  // SSS: three 0-3 items plus the version's somatic part (0-12 in every version).
  s.sss = answers.fatigue + answers.waking_unrefreshed + answers.cognitive;
  if (is2010) {
    s.sss += *answers.somatic_symptoms;  // clinician-rated 0-3 (Wolfe 2010)
    // The 2011 self-report items are not part of the 2010 SSS: reported, never silently dropped.
    if (answers.headaches.has_value()) s.fields_not_used.push_back("headaches");
    if (answers.lower_abdominal_pain.has_value()) s.fields_not_used.push_back("lower_abdominal_pain");
    if (answers.depression.has_value()) s.fields_not_used.push_back("depression");
  } else {
    // 1 point each for headaches, lower abdominal pain or cramps, depression in the past 6 months
    // (Wolfe 2011; kept in 2016).
    s.sss += (*answers.headaches ? 1 : 0) + (*answers.lower_abdominal_pain ? 1 : 0) + (*answers.depression ? 1 : 0);
    if (answers.somatic_symptoms.has_value()) s.fields_not_used.push_back("somatic_symptoms");
  }
  s.psd = s.wpi + s.sss;
  s.psd_category = std::string(PsdCategory(s.psd));

  // Regions with pain: jaw, chest and abdomen are not counted (Wolfe 2016, generalized pain).
  std::array<bool, 5> region_has_pain{};
  for (const std::string& name : answers.pain_areas) {
    const Area* a = FindArea(name);
    assert(a != nullptr && "ReadAcrAnswers admits only known areas");
    if (a->counts_for_regions) region_has_pain[a->region - 1] = true;
  }
  for (size_t r = 0; r < region_has_pain.size(); ++r) {
    if (region_has_pain[r]) s.regions_with_pain.emplace_back(kRegionNames[r]);
  }
  s.generalized_pain = s.regions_with_pain.size() >= 4;

  // WPI/SSS arm: 2010/2011 (WPI >= 7 and SSS >= 5) or (WPI 3-6 and SSS >= 9);
  // 2016 raises the lower WPI bound of the second arm to 4 (Wolfe 2016).
  const int low_wpi = version == AcrVersion::k2016 ? 4 : 3;
  s.wpi_sss_met = (s.wpi >= 7 && s.sss >= 5) || (s.wpi >= low_wpi && s.wpi <= 6 && s.sss >= 9);
  s.duration_met = answers.symptom_months >= 3;  // "present at a similar level for at least 3 months"

  if (version == AcrVersion::k2016) {
    s.meets_criteria = s.wpi_sss_met && s.generalized_pain && s.duration_met;
    s.notes.push_back(
        "2016: a fibromyalgia diagnosis is valid irrespective of other diagnoses and does not exclude other "
        "clinically important illnesses (Wolfe 2016).");
  } else {
    s.meets_criteria = s.wpi_sss_met && s.duration_met;
    s.notes.push_back(fmt::format(
        "{}: criterion 3, 'the patient does not have a disorder that would otherwise explain the pain', is a "
        "clinician judgement that ldn cannot score; meets_criteria covers criteria 1 and 2 only.",
        AcrVersionName(version)));
    s.notes.push_back("generalized_pain (the 2016 rule) is reported for information; it is not part of this version.");
  }
  if (!s.fields_not_used.empty()) {
    s.notes.push_back(fmt::format("fields present but not used by ACR {}: {}", AcrVersionName(version),
                                  fmt::join(s.fields_not_used, ", ")));
  }
  return s;
}

nlohmann::json AcrScoreToJson(const AcrScore& s) {
  const bool is2016 = s.version == AcrVersion::k2016;
  const char* source = s.version == AcrVersion::k2010   ? kSource2010
                       : s.version == AcrVersion::k2011 ? kSource2011
                                                        : kSource2016;
  nlohmann::json criteria = {
      {"wpi_sss",
       {{"met", s.wpi_sss_met},
        {"rule", is2016 ? "(WPI >= 7 and SSS >= 5) or (WPI 4-6 and SSS >= 9)"
                        : "(WPI >= 7 and SSS >= 5) or (WPI 3-6 and SSS >= 9)"}}},
      {"symptom_duration", {{"met", s.duration_met}, {"rule", "symptoms present for at least 3 months"}}},
  };
  if (is2016) {
    criteria["generalized_pain"] = {
        {"met", s.generalized_pain},
        {"rule", "pain in at least 4 of 5 regions; jaw, chest and abdomen do not count toward regions"}};
  } else {
    criteria["no_other_disorder"] = {{"met", nullptr},
                                     {"rule", "no other disorder explains the pain: clinician judgement"}};
  }
  return {
      {"instrument", "acr" + std::string(AcrVersionName(s.version))},
      {"version", std::string(AcrVersionName(s.version))},
      {"wpi", s.wpi},
      {"sss", s.sss},
      {"psd", s.psd},
      {"psd_category", s.psd_category},
      {"regions_with_pain", s.regions_with_pain},
      {"generalized_pain", s.generalized_pain},
      {"meets_criteria", s.meets_criteria},
      {"criteria", criteria},
      {"fields_not_used", s.fields_not_used},
      {"notes", s.notes},
      {"sources", {source, kSourcePsd}},
  };
}

}  // namespace ldn::clinical
