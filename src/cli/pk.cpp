// `ldn pk --dose MG --at HH:MM [--days N] [--wake HH:MM] [--population N [--seed S]] [--json]`:
// naltrexone and 6beta-naltrexol concentrations and mu-opioid receptor occupancy over the 24 h after a
// daily dose, for the typical patient and optionally a virtual population. Model: docs/pharmacology.md.
#include <system_error>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "core/calendar.h"
#include "core/dose.h"
#include "pharmacology/pk_parameters.h"
#include "pharmacology/simulation.h"

namespace ldn::cli {
namespace {

namespace ph = ::ldn::pharmacology;

constexpr char kVerb[] = "pk";

struct PkArgs {
  std::string dose;
  std::string at;
  std::string days = "1";
  std::string wake = "07:00";
  std::string population;
  std::string seed;
  bool json = false;
};

// A whole decimal number with no trailing text ("4.5", not "4.5mg" or "nan").
Result<double> ParseNumber(const std::string& text, std::string_view field) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v, std::chars_format::fixed);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v)) {
    return Status::InvalidArgument(std::string(field), fmt::format("'{}' is not a number", text));
  }
  return v;
}

Result<int64_t> ParseWhole(const std::string& text, std::string_view field, int64_t min, int64_t max) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end) {
    return Status::InvalidArgument(std::string(field), fmt::format("'{}' is not a whole number", text));
  }
  if (v < min || v > max) {
    return Status::InvalidArgument(std::string(field), fmt::format("must be {}..{} (got {})", min, max, v));
  }
  return v;
}

// The library names its fields "dose", "days", "population"; the user typed "--dose" etc.
Status AsOption(const Status& s) {
  if (s.ok() || s.code() != Code::kInvalidArgument || s.field().empty()) return s;
  return Status::InvalidArgument("--" + s.field(), s.message());
}

nlohmann::json SummaryJson(const ph::ProfileSummary& s) {
  nlohmann::json j = nlohmann::json::object();
  for (const ph::SummaryField& f : ph::SummaryFields()) j[std::string(f.name)] = Round(s.*f.member, 5);
  return j;
}

nlohmann::json BandJson(const ph::Percentiles& p, int decimals) {
  return nlohmann::json{Round(p.p5, decimals), Round(p.p50, decimals), Round(p.p95, decimals)};
}

std::string Clock(int minutes) {
  return FormatTimeOfDay(TimeOfDay{minutes});
}

std::vector<std::string> Notes(const ph::PkParameters& params, const ph::Profile& profile) {
  std::vector<std::string> notes;
  for (const Message& m : ph::ProfileNotes(params, profile)) notes.push_back(Fill(m));
  return notes;
}

void PrintText(const ph::SimulationRequest& req, const ph::PkParameters& params, const ph::Profile& profile,
               const std::optional<ph::PopulationResult>& pop) {
  const ph::ProfileSummary& s = profile.summary;
  std::cout << fmt::format("Naltrexone {} ({} mg base) daily at {}, day {} of dosing; typical patient\n",
                           req.dose.ToString(), FormatMilligrams(req.dose.milligrams_base()),
                           FormatTimeOfDay(req.dose_time), req.days);
  std::cout << fmt::format(
      "  naltrexone        Cmax {:.3g} ng/mL ({:.3g} nM) at {:.2f} h; trough {:.3g} ng/mL; "
      "AUC 0-24h {:.3g} ng*h/mL\n",
      s.cmax_ng_ml, s.cmax_nm, s.tmax_h, s.trough_ng_ml, s.auc_tau_ng_h_ml);
  std::cout << fmt::format("  6beta-naltrexol   Cmax {:.3g} ng/mL at {:.2f} h; AUC 0-24h {:.3g} ng*h/mL\n",
                           s.naltrexol_cmax_ng_ml, s.naltrexol_tmax_h, s.naltrexol_auc_tau_ng_h_ml);
  std::cout << fmt::format(
      "  MOR occupancy, direct (plasma)   peak {:.1f}%; >50% for {:.1f} h, >25% for {:.1f} h; "
      "at wake ({}, {:.1f} h after the dose) {:.1f}%\n",
      s.occupancy_direct_peak_pct, s.occupancy_direct_hours_above_50, s.occupancy_direct_hours_above_25,
      FormatTimeOfDay(req.wake_time), profile.wake_h, s.occupancy_direct_at_wake_pct);
  std::cout << fmt::format(
      "  MOR occupancy, effect site       peak {:.1f}% at {:.2f} h; >50% for {:.1f} h, >25% for "
      "{:.1f} h; at wake {:.1f}%\n",
      s.occupancy_effect_peak_pct, s.occupancy_effect_peak_time_h, s.occupancy_effect_hours_above_50,
      s.occupancy_effect_hours_above_25, s.occupancy_effect_at_wake_pct);
  std::cout << fmt::format("  Troestheim 2022 dose-based peak blockade (< 8 h): {:.1f}%\n\n",
                           profile.trostheim_peak_block_pct);
  std::cout << "  hour  clock  naltrexone  naltrexol  occ.direct  occ.effect\n";
  std::cout << "     h         ng/mL       ng/mL      %           %\n";
  for (size_t j = 0; j < profile.series.size(); j += 12) {
    const ph::TimePoint& tp = profile.series[j];
    std::cout << fmt::format("  {:4.0f}  {}  {:10.4f}  {:9.3f}  {:10.1f}  {:10.1f}\n", tp.t_h, Clock(tp.clock_minutes),
                             tp.naltrexone_ng_ml, tp.naltrexol_ng_ml, tp.occupancy_direct_pct, tp.occupancy_effect_pct);
  }
  if (pop) {
    std::cout << fmt::format("\nPopulation: {} virtual patients (seed {}), 5th / 50th / 95th percentiles\n",
                             pop->patients, pop->seed);
    for (const ph::SummaryField& f : ph::SummaryFields()) {
      std::cout << fmt::format("  {:34} {:>10.4g} {:>10.4g} {:>10.4g}\n", f.name, pop->p5.*f.member, pop->p50.*f.member,
                               pop->p95.*f.member);
    }
  }
  std::cout << "\nNotes:\n";
  for (const std::string& n : Notes(params, profile)) std::cout << "  - " << n << "\n";
  std::cout << "  - Assumed parameters:";
  for (const ph::ParameterRecord& r : params.records) {
    if (r.assumption) std::cout << " " << r.id;
  }
  std::cout << "\n";
}

nlohmann::json ToJson(const ph::SimulationRequest& req, const ph::PkParameters& params, const ph::Profile& profile,
                      const std::optional<ph::PopulationResult>& pop) {
  nlohmann::json j;
  j["dose_mg_hcl"] = req.dose.milligrams_hcl();
  j["dose_mg_base"] = Round(req.dose.milligrams_base(), 4);
  j["dose_time"] = FormatTimeOfDay(req.dose_time);
  j["days"] = req.days;
  j["wake_time"] = FormatTimeOfDay(req.wake_time);
  j["wake_hours_after_dose"] = profile.wake_h;
  j["window"] = "the 24 h after the last of `days` daily doses; t_h = hours after that dose";
  j["model"] = {
      {"pk",
       "one compartment, first-order absorption (Bateman); 6beta-naltrexol formed presystemically with the "
       "same ka; superposition of daily doses"},
      {"dose_basis", "mg naltrexone HCl (apparent V/F and CL/F are per mg HCl, fitted to the 50 mg HCl tablet)"},
      {"occupancy_direct", "Emax 100%, Hill 1, on plasma naltrexone, EC50 1.5 ng/mL"},
      {"occupancy_effect",
       "Emax 100%, Hill 1, on an effect compartment (ke0 assumed), EC50 calibrated to the "
       "Troestheim ED50"},
      {"auc", "AUC over the dosing interval 0-24 h after the last dose (exact integral)"},
      {"grid", "5-minute steps; peaks and tmax on the grid"}};
  j["summary"] = SummaryJson(profile.summary);
  j["trostheim_peak_block_pct"] = Round(profile.trostheim_peak_block_pct, 2);
  j["extrapolated_below_studied_range"] = profile.extrapolated_below_studied_range;
  nlohmann::json series = nlohmann::json::array();
  for (const ph::TimePoint& tp : profile.series) {
    series.push_back({{"t_h", Round(tp.t_h, 4)},
                      {"clock", Clock(tp.clock_minutes)},
                      {"naltrexone_ng_ml", Round(tp.naltrexone_ng_ml, 6)},
                      {"naltrexol_ng_ml", Round(tp.naltrexol_ng_ml, 5)},
                      {"occupancy_direct_pct", Round(tp.occupancy_direct_pct, 3)},
                      {"occupancy_effect_pct", Round(tp.occupancy_effect_pct, 3)}});
  }
  j["series"] = std::move(series);
  if (pop) {
    nlohmann::json p;
    p["patients"] = pop->patients;
    p["seed"] = pop->seed;
    p["percentiles"] = {5, 50, 95};
    p["summary"] = {{"p5", SummaryJson(pop->p5)}, {"p50", SummaryJson(pop->p50)}, {"p95", SummaryJson(pop->p95)}};
    nlohmann::json bands = nlohmann::json::array();
    for (const ph::BandPoint& b : pop->bands) {
      bands.push_back({{"t_h", Round(b.t_h, 4)},
                       {"clock", Clock(b.clock_minutes)},
                       {"naltrexone_ng_ml", BandJson(b.naltrexone_ng_ml, 6)},
                       {"naltrexol_ng_ml", BandJson(b.naltrexol_ng_ml, 5)},
                       {"occupancy_direct_pct", BandJson(b.occupancy_direct_pct, 3)},
                       {"occupancy_effect_pct", BandJson(b.occupancy_effect_pct, 3)}});
    }
    p["bands"] = std::move(bands);
    j["population"] = std::move(p);
  }
  j["notes"] = Notes(params, profile);
  nlohmann::json parameters = nlohmann::json::array();
  nlohmann::json assumptions = nlohmann::json::array();
  for (const ph::ParameterRecord& r : params.records) {
    nlohmann::json e = {
        {"id", r.id}, {"unit", r.unit}, {"trust", r.trust}, {"assumption", r.assumption}, {"source", r.source}};
    if (r.id == "dose_basis") {
      e["value"] = "naltrexone HCl";
    } else {
      e["value"] = r.value;
    }
    parameters.push_back(std::move(e));
    if (r.assumption) assumptions.push_back(r.id);
  }
  j["assumptions"] = std::move(assumptions);
  j["parameters"] = std::move(parameters);
  return j;
}

Status Run(const PkArgs& args) {
  LDN_ASSIGN_OR_RETURN(double mg, ParseNumber(args.dose, "--dose"));
  if (mg <= 0 || mg > 50) {
    return Status::InvalidArgument("--dose",
                                   fmt::format("must be above 0 and at most 50 mg naltrexone HCl (got {})", args.dose));
  }
  ph::SimulationRequest req;
  LDN_ASSIGN_OR_RETURN(req.dose, Dose::FromMilligramsHcl(mg, "--dose"));
  LDN_ASSIGN_OR_RETURN(req.dose_time, ParseTimeOfDay(args.at, "--at"));
  LDN_ASSIGN_OR_RETURN(req.wake_time, ParseTimeOfDay(args.wake, "--wake"));
  LDN_ASSIGN_OR_RETURN(int64_t days, ParseWhole(args.days, "--days", 1, ph::kMaxDays));
  req.days = static_cast<int>(days);
  std::optional<ph::PopulationOptions> pop_options;
  if (!args.population.empty()) {
    LDN_ASSIGN_OR_RETURN(int64_t n, ParseWhole(args.population, "--population", 1, ph::kMaxPopulation));
    pop_options.emplace();
    pop_options->patients = static_cast<int>(n);
    pop_options->threads = 2;  // results do not depend on the thread count
    if (!args.seed.empty()) {
      LDN_ASSIGN_OR_RETURN(int64_t seed, ParseWhole(args.seed, "--seed", 0, INT64_MAX));
      pop_options->seed = static_cast<uint64_t>(seed);
    }
  } else if (!args.seed.empty()) {
    return Status::InvalidArgument("--seed", "only meaningful with --population");
  }

  LDN_ASSIGN_OR_RETURN(ph::PkParameters params, ph::DefaultPkParameters());
  auto profile = ph::SimulateTypical(params, req);
  if (!profile.ok()) return AsOption(profile.status());
  std::optional<ph::PopulationResult> pop;
  if (pop_options) {
    auto r = ph::SimulatePopulation(params, req, *pop_options);
    if (!r.ok()) return AsOption(r.status());
    pop = std::move(r).value();
  }
  if (args.json) {
    PrintJson(ToJson(req, params, *profile, pop));
  } else {
    PrintText(req, params, *profile, pop);
  }
  return Status::Ok();
}

}  // namespace

void AddPkCommand(CLI::App& app, Context& ctx) {
  auto args = std::make_shared<PkArgs>();
  CLI::App* cmd = app.add_subcommand(
      "pk",
      "Naltrexone / 6beta-naltrexol concentrations and mu-receptor occupancy over the 24 h after a daily dose "
      "(typical patient; optional virtual population). Why bedtime, why low dose: docs/pharmacology.md.");
  cmd->add_option("--dose", args->dose, "Dose in mg of naltrexone HCl, above 0 and at most 50")->required();
  cmd->add_option("--at", args->at, "Clock time of the daily dose, HH:MM (24 h)")->required();
  cmd->add_option("--days", args->days, "Number of daily doses; the last day is shown (1-60, default 1)");
  cmd->add_option("--wake", args->wake, "Wake time for 'occupancy at waking', HH:MM (default 07:00)");
  cmd->add_option("--population", args->population, "Also simulate N virtual patients (1-100000)");
  cmd->add_option("--seed", args->seed, "Random seed of the population (default 1)");
  cmd->add_flag("--json", args->json, "JSON with the full 5-minute series instead of text");
  cmd->callback([args, &ctx] {
    const Status s = Run(*args);
    ctx.exit_code = s.ok() ? kExitOk : ReportError(kVerb, s);
  });
}

}  // namespace ldn::cli
