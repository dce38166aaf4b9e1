#include "pharmacy/capsules.h"

#include <cmath>

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {

// LDN strengths are 0.5-6 mg (pharmacology-facts.md B1); one capsule never holds more than a whole
// 50 mg tablet, the only commercial strength.
constexpr int64_t kMaxStrengthUg = 50'000;
constexpr int64_t kMaxCount = 10'000;        // a batch limit of this tool, not a pharmacy rule
constexpr double kMaxFillWeightMg = 5000;    // far above the 000 capsule's ~1 g: only typing errors
constexpr double kMaxOveragePct = 25;        // idem
constexpr double kMaxTabletWeightMg = 2000;  // idem
// A calibrated fill this far outside the typical MCC range suggests a calibration or typing error.
constexpr double kFillSlack = 0.25;

std::string Pct(double v) {
  return fmt::format("{:.2f}%", v);
}

Status Validate(const CompoundingKnowledge& k, const CapsuleRequest& r) {
  if (r.strength.micrograms_hcl() <= 0 || r.strength.micrograms_hcl() > kMaxStrengthUg) {
    return Status::InvalidArgument("--strength", fmt::format("must be above 0 and at most 50 mg naltrexone HCl per "
                                                             "capsule (got {} mg)",
                                                             r.strength.FormatMg()));
  }
  if (r.count < 1 || r.count > kMaxCount) {
    return Status::InvalidArgument("--count", fmt::format("must be 1 to {} capsules (got {})", kMaxCount, r.count));
  }
  if (r.source == DrugSource::kApi) {
    if (!r.coa)
      return Status::InvalidArgument("--assay", "is required with --source api (from the certificate of analysis)");
    LDN_RETURN_IF_ERROR(CheckCoa(k, *r.coa));
    if (r.tablet_weight_mg) return Status::InvalidArgument("--tablet-weight", "applies only to --source tablets");
  } else {
    if (r.coa) return Status::InvalidArgument("--assay", "applies only to --source api");
    // A placebo twin has no drug powder: the tablets' weight does not enter it.
    if (!r.tablet_weight_mg && !r.placebo) {
      return Status::InvalidArgument("--tablet-weight",
                                     "is required with --source tablets: the average weight of the "
                                     "tablets, weighed (e.g. 10 tablets / 10)");
    }
    const double min_mg = k.tablet.strength.milligrams_hcl();
    if (r.tablet_weight_mg && (!std::isfinite(*r.tablet_weight_mg) || *r.tablet_weight_mg < min_mg ||
                               *r.tablet_weight_mg > kMaxTabletWeightMg)) {
      return Status::InvalidArgument("--tablet-weight", fmt::format("must be {}-{} mg: a {} mg tablet weighs at least "
                                                                    "its drug (got {})",
                                                                    FormatMilligrams(min_mg), kMaxTabletWeightMg,
                                                                    FormatMilligrams(min_mg), *r.tablet_weight_mg));
    }
  }
  if (!std::isfinite(r.fill_weight_mg) || r.fill_weight_mg <= 0 || r.fill_weight_mg > kMaxFillWeightMg) {
    return Status::InvalidArgument(
        "--fill-weight", fmt::format("must be above 0 and at most {} mg (got {})", kMaxFillWeightMg, r.fill_weight_mg));
  }
  if (!std::isfinite(r.overage_pct) || r.overage_pct < 0 || r.overage_pct > kMaxOveragePct) {
    return Status::InvalidArgument("--overage", fmt::format("must be 0-{}% (got {})", kMaxOveragePct, r.overage_pct));
  }
  return CheckDispensing(r.dispensing);
}

}  // namespace

Result<CapsuleBatch> CompoundCapsules(const CompoundingKnowledge& k, const CapsuleRequest& r) {
  CapsuleBatch b;
  Preparation& p = b.prep;
  LDN_RETURN_IF_ERROR(Validate(k, r));
  LDN_ASSIGN_OR_RETURN(b.size, FindCapsuleSize(k, r.capsule_size, "--capsule-size"));
  if (r.filler.empty()) {
    b.filler = DefaultFiller(k);
  } else {
    LDN_ASSIGN_OR_RETURN(b.filler, FindFiller(k, r.filler, "--filler"));
  }
  if (!b.filler.allowed) {
    return Status::InvalidArgument("--filler", b.filler.reason);
  }
  LDN_ASSIGN_OR_RETURN(BalanceInUse balance, SelectBalance(k, r.balance, r.mwq_mg));
  p.balance = balance;

  const std::string api_name = fmt::format("{} ({})", k.api.name, k.api.salt);
  const Dose& s = r.strength;
  b.powder_capsules = static_cast<double>(r.count) * (1.0 + r.overage_pct / 100.0);
  b.fill_weight_ug = std::llround(r.fill_weight_mg * 1000);
  b.total_powder_ug = std::llround(static_cast<double>(b.fill_weight_ug) * b.powder_capsules);
  const int64_t tablet_ug = k.tablet.strength.micrograms_hcl();
  if (!r.placebo) {
    b.api_hcl_ug = std::llround(static_cast<double>(s.micrograms_hcl()) * b.powder_capsules);
    if (r.source == DrugSource::kApi) {
      b.drug_powder_ug = std::llround(static_cast<double>(b.api_hcl_ug) / CoaFactor(*r.coa));
    } else {
      b.drug_powder_ug =
          std::llround(static_cast<double>(b.api_hcl_ug) / static_cast<double>(tablet_ug) * *r.tablet_weight_mg * 1000);
    }
  }
  if (b.drug_powder_ug >= b.total_powder_ug) {
    return Status::InvalidArgument(
        "--fill-weight",
        fmt::format("{} mg per capsule holds no filler: the drug powder alone is {} per capsule; use "
                    "a larger capsule",
                    FormatMilligrams(r.fill_weight_mg),
                    FormatMass(std::llround(static_cast<double>(b.drug_powder_ug) / b.powder_capsules))));
  }
  b.filler_ug = b.total_powder_ug - b.drug_powder_ug;
  b.drug_load_pct = 100.0 * static_cast<double>(b.drug_powder_ug) / static_cast<double>(b.total_powder_ug);
  b.naltrexone_load_pct = 100.0 * static_cast<double>(b.api_hcl_ug) / static_cast<double>(b.total_powder_ug);

  // Calibration plausibility against the typical MCC fill of the size.
  if (r.fill_weight_mg < b.size.typical_fill_low_mg * (1 - kFillSlack) ||
      r.fill_weight_mg > b.size.typical_fill_high_mg * (1 + kFillSlack)) {
    p.warnings.push_back(
        fmt::format("A #{} capsule ({} mL) typically holds {:.0f}-{:.0f} mg of microcrystalline "
                    "cellulose; {} mg is far from that: recheck the calibration.",
                    b.size.id, FormatMilligrams(b.size.volume_ml), b.size.typical_fill_low_mg,
                    b.size.typical_fill_high_mg, FormatMilligrams(r.fill_weight_mg)));
  }

  // Ingredients, weighings and calculations.
  p.kind = "capsules";
  p.placebo = r.placebo;
  p.prepared = r.dispensing.prepared;
  p.drug_source = r.placebo ? "none" : std::string(DrugSourceName(r.source));
  p.api_hcl_ug = b.api_hcl_ug;
  p.knowledge_versions = k.versions;
  p.patient = r.dispensing.patient;
  const std::string count_text = r.overage_pct > 0
                                     ? fmt::format("{} capsules (powder for {:.2f} with {}% overage)", r.count,
                                                   b.powder_capsules, FormatMilligrams(r.overage_pct))
                                     : fmt::format("{} capsules", r.count);
  auto& calc = p.calculations;
  std::string drug_what;
  if (!r.placebo) {
    calc.push_back(fmt::format("Naltrexone HCl: {} mg x {} = {}", s.FormatMg(),
                               r.overage_pct > 0 ? fmt::format("{:.2f} capsules of powder", b.powder_capsules)
                                                 : fmt::format("{} capsules", r.count),
                               FormatMass(b.api_hcl_ug)));
    if (r.source == DrugSource::kApi) {
      p.api_ug = b.drug_powder_ug;
      drug_what = fmt::format("{} API", api_name);
      calc.push_back(fmt::format(
          "Certificate of analysis: {} / ({:.4g} x (1 - {:.4g})) = {} of API to weigh "
          "(assay {}%, water {}%)",
          FormatMass(b.api_hcl_ug), r.coa->assay_pct / 100, r.coa->water_pct / 100, FormatMass(b.drug_powder_ug),
          FormatMilligrams(r.coa->assay_pct), FormatMilligrams(r.coa->water_pct)));
    } else {
      p.api_ug = b.api_hcl_ug;
      drug_what = fmt::format("powder of {} mg naltrexone HCl tablets", k.tablet.strength.FormatMg());
      calc.push_back(fmt::format(
          "Tablets: {} / {} mg = {:.3g} tablets; tablet powder {} / {} mg x {} mg (average "
          "tablet weight) = {}",
          FormatMass(b.api_hcl_ug), k.tablet.strength.FormatMg(),
          static_cast<double>(b.api_hcl_ug) / static_cast<double>(tablet_ug), FormatMass(b.api_hcl_ug),
          k.tablet.strength.FormatMg(), FormatMilligrams(*r.tablet_weight_mg), FormatMass(b.drug_powder_ug)));
    }
  }
  calc.push_back(fmt::format("Total powder: {} mg x {:.4g} = {}", FormatMilligrams(r.fill_weight_mg), b.powder_capsules,
                             FormatMass(b.total_powder_ug)));
  if (r.placebo) {
    calc.push_back(fmt::format("Placebo twin: the filler replaces the drug powder, {} {}", FormatMass(b.filler_ug),
                               b.filler.name));
  } else {
    calc.push_back(fmt::format("Filler: {} - {} = {} {}", FormatMass(b.total_powder_ug), FormatMass(b.drug_powder_ug),
                               FormatMass(b.filler_ug), b.filler.name));
    calc.push_back(fmt::format(
        "Drug load: {} / {} = {} w/w{}", FormatMass(b.drug_powder_ug), FormatMass(b.total_powder_ug),
        Pct(b.drug_load_pct),
        r.source == DrugSource::kTablets ? fmt::format(" (naltrexone HCl {} w/w)", Pct(b.naltrexone_load_pct)) : ""));
  }

  // Weighability and the aliquot plan.
  int64_t filler_to_weigh = b.filler_ug;
  std::string drug_step;
  if (!r.placebo) {
    Weighing w = CheckWeighing(drug_what, b.drug_powder_ug, balance);
    if (w.below_mwq) {
      SolidAliquot a = PlanSolidAliquot(b.drug_powder_ug, balance, drug_what, b.filler.name);
      filler_to_weigh = b.filler_ug - (a.aliquot_ug - a.required_ug);
      if (filler_to_weigh <= 0) {
        return Status::InvalidArgument(
            "--count", fmt::format("the batch ({} of powder) is too small for the aliquot method on a balance with a "
                                   "minimum weighable quantity of {} mg: make more capsules or use a more sensitive "
                                   "balance",
                                   FormatMass(b.total_powder_ug), FormatMilligrams(balance.mwq_mg)));
      }
      p.warnings.push_back(
          fmt::format("The {} ({}) is below the minimum weighable quantity of the {} ({} mg at "
                      "{}% error): weigh it by the aliquot method below, or use an analytical "
                      "balance.",
                      drug_what, FormatMass(b.drug_powder_ug), balance.balance.name, FormatMilligrams(balance.mwq_mg),
                      FormatMilligrams(k.weighing_error_pct)));
      p.weighings.push_back(CheckWeighing(drug_what + " for the trituration", a.drug_weighed_ug, balance));
      p.weighings.push_back(CheckWeighing(b.filler.name + " for the trituration", a.diluent_ug, balance));
      p.weighings.push_back(CheckWeighing("aliquot of the trituration", a.aliquot_ug, balance));
      calc.push_back(fmt::format(
          "Aliquot: weigh {} x {} = {}, dilute with {} {} to {}, and weigh {} of the mixture: "
          "it holds {} (discard {})",
          a.factor, FormatMass(a.required_ug), FormatMass(a.drug_weighed_ug), FormatMass(a.diluent_ug), b.filler.name,
          FormatMass(a.mixture_ug), FormatMass(a.aliquot_ug), FormatMass(a.required_ug), FormatMass(a.left_over_ug)));
      calc.push_back(fmt::format("Filler still to weigh: {} - ({} - {}) = {}", FormatMass(b.filler_ug),
                                 FormatMass(a.aliquot_ug), FormatMass(a.required_ug), FormatMass(filler_to_weigh)));
      drug_step = fmt::format(
          "Aliquot: weigh {} of {}; add {} of {} and triturate by geometric dilution to a "
          "uniform {} mixture; weigh {} of the mixture (it holds {}); discard the rest.",
          FormatMass(a.drug_weighed_ug), drug_what, FormatMass(a.diluent_ug), b.filler.name, FormatMass(a.mixture_ug),
          FormatMass(a.aliquot_ug), FormatMass(a.required_ug));
      p.solid_aliquot = a;
    } else {
      p.weighings.push_back(w);
      drug_step = fmt::format("Weigh {} of {}.", FormatMass(b.drug_powder_ug), drug_what);
    }
  }
  Weighing fw = CheckWeighing(b.filler.name, filler_to_weigh, balance);
  if (fw.below_mwq) {
    p.warnings.push_back(fmt::format("The {} to weigh ({}) is below the balance's minimum weighable quantity ({} mg).",
                                     b.filler.name, FormatMass(filler_to_weigh), FormatMilligrams(balance.mwq_mg)));
  }
  if (fw.portions > 1) {
    p.notes.push_back(fmt::format("The {} ({}) exceeds the {}'s capacity ({}): weigh it in {} portions.", b.filler.name,
                                  FormatMass(filler_to_weigh), balance.balance.name,
                                  FormatMass(std::llround(balance.balance.capacity_mg * 1000)), fw.portions));
  }
  p.weighings.push_back(fw);

  if (r.source == DrugSource::kTablets && !r.placebo) {
    const int64_t needed_ug = p.solid_aliquot ? p.solid_aliquot->drug_weighed_ug : b.drug_powder_ug;
    const double tablets_exact = static_cast<double>(needed_ug) / (*r.tablet_weight_mg * 1000);
    b.tablets = static_cast<int>(std::ceil(tablets_exact - 1e-9));
    p.warnings.push_back(
        fmt::format("Tablets carry their {}-{}% content tolerance (USP) into every capsule; only an "
                    "assay of the capsules would detect it (pharmacology-facts.md B3).",
                    FormatMilligrams(100 - k.tablet.content_tolerance_pct),
                    FormatMilligrams(100 + k.tablet.content_tolerance_pct)));
    p.warnings.push_back(
        fmt::format("The tablet powder is {} of the fill and includes film coat and excipients "
                    "({}...): the fill weight was calibrated with the filler alone, so weigh 10 "
                    "filled capsules and compare.",
                    Pct(100.0 * static_cast<double>(b.drug_powder_ug) / static_cast<double>(b.total_powder_ug)),
                    k.tablet.excipients.empty() ? "" : k.tablet.excipients.front()));
  }

  // Ingredients.
  if (!r.placebo) {
    Ingredient drug;
    drug.role = "active";
    drug.amount_ug = b.drug_powder_ug;
    drug.naltrexone_hcl_ug = b.api_hcl_ug;
    if (r.source == DrugSource::kApi) {
      drug.name = fmt::format("{} API", api_name);
      drug.detail = fmt::format("{} corrected by the CoA (assay {}%, water {}%)", FormatMass(b.api_hcl_ug),
                                FormatMilligrams(r.coa->assay_pct), FormatMilligrams(r.coa->water_pct));
    } else {
      drug.name = fmt::format("{} mg naltrexone HCl tablets, ground", k.tablet.strength.FormatMg());
      drug.tablets = b.tablets;
      drug.detail = fmt::format("grind {} tablet{}, weigh {} of the powder", b.tablets, b.tablets == 1 ? "" : "s",
                                FormatMass(p.solid_aliquot ? p.solid_aliquot->drug_weighed_ug : b.drug_powder_ug));
    }
    p.ingredients.push_back(std::move(drug));
  }
  Ingredient filler;
  filler.name = b.filler.name;
  filler.role = "filler";
  filler.amount_ug = b.filler_ug;
  filler.detail = r.placebo ? "placebo: the whole fill"
                            : fmt::format("total powder {} minus the drug powder", FormatMass(b.total_powder_ug));
  p.ingredients.push_back(std::move(filler));

  // BUD: a solid (USP <795> 180 days); the Cote 2018 capsule study is shown, not applied.
  BudRequest bud_request;
  bud_request.category = BudCategory::kSolid;
  bud_request.storage = r.storage;
  bud_request.prepared = r.dispensing.prepared;
  bud_request.component_expiries = r.dispensing.component_expiries;
  bud_request.formula = b.filler.id == "microcrystalline-cellulose" ? "capsules-mcc" : "capsules";
  LDN_ASSIGN_OR_RETURN(p.bud, ComputeBud(k, bud_request));

  // Identity and label.
  const std::string key =
      fmt::format("capsules|{}|{}|{}|{}|{}|{}|{}|{}|{}", s.micrograms_hcl(), r.count, DrugSourceName(r.source),
                  r.capsule_size, r.fill_weight_mg, b.filler.id, r.overage_pct, r.placebo, r.dispensing.patient);
  p.batch_id = r.dispensing.batch_id.empty() ? DefaultBatchId(p.prepared, key) : r.dispensing.batch_id;
  p.title = r.placebo ? fmt::format("Placebo capsules matching naltrexone HCl {} mg, {}", s.FormatMg(), count_text)
                      : fmt::format("Naltrexone HCl {} mg capsules, {}", s.FormatMg(), count_text);
  Label& l = p.label;
  l.rx_id = p.batch_id;
  l.patient = r.dispensing.patient;
  l.strength_hcl = s;
  l.strength_base_mg = s.milligrams_base();
  if (r.placebo) {
    l.product = "Placebo capsules (no naltrexone)";
    l.strength =
        fmt::format("Each capsule: {} only; matches naltrexone HCl {} mg capsules", b.filler.name, s.FormatMg());
  } else {
    l.product = fmt::format("Naltrexone HCl {} mg capsules", s.FormatMg());
    l.strength = fmt::format("Each capsule: naltrexone hydrochloride {} mg (= {} mg naltrexone base)", s.FormatMg(),
                             FormatBaseMg(s.milligrams_base()));
  }
  l.form = "capsule";
  l.quantity = fmt::format("{} capsules", r.count);
  l.directions =
      r.dispensing.directions.empty()
          ? fmt::format("Take one capsule by mouth once daily {}, or as directed by the prescriber.", r.dispensing.when)
          : r.dispensing.directions;
  l.prepared = FormatDate(p.prepared);
  l.bud = FormatDate(p.bud.date);
  l.storage = StorageInstruction(r.storage);
  l.compounded_statement = k.labels.compounded_statement;
  l.warnings.push_back(k.labels.opioid_warning);
  l.pharmacy = r.dispensing.pharmacy;

  // Worksheet content.
  auto& sum = p.summary;
  sum.emplace_back("Preparation", p.title);
  sum.emplace_back("Batch", p.batch_id);
  sum.emplace_back("Prepared", FormatDate(p.prepared));
  sum.emplace_back("Patient", r.dispensing.patient);
  if (r.placebo) {
    sum.emplace_back("Drug source", "none (placebo twin)");
  } else if (r.source == DrugSource::kApi) {
    sum.emplace_back("Drug source",
                     fmt::format("API, CoA assay {}% (anhydrous), water {}%", FormatMilligrams(r.coa->assay_pct),
                                 FormatMilligrams(r.coa->water_pct)));
  } else {
    sum.emplace_back("Drug source", fmt::format("{} mg tablets, average weight {} mg", k.tablet.strength.FormatMg(),
                                                FormatMilligrams(*r.tablet_weight_mg)));
  }
  sum.emplace_back("Strength", r.placebo ? "placebo (0 mg)"
                                         : fmt::format("{} mg naltrexone HCl (= {} mg base) per capsule", s.FormatMg(),
                                                       FormatBaseMg(s.milligrams_base())));
  sum.emplace_back("Capsule", fmt::format("size #{}, {} mL; typical MCC fill {:.0f}-{:.0f} mg", b.size.id,
                                          FormatMilligrams(b.size.volume_ml), b.size.typical_fill_low_mg,
                                          b.size.typical_fill_high_mg));
  sum.emplace_back("Fill weight",
                   fmt::format("{} mg per capsule (calibrated with the filler)", FormatMilligrams(r.fill_weight_mg)));
  sum.emplace_back("Drug load", r.placebo ? "0%" : Pct(b.drug_load_pct) + " w/w");
  sum.emplace_back("Balance",
                   fmt::format("{}; minimum weighable quantity {} mg{}", balance.balance.name,
                               FormatMilligrams(balance.mwq_mg), balance.mwq_overridden ? " (pharmacy's own)" : ""));
  sum.emplace_back("Beyond-use date", fmt::format("{} ({} days): {}", FormatDate(p.bud.date), p.bud.days, p.bud.basis));
  sum.emplace_back("Storage", StorageInstruction(r.storage));

  auto& m = p.method;
  m.push_back(
      fmt::format("Calibrate: fill 10 size #{} capsules with {} alone and weigh them; the average net fill "
                  "must be {} mg.",
                  b.size.id, b.filler.name, FormatMilligrams(r.fill_weight_mg)));
  if (!r.placebo && r.source == DrugSource::kTablets) {
    m.push_back(
        fmt::format("Count {} naltrexone HCl {} mg tablets and grind them to a fine, uniform powder in a "
                    "mortar.",
                    b.tablets, k.tablet.strength.FormatMg()));
  }
  if (!drug_step.empty()) m.push_back(drug_step);
  m.push_back(fmt::format("Weigh {} of {}{}.", FormatMass(filler_to_weigh), b.filler.name,
                          fw.portions > 1 ? fmt::format(" in {} portions", fw.portions) : ""));
  if (!r.placebo) {
    m.push_back(
        "Mix by geometric dilution: the drug (or the aliquot) with an equal mass of filler, then add filler "
        "equal to the mixture each time until all is incorporated (Allen 2020).");
  } else {
    m.push_back("Mix the filler for as long as the active batch is mixed (same handling, same appearance).");
  }
  m.push_back(fmt::format("Fill {} size #{} capsules to {} mg net each; close them and wipe off any powder.", r.count,
                          b.size.id, FormatMilligrams(r.fill_weight_mg)));
  m.push_back("Quality control (below), then label and package in a tight, light-resistant container.");
  p.qc.push_back(
      fmt::format("Weight variation: weigh 10 filled capsules individually; net fill within 90-110% of "
                  "{} mg (Allen 2020; USP tolerance, pharmacology-facts.md B6).",
                  FormatMilligrams(r.fill_weight_mg)));
  p.qc.push_back("Appearance: uniform, closed capsules with no powder outside.");
  p.qc.push_back(fmt::format("Yield: {} capsules counted.", r.count));
  if (!r.placebo) {
    p.qc.push_back(fmt::format(
        "Assay when sent to a laboratory: {}-{}% of label (USP; pharmacology-facts.md "
        "B6).",
        FormatMilligrams(100 - k.preparation_tolerance_pct), FormatMilligrams(100 + k.preparation_tolerance_pct)));
  }
  p.sources.push_back(b.filler.source);
  p.sources.push_back(b.size.source);
  p.sources.push_back(balance.balance.source);
  p.sources.push_back(
      "Worked example and method: pharmacology-facts.md B3 (The Compounder; Allen, US Pharm 2020;45(3):9)");
  if (!r.placebo && r.source == DrugSource::kApi) p.sources.push_back(k.api.source);
  if (!r.placebo && r.source == DrugSource::kTablets) p.sources.push_back(k.tablet.source);
  p.sources.push_back(k.labels.compounded_source);
  p.sources.push_back(k.labels.opioid_source);
  for (const std::string& n : p.bud.notes) p.notes.push_back(n);
  return b;
}

nlohmann::json CapsuleBatchToJson(const CapsuleBatch& b) {
  nlohmann::json j = PreparationToJson(b.prep);
  j["strength_mg"] = b.prep.label.strength_hcl.milligrams_hcl();
  j["strength_mg_base"] = std::round(b.prep.label.strength_base_mg * 1000) / 1000;
  j["capsule"] = {
      {"size", b.size.id},
      {"volume_ml", b.size.volume_ml},
      {"typical_fill_mg", {std::round(b.size.typical_fill_low_mg), std::round(b.size.typical_fill_high_mg)}},
      {"fill_weight_mg", MgRounded(b.fill_weight_ug)},
      {"powder_capsules", std::round(b.powder_capsules * 100) / 100},
      {"source", b.size.source}};
  j["filler"] = {{"id", b.filler.id}, {"name", b.filler.name}, {"source", b.filler.source}};
  j["filler_mg"] = MgRounded(b.filler_ug);
  j["total_powder_mg"] = MgRounded(b.total_powder_ug);
  j["drug_powder_mg"] = MgRounded(b.drug_powder_ug);
  j["drug_load_pct"] = std::round(b.drug_load_pct * 100) / 100;
  j["naltrexone_load_pct"] = std::round(b.naltrexone_load_pct * 100) / 100;
  j["tablets"] = b.tablets;
  return j;
}

}  // namespace ldn::pharmacy
