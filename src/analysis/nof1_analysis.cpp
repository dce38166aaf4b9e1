#include "analysis/nof1_analysis.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include <boost/math/distributions/students_t.hpp>
#include <fmt/format.h>

namespace ldn::analysis {
namespace {

double Round6(double v) {
  const double r = std::round(v * 1e6) / 1e6;
  return r == 0.0 ? 0.0 : r;
}

nlohmann::json SummaryJson(const PosteriorSummary& s) {
  return {{"mean", Round6(s.mean)},
          {"sd", Round6(s.sd)},
          {"q025", Round6(s.q025)},
          {"median", Round6(s.median)},
          {"q975", Round6(s.q975)}};
}

nlohmann::json OptionalNumber(const std::optional<double>& v) {
  return v ? nlohmann::json(Round6(*v)) : nlohmann::json(nullptr);
}

// P(LDN better), P(LDN better by >= MCID), P(placebo better by >= MCID) from the posterior of
// B - A, in the scale's direction.
void Probabilities(const NormalMixture& m, const TrialAnalysisOptions& o, double* b_better, double* b_by_mcid,
                   double* a_by_mcid) {
  const double below_zero = m.Cdf(0);
  const double at_most_minus = m.Cdf(-o.mcid);
  const double at_least_plus = 1 - m.Cdf(o.mcid);
  if (o.higher_is_better) {
    *b_better = 1 - below_zero;
    *b_by_mcid = at_least_plus;
    *a_by_mcid = at_most_minus;
  } else {
    *b_better = below_zero;
    *b_by_mcid = at_most_minus;
    *a_by_mcid = at_least_plus;
  }
}

nlohmann::json BayesJson(const BayesianResult& b) {
  nlohmann::json j = {{"model", std::string(Nof1ModelName(b.model))},
                      {"source", std::string(Nof1ModelSource(b.model))},
                      {"diff", SummaryJson(b.diff)},
                      {"p_b_better", Round6(b.p_b_better)},
                      {"p_b_better_by_mcid", Round6(b.p_b_better_by_mcid)},
                      {"p_a_better_by_mcid", Round6(b.p_a_better_by_mcid)}};
  nlohmann::json cats = nlohmann::json::array();
  for (const CategoryProbability& c : b.categories) {
    cats.push_back({{"lower", c.lower}, {"upper", c.upper}, {"probability", Round6(c.probability)}});
  }
  j["category_probabilities"] = std::move(cats);
  nlohmann::json params = {{"sd", {{"mean", Round6(b.fit.sd.mean)}, {"sd", Round6(b.fit.sd.sd)}}}};
  if (b.fit.slope) params["slope"] = {{"mean", Round6(b.fit.slope->mean)}, {"sd", Round6(b.fit.slope->sd)}};
  if (b.fit.rho) params["rho"] = {{"mean", Round6(b.fit.rho->mean)}, {"sd", Round6(b.fit.rho->sd)}};
  j["parameters"] = std::move(params);
  if (b.long_run_diff) {
    nlohmann::json lr = SummaryJson(*b.long_run_diff);
    if (!b.fit.long_run_moments_exist) {
      lr["mean"] = nullptr;
      lr["sd"] = nullptr;
    }
    lr["p_b_better"] = Round6(b.long_run_p_b_better);
    lr["p_b_better_by_mcid"] = Round6(b.long_run_p_b_better_by_mcid);
    lr["p_a_better_by_mcid"] = Round6(b.long_run_p_a_better_by_mcid);
    j["long_run_diff"] = std::move(lr);
  }
  j["computation"] = {
      {"method", "exact: analytic in the coefficients, trapezoid quadrature over the variance parameters"},
      {"grid_points", b.fit.grid_points},
      {"quadrature_error_bound", b.fit.quadrature_error}};
  return j;
}

nlohmann::json BlindingArmJson(const BlindingArm& a) {
  return {{"answered", a.answered},           {"correct", a.correct},
          {"incorrect", a.incorrect},         {"dont_know", a.dont_know},
          {"index", OptionalNumber(a.index)}, {"se", OptionalNumber(a.se)}};
}

}  // namespace

TrialAnalysisOptions AnalysisOptionsFor(const TrialProtocol& protocol) {
  TrialAnalysisOptions o;
  o.model = protocol.model;
  o.mcid = protocol.mcid;
  o.rule = protocol.rule;
  o.higher_is_better = OutcomeHigherIsBetter(protocol.primary_outcome, "primary_outcome").value();
  return o;
}

Status ValidateAnalysisOptions(const TrialAnalysisOptions& o) {
  if (!(o.mcid > 0 && o.mcid <= 1e6))
    return Status::InvalidArgument("mcid", fmt::format("must be above 0, got {:g}", o.mcid));
  if (!(o.score_range > 0 && o.score_range <= 1e6)) {
    return Status::InvalidArgument("score_range", fmt::format("must be above 0, got {:g}", o.score_range));
  }
  TrialProtocol p;  // reuse the protocol's checks of the rule
  p.rule = o.rule;
  const Status s = ValidateProtocol(p);
  if (!s.ok() && s.field().starts_with("decision_rule")) return s;
  return Status::Ok();
}

RandomizationTest ExactRandomizationTest(const std::vector<double>& d, bool higher_is_better) {
  RandomizationTest t;
  t.pairs = static_cast<int>(d.size());
  assert(t.pairs >= 1 && t.pairs <= 30);
  t.allocations = 1 << t.pairs;
  double sum = 0;
  for (double x : d) sum += x;
  t.statistic = sum / t.pairs;
  // Ties within floating-point noise count as "as extreme" (1e-9 relative).
  const double eps = 1e-9 * (1 + std::fabs(t.statistic));
  int two = 0;
  int one = 0;
  for (int mask = 0; mask < t.allocations; ++mask) {
    double s = 0;
    for (int k = 0; k < t.pairs; ++k) s += ((mask >> k) & 1) ? -d[static_cast<size_t>(k)] : d[static_cast<size_t>(k)];
    const double stat = s / t.pairs;
    if (std::fabs(stat) >= std::fabs(t.statistic) - eps) ++two;
    if (higher_is_better ? stat >= t.statistic - eps : stat <= t.statistic + eps) ++one;
  }
  t.p_two_sided = static_cast<double>(two) / t.allocations;
  t.p_one_sided_b_better = static_cast<double>(one) / t.allocations;
  t.smallest_possible_p_two_sided = std::min(1.0, 2.0 / t.allocations);
  return t;
}

std::optional<PairedT> PairedTTest(const std::vector<double>& d) {
  if (d.size() < 2) return std::nullopt;
  PairedT t;
  t.pairs = static_cast<int>(d.size());
  t.degrees_of_freedom = t.pairs - 1;
  t.mean = Mean(d);
  t.sd = std::sqrt(SampleVariance(d));
  const double se = t.sd / std::sqrt(static_cast<double>(t.pairs));
  using Policy = boost::math::policies::policy<boost::math::policies::promote_double<false>>;
  const boost::math::students_t_distribution<double, Policy> dist(t.degrees_of_freedom);
  const double q = boost::math::quantile(dist, 0.975);
  t.lower = t.mean - q * se;
  t.upper = t.mean + q * se;
  if (se > 0) {
    t.p_value = 2 * boost::math::cdf(boost::math::complement(dist, std::fabs(t.mean) / se));
  } else {
    t.p_value = t.mean == 0 ? 1.0 : 0.0;
  }
  return t;
}

Blinding BangBlindingIndex(const std::vector<PeriodSummary>& periods) {
  Blinding b;
  for (const PeriodSummary& p : periods) {
    if (!p.guess) {
      ++b.periods_without_guess;
      continue;
    }
    BlindingArm& arm = p.arm == TrialArm::kLdn ? b.ldn : b.placebo;
    ++arm.answered;
    if (*p.guess == BlindingGuess::kDontKnow) {
      ++arm.dont_know;
    } else if ((*p.guess == BlindingGuess::kLdn) == (p.arm == TrialArm::kLdn)) {
      ++arm.correct;
    } else {
      ++arm.incorrect;
    }
  }
  for (BlindingArm* arm : {&b.ldn, &b.placebo}) {
    if (arm->answered == 0) continue;
    const double n = arm->answered;
    const double pc = arm->correct / n;
    const double pi = arm->incorrect / n;
    arm->index = pc - pi;
    arm->se = std::sqrt((pc * (1 - pc) + pi * (1 - pi) + 2 * pc * pi) / n);
  }
  return b;
}

BayesianResult BayesianResultOf(Nof1Fit fit, const TrialAnalysisOptions& o) {
  BayesianResult b;
  b.model = fit.model;
  b.diff = Summarize(fit.diff);
  Probabilities(fit.diff, o, &b.p_b_better, &b.p_b_better_by_mcid, &b.p_a_better_by_mcid);
  b.categories = StandardizedCategories(fit.diff, o.score_range);
  if (fit.long_run_diff) {
    b.long_run_diff = Summarize(*fit.long_run_diff);
    Probabilities(*fit.long_run_diff, o, &b.long_run_p_b_better, &b.long_run_p_b_better_by_mcid,
                  &b.long_run_p_a_better_by_mcid);
  }
  b.fit = std::move(fit);
  return b;
}

Result<TrialAnalysis> AnalyzeTrial(const TrialData& data, const TrialAnalysisOptions& options) {
  LDN_RETURN_IF_ERROR(ValidateAnalysisOptions(options));
  TrialAnalysis a;
  a.options = options;
  a.input_days = static_cast<int>(data.days.size());
  a.pairs = data.Pairs();
  if (!data.days.empty()) a.days = data.days.back().day - data.days.front().day + 1;

  // Period means and the pairs' differences.
  std::vector<double> pair_diffs;
  std::vector<double> a_days, b_days;
  std::vector<DailySeries> windows;
  for (const TrialPeriod& p : data.periods) {
    PeriodSummary s;
    s.period = p.number;
    s.pair = p.pair;
    s.arm = p.arm;
    s.first_day = p.first_day;
    s.last_day = p.last_day;
    s.days = p.rows;
    s.rated = static_cast<int>(p.values.size());
    s.guess = p.guess;
    if (!p.values.empty()) s.mean = Mean(p.values);
    a.rated_days += s.rated;
    a.periods.push_back(s);
    DailySeries w;
    w.day_index = p.value_days;
    w.values = p.values;
    windows.push_back(std::move(w));
    std::vector<double>& arm_days = p.arm == TrialArm::kLdn ? b_days : a_days;
    arm_days.insert(arm_days.end(), p.values.begin(), p.values.end());
  }
  for (size_t i = 1; i < a.periods.size(); i += 2) {
    const PeriodSummary& x = a.periods[i - 1];
    const PeriodSummary& y = a.periods[i];
    if (!x.mean || !y.mean) {
      a.notes.push_back(
          fmt::format("Pair {} has a period without any rating: it is left out of the randomization "
                      "test and the paired t (the Bayesian model uses every rated day).",
                      x.pair));
      continue;
    }
    const double b_mean = x.arm == TrialArm::kLdn ? *x.mean : *y.mean;
    const double a_mean = x.arm == TrialArm::kLdn ? *y.mean : *x.mean;
    pair_diffs.push_back(b_mean - a_mean);
  }
  if (a.periods.size() % 2 == 1) {
    a.notes.push_back(
        fmt::format("Period {} has no partner (the trial stopped early): it counts in the Bayesian "
                    "model only.",
                    a.periods.back().period));
  }
  a.complete_pairs = static_cast<int>(pair_diffs.size());
  if (!pair_diffs.empty()) a.randomization = ExactRandomizationTest(pair_diffs, options.higher_is_better);
  a.paired_t = PairedTTest(pair_diffs);
  if (a.complete_pairs < 2) a.notes.push_back("Fewer than 2 complete pairs: no paired t interval.");

  // The AR(1)-adjusted interval of the response analysis (docs/analysis.md), with phi pooled over
  // the periods and bias-corrected for the mean period length.
  if (a_days.size() >= 2 && b_days.size() >= 2) {
    double phi = 0;
    if (auto r = PooledLag1Autocorrelation(windows)) {
      double m = 0;
      int counted = 0;
      for (const DailySeries& w : windows) {
        if (w.values.empty()) continue;
        m += static_cast<double>(w.values.size());
        ++counted;
      }
      phi = BiasCorrectedAutocorrelation(*r, counted > 0 ? m / counted : 0);
    }
    a.ar1_interval = Ar1DifferenceInterval(a_days, b_days, phi);
  }

  // The Bayesian models.
  const Nof1Series series = ToNof1Series(data);
  LDN_ASSIGN_OR_RETURN(Nof1Fit fit, FitNof1Model(series, options.model));
  a.bayes = BayesianResultOf(std::move(fit), options);
  if (options.with_mean_model && options.model != Nof1Model::kMean) {
    LDN_ASSIGN_OR_RETURN(Nof1Fit mean_fit, FitNof1Model(series, Nof1Model::kMean));
    a.mean_model = BayesianResultOf(std::move(mean_fit), options);
  }

  if (data.has_guesses) a.blinding = BangBlindingIndex(a.periods);

  // The decision reads the chosen model's difference; for the lag model its long-run difference
  // (beta alone is the effect on one day given yesterday's rating: docs/nof1.md).
  if (options.model == Nof1Model::kLag && a.bayes.long_run_diff) {
    a.decision = Decide(options.rule, a.bayes.long_run_p_b_better_by_mcid, a.bayes.long_run_p_b_better);
    a.decision_basis = "long_run_diff";
  } else {
    a.decision = Decide(options.rule, a.bayes.p_b_better_by_mcid, a.bayes.p_b_better);
    a.decision_basis = "diff";
  }

  switch (options.model) {
    case Nof1Model::kMean:
      a.notes.push_back(
          "Model 'mean' treats the days as independent: with autocorrelated ratings its interval is "
          "too narrow (use ar1, the default).");
      break;
    case Nof1Model::kTrend:
      a.notes.push_back(
          "Model 'trend' adds a straight-line drift over the trial (TrialistNof1 model 2 used the time "
          "of day of the report as its covariate; ldn uses the trial day).");
      break;
    case Nof1Model::kLag:
      a.notes.push_back(
          "Model 'lag' (TrialistNof1 model 4): diff is the effect on one day given yesterday's rating; "
          "the difference between steady states is long_run_diff = diff / (1 - slope), which the "
          "decision reads.");
      break;
    case Nof1Model::kAr1: break;
  }
  if (a.bayes.fit.sd.mean > 0.9 * 5 && options.model != Nof1Model::kAr1) {
    a.notes.push_back("The residual SD is near the engine's prior limit of 5: the models assume a 0-10 scale.");
  }
  if (a.randomization && a.randomization->smallest_possible_p_two_sided > 0.05) {
    a.notes.push_back(fmt::format(
        "With {} complete pair{} the randomization test cannot reach p <= 0.05 two-sided "
        "(smallest possible p = {:.3g}).",
        a.complete_pairs, a.complete_pairs == 1 ? "" : "s", a.randomization->smallest_possible_p_two_sided));
  }
  return a;
}

nlohmann::json TrialAnalysisToJson(const TrialAnalysis& a) {
  const TrialAnalysisOptions& o = a.options;
  nlohmann::json j = BayesJson(a.bayes);
  j["outcome_direction"] = o.higher_is_better ? "higher_is_better" : "lower_is_better";
  j["mcid"] = o.mcid;
  j["score_range"] = o.score_range;
  j["days"] = {{"calendar", a.days}, {"input", a.input_days}, {"rated", a.rated_days}};
  j["pairs"] = a.pairs;
  j["complete_pairs"] = a.complete_pairs;
  nlohmann::json periods = nlohmann::json::array();
  for (const PeriodSummary& p : a.periods) {
    periods.push_back(
        {{"period", p.period},
         {"pair", p.pair},
         {"treatment", std::string(TrialArmCode(p.arm))},
         {"first_day", p.first_day},
         {"last_day", p.last_day},
         {"days", p.days},
         {"rated", p.rated},
         {"mean", OptionalNumber(p.mean)},
         {"guess", p.guess ? nlohmann::json(std::string(BlindingGuessCode(*p.guess))) : nlohmann::json(nullptr)}});
  }
  j["periods"] = std::move(periods);
  if (a.mean_model) j["mean_model"] = BayesJson(*a.mean_model);
  if (a.randomization) {
    const RandomizationTest& r = *a.randomization;
    j["randomization_test"] = {{"p_two_sided", Round6(r.p_two_sided)},
                               {"p_one_sided_b_better", Round6(r.p_one_sided_b_better)},
                               {"allocations", r.allocations},
                               {"pairs", r.pairs},
                               {"statistic", Round6(r.statistic)},
                               {"smallest_possible_p_two_sided", Round6(r.smallest_possible_p_two_sided)}};
  } else {
    j["randomization_test"] = nullptr;
  }
  if (a.paired_t) {
    const PairedT& t = *a.paired_t;
    j["paired_t"] = {{"mean", Round6(t.mean)},       {"lower", Round6(t.lower)}, {"upper", Round6(t.upper)},
                     {"p_value", Round6(t.p_value)}, {"sd", Round6(t.sd)},       {"pairs", t.pairs},
                     {"df", t.degrees_of_freedom}};
  } else {
    j["paired_t"] = nullptr;
  }
  if (a.ar1_interval) {
    const DifferenceInterval& d = *a.ar1_interval;
    j["ar1_interval"] = {{"difference", Round6(d.difference)},
                         {"lower", Round6(d.lower)},
                         {"upper", Round6(d.upper)},
                         {"level", d.level},
                         {"phi", Round6(d.r)},
                         {"n_eff_a", Round6(d.n_eff_before)},
                         {"n_eff_b", Round6(d.n_eff_after)},
                         {"degrees_of_freedom", Round6(d.degrees_of_freedom)}};
  } else {
    j["ar1_interval"] = nullptr;
  }
  if (a.blinding) {
    j["blinding"] = {{"method", "Bang 2004 blinding index per arm"},
                     {"ldn", BlindingArmJson(a.blinding->ldn)},
                     {"placebo", BlindingArmJson(a.blinding->placebo)},
                     {"periods_without_guess", a.blinding->periods_without_guess}};
  } else {
    j["blinding"] = nullptr;
  }
  j["decision"] = std::string(TrialDecisionName(a.decision));
  j["decision_meaning"] = TrialDecisionMeaning(a.decision, o.rule, o.mcid);
  j["decision_basis"] = a.decision_basis;
  j["decision_rule"] = {
      {"continue_probability", o.rule.continue_probability},
      {"stop_probability", o.rule.stop_probability},
      {"continue_if", fmt::format("P(LDN better by >= {:g}) >= {:g}", o.mcid, o.rule.continue_probability)},
      {"stop_if", fmt::format("P(LDN better) < {:g}", o.rule.stop_probability)}};
  j["notes"] = a.notes;
  return j;
}

}  // namespace ldn::analysis
