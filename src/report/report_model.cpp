#include "report/report_model.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

namespace ldn::report {
namespace {

using analysis::AnalysisReport;
using analysis::Diary;
using analysis::DiaryDay;
using analysis::EvaluationWindow;
using analysis::Item;
using analysis::ItemComparison;

constexpr const char* kMinus = "\u2212";  // typographic minus sign
constexpr const char* kEnDash = "\u2013";
constexpr const char* kArrow = "\u2192";

// Replaces a leading '-' (fmt's minus) with the typographic minus and drops a negative zero.
std::string Typographic(std::string s) {
  if (!s.empty() && s[0] == '-') {
    const bool all_zero = s.find_first_not_of("-0.") == std::string::npos;
    s = all_zero ? s.substr(1) : std::string(kMinus) + s.substr(1);
  }
  return s;
}

// '.' -> the locale's decimal separator.
std::string Decimal(std::string s, char decimal) {
  if (decimal != '.') std::replace(s.begin(), s.end(), '.', decimal);
  return s;
}

using nlohmann::json;

std::string Capitalize(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// The IMMPACT classes by analysis::ResponderClassName(), looked up as keys.
[[maybe_unused]] constexpr const char* kResponderClassKeys[] = {N_("none"), N_("minimal"), N_("moderate"),
                                                                N_("substantial")};

// "vivid_dreams" -> "Vivid dreams".
std::string Pretty(std::string name) {
  std::replace(name.begin(), name.end(), '_', ' ');
  return Capitalize(std::move(name));
}

// A side effect by its data/side_effects.json id: "Vivid dreams" in English, the file's
// translation in another language (the locale's `text` resolves the reference).
std::string SideEffectName(const ReportLocale& L, const std::string& id) {
  return L.T("{effect}", {{"effect", ItemRef(id, Pretty(id))}});
}

// "week_12" -> "Week 12", "stable_3" -> "Stable dose 3".
std::string WindowTitle(const ReportLocale& L, const EvaluationWindow& w) {
  if (w.kind == "fixed_week" && w.label.rfind("week_", 0) == 0) return L.T("Week {n}", {{"n", w.label.substr(5)}});
  if (w.kind == "stable_dose" && w.label.rfind("stable_", 0) == 0)
    return L.T("Stable dose {n}", {{"n", w.label.substr(7)}});
  return w.label;
}

// The window in running text: "week 12", "stable-dose window 3".
std::string WindowPhrase(const ReportLocale& L, const EvaluationWindow& w) {
  if (w.kind == "fixed_week" && w.label.rfind("week_", 0) == 0) return L.T("week {n}", {{"n", w.label.substr(5)}});
  if (w.kind == "stable_dose" && w.label.rfind("stable_", 0) == 0)
    return L.T("stable-dose window {n}", {{"n", w.label.substr(7)}});
  return w.label;
}

// "2026-05-04 to 05-17" (Danish "04.05. til 17.05.2026"): the year once when both dates share it.
std::string DateRange(const ReportLocale& L, LocalDate first, LocalDate last) {
  std::string a = L.Date(first), b = L.Date(last);
  if (first.year() == last.year()) {
    if (L.day_first) {
      a.resize(6);  // "04.05."
    } else {
      b = b.substr(5);  // "05-17"
    }
  }
  return L.T("{first} to {last}", {{"first", a}, {"last", b}});
}

// "42–55"; "−14 to −1" when negative (an en dash between minus signs reads badly).
std::string DayRange(const ReportLocale& L, int first, int last) {
  if (first < 0) return L.T("{first} to {last}", {{"first", FormatInteger(first)}, {"last", FormatInteger(last)}});
  return fmt::format("{}{}{}", first, kEnDash, last);
}

std::string SeverityName(const ReportLocale& L, int s) {
  switch (s) {
    case 1: return L.T("mild");
    case 2: return L.T("moderate");
    default: return L.T("severe");
  }
}

// Labels, anchors and directions are data/diary_items.json's (analysis::ItemDefinition); the
// locale's `text` gives the label in its language (the file's translations).
json ItemVar(Item item) {
  return ItemRef(analysis::ItemName(item), analysis::ItemLabel(item));
}
std::string ItemTitle(const ReportLocale& L, Item item) {
  return L.T("{item}", {{"item", ItemVar(item)}});
}

// "higher is worse" / "higher is better".
std::string HigherIsText(const ReportLocale& L, Item item) {
  return analysis::HigherIsBetter(item) ? L.T("better") : L.T("worse");
}

// "0 = no pain, 10 = unbearable pain; higher is worse".
std::string ScaleText(const ReportLocale& L, Item item) {
  const auto& d = analysis::ItemDefinition(item);
  const std::string_view id = analysis::ItemName(item);
  return L.T(analysis::HigherIsBetter(item) ? "0 = {low}, 10 = {high}; higher is better"
                                            : "0 = {low}, 10 = {high}; higher is worse",
             {{"low", ItemRef(id, d.anchor_0, "anchor_0")}, {"high", ItemRef(id, d.anchor_10, "anchor_10")}});
}

// What a change is for the patient, in the report's words.
std::string ChangeIsText(const ReportLocale& L, const ItemComparison& c) {
  if (!c.change_is) return kEnDash;
  switch (*c.change_is) {
    case analysis::ChangeIs::kImprovement: return L.T("improvement");
    case analysis::ChangeIs::kWorsening: return L.T("worsening");
    case analysis::ChangeIs::kNone: return L.T("no clear change");
  }
  return kEnDash;
}

std::string Mg(const ReportLocale& L, const Dose& d) {
  return L.T("{dose} mg", {{"dose", Decimal(d.FormatMg(), L.decimal)}});
}

std::string DoseText(const ReportLocale& L, const std::optional<Dose>& d) {
  return d ? Mg(L, *d) : L.T("changed");
}

std::string IntervalText(const ReportLocale& L, const ItemComparison& c) {
  if (!c.interval) return kEnDash;
  return L.T("{first} to {last}",
             {{"first", L.Number(c.interval->lower, 1)}, {"last", L.Number(c.interval->upper, 1)}});
}

std::string PercentOf(const ReportLocale& L, double share, int decimals = 0) {
  return L.Percent(L.Number(share, decimals));
}

// The response threshold as written ("30%"): the shortest form of the option.
std::string ThresholdPct(const ReportLocale& L, const analysis::AnalysisOptions& o) {
  return L.Percent(Decimal(fmt::format("{}", o.response_threshold_pct), L.decimal));
}

std::optional<double> MeanOf(const std::vector<double>& v) {
  if (v.empty()) return std::nullopt;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

// Pain ratings of the diary days in [first, last].
std::vector<double> PainBetween(const Diary& diary, LocalDate first, LocalDate last) {
  std::vector<double> out;
  for (const DiaryDay& d : diary.days) {
    if (d.date < first || d.date > last) continue;
    if (auto v = d.Get(Item::kPain)) out.push_back(*v);
  }
  return out;
}

ChartModel BuildChart(const ReportLocale& L, const Diary& diary, const AnalysisReport& r,
                      const analysis::AnalysisOptions& o) {
  ChartModel c;
  const LocalDate origin = r.first_dose;
  c.first_dose_date = FormatDate(origin);
  LocalDate first = std::min(diary.days.front().date, origin);
  LocalDate last = diary.days.back().date;
  if (!diary.doses.empty()) last = std::max(last, diary.doses.back().date);
  c.first_day = DaysBetween(origin, first);
  c.last_day = DaysBetween(origin, last);
  const int n = c.last_day - c.first_day + 1;

  std::vector<std::optional<int>> pain(n);
  for (const DiaryDay& d : diary.days) {
    if (auto v = d.Get(Item::kPain)) {
      const int day = DaysBetween(origin, d.date);
      pain[day - c.first_day] = *v;
      c.pain.push_back({day, static_cast<double>(*v)});
    }
  }
  // The rolling mean restarts at day 0 so that it never mixes baseline and treatment days: for
  // day >= 0 this is exactly the series TimeToResponseDays (analysis/response.h) tests.
  std::vector<ChartPoint> run;
  for (int day = c.first_day; day <= c.last_day; ++day) {
    const int segment_start = day < 0 ? c.first_day : 0;
    double sum = 0;
    int count = 0;
    for (int k = std::max(segment_start, day - o.rolling_days + 1); k <= day; ++k) {
      if (pain[k - c.first_day]) {
        sum += *pain[k - c.first_day];
        ++count;
      }
    }
    const bool defined = count >= o.rolling_min_days;
    if (defined && day == 0 && !run.empty()) {  // a new segment starts at the first dose
      c.rolling_mean.push_back(std::move(run));
      run.clear();
    }
    if (defined) {
      run.push_back({day, sum / count});
    } else if (!run.empty()) {
      c.rolling_mean.push_back(std::move(run));
      run.clear();
    }
  }
  if (!run.empty()) c.rolling_mean.push_back(std::move(run));

  for (size_t i = 0; i < diary.steps.size(); ++i) {
    const int a = DaysBetween(origin, diary.steps[i].start);
    const int b = i + 1 < diary.steps.size() ? DaysBetween(origin, diary.steps[i + 1].start) - 1 : c.last_day;
    const double mg = diary.steps[i].dose.milligrams_hcl();
    c.max_dose_mg = std::max(c.max_dose_mg, mg);
    if (b < c.first_day || a > c.last_day) continue;
    c.doses.push_back({std::max(a, c.first_day), std::min(b, c.last_day), mg});
  }
  std::set<int> taken;
  for (const analysis::DoseLog& l : diary.doses) {
    if (l.taken) taken.insert(DaysBetween(origin, l.date));
  }
  for (const DoseSegment& s : c.doses) {
    if (s.mg <= 0) continue;
    for (int day = s.first_day; day <= s.last_day; ++day) {
      if (!taken.count(day)) c.missed_dose_days.push_back(day);
    }
  }

  for (const DiaryDay& d : diary.days) {
    if (d.side_effects.empty()) continue;
    SideEffectMark m;
    m.day = DaysBetween(origin, d.date);
    for (const analysis::SideEffect& e : d.side_effects) {
      m.max_severity = std::max(m.max_severity, e.severity);
      m.names.push_back(e.name);
    }
    c.side_effects.push_back(std::move(m));
  }

  if (r.primary_window) {
    const EvaluationWindow& w = r.windows[*r.primary_window];
    c.primary_window = WindowBand{w.first_day, w.first_day + DaysBetween(w.first, w.last), WindowTitle(L, w), true};
  }
  c.baseline_first_day = std::max(DaysBetween(origin, r.baseline_first), c.first_day);
  c.baseline_last_day = DaysBetween(origin, r.baseline_last);
  // AnalyzeDiary refuses a baseline with fewer than 7 pain days, so the mean exists.
  c.baseline_mean = MeanOf(PainBetween(diary, r.baseline_first, r.baseline_last)).value_or(0.0);
  c.response_threshold = c.baseline_mean * (1.0 - o.response_threshold_pct / 100.0);
  c.response_day = r.time_to_response_days;
  return c;
}

std::vector<std::string> Findings(const ReportLocale& L, const AnalysisReport& r, const analysis::AnalysisOptions& o,
                                  const ChartModel& chart) {
  std::vector<std::string> f;
  if (r.primary_window) {
    const EvaluationWindow& w = r.windows[*r.primary_window];
    const ItemComparison& p = w.Get(Item::kPain);
    f.push_back(
        L.T("Mean daily pain {mean} in {window} (days {days}, {n} days rated) against {baseline} at baseline "
            "({dates}, {n_baseline} days rated): {change} points ({pct}).",
            {{"mean", L.Number(*p.window_mean, 1)},
             {"window", WindowPhrase(L, w)},
             {"days", DayRange(L, w.first_day, w.first_day + DaysBetween(w.first, w.last))},
             {"n", p.n_window},
             {"baseline", L.Number(*p.baseline_mean, 1)},
             {"dates", DateRange(L, r.baseline_first, r.baseline_last)},
             {"n_baseline", p.n_baseline},
             {"change", L.Signed(*p.change, 1)},
             {"pct", L.Percent(L.Signed(*p.pct_change, 0))}}));
    if (p.interval) {
      const bool spans_zero = p.interval->lower <= 0 && p.interval->upper >= 0;
      f.push_back(L.T(spans_zero ? "{level} interval for the change: {low} to {high} points (allowing for day-to-day "
                                   "correlation, see Methods); it includes no change at all."
                                 : "{level} interval for the change: {low} to {high} points (allowing for day-to-day "
                                   "correlation, see Methods).",
                      {{"level", PercentOf(L, 100 * p.interval->level)},
                       {"low", L.Number(p.interval->lower, 1)},
                       {"high", L.Number(p.interval->upper, 1)}}));
    } else {
      // The analysis' reason (analysis/response.h ItemComparison::note_text), in the report's language.
      f.push_back(L.T("No interval for the change: {reason}.", {{"reason", Nested(p.note_text)}}));
    }
    json vars = {{"class", L.T(std::string(analysis::ResponderClassName(*r.responder_class)))},
                 {"farrar", *r.farrar_two_point ? L.T("yes") : L.T("no")}};
    if (r.responder_class_lowest && r.responder_class_highest &&
        *r.responder_class_lowest != *r.responder_class_highest) {
      vars["lowest"] = L.T(std::string(analysis::ResponderClassName(*r.responder_class_lowest)));
      vars["highest"] = L.T(std::string(analysis::ResponderClassName(*r.responder_class_highest)));
      f.push_back(
          L.T("IMMPACT class: {class} (within the interval: {lowest} to {highest}) (Dworkin 2008). Farrar "
              "\u22652-point drop: {farrar} (Farrar 2001).",
              vars));
    } else {
      f.push_back(
          L.T("IMMPACT class: {class} (Dworkin 2008). Farrar \u22652-point drop: {farrar} (Farrar 2001).", vars));
    }
  } else {
    const int days_on = chart.last_day + 1;
    const int needed = o.fixed_weeks.empty() ? o.window_days : 7 * o.fixed_weeks.front();
    f.push_back(
        L.T("The diary covers {n} days since the first dose on {date}. A first comparison needs {window} days "
            "on one dose (a stable-dose window) or the diary reaching the end of week {week} (day {day}).",
            {{"n", days_on},
             {"date", L.Date(r.first_dose)},
             {"window", o.window_days},
             {"week", needed / 7},
             {"day", needed - 1}}));
    f.push_back(L.T("Baseline pain {mean} ({dates}).", {{"mean", L.Number(chart.baseline_mean, 1)},
                                                        {"dates", DateRange(L, r.baseline_first, r.baseline_last)}}));
  }
  if (r.time_to_response_days) {
    f.push_back(
        L.T("The 7-day mean pain fell to \u2265{pct} below baseline on day {day} ({date}) and stayed there "
            "for at least {n} days.",
            {{"pct", ThresholdPct(L, o)},
             {"day", *r.time_to_response_days},
             {"date", L.Date(AddDays(r.first_dose, *r.time_to_response_days))},
             {"n", o.response_sustain_days}}));
  } else if (r.primary_window) {
    f.push_back(L.T("The 7-day mean pain never stayed \u2265{pct} below baseline for {n} days.",
                    {{"pct", ThresholdPct(L, o)}, {"n", o.response_sustain_days}}));
  }
  if (r.side_effects.empty()) {
    f.push_back(L.T("No side effects were reported."));
  } else {
    std::vector<std::string> names, open;
    for (const auto& e : r.side_effects) {
      std::string name = SideEffectName(L, e.name);
      names.push_back(name);
      if (!e.settled) open.push_back(name);
    }
    const std::string all = fmt::format("{}", fmt::join(names, ", "));
    f.push_back(open.empty() ? L.T("Side effects: {names} (all have settled).", {{"names", all}})
                             : L.T("Side effects: {names} (not settled: {open}).",
                                   {{"names", all}, {"open", fmt::format("{}", fmt::join(open, ", "))}}));
  }
  if (r.primary_window) {
    // Each direction named from the analysis' judgement (the interval and the item's direction).
    std::vector<std::string> better, worse;
    for (const ItemComparison& c : r.windows[*r.primary_window].items) {
      if (c.change_is == analysis::ChangeIs::kImprovement) better.push_back(ItemTitle(L, c.item));
      if (c.change_is == analysis::ChangeIs::kWorsening) worse.push_back(ItemTitle(L, c.item));
    }
    f.push_back(L.T("Items whose interval shows an improvement: {better}. A worsening: {worse}.",
                    {{"better", better.empty() ? L.T("none") : fmt::format("{}", fmt::join(better, ", "))},
                     {"worse", worse.empty() ? L.T("none") : fmt::format("{}", fmt::join(worse, ", "))}}));
  }
  const analysis::Adherence& a = r.adherence;
  if (a.share_taken) {
    f.push_back(
        L.T("Doses: {pct} of {n} planned doses logged as taken; longest run without a dose {gap} days.",
            {{"pct", PercentOf(L, 100 * *a.share_taken)}, {"n", a.planned_doses}, {"gap", a.longest_gap_days}}));
  }
  if (!r.deviations.empty()) {
    f.push_back(
        L.T("Doses taken that differed from the plan: {n} (listed under Doses taken); the analysis uses "
            "the doses as taken.",
            {{"n", static_cast<int>(r.deviations.size())}}));
  }
  return f;
}

void Headline(const ReportLocale& L, const AnalysisReport& r, ReportModel& m) {
  if (!r.primary_window) {
    m.headline = L.T("Too early to judge: not enough diary days on LDN yet");
    m.verdict_tone = "too_early";
    return;
  }
  const std::string when = WindowPhrase(L, r.windows[*r.primary_window]);
  const double reduction = -*r.pain_change_pct;
  const std::string cls = L.T(std::string(analysis::ResponderClassName(*r.responder_class)));
  if (reduction >= 30.0 - 1e-9) {
    m.headline = L.T("Pain {pct} lower in {window} than before LDN: a {class} change (IMMPACT)",
                     {{"pct", PercentOf(L, reduction)}, {"window", when}, {"class", cls}});
    m.verdict_tone = "improved";
  } else if (reduction >= 10.0 - 1e-9) {
    m.headline = L.T("Pain {pct} lower in {window} than before LDN: a minimal change (IMMPACT)",
                     {{"pct", PercentOf(L, reduction)}, {"window", when}});
    m.verdict_tone = "unclear";
  } else if (reduction >= 0) {
    m.headline = L.T("Pain about the same in {window} as before LDN ({pct} lower): no meaningful change",
                     {{"pct", PercentOf(L, reduction)}, {"window", when}});
    m.verdict_tone = "not_improved";
  } else {
    m.headline = L.T("Pain {pct} higher in {window} than before LDN: no improvement",
                     {{"pct", PercentOf(L, -reduction)}, {"window", when}});
    m.verdict_tone = "not_improved";
  }
}

std::vector<KeyFigure> KeyFigures(const ReportLocale& L, const AnalysisReport& r, const analysis::AnalysisOptions& o) {
  std::vector<KeyFigure> k;
  if (r.primary_window) {
    const EvaluationWindow& w = r.windows[*r.primary_window];
    const ItemComparison& p = w.Get(Item::kPain);
    k.push_back({L.T("Pain change"), L.Percent(L.Signed(*p.pct_change, 0)),
                 fmt::format("{} {} {} ({})", L.Number(*p.baseline_mean, 1), kArrow, L.Number(*p.window_mean, 1),
                             WindowTitle(L, w))});
    k.push_back({L.T("Responder (IMMPACT)"),
                 Capitalize(L.T(std::string(analysis::ResponderClassName(*r.responder_class)))),
                 L.T("Farrar \u22652 points: {answer}", {{"answer", *r.farrar_two_point ? L.T("yes") : L.T("no")}})});
  } else {
    k.push_back({L.T("Pain change"), kEnDash, L.T("no evaluation window yet")});
    k.push_back({L.T("Responder (IMMPACT)"), kEnDash, L.T("not yet classifiable")});
  }
  const std::string ttr = r.time_to_response_days ? L.T("Day {n}", {{"n", *r.time_to_response_days}})
                          : r.primary_window      ? L.T("Not reached")
                                                  : L.T("Not yet");
  k.push_back(
      {L.T("Time to response"), ttr, L.T("7-day mean \u2265{pct} below baseline", {{"pct", ThresholdPct(L, o)}})});
  const analysis::Adherence& a = r.adherence;
  k.push_back({L.T("Doses taken"), a.share_taken ? PercentOf(L, 100 * *a.share_taken) : kEnDash,
               L.T("{n} of {total}; longest gap {gap}\u00a0d",
                   {{"n", a.taken}, {"total", a.planned_doses}, {"gap", a.longest_gap_days}})});
  const analysis::DiaryCompleteness& c = r.completeness;
  k.push_back({L.T("Diary days"), fmt::format("{} / {}", c.days_recorded, c.days_in_period),
               L.T("{n} missing, none imputed", {{"n", c.days_missing}})});
  return k;
}

Table SideEffectTable(const ReportLocale& L, const Diary& diary, const AnalysisReport& r) {
  Table t;
  t.header = {L.T("Side effect"),   L.T("Onset"), L.T("Dose at onset"),
              L.T("Days reported"), L.T("Worst"), L.T("Settled")};
  t.numeric = {false, false, false, true, false, false};
  for (const analysis::SideEffectSummary& s : r.side_effects) {
    std::string dose = L.T("before LDN");
    if (const analysis::CourseStep* step = diary.StepOn(s.onset); step != nullptr && s.onset_day >= 0) {
      dose =
          L.T("{dose} (step day {day})", {{"dose", Mg(L, step->dose)}, {"day", DaysBetween(step->start, s.onset) + 1}});
    }
    t.rows.push_back({SideEffectName(L, s.name),
                      L.T("{date} (day {day})", {{"date", L.Date(s.onset)}, {"day", FormatInteger(s.onset_day)}}), dose,
                      L.T("{n} of {total}", {{"n", s.days_reported}, {"total", s.duration_days}}),
                      SeverityName(L, s.max_severity),
                      s.settled ? L.T("yes") : L.T("no, last {date}", {{"date", L.Date(s.last_reported)}})});
  }
  return t;
}

Table DoseResponseTable(const ReportLocale& L, const AnalysisReport& r) {
  Table t;
  t.header = {L.T("Dose"),
              L.T("Window"),
              L.T("Days"),
              L.T("Pain rated"),
              L.T("Mean pain"),
              L.T("Change"),
              L.T("{level} interval", {{"level", L.Percent("95")}})};
  t.numeric = {false, false, false, true, true, true, true};
  for (const EvaluationWindow& w : r.windows) {
    if (w.kind != "stable_dose") continue;
    const ItemComparison& p = w.Get(Item::kPain);
    t.rows.push_back({DoseText(L, w.dose), WindowTitle(L, w),
                      DayRange(L, w.first_day, w.first_day + DaysBetween(w.first, w.last)), std::to_string(p.n_window),
                      p.window_mean ? L.Number(*p.window_mean, 1) : kEnDash,
                      p.change ? L.Signed(*p.change, 1) : kEnDash, IntervalText(L, p)});
  }
  return t;
}

Table ItemSummaryTable(const ReportLocale& L, const AnalysisReport& r) {
  Table t;
  t.header = {L.T("Item"),     L.T("Higher is"), L.T("Baseline"),
              L.T("Window"),   L.T("Change"),    L.T("{level} interval", {{"level", L.Percent("95")}}),
              L.T("Change is")};
  t.numeric = {false, false, true, true, true, true, false};
  if (!r.primary_window) return t;
  const EvaluationWindow& w = r.windows[*r.primary_window];
  for (Item item : analysis::kAllItems) {
    const ItemComparison& c = w.Get(item);
    t.rows.push_back({ItemTitle(L, item), HigherIsText(L, item),
                      c.baseline_mean ? L.Number(*c.baseline_mean, 1) : kEnDash,
                      c.window_mean ? L.Number(*c.window_mean, 1) : kEnDash,
                      c.change ? L.Signed(*c.change, 1) : kEnDash, IntervalText(L, c), ChangeIsText(L, c)});
  }
  return t;
}

Table DeviationTable(const ReportLocale& L, const AnalysisReport& r) {
  Table t;
  t.header = {L.T("Date"), L.T("Day"), L.T("Planned"), L.T("Taken")};
  t.numeric = {false, true, true, true};
  for (const analysis::DoseDeviation& d : r.deviations) {
    t.rows.push_back({L.Date(d.date), FormatInteger(d.day), Mg(L, d.planned), Mg(L, d.taken)});
  }
  return t;
}

Table AdherenceTable(const ReportLocale& L, const AnalysisReport& r) {
  const analysis::Adherence& a = r.adherence;
  auto share = [&](int n) {
    return a.planned_doses > 0 ? fmt::format("{} ({})", n, PercentOf(L, 100.0 * n / a.planned_doses))
                               : std::to_string(n);
  };
  Table t;
  t.header = {L.T("Doses"), L.T("Days")};
  t.numeric = {false, true};
  t.rows = {{L.T("Planned (days on a dose above 0 mg)"), std::to_string(a.planned_doses)},
            {L.T("Logged as taken"), share(a.taken)},
            {L.T("Logged as not taken"), share(a.logged_not_taken)},
            {L.T("Not logged (counted as not taken)"), share(a.not_logged)},
            {L.T("Longest run without a taken dose"), std::to_string(a.longest_gap_days)}};
  return t;
}

Table MissingTable(const ReportLocale& L, const AnalysisReport& r) {
  const analysis::DiaryCompleteness& c = r.completeness;
  Table t;
  t.header = {L.T("Diary"), L.T("Days missing"), L.T("Share")};
  t.numeric = {false, true, true};
  auto pct = [&](int n) { return PercentOf(L, c.days_in_period > 0 ? 100.0 * n / c.days_in_period : 0.0); };
  t.rows.push_back({L.T("Whole entry ({n} days, {first} to {last})",
                        {{"n", c.days_in_period}, {"first", L.Date(c.first)}, {"last", L.Date(c.last)}}),
                    std::to_string(c.days_missing), pct(c.days_missing)});
  for (int i = 0; i < analysis::kItemCount; ++i) {
    t.rows.push_back({ItemTitle(L, analysis::kAllItems[i]), std::to_string(c.item_missing[i]), pct(c.item_missing[i])});
  }
  return t;
}

Table RescueTable(const ReportLocale& L, const Diary& diary, const AnalysisReport& r) {
  Table t;
  t.header = {L.T("Period"), L.T("Dates"), L.T("Diary days"), L.T("With rescue medication"), L.T("Share")};
  t.numeric = {false, false, true, true, true};
  auto row = [&](const std::string& name, LocalDate first, LocalDate last) {
    int days = 0, with = 0;
    for (const DiaryDay& d : diary.days) {
      if (d.date < first || d.date > last) continue;
      ++days;
      with += d.rescue_medication.empty() ? 0 : 1;
    }
    t.rows.push_back({name, DateRange(L, first, last), std::to_string(days), std::to_string(with),
                      days > 0 ? PercentOf(L, 100.0 * with / days) : kEnDash});
  };
  row(L.T("Baseline"), r.baseline_first, r.baseline_last);
  for (const EvaluationWindow& w : r.windows) row(WindowTitle(L, w), w.first, w.last);
  return t;
}

ItemDetail MakeItemDetail(const ReportLocale& L, const AnalysisReport& r, Item item) {
  ItemDetail d;
  d.key = std::string(analysis::ItemName(item));
  d.title = ItemTitle(L, item);
  d.scale = ScaleText(L, item);
  d.table.header = {L.T("Window"), L.T("Dates"),    L.T("Days"),
                    L.T("Dose"),   L.T("Rated"),    L.T("Mean"),
                    L.T("Change"), L.T("% change"), L.T("{level} interval", {{"level", L.Percent("95")}})};
  d.table.numeric = {false, false, false, false, true, true, true, true, true};
  if (r.windows.empty()) {
    d.notes.push_back(L.T("No evaluation window yet."));
    return d;
  }
  const ItemComparison& first = r.windows.front().Get(item);
  d.table.rows.push_back({L.T("Baseline"), DateRange(L, r.baseline_first, r.baseline_last),
                          DayRange(L, DaysBetween(r.first_dose, r.baseline_first), -1), L.T("none"),
                          std::to_string(first.n_baseline),
                          first.baseline_mean ? L.Number(*first.baseline_mean, 1) : kEnDash, "", "", ""});
  for (const EvaluationWindow& w : r.windows) {
    const ItemComparison& c = w.Get(item);
    d.table.rows.push_back({WindowTitle(L, w), DateRange(L, w.first, w.last),
                            DayRange(L, w.first_day, w.first_day + DaysBetween(w.first, w.last)), DoseText(L, w.dose),
                            std::to_string(c.n_window), c.window_mean ? L.Number(*c.window_mean, 1) : kEnDash,
                            c.change ? L.Signed(*c.change, 1) : kEnDash,
                            c.pct_change ? L.Percent(L.Signed(*c.pct_change, 0)) : kEnDash, IntervalText(L, c)});
    // The analysis' reason, in English (analysis/response.h ItemComparison::note).
    if (!c.note.empty()) d.notes.push_back(WindowTitle(L, w) + ": " + c.note + ".");
  }
  return d;
}

// The direction rule in words, from data/diary_items.json.
std::string DirectionDefinition(const ReportLocale& L) {
  std::vector<std::string> worse, better;
  for (Item item : analysis::kAllItems) {
    (analysis::HigherIsBetter(item) ? better : worse).push_back(ItemTitle(L, item));
  }
  std::string s =
      L.T("Change = window mean \u2212 baseline mean; % change = 100 \u00d7 change / baseline mean. Every item is "
          "rated 0\u201310 with its anchors from data/diary_items.json.");
  if (!worse.empty())
    s += " " + L.T("Higher is worse ({items}): a fall is an improvement.",
                   {{"items", fmt::format("{}", fmt::join(worse, ", "))}});
  if (!better.empty())
    s += " " + L.T("Higher is better ({items}): a rise is an improvement.",
                   {{"items", fmt::format("{}", fmt::join(better, ", "))}});
  s += " " + L.T("\u2018Change is\u2019 says improvement or worsening only when the {level} interval excludes no "
                 "change.",
                 {{"level", L.Percent("95")}});
  return s;
}

}  // namespace

std::string FormatSigned(double value, int decimals) {
  std::string s = fmt::format("{:+.{}f}", value, decimals);
  // "+0.0" and "-0.0" both print as "0.0": a change that rounds to nothing has no direction.
  if (s.find_first_not_of("+-0.") == std::string::npos) return s.substr(1);
  return Typographic(s);
}

std::string FormatPercentChange(double pct) {
  return FormatSigned(pct, 0) + "%";
}

std::string FormatInteger(int value) {
  return Typographic(std::to_string(value));
}

std::string ReportLocale::T(const std::string& key, nlohmann::json vars) const {
  Message m{key, std::move(vars)};
  return text ? text(m) : Fill(m);
}

std::string ReportLocale::Date(LocalDate d) const {
  const std::string iso = FormatDate(d);
  if (!day_first) return iso;
  return fmt::format("{}.{}.{}", iso.substr(8, 2), iso.substr(5, 2), iso.substr(0, 4));
}

std::string ReportLocale::Number(double value, int decimals) const {
  return Decimal(Typographic(fmt::format("{:.{}f}", value, decimals)), decimal);
}

std::string ReportLocale::Signed(double value, int decimals) const {
  return Decimal(FormatSigned(value, decimals), decimal);
}

std::string ReportLocale::Percent(const std::string& pct) const {
  return T("{n}%", {{"n", pct}});
}

ReportModel BuildReportModel(const Diary& diary, const AnalysisReport& r, const ReportModelOptions& options) {
  assert(!diary.days.empty() && !diary.steps.empty());
  const analysis::AnalysisOptions& o = options.analysis;
  const ReportLocale& L = options.locale;
  ReportModel m;
  m.locale = L;
  m.title = L.T("LDN response report");
  m.patient_id = diary.patient_id;
  m.time_zone = diary.time_zone.name();
  const analysis::DiaryCompleteness& c = r.completeness;
  m.period = L.T(
      "Diary {first} to {last}: {n} days, {recorded} with an entry",
      {{"first", L.Date(c.first)}, {"last", L.Date(c.last)}, {"n", c.days_in_period}, {"recorded", c.days_recorded}});
  m.first_dose = FormatDate(r.first_dose);  // ISO: the renderers write it in the report's language
  m.generated_on = options.generated_on;

  m.chart = BuildChart(L, diary, r, o);
  Headline(L, r, m);
  m.findings = Findings(L, r, o, m.chart);
  for (const Message& limit : r.verdict.limit_messages) m.limits.push_back(L.text ? L.text(limit) : Fill(limit));
  m.limits_sources =
      L.T("Placebo responses: {placebo}. N-of-1 trials: {nof1}.",
          {{"placebo",
            "Younger et al., Arthritis Rheum 2013;65:529; Bruun et al. (FINAL), Lancet Rheumatol 2024;6:e31\u2013e39; "
            "INNOVA, Rodr\u00edguez-Freire et al. (about 2025)"},
           {"nof1", "Kravitz & Duan (eds), AHRQ User\u2019s Guide 2014; CENT 2015, BMJ 350:h1738"}});
  m.key_figures = KeyFigures(L, r, o);
  m.side_effects = SideEffectTable(L, diary, r);
  m.dose_response = DoseResponseTable(L, r);
  m.adherence = AdherenceTable(L, r);
  m.deviations = DeviationTable(L, r);
  m.item_summary = ItemSummaryTable(L, r);
  m.missing = MissingTable(L, r);
  m.rescue = RescueTable(L, diary, r);
  for (Item item : analysis::kAllItems) m.items.push_back(MakeItemDetail(L, r, item));
  for (const DiaryDay& d : diary.days) {
    if (d.note && !d.note->empty()) m.notes.push_back({L.Date(d.date), DaysBetween(r.first_dose, d.date), *d.note});
  }

  // The method is a citation of the interval's statistics and stays in English in every language
  // (the renderers say so); the definitions are in the report's language.

  m.method = fmt::format(
      "{:.0f}% intervals for a change are AR(1)-adjusted: each window's number of days n is replaced by an "
      "effective sample size (Wilks, Statistical Methods in the Atmospheric Sciences, 3rd ed. 2011, \u00a75.2.4, "
      "in its finite-sample form), using the day-to-day autocorrelation of each item estimated once from the whole "
      "record in 14-day blocks and corrected for the bias of short series (Kendall, Biometrika 1954;41:403), with a "
      "Student t quantile on Welch\u2013Satterthwaite degrees of freedom (Welch, Biometrika 1947;34:28; Bartlett "
      "1946 for the degrees of freedom of a correlated variance). Daily ratings are correlated, so a naive interval "
      "would be too narrow; on simulated patients this one covered the true change 95% of the time. It is a guide, "
      "not a decision rule.",
      100 * o.confidence_level);
  if (r.bootstrap_seed) {
    m.method += fmt::format(
        " A moving-block bootstrap interval (Kunsch, Ann Stat 1989;17:1217) was also computed "
        "with seed {} (JSON output).",
        *r.bootstrap_seed);
  }
  m.definitions = {
      L.T("Baseline: the {n} days before the first dose ({dates}).",
          {{"n", o.baseline_days}, {"dates", DateRange(L, r.baseline_first, r.baseline_last)}}),
      L.T("Evaluation windows are {n} days long: the windows ending at weeks {weeks} after the first dose, and "
          "consecutive {n}-day blocks on an unchanged dose (stable-dose windows). The verdict reads the latest week "
          "window with enough pain ratings ({min} days), else the latest stable-dose window.",
          {{"n", o.window_days},
           {"weeks", fmt::format("{}", fmt::join(o.fixed_weeks, " " + L.T("and") + " "))},
           {"min", o.min_window_days_with_data}}),
      DirectionDefinition(L),
      L.T("IMMPACT pain classes on the % reduction: below 10% none, 10\u201330% minimal, 30\u201350% moderate, 50% "
          "or more substantial (Dworkin et al., J Pain 2008;9:105). Farrar: a drop of 2 points or more on the "
          "0\u201310 scale, which patients tend to call \u2018much improved\u2019 (Farrar et al., Pain "
          "2001;94:149)."),
      L.T("Time to response: the first day from which the trailing {days}-day mean pain (on-treatment days, at least "
          "{min} rated) stays at least {pct} below the baseline mean for {n} days in a row.",
          {{"days", o.rolling_days},
           {"min", o.rolling_min_days},
           {"pct", ThresholdPct(L, o)},
           {"n", o.response_sustain_days}}),
      L.T("Adherence counts every day of a planned dose above 0 mg; a day without a log counts as not taken. Missing "
          "diary days are counted and never filled in."),
      L.T("A side effect has settled when it was not reported in the last {n} days of the diary.",
          {{"n", o.side_effect_settled_days}})};
  m.sources = {
      "Dworkin RH et al. Interpreting the clinical importance of treatment outcomes in chronic pain clinical "
      "trials: IMMPACT recommendations. J Pain 2008;9:105\u2013121.",
      "Farrar JT et al. Clinical importance of changes in chronic pain intensity measured on an 11-point numerical "
      "pain rating scale. Pain 2001;94:149\u2013158.",
      "Younger J, Noor N, McCue R, Mackey S. Low-dose naltrexone for the treatment of fibromyalgia. Arthritis "
      "Rheum 2013;65:529\u2013538.",
      "Bruun KD et al. Low-dose naltrexone for the treatment of fibromyalgia (FINAL). Lancet Rheumatol "
      "2024;6:e31\u2013e39.",
      "INNOVA trial, Rodr\u00edguez-Freire et al. (Spain, about 2025; journal not confirmed).",
      "Kravitz RL, Duan N (eds). Design and Implementation of N-of-1 Trials: A User\u2019s Guide. AHRQ 2014.",
      "Vohra S et al. CONSORT extension for reporting N-of-1 trials (CENT) 2015. BMJ 2015;350:h1738.",
      "Wilks DS. Statistical Methods in the Atmospheric Sciences, 3rd ed. Academic Press 2011, \u00a75.2.4.",
      "Zwiers FW, von Storch H. Taking serial correlation into account in tests of the mean. J Climate "
      "1995;8:336\u2013351.",
      "Kendall MG. Note on bias in the estimation of autocorrelation. Biometrika 1954;41:403\u2013404.",
      "Bartlett MS. On the theoretical specification and sampling properties of autocorrelated time-series. "
      "J R Stat Soc Suppl 1946;8:27\u201341.",
      "Welch BL. The generalization of \u2018Student\u2019s\u2019 problem when several different population "
      "variances are involved. Biometrika 1947;34:28\u201335."};
  return m;
}

namespace {

nlohmann::json TableJson(const Table& t) {
  return {{"header", t.header}, {"numeric", t.numeric}, {"rows", t.rows}};
}

nlohmann::json PointsJson(const std::vector<ChartPoint>& v) {
  nlohmann::json a = nlohmann::json::array();
  for (const ChartPoint& p : v) a.push_back({p.day, p.value});
  return a;
}

}  // namespace

nlohmann::json ReportModelToJson(const ReportModel& m) {
  nlohmann::json j;
  j["title"] = m.title;
  j["patient_id"] = m.patient_id;
  j["time_zone"] = m.time_zone;
  j["period"] = m.period;
  j["first_dose"] = m.first_dose;
  j["generated_on"] = m.generated_on;
  j["headline"] = m.headline;
  j["verdict_tone"] = m.verdict_tone;
  j["findings"] = m.findings;
  j["limits"] = m.limits;
  j["limits_sources"] = m.limits_sources;
  nlohmann::json kf = nlohmann::json::array();
  for (const KeyFigure& k : m.key_figures) kf.push_back({{"label", k.label}, {"value", k.value}, {"detail", k.detail}});
  j["key_figures"] = std::move(kf);
  const ChartModel& c = m.chart;
  nlohmann::json chart = {{"first_day", c.first_day},
                          {"last_day", c.last_day},
                          {"first_dose_date", c.first_dose_date},
                          {"pain", PointsJson(c.pain)},
                          {"baseline_first_day", c.baseline_first_day},
                          {"baseline_last_day", c.baseline_last_day},
                          {"baseline_mean", c.baseline_mean},
                          {"response_threshold", c.response_threshold},
                          {"max_dose_mg", c.max_dose_mg},
                          {"response_day", c.response_day ? nlohmann::json(*c.response_day) : nlohmann::json(nullptr)},
                          {"missed_dose_days", c.missed_dose_days}};
  chart["rolling_mean"] = nlohmann::json::array();
  for (const auto& run : c.rolling_mean) chart["rolling_mean"].push_back(PointsJson(run));
  chart["doses"] = nlohmann::json::array();
  for (const DoseSegment& s : c.doses)
    chart["doses"].push_back({{"first_day", s.first_day}, {"last_day", s.last_day}, {"mg", s.mg}});
  chart["side_effects"] = nlohmann::json::array();
  for (const SideEffectMark& s : c.side_effects) {
    chart["side_effects"].push_back({{"day", s.day}, {"max_severity", s.max_severity}, {"names", s.names}});
  }
  chart["primary_window"] = c.primary_window ? nlohmann::json{{"first_day", c.primary_window->first_day},
                                                              {"last_day", c.primary_window->last_day},
                                                              {"label", c.primary_window->label}}
                                             : nlohmann::json(nullptr);
  j["chart"] = std::move(chart);
  j["side_effects"] = TableJson(m.side_effects);
  j["dose_response"] = TableJson(m.dose_response);
  j["adherence"] = TableJson(m.adherence);
  j["deviations"] = TableJson(m.deviations);
  j["item_summary"] = TableJson(m.item_summary);
  j["missing"] = TableJson(m.missing);
  j["rescue"] = TableJson(m.rescue);
  nlohmann::json items = nlohmann::json::array();
  for (const ItemDetail& d : m.items) {
    items.push_back(
        {{"key", d.key}, {"title", d.title}, {"scale", d.scale}, {"table", TableJson(d.table)}, {"notes", d.notes}});
  }
  j["items"] = std::move(items);
  nlohmann::json notes = nlohmann::json::array();
  for (const PatientNote& n : m.notes) notes.push_back({{"date", n.date}, {"day", n.day}, {"text", n.text}});
  j["notes"] = std::move(notes);
  j["method"] = m.method;
  j["definitions"] = m.definitions;
  j["sources"] = m.sources;
  return j;
}

}  // namespace ldn::report
