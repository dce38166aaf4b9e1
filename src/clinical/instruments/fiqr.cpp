#include "clinical/instruments/fiqr.h"

#include <cmath>

#include <fmt/format.h>

#include "core/json_reader.h"

namespace ldn::clinical {
namespace {

constexpr char kFiqrSource[] = "Bennett RM et al., Arthritis Res Ther 2009;11:R120";
constexpr char kScoringGuide[] = "FIQR scoring guide, http://www.fiqr.info/Scoring.htm";
constexpr char kSeveritySource[] = "Salaffi F et al., Rheumatology 2021;60:728";

template <size_t N>
Status ReadItems(JsonObject& obj, std::string_view key, std::array<std::optional<int>, N>& out) {
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* arr, obj.Array(key));
  const std::string path = obj.PathOf(key);
  if (arr->size() != N) {
    return Status::InvalidArgument(path, fmt::format("expected {} items, got {}", N, arr->size()));
  }
  for (size_t i = 0; i < N; ++i) {
    const nlohmann::json& item = (*arr)[i];
    if (item.is_null()) {
      out[i] = std::nullopt;
      continue;
    }
    LDN_ASSIGN_OR_RETURN(int64_t v, ReadInteger(item, IndexPath(path, i), 0, 10));
    out[i] = static_cast<int>(v);
  }
  return Status::Ok();
}

struct DomainSum {
  int sum = 0;
  int answered = 0;
};

template <size_t N>
DomainSum Sum(const std::array<std::optional<int>, N>& items) {
  DomainSum d;
  for (const auto& i : items) {
    if (i.has_value()) {
      d.sum += *i;
      ++d.answered;
    }
  }
  return d;
}

// The minimum number of answered items per domain under each rule.
struct MinAnswered {
  int function, impact, symptoms;
};
// fiqr.info scoring guide: invalid if >= 2 function items missing or any impact/symptom item missing.
constexpr MinAnswered kPublishedMin{kFiqrFunctionItems - 1, kFiqrImpactItems, kFiqrSymptomItems};
// ldn's own rule (not published): at least half of each domain's items.
constexpr MinAnswered kLenientMin{5, 1, 5};

std::string RuleText(bool lenient) {
  if (lenient) {
    return "ldn's own rule (not published): each domain needs at least half its items answered (function >= 5 of 9, "
           "impact >= 1 of 2, symptoms >= 5 of 10); missing items prorated by 9/x, 2/x, 10/x (" +
           std::string(kScoringGuide) + ")";
  }
  return "published rule (" + std::string(kScoringGuide) +
         "): invalid if 2 or more function items or any impact or symptom item is missing; one missing function "
         "item is prorated by 9/x";
}

Status CheckDomain(std::string_view domain, int answered, int min, int items, bool lenient) {
  if (answered >= min) return Status::Ok();
  return Status::InvalidArgument(
      std::string(domain), fmt::format("only {} of {} items answered; at least {} are required: {}", answered, items,
                                       min, RuleText(lenient)));
}

}  // namespace

std::string_view FiqrSeverityName(FiqrSeverity s) {
  switch (s) {
    case FiqrSeverity::kRemission: return "remission";
    case FiqrSeverity::kMild: return "mild";
    case FiqrSeverity::kModerate: return "moderate";
    case FiqrSeverity::kSevere: return "severe";
    case FiqrSeverity::kVerySevere: return "very severe";
  }
  return "unknown";
}

FiqrSeverity FiqrSeverityFor(double total) {
  // Salaffi 2021: 0-23 remission, 24-40 mild, 41-63 moderate, 64-82 severe, >= 83 very severe.
  // Lower bounds inclusive on the unrounded total (header): the gaps between the integer bands
  // (23 < t < 24 etc.) belong to the lower band.
  if (total >= 83) return FiqrSeverity::kVerySevere;
  if (total >= 64) return FiqrSeverity::kSevere;
  if (total >= 41) return FiqrSeverity::kModerate;
  if (total >= 24) return FiqrSeverity::kMild;
  return FiqrSeverity::kRemission;
}

Result<FiqrAnswers> ReadFiqrAnswers(const nlohmann::json& input) {
  LDN_ASSIGN_OR_RETURN(JsonObject obj, JsonObject::Of(input, ""));
  FiqrAnswers a;
  LDN_RETURN_IF_ERROR(ReadItems(obj, "function", a.function));
  LDN_RETURN_IF_ERROR(ReadItems(obj, "impact", a.impact));
  LDN_RETURN_IF_ERROR(ReadItems(obj, "symptoms", a.symptoms));
  LDN_RETURN_IF_ERROR(obj.RejectUnknownKeys());
  return a;
}

Result<FiqrScore> ScoreFiqr(const FiqrAnswers& answers, const FiqrOptions& options) {
  const DomainSum f = Sum(answers.function), i = Sum(answers.impact), s = Sum(answers.symptoms);
  const MinAnswered& min = options.lenient_missing ? kLenientMin : kPublishedMin;
  LDN_RETURN_IF_ERROR(CheckDomain("function", f.answered, min.function, kFiqrFunctionItems, options.lenient_missing));
  LDN_RETURN_IF_ERROR(CheckDomain("impact", i.answered, min.impact, kFiqrImpactItems, options.lenient_missing));
  LDN_RETURN_IF_ERROR(CheckDomain("symptoms", s.answered, min.symptoms, kFiqrSymptomItems, options.lenient_missing));

  FiqrScore out;
  // Bennett 2009: function sum / 3, impact sum / 1, symptom sum / 2; each sum weighted by
  // items/answered for missing items (scoring guide). Multiply before dividing to keep exact
  // values exact (e.g. 90 * 9 / 9 / 3 == 30).
  out.function = static_cast<double>(f.sum) * kFiqrFunctionItems / f.answered / 3.0;
  out.impact = static_cast<double>(i.sum) * kFiqrImpactItems / i.answered;
  out.symptoms = static_cast<double>(s.sum) * kFiqrSymptomItems / s.answered / 2.0;
  out.total = out.function + out.impact + out.symptoms;
  out.severity = FiqrSeverityFor(out.total);
  out.function_answered = f.answered;
  out.impact_answered = i.answered;
  out.symptoms_answered = s.answered;
  out.prorated = f.answered < kFiqrFunctionItems || i.answered < kFiqrImpactItems || s.answered < kFiqrSymptomItems;
  out.missing_rule = RuleText(options.lenient_missing);
  return out;
}

nlohmann::json FiqrScoreToJson(const FiqrScore& score) {
  auto round2 = [](double v) {
    const double r = std::round(v * 100.0) / 100.0;
    return r == 0.0 ? 0.0 : r;
  };
  nlohmann::json j = nlohmann::json::object();
  j["instrument"] = "fiqr";
  j["function"] = round2(score.function);
  j["impact"] = round2(score.impact);
  j["symptoms"] = round2(score.symptoms);
  j["total"] = round2(score.total);
  j["severity"] = FiqrSeverityName(score.severity);
  j["answered"]["function"] = score.function_answered;
  j["answered"]["impact"] = score.impact_answered;
  j["answered"]["symptoms"] = score.symptoms_answered;
  j["items"]["function"] = kFiqrFunctionItems;
  j["items"]["impact"] = kFiqrImpactItems;
  j["items"]["symptoms"] = kFiqrSymptomItems;
  j["prorated"] = score.prorated;
  j["missing_rule"] = score.missing_rule;
  j["severity_rule"] =
      "bands 0-23 remission, 24-40 mild, 41-63 moderate, 64-82 severe, >=83 very severe, applied to the unrounded "
      "total with lower bounds inclusive (ldn's choice for non-integer totals)";
  j["sources"] = nlohmann::json::array();
  j["sources"].push_back(fmt::format("{}: total = function sum/3 + impact sum + symptom sum/2", kFiqrSource));
  j["sources"].push_back(kScoringGuide);
  j["sources"].push_back(fmt::format("{}: severity bands", kSeveritySource));
  return j;
}

}  // namespace ldn::clinical
