#include "report/trial_report.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analysis/nof1_models.h"

namespace ldn::report {
namespace {

using analysis::BlindingGuess;
using analysis::TrialAnalysis;
using analysis::TrialArm;

const ReportLocale kEnglish;

std::string Num(double v, int digits = 2) {
  return kEnglish.Number(v, digits);
}
std::string P(double p) {
  return p < 0.001 ? "< 0.001" : Num(p, 3);
}
std::string ArmName(TrialArm a) {
  return a == TrialArm::kLdn ? "LDN" : "placebo";
}
std::string GuessName(const std::optional<BlindingGuess>& g) {
  if (!g) return "(not answered)";
  return *g == BlindingGuess::kLdn ? "LDN" : (*g == BlindingGuess::kPlacebo ? "placebo" : "don't know");
}
std::string Dates(LocalDate a, LocalDate b) {
  return fmt::format("{} to {}", FormatDate(a), FormatDate(b));
}
// "lower is better" / "higher is better".
std::string Direction(bool higher) {
  return higher ? "higher is better" : "lower is better";
}

// The posterior rows of a model: the difference LDN - placebo and what the rule reads.
std::vector<std::string> PosteriorRow(const analysis::BayesianResult& b, const std::string& name) {
  return {name,
          Num(b.diff.mean),
          Num(b.diff.sd),
          fmt::format("{} to {}", Num(b.diff.q025), Num(b.diff.q975)),
          Num(b.p_b_better, 3),
          Num(b.p_b_better_by_mcid, 3),
          Num(b.p_a_better_by_mcid, 3)};
}

std::string ModelLabel(const analysis::BayesianResult& b) {
  return fmt::format("{} ({})", analysis::Nof1ModelName(b.model), analysis::Nof1ModelSource(b.model));
}

FlowCurve Curve(const analysis::NormalMixture& m, std::string label, bool dashed) {
  return {std::move(label), m.weight, m.mean, m.sd, dashed};
}

void PrimaryOutcome(const TrialReportInput& in, std::vector<FlowBlock>& out) {
  const TrialOutcomeResult& o = in.primary;
  out.push_back(FlowHeading(fmt::format("Primary outcome: {} (0-10, {})", o.label, Direction(o.higher_is_better))));
  if (!o.analysis) {
    out.push_back(FlowStrong(fmt::format("No analysis: {}", o.error)));
    return;
  }
  const TrialAnalysis& a = *o.analysis;
  out.push_back(FlowParagraph(fmt::format(
      "Analysed: {} days after each period's run-in of {} days, {} of them rated ({} missing); {} of {} "
      "pairs complete.",
      a.input_days, in.protocol.run_in_days, a.rated_days, a.input_days - a.rated_days, a.complete_pairs, a.pairs)));
  std::vector<std::vector<std::string>> rows;
  for (const auto& p : a.periods) {
    rows.push_back({std::to_string(p.period), std::to_string(p.pair), ArmName(p.arm),
                    fmt::format("{}-{}", p.first_day, p.last_day), fmt::format("{} of {}", p.rated, p.days),
                    p.mean ? Num(*p.mean) : "-", GuessName(p.guess)});
  }
  out.push_back(FlowTable({"Period", "Pair", "Arm", "Trial days analysed", "Days rated", "Mean", "Patient's guess"},
                          {0.09, 0.08, 0.12, 0.2, 0.15, 0.12, 0.24}, std::move(rows)));

  out.push_back(FlowStrong(fmt::format(
      "Posterior of the difference LDN \u2212 placebo ({} points; negative favours LDN when lower is better)",
      o.label)));
  rows = {PosteriorRow(a.bayes, ModelLabel(a.bayes))};
  if (a.mean_model) rows.push_back(PosteriorRow(*a.mean_model, ModelLabel(*a.mean_model) + ", for comparison"));
  out.push_back(FlowTable({"Model", "Mean", "SD", "95% credible interval", "P(LDN better)",
                           fmt::format("P(LDN better by \u2265 {})", Num(in.protocol.mcid, 1)),
                           fmt::format("P(placebo better by \u2265 {})", Num(in.protocol.mcid, 1))},
                          {0.3, 0.08, 0.08, 0.16, 0.11, 0.135, 0.135}, std::move(rows)));
  if (a.bayes.long_run_diff) {
    out.push_back(FlowParagraph(fmt::format(
        "Model 4's difference is a one-day effect given yesterday's rating; its long-run difference "
        "\u03b2/(1 \u2212 slope) has mean {} (95% interval {} to {}).",
        Num(a.bayes.long_run_diff->mean), Num(a.bayes.long_run_diff->q025), Num(a.bayes.long_run_diff->q975))));
  }
  FlowDensity d;
  d.x_label = fmt::format("LDN \u2212 placebo, {} points", o.label);
  d.curves.push_back(Curve(a.bayes.fit.diff, fmt::format("{}: the headline", ModelLabel(a.bayes)), false));
  if (a.mean_model) {
    d.curves.push_back(Curve(a.mean_model->fit.diff, fmt::format("{}", ModelLabel(*a.mean_model)), true));
  }
  const double mcid = in.protocol.mcid;
  d.marks = {{0, "no difference"}, {o.higher_is_better ? mcid : -mcid, fmt::format("LDN better by {}", Num(mcid, 1))}};
  d.shade = true;
  d.shade_from = o.higher_is_better ? mcid : -1e9;
  d.shade_to = o.higher_is_better ? 1e9 : -mcid;
  d.shade_label = fmt::format("P(LDN better by \u2265 {}) = {}: what the rule reads to continue", Num(mcid, 1),
                              Num(a.bayes.p_b_better_by_mcid, 3));
  out.push_back(FlowDensityPlot(std::move(d)));

  std::vector<std::string> tests;
  if (a.randomization) {
    const auto& r = *a.randomization;
    tests.push_back(fmt::format(
        "Exact randomization test over all {} allocations the design allowed ({} complete pairs): mean pair "
        "difference {}, p = {} two-sided, {} one-sided for LDN better (the smallest two-sided p this design "
        "can give is {}).",
        r.allocations, r.pairs, Num(r.statistic), Num(r.p_two_sided, 3), Num(r.p_one_sided_b_better, 3),
        Num(r.smallest_possible_p_two_sided, 3)));
  } else {
    tests.push_back("Randomization test: no complete pair.");
  }
  if (a.paired_t) {
    const auto& t = *a.paired_t;
    tests.push_back(
        fmt::format("Paired t on the pairs' differences of period means: {} (95% CI {} to {}), t on {} "
                    "df, p = {}.",
                    Num(t.mean), Num(t.lower), Num(t.upper), t.degrees_of_freedom, P(t.p_value)));
  } else {
    tests.push_back("Paired t: fewer than 2 complete pairs.");
  }
  if (a.ar1_interval) {
    const auto& r = *a.ar1_interval;
    tests.push_back(
        fmt::format("AR(1)-aware interval of LDN days against placebo days: {} ({} to {}), lag-1 autocorrelation {}.",
                    Num(r.difference), Num(r.lower), Num(r.upper), Num(r.r)));
  }
  out.push_back(FlowBullets(std::move(tests)));
}

void Secondary(const TrialReportInput& in, std::vector<FlowBlock>& out) {
  if (in.secondary.empty()) return;
  out.push_back(FlowHeading("Secondary outcomes (the rule decides on the primary outcome only)"));
  std::vector<std::vector<std::string>> rows;
  for (const TrialOutcomeResult& o : in.secondary) {
    if (!o.analysis) {
      rows.push_back({o.label, Direction(o.higher_is_better), "no analysis: " + o.error, "", "", ""});
      continue;
    }
    const TrialAnalysis& a = *o.analysis;
    rows.push_back(
        {o.label, Direction(o.higher_is_better),
         fmt::format("{} ({} to {})", Num(a.bayes.diff.mean), Num(a.bayes.diff.q025), Num(a.bayes.diff.q975)),
         Num(a.bayes.p_b_better, 3), a.randomization ? Num(a.randomization->p_two_sided, 3) : "-",
         a.paired_t
             ? fmt::format("{} ({} to {})", Num(a.paired_t->mean), Num(a.paired_t->lower), Num(a.paired_t->upper))
             : "-"});
  }
  out.push_back(FlowTable({"Outcome", "Scale", "LDN \u2212 placebo, posterior mean (95% CrI)", "P(LDN better)",
                           "Randomization p (two-sided)", "Paired t (95% CI)"},
                          {0.13, 0.14, 0.25, 0.12, 0.14, 0.22}, std::move(rows)));
}

void BlindingSection(const TrialReportInput& in, std::vector<FlowBlock>& out) {
  out.push_back(FlowHeading("Blinding"));
  if (!in.primary.analysis || !in.primary.analysis->blinding) {
    out.push_back(FlowParagraph("The patient answered no end-of-period question: blinding cannot be assessed."));
    return;
  }
  const analysis::Blinding& b = *in.primary.analysis->blinding;
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, arm] : {std::pair{"LDN periods", &b.ldn}, std::pair{"placebo periods", &b.placebo}}) {
    rows.push_back({name, std::to_string(arm->answered), std::to_string(arm->correct), std::to_string(arm->incorrect),
                    std::to_string(arm->dont_know),
                    arm->index ? fmt::format("{}{}", Num(*arm->index),
                                             arm->se ? fmt::format(" (SE {})", Num(*arm->se)) : std::string())
                               : "-"});
  }
  out.push_back(FlowTable({"Arm", "Answered", "Correct", "Incorrect", "Don't know", "Bang's blinding index"},
                          {0.2, 0.13, 0.13, 0.13, 0.13, 0.28}, std::move(rows)));
  out.push_back(FlowSmall(fmt::format(
      "Bang's index per arm: (correct \u2212 incorrect) / answered; 0 is random guessing, 1 every guess right, "
      "\u22121 every guess wrong (Bang H, Ni L, Davis CE. Control Clin Trials 2004;25:143-56). Periods without an "
      "answer: {}.",
      b.periods_without_guess)));
}

void AdverseEvents(const TrialReportInput& in, std::vector<FlowBlock>& out) {
  out.push_back(FlowHeading("Adverse events and rescue medication by arm"));
  std::map<std::string, std::pair<int, int>> by_name;  // name -> (LDN days, placebo days)
  int days[2] = {0, 0}, severe[2] = {0, 0}, rescue[2] = {0, 0}, diary[2] = {0, 0};
  for (const auto& c : in.conduct) {
    const int k = c.arm == TrialArm::kLdn ? 0 : 1;
    days[k] += c.days;
    diary[k] += c.diary_days;
    severe[k] += c.severe_side_effect_days;
    rescue[k] += c.rescue_days;
    for (const auto& [name, n] : c.side_effects) (k == 0 ? by_name[name].first : by_name[name].second) += n;
  }
  std::vector<std::vector<std::string>> rows;
  for (const auto& [name, n] : by_name) rows.push_back({name, std::to_string(n.first), std::to_string(n.second)});
  rows.push_back({"Days with a severe side effect", std::to_string(severe[0]), std::to_string(severe[1])});
  rows.push_back({"Days with rescue medication", std::to_string(rescue[0]), std::to_string(rescue[1])});
  out.push_back(
      FlowTable({"Days reported in the diary", fmt::format("on LDN ({} days, {} with a diary)", days[0], diary[0]),
                 fmt::format("on placebo ({} days, {} with a diary)", days[1], diary[1])},
                {0.4, 0.3, 0.3}, std::move(rows)));
}

}  // namespace

FlowDocument TrialReportDocument(const TrialReportInput& in) {
  FlowDocument doc;
  doc.title = "Blinded N-of-1 trial of LDN against placebo";
  doc.subtitle = fmt::format("{} \u00b7 trial {} \u00b7 {} ({}) \u00b7 report of {}", in.patient, in.trial_id,
                             Dates(in.start, in.until), in.time_zone, FormatDate(in.generated_on));
  doc.footer = fmt::format("ldn \u00b7 {} \u00b7 trial {} \u00b7 CENT 2015 report", in.patient, in.trial_id);
  doc.date = FormatDate(in.generated_on);
  auto& out = doc.blocks;

  out.push_back(FlowHeading("Decision by the rule agreed before the start"));
  if (in.primary.analysis) {
    const TrialAnalysis& a = *in.primary.analysis;
    const bool long_run = a.decision_basis == "long_run_diff";
    out.push_back(FlowStrong(analysis::TrialDecisionMeaning(a.decision, in.protocol.rule, in.protocol.mcid)));
    out.push_back(FlowParagraph(fmt::format(
        "The rule read the posterior of the {} difference of the headline model ({}): P(LDN better by \u2265 {} "
        "points) = {} (continue at \u2265 {}), P(LDN better) = {} (stop below {}).",
        long_run ? "long-run" : "LDN \u2212 placebo", analysis::Nof1ModelName(a.bayes.model), Num(in.protocol.mcid, 1),
        Num(long_run ? a.bayes.long_run_p_b_better_by_mcid : a.bayes.p_b_better_by_mcid, 3),
        Num(in.protocol.rule.continue_probability, 2),
        Num(long_run ? a.bayes.long_run_p_b_better : a.bayes.p_b_better, 3),
        Num(in.protocol.rule.stop_probability, 2))));
  } else {
    out.push_back(FlowStrong(fmt::format("No decision: {}", in.primary.error)));
  }

  out.push_back(FlowHeading("Design, as frozen when the trial started"));
  std::string secondary;
  for (const TrialOutcomeResult& o : in.secondary) secondary += (secondary.empty() ? "" : ", ") + o.label;
  const auto& p = in.protocol;
  out.push_back(FlowTable(
      {}, {0.3, 0.7},
      {{"Design",
        fmt::format("{} pairs of periods, each pair LDN and placebo in an order the pharmacy drew at random", p.pairs)},
       {"Periods", fmt::format("{} days, the first {} not analysed (run-in: the previous period wears off); {} "
                               "days analysed per period",
                               p.period_days, p.run_in_days, p.period_days - p.run_in_days)},
       {"Primary outcome",
        fmt::format("{}, daily 0-10 in the diary ({})", in.primary.label, Direction(in.primary.higher_is_better))},
       {"Secondary outcomes", secondary.empty() ? "none" : secondary},
       {"Smallest important difference", fmt::format("{} points", Num(p.mcid, 1))},
       {"Decision rule",
        fmt::format("continue LDN if P(LDN better by \u2265 {}) \u2265 {}; stop if P(LDN better) < {}; otherwise "
                    "uncertain",
                    Num(p.mcid, 1), Num(p.rule.continue_probability, 2), Num(p.rule.stop_probability, 2))},
       {"Headline model", std::string(analysis::Nof1ModelSource(p.model))},
       {"Protocol SHA-256", in.protocol_sha256},
       {"Dates", fmt::format("started {}, planned to {}, analysed to {}", FormatDate(in.start),
                             FormatDate(in.planned_last), FormatDate(in.until))},
       {"End", fmt::format("{}{}", in.stopped_early ? "stopped early: " : "", in.end_reason)}}));

  out.push_back(FlowHeading("Allocation (held by the pharmacy until the end)"));
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < in.calendar.size(); ++i) {
    const auto& c = in.calendar[i];
    rows.push_back({std::to_string(c.period), std::to_string(c.pair), Dates(c.first, c.last),
                    FormatDate(c.analysed_first), i < in.packs.size() ? in.packs[i] : "", ArmName(c.arm)});
  }
  out.push_back(FlowTable({"Period", "Pair", "Dates", "Analysed from", "Pack", "Held"},
                          {0.1, 0.08, 0.32, 0.18, 0.16, 0.16}, std::move(rows)));
  std::string blind = fmt::format(
      "Order within each pair (A = placebo first): {}, drawn by the pharmacy with a cryptographic random "
      "generator; the care team and the patient saw pack codes only.",
      in.allocation);
  if (in.unblinded_on) {
    blind += fmt::format(" {} on {}: {}.", in.emergency_unblinding ? "Emergency unblinding" : "Unblinded",
                         FormatDate(*in.unblinded_on), in.unblind_reason);
  }
  out.push_back(FlowParagraph(std::move(blind)));

  out.push_back(FlowHeading("Adherence and missing data by period"));
  rows.clear();
  for (const auto& c : in.conduct) {
    rows.push_back(
        {std::to_string(c.period), ArmName(c.arm), Dates(c.first, c.last), std::to_string(c.days),
         std::to_string(c.diary_days), fmt::format("{} / {} / {}", c.doses_taken, c.doses_missed, c.doses_unrecorded),
         // Adherence is read from the dose log: without one it is unknown, not 0%.
         c.doses_taken + c.doses_missed > 0 ? fmt::format("{:.0f}%", 100.0 * c.doses_taken / c.days) : "no dose log",
         std::to_string(c.rescue_days)});
  }
  out.push_back(FlowTable(
      {"Period", "Arm", "Dates", "Days", "Diary days", "Doses taken / missed / not logged", "Adherence", "Rescue days"},
      {0.08, 0.1, 0.25, 0.07, 0.09, 0.19, 0.11, 0.11}, std::move(rows)));
  out.push_back(FlowSmall(
      "Adherence: days the dose log says taken, of the period's days (the run-in included: the capsules are taken "
      "from each period's first day). Diary days: days with a diary entry; an analysed day without a rating is "
      "missing data, left out of the analysis rather than filled in."));

  PrimaryOutcome(in, out);
  Secondary(in, out);
  BlindingSection(in, out);
  AdverseEvents(in, out);

  out.push_back(FlowHeading("What this trial can and cannot tell"));
  out.push_back(FlowBullets(in.limits));
  if (in.primary.analysis && !in.primary.analysis->notes.empty()) {
    out.push_back(FlowHeading("Notes of the analysis"));
    out.push_back(FlowBullets(in.primary.analysis->notes));
  }
  out.push_back(FlowHeading("Methods and sources"));
  out.push_back(FlowSmall(
      "Reported after CENT 2015 (Vohra S et al. BMJ 2015;350:h1738; Shamseer L et al. BMJ 2015;350:h1793). "
      "Design after the AHRQ user's guide (Kravitz RL, Duan N, eds. Design and Implementation of N-of-1 Trials, "
      "AHRQ 2014). Bayesian models of the published engines with their default priors: TrialistNof1 run.norm "
      "models 1, 2 and 4 (alpha, beta ~ N(0, precision 1e-6), sigma ~ U(0.1, 5)) and the nof1ins AR(1)-error "
      "model (rho ~ U(-1, 1), precision ~ Gamma(0.001, 0.001)), computed exactly by numerical integration and "
      "checked against the engines run under JAGS (tests/oracles/nof1). Exact randomization test over the "
      "allocations the design allowed (Edgington 1980). Paired t (Student 1908). Blinding index: Bang 2004. "
      "The models, equations and limits: docs/nof1.md."));
  return doc;
}

namespace {

// The outcome's label in the reader's language, lower-cased as in a sentence ("pain", "smerte").
std::string OutcomeWord(const TrialOutcomeResult& o, const ReportLocale& L) {
  std::string s = L.T("{effect}", {{"effect", ItemRef(o.outcome, o.label)}});
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x80) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

}  // namespace

FlowDocument TrialLetterDocument(const TrialReportInput& in, const ReportLocale& L) {
  FlowDocument doc;
  doc.title = L.T("The answer of your blinded trial");
  doc.subtitle =
      L.T("Your trial ran from {start} to {end}.", {{"start", FormatDate(in.start)}, {"end", FormatDate(in.until)}});
  doc.footer = L.T("ldn \u00b7 your blinded trial \u00b7 {date}", {{"date", FormatDate(in.generated_on)}});
  doc.page_word = L.T("Page {n} of {total}", {{"n", "{i}"}, {"total", "{n}"}});
  doc.date = FormatDate(in.generated_on);
  doc.text_size = 11;
  auto& out = doc.blocks;
  const std::string outcome = OutcomeWord(in.primary, L);
  const TrialAnalysis* a = in.primary.analysis ? &*in.primary.analysis : nullptr;
  if (!a) {
    out.push_back(FlowStrong(L.T("Your trial has ended, but there were too few diary days to answer the question.")));
  } else {
    const char* said = a->decision == analysis::TrialDecision::kContinue
                           ? N_("In your trial, {outcome} was better in the periods on LDN than on placebo, by "
                                "enough to matter. The rule you and your clinic agreed before the start says: "
                                "continue LDN.")
                       : a->decision == analysis::TrialDecision::kStop
                           ? N_("In your trial, LDN did no better than placebo for {outcome}. The rule you and "
                                "your clinic agreed before the start says: stop LDN.")
                           : N_("Your trial could not tell clearly whether LDN helps {outcome} more than placebo.");
    out.push_back(FlowStrong(L.T(said, {{"outcome", outcome}})));
    double sum[2] = {0, 0};
    int n[2] = {0, 0};
    for (const auto& p : a->periods) {
      if (!p.mean) continue;
      const int k = p.arm == TrialArm::kLdn ? 0 : 1;
      sum[k] += *p.mean;
      ++n[k];
    }
    const auto avg = [&](int k) { return n[k] ? L.Number(sum[k] / n[k], 1) : std::string("\u2013"); };
    out.push_back(FlowParagraph(L.T("On average {outcome} was {ldn} on LDN and {placebo} on placebo (0 to 10).",
                                    {{"outcome", outcome}, {"ldn", avg(0)}, {"placebo", avg(1)}})));
  }
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < in.calendar.size() && i < in.packs.size(); ++i) {
    const auto& c = in.calendar[i];
    if (c.first > in.until) break;
    std::string mean = "\u2013";
    if (a) {
      for (const auto& p : a->periods) {
        if (p.period == c.period && p.mean) mean = L.Number(*p.mean, 1);
      }
    }
    rows.push_back({std::to_string(c.period),
                    fmt::format("{} \u2013 {}", L.Date(c.first), L.Date(std::min(c.last, in.until))), in.packs[i],
                    c.arm == TrialArm::kLdn ? L.T("LDN") : L.T("Placebo"), mean});
  }
  out.push_back(FlowTable({L.T("Period"), L.T("Dates"), L.T("Pack"), L.T("What the pack held"),
                           L.T("Your average {outcome} (0 to 10)", {{"outcome", outcome}})},
                          {0.12, 0.32, 0.16, 0.18, 0.22}, std::move(rows)));
  out.push_back(FlowParagraph(L.T("Talk it through with your clinic before you change anything.")));
  out.push_back(FlowParagraph(L.T("This answer is about you alone, at this dose, over these months.")));
  out.push_back(FlowSmall(
      L.T("You and your clinic agreed how the answer would be decided before the trial began, and the pharmacy "
          "kept which pack was which until the end. Days at the start of each period were left out, so that the "
          "previous period had worn off.")));
  return doc;
}

}  // namespace ldn::report
