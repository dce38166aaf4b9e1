#include "pharmacy/liquid.h"

#include <cassert>
#include <cmath>
#include <functional>

#include <fmt/format.h>

namespace ldn::pharmacy {
namespace {

constexpr int64_t kMaxVolumeMl = 1000;  // a batch limit of this tool, not a pharmacy rule
constexpr int64_t kMinHomeWaterMl = 10;
constexpr int64_t kMaxHomeWaterMl = 500;
constexpr size_t kMaxDirectionSteps = 6;  // label space

std::string CentiMl(int64_t c) {
  std::string s = fmt::format("{}.{:02d}", c / 100, c % 100);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

// The volumes of `doses`, flags after the BUD and below the syringe minimum; and, for dated doses,
// the last day this batch doses fully (the BUD or the volume runs out first).
void ComputeVolumes(const std::vector<ScheduledDose>& doses, const std::function<int64_t(Dose)>& volume,
                    int64_t batch_centi_ml, LocalDate bud, int64_t min_centi_ml, std::vector<DoseVolume>& out,
                    std::optional<LocalDate>& supply_until, std::string& limited_by) {
  for (const ScheduledDose& d : doses) {
    DoseVolume v;
    v.step = d;
    v.centi_ml = volume(d.dose);
    v.after_bud = d.start && *d.start > bud;
    v.below_syringe_minimum = v.centi_ml < min_centi_ml;
    out.push_back(v);
  }
  if (out.empty() || !out.front().step.start) return;
  int64_t remaining = batch_centi_ml;
  LocalDate day = *out.front().step.start;
  size_t i = 0;
  while (true) {
    if (day > bud) {
      supply_until = bud;
      limited_by = "bud";
      return;
    }
    while (i + 1 < out.size() && out[i + 1].step.start && *out[i + 1].step.start <= day) ++i;
    if (remaining < out[i].centi_ml) {
      supply_until = AddDays(day, -1);
      limited_by = "volume";
      return;
    }
    remaining -= out[i].centi_ml;
    day = AddDays(day, 1);
  }
}

nlohmann::json DoseVolumesJson(const std::vector<DoseVolume>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const DoseVolume& d : v) {
    a.push_back({{"dose_mg", d.step.dose.milligrams_hcl()},
                 {"volume_ml", static_cast<double>(d.centi_ml) / 100.0},
                 {"start", d.step.start ? nlohmann::json(FormatDate(*d.step.start)) : nlohmann::json(nullptr)},
                 {"end", d.step.end ? nlohmann::json(FormatDate(*d.step.end)) : nlohmann::json(nullptr)},
                 {"after_bud", d.after_bud},
                 {"below_syringe_minimum", d.below_syringe_minimum}});
  }
  return a;
}

// "Take by mouth once daily at bedtime ...": one dose, a dated titration, or undated strengths.
std::string DefaultDirections(const std::vector<DoseVolume>& v, const std::string& when, const std::string& per_ml,
                              const std::optional<LocalDate>& supply_until) {
  if (v.size() == 1) {
    return fmt::format("Take {} mL ({} mg) by mouth once daily {}, measured with an oral syringe.",
                       CentiMl(v[0].centi_ml), v[0].step.dose.FormatMg(), when);
  }
  if (!v.empty() && v.front().step.start) {
    std::string steps;
    size_t shown = 0;
    for (const DoseVolume& d : v) {
      if (d.after_bud || (supply_until && *d.step.start > *supply_until)) break;
      if (shown == kMaxDirectionSteps) {
        steps += "; then as on your plan";
        break;
      }
      steps += fmt::format("{}{} mL ({} mg) from {}", steps.empty() ? "" : "; ", CentiMl(d.centi_ml),
                           d.step.dose.FormatMg(), FormatDate(*d.step.start));
      ++shown;
    }
    return fmt::format("Take by mouth once daily {}, measured with an oral syringe: {}.", when, steps);
  }
  return fmt::format(
      "Take the prescribed dose by mouth once daily {}, measured with an oral syringe ({} in each "
      "mL).",
      when, per_ml);
}

// "2026-11-22 to 2026-11-28: 1 mg = 1 mL", or "4.5 mg = 4.5 mL" for an undated dose.
std::vector<std::string> DoseLines(const std::vector<DoseVolume>& v, double mg_per_ml) {
  std::vector<std::string> lines;
  for (const DoseVolume& d : v) {
    std::string when;
    if (d.step.start) {
      when = d.step.end ? fmt::format("{} to {}: ", FormatDate(*d.step.start), FormatDate(*d.step.end))
                        : fmt::format("from {}: ", FormatDate(*d.step.start));
    }
    lines.push_back(fmt::format("{}{} mg = {} mL at {:.4g} mg/mL{}{}", when, d.step.dose.FormatMg(),
                                CentiMl(d.centi_ml), mg_per_ml,
                                d.after_bud ? " (after the BUD: needs a new batch)" : "",
                                d.below_syringe_minimum ? " (too small to measure well)" : ""));
  }
  return lines;
}

void VolumeWarnings(const std::vector<DoseVolume>& v, int64_t min_centi_ml, std::vector<std::string>& warnings) {
  bool small = false, after = false;
  for (const DoseVolume& d : v) {
    small = small || d.below_syringe_minimum;
    after = after || d.after_bud;
  }
  if (small) {
    warnings.push_back(
        fmt::format("Some dose volumes are below {} mL, too small to measure well with an oral "
                    "syringe: use a weaker concentration.",
                    CentiMl(min_centi_ml)));
  }
  if (after) warnings.push_back("Some titration steps start after the beyond-use date: they need a new batch.");
}

}  // namespace

int64_t DoseVolumeCentiMl(Dose dose, Dose per_ml) {
  const int64_t c = per_ml.micrograms_hcl();
  assert(c > 0);
  return (dose.micrograms_hcl() * 100 * 2 + c) / (2 * c);
}

std::vector<ScheduledDose> CommonStrengths() {
  // pharmacology-facts.md B1: common strengths 0.5, 1, 1.5, 3, 4.5 mg.
  std::vector<ScheduledDose> out;
  for (int64_t ug : {500, 1000, 1500, 3000, 4500}) out.push_back({Dose::FromMicrogramsHcl(ug), {}, {}});
  return out;
}

Result<LiquidBatch> CompoundLiquid(const CompoundingKnowledge& k, const LiquidRequest& r) {
  LiquidBatch b;
  Preparation& p = b.prep;
  const int64_t c_ug = r.concentration_per_ml.micrograms_hcl();
  if (c_ug <= 0) return Status::InvalidArgument("--concentration", "must be above 0 mg/mL");
  if (static_cast<double>(c_ug) / 1000.0 > k.api.aqueous_solubility_mg_per_ml) {
    return Status::InvalidArgument(
        "--concentration",
        fmt::format("{} mg/mL is more than the volume can hold: naltrexone HCl dissolves in water only to about {} "
                    "mg/mL (FDA label)",
                    r.concentration_per_ml.FormatMg(), FormatMilligrams(k.api.aqueous_solubility_mg_per_ml)));
  }
  if (r.volume_ml < 1 || r.volume_ml > kMaxVolumeMl) {
    return Status::InvalidArgument(
        "--volume", fmt::format("must be a whole number of mL, 1 to {} (got {})", kMaxVolumeMl, r.volume_ml));
  }
  LDN_ASSIGN_OR_RETURN(b.formula, FindLiquidFormula(k, r.formula, "--formula"));
  const int64_t tablet_ug = k.tablet.strength.micrograms_hcl();
  const int64_t total_ug = c_ug * r.volume_ml;
  if (r.source == DrugSource::kApi) {
    if (!r.coa)
      return Status::InvalidArgument("--assay", "is required with --source api (from the certificate of analysis)");
    LDN_RETURN_IF_ERROR(CheckCoa(k, *r.coa));
  } else {
    if (r.coa) return Status::InvalidArgument("--assay", "applies only to --source api");
    if (total_ug % tablet_ug != 0) {
      const int64_t lo = total_ug / tablet_ug;
      const auto volume_for = [&](int64_t n) { return static_cast<double>(n * tablet_ug) / static_cast<double>(c_ug); };
      std::string hint = lo > 0 ? fmt::format("{} tablets make {:.4g} mL, ", lo, volume_for(lo)) : "";
      return Status::InvalidArgument(
          "--volume", fmt::format("{} mg/mL x {} mL = {} naltrexone HCl is not a whole number of {} mg tablets; {}{} "
                                  "tablets make {:.4g} mL (or use --source api)",
                                  r.concentration_per_ml.FormatMg(), r.volume_ml, FormatMass(total_ug),
                                  k.tablet.strength.FormatMg(), hint, lo + 1, volume_for(lo + 1)));
    }
  }
  LDN_RETURN_IF_ERROR(CheckDispensing(r.dispensing));
  LDN_ASSIGN_OR_RETURN(BalanceInUse balance, SelectBalance(k, r.balance, r.mwq_mg));
  b.concentration_per_ml = r.concentration_per_ml;
  b.volume_ml = r.volume_ml;
  p.balance = balance;
  p.kind = "liquid";
  p.placebo = r.placebo;
  p.prepared = r.dispensing.prepared;
  p.patient = r.dispensing.patient;
  p.knowledge_versions = k.versions;
  p.drug_source = r.placebo ? "none" : std::string(DrugSourceName(r.source));
  const double v = static_cast<double>(r.volume_ml);
  const std::string api_name = fmt::format("{} ({})", k.api.name, k.api.salt);

  // The drug.
  std::string drug_step;
  if (!r.placebo) {
    p.api_hcl_ug = total_ug;
    p.calculations.push_back(fmt::format("Naltrexone HCl: {} mg/mL x {} mL = {}", r.concentration_per_ml.FormatMg(),
                                         r.volume_ml, FormatMass(total_ug)));
    Ingredient drug;
    drug.role = "active";
    drug.naltrexone_hcl_ug = total_ug;
    if (r.source == DrugSource::kTablets) {
      b.tablets = static_cast<int>(total_ug / tablet_ug);
      p.api_ug = total_ug;
      drug.name = fmt::format("{} mg naltrexone HCl tablets", k.tablet.strength.FormatMg());
      drug.tablets = b.tablets;
      drug.amount_ug = total_ug;
      drug.detail = fmt::format("{} whole tablets ({} naltrexone HCl)", b.tablets, FormatMass(total_ug));
      p.calculations.push_back(fmt::format("Tablets: {} / {} mg = {} tablets", FormatMass(total_ug),
                                           k.tablet.strength.FormatMg(), b.tablets));
      p.warnings.push_back(
          fmt::format("Made from tablets, the liquid carries the tablets' insoluble excipients ({}): "
                      "it is cloudy and gritty; shake well. Tablet content is {}-{}% of label.",
                      "microcrystalline cellulose, silicon dioxide, titanium dioxide, film coat",
                      FormatMilligrams(100 - k.tablet.content_tolerance_pct),
                      FormatMilligrams(100 + k.tablet.content_tolerance_pct)));
      drug_step = fmt::format("Count {} naltrexone HCl {} mg tablets and triturate them to a fine powder in a mortar.",
                              b.tablets, k.tablet.strength.FormatMg());
    } else {
      const int64_t weigh = std::llround(static_cast<double>(total_ug) / CoaFactor(*r.coa));
      p.api_ug = weigh;
      drug.name = fmt::format("{} API", api_name);
      drug.amount_ug = weigh;
      drug.detail = fmt::format("{} corrected by the CoA (assay {}%, water {}%)", FormatMass(total_ug),
                                FormatMilligrams(r.coa->assay_pct), FormatMilligrams(r.coa->water_pct));
      p.calculations.push_back(fmt::format("Certificate of analysis: {} / ({:.4g} x (1 - {:.4g})) = {} of API to weigh",
                                           FormatMass(total_ug), r.coa->assay_pct / 100, r.coa->water_pct / 100,
                                           FormatMass(weigh)));
      Weighing w = CheckWeighing(drug.name, weigh, balance);
      if (w.below_mwq) {
        LDN_ASSIGN_OR_RETURN(LiquidAliquot a, PlanLiquidAliquot(weigh, balance, drug.name, k.liquid_aliquot_ml,
                                                                k.api.aqueous_solubility_mg_per_ml, "--balance"));
        p.liquid_aliquots.push_back(a);
        drug_step = fmt::format(
            "Stock solution: weigh {} of {}, dissolve in purified water to {} mL, and measure {} mL "
            "(it holds {}).",
            FormatMass(a.weighed_ug), drug.name, FormatMilligrams(a.stock_ml), FormatMilligrams(a.aliquot_ml),
            FormatMass(a.required_ug));
        p.weighings.push_back(CheckWeighing(drug.name + " for the stock solution", a.weighed_ug, balance));
      } else {
        p.weighings.push_back(w);
        drug_step = fmt::format("Weigh {} of {}.", FormatMass(weigh), drug.name);
      }
    }
    p.ingredients.push_back(std::move(drug));
  } else {
    p.calculations.push_back("Placebo twin: the same vehicle without naltrexone.");
  }

  // The vehicle, scaled per mL from the formula's 100 mL.
  double fixed_ml = 0;
  std::vector<std::string> vehicle_steps;
  for (const FormulaComponent& c : b.formula.per_100ml) {
    if (c.preservative && !r.preserved) continue;
    LDN_ASSIGN_OR_RETURN(LiquidExcipient x, FindLiquidExcipient(k, c.excipient));
    Ingredient i;
    i.name = x.name;
    i.role = x.role;
    if (c.mg_per_100ml) {
      i.amount_ug = std::llround(*c.mg_per_100ml * v / 100.0 * 1000);
      i.detail = fmt::format("{} mg per 100 mL", FormatMilligrams(*c.mg_per_100ml));
      p.calculations.push_back(fmt::format("{}: {} mg / 100 mL x {} mL = {}", x.name, FormatMilligrams(*c.mg_per_100ml),
                                           r.volume_ml, FormatMass(*i.amount_ug)));
      Weighing w = CheckWeighing(x.name, *i.amount_ug, balance);
      if (w.below_mwq) {
        LDN_ASSIGN_OR_RETURN(LiquidAliquot a, PlanLiquidAliquot(*i.amount_ug, balance, x.name, k.liquid_aliquot_ml,
                                                                x.solubility_mg_per_ml, "--balance"));
        p.liquid_aliquots.push_back(a);
        vehicle_steps.push_back(
            fmt::format("Stock solution: weigh {} of {}, dissolve in purified water to {} mL, and "
                        "measure {} mL (it holds {}).",
                        FormatMass(a.weighed_ug), x.name, FormatMilligrams(a.stock_ml), FormatMilligrams(a.aliquot_ml),
                        FormatMass(a.required_ug)));
        p.weighings.push_back(CheckWeighing(x.name + " for the stock solution", a.weighed_ug, balance));
      } else {
        p.weighings.push_back(w);
      }
    } else if (c.ml_per_100ml) {
      i.amount_ml = *c.ml_per_100ml * v / 100.0;
      fixed_ml += *i.amount_ml;
      i.detail = fmt::format("{} mL per 100 mL", FormatMilligrams(*c.ml_per_100ml));
      p.calculations.push_back(fmt::format("{}: {} mL / 100 mL x {} mL = {:.4g} mL", x.name,
                                           FormatMilligrams(*c.ml_per_100ml), r.volume_ml, *i.amount_ml));
    } else {
      i.amount_ml = v;
      i.qs = true;
      i.detail = fmt::format("to {} mL", r.volume_ml);
    }
    p.ingredients.push_back(std::move(i));
  }
  double aliquot_ml = 0;
  for (const LiquidAliquot& a : p.liquid_aliquots) aliquot_ml += a.aliquot_ml;
  if (aliquot_ml > (v - fixed_ml) / 2) {
    p.warnings.push_back(
        "The stock-solution aliquots take more than half of the water: use a balance with a lower "
        "minimum weighable quantity, or a larger batch.");
  }
  for (const LiquidAliquot& a : p.liquid_aliquots) {
    p.warnings.push_back(
        fmt::format("The {} ({}) is below the minimum weighable quantity of the {} ({} mg): use the "
                    "stock-solution aliquot below, or an analytical balance.",
                    a.what, FormatMass(a.required_ug), balance.balance.name, FormatMilligrams(balance.mwq_mg)));
  }

  // BUD.
  BudRequest bud_request;
  bud_request.category = r.preserved ? BudCategory::kAqueousPreserved : BudCategory::kAqueousUnpreserved;
  bud_request.storage = r.storage;
  bud_request.prepared = r.dispensing.prepared;
  bud_request.component_expiries = r.dispensing.component_expiries;
  bud_request.formula = b.formula.id;
  bud_request.concentration_per_ml = r.concentration_per_ml;
  bud_request.preserved = r.preserved;
  LDN_ASSIGN_OR_RETURN(p.bud, ComputeBud(k, bud_request));
  if (!r.preserved) {
    p.warnings.push_back(
        "Unpreserved: USP <795> allows at most 14 days, refrigerated; the Fawcett stability data do "
        "not cover a liquid without its preservative.");
  }

  // Dose volumes.
  const std::vector<ScheduledDose> doses = r.doses.empty() ? CommonStrengths() : r.doses;
  ComputeVolumes(
      doses, [&](Dose d) { return DoseVolumeCentiMl(d, r.concentration_per_ml); }, r.volume_ml * 100, p.bud.date,
      r.min_syringe_centi_ml, b.dose_volumes, b.supply_until, b.supply_limited_by);
  VolumeWarnings(b.dose_volumes, r.min_syringe_centi_ml, p.warnings);
  p.dose_lines = DoseLines(b.dose_volumes, c_ug / 1000.0);
  if (b.supply_until && b.supply_limited_by == "volume") {
    p.notes.push_back(fmt::format("This batch doses the plan fully until {}; a new batch is needed from {}.",
                                  FormatDate(*b.supply_until), FormatDate(AddDays(*b.supply_until, 1))));
  } else if (b.supply_until) {
    p.notes.push_back(fmt::format("The beyond-use date {} comes before the batch runs out: discard the rest then.",
                                  FormatDate(p.bud.date)));
  }

  // Identity and label.
  const std::string key = fmt::format("liquid|{}|{}|{}|{}|{}|{}|{}", c_ug, r.volume_ml, DrugSourceName(r.source),
                                      r.preserved, StorageName(r.storage), r.placebo, r.dispensing.patient);
  p.batch_id = r.dispensing.batch_id.empty() ? DefaultBatchId(p.prepared, key) : r.dispensing.batch_id;
  const Dose& c = r.concentration_per_ml;
  p.title = r.placebo
                ? fmt::format("Placebo oral liquid matching naltrexone HCl {} mg/mL, {} mL", c.FormatMg(), r.volume_ml)
                : fmt::format("Naltrexone HCl {} mg/mL oral liquid, {} mL", c.FormatMg(), r.volume_ml);
  Label& l = p.label;
  l.rx_id = p.batch_id;
  l.patient = r.dispensing.patient;
  l.strength_hcl = c;
  l.strength_base_mg = c.milligrams_base();
  if (r.placebo) {
    l.product = "Placebo oral liquid (no naltrexone)";
    l.strength = fmt::format("Each mL: vehicle only; matches naltrexone HCl {} mg/mL", c.FormatMg());
  } else {
    l.product = fmt::format("Naltrexone HCl {} mg/mL oral liquid", c.FormatMg());
    l.strength = fmt::format("Each mL: naltrexone hydrochloride {} mg (= {} mg naltrexone base)", c.FormatMg(),
                             FormatBaseMg(c.milligrams_base()));
  }
  l.form = "oral liquid";
  l.quantity = fmt::format("{} mL", r.volume_ml);
  l.directions = r.dispensing.directions.empty()
                     ? DefaultDirections(b.dose_volumes, r.dispensing.when, c.FormatMg() + " mg", b.supply_until)
                     : r.dispensing.directions;
  l.prepared = FormatDate(p.prepared);
  l.bud = FormatDate(p.bud.date);
  l.storage = StorageInstruction(r.storage);
  l.compounded_statement = k.labels.compounded_statement;
  l.warnings.push_back(k.labels.opioid_warning);
  l.auxiliary = {k.labels.shake_well, k.labels.protect_from_light, k.labels.oral_syringe};
  l.pharmacy = r.dispensing.pharmacy;

  // Worksheet content.
  auto& sum = p.summary;
  sum.emplace_back("Preparation", p.title);
  sum.emplace_back("Batch", p.batch_id);
  sum.emplace_back("Prepared", FormatDate(p.prepared));
  sum.emplace_back("Patient", r.dispensing.patient);
  sum.emplace_back("Formula",
                   fmt::format("{}{}", b.formula.name, r.preserved ? "" : ", WITHOUT its preservative (unpreserved)"));
  if (r.placebo) {
    sum.emplace_back("Drug source", "none (placebo twin)");
  } else if (r.source == DrugSource::kApi) {
    sum.emplace_back("Drug source",
                     fmt::format("API, CoA assay {}% (anhydrous), water {}%", FormatMilligrams(r.coa->assay_pct),
                                 FormatMilligrams(r.coa->water_pct)));
  } else {
    sum.emplace_back("Drug source", fmt::format("{} x {} mg tablets", b.tablets, k.tablet.strength.FormatMg()));
  }
  sum.emplace_back("Strength", r.placebo ? "placebo (0 mg/mL)"
                                         : fmt::format("{} mg/mL naltrexone HCl (= {} mg/mL base)", c.FormatMg(),
                                                       FormatBaseMg(c.milligrams_base())));
  sum.emplace_back("Balance",
                   fmt::format("{}; minimum weighable quantity {} mg{}", balance.balance.name,
                               FormatMilligrams(balance.mwq_mg), balance.mwq_overridden ? " (pharmacy's own)" : ""));
  sum.emplace_back("Beyond-use date", fmt::format("{} ({} days): {}", FormatDate(p.bud.date), p.bud.days, p.bud.basis));
  sum.emplace_back("Storage", fmt::format("{}; {}", StorageInstruction(r.storage), b.formula.container));

  auto& m = p.method;
  if (!drug_step.empty()) m.push_back(drug_step);
  for (const std::string& s : vehicle_steps) m.push_back(s);
  for (std::string s : b.formula.method) {
    // The drug step above already says how the tablets or the API are prepared.
    if (s.starts_with("Triturate the tablets")) continue;
    if (!r.preserved && s.find("sodium benzoate") != std::string::npos) {
      s = "Dissolve the ascorbic acid in part of the water and add it to the paste in portions, mixing well (no "
          "preservative).";
    }
    for (const LiquidAliquot& a : p.liquid_aliquots) {
      if (s.find(a.what) != std::string::npos) {
        s += fmt::format(" Use the {} mL stock-solution aliquot for the {}.", FormatMilligrams(a.aliquot_ml), a.what);
      }
    }
    m.push_back(s);
  }
  p.qc.push_back(fmt::format("Volume: {} mL in a calibrated bottle.", r.volume_ml));
  p.qc.push_back("Appearance: uniform after shaking; note the colour (the Fawcett liquid yellows with time).");
  if (!r.placebo) {
    p.qc.push_back(fmt::format(
        "Assay when sent to a laboratory: {}-{}% of label (USP; pharmacology-facts.md "
        "B6).",
        FormatMilligrams(100 - k.preparation_tolerance_pct), FormatMilligrams(100 + k.preparation_tolerance_pct)));
  }
  p.sources.push_back(b.formula.source);
  p.sources.push_back(balance.balance.source);
  if (!r.placebo && r.source == DrugSource::kApi) p.sources.push_back(k.api.source);
  if (!r.placebo && r.source == DrugSource::kTablets) p.sources.push_back(k.tablet.source);
  p.sources.push_back(k.labels.compounded_source);
  p.sources.push_back(k.labels.opioid_source);
  if (!b.formula.note.empty()) p.notes.push_back(b.formula.note);
  for (const std::string& n : p.bud.notes) p.notes.push_back(n);
  return b;
}

nlohmann::json LiquidBatchToJson(const LiquidBatch& b) {
  nlohmann::json j = PreparationToJson(b.prep);
  j["concentration_mg_per_ml"] = b.concentration_per_ml.milligrams_hcl();
  j["volume_ml"] = b.volume_ml;
  j["tablets"] = b.tablets;
  j["preserved"] = b.prep.bud.category == BudCategory::kAqueousPreserved;
  j["formula"] = {{"id", b.formula.id}, {"name", b.formula.name}, {"source", b.formula.source}};
  j["dose_volumes"] = DoseVolumesJson(b.dose_volumes);
  j["supply_until"] = b.supply_until ? nlohmann::json(FormatDate(*b.supply_until)) : nlohmann::json(nullptr);
  j["supply_limited_by"] = b.supply_until ? nlohmann::json(b.supply_limited_by) : nlohmann::json(nullptr);
  return j;
}

Result<HomeDilution> PrepareHomeDilution(const CompoundingKnowledge& k, const HomeDilutionRequest& r) {
  HomeDilution h;
  Preparation& p = h.prep;
  h.water_ml = r.water_ml.value_or(std::llround(k.home_dilution.water_ml));
  if (h.water_ml < kMinHomeWaterMl || h.water_ml > kMaxHomeWaterMl) {
    return Status::InvalidArgument(
        "--volume", fmt::format("must be a whole number of mL, {} to {} (got {}): below {} mL a 0.5 mg dose is under "
                                "0.1 mL, above {} mL a 4.5 mg dose is over 45 mL",
                                kMinHomeWaterMl, kMaxHomeWaterMl, h.water_ml, kMinHomeWaterMl, kMaxHomeWaterMl));
  }
  LDN_RETURN_IF_ERROR(CheckDispensing(r.dispensing));
  const int64_t tablet_ug = k.tablet.strength.micrograms_hcl();
  h.concentration_mg_per_ml = static_cast<double>(tablet_ug) / 1000.0 / static_cast<double>(h.water_ml);
  h.risks = k.home_dilution.risks;
  p.kind = "home-dilution";
  p.prepared = r.dispensing.prepared;
  p.patient = r.dispensing.patient;
  p.knowledge_versions = k.versions;
  p.drug_source = "tablets";
  p.api_ug = tablet_ug;
  p.api_hcl_ug = tablet_ug;
  const std::string conc = FormatMilligrams(h.concentration_mg_per_ml);
  p.title = fmt::format("Home dilution: one naltrexone HCl {} mg tablet in {} mL of water ({} mg/mL)",
                        k.tablet.strength.FormatMg(), h.water_ml, conc);
  p.calculations.push_back(fmt::format("Concentration: {} mg / {} mL = {:.4g} mg/mL", k.tablet.strength.FormatMg(),
                                       h.water_ml, h.concentration_mg_per_ml));
  p.calculations.push_back(fmt::format("Dose volume = dose x {} mL / {} mg", h.water_ml, k.tablet.strength.FormatMg()));
  Ingredient tab;
  tab.name = fmt::format("naltrexone HCl {} mg tablet", k.tablet.strength.FormatMg());
  tab.role = "active";
  tab.tablets = 1;
  tab.amount_ug = tablet_ug;
  tab.naltrexone_hcl_ug = tablet_ug;
  tab.detail = "one whole tablet, crushed";
  p.ingredients.push_back(tab);
  Ingredient water;
  water.name = "distilled water (or boiled and cooled)";
  water.role = "vehicle";
  water.amount_ml = static_cast<double>(h.water_ml);
  water.detail = "measured with a syringe or a graduated medicine cup, not a kitchen measure";
  p.ingredients.push_back(water);

  BudRequest bud_request;
  bud_request.category = BudCategory::kAqueousUnpreserved;
  bud_request.storage = r.storage;
  bud_request.prepared = r.dispensing.prepared;
  bud_request.component_expiries = r.dispensing.component_expiries;
  LDN_ASSIGN_OR_RETURN(p.bud, ComputeBud(k, bud_request));
  p.bud.basis +=
      "; no stability study exists for a tablet in plain water, so this is a ceiling, not a tested shelf "
      "life (pharmacology-facts.md B7)";

  const std::vector<ScheduledDose> doses = r.doses.empty() ? CommonStrengths() : r.doses;
  const int64_t w = h.water_ml;
  std::string limited;
  std::optional<LocalDate> until;
  ComputeVolumes(
      doses, [&](Dose d) { return (d.micrograms_hcl() * w * 100 * 2 + tablet_ug) / (2 * tablet_ug); }, w * 100,
      p.bud.date, r.min_syringe_centi_ml, h.dose_volumes, until, limited);
  VolumeWarnings(h.dose_volumes, r.min_syringe_centi_ml, p.warnings);
  p.dose_lines = DoseLines(h.dose_volumes, h.concentration_mg_per_ml);
  for (const Risk& risk : h.risks) p.warnings.push_back(risk.text);
  if (until && limited == "volume") {
    p.notes.push_back(fmt::format("One tablet doses the plan fully until {}.", FormatDate(*until)));
  }

  const std::string key = fmt::format("home|{}|{}", h.water_ml, r.dispensing.patient);
  p.batch_id = r.dispensing.batch_id.empty() ? DefaultBatchId(p.prepared, key) : r.dispensing.batch_id;
  Label& l = p.label;
  l.rx_id = p.batch_id;
  l.patient = r.dispensing.patient;
  // The concentration is not always a whole microgram per mL (50 mg / 30 mL); the label states it in text.
  l.strength_hcl = Dose::FromMicrogramsHcl(std::llround(h.concentration_mg_per_ml * 1000));
  l.strength_base_mg = h.concentration_mg_per_ml * kNaltrexoneBaseMolarMass / kNaltrexoneHclMolarMass;
  l.product =
      fmt::format("Naltrexone HCl {} mg/mL, home dilution of one {} mg tablet", conc, k.tablet.strength.FormatMg());
  l.strength = fmt::format("Each mL: about {} mg naltrexone hydrochloride (= {} mg base), +/-{}% (tablet tolerance)",
                           conc, FormatBaseMg(l.strength_base_mg), FormatMilligrams(k.tablet.content_tolerance_pct));
  l.form = "oral suspension (home-made)";
  l.quantity = fmt::format("{} mL", h.water_ml);
  l.directions = r.dispensing.directions.empty()
                     ? DefaultDirections(h.dose_volumes, r.dispensing.when, conc + " mg", until)
                     : r.dispensing.directions;
  l.prepared = FormatDate(p.prepared);
  l.bud = FormatDate(p.bud.date);
  l.storage = StorageInstruction(r.storage);
  l.compounded_statement = "Made at home from a tablet: NOT a compounded preparation; no pharmacist checked it.";
  l.warnings.push_back(k.labels.opioid_warning);
  l.auxiliary = {k.labels.shake_well, k.labels.protect_from_light, k.labels.oral_syringe};
  l.pharmacy = r.dispensing.pharmacy;

  auto& sum = p.summary;
  sum.emplace_back("Preparation", p.title);
  sum.emplace_back("Reference", p.batch_id);
  sum.emplace_back("Prepared", FormatDate(p.prepared));
  sum.emplace_back("Patient", r.dispensing.patient);
  sum.emplace_back("Beyond-use date", fmt::format("{} ({} days): {}", FormatDate(p.bud.date), p.bud.days, p.bud.basis));
  sum.emplace_back("Storage", StorageInstruction(r.storage));
  p.method = {
      "Wash hands; use a clean glass bottle with a tight cap (amber, or wrapped in foil).",
      fmt::format("Measure {} mL of distilled (or boiled and cooled) water with a syringe or graduated cup.",
                  h.water_ml),
      "Crush one 50 mg tablet to a fine powder between two spoons, or let it disintegrate in a little of the water.",
      "Add the powder and the rest of the water; shake hard until no lumps remain.",
      "Label the bottle with today's date and the discard date; keep it in the refrigerator.",
      "Shake before every dose and measure it with an oral syringe."};
  p.sources.push_back(k.home_dilution.source);
  for (const Risk& risk : h.risks) p.sources.push_back(risk.source);
  p.sources.push_back(k.labels.opioid_source);
  for (const std::string& n : p.bud.notes) p.notes.push_back(n);
  return h;
}

nlohmann::json HomeDilutionToJson(const HomeDilution& h) {
  nlohmann::json j = PreparationToJson(h.prep);
  j["water_ml"] = h.water_ml;
  j["concentration_mg_per_ml"] = std::round(h.concentration_mg_per_ml * 10000) / 10000;
  j["dose_volumes"] = DoseVolumesJson(h.dose_volumes);
  nlohmann::json risks = nlohmann::json::array();
  for (const Risk& r : h.risks) risks.push_back({{"id", r.id}, {"text", r.text}, {"source", r.source}});
  j["risks"] = std::move(risks);
  return j;
}

}  // namespace ldn::pharmacy
