#include "analysis/nof1_simulate.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "analysis/nof1_analysis.h"
#include "analysis/simulate.h"

namespace ldn::analysis {
namespace {

// Random streams of one simulated trial (SimulationRng(seed, trial index, stream)); distinct from
// the patient simulator's streams so that the two never share draws.
enum TrialStream : uint64_t {
  kAllocationStream = 101,
  kNoiseStream = 102,
  kMissingStream = 103,
};

// The simulation analyses each trial on a grid 0.8 posterior SDs apart: to ~1e-8 the same
// probabilities as the default 0.5 (nof1_models_test.cpp), at about half the cost.
constexpr int kSimulationGridPoints = 21;

double Round4(double v) {
  const double r = std::round(v * 1e4) / 1e4;
  return r == 0.0 ? 0.0 : r;
}

Status CheckRange(double v, double lo, double hi, const char* field, const char* unit) {
  if (!(v >= lo && v <= hi)) {
    return Status::InvalidArgument(field, fmt::format("must be {:g} to {:g}{}, got {:g}", lo, hi, unit, v));
  }
  return Status::Ok();
}

nlohmann::json SharesJson(const DecisionShares& s) {
  return {{"trials", s.trials},
          {"p_continue", Round4(s.p_continue)},
          {"p_stop", Round4(s.p_stop)},
          {"p_uncertain", Round4(s.p_uncertain)},
          {"counts", {{"continue", s.continue_count}, {"stop", s.stop_count}, {"uncertain", s.uncertain_count}}},
          {"not_analysable", s.not_analysable},
          {"monte_carlo_se_max", Round4(s.monte_carlo_se)},
          {"mean_posterior_diff", Round4(s.mean_diff)},
          {"randomization_p_le_005_two_sided", Round4(s.randomization_p_005_two_sided)},
          {"randomization_p_le_005_one_sided", Round4(s.randomization_p_005_one_sided)},
          {"mean_rated_days", Round4(s.mean_rated_days)}};
}

DecisionShares Simulate(const TrialProtocol& protocol, const TrialScenario& scenario, const DesignSimulationOptions& o,
                        bool higher_is_better) {
  TrialAnalysisOptions analysis;
  analysis.model = protocol.model;
  analysis.mcid = protocol.mcid;
  analysis.rule = protocol.rule;
  analysis.higher_is_better = higher_is_better;
  Nof1FitOptions fit_options;
  fit_options.points_per_dimension = kSimulationGridPoints;
  DecisionShares s;
  s.trials = o.trials;
  double diff_sum = 0;
  int analysed = 0;
  int rated = 0;
  int rand2 = 0;
  int rand1 = 0;
  for (int i = 0; i < o.trials; ++i) {
    const TrialData data = SimulateTrialData(protocol, scenario, o.seed, i);
    for (const TrialPeriod& p : data.periods) rated += static_cast<int>(p.values.size());
    // Randomization test on the complete pairs.
    std::vector<double> diffs;
    for (size_t k = 1; k < data.periods.size(); k += 2) {
      const TrialPeriod& x = data.periods[k - 1];
      const TrialPeriod& y = data.periods[k];
      if (x.values.empty() || y.values.empty()) continue;
      const double mx = Mean(x.values);
      const double my = Mean(y.values);
      diffs.push_back(x.arm == TrialArm::kLdn ? mx - my : my - mx);
    }
    if (!diffs.empty()) {
      const RandomizationTest t = ExactRandomizationTest(diffs, higher_is_better);
      if (t.p_two_sided <= 0.05 + 1e-12) ++rand2;
      if (t.p_one_sided_b_better <= 0.05 + 1e-12) ++rand1;
    }
    auto fit = FitNof1Model(ToNof1Series(data), protocol.model, fit_options);
    if (!fit.ok()) {
      ++s.not_analysable;
      ++s.uncertain_count;
      continue;
    }
    const BayesianResult b = BayesianResultOf(std::move(*fit), analysis);
    const bool lag = protocol.model == Nof1Model::kLag && b.long_run_diff.has_value();
    const TrialDecision d = lag ? Decide(protocol.rule, b.long_run_p_b_better_by_mcid, b.long_run_p_b_better)
                                : Decide(protocol.rule, b.p_b_better_by_mcid, b.p_b_better);
    switch (d) {
      case TrialDecision::kContinue: ++s.continue_count; break;
      case TrialDecision::kStop: ++s.stop_count; break;
      case TrialDecision::kUncertain: ++s.uncertain_count; break;
    }
    diff_sum += b.diff.mean;
    ++analysed;
  }
  const double n = o.trials;
  s.p_continue = s.continue_count / n;
  s.p_stop = s.stop_count / n;
  s.p_uncertain = s.uncertain_count / n;
  double worst = 0;
  for (double p : {s.p_continue, s.p_stop, s.p_uncertain}) worst = std::max(worst, p * (1 - p));
  s.monte_carlo_se = std::sqrt(worst / n);
  s.mean_diff = analysed > 0 ? diff_sum / analysed : 0;
  s.randomization_p_005_two_sided = rand2 / n;
  s.randomization_p_005_one_sided = rand1 / n;
  s.mean_rated_days = rated / n;
  return s;
}

}  // namespace

Status ValidateScenario(const TrialScenario& s) {
  LDN_RETURN_IF_ERROR(CheckRange(s.effect, -10, 10, "effect", " points"));
  LDN_RETURN_IF_ERROR(CheckRange(s.sd, 0.05, 5, "sd", " points"));
  LDN_RETURN_IF_ERROR(CheckRange(s.rho, -0.95, 0.95, "rho", ""));
  LDN_RETURN_IF_ERROR(CheckRange(s.baseline, 0, 10, "baseline", " points"));
  LDN_RETURN_IF_ERROR(CheckRange(s.placebo_response, -10, 10, "placebo_response", " points"));
  LDN_RETURN_IF_ERROR(CheckRange(s.placebo_onset_days, 0, 365, "placebo_onset_days", " days"));
  LDN_RETURN_IF_ERROR(CheckRange(s.drift_per_28_days, -5, 5, "drift_per_28_days", " points"));
  LDN_RETURN_IF_ERROR(CheckRange(s.missing_probability, 0, 0.9, "missing_probability", ""));
  LDN_RETURN_IF_ERROR(CheckRange(s.onset_days, 0, 182, "onset_days", " days"));
  LDN_RETURN_IF_ERROR(CheckRange(s.offset_days, 0, 182, "offset_days", " days"));
  return Status::Ok();
}

TrialData SimulateTrialData(const TrialProtocol& protocol, const TrialScenario& sc, uint64_t seed, int index,
                            Allocation* allocation_out) {
  const bool higher_is_better = OutcomeHigherIsBetter(protocol.primary_outcome, "primary_outcome").value();
  const auto uindex = static_cast<uint64_t>(index);
  SimulationRng alloc_rng(seed, uindex, kAllocationStream);
  const Allocation allocation = DrawAllocation(protocol, [&](uint8_t* buf, size_t n) {
                                  for (size_t i = 0; i < n; ++i) buf[i] = static_cast<uint8_t>(alloc_rng.Bits() & 0xFF);
                                }).value();
  if (allocation_out) *allocation_out = allocation;
  SimulationRng noise(seed, uindex, kNoiseStream);
  SimulationRng missing(seed, uindex, kMissingStream);
  const int total = 2 * protocol.pairs * protocol.period_days;
  const double innovation_sd = sc.sd * std::sqrt(1 - sc.rho * sc.rho);
  double e = sc.sd * noise.Normal();
  double level = 0;  // share of LDN's full benefit in force
  std::vector<TrialDayRecord> records;
  for (int t = 1; t <= total; ++t) {
    if (t > 1) e = sc.rho * e + innovation_sd * noise.Normal();
    const int period = (t - 1) / protocol.period_days + 1;
    const int day_in_period = (t - 1) % protocol.period_days + 1;
    const TrialArm arm = allocation.ArmOfPeriod(period);
    if (arm == TrialArm::kLdn) {
      level = sc.onset_days == 0 ? 1.0 : std::min(1.0, level + 1.0 / sc.onset_days);
    } else {
      level = sc.offset_days == 0 ? 0.0 : std::max(0.0, level - 1.0 / sc.offset_days);
    }
    const double placebo = sc.placebo_onset_days == 0
                               ? sc.placebo_response
                               : sc.placebo_response * std::min(1.0, static_cast<double>(t) / sc.placebo_onset_days);
    const double improvement = sc.effect * level + placebo;
    double y =
        sc.baseline + sc.drift_per_28_days * (t - 1) / 28.0 + (higher_is_better ? improvement : -improvement) + e;
    if (sc.whole_points) y = std::clamp(std::round(y), 0.0, 10.0);
    const bool is_missing = missing.Uniform() < sc.missing_probability;
    if (day_in_period <= protocol.run_in_days) continue;
    TrialDayRecord r;
    r.day = t;
    r.period = period;
    r.arm = arm;
    if (!is_missing) r.outcome = y;
    records.push_back(r);
  }
  return MakeTrialData(std::move(records)).value();
}

Result<OperatingCharacteristics> SimulateTrialDesign(const TrialProtocol& protocol, const TrialScenario& scenario,
                                                     const DesignSimulationOptions& options) {
  LDN_RETURN_IF_ERROR(ValidateProtocol(protocol));
  LDN_RETURN_IF_ERROR(ValidateScenario(scenario));
  if (options.trials < 1 || options.trials > kMaxSimulatedTrials) {
    return Status::InvalidArgument("trials", fmt::format("must be 1-{}, got {}", kMaxSimulatedTrials, options.trials));
  }
  OperatingCharacteristics oc;
  oc.trials = options.trials;
  oc.seed = options.seed;
  LDN_ASSIGN_OR_RETURN(oc.higher_is_better, OutcomeHigherIsBetter(protocol.primary_outcome, "primary_outcome"));
  oc.under_effect = Simulate(protocol, scenario, options, oc.higher_is_better);
  if (options.with_null) {
    TrialScenario null = scenario;
    null.effect = 0;
    oc.under_null = Simulate(protocol, null, options, oc.higher_is_better);
  }
  return oc;
}

nlohmann::json OperatingCharacteristicsToJson(const OperatingCharacteristics& oc) {
  nlohmann::json j = SharesJson(oc.under_effect);
  j["seed"] = oc.seed;
  j["under_null"] = oc.under_null ? SharesJson(*oc.under_null) : nlohmann::json(nullptr);
  return j;
}

}  // namespace ldn::analysis
