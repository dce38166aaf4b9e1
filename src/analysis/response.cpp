#include "analysis/response.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>

namespace ldn::analysis {
namespace {

// Floating-point tolerance for threshold comparisons on means of integer ratings.
constexpr double kEps = 1e-9;

// Values of `item` on diary days in [first, last], with their day index relative to `origin`.
DailySeries Collect(const Diary& diary, Item item, LocalDate first, LocalDate last, LocalDate origin) {
  DailySeries s;
  // diary.days is sorted by date with no duplicates (ParseDiaryJson's invariant): start at `first`.
  auto it = std::lower_bound(diary.days.begin(), diary.days.end(), first,
                             [](const DiaryDay& d, LocalDate date) { return d.date < date; });
  for (; it != diary.days.end() && it->date <= last; ++it) {
    const DiaryDay& d = *it;
    if (auto v = d.Get(item)) {
      s.day_index.push_back(DaysBetween(origin, d.date));
      s.values.push_back(*v);
    }
  }
  return s;
}

// The AR(1) coefficient of one item, estimated once from the whole record rather than from the
// two 14-day windows of each comparison: the record is cut into consecutive window_days blocks
// from the baseline's first day, each block's residuals are taken from its own mean (so slow
// change across blocks, such as a response, is not read as autocorrelation), the lag-1
// autocorrelation is pooled over the blocks (ar1_interval.h) and bias-corrected for the block
// length (Kendall 1954). With two 14-day windows alone the estimate was too noisy: it often
// exceeded the true value enough to leave no interval, and as often fell short of it enough to
// make the interval too narrow (docs/analysis.md, "Coverage on simulated patients").
// Trend within a block (a titration step) can only raise the estimate: a wider, not a
// narrower, interval. nullopt when the item never varies within a block.
std::optional<double> RecordAutocorrelation(const Diary& diary, Item item, LocalDate first, LocalDate last,
                                            int block_days) {
  std::vector<DailySeries> blocks;
  int total = 0;
  for (LocalDate b = first; b <= last; b = AddDays(b, block_days)) {
    DailySeries s = Collect(diary, item, b, std::min(last, AddDays(b, block_days - 1)), first);
    if (s.values.size() < 2) continue;
    total += static_cast<int>(s.values.size());
    blocks.push_back(std::move(s));
  }
  if (blocks.empty()) return std::nullopt;
  const auto r = PooledLag1Autocorrelation(blocks);
  if (!r) return std::nullopt;
  return BiasCorrectedAutocorrelation(*r, static_cast<double>(total) / static_cast<double>(blocks.size()));
}

ItemComparison Compare(const Diary& diary, Item item, LocalDate b_first, LocalDate b_last, LocalDate w_first,
                       LocalDate w_last, LocalDate origin, std::optional<double> phi, const AnalysisOptions& options) {
  ItemComparison c;
  c.item = item;
  const DailySeries b = Collect(diary, item, b_first, b_last, origin);
  const DailySeries w = Collect(diary, item, w_first, w_last, origin);
  c.n_baseline = static_cast<int>(b.values.size());
  c.n_window = static_cast<int>(w.values.size());
  if (c.n_baseline < options.min_baseline_days_with_data || c.n_window < options.min_window_days_with_data) {
    c.note_text = {N_("too few days with data (baseline {baseline}, window {window}; need {need_baseline} and "
                      "{need_window})"),
                   {{"baseline", c.n_baseline},
                    {"window", c.n_window},
                    {"need_baseline", options.min_baseline_days_with_data},
                    {"need_window", options.min_window_days_with_data}}};
    c.note = Fill(c.note_text);
    return c;
  }
  c.baseline_mean = Mean(b.values);
  c.window_mean = Mean(w.values);
  c.change = *c.window_mean - *c.baseline_mean;
  if (*c.baseline_mean != 0) {
    c.pct_change = 100.0 * *c.change / *c.baseline_mean;
  } else {
    c.note_text = {N_("baseline mean is 0: no percentage change")};
    c.note = Fill(c.note_text);
  }
  // phi comes from the whole record (RecordAutocorrelation); 0 when the item never varies.
  c.interval = Ar1DifferenceInterval(b.values, w.values, phi.value_or(0.0), options.confidence_level);
  if (!c.interval) {
    c.note_text = {N_("effective sample size too small for an interval")};
    c.note = Fill(c.note_text);
  }
  // Without an interval nothing says the change is more than day-to-day noise: "none".
  c.change_is = c.interval ? JudgeChange(item, c.interval->lower, c.interval->upper) : ChangeIs::kNone;
  if (options.bootstrap_seed) {
    c.bootstrap = MovingBlockBootstrapDifference(b.values, w.values, *options.bootstrap_seed,
                                                 options.bootstrap_replicates, options.confidence_level);
  }
  return c;
}

Status CheckOptions(const AnalysisOptions& o) {
  if (o.baseline_days < 7 || o.baseline_days > 365) {
    return Status::InvalidArgument("options.baseline_days", "must be 7-365");
  }
  if (o.min_baseline_days_with_data < 7 || o.min_baseline_days_with_data > o.baseline_days) {
    // 7 is the floor of the brief and of docs/analysis.md: below a week a baseline is anecdote.
    return Status::InvalidArgument("options.min_baseline_days_with_data", "must be 7..baseline_days");
  }
  if (o.window_days < 7 || o.window_days > 84) return Status::InvalidArgument("options.window_days", "must be 7-84");
  if (o.min_window_days_with_data < 2 || o.min_window_days_with_data > o.window_days) {
    return Status::InvalidArgument("options.min_window_days_with_data", "must be 2..window_days");
  }
  for (int w : o.fixed_weeks) {
    if (w < 2 || w > 104) return Status::InvalidArgument("options.fixed_weeks", "each week must be 2-104");
  }
  if (!(o.confidence_level > 0.5 && o.confidence_level < 1)) {
    return Status::InvalidArgument("options.confidence_level", "must be in (0.5, 1)");
  }
  if (o.rolling_days < 1 || o.rolling_min_days < 1 || o.rolling_min_days > o.rolling_days) {
    return Status::InvalidArgument("options.rolling_min_days", "must be 1..rolling_days");
  }
  if (!(o.response_threshold_pct > 0 && o.response_threshold_pct < 100)) {
    return Status::InvalidArgument("options.response_threshold_pct", "must be in (0, 100)");
  }
  if (o.response_sustain_days < 1) return Status::InvalidArgument("options.response_sustain_days", "must be >= 1");
  if (o.bootstrap_replicates < 100 || o.bootstrap_replicates > 100000) {
    return Status::InvalidArgument("options.bootstrap_replicates", "must be 100-100000");
  }
  if (o.side_effect_settled_days < 1)
    return Status::InvalidArgument("options.side_effect_settled_days", "must be >= 1");
  return Status::Ok();
}

// The dose in force throughout [first, last]: one plan step, and no taken dose other than it.
std::optional<Dose> SteadyDose(const Diary& diary, LocalDate first, LocalDate last) {
  const CourseStep* a = diary.StepOn(first);
  const CourseStep* b = diary.StepOn(last);
  if (a == nullptr || a != b) return std::nullopt;
  for (const DoseLog& l : diary.doses) {
    if (l.date < first || l.date > last || !l.taken || !l.dose) continue;
    if (*l.dose != a->dose) return std::nullopt;
  }
  return a->dose;
}

int DeviationDays(const std::vector<DoseDeviation>& deviations, LocalDate first, LocalDate last) {
  return static_cast<int>(std::count_if(deviations.begin(), deviations.end(),
                                        [&](const DoseDeviation& d) { return d.date >= first && d.date <= last; }));
}

EvaluationWindow MakeWindow(const Diary& diary, std::string label, std::string kind, LocalDate first,
                            LocalDate first_dose, LocalDate b_first, LocalDate b_last,
                            const std::array<std::optional<double>, kItemCount>& phi,
                            const std::vector<DoseDeviation>& deviations, const AnalysisOptions& options) {
  EvaluationWindow w;
  w.label = std::move(label);
  w.kind = std::move(kind);
  w.first = first;
  w.last = AddDays(first, options.window_days - 1);
  w.first_day = DaysBetween(first_dose, first);
  w.dose = SteadyDose(diary, w.first, w.last);
  w.deviation_days = DeviationDays(deviations, w.first, w.last);
  for (Item item : kAllItems) {
    w.items.push_back(
        Compare(diary, item, b_first, b_last, w.first, w.last, first_dose, phi[static_cast<int>(item)], options));
  }
  return w;
}

Adherence ComputeAdherence(const Diary& diary, LocalDate end) {
  Adherence a;
  std::map<int, bool> logged;  // day number -> taken
  const LocalDate origin = diary.steps.front().start;
  for (const DoseLog& l : diary.doses) logged[DaysBetween(origin, l.date)] = l.taken;
  int gap = 0;
  for (LocalDate d = origin; d <= end; d = AddDays(d, 1)) {
    const CourseStep* s = diary.StepOn(d);
    if (s == nullptr || s->dose.micrograms_hcl() == 0) continue;  // a planned pause is not a missed dose
    ++a.planned_doses;
    auto it = logged.find(DaysBetween(origin, d));
    if (it == logged.end()) {
      ++a.not_logged;
    } else if (it->second) {
      ++a.taken;
    } else {
      ++a.logged_not_taken;
    }
    if (it != logged.end() && it->second) {
      gap = 0;
    } else {
      a.longest_gap_days = std::max(a.longest_gap_days, ++gap);
    }
  }
  if (a.planned_doses > 0) a.share_taken = static_cast<double>(a.taken) / a.planned_doses;
  return a;
}

DiaryCompleteness ComputeCompleteness(const Diary& diary) {
  DiaryCompleteness c;
  if (diary.days.empty()) return c;
  c.first = diary.days.front().date;
  c.last = diary.days.back().date;
  c.days_in_period = DaysBetween(c.first, c.last) + 1;
  c.days_recorded = static_cast<int>(diary.days.size());
  c.days_missing = c.days_in_period - c.days_recorded;
  for (int i = 0; i < kItemCount; ++i) {
    int present = 0;
    for (const DiaryDay& d : diary.days) present += d.items[i].has_value() ? 1 : 0;
    c.item_missing[i] = c.days_in_period - present;
  }
  return c;
}

std::vector<SideEffectSummary> ComputeSideEffects(const Diary& diary, LocalDate first_dose, const AnalysisOptions& o) {
  std::map<std::string, SideEffectSummary> by_name;
  for (const DiaryDay& d : diary.days) {
    for (const SideEffect& e : d.side_effects) {
      auto [it, inserted] = by_name.try_emplace(e.name);
      SideEffectSummary& s = it->second;
      if (inserted) {
        s.name = e.name;
        s.onset = d.date;
        s.onset_day = DaysBetween(first_dose, d.date);
        s.max_severity = e.severity;
      }
      s.last_reported = d.date;
      ++s.days_reported;
      s.max_severity = std::max(s.max_severity, e.severity);
    }
  }
  std::vector<SideEffectSummary> out;
  const LocalDate last_day = diary.days.back().date;
  for (auto& [name, s] : by_name) {
    s.duration_days = DaysBetween(s.onset, s.last_reported) + 1;
    // Settled: the record extends at least settled_days past the last report.
    s.settled = DaysBetween(s.last_reported, last_day) >= o.side_effect_settled_days;
    out.push_back(std::move(s));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.onset < b.onset; });
  return out;
}

std::string Pct(double v) {
  return fmt::format("{:.0f}%", v);
}

Verdict MakeVerdict(const AnalysisReport& r) {
  Verdict v;
  if (!r.primary_window) {
    v.summary =
        "Not enough diary days after starting LDN to compare with your baseline yet: keep the diary going to at "
        "least week 8.";
  } else {
    const EvaluationWindow& w = r.windows[*r.primary_window];
    const ItemComparison& pain = w.Get(Item::kPain);
    const double reduction = -*r.pain_change_pct;
    std::string direction =
        reduction >= 0 ? fmt::format("{} lower", Pct(reduction)) : fmt::format("{} higher", Pct(-reduction));
    // "week_12" -> "week 12", "stable_3" -> "stable-dose window 3": the summary is read by patients.
    std::string window_name = w.label;
    if (window_name.rfind("stable_", 0) == 0) window_name = "stable-dose window " + window_name.substr(7);
    std::replace(window_name.begin(), window_name.end(), '_', ' ');
    const std::string band = *r.responder_class == ResponderClass::kNone
                                 ? std::string("less than a minimal change")
                                 : fmt::format("a {} change", ResponderClassName(*r.responder_class));
    v.summary = fmt::format(
        "In {} (days {}-{} after your first dose) your average pain was {:.1f} against {:.1f} before LDN: {}. "
        "By the IMMPACT bands that is {}{}.",
        window_name, w.first_day, w.first_day + DaysBetween(w.first, w.last), *pain.window_mean, *pain.baseline_mean,
        direction, band,
        *r.farrar_two_point ? ", and at least the 2-point drop patients tend to call 'much improved'" : "");
    if (pain.interval) {
      v.summary += fmt::format(
          " The {:.0f}% interval for the change, allowing for day-to-day correlation, runs from {:.1f} to {:.1f} "
          "points{}.",
          100 * pain.interval->level, pain.interval->lower, pain.interval->upper,
          (pain.interval->lower <= 0 && pain.interval->upper >= 0) ? ", which includes no change at all" : "");
    }
    if (r.responder_class_lowest && r.responder_class_highest &&
        *r.responder_class_lowest != *r.responder_class_highest) {
      v.summary +=
          fmt::format(" Within that interval the IMMPACT class could be anything from {} to {}.",
                      ResponderClassName(*r.responder_class_lowest), ResponderClassName(*r.responder_class_highest));
    }
    if (r.time_to_response_days) {
      v.summary += fmt::format(" Pain stayed at least 30% below baseline from day {}.", *r.time_to_response_days);
    }
  }
  // The limits are always stated, whatever the numbers (clinical-facts.md section 2 and 6). Each
  // is kept as a message (for the patient's language) and its English text.
  const auto limit = [&v](Message m) {
    v.limits.push_back(Fill(m));
    v.limit_messages.push_back(std::move(m));
  };
  limit(
      {"This is an open before/after comparison: it cannot separate an effect of LDN from the placebo effect, "
       "regression to the mean (people often start a treatment during a bad spell) or the natural ups and downs of "
       "fibromyalgia."});
  limit(
      {"Placebo responses in the LDN trials were large: pain fell 18.0% on placebo in Younger et al. 2013 "
       "(Arthritis Rheum 65:529), 28% of placebo patients had a >=30% pain reduction in FINAL (Bruun et al. 2024), "
       "and in INNOVA placebo did better than LDN. A change of this size on placebo is common."});
  limit(
      {"Where the answer matters (continuing to pay for LDN, or stopping it), a blinded N-of-1 trial with identical "
       "placebo capsules and randomized periods is the way to know."});
  v.caveat_message = {
      "A before-and-after comparison like this cannot show whether LDN caused the change: placebo effects and the "
      "natural ups and downs of fibromyalgia can look just the same."};
  v.caveat = Fill(v.caveat_message);
  if (!r.deviations.empty()) {
    const DoseDeviation& d = r.deviations.front();
    const nlohmann::json vars = {{"n", r.deviations.size()},
                                 {"date", FormatDate(d.date)},
                                 {"planned", d.planned.milligrams_hcl()},
                                 {"taken", d.taken.milligrams_hcl()}};
    limit({r.deviations.size() == 1
               ? "1 dose taken differed from the plan (first on {date}: {planned} mg planned, {taken} mg taken); "
                 "the analysis uses the doses as taken."
               : "{n} doses taken differed from the plan (first on {date}: {planned} mg planned, {taken} mg taken); "
                 "the analysis uses the doses as taken.",
           vars});
  }
  if (r.adherence.share_taken && *r.adherence.share_taken < 0.8) {
    limit({"Only {pct}% of planned doses were logged as taken.", {{"pct", Fixed(100 * *r.adherence.share_taken, 0)}}});
  }
  if (r.completeness.days_missing > 0) {
    limit(r.completeness.days_missing == 1
              ? Message{"1 diary day is missing; it was not filled in."}
              : Message{"{n} diary days are missing; they were not filled in.", {{"n", r.completeness.days_missing}}});
  }
  return v;
}

nlohmann::json Optional(const std::optional<double>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json ItemJson(const ItemComparison& c) {
  nlohmann::json j = {{"item", ItemName(c.item)},
                      {"label", ItemLabel(c.item)},
                      {"higher_is", ItemHigherIs(c.item)},
                      {"change_is", c.change_is ? nlohmann::json(ChangeIsName(*c.change_is)) : nlohmann::json(nullptr)},
                      {"n_baseline", c.n_baseline},
                      {"n_window", c.n_window},
                      {"baseline_mean", Optional(c.baseline_mean)},
                      {"window_mean", Optional(c.window_mean)},
                      {"change", Optional(c.change)},
                      {"pct_change", Optional(c.pct_change)}};
  if (c.interval) {
    j["interval"] = {{"level", c.interval->level},
                     {"lower", c.interval->lower},
                     {"upper", c.interval->upper},
                     {"lag1_autocorrelation", c.interval->r},
                     {"n_eff_baseline", c.interval->n_eff_before},
                     {"n_eff_window", c.interval->n_eff_after},
                     {"standard_error", c.interval->standard_error},
                     {"degrees_of_freedom", c.interval->degrees_of_freedom}};
  } else {
    j["interval"] = nullptr;
  }
  if (c.bootstrap) {
    j["bootstrap_interval"] = {{"level", c.bootstrap->level},
                               {"lower", c.bootstrap->lower},
                               {"upper", c.bootstrap->upper},
                               {"replicates", c.bootstrap->replicates},
                               {"block_length_baseline", c.bootstrap->block_length_before},
                               {"block_length_window", c.bootstrap->block_length_after},
                               {"seed", c.bootstrap->seed}};
  }
  if (!c.note.empty()) j["note"] = c.note;
  const std::optional<Message> plain = PlainItemMessage(c);
  j["plain"] = plain ? nlohmann::json(Fill(*plain)) : nlohmann::json(nullptr);
  j["plain_message"] = plain ? MessageToJson(*plain) : nlohmann::json(nullptr);
  return j;
}

}  // namespace

std::string_view ChangeIsName(ChangeIs c) {
  switch (c) {
    case ChangeIs::kImprovement: return "improvement";
    case ChangeIs::kWorsening: return "worsening";
    case ChangeIs::kNone: return "none";
  }
  return "none";
}

ChangeIs JudgeChange(Item item, double lower, double upper) {
  assert(lower <= upper);
  // An interval that touches or spans 0 includes "no change".
  if (lower <= 0 && upper >= 0) return ChangeIs::kNone;
  const bool rose = lower > 0;
  const bool better = HigherIsBetter(item) ? rose : !rose;
  return better ? ChangeIs::kImprovement : ChangeIs::kWorsening;
}

std::optional<Message> PlainItemMessage(const ItemComparison& c) {
  if (!c.change || !c.baseline_mean || !c.change_is) return std::nullopt;
  const nlohmann::json item = ItemRef(ItemName(c.item), ItemLabel(c.item));
  // A change in plain words: "36%" of the baseline, or points when the baseline mean is 0; the
  // size rounded here, once, so that every language shows the same digits.
  const bool pct = *c.baseline_mean > 0;
  auto size = [&](double change) {
    return pct ? Fixed(std::fabs(100.0 * change / *c.baseline_mean), 0) : Fixed(std::fabs(change), 1);
  };
  auto amount = [&](double change) {
    return Nested(pct ? Message{"{pct}%", {{"pct", size(change)}}}
                      : Message{"{points} points", {{"points", size(change)}}});
  };
  const bool same = size(*c.change)["number"].get<double>() == 0.0;
  Message text =
      same ? Message{"{item} about the same as before LDN", {{"item", item}}}
      : *c.change < 0
          ? Message{"{item} {amount} lower than before LDN", {{"item", item}, {"amount", amount(*c.change)}}}
          : Message{"{item} {amount} higher than before LDN", {{"item", item}, {"amount", amount(*c.change)}}};
  if (c.interval) {
    // Shown within what the 0-10 scale allows: a mean cannot fall below 0 nor rise above 10, so
    // an interval reaching past that says no more than "down to 0" ("100% lower").
    const double lo = std::max(c.interval->lower, -*c.baseline_mean);
    const double hi = std::min(c.interval->upper, 10.0 - *c.baseline_mean);
    if (hi < 0) {
      text = {"{text} (somewhere between {low} and {high} lower)",
              {{"text", Nested(text)}, {"low", amount(hi)}, {"high", amount(lo)}}};
    } else if (lo > 0) {
      text = {"{text} (somewhere between {low} and {high} higher)",
              {{"text", Nested(text)}, {"low", amount(lo)}, {"high", amount(hi)}}};
    } else {
      text = {"{text} (somewhere between {low} lower and {high} higher)",
              {{"text", Nested(text)}, {"low", amount(lo)}, {"high", amount(hi)}}};
    }
  }
  return Message{*c.change_is == ChangeIs::kImprovement ? "{text}: better"
                 : *c.change_is == ChangeIs::kWorsening ? "{text}: worse"
                                                        : "{text}: no clear change",
                 {{"text", Nested(text)}}};
}

std::string PlainItemSummary(const ItemComparison& c) {
  const std::optional<Message> m = PlainItemMessage(c);
  return m ? Fill(*m) : std::string();
}

LocalDate EvaluationOpensOn(LocalDate first_dose, const AnalysisOptions& options) {
  if (options.fixed_weeks.empty()) return AddDays(first_dose, options.window_days);
  const int week = *std::min_element(options.fixed_weeks.begin(), options.fixed_weeks.end());
  return AddDays(first_dose, 7 * week);
}

std::vector<DoseDeviation> DoseDeviations(const Diary& diary, LocalDate first_dose) {
  std::vector<DoseDeviation> out;
  for (const DoseLog& l : diary.doses) {
    if (!l.taken || !l.dose) continue;
    const CourseStep* step = diary.StepOn(l.date);
    if (step == nullptr || *l.dose == step->dose) continue;
    out.push_back({l.date, DaysBetween(first_dose, l.date), step->dose, *l.dose});
  }
  return out;
}

std::string_view ResponderClassName(ResponderClass c) {
  switch (c) {
    case ResponderClass::kNone: return "none";
    case ResponderClass::kMinimal: return "minimal";
    case ResponderClass::kModerate: return "moderate";
    case ResponderClass::kSubstantial: return "substantial";
  }
  return "none";
}

ResponderClass ClassifyPainReduction(double p) {
  // IMMPACT bands, Dworkin et al. J Pain 2008;9:105 (clinical-facts.md section 4).
  if (p >= 50.0 - kEps) return ResponderClass::kSubstantial;
  if (p >= 30.0 - kEps) return ResponderClass::kModerate;
  if (p >= 10.0 - kEps) return ResponderClass::kMinimal;
  return ResponderClass::kNone;
}

bool FarrarTwoPointResponder(double baseline_mean, double window_mean) {
  return baseline_mean - window_mean >= 2.0 - kEps;  // Farrar et al. Pain 2001;94:149
}

Result<LocalDate> FirstDoseDate(const Diary& diary) {
  for (const DoseLog& l : diary.doses) {
    if (l.taken) return l.date;
  }
  for (const CourseStep& s : diary.steps) {
    if (s.dose.micrograms_hcl() > 0) return s.start;
  }
  return Status::InvalidArgument("doses", "no dose was taken and the course never has a dose above 0 mg");
}

std::optional<int> TimeToResponseDays(const Diary& diary, LocalDate first_dose, double baseline_pain_mean,
                                      const AnalysisOptions& o) {
  if (diary.days.empty()) return std::nullopt;
  const LocalDate last = diary.days.back().date;
  const int n_days = DaysBetween(first_dose, last) + 1;
  if (n_days <= 0) return std::nullopt;
  std::vector<std::optional<int>> pain(n_days);
  for (const DiaryDay& d : diary.days) {
    if (d.date >= first_dose) pain[DaysBetween(first_dose, d.date)] = d.Get(Item::kPain);
  }
  const double threshold = baseline_pain_mean * (1.0 - o.response_threshold_pct / 100.0);
  int run_start = -1;
  for (int t = 0; t < n_days; ++t) {
    // Trailing rolling mean over days max(0, t - rolling_days + 1)..t: only on-treatment days.
    double sum = 0;
    int n = 0;
    for (int k = std::max(0, t - o.rolling_days + 1); k <= t; ++k) {
      if (pain[k]) {
        sum += *pain[k];
        ++n;
      }
    }
    const bool below = n >= o.rolling_min_days && sum / n <= threshold + kEps;
    if (!below) {
      run_start = -1;
      continue;
    }
    if (run_start < 0) run_start = t;
    if (t - run_start + 1 >= o.response_sustain_days) return run_start;
  }
  return std::nullopt;
}

Result<AnalysisReport> AnalyzeDiary(const Diary& diary, const AnalysisOptions& options) {
  LDN_RETURN_IF_ERROR(CheckOptions(options));
  AnalysisReport r;
  r.method = "ar1_effective_n_welch_t";  // docs/analysis.md: record-wide phi, Kendall-corrected
  r.bootstrap_seed = options.bootstrap_seed;
  if (HigherIsBetter(Item::kPain)) {
    return Status::Internal(
        "data/diary_items.json says pain is higher-is-better; the IMMPACT and Farrar rules need higher = worse");
  }
  LDN_ASSIGN_OR_RETURN(r.first_dose, FirstDoseDate(diary));
  r.evaluation_opens = EvaluationOpensOn(r.first_dose, options);
  if (!options.fixed_weeks.empty()) {
    r.evaluation_window =
        fmt::format("week_{}", *std::min_element(options.fixed_weeks.begin(), options.fixed_weeks.end()));
  }
  r.deviations = DoseDeviations(diary, r.first_dose);
  r.baseline_first = AddDays(r.first_dose, -options.baseline_days);
  r.baseline_last = AddDays(r.first_dose, -1);
  const DailySeries baseline_pain = Collect(diary, Item::kPain, r.baseline_first, r.baseline_last, r.first_dose);
  if (static_cast<int>(baseline_pain.values.size()) < options.min_baseline_days_with_data) {
    return Status::InvalidArgument(
               "diary",
               fmt::format("only {} of the {} days before the first dose ({} to {}) have a pain rating; at least {} "
                           "are needed for a baseline",
                           baseline_pain.values.size(), options.baseline_days, FormatDate(r.baseline_first),
                           FormatDate(r.baseline_last), options.min_baseline_days_with_data))
        .WithText({N_("Only {n} of the {days} days before the first dose ({from} to {to}) have a pain rating; at least "
                      "{min} are needed to compare with."),
                   {{"n", baseline_pain.values.size()},
                    {"days", options.baseline_days},
                    {"from", FormatDate(r.baseline_first)},
                    {"to", FormatDate(r.baseline_last)},
                    {"min", options.min_baseline_days_with_data}}});
  }
  const LocalDate last_day = diary.days.back().date;
  std::array<std::optional<double>, kItemCount> phi;
  for (Item item : kAllItems) {
    phi[static_cast<int>(item)] = RecordAutocorrelation(diary, item, r.baseline_first, last_day, options.window_days);
  }

  // Fixed windows: the window_days ending with week w (week 12 = days 70-83 for 14-day windows).
  for (int week : options.fixed_weeks) {
    const LocalDate first = AddDays(r.first_dose, 7 * week - options.window_days);
    if (first < r.first_dose || AddDays(first, options.window_days - 1) > last_day) continue;
    r.windows.push_back(MakeWindow(diary, fmt::format("week_{}", week), "fixed_week", first, r.first_dose,
                                   r.baseline_first, r.baseline_last, phi, r.deviations, options));
  }
  // Stable-dose windows: consecutive window_days blocks from the start of each step above 0 mg
  // that lie wholly within the step, on or after the first dose, and within the record.
  int stable = 0;
  for (size_t i = 0; i < diary.steps.size(); ++i) {
    const CourseStep& s = diary.steps[i];
    if (s.dose.micrograms_hcl() == 0) continue;
    const LocalDate step_end = i + 1 < diary.steps.size() ? AddDays(diary.steps[i + 1].start, -1) : last_day;
    for (LocalDate first = std::max(s.start, r.first_dose);; first = AddDays(first, options.window_days)) {
      const LocalDate last = AddDays(first, options.window_days - 1);
      if (last > step_end || last > last_day) break;
      r.windows.push_back(MakeWindow(diary, fmt::format("stable_{}", ++stable), "stable_dose", first, r.first_dose,
                                     r.baseline_first, r.baseline_last, phi, r.deviations, options));
    }
  }
  // Primary window for the pain verdict: the last fixed week with enough pain data, else the
  // latest stable-dose window with enough pain data.
  for (size_t i = 0; i < r.windows.size(); ++i) {
    const EvaluationWindow& w = r.windows[i];
    if (!w.Get(Item::kPain).pct_change) continue;
    if (!r.primary_window) {
      r.primary_window = static_cast<int>(i);
      continue;
    }
    const EvaluationWindow& cur = r.windows[*r.primary_window];
    const bool cur_fixed = cur.kind == "fixed_week";
    const bool w_fixed = w.kind == "fixed_week";
    if ((w_fixed && !cur_fixed) || (w_fixed == cur_fixed && w.first > cur.first))
      r.primary_window = static_cast<int>(i);
  }
  const double baseline_pain_mean = Mean(baseline_pain.values);
  if (r.primary_window) {
    const ItemComparison& pain = r.windows[*r.primary_window].Get(Item::kPain);
    r.pain_change_pct = pain.pct_change;
    r.responder_class = ClassifyPainReduction(-*pain.pct_change);
    if (pain.interval && *pain.baseline_mean > 0) {
      // Reduction % at each end of the interval for the change (change = window - baseline).
      r.responder_class_lowest = ClassifyPainReduction(-100.0 * pain.interval->upper / *pain.baseline_mean);
      r.responder_class_highest = ClassifyPainReduction(-100.0 * pain.interval->lower / *pain.baseline_mean);
    }
    r.farrar_two_point = FarrarTwoPointResponder(*pain.baseline_mean, *pain.window_mean);
  }
  r.time_to_response_days = TimeToResponseDays(diary, r.first_dose, baseline_pain_mean, options);
  LocalDate end = last_day;
  if (!diary.doses.empty()) end = std::max(end, diary.doses.back().date);
  r.adherence = ComputeAdherence(diary, end);
  r.completeness = ComputeCompleteness(diary);
  r.side_effects = ComputeSideEffects(diary, r.first_dose, options);
  r.verdict = MakeVerdict(r);
  return r;
}

nlohmann::json ReportToJson(const AnalysisReport& r) {
  nlohmann::json j;
  j["method"] = {{"interval", r.method},
                 {"description",
                  "difference of means with the finite-n AR(1) effective sample size (Wilks 2011), phi = lag-1 "
                  "autocorrelation of the whole record in 14-day blocks, bias-corrected (Kendall 1954), Welch t "
                  "quantile on the AR(1) variance degrees of freedom (Bartlett 1946); docs/analysis.md"},
                 {"bootstrap",
                  r.bootstrap_seed ? nlohmann::json("moving_block_percentile (Kunsch 1989)") : nlohmann::json(nullptr)},
                 {"bootstrap_seed", r.bootstrap_seed ? nlohmann::json(*r.bootstrap_seed) : nlohmann::json(nullptr)}};
  j["first_dose"] = FormatDate(r.first_dose);
  nlohmann::json baseline = {{"first", FormatDate(r.baseline_first)}, {"last", FormatDate(r.baseline_last)}};
  nlohmann::json windows = nlohmann::json::array();
  nlohmann::json items = nlohmann::json::object();
  for (const EvaluationWindow& w : r.windows) {
    nlohmann::json wj = {{"label", w.label},
                         {"kind", w.kind},
                         {"first", FormatDate(w.first)},
                         {"last", FormatDate(w.last)},
                         {"first_day", w.first_day},
                         {"dose_mg", w.dose ? nlohmann::json(w.dose->milligrams_hcl()) : nlohmann::json(nullptr)},
                         {"deviation_days", w.deviation_days}};
    nlohmann::json wi = nlohmann::json::array();
    for (const ItemComparison& c : w.items) {
      wi.push_back(ItemJson(c));
      items[std::string(ItemName(c.item))][w.label] = ItemJson(c);
    }
    wj["items"] = std::move(wi);
    windows.push_back(std::move(wj));
  }
  if (!r.windows.empty()) {
    nlohmann::json bm = nlohmann::json::object();
    for (const ItemComparison& c : r.windows.front().items) {
      bm[std::string(ItemName(c.item))] = {{"n", c.n_baseline}, {"mean", Optional(c.baseline_mean)}};
    }
    baseline["items"] = std::move(bm);
  }
  j["baseline"] = std::move(baseline);
  j["windows"] = std::move(windows);
  j["items"] = std::move(items);
  j["primary_window"] = r.primary_window ? nlohmann::json(r.windows[*r.primary_window].label) : nlohmann::json(nullptr);
  j["pain_change_pct"] = Optional(r.pain_change_pct);
  j["responder_class"] =
      r.responder_class ? nlohmann::json(ResponderClassName(*r.responder_class)) : nlohmann::json(nullptr);
  if (r.responder_class_lowest && r.responder_class_highest) {
    j["responder_class_range"] = {{"lowest", ResponderClassName(*r.responder_class_lowest)},
                                  {"highest", ResponderClassName(*r.responder_class_highest)}};
  } else {
    j["responder_class_range"] = nullptr;
  }
  j["farrar_two_point_responder"] = r.farrar_two_point ? nlohmann::json(*r.farrar_two_point) : nlohmann::json(nullptr);
  j["time_to_response_days"] =
      r.time_to_response_days ? nlohmann::json(*r.time_to_response_days) : nlohmann::json(nullptr);
  const Adherence& a = r.adherence;
  j["adherence"] = {{"planned_doses", a.planned_doses},       {"taken", a.taken},
                    {"logged_not_taken", a.logged_not_taken}, {"not_logged", a.not_logged},
                    {"share_taken", Optional(a.share_taken)}, {"longest_gap_days", a.longest_gap_days}};
  const DiaryCompleteness& c = r.completeness;
  nlohmann::json missing = nlohmann::json::object();
  for (int i = 0; i < kItemCount; ++i) missing[std::string(ItemName(kAllItems[i]))] = c.item_missing[i];
  j["missing_diary"] = {{"first", FormatDate(c.first)},
                        {"last", FormatDate(c.last)},
                        {"days_in_period", c.days_in_period},
                        {"days_recorded", c.days_recorded},
                        {"days_missing", c.days_missing},
                        {"item_days_missing", std::move(missing)},
                        {"imputation", "none"}};
  nlohmann::json se = nlohmann::json::array();
  for (const SideEffectSummary& s : r.side_effects) {
    se.push_back({{"name", s.name},
                  {"onset", FormatDate(s.onset)},
                  {"onset_day", s.onset_day},
                  {"last_reported", FormatDate(s.last_reported)},
                  {"days_reported", s.days_reported},
                  {"duration_days", s.duration_days},
                  {"max_severity", s.max_severity},
                  {"settled", s.settled}});
  }
  j["side_effects"] = std::move(se);
  j["evaluation"] = {
      {"opens_on", FormatDate(r.evaluation_opens)},
      {"window", r.evaluation_window.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.evaluation_window)}};
  nlohmann::json deviations = nlohmann::json::array();
  for (const DoseDeviation& d : r.deviations) {
    deviations.push_back({{"date", FormatDate(d.date)},
                          {"day", d.day},
                          {"planned_mg", d.planned.milligrams_hcl()},
                          {"taken_mg", d.taken.milligrams_hcl()}});
  }
  j["dose_deviations"] = std::move(deviations);
  nlohmann::json limit_messages = nlohmann::json::array();
  for (const Message& m : r.verdict.limit_messages) limit_messages.push_back(MessageToJson(m));
  j["verdict"] = {{"summary", r.verdict.summary},
                  {"limits", r.verdict.limits},
                  {"limit_messages", std::move(limit_messages)},
                  {"caveat", r.verdict.caveat},
                  {"caveat_message", MessageToJson(r.verdict.caveat_message)}};
  return j;
}

}  // namespace ldn::analysis
