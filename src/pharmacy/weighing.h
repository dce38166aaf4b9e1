// Weighability: can a balance weigh an amount within the compounding tolerance, and if not, how
// to get there by the aliquot method.
//
// A balance's minimum weighable quantity (MWQ) is its sensitivity divided by the tolerated error
// (USP <1176>: 5%; a Class A balance, sensitivity 6 mg, has an MWQ of 120 mg; data/formulations.json).
// Below the MWQ the aliquot (trituration) method applies (Ansel's Pharmaceutical Calculations):
//   solid:  weigh f x R of drug (f = the smallest whole number with f x R >= MWQ), dilute it with
//           diluent to f x A (A >= MWQ, and the diluent f x (A - R) >= MWQ too), mix by geometric
//           dilution, and weigh A of the mixture: it holds exactly R. (f - 1) x A is left over.
//   liquid: weigh f x R, dissolve it in water to f x V mL (V = the aliquot volume), and measure V:
//           it holds exactly R.
// Amounts are integer micrograms.
#ifndef LDN_PHARMACY_WEIGHING_H_
#define LDN_PHARMACY_WEIGHING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "pharmacy/knowledge.h"

namespace ldn::pharmacy {

// The balance in use, with the MWQ actually applied (the knowledge base's, or the pharmacy's own
// from its calibration certificate).
struct BalanceInUse {
  Balance balance;
  double mwq_mg = 0;
  bool mwq_overridden = false;
};

// Picks the balance `id` and applies an optional MWQ override. Fails with kInvalidArgument naming
// "--balance" (unknown id) or "--mwq" (override not above 0 or above the balance's capacity).
Result<BalanceInUse> SelectBalance(const CompoundingKnowledge& k, std::string_view id, std::optional<double> mwq_mg);

struct Weighing {
  std::string what;  // "naltrexone HCl (API)"
  int64_t amount_ug = 0;
  bool below_mwq = false;  // cannot be weighed within tolerance on this balance
  int portions = 1;        // loads needed when the amount exceeds the balance's capacity
};

// Checks one weighing against the balance. REQUIRES: amount_ug > 0.
Weighing CheckWeighing(std::string what, int64_t amount_ug, const BalanceInUse& b);

struct SolidAliquot {
  std::string drug;             // what is diluted ("naltrexone HCl (API)")
  std::string diluent;          // the filler
  int64_t required_ug = 0;      // R: what the batch needs
  int factor = 1;               // f
  int64_t drug_weighed_ug = 0;  // f x R
  int64_t diluent_ug = 0;       // f x (A - R)
  int64_t mixture_ug = 0;       // f x A
  int64_t aliquot_ug = 0;       // A: holds R
  int64_t left_over_ug = 0;     // (f - 1) x A, discarded
};

// The solid aliquot plan for `required_ug` below the balance's MWQ. The aliquot A is rounded up to a
// whole milligram. REQUIRES: 0 < required_ug.
SolidAliquot PlanSolidAliquot(int64_t required_ug, const BalanceInUse& b, std::string drug, std::string diluent);

struct LiquidAliquot {
  std::string what;
  int64_t required_ug = 0;
  int factor = 1;
  int64_t weighed_ug = 0;  // f x R
  double stock_ml = 0;     // f x V
  double aliquot_ml = 0;   // V
  double stock_mg_per_ml = 0;
};

// The stock-solution plan for `required_ug` below the MWQ, with aliquot volume `aliquot_ml`.
// Fails with kInvalidArgument naming `field` when the stock would exceed half the solubility
// (`solubility_mg_per_ml`, 0 = unknown: no check). REQUIRES: required_ug > 0, aliquot_ml > 0.
Result<LiquidAliquot> PlanLiquidAliquot(int64_t required_ug, const BalanceInUse& b, std::string what, double aliquot_ml,
                                        double solubility_mg_per_ml, std::string_view field);

// "456.8 mg", and "19543.2 mg (19.543 g)" from 1 g up.
std::string FormatMass(int64_t ug);
// Micrograms as milligrams rounded to 0.1 mg, for JSON.
double MgRounded(int64_t ug);

nlohmann::json WeighingToJson(const Weighing& w, const BalanceInUse& b);
nlohmann::json SolidAliquotToJson(const SolidAliquot& a);
nlohmann::json LiquidAliquotToJson(const LiquidAliquot& a);

}  // namespace ldn::pharmacy

#endif  // LDN_PHARMACY_WEIGHING_H_
