// The compounding knowledge base: capsule sizes, fillers, liquid excipients, the 50 mg tablet,
// the Fawcett liquid, home-dilution risks, balances, label texts and beyond-use-date rules.
//
// Read from the embedded data/capsules.json, data/excipients.json, data/formulations.json and
// data/bud.json (every entry carries its source there; pharmacology-facts.md section B).
// Amounts are mg of naltrexone HCl unless a name says otherwise.
#ifndef LDN_PHARMACY_KNOWLEDGE_H_
#define LDN_PHARMACY_KNOWLEDGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/dose.h"
#include "core/result.h"

namespace ldn::pharmacy {

// Where a preparation is kept: refrigerated (2-8 C) or at controlled room temperature (20-25 C).
enum class Storage { kFridge, kRoom };
// "fridge" / "room".
std::string_view StorageName(Storage s);
// Parses "fridge" or "room"; fails with kInvalidArgument naming `field`.
Result<Storage> ParseStorage(std::string_view text, std::string_view field);
// "Store in a refrigerator, 2-8 C" / "Store at room temperature, 20-25 C".
std::string StorageInstruction(Storage s);

// USP <795> (2023) beyond-use-date categories.
enum class BudCategory { kAqueousUnpreserved, kAqueousPreserved, kNonAqueousLiquid, kSolid };
// "aqueous-unpreserved", "aqueous-preserved", "nonaqueous-liquid", "solid".
std::string_view BudCategoryId(BudCategory c);
// Parses one of the ids above; fails with kInvalidArgument naming `field` and listing them.
Result<BudCategory> ParseBudCategory(std::string_view text, std::string_view field);

struct CapsuleSize {
  std::string id;                  // "000" ... "5"
  double volume_ml = 0;            // nominal body volume
  double typical_fill_low_mg = 0;  // typical MCC fill: volume x fill density range
  double typical_fill_high_mg = 0;
  std::string source;
};

struct Filler {
  std::string id;    // "microcrystalline-cellulose"
  std::string name;  // "microcrystalline cellulose (Avicel PH-105)"
  std::vector<std::string> aliases;
  bool is_default = false;
  bool allowed = true;
  std::string reason;  // why allowed / why refused
  std::string source;
};

struct LiquidExcipient {
  std::string id;                   // "sodium-benzoate"
  std::string name;                 // "sodium benzoate"
  std::string role;                 // "preservative"
  double solubility_mg_per_ml = 0;  // 0 for liquids (glycerol, water)
  std::string source;
};

struct Api {
  std::string name;  // "naltrexone hydrochloride"
  std::string salt;  // "HCl"
  double aqueous_solubility_mg_per_ml = 100;
  double monograph_assay_min_pct = 98, monograph_assay_max_pct = 102;
  // USP monograph (drug substance): a CoA outside it is refused. The finished preparation's 90-110%
  // tolerance is shown in messages only (data/formulations.json).
  double preparation_tolerance_min_pct = 90, preparation_tolerance_max_pct = 110;
  std::string source;
};

struct Tablet {
  std::string name;
  Dose strength = Dose::FromMicrogramsHcl(50'000);
  double content_tolerance_pct = 10;
  std::vector<std::string> excipients;
  std::string source;
};

// One line of a liquid formula per 100 mL: a mass, a volume, or water to volume (qs).
struct FormulaComponent {
  std::string excipient;  // a LiquidExcipient id
  std::optional<double> mg_per_100ml;
  std::optional<double> ml_per_100ml;
  bool qs = false;
  bool preservative = false;  // left out of an unpreserved preparation
};

struct LiquidFormula {
  std::string id;  // "fawcett-1997"
  std::string name;
  Dose concentration_per_ml = Dose::FromMicrogramsHcl(1000);  // the published concentration
  std::vector<FormulaComponent> per_100ml;
  std::vector<std::string> method;
  std::string container;
  std::vector<std::string> auxiliary;  // label ids of formulations.json label_text entries' texts
  std::string source;
  std::string note;
};

struct Risk {
  std::string id;
  std::string text;
  std::string source;
};

struct HomeDilutionRecipe {
  double water_ml = 50;
  std::string source;
  std::vector<Risk> risks;  // in file order
};

struct Balance {
  std::string id;  // "class-a", "analytical"
  std::string name;
  double sensitivity_mg = 0;
  double mwq_mg = 0;       // minimum weighable quantity at the weighing tolerance
  double capacity_mg = 0;  // largest single load
  std::string source;
};

struct BudRule {
  BudCategory category = BudCategory::kSolid;
  std::string name;
  int days = 0;
  std::vector<Storage> storages;  // where the category may be kept
  std::string source;
};

// A preparation-specific stability study that overrides the USP default for the preparations it
// covers (formula, concentration, preserved). `applied` false: shown as a note only.
struct StabilityStudy {
  std::string id;
  std::string formula;  // a LiquidFormula id, or "capsules-mcc"
  std::vector<Dose> concentrations_per_ml;
  bool requires_preserved = false;
  int fridge_days = 0;  // 0: not studied at that storage
  int room_days = 0;
  bool applied = true;
  std::string conditions;
  std::string source;
  std::string note;
};

struct LabelTexts {
  std::string compounded_statement;
  std::string opioid_warning;
  std::string shake_well;
  std::string protect_from_light;
  std::string oral_syringe;
  std::string blinded_statement;
  std::string compounded_source;
  std::string opioid_source;
};

struct CompoundingKnowledge {
  std::vector<CapsuleSize> capsule_sizes;  // largest (000) to smallest (5)
  std::string fill_density_source;
  std::vector<Filler> fillers;
  std::vector<LiquidExcipient> liquid_excipients;
  Api api;
  Tablet tablet;
  std::vector<LiquidFormula> liquid_formulas;
  HomeDilutionRecipe home_dilution;
  std::vector<Balance> balances;
  double weighing_error_pct = 5;
  std::string weighing_error_source;
  double preparation_tolerance_pct = 10;
  std::string preparation_tolerance_source;
  double liquid_aliquot_ml = 5;
  std::string liquid_aliquot_source;
  LabelTexts labels;
  std::vector<BudRule> bud_rules;  // one per category
  std::vector<StabilityStudy> studies;
  std::string versions;  // "capsules.json 2026-11-22.1, ..." for worksheets
};

// The knowledge of the embedded data files, parsed once and cached. Fails with kInternal (the
// message names the file and field) when a file is missing or malformed: a build error.
// Thread-safe.
const Result<CompoundingKnowledge>& LoadCompoundingKnowledge();

// Parses the four documents (exposed for tests). Fails with kInvalidArgument naming the file and
// field ("bud.json: entries[2].days") on any missing, mistyped or unknown key, a duplicate id,
// or a missing required entry (a BUD category, a balance, a label text, the default filler).
Result<CompoundingKnowledge> ParseCompoundingKnowledge(std::string_view capsules_json, std::string_view excipients_json,
                                                       std::string_view formulations_json, std::string_view bud_json);

// Lookups. Each fails with kInvalidArgument naming `field` and listing the valid values.
// Capsule sizes accept "3" and "#3".
Result<CapsuleSize> FindCapsuleSize(const CompoundingKnowledge& k, std::string_view id, std::string_view field);
// By id or alias, case-insensitive. A refused filler (calcium carbonate) is returned: the caller
// decides (and reports its reason).
Result<Filler> FindFiller(const CompoundingKnowledge& k, std::string_view name, std::string_view field);
Result<Balance> FindBalance(const CompoundingKnowledge& k, std::string_view id, std::string_view field);
// REQUIRES: the id exists in the knowledge (an internal lookup): fails with kInternal otherwise.
Result<LiquidExcipient> FindLiquidExcipient(const CompoundingKnowledge& k, std::string_view id);
Result<LiquidFormula> FindLiquidFormula(const CompoundingKnowledge& k, std::string_view id, std::string_view field);
const BudRule& RuleFor(const CompoundingKnowledge& k, BudCategory c);
const Filler& DefaultFiller(const CompoundingKnowledge& k);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_KNOWLEDGE_H_
