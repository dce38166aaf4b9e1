#include "pharmacy/bud.h"

#include <algorithm>

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {

bool Covers(const StabilityStudy& s, const BudRequest& r) {
  if (!r.concentration_per_ml) return s.concentrations_per_ml.empty();
  return std::find(s.concentrations_per_ml.begin(), s.concentrations_per_ml.end(), *r.concentration_per_ml) !=
         s.concentrations_per_ml.end();
}

int StudyDays(const StabilityStudy& s, Storage storage) {
  return storage == Storage::kFridge ? s.fridge_days : s.room_days;
}

std::string StorageWords(Storage s) {
  return s == Storage::kFridge ? "at 2-8 \u00b0C" : "at 20-25 \u00b0C";
}

}  // namespace

Result<BudResult> ComputeBud(const CompoundingKnowledge& k, const BudRequest& request) {
  const BudRule& rule = RuleFor(k, request.category);
  if (std::find(rule.storages.begin(), rule.storages.end(), request.storage) == rule.storages.end()) {
    return Status::InvalidArgument(
        "--storage", fmt::format("a {} may not be stored at {} temperature: USP <795> (2023) allows only {}", rule.name,
                                 request.storage == Storage::kRoom ? "room" : "refrigerator",
                                 request.storage == Storage::kRoom ? "refrigerated storage" : "room temperature"));
  }
  BudResult out;
  out.category = request.category;
  out.category_name = rule.name;
  out.storage = request.storage;
  out.prepared = request.prepared;
  out.category_days = rule.days;
  out.sources.push_back(rule.source);
  int days = rule.days;
  out.basis = fmt::format("USP <795> (2023) default for a {}: {} days", rule.name, rule.days);

  // Rule 2: a study covering this exact preparation replaces the default at the storage it studied.
  const StabilityStudy* covering = nullptr;
  int neighbour_days = 0;  // shortest study result of the same formula at this storage (rule 3)
  const StabilityStudy* neighbour = nullptr;
  for (const StabilityStudy& s : k.studies) {
    if (request.formula.empty() || s.formula != request.formula) continue;
    if (!s.applied) {
      out.notes.push_back(fmt::format("{} ({}): {}", s.id, s.conditions, s.note));
      continue;
    }
    if (s.requires_preserved && !request.preserved) {
      out.notes.push_back(
          fmt::format("The {} study ({}) does not apply: this preparation is unpreserved.", s.id, s.conditions));
      continue;
    }
    const int d = StudyDays(s, request.storage);
    if (d == 0) continue;
    if (Covers(s, request)) {
      if (covering == nullptr) covering = &s;
    } else if (neighbour == nullptr || d < neighbour_days) {
      neighbour = &s;
      neighbour_days = d;
    }
  }
  if (covering != nullptr) {
    days = StudyDays(*covering, request.storage);
    out.study = covering->id;
    out.sources.push_back(covering->source);
    out.basis = fmt::format(
        "preparation-specific stability data ({}): {} days {} for {}, replacing the USP default "
        "of {} days",
        covering->id, days, StorageWords(request.storage), covering->conditions, rule.days);
  } else if (neighbour != nullptr && neighbour_days < days) {
    days = neighbour_days;
    out.capped_by_study_neighbour = true;
    out.sources.push_back(neighbour->source);
    out.basis = fmt::format(
        "USP <795> (2023) default for a {} is {} days, shortened to {} days: this concentration "
        "was not studied, and the same formula was stable only {} days {} in {}",
        rule.name, rule.days, days, days, StorageWords(request.storage), neighbour->id);
  }

  out.date = AddDays(request.prepared, days);
  out.days = days;
  // Rule 4: never after a component's expiry.
  for (const LocalDate& e : request.component_expiries) {
    if (e < request.prepared) {
      return Status::InvalidArgument("--component-expiry",
                                     fmt::format("a component expired on {}, before the preparation date {}: it "
                                                 "must not be used",
                                                 FormatDate(e), FormatDate(request.prepared)));
    }
    if (!out.earliest_component_expiry || e < *out.earliest_component_expiry) out.earliest_component_expiry = e;
  }
  if (out.earliest_component_expiry && *out.earliest_component_expiry < out.date) {
    out.date = *out.earliest_component_expiry;
    out.days = DaysBetween(request.prepared, out.date);
    out.capped_by_component = true;
    out.basis += fmt::format(
        "; capped at {} by the earliest component expiry (a BUD is never later than any "
        "component's expiry)",
        FormatDate(out.date));
  }
  out.notes.push_back(
      "USP <795> (2023) limits are taken from secondary summaries (pharmacology-facts.md B4): "
      "verify against the official text and state law.");
  return out;
}

nlohmann::json BudToJson(const BudResult& bud) {
  nlohmann::json j;
  j["category"] = std::string(BudCategoryId(bud.category));
  j["category_name"] = bud.category_name;
  j["storage"] = std::string(StorageName(bud.storage));
  j["prepared"] = FormatDate(bud.prepared);
  j["category_days"] = bud.category_days;
  j["days"] = bud.days;
  j["date"] = FormatDate(bud.date);
  j["study"] = bud.study ? nlohmann::json(*bud.study) : nlohmann::json(nullptr);
  j["capped_by_study_neighbour"] = bud.capped_by_study_neighbour;
  j["capped_by_component"] = bud.capped_by_component;
  j["earliest_component_expiry"] =
      bud.earliest_component_expiry ? nlohmann::json(FormatDate(*bud.earliest_component_expiry)) : nullptr;
  j["basis"] = bud.basis;
  j["sources"] = bud.sources;
  j["notes"] = bud.notes;
  return j;
}

}  // namespace ldn::pharmacy
