// `ldn trial`: blinded N-of-1 trials of LDN against placebo (docs/nof1.md, docs/cli.md).
//   design    validate a protocol, say what it allows, print its canonical form and SHA-256
//   allocate  draw the allocation (AB or BA per pair) with libsodium's CSPRNG, and the calendar
//   simulate  operating characteristics of a design under a known truth
//   analyze   analyse a completed trial's analysed days (CSV)
//   pool      Bayesian hierarchical pooling of completed trials (researchers, de-identified)
// A thin door: parse the options, call src/analysis/nof1_*, print.
#include <charconv>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <sodium.h>

#include "analysis/nof1_analysis.h"
#include "analysis/nof1_data.h"
#include "analysis/nof1_pool.h"
#include "analysis/nof1_protocol.h"
#include "analysis/nof1_simulate.h"
#include "cli/cli_support.h"

namespace ldn::cli {
namespace {

using namespace ldn::analysis;

// Options are read as text so that "-3", "1e3" and "seven" get a message naming the option.
Result<int> WholeOption(const std::string& text, std::string_view flag, int min, int max) {
  int v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || v < min || v > max) {
    return Status::InvalidArgument(std::string(flag),
                                   fmt::format("expected a whole number {}-{}, got \"{}\"", min, max, text));
  }
  return v;
}

Result<uint64_t> SeedOption(const std::string& text, std::string_view flag) {
  uint64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) {
    return Status::InvalidArgument(std::string(flag),
                                   fmt::format("expected a whole number 0 or more, got \"{}\"", text));
  }
  return v;
}

Result<double> NumberOption(const std::string& text, std::string_view flag) {
  double v = 0;
  const char* begin = text.data();
  if (!text.empty() && text.front() == '+') ++begin;
  const auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
    return Status::InvalidArgument(std::string(flag), fmt::format("expected a number, got \"{}\"", text));
  }
  return v;
}

// The domain names fields as the protocol and scenario do; the user typed flags.
Status InFlagTerms(const Status& s) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kFlags = {
      {"pairs", "--pairs"},
      {"period_days", "--period-days"},
      {"run_in_days", "--run-in-days"},
      {"primary_outcome", "--outcome"},
      {"mcid", "--mcid"},
      {"decision_rule.continue_probability", "--continue-at"},
      {"decision_rule.stop_probability", "--stop-below"},
      {"model", "--model"},
      {"effect", "--effect"},
      {"sd", "--sd"},
      {"rho", "--rho"},
      {"baseline", "--baseline"},
      {"placebo_response", "--placebo-response"},
      {"placebo_onset_days", "--placebo-onset-days"},
      {"drift_per_28_days", "--drift"},
      {"missing_probability", "--missing"},
      {"onset_days", "--onset-days"},
      {"offset_days", "--offset-days"},
      {"trials", "--trials"},
      {"score_range", "--score-range"},
  };
  if (s.code() != Code::kInvalidArgument) return s;
  for (const auto& [field, flag] : kFlags) {
    if (s.field() == field) return Status::InvalidArgument(std::string(flag), s.message());
  }
  if (s.field().starts_with("secondary_outcomes")) return Status::InvalidArgument("--secondary-outcome", s.message());
  return s;
}

// --- Protocol options shared by design, allocate, simulate, analyze ---------------------------------

struct ProtocolArgs {
  std::string protocol_file;  // --protocol FILE|-
  std::string pairs, period_days, run_in_days, outcome, mcid, continue_at, stop_below, model;
  std::vector<std::string> secondary;
  bool no_secondary = false;
};

void AddProtocolOptions(CLI::App* cmd, ProtocolArgs* a, bool with_outcomes) {
  cmd->add_option("--protocol", a->protocol_file,
                  "Protocol JSON file (or - for standard input; docs/nof1.md); the flags below override it");
  cmd->add_option("--pairs", a->pairs, fmt::format("Number of AB/BA pairs, {}-{} (default 3)", kMinPairs, kMaxPairs));
  cmd->add_option("--period-days", a->period_days,
                  fmt::format("Days per period, {}-{} (default 28)", kMinPeriodDays, kMaxPeriodDays));
  cmd->add_option("--run-in-days", a->run_in_days,
                  "Days at the start of each period left out of the analysis (default 14)");
  cmd->add_option("--mcid", a->mcid, "Minimal clinically important difference, points (default 1)");
  cmd->add_option("--continue-at", a->continue_at,
                  "Decision rule: continue LDN if P(LDN better by >= MCID) >= this (default 0.8)");
  cmd->add_option("--stop-below", a->stop_below, "Decision rule: stop LDN if P(LDN better) < this (default 0.5)");
  cmd->add_option("--model", a->model, "Model: ar1 (default), mean, trend or lag (docs/nof1.md)");
  if (with_outcomes) {
    cmd->add_option("--outcome", a->outcome, "Primary outcome, a diary item (default pain)");
    cmd->add_option("--secondary-outcome", a->secondary,
                    "A secondary outcome (repeat the option; default fatigue and sleep)");
    cmd->add_flag("--no-secondary", a->no_secondary, "No secondary outcomes");
  }
}

Result<TrialProtocol> BuildProtocol(const ProtocolArgs& a) {
  TrialProtocol p;
  if (!a.protocol_file.empty()) {
    LDN_ASSIGN_OR_RETURN(std::string text, ReadInput(a.protocol_file, "--protocol"));
    auto parsed = ParseProtocolJson(text);
    if (!parsed.ok()) return parsed.status().WithFieldPrefix("--protocol");
    p = *parsed;
  }
  if (!a.pairs.empty()) {
    LDN_ASSIGN_OR_RETURN(p.pairs, WholeOption(a.pairs, "--pairs", kMinPairs, kMaxPairs));
  }
  if (!a.period_days.empty()) {
    LDN_ASSIGN_OR_RETURN(p.period_days, WholeOption(a.period_days, "--period-days", kMinPeriodDays, kMaxPeriodDays));
  }
  if (!a.run_in_days.empty()) {
    LDN_ASSIGN_OR_RETURN(p.run_in_days, WholeOption(a.run_in_days, "--run-in-days", 0, kMaxPeriodDays));
  }
  if (!a.outcome.empty()) p.primary_outcome = a.outcome;
  if (a.no_secondary) p.secondary_outcomes.clear();
  if (!a.secondary.empty()) p.secondary_outcomes = a.secondary;
  if (!a.mcid.empty()) {
    LDN_ASSIGN_OR_RETURN(p.mcid, NumberOption(a.mcid, "--mcid"));
  }
  if (!a.continue_at.empty()) {
    LDN_ASSIGN_OR_RETURN(p.rule.continue_probability, NumberOption(a.continue_at, "--continue-at"));
  }
  if (!a.stop_below.empty()) {
    LDN_ASSIGN_OR_RETURN(p.rule.stop_probability, NumberOption(a.stop_below, "--stop-below"));
  }
  if (!a.model.empty()) {
    LDN_ASSIGN_OR_RETURN(p.model, ParseNof1Model(a.model, "--model"));
  }
  LDN_RETURN_IF_ERROR(InFlagTerms(ValidateProtocol(p)));
  return p;
}

void Finish(Context& ctx, std::string_view verb, const Status& s) {
  ctx.exit_code = s.ok() ? kExitOk : ReportError(verb, s);
}

// --- design ------------------------------------------------------------------------------------------

struct DesignArgs {
  ProtocolArgs protocol;
  bool json = false;
};

Status RunDesign(const DesignArgs& a) {
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, BuildProtocol(a.protocol));
  const std::string canonical = CanonicalProtocolJson(p);
  const DesignConsequences c = ConsequencesOf(p);
  if (a.json) {
    PrintJson({{"protocol", nlohmann::json::parse(canonical)},
               {"canonical", canonical},
               {"sha256", Sha256Hex(canonical)},
               {"allows", ConsequencesToJson(c)}});
    return Status::Ok();
  }
  std::cout << fmt::format("N-of-1 trial of LDN against placebo: {} pairs x 2 periods x {} days, run-in {} days.\n",
                           p.pairs, p.period_days, p.run_in_days);
  std::cout << fmt::format("Primary outcome {}; MCID {:g} points; model {}.\n", p.primary_outcome, p.mcid,
                           Nof1ModelName(p.model));
  std::cout << fmt::format(
      "Decision rule: continue if P(LDN better by >= {:g}) >= {:g}; stop if P(LDN better) < {:g}; "
      "otherwise uncertain.\n",
      p.mcid, p.rule.continue_probability, p.rule.stop_probability);
  for (const std::string& n : c.notes) std::cout << "- " << n << "\n";
  std::cout << "SHA-256 of the canonical protocol: " << Sha256Hex(canonical) << "\n";
  return Status::Ok();
}

// --- allocate ------------------------------------------------------------------------------------------

struct AllocateArgs {
  ProtocolArgs protocol;
  std::string start;
  bool json = false;
};

Status RunAllocate(const AllocateArgs& a) {
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, BuildProtocol(a.protocol));
  std::optional<LocalDate> start;
  if (!a.start.empty()) {
    LDN_ASSIGN_OR_RETURN(start, ParseDate(a.start, "--start"));
  }
  if (sodium_init() < 0) return Status::Unavailable("libsodium could not be initialised");
  LDN_ASSIGN_OR_RETURN(Allocation alloc, DrawAllocation(p, [](uint8_t* buf, size_t n) { randombytes_buf(buf, n); }));
  nlohmann::json out = {{"allocation", alloc.ToString()},
                        {"pairs", p.pairs},
                        {"protocol_sha256", ProtocolSha256(p)},
                        {"source", "libsodium randombytes_buf"}};
  if (start) {
    nlohmann::json periods = nlohmann::json::array();
    for (const PeriodDates& d : TrialCalendar(p, alloc, *start)) {
      periods.push_back({{"period", d.period},
                         {"pair", d.pair},
                         {"treatment", std::string(TrialArmCode(d.arm))},
                         {"first", FormatDate(d.first)},
                         {"analysed_first", FormatDate(d.analysed_first)},
                         {"last", FormatDate(d.last)},
                         {"first_trial_day", d.first_trial_day},
                         {"analysed_first_trial_day", d.analysed_first_trial_day},
                         {"last_trial_day", d.last_trial_day}});
    }
    out["periods"] = std::move(periods);
  }
  if (a.json) {
    PrintJson(out);
  } else {
    std::cout << "Allocation (pharmacy only; A = placebo, B = LDN): " << alloc.ToString() << "\n";
  }
  return Status::Ok();
}

// --- simulate ------------------------------------------------------------------------------------------

struct SimulateArgs {
  ProtocolArgs protocol;
  std::string effect, sd, rho, baseline, placebo, placebo_onset, drift, missing, onset, offset, trials, seed;
  bool continuous = false;
  bool no_null = false;
  bool json = false;
};

Status RunSimulate(const SimulateArgs& a) {
  LDN_ASSIGN_OR_RETURN(TrialProtocol p, BuildProtocol(a.protocol));
  TrialScenario s;
  if (!a.effect.empty()) {
    LDN_ASSIGN_OR_RETURN(s.effect, NumberOption(a.effect, "--effect"));
  }
  if (!a.sd.empty()) {
    LDN_ASSIGN_OR_RETURN(s.sd, NumberOption(a.sd, "--sd"));
  }
  if (!a.rho.empty()) {
    LDN_ASSIGN_OR_RETURN(s.rho, NumberOption(a.rho, "--rho"));
  }
  if (!a.baseline.empty()) {
    LDN_ASSIGN_OR_RETURN(s.baseline, NumberOption(a.baseline, "--baseline"));
  }
  if (!a.placebo.empty()) {
    LDN_ASSIGN_OR_RETURN(s.placebo_response, NumberOption(a.placebo, "--placebo-response"));
  }
  if (!a.placebo_onset.empty()) {
    LDN_ASSIGN_OR_RETURN(s.placebo_onset_days, WholeOption(a.placebo_onset, "--placebo-onset-days", 0, 365));
  }
  if (!a.drift.empty()) {
    LDN_ASSIGN_OR_RETURN(s.drift_per_28_days, NumberOption(a.drift, "--drift"));
  }
  if (!a.missing.empty()) {
    LDN_ASSIGN_OR_RETURN(s.missing_probability, NumberOption(a.missing, "--missing"));
  }
  if (!a.onset.empty()) {
    LDN_ASSIGN_OR_RETURN(s.onset_days, WholeOption(a.onset, "--onset-days", 0, kMaxPeriodDays));
  }
  if (!a.offset.empty()) {
    LDN_ASSIGN_OR_RETURN(s.offset_days, WholeOption(a.offset, "--offset-days", 0, kMaxPeriodDays));
  }
  s.whole_points = !a.continuous;
  DesignSimulationOptions o;
  if (!a.trials.empty()) {
    LDN_ASSIGN_OR_RETURN(o.trials, WholeOption(a.trials, "--trials", 1, kMaxSimulatedTrials));
  }
  if (!a.seed.empty()) {
    LDN_ASSIGN_OR_RETURN(o.seed, SeedOption(a.seed, "--seed"));
  }
  o.with_null = !a.no_null;
  auto oc = SimulateTrialDesign(p, s, o);
  if (!oc.ok()) return InFlagTerms(oc.status());
  nlohmann::json j = OperatingCharacteristicsToJson(*oc);
  j["design"] = {{"pairs", p.pairs},
                 {"period_days", p.period_days},
                 {"run_in_days", p.run_in_days},
                 {"model", std::string(Nof1ModelName(p.model))},
                 {"mcid", p.mcid},
                 {"continue_probability", p.rule.continue_probability},
                 {"stop_probability", p.rule.stop_probability},
                 {"outcome", p.primary_outcome}};
  j["scenario"] = {{"effect", s.effect},
                   {"sd", s.sd},
                   {"rho", s.rho},
                   {"baseline", s.baseline},
                   {"placebo_response", s.placebo_response},
                   {"placebo_onset_days", s.placebo_onset_days},
                   {"drift_per_28_days", s.drift_per_28_days},
                   {"missing_probability", s.missing_probability},
                   {"onset_days", s.onset_days},
                   {"offset_days", s.offset_days},
                   {"whole_points", s.whole_points}};
  j["allows"] = ConsequencesToJson(ConsequencesOf(p));
  if (a.json) {
    PrintJson(j);
    return Status::Ok();
  }
  const DecisionShares& e = oc->under_effect;
  std::cout << fmt::format(
      "{} simulated trials (seed {}), LDN benefit {:g} point{}, noise SD {:g}, autocorrelation {:g}:\n", o.trials,
      o.seed, s.effect, s.effect == 1 ? "" : "s", s.sd, s.rho);
  std::cout << fmt::format("  continue {:.1f}%, stop {:.1f}%, uncertain {:.1f}% (+/- {:.1f}% Monte Carlo SE)\n",
                           100 * e.p_continue, 100 * e.p_stop, 100 * e.p_uncertain, 100 * e.monte_carlo_se);
  if (oc->under_null) {
    const DecisionShares& n = *oc->under_null;
    std::cout << fmt::format("If LDN does nothing: continue {:.1f}%, stop {:.1f}%, uncertain {:.1f}%\n",
                             100 * n.p_continue, 100 * n.p_stop, 100 * n.p_uncertain);
  }
  return Status::Ok();
}

// --- analyze ------------------------------------------------------------------------------------------

struct AnalyzeArgs {
  std::string input;
  std::string protocol_file;
  std::string model, mcid, score_range, continue_at, stop_below;
  bool higher_is_better = false;
  bool no_mean_model = false;
  bool json = false;
};

Status RunAnalyze(const AnalyzeArgs& a) {
  TrialAnalysisOptions o;
  if (!a.protocol_file.empty()) {
    ProtocolArgs pa;
    pa.protocol_file = a.protocol_file;
    LDN_ASSIGN_OR_RETURN(TrialProtocol p, BuildProtocol(pa));
    o = AnalysisOptionsFor(p);
    if (a.higher_is_better && !o.higher_is_better) {
      return Status::InvalidArgument(
          "--higher-is-better",
          fmt::format("the protocol's outcome \"{}\" is lower-is-better (data/diary_items.json)", p.primary_outcome));
    }
  }
  if (!a.model.empty()) {
    LDN_ASSIGN_OR_RETURN(o.model, ParseNof1Model(a.model, "--model"));
  }
  if (!a.mcid.empty()) {
    LDN_ASSIGN_OR_RETURN(o.mcid, NumberOption(a.mcid, "--mcid"));
  }
  if (!a.score_range.empty()) {
    LDN_ASSIGN_OR_RETURN(o.score_range, NumberOption(a.score_range, "--score-range"));
  }
  if (!a.continue_at.empty()) {
    LDN_ASSIGN_OR_RETURN(o.rule.continue_probability, NumberOption(a.continue_at, "--continue-at"));
  }
  if (!a.stop_below.empty()) {
    LDN_ASSIGN_OR_RETURN(o.rule.stop_probability, NumberOption(a.stop_below, "--stop-below"));
  }
  if (a.higher_is_better) o.higher_is_better = true;
  o.with_mean_model = !a.no_mean_model;
  LDN_RETURN_IF_ERROR(InFlagTerms(ValidateAnalysisOptions(o)));
  LDN_ASSIGN_OR_RETURN(std::string text, ReadInput(a.input, "FILE"));
  LDN_ASSIGN_OR_RETURN(TrialData data, ParseTrialCsv(text));
  LDN_ASSIGN_OR_RETURN(TrialAnalysis analysis, AnalyzeTrial(data, o));
  if (a.json) {
    PrintJson(TrialAnalysisToJson(analysis));
    return Status::Ok();
  }
  const BayesianResult& b = analysis.bayes;
  std::cout << fmt::format("N-of-1 trial: {} pairs ({} complete), {} rated days; outcome {}.\n", analysis.pairs,
                           analysis.complete_pairs, analysis.rated_days,
                           o.higher_is_better ? "higher is better" : "lower is better");
  std::cout << fmt::format("Model {} ({}): LDN - placebo = {:.2f} points (95% interval {:.2f} to {:.2f}).\n",
                           Nof1ModelName(b.model), Nof1ModelSource(b.model), b.diff.mean, b.diff.q025, b.diff.q975);
  std::cout << fmt::format(
      "P(LDN better) = {:.3f}; P(LDN better by >= {:g}) = {:.3f}; P(placebo better by >= {:g}) = {:.3f}.\n",
      b.p_b_better, o.mcid, b.p_b_better_by_mcid, o.mcid, b.p_a_better_by_mcid);
  if (analysis.randomization) {
    std::cout << fmt::format("Randomization test: p = {:.3g} two-sided over {} allocations.\n",
                             analysis.randomization->p_two_sided, analysis.randomization->allocations);
  }
  if (analysis.paired_t) {
    std::cout << fmt::format("Paired t on period means: {:.2f} ({:.2f} to {:.2f}), p = {:.3g}.\n",
                             analysis.paired_t->mean, analysis.paired_t->lower, analysis.paired_t->upper,
                             analysis.paired_t->p_value);
  }
  std::cout << "Decision: " << TrialDecisionMeaning(analysis.decision, o.rule, o.mcid) << "\n";
  for (const std::string& n : analysis.notes) std::cout << "- " << n << "\n";
  return Status::Ok();
}

// --- pool ------------------------------------------------------------------------------------------

struct PoolArgs {
  std::string input;
  std::string input_format;
  std::string mcid;
  bool higher_is_better = false;
  bool no_trials = false;
  bool json = false;
};

Status RunPool(const PoolArgs& a) {
  PoolOptions o;
  if (!a.mcid.empty()) {
    LDN_ASSIGN_OR_RETURN(o.mcid, NumberOption(a.mcid, "--mcid"));
  }
  if (!(o.mcid > 0)) return Status::InvalidArgument("--mcid", "must be above 0");
  o.higher_is_better = a.higher_is_better;
  o.per_trial = !a.no_trials;
  std::string format = a.input_format;
  if (format.empty()) format = a.input.size() >= 4 && a.input.ends_with(".csv") ? "csv" : "json";
  if (format != "csv" && format != "json") {
    return Status::InvalidArgument("--input-format", fmt::format("unknown format \"{}\": use json or csv", format));
  }
  LDN_ASSIGN_OR_RETURN(std::string text, ReadInput(a.input, "FILE"));
  LDN_ASSIGN_OR_RETURN(auto trials, ParsePoolInput(text, format == "csv"));
  LDN_ASSIGN_OR_RETURN(PoolResult r, PoolTrials(trials, o));
  if (a.json) {
    PrintJson(PoolResultToJson(r, o));
    return Status::Ok();
  }
  std::cout << fmt::format(
      "{} trials pooled. Mean LDN - placebo difference {:.2f} (95% interval {:.2f} to {:.2f}); "
      "between-patient SD {:.2f}.\n",
      r.trials, r.mu.mean, r.mu.q025, r.mu.q975, r.tau.mean);
  std::cout << fmt::format("Expected share of patients whom LDN helps by >= {:g}: {:.1f}%.\n", o.mcid,
                           100 * r.p_new_patient_b_better_by_mcid);
  return Status::Ok();
}

}  // namespace

void AddTrialCommands(CLI::App& app, Context& ctx) {
  CLI::App* trial = app.add_subcommand(
      "trial",
      "Blinded N-of-1 trials of LDN against placebo: design, allocation, simulation, analysis, pooling "
      "(docs/nof1.md)");
  trial->require_subcommand(1);

  auto design = std::make_shared<DesignArgs>();
  CLI::App* d = trial->add_subcommand(
      "design",
      "Validate a trial protocol, say what the design allows, and print its canonical form and SHA-256 "
      "(the hash frozen in the audit chain when the trial starts)");
  AddProtocolOptions(d, &design->protocol, true);
  d->add_flag("--json", design->json, "Print JSON");
  d->callback([design, &ctx] { Finish(ctx, "trial design", RunDesign(*design)); });

  auto allocate = std::make_shared<AllocateArgs>();
  CLI::App* al = trial->add_subcommand(
      "allocate",
      "Draw the allocation (AB or BA in each pair, A = placebo, B = LDN) with libsodium's CSPRNG: the "
      "pharmacy's blinding key");
  AddProtocolOptions(al, &allocate->protocol, true);
  al->add_option("--start", allocate->start, "First day of the trial (YYYY-MM-DD): also print the periods' dates");
  al->add_flag("--json", allocate->json, "Print JSON");
  al->callback([allocate, &ctx] { Finish(ctx, "trial allocate", RunAllocate(*allocate)); });

  auto sim = std::make_shared<SimulateArgs>();
  CLI::App* s = trial->add_subcommand(
      "simulate",
      "Operating characteristics of a design: simulate trials of a synthetic patient with a known LDN "
      "effect and count the decisions (and the same without an effect)");
  AddProtocolOptions(s, &sim->protocol, true);
  s->add_option("--effect", sim->effect, "LDN's true benefit in points, in the outcome's good direction (default 1)");
  s->add_option("--sd", sim->sd, "SD of the daily fluctuation, points (default 1)");
  s->add_option("--rho", sim->rho, "Its lag-1 autocorrelation, -0.95 to 0.95 (default 0.6)");
  s->add_option("--baseline", sim->baseline, "Expected rating without treatment effects (default 6)");
  s->add_option("--placebo-response", sim->placebo, "Improvement on both arms, points (default 0)");
  s->add_option("--placebo-onset-days", sim->placebo_onset, "Days for the placebo response to build (default 14)");
  s->add_option("--drift", sim->drift, "Drift of the expected rating, points per 28 days (default 0)");
  s->add_option("--missing", sim->missing, "Probability that a day has no rating, 0-0.9 (default 0)");
  s->add_option("--onset-days", sim->onset, "Days for LDN's benefit to build after a switch to LDN (default 14)");
  s->add_option("--offset-days", sim->offset, "Days for it to fade after a switch to placebo (default 14)");
  s->add_option("--trials", sim->trials, fmt::format("Simulated trials, 1-{} (default 200)", kMaxSimulatedTrials));
  s->add_option("--seed", sim->seed, "Random seed (default 1)");
  s->add_flag("--continuous", sim->continuous, "Do not round ratings to whole points");
  s->add_flag("--no-null", sim->no_null, "Skip the simulation without an effect");
  s->add_flag("--json", sim->json, "Print JSON");
  s->callback([sim, &ctx] { Finish(ctx, "trial simulate", RunSimulate(*sim)); });

  auto an = std::make_shared<AnalyzeArgs>();
  CLI::App* a = trial->add_subcommand(
      "analyze",
      "Analyse a trial's analysed days (CSV day,period,treatment,outcome[,guess]; docs/nof1.md): Bayesian "
      "model, exact randomization test, paired t, blinding, decision");
  a->add_option("input", an->input, "CSV file, or - for standard input")->required();
  a->add_option("--protocol", an->protocol_file, "The frozen protocol (JSON): its MCID, rule, model and direction");
  a->add_option("--model", an->model, "ar1 (default), mean, trend or lag");
  a->add_option("--mcid", an->mcid, "Minimal clinically important difference, points (default 1)");
  a->add_flag("--higher-is-better", an->higher_is_better, "A higher rating is better (default: lower is better)");
  a->add_option("--score-range", an->score_range,
                "Range of the outcome scale for the standardized categories (default 10)");
  a->add_option("--continue-at", an->continue_at, "Continue if P(LDN better by >= MCID) >= this (default 0.8)");
  a->add_option("--stop-below", an->stop_below, "Stop if P(LDN better) < this (default 0.5)");
  a->add_flag("--no-mean-model", an->no_mean_model, "Do not fit model 1 ('mean') beside the chosen model");
  a->add_flag("--json", an->json, "Print JSON");
  a->callback([an, &ctx] { Finish(ctx, "trial analyze", RunAnalyze(*an)); });

  auto pool = std::make_shared<PoolArgs>();
  CLI::App* p = trial->add_subcommand(
      "pool",
      "Pool completed trials (de-identified estimate and SD per trial) in a Bayesian hierarchical model "
      "(Zucker 1997)");
  p->add_option("input", pool->input,
                "JSON {\"trials\": [{\"id\", \"estimate\", \"sd\"}]} or CSV id,estimate,sd; - for stdin")
      ->required();
  p->add_option("--input-format", pool->input_format, "json or csv (default: csv for *.csv, else json)");
  p->add_option("--mcid", pool->mcid, "Minimal clinically important difference, points (default 1)");
  p->add_flag("--higher-is-better", pool->higher_is_better, "A higher rating is better (default: lower is better)");
  p->add_flag("--no-trials", pool->no_trials, "Leave out the per-trial shrunken estimates");
  p->add_flag("--json", pool->json, "Print JSON");
  p->callback([pool, &ctx] { Finish(ctx, "trial pool", RunPool(*pool)); });
}

}  // namespace ldn::cli
