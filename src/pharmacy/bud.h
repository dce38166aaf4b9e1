// Beyond-use dates (BUD) of non-sterile compounded preparations.
//
// Rules (data/bud.json; pharmacology-facts.md B4):
//  1. The USP <795> (2023) category gives the default limit: non-preserved aqueous 14 days
//     (refrigerated only), preserved aqueous 35 days, non-aqueous oral liquid 90 days, other
//     non-aqueous (capsules) 180 days.
//  2. A preparation-specific stability study that covers the preparation (same formula, a studied
//     concentration, preserved when the study was) replaces the default for the storage it studied,
//     whether longer or shorter (Fawcett 1997: 60 days at 2-8 C, 30 days at 25 C).
//  3. The same formula at a concentration no study covers keeps the USP default, but never longer
//     than what the studies of that formula found at that storage (conservative: a studied
//     neighbour that failed earlier is evidence).
//  4. The BUD is never later than the earliest expiry of any component.
// The BUD date is the preparation date plus the days (day 0 = preparation day).
#ifndef LDN_PHARMACY_BUD_H_
#define LDN_PHARMACY_BUD_H_

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/dose.h"
#include "core/result.h"
#include "pharmacy/knowledge.h"

namespace ldn::pharmacy {

struct BudRequest {
  BudCategory category = BudCategory::kSolid;
  Storage storage = Storage::kRoom;
  LocalDate prepared;
  std::vector<LocalDate> component_expiries;  // any order; may be empty
  // What the preparation is, for the study lookup: a LiquidFormula id, "capsules-mcc" for
  // capsules in microcrystalline cellulose, or empty.
  std::string formula;
  std::optional<Dose> concentration_per_ml;  // liquids
  bool preserved = false;
};

struct BudResult {
  BudCategory category = BudCategory::kSolid;
  std::string category_name;  // "preserved aqueous dosage form"
  Storage storage = Storage::kRoom;
  LocalDate prepared;
  int category_days = 0;  // the USP default of the category
  int days = 0;           // from `prepared` to `date`
  LocalDate date;
  std::optional<std::string> study;        // the id of the study that set the limit, if any
  bool capped_by_study_neighbour = false;  // rule 3 shortened the default
  bool capped_by_component = false;        // rule 4 set the date
  std::optional<LocalDate> earliest_component_expiry;
  std::string basis;                 // one sentence: why this date
  std::vector<std::string> sources;  // of the category, the study, ...
  std::vector<std::string> notes;    // unapplied studies, verification caveats
};

// Computes the BUD. Fails with kInvalidArgument naming:
//   "--storage" when the category may not be kept there (a non-preserved aqueous preparation at
//     room temperature: USP allows it only refrigerated);
//   "--component-expiry" when a component expired before the preparation date.
Result<BudResult> ComputeBud(const CompoundingKnowledge& k, const BudRequest& request);

// {"category", "category_name", "storage", "prepared", "category_days", "days", "date", "study",
//  "capped_by_component", "earliest_component_expiry", "basis", "sources", "notes"}.
nlohmann::json BudToJson(const BudResult& bud);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_BUD_H_
