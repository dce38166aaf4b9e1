#include "clinical/safety/interlock_rules.h"

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/knowledge_files.h"

namespace ldn::clinical {

Result<InterlockRules> ParseInterlockRules(std::string_view text) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text));
  LDN_ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(doc, ""));
  InterlockRules r;
  LDN_ASSIGN_OR_RETURN(r.version, top.String("version"));
  LDN_ASSIGN_OR_RETURN(std::string description, top.String("description"));
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* entries, top.Array("entries"));
  LDN_RETURN_IF_ERROR(top.RejectUnknownKeys());
  // id -> (target, min, max). Integers except the percentage.
  struct Slot {
    int* integer;
    double* number;
    double min, max;
  };
  const std::map<std::string, Slot, std::less<>> slots = {
      {"screening_max_age_days", {&r.screening_max_age_days, nullptr, 1, 365}},
      {"baseline_diary_days", {&r.baseline_diary_days, nullptr, 1, 90}},
      {"baseline_min_days_at_start", {&r.baseline_min_days_at_start, nullptr, 1, 90}},
      {"baseline_fiqr_window_days", {&r.baseline_fiqr_window_days, nullptr, 1, 365}},
      {"off_plan_refuse_factor", {&r.off_plan_refuse_factor, nullptr, 1, 100}},
      {"override_reason_min_chars", {&r.override_reason_min_chars, nullptr, 1, 2000}},
      {"missing_diary_days", {&r.missing_diary_days, nullptr, 1, 60}},
      {"week_12_days", {&r.week_12_days, nullptr, 1, 730}},
      {"response_threshold_pct", {nullptr, &r.response_threshold_pct, 1, 100}},
      {"questionnaire_interval_days", {&r.questionnaire_interval_days, nullptr, 7, 365}},
      {"questionnaire_overdue_days", {&r.questionnaire_overdue_days, nullptr, 0, 90}},
  };
  for (size_t i = 0; i < entries->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*entries)[i], IndexPath("entries", i)));
    LDN_ASSIGN_OR_RETURN(std::string id, e.String("id"));
    auto slot = slots.find(id);
    if (slot == slots.end()) return Status::InvalidArgument(e.PathOf("id"), fmt::format("unknown rule '{}'", id));
    if (r.sources.count(id) != 0) return Status::InvalidArgument(e.PathOf("id"), fmt::format("'{}' given twice", id));
    if (slot->second.integer != nullptr) {
      LDN_ASSIGN_OR_RETURN(int64_t v, e.Integer("value", static_cast<int64_t>(slot->second.min),
                                                static_cast<int64_t>(slot->second.max)));
      *slot->second.integer = static_cast<int>(v);
    } else {
      LDN_ASSIGN_OR_RETURN(*slot->second.number, e.Number("value", slot->second.min, slot->second.max));
    }
    LDN_ASSIGN_OR_RETURN(std::string source, e.String("source"));
    LDN_ASSIGN_OR_RETURN(std::string note, e.String("note"));
    LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
    if (source.empty()) return Status::InvalidArgument(e.PathOf("source"), "must cite a source");
    r.sources[id] = source;
  }
  for (const auto& [id, slot] : slots) {
    if (r.sources.count(id) == 0) return Status::InvalidArgument("entries", fmt::format("rule '{}' is missing", id));
  }
  if (r.baseline_min_days_at_start > r.baseline_diary_days) {
    return Status::InvalidArgument("entries", "baseline_min_days_at_start is above baseline_diary_days");
  }
  return r;
}

const Result<InterlockRules>& LoadInterlockRules() {
  static const Result<InterlockRules> kRules = []() -> Result<InterlockRules> {
    auto text = KnowledgeFileText("interlocks.json");
    if (!text.ok()) return Status::Internal("data/interlocks.json is not embedded");
    auto r = ParseInterlockRules(*text);
    if (!r.ok()) return Status::Internal("data/interlocks.json: " + r.status().ToString());
    return r;
  }();
  return kRules;
}

}  // namespace ldn::clinical
