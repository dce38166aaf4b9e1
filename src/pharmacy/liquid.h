// Oral naltrexone liquids: the pharmacy's Fawcett liquid at any concentration, and the home
// dilution of one 50 mg tablet in water.
//
// Fawcett 1997 (Ann Pharmacother 31:1291; pharmacology-facts.md B3), per 100 mL at 1 mg/mL:
// 2 x 50 mg tablets (or 100 mg API), ascorbic acid 0.5 g, sodium benzoate 0.1 g, glycerol 20 mL,
// water to 100 mL. Other concentrations keep the vehicle per mL and change only the drug:
// naltrexone HCl = concentration x volume. From tablets that must be a whole number of tablets.
// The dose volume of a step is dose / concentration rounded to the nearest 0.01 mL, halves up, as in
// the titration plan (clinical/titration/plan.h): 4.5 mg at 1 mg/mL = 4.5 mL.
#ifndef LDN_PHARMACY_LIQUID_H_
#define LDN_PHARMACY_LIQUID_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/dose.h"
#include "core/result.h"
#include "pharmacy/knowledge.h"
#include "pharmacy/preparation.h"

namespace ldn::pharmacy {

// One dose to show a volume for: a titration step (dated; the CLI takes them from BuildPlan) or an
// undated strength.
struct ScheduledDose {
  Dose dose = Dose::FromMicrogramsHcl(0);
  std::optional<LocalDate> start;
  std::optional<LocalDate> end;  // inclusive; empty for the open last step
};

struct DoseVolume {
  ScheduledDose step;
  int64_t centi_ml = 0;    // the volume in 0.01 mL
  bool after_bud = false;  // the step starts after the batch's BUD: it needs a new batch
  bool below_syringe_minimum = false;
};

// dose / concentration in 0.01 mL, rounded to nearest, halves up. REQUIRES: per_ml > 0.
int64_t DoseVolumeCentiMl(Dose dose, Dose per_ml);

// The common LDN strengths shown when no titration is given: 0.5, 1, 1.5, 3, 4.5 mg
// (pharmacology-facts.md B1).
std::vector<ScheduledDose> CommonStrengths();

struct LiquidRequest {
  Dose concentration_per_ml = Dose::FromMicrogramsHcl(0);  // naltrexone HCl per mL
  int64_t volume_ml = 0;                                   // whole mL
  DrugSource source = DrugSource::kTablets;
  std::optional<Coa> coa;  // required with kApi, refused with kTablets
  bool preserved = true;   // false: the preservative is left out (14 days refrigerated)
  Storage storage = Storage::kFridge;
  std::string formula = "fawcett-1997";
  std::string balance = "class-a";
  std::optional<double> mwq_mg;
  std::vector<ScheduledDose> doses;  // empty: CommonStrengths()
  // Volumes below this get a warning: data/protocols.json rule min_syringe_volume_ml (the CLI
  // passes the loaded value; the pharmacy layer does not read clinical knowledge).
  int64_t min_syringe_centi_ml = 20;
  bool placebo = false;  // the placebo twin: the same vehicle without naltrexone
  Dispensing dispensing;
};

struct LiquidBatch {
  Preparation prep;
  LiquidFormula formula;
  Dose concentration_per_ml = Dose::FromMicrogramsHcl(0);
  int64_t volume_ml = 0;
  int tablets = 0;
  std::vector<DoseVolume> dose_volumes;
  std::optional<LocalDate> supply_until;  // dated doses: the last day fully dosed from this batch
  std::string supply_limited_by;          // "bud" or "volume"
};

// Computes the batch. Fails with kInvalidArgument naming the field:
//   --concentration  not above 0, or above naltrexone HCl's aqueous solubility (~100 mg/mL)
//   --volume         not 1-1000 mL, or (from tablets) concentration x volume is not a whole
//                    number of 50 mg tablets (the message suggests volumes that are)
//   --assay / --water  (CheckCoa), or given with --source tablets
//   --formula        unknown formula
//   --balance / --mwq, --storage (an unpreserved liquid at room temperature), --component-expiry
//   --batch-id, --patient, --pharmacy, --directions
Result<LiquidBatch> CompoundLiquid(const CompoundingKnowledge& k, const LiquidRequest& request);

// PreparationToJson plus {"concentration_mg_per_ml", "volume_ml", "tablets", "preserved",
// "formula", "dose_volumes": [{"dose_mg", "volume_ml", "start", "end", "after_bud",
// "below_syringe_minimum"}], "supply_until", "supply_limited_by"}.
nlohmann::json LiquidBatchToJson(const LiquidBatch& batch);

struct HomeDilutionRequest {
  std::optional<int64_t> water_ml;   // empty: the common recipe's 50 mL (1 mg/mL)
  std::vector<ScheduledDose> doses;  // empty: CommonStrengths()
  Storage storage = Storage::kFridge;
  int64_t min_syringe_centi_ml = 20;
  Dispensing dispensing;
};

struct HomeDilution {
  Preparation prep;
  int64_t water_ml = 0;
  double concentration_mg_per_ml = 0;  // 50 mg / water (not always a whole microgram per mL)
  std::vector<DoseVolume> dose_volumes;
  std::vector<Risk> risks;
};

// One 50 mg tablet in water. The BUD is the shortest defensible one: USP <795>'s 14 days for a
// non-preserved aqueous preparation, refrigerated, and never after the tablets' expiry; there are
// no stability data for it (pharmacology-facts.md B7). Fails with kInvalidArgument naming
// "--volume" (water not 10-500 mL: below 10 mL a 0.5 mg dose is under 0.1 mL; above 500 mL a 4.5 mg dose is
// over 45 mL), "--storage" (room temperature) or "--component-expiry".
Result<HomeDilution> PrepareHomeDilution(const CompoundingKnowledge& k, const HomeDilutionRequest& request);

// PreparationToJson plus {"water_ml", "concentration_mg_per_ml", "dose_volumes", "risks": [{"id",
// "text", "source"}]}.
nlohmann::json HomeDilutionToJson(const HomeDilution& h);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_LIQUID_H_
