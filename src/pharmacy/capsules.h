// Compounded LDN capsules from the API or from 50 mg tablets (pharmacology-facts.md B2, B3).
//
// Per batch of n capsules with overage o (extra powder for losses; the same drug load):
//   powder capsules   p = n x (1 + o)
//   naltrexone HCl    H = strength x p
//   API to weigh      H / (assay x (1 - water))            (certificate-of-analysis correction)
//   or tablets        ceil(H / 50 mg) whole tablets, and H / 50 mg x tablet weight of their powder
//   total powder      T = fill weight x p                   (fill weight: calibrated with the filler alone)
//   filler            T - drug powder                       (simple mass replacement; good at the low drug
//                                                            loads of LDN: 2.3% w/w at 4.5 mg in #3)
//   drug load         drug powder / T
// Each weighing is checked against the balance's minimum weighable quantity; a drug weighing below it
// gets a solid aliquot plan with the filler as diluent (weighing.h).
// Worked example (pharmacology-facts.md B3): 4.5 mg x 100, assay 99.5%, water 1.0%, #3 at 200 mg:
// API 450 / (0.995 x 0.99) = 456.8 mg, MCC 19,543.2 mg, drug load 2.28%.
#ifndef LDN_PHARMACY_CAPSULES_H_
#define LDN_PHARMACY_CAPSULES_H_

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/dose.h"
#include "core/result.h"
#include "pharmacy/knowledge.h"
#include "pharmacy/preparation.h"

namespace ldn::pharmacy {

struct CapsuleRequest {
  Dose strength = Dose::FromMicrogramsHcl(0);  // naltrexone HCl per capsule (of the active, also for a twin)
  int64_t count = 0;
  DrugSource source = DrugSource::kApi;
  std::optional<Coa> coa;                  // required with kApi, refused with kTablets
  std::optional<double> tablet_weight_mg;  // average weight of the tablets; required with kTablets
  std::string capsule_size;                // "3" or "#3"
  double fill_weight_mg = 0;               // calibrated net fill of one capsule with the filler alone
  std::string filler;                      // empty: the default (microcrystalline cellulose)
  double overage_pct = 0;
  std::string balance = "class-a";
  std::optional<double> mwq_mg;  // the pharmacy's own minimum weight for the balance
  Storage storage = Storage::kRoom;
  bool placebo = false;  // the placebo twin: the same capsules without naltrexone
  Dispensing dispensing;
};

struct CapsuleBatch {
  Preparation prep;
  CapsuleSize size;
  Filler filler;
  double powder_capsules = 0;  // n x (1 + overage)
  int64_t fill_weight_ug = 0;
  int64_t total_powder_ug = 0;     // T
  int64_t api_hcl_ug = 0;          // H (0 for a placebo)
  int64_t drug_powder_ug = 0;      // API weighed, or tablet powder (0 for a placebo)
  int tablets = 0;                 // whole tablets to grind (kTablets)
  int64_t filler_ug = 0;           // total filler in the batch (including any used in the aliquot)
  double drug_load_pct = 0;        // drug powder / T
  double naltrexone_load_pct = 0;  // H / T
};

// Computes the batch. Fails with kInvalidArgument naming the field:
//   --strength  not above 0 or above 50 mg (one tablet; LDN is 0.5-6 mg)
//   --count     not 1-10000
//   --assay / --water   (CheckCoa), or given with --source tablets
//   --tablet-weight     missing with --source tablets, or below 50 mg or above 2000 mg
//   --capsule-size      unknown size
//   --fill-weight       not above 0, above 5000 mg, or not more than the drug powder per capsule
//   --filler            unknown, or refused (calcium carbonate, slow-release matrix: the reason is given)
//   --overage           not 0-25%
//   --balance / --mwq   (SelectBalance)
//   --count             the batch is too small for the aliquot method on this balance
//   --storage / --component-expiry  (ComputeBud)
//   --batch-id, --patient, --pharmacy, --directions  (CheckDispensing)
Result<CapsuleBatch> CompoundCapsules(const CompoundingKnowledge& k, const CapsuleRequest& request);

// PreparationToJson plus {"capsule": {"size", "volume_ml", "typical_fill_mg": [low, high],
// "fill_weight_mg", "count", "powder_capsules"}, "filler": {...}, "strength_mg", "strength_mg_base",
// "filler_mg", "total_powder_mg", "drug_load_pct", "naltrexone_load_pct", "tablets"}.
nlohmann::json CapsuleBatchToJson(const CapsuleBatch& batch);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_CAPSULES_H_
