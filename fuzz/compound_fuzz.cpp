// Compounding options (`ldn compound capsules|liquid|home-dilution`, the pharmacist's worksheet
// API): the request structs those doors fill, with every field taken from the fuzzer -- numbers
// anywhere (negative, huge, NaN, infinite), names of sizes, fillers, formulas, balances and
// storage as any text -- then the worksheet in text and HTML, and the blinded placebo twin.
// Properties: a refusal is kInvalidArgument naming an option; a batch never contains a negative
// amount; HTML output never carries an unescaped '<' from the input.
#include <cmath>
#include <limits>

#include <fuzzer/FuzzedDataProvider.h>

#include "pharmacy/capsules.h"
#include "pharmacy/liquid.h"
#include "pharmacy/twin.h"
#include "pharmacy/worksheet.h"
#include "fuzz_support.h"

namespace ph = ldn::pharmacy;

namespace {

double AnyNumber(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 6)) {
    case 0: return std::numeric_limits<double>::quiet_NaN();
    case 1: return std::numeric_limits<double>::infinity();
    case 2: return -in.ConsumeFloatingPointInRange<double>(0, 1e6);
    case 3: return in.ConsumeFloatingPoint<double>();
    default: return in.ConsumeFloatingPointInRange<double>(0, 5000);
  }
}

std::optional<double> MaybeNumber(FuzzedDataProvider& in) {
  if (in.ConsumeBool()) return std::nullopt;
  return AnyNumber(in);
}

std::string Name(FuzzedDataProvider& in, std::initializer_list<const char*> known) {
  const size_t pick = in.ConsumeIntegralInRange<size_t>(0, known.size());
  if (pick < known.size()) return *(known.begin() + pick);
  return in.ConsumeRandomLengthString(40);
}

// A Dose is never negative (FromMicrogramsHcl's precondition; the doors read doses through the
// parsers of core/dose.h, which refuse one): 0 and the whole range above the largest strength.
ldn::Dose AnyDose(FuzzedDataProvider& in) {
  return ldn::Dose::FromMicrogramsHcl(in.ConsumeIntegralInRange<int64_t>(0, 200'000));
}

ldn::LocalDate AnyDate(FuzzedDataProvider& in) {
  return ldn::AddDays(*ldn::ParseDate("2026-01-01", "d"), in.ConsumeIntegralInRange<int>(-40000, 40000));
}

ph::Dispensing AnyDispensing(FuzzedDataProvider& in) {
  ph::Dispensing d;
  d.prepared = AnyDate(in);
  const int expiries = in.ConsumeIntegralInRange<int>(0, 3);
  for (int i = 0; i < expiries; ++i) d.component_expiries.push_back(AnyDate(in));
  d.batch_id = in.ConsumeRandomLengthString(80);
  d.patient = in.ConsumeRandomLengthString(80);
  d.pharmacy = in.ConsumeRandomLengthString(80);
  d.directions = in.ConsumeRandomLengthString(120);
  return d;
}

std::vector<ph::ScheduledDose> AnyDoses(FuzzedDataProvider& in) {
  std::vector<ph::ScheduledDose> doses;
  const int n = in.ConsumeIntegralInRange<int>(0, 4);
  for (int i = 0; i < n; ++i) {
    ph::ScheduledDose s;
    s.dose = AnyDose(in);
    if (in.ConsumeBool()) s.start = AnyDate(in);
    if (in.ConsumeBool()) s.end = AnyDate(in);
    doses.push_back(s);
  }
  return doses;
}

void CheckPreparation(const ph::Preparation& p) {
  for (const ph::Ingredient& i : p.ingredients) {
    if (i.amount_ug) LDN_FUZZ_CHECK(*i.amount_ug >= 0, "a negative amount of " + i.name);
    if (i.amount_ml) LDN_FUZZ_CHECK(std::isfinite(*i.amount_ml) && *i.amount_ml >= 0, "a bad volume of " + i.name);
  }
  const ph::Worksheet sheet = ph::BuildWorksheet(p);
  (void)ph::WorksheetText({sheet});
  const std::string html = ph::WorksheetHtml({sheet});
  LDN_FUZZ_CHECK(html.find("<script") == std::string::npos, "input reached the HTML unescaped");
}

template <typename T>
bool Refused(const ldn::Result<T>& r, const char* where) {
  if (r.ok()) return false;
  ldn::fuzz::CheckInputError(r.status(), where);
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const ph::CompoundingKnowledge* k = [] {
    const auto& loaded = ph::LoadCompoundingKnowledge();
    LDN_FUZZ_CHECK(loaded.ok(), loaded.status().ToString());
    return &*loaded;
  }();
  FuzzedDataProvider in(data, size);
  const int kind = in.ConsumeIntegralInRange<int>(0, 2);
  if (kind == 0) {
    ph::CapsuleRequest r;
    r.strength = AnyDose(in);
    r.count = in.ConsumeIntegralInRange<int64_t>(-10, 20000);
    r.source = in.ConsumeBool() ? ph::DrugSource::kApi : ph::DrugSource::kTablets;
    if (in.ConsumeBool()) r.coa = ph::Coa{AnyNumber(in), AnyNumber(in)};
    r.tablet_weight_mg = MaybeNumber(in);
    r.capsule_size = Name(in, {"3", "#1", "0", "000", "5"});
    r.fill_weight_mg = AnyNumber(in);
    r.filler = Name(in, {"", "microcrystalline cellulose", "lactose", "calcium carbonate"});
    if (auto o = MaybeNumber(in)) r.overage_pct = *o;
    r.balance = Name(in, {"class-a", "class-ii", "analytical"});
    r.mwq_mg = MaybeNumber(in);
    r.storage = in.ConsumeBool() ? ph::Storage::kRoom : ph::Storage::kFridge;
    r.placebo = in.ConsumeBool();
    r.dispensing = AnyDispensing(in);
    const bool twin = !r.placebo && in.ConsumeBool();
    const std::string code_a = in.ConsumeRandomLengthString(44), code_b = in.ConsumeRandomLengthString(44);
    auto batch = ph::CompoundCapsules(*k, r);
    if (Refused(batch, "CompoundCapsules")) return 0;
    (void)ph::CapsuleBatchToJson(*batch).dump();
    CheckPreparation(batch->prep);
    if (twin) {
      ph::CapsuleRequest t = r;
      t.placebo = true;
      t.dispensing.batch_id = in.ConsumeRandomLengthString(40);
      auto placebo = ph::CompoundCapsules(*k, t);
      if (Refused(placebo, "CompoundCapsules (twin)")) return 0;
      auto link = ph::BlindPair(*k, batch->prep, placebo->prep, code_a, code_b);
      if (Refused(link, "BlindPair")) return 0;
      (void)ph::LinkRecordToJson(*link).dump();
      CheckPreparation(placebo->prep);
    }
  } else if (kind == 1) {
    ph::LiquidRequest r;
    r.concentration_per_ml = AnyDose(in);
    r.volume_ml = in.ConsumeIntegralInRange<int64_t>(-10, 20000);
    r.source = in.ConsumeBool() ? ph::DrugSource::kApi : ph::DrugSource::kTablets;
    if (in.ConsumeBool()) r.coa = ph::Coa{AnyNumber(in), AnyNumber(in)};
    r.preserved = in.ConsumeBool();
    r.storage = in.ConsumeBool() ? ph::Storage::kRoom : ph::Storage::kFridge;
    r.formula = Name(in, {"fawcett-1997", "ora-plus", "simple-syrup"});
    r.balance = Name(in, {"class-a", "class-ii"});
    r.mwq_mg = MaybeNumber(in);
    r.doses = AnyDoses(in);
    r.min_syringe_centi_ml = in.ConsumeIntegralInRange<int64_t>(1, 500);
    r.placebo = in.ConsumeBool();
    r.dispensing = AnyDispensing(in);
    auto batch = ph::CompoundLiquid(*k, r);
    if (Refused(batch, "CompoundLiquid")) return 0;
    (void)ph::LiquidBatchToJson(*batch).dump();
    CheckPreparation(batch->prep);
  } else {
    ph::HomeDilutionRequest r;
    if (in.ConsumeBool()) r.water_ml = in.ConsumeIntegralInRange<int64_t>(-10, 2000);
    r.doses = AnyDoses(in);
    r.storage = in.ConsumeBool() ? ph::Storage::kRoom : ph::Storage::kFridge;
    r.min_syringe_centi_ml = in.ConsumeIntegralInRange<int64_t>(1, 500);
    r.dispensing = AnyDispensing(in);
    auto home = ph::PrepareHomeDilution(*k, r);
    if (Refused(home, "PrepareHomeDilution")) return 0;
    (void)ph::HomeDilutionToJson(*home).dump();
    CheckPreparation(home->prep);
  }
  return 0;
}
