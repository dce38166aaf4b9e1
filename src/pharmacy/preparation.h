// What every compounding verb produces: a Preparation -- ingredients and amounts, weighings, the
// BUD, the label and the content of the batch worksheet -- plus the inputs they share.
#ifndef LDN_PHARMACY_PREPARATION_H_
#define LDN_PHARMACY_PREPARATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/calendar.h"
#include "core/result.h"
#include "pharmacy/bud.h"
#include "pharmacy/knowledge.h"
#include "pharmacy/label.h"
#include "pharmacy/weighing.h"

namespace ldn::pharmacy {

// Where the naltrexone comes from: the drug substance (API) or commercial 50 mg tablets.
enum class DrugSource { kApi, kTablets };
std::string_view DrugSourceName(DrugSource s);  // "api" / "tablets"
// Parses "api" or "tablets"; fails with kInvalidArgument naming `field`.
Result<DrugSource> ParseDrugSource(std::string_view text, std::string_view field);

// The certificate of analysis of an API lot: assay (% naltrexone HCl, anhydrous basis) and water
// content (%). The mass to weigh is required / (assay x (1 - water)) (pharmacology-facts.md B3).
struct Coa {
  double assay_pct = 100;
  double water_pct = 0;
};

// Checks a CoA. Fails with kInvalidArgument naming "--assay" when the assay is outside the USP
// monograph's 98.0-102.0% for the drug substance (data/formulations.json; 90-110% is the finished
// preparation's tolerance, not the API's), or "--water" when the water is not in [0, 50)%.
Status CheckCoa(const CompoundingKnowledge& k, const Coa& coa);

// API factor = assay x (1 - water), as fractions.
double CoaFactor(const Coa& coa);

// What the verbs share: who and when, and the label's free text.
struct Dispensing {
  LocalDate prepared;                         // the preparation date (day 0 of the BUD)
  std::vector<LocalDate> component_expiries;  // --component-expiry
  std::string batch_id;                       // empty: DefaultBatchId
  std::string patient;                        // empty: a blank on the label
  std::string pharmacy;                       // empty: a blank on the label
  std::string directions;                     // empty: the verb's default directions
  std::string when = "at bedtime";            // dose time in the default directions
};

struct Ingredient {
  std::string name;                  // "naltrexone HCl (API)"
  std::string role;                  // "active", "filler", "antioxidant", "preservative", "wetting agent", "vehicle"
  std::optional<int64_t> amount_ug;  // a mass (to weigh, or contained in whole tablets)
  std::optional<double> amount_ml;   // a volume (with qs: the final volume to make up to)
  std::optional<int> tablets;        // whole 50 mg tablets
  std::optional<int64_t> naltrexone_hcl_ug;  // the naltrexone HCl this ingredient brings
  bool qs = false;                           // "to volume"
  std::string detail;                        // how the amount was found
};

struct Preparation {
  std::string kind;  // "capsules", "liquid", "home-dilution"
  std::string batch_id;
  bool placebo = false;
  std::string title;  // "Naltrexone HCl 4.5 mg capsules, 100"
  LocalDate prepared;
  std::string drug_source;  // "api", "tablets", or "none" for a placebo
  // JSON api_mg: the API mass weighed (CoA-corrected) with --source api; the naltrexone HCl content
  // of the tablets used with --source tablets; 0 for a placebo.
  int64_t api_ug = 0;
  int64_t api_hcl_ug = 0;  // naltrexone HCl in the whole batch (label content, overage included)
  std::vector<Ingredient> ingredients;
  std::optional<BalanceInUse> balance;
  std::vector<Weighing> weighings;
  std::optional<SolidAliquot> solid_aliquot;
  std::vector<LiquidAliquot> liquid_aliquots;
  std::vector<std::pair<std::string, std::string>> summary;  // worksheet header rows
  std::vector<std::string> calculations;
  std::vector<std::string> dose_lines;  // liquids: the volume of each dose or titration step
  std::vector<std::string> method;
  std::vector<std::string> qc;
  std::vector<std::string> warnings;
  std::vector<std::string> notes;
  std::vector<std::string> sources;
  BudResult bud;
  Label label;
  std::string patient;
  std::string knowledge_versions;
  std::string confidentiality;  // set on a placebo twin's worksheet: pharmacy only
};

// "LDN-YYYYMMDD-XXXXXX": the date and six hex digits of an FNV-1a hash of `key` (the request's
// parameters), so the same request on the same day gets the same id.
std::string DefaultBatchId(LocalDate prepared, std::string_view key);

// Validates the shared inputs. Fails with kInvalidArgument naming "--batch-id" (not 1-40 letters,
// digits, '-', '_' or '.'), "--patient" / "--pharmacy" / "--directions" (longer than 200
// characters, with a control character, or not valid UTF-8).
Status CheckDispensing(const Dispensing& d);

// {"kind", "batch_id", "placebo", "title", "prepared", "source", "api_mg", "api_mg_hcl",
//  "api_mg_base", "ingredients": [{"name", "role", "amount_mg" | "amount_ml", "tablets",
//  "naltrexone_hcl_mg", "qs", "detail"}], "balance", "weighings", "aliquot", "bud_days",
//  "bud_date", "bud", "warnings", "notes", "calculations", "label", "sources"}.
nlohmann::json PreparationToJson(const Preparation& p);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_PREPARATION_H_
