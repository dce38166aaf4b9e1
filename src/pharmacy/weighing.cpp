#include "pharmacy/weighing.h"

#include <cassert>
#include <cmath>

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {

int64_t MgToUg(double mg) {
  return std::llround(mg * 1000.0);
}

// Smallest whole f with f x value >= target (both positive).
int64_t CeilDiv(int64_t target, int64_t value) {
  return (target + value - 1) / value;
}

}  // namespace

Result<BalanceInUse> SelectBalance(const CompoundingKnowledge& k, std::string_view id, std::optional<double> mwq_mg) {
  LDN_ASSIGN_OR_RETURN(Balance b, FindBalance(k, id, "--balance"));
  BalanceInUse out{b, b.mwq_mg, false};
  if (mwq_mg) {
    if (!(*mwq_mg > 0) || *mwq_mg > b.capacity_mg) {
      return Status::InvalidArgument("--mwq",
                                     fmt::format("must be above 0 and at most the balance's capacity of {} mg (got {})",
                                                 FormatMilligrams(b.capacity_mg), *mwq_mg));
    }
    out.mwq_mg = *mwq_mg;
    out.mwq_overridden = true;
  }
  return out;
}

Weighing CheckWeighing(std::string what, int64_t amount_ug, const BalanceInUse& b) {
  assert(amount_ug > 0);
  Weighing w;
  w.what = std::move(what);
  w.amount_ug = amount_ug;
  w.below_mwq = amount_ug < MgToUg(b.mwq_mg);
  w.portions = static_cast<int>(CeilDiv(amount_ug, MgToUg(b.balance.capacity_mg)));
  return w;
}

SolidAliquot PlanSolidAliquot(int64_t required_ug, const BalanceInUse& b, std::string drug, std::string diluent) {
  assert(required_ug > 0);
  const int64_t mwq = MgToUg(b.mwq_mg);
  SolidAliquot a;
  a.drug = std::move(drug);
  a.diluent = std::move(diluent);
  a.required_ug = required_ug;
  const int64_t f = CeilDiv(mwq, required_ug);
  a.factor = static_cast<int>(f);
  a.drug_weighed_ug = f * required_ug;
  // A >= MWQ (the aliquot itself is a weighing) and f x (A - R) >= MWQ (so is the diluent).
  int64_t aliquot = std::max(mwq, required_ug + CeilDiv(mwq, f));
  aliquot = CeilDiv(aliquot, 1000) * 1000;  // a whole milligram
  a.aliquot_ug = aliquot;
  a.mixture_ug = f * aliquot;
  a.diluent_ug = a.mixture_ug - a.drug_weighed_ug;
  a.left_over_ug = (f - 1) * aliquot;
  return a;
}

Result<LiquidAliquot> PlanLiquidAliquot(int64_t required_ug, const BalanceInUse& b, std::string what, double aliquot_ml,
                                        double solubility_mg_per_ml, std::string_view field) {
  assert(required_ug > 0 && aliquot_ml > 0);
  const int64_t f = CeilDiv(MgToUg(b.mwq_mg), required_ug);
  LiquidAliquot a;
  a.what = std::move(what);
  a.required_ug = required_ug;
  a.factor = static_cast<int>(f);
  a.weighed_ug = f * required_ug;
  a.aliquot_ml = aliquot_ml;
  a.stock_ml = static_cast<double>(f) * aliquot_ml;
  a.stock_mg_per_ml = static_cast<double>(a.weighed_ug) / 1000.0 / a.stock_ml;
  if (solubility_mg_per_ml > 0 && a.stock_mg_per_ml > solubility_mg_per_ml / 2) {
    return Status::InvalidArgument(
        std::string(field),
        fmt::format("the {} stock solution would hold {:.1f} mg/mL, above half its solubility ({} mg/mL): use a "
                    "balance with a lower minimum weighable quantity",
                    a.what, a.stock_mg_per_ml, FormatMilligrams(solubility_mg_per_ml)));
  }
  return a;
}

std::string FormatMass(int64_t ug) {
  const double mg = static_cast<double>(ug) / 1000.0;
  if (ug >= 1'000'000) return fmt::format("{:.1f} mg ({:.3f} g)", mg, mg / 1000.0);
  return fmt::format("{:.1f} mg", mg);
}

double MgRounded(int64_t ug) {
  // Integer rounding to 100 ug (0.1 mg), halves up, so 456.83 mg -> 456.8 and never 456.80000001.
  const int64_t tenths = (ug + 50) / 100;
  return static_cast<double>(tenths) / 10.0;
}

nlohmann::json WeighingToJson(const Weighing& w, const BalanceInUse& b) {
  return {{"what", w.what},     {"amount_mg", MgRounded(w.amount_ug)}, {"balance", b.balance.id},
          {"mwq_mg", b.mwq_mg}, {"weighable", !w.below_mwq},           {"portions", w.portions}};
}

nlohmann::json SolidAliquotToJson(const SolidAliquot& a) {
  return {{"method", "solid aliquot (trituration)"},
          {"drug", a.drug},
          {"diluent", a.diluent},
          {"required_mg", MgRounded(a.required_ug)},
          {"factor", a.factor},
          {"drug_weighed_mg", MgRounded(a.drug_weighed_ug)},
          {"diluent_mg", MgRounded(a.diluent_ug)},
          {"mixture_mg", MgRounded(a.mixture_ug)},
          {"aliquot_mg", MgRounded(a.aliquot_ug)},
          {"left_over_mg", MgRounded(a.left_over_ug)}};
}

nlohmann::json LiquidAliquotToJson(const LiquidAliquot& a) {
  return {{"method", "liquid aliquot (stock solution)"},
          {"what", a.what},
          {"required_mg", MgRounded(a.required_ug)},
          {"factor", a.factor},
          {"weighed_mg", MgRounded(a.weighed_ug)},
          {"stock_ml", a.stock_ml},
          {"aliquot_ml", a.aliquot_ml},
          {"stock_mg_per_ml", std::round(a.stock_mg_per_ml * 1000) / 1000}};
}

}  // namespace ldn::pharmacy
