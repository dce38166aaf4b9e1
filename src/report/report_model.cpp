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
constexpr const char* kGe = "\u2265";

// Replaces a leading '-' (fmt's minus) with the typographic minus and drops a negative zero.
std::string Typographic(std::string s) {
  if (!s.empty() && s[0] == '-') {
    const bool all_zero = s.find_first_not_of("-0.") == std::string::npos;
    s = all_zero ? s.substr(1) : std::string(kMinus) + s.substr(1);
  }
  return s;
}

std::string Fixed(double v, int decimals) {
  return Typographic(fmt::format("{:.{}f}", v, decimals));
}

std::string Capitalize(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

// "vivid_dreams" -> "Vivid dreams".
std::string Pretty(std::string name) {
  std::replace(name.begin(), name.end(), '_', ' ');
  return Capitalize(std::move(name));
}

// "week_12" -> "Week 12", "stable_3" -> "Stable dose 3".
std::string WindowTitle(const EvaluationWindow& w) {
  if (w.kind == "fixed_week" && w.label.rfind("week_", 0) == 0) return "Week " + w.label.substr(5);
  if (w.kind == "stable_dose" && w.label.rfind("stable_", 0) == 0) return "Stable dose " + w.label.substr(7);
  return w.label;
}

// The window in running text: "week 12", "stable-dose window 3".
std::string WindowPhrase(const EvaluationWindow& w) {
  if (w.kind == "fixed_week" && w.label.rfind("week_", 0) == 0) return "week " + w.label.substr(5);
  if (w.kind == "stable_dose" && w.label.rfind("stable_", 0) == 0) return "stable-dose window " + w.label.substr(7);
  return w.label;
}

// "2026-05-04 to 05-17", with the year once when both dates share it.
std::string DateRange(LocalDate first, LocalDate last) {
  const std::string a = FormatDate(first), b = FormatDate(last);
  if (first.year() == last.year()) return a + " to " + b.substr(5);
  return a + " to " + b;
}

// "42–55"; "−14 to −1" when negative (an en dash between minus signs reads badly).
std::string DayRange(int first, int last) {
  if (first < 0) return fmt::format("{} to {}", Fixed(first, 0), Fixed(last, 0));
  return fmt::format("{}{}{}", first, kEnDash, last);
}

std::string SeverityName(int s) {
  switch (s) {
    case 1: return "mild";
    case 2: return "moderate";
    default: return "severe";
  }
}

// Labels, anchors and directions are data/diary_items.json's (analysis::ItemDefinition).
std::string ItemTitle(Item item) {
  return analysis::ItemLabel(item);
}

// "0 = no pain, 10 = unbearable pain; higher is worse".
std::string ScaleText(Item item) {
  const auto& d = analysis::ItemDefinition(item);
  return fmt::format("0 = {}, 10 = {}; higher is {}", d.anchor_0, d.anchor_10, analysis::ItemHigherIs(item));
}

// What a change is for the patient, in the report's words.
std::string ChangeIsText(const ItemComparison& c) {
  if (!c.change_is) return kEnDash;
  switch (*c.change_is) {
    case analysis::ChangeIs::kImprovement: return "improvement";
    case analysis::ChangeIs::kWorsening: return "worsening";
    case analysis::ChangeIs::kNone: return "no clear change";
  }
  return kEnDash;
}

std::string DoseText(const std::optional<Dose>& d) {
  return d ? d->FormatMg() + " mg" : "changed";
}

std::string IntervalText(const ItemComparison& c) {
  if (!c.interval) return kEnDash;
  return fmt::format("{} to {}", Fixed(c.interval->lower, 1), Fixed(c.interval->upper, 1));
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

ChartModel BuildChart(const Diary& diary, const AnalysisReport& r, const analysis::AnalysisOptions& o) {
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
    c.primary_window = WindowBand{w.first_day, w.first_day + DaysBetween(w.first, w.last), WindowTitle(w), true};
  }
  c.baseline_first_day = std::max(DaysBetween(origin, r.baseline_first), c.first_day);
  c.baseline_last_day = DaysBetween(origin, r.baseline_last);
  // AnalyzeDiary refuses a baseline with fewer than 7 pain days, so the mean exists.
  c.baseline_mean = MeanOf(PainBetween(diary, r.baseline_first, r.baseline_last)).value_or(0.0);
  c.response_threshold = c.baseline_mean * (1.0 - o.response_threshold_pct / 100.0);
  c.response_day = r.time_to_response_days;
  return c;
}

std::vector<std::string> Findings(const Diary& diary, const AnalysisReport& r, const analysis::AnalysisOptions& o,
                                  const ChartModel& chart) {
  std::vector<std::string> f;
  if (r.primary_window) {
    const EvaluationWindow& w = r.windows[*r.primary_window];
    const ItemComparison& p = w.Get(Item::kPain);
    f.push_back(fmt::format(
        "Mean daily pain {:.1f} in {} (days {}, {} days rated) against {:.1f} at baseline ({}, {} days rated): {} "
        "points ({}).",
        *p.window_mean, WindowPhrase(w), DayRange(w.first_day, w.first_day + DaysBetween(w.first, w.last)), p.n_window,
        *p.baseline_mean, DateRange(r.baseline_first, r.baseline_last), p.n_baseline, FormatSigned(*p.change, 1),
        FormatPercentChange(*p.pct_change)));
    if (p.interval) {
      const bool spans_zero = p.interval->lower <= 0 && p.interval->upper >= 0;
      f.push_back(
          fmt::format("{:.0f}% interval for the change: {} to {} points (allowing for day-to-day "
                      "correlation, see Methods){}.",
                      100 * p.interval->level, Fixed(p.interval->lower, 1), Fixed(p.interval->upper, 1),
                      spans_zero ? "; it includes no change at all" : ""));
    } else {
      f.push_back("No interval for the change: " + p.note + ".");
    }
    std::string range;
    if (r.responder_class_lowest && r.responder_class_highest &&
        *r.responder_class_lowest != *r.responder_class_highest) {
      range = fmt::format(" (within the interval: {} to {})", analysis::ResponderClassName(*r.responder_class_lowest),
                          analysis::ResponderClassName(*r.responder_class_highest));
    }
    f.push_back(fmt::format("IMMPACT class: {}{} (Dworkin 2008). Farrar {}2-point drop: {} (Farrar 2001).",
                            analysis::ResponderClassName(*r.responder_class), range, kGe,
                            *r.farrar_two_point ? "yes" : "no"));
  } else {
    const int days_on = chart.last_day + 1;
    const int needed = o.fixed_weeks.empty() ? o.window_days : 7 * o.fixed_weeks.front();
    f.push_back(fmt::format(
        "The diary covers {} days since the first dose on {}. A first comparison needs {} days on one dose (a "
        "stable-dose window) or the diary reaching the end of week {} (day {}).",
        days_on, FormatDate(r.first_dose), o.window_days, needed / 7, needed - 1));
    f.push_back(
        fmt::format("Baseline pain {:.1f} ({}).", chart.baseline_mean, DateRange(r.baseline_first, r.baseline_last)));
  }
  if (r.time_to_response_days) {
    f.push_back(
        fmt::format("The 7-day mean pain fell to {}{}% below baseline on day {} ({}) and stayed there for "
                    "at least {} days.",
                    kGe, o.response_threshold_pct, *r.time_to_response_days,
                    FormatDate(AddDays(r.first_dose, *r.time_to_response_days)), o.response_sustain_days));
  } else if (r.primary_window) {
    f.push_back(fmt::format("The 7-day mean pain never stayed {}{}% below baseline for {} days.", kGe,
                            o.response_threshold_pct, o.response_sustain_days));
  }
  if (r.side_effects.empty()) {
    f.push_back("No side effects were reported.");
  } else {
    std::vector<std::string> open;
    std::string names;
    for (const auto& s : r.side_effects) {
      std::string name = s.name;
      std::replace(name.begin(), name.end(), '_', ' ');
      names += (names.empty() ? "" : ", ") + name;
      if (!s.settled) open.push_back(name);
    }
    std::string tail = open.empty() ? "all have settled" : fmt::format("not settled: {}", fmt::join(open, ", "));
    f.push_back(fmt::format("Side effects: {} ({}).", names, tail));
  }
  if (r.primary_window) {
    // Each direction named from the analysis' judgement (the interval and the item's direction).
    std::vector<std::string> better, worse;
    for (const ItemComparison& c : r.windows[*r.primary_window].items) {
      if (c.change_is == analysis::ChangeIs::kImprovement) better.push_back(ItemTitle(c.item));
      if (c.change_is == analysis::ChangeIs::kWorsening) worse.push_back(ItemTitle(c.item));
    }
    f.push_back(fmt::format("Items whose interval shows an improvement: {}. A worsening: {}.",
                            better.empty() ? "none" : fmt::format("{}", fmt::join(better, ", ")),
                            worse.empty() ? "none" : fmt::format("{}", fmt::join(worse, ", "))));
  }
  const analysis::Adherence& a = r.adherence;
  if (a.share_taken) {
    f.push_back(fmt::format("Doses: {:.0f}% of {} planned doses logged as taken; longest run without a dose {} days.",
                            100 * *a.share_taken, a.planned_doses, a.longest_gap_days));
  }
  if (!r.deviations.empty()) {
    f.push_back(
        fmt::format("Dose deviations: {} dose{} taken differed from the plan (listed under Doses taken); the "
                    "analysis uses the doses as taken.",
                    r.deviations.size(), r.deviations.size() == 1 ? "" : "s"));
  }
  (void)diary;
  return f;
}

void Headline(const AnalysisReport& r, ReportModel& m) {
  if (!r.primary_window) {
    m.headline = "Too early to judge: not enough diary days on LDN yet";
    m.verdict_tone = "too_early";
    return;
  }
  const std::string when = "in " + WindowPhrase(r.windows[*r.primary_window]);
  const double reduction = -*r.pain_change_pct;
  const std::string cls(analysis::ResponderClassName(*r.responder_class));
  if (reduction >= 30.0 - 1e-9) {
    m.headline = fmt::format("Pain {:.0f}% lower {} than before LDN: a {} change (IMMPACT)", reduction, when, cls);
    m.verdict_tone = "improved";
  } else if (reduction >= 10.0 - 1e-9) {
    m.headline = fmt::format("Pain {:.0f}% lower {} than before LDN: a minimal change (IMMPACT)", reduction, when);
    m.verdict_tone = "unclear";
  } else if (reduction >= 0) {
    m.headline =
        fmt::format("Pain about the same {} as before LDN ({:.0f}% lower): no meaningful change", when, reduction);
    m.verdict_tone = "not_improved";
  } else {
    m.headline = fmt::format("Pain {:.0f}% higher {} than before LDN: no improvement", -reduction, when);
    m.verdict_tone = "not_improved";
  }
}

std::vector<KeyFigure> KeyFigures(const AnalysisReport& r, const analysis::AnalysisOptions& o) {
  std::vector<KeyFigure> k;
  if (r.primary_window) {
    const EvaluationWindow& w = r.windows[*r.primary_window];
    const ItemComparison& p = w.Get(Item::kPain);
    k.push_back({"Pain change", FormatPercentChange(*p.pct_change),
                 fmt::format("{:.1f} {} {:.1f} ({})", *p.baseline_mean, kArrow, *p.window_mean, WindowTitle(w))});
    k.push_back({"Responder (IMMPACT)", Capitalize(std::string(analysis::ResponderClassName(*r.responder_class))),
                 fmt::format("Farrar {}2 points: {}", kGe, *r.farrar_two_point ? "yes" : "no")});
  } else {
    k.push_back({"Pain change", kEnDash, "no evaluation window yet"});
    k.push_back({"Responder (IMMPACT)", kEnDash, "not yet classifiable"});
  }
  const std::string ttr = r.time_to_response_days ? fmt::format("Day {}", *r.time_to_response_days)
                          : r.primary_window      ? "Not reached"
                                                  : "Not yet";
  k.push_back({"Time to response", ttr, fmt::format("7-day mean {}{}% below baseline", kGe, o.response_threshold_pct)});
  const analysis::Adherence& a = r.adherence;
  k.push_back({"Doses taken", a.share_taken ? fmt::format("{:.0f}%", 100 * *a.share_taken) : kEnDash,
               fmt::format("{} of {}; longest gap {}\u00a0d", a.taken, a.planned_doses, a.longest_gap_days)});
  const analysis::DiaryCompleteness& c = r.completeness;
  k.push_back({"Diary days", fmt::format("{} / {}", c.days_recorded, c.days_in_period),
               fmt::format("{} missing, none imputed", c.days_missing)});
  return k;
}

Table SideEffectTable(const Diary& diary, const AnalysisReport& r) {
  Table t;
  t.header = {"Side effect", "Onset", "Dose at onset", "Days reported", "Worst", "Settled"};
  t.numeric = {false, false, false, true, false, false};
  for (const analysis::SideEffectSummary& s : r.side_effects) {
    std::string dose = "before LDN";
    if (const analysis::CourseStep* step = diary.StepOn(s.onset); step != nullptr && s.onset_day >= 0) {
      dose = fmt::format("{} mg (step day {})", step->dose.FormatMg(), DaysBetween(step->start, s.onset) + 1);
    }
    t.rows.push_back({Pretty(s.name), fmt::format("{} (day {})", FormatDate(s.onset), FormatInteger(s.onset_day)), dose,
                      fmt::format("{} of {}", s.days_reported, s.duration_days), SeverityName(s.max_severity),
                      s.settled ? "yes" : "no, last " + FormatDate(s.last_reported)});
  }
  return t;
}

Table DoseResponseTable(const AnalysisReport& r) {
  Table t;
  t.header = {"Dose", "Window", "Days", "Pain rated", "Mean pain", "Change", "95% interval"};
  t.numeric = {false, false, false, true, true, true, true};
  for (const EvaluationWindow& w : r.windows) {
    if (w.kind != "stable_dose") continue;
    const ItemComparison& p = w.Get(Item::kPain);
    t.rows.push_back({DoseText(w.dose), WindowTitle(w),
                      DayRange(w.first_day, w.first_day + DaysBetween(w.first, w.last)), std::to_string(p.n_window),
                      p.window_mean ? Fixed(*p.window_mean, 1) : kEnDash,
                      p.change ? FormatSigned(*p.change, 1) : kEnDash, IntervalText(p)});
  }
  return t;
}

Table ItemSummaryTable(const AnalysisReport& r) {
  Table t;
  t.header = {"Item", "Higher is", "Baseline", "Window", "Change", "95% interval", "Change is"};
  t.numeric = {false, false, true, true, true, true, false};
  if (!r.primary_window) return t;
  const EvaluationWindow& w = r.windows[*r.primary_window];
  for (Item item : analysis::kAllItems) {
    const ItemComparison& c = w.Get(item);
    t.rows.push_back({ItemTitle(item), std::string(analysis::ItemHigherIs(item)),
                      c.baseline_mean ? Fixed(*c.baseline_mean, 1) : kEnDash,
                      c.window_mean ? Fixed(*c.window_mean, 1) : kEnDash,
                      c.change ? FormatSigned(*c.change, 1) : kEnDash, IntervalText(c), ChangeIsText(c)});
  }
  return t;
}

Table DeviationTable(const AnalysisReport& r) {
  Table t;
  t.header = {"Date", "Day", "Planned", "Taken"};
  t.numeric = {false, true, true, true};
  for (const analysis::DoseDeviation& d : r.deviations) {
    t.rows.push_back(
        {FormatDate(d.date), FormatInteger(d.day), d.planned.FormatMg() + " mg", d.taken.FormatMg() + " mg"});
  }
  return t;
}

Table AdherenceTable(const AnalysisReport& r) {
  const analysis::Adherence& a = r.adherence;
  auto share = [&](int n) {
    return a.planned_doses > 0 ? fmt::format("{} ({:.0f}%)", n, 100.0 * n / a.planned_doses) : std::to_string(n);
  };
  Table t;
  t.header = {"Doses", "Days"};
  t.numeric = {false, true};
  t.rows = {{"Planned (days on a dose above 0 mg)", std::to_string(a.planned_doses)},
            {"Logged as taken", share(a.taken)},
            {"Logged as not taken", share(a.logged_not_taken)},
            {"Not logged (counted as not taken)", share(a.not_logged)},
            {"Longest run without a taken dose", std::to_string(a.longest_gap_days)}};
  return t;
}

Table MissingTable(const AnalysisReport& r) {
  const analysis::DiaryCompleteness& c = r.completeness;
  Table t;
  t.header = {"Diary", "Days missing", "Share"};
  t.numeric = {false, true, true};
  auto pct = [&](int n) { return c.days_in_period > 0 ? fmt::format("{:.0f}%", 100.0 * n / c.days_in_period) : "0%"; };
  t.rows.push_back(
      {fmt::format("Whole entry ({} days, {} to {})", c.days_in_period, FormatDate(c.first), FormatDate(c.last)),
       std::to_string(c.days_missing), pct(c.days_missing)});
  for (int i = 0; i < analysis::kItemCount; ++i) {
    t.rows.push_back({ItemTitle(analysis::kAllItems[i]), std::to_string(c.item_missing[i]), pct(c.item_missing[i])});
  }
  return t;
}

Table RescueTable(const Diary& diary, const AnalysisReport& r) {
  Table t;
  t.header = {"Period", "Dates", "Diary days", "With rescue medication", "Share"};
  t.numeric = {false, false, true, true, true};
  auto row = [&](const std::string& name, LocalDate first, LocalDate last) {
    int days = 0, with = 0;
    for (const DiaryDay& d : diary.days) {
      if (d.date < first || d.date > last) continue;
      ++days;
      with += d.rescue_medication.empty() ? 0 : 1;
    }
    t.rows.push_back({name, DateRange(first, last), std::to_string(days), std::to_string(with),
                      days > 0 ? fmt::format("{:.0f}%", 100.0 * with / days) : kEnDash});
  };
  row("Baseline", r.baseline_first, r.baseline_last);
  for (const EvaluationWindow& w : r.windows) row(WindowTitle(w), w.first, w.last);
  return t;
}

ItemDetail MakeItemDetail(const AnalysisReport& r, Item item) {
  ItemDetail d;
  d.key = std::string(analysis::ItemName(item));
  d.title = ItemTitle(item);
  d.scale = ScaleText(item);
  d.table.header = {"Window", "Dates", "Days", "Dose", "Rated", "Mean", "Change", "% change", "95% interval"};
  d.table.numeric = {false, false, false, false, true, true, true, true, true};
  if (r.windows.empty()) {
    d.notes.push_back("No evaluation window yet.");
    return d;
  }
  const ItemComparison& first = r.windows.front().Get(item);
  d.table.rows.push_back({"Baseline", DateRange(r.baseline_first, r.baseline_last),
                          DayRange(DaysBetween(r.first_dose, r.baseline_first), -1), "none",
                          std::to_string(first.n_baseline),
                          first.baseline_mean ? Fixed(*first.baseline_mean, 1) : kEnDash, "", "", ""});
  for (const EvaluationWindow& w : r.windows) {
    const ItemComparison& c = w.Get(item);
    d.table.rows.push_back({WindowTitle(w), DateRange(w.first, w.last),
                            DayRange(w.first_day, w.first_day + DaysBetween(w.first, w.last)), DoseText(w.dose),
                            std::to_string(c.n_window), c.window_mean ? Fixed(*c.window_mean, 1) : kEnDash,
                            c.change ? FormatSigned(*c.change, 1) : kEnDash,
                            c.pct_change ? FormatPercentChange(*c.pct_change) : kEnDash, IntervalText(c)});
    if (!c.note.empty()) d.notes.push_back(WindowTitle(w) + ": " + c.note + ".");
  }
  return d;
}

// The direction rule in words, from data/diary_items.json.
std::string DirectionDefinition() {
  std::vector<std::string> worse, better;
  for (Item item : analysis::kAllItems) {
    (analysis::HigherIsBetter(item) ? better : worse).push_back(ItemTitle(item));
  }
  std::string s =
      "Change = window mean \u2212 baseline mean; % change = 100 \u00d7 change / baseline mean. Every item is "
      "rated 0\u201310 with its anchors from data/diary_items.json. ";
  if (!worse.empty()) s += fmt::format("Higher is worse ({}): a fall is an improvement. ", fmt::join(worse, ", "));
  if (!better.empty()) s += fmt::format("Higher is better ({}): a rise is an improvement. ", fmt::join(better, ", "));
  s += "\u2018Change is\u2019 says improvement or worsening only when the 95% interval excludes no change.";
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

ReportModel BuildReportModel(const Diary& diary, const AnalysisReport& r, const ReportModelOptions& options) {
  assert(!diary.days.empty() && !diary.steps.empty());
  const analysis::AnalysisOptions& o = options.analysis;
  ReportModel m;
  m.title = "LDN response report";
  m.patient_id = diary.patient_id;
  m.time_zone = diary.time_zone.name();
  const analysis::DiaryCompleteness& c = r.completeness;
  m.period = fmt::format("Diary {} to {}: {} days, {} with an entry", FormatDate(c.first), FormatDate(c.last),
                         c.days_in_period, c.days_recorded);
  m.first_dose = FormatDate(r.first_dose);
  m.generated_on = options.generated_on;

  m.chart = BuildChart(diary, r, o);
  Headline(r, m);
  m.findings = Findings(diary, r, o, m.chart);
  m.limits = r.verdict.limits;
  m.limits_sources =
      "Placebo responses: Younger et al., Arthritis Rheum 2013;65:529; Bruun et al. (FINAL), Lancet Rheumatol "
      "2024;6:e31\u2013e39; INNOVA, Rodr\u00edguez-Freire et al. (about 2025). N-of-1 trials: Kravitz & Duan "
      "(eds), AHRQ User\u2019s Guide 2014; CENT 2015, BMJ 350:h1738.";
  m.key_figures = KeyFigures(r, o);
  m.side_effects = SideEffectTable(diary, r);
  m.dose_response = DoseResponseTable(r);
  m.adherence = AdherenceTable(r);
  m.deviations = DeviationTable(r);
  m.item_summary = ItemSummaryTable(r);
  m.missing = MissingTable(r);
  m.rescue = RescueTable(diary, r);
  for (Item item : analysis::kAllItems) m.items.push_back(MakeItemDetail(r, item));
  for (const DiaryDay& d : diary.days) {
    if (d.note && !d.note->empty()) m.notes.push_back({FormatDate(d.date), DaysBetween(r.first_dose, d.date), *d.note});
  }

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
      fmt::format("Baseline: the {} days before the first dose ({}).", o.baseline_days,
                  DateRange(r.baseline_first, r.baseline_last)),
      fmt::format("Evaluation windows are {} days long: the windows ending at weeks {} after the first dose, and "
                  "consecutive {}-day blocks on an unchanged dose (stable-dose windows). The verdict reads the "
                  "latest week window with enough pain ratings ({} days), else the latest stable-dose window.",
                  o.window_days, fmt::join(o.fixed_weeks, " and "), o.window_days, o.min_window_days_with_data),
      DirectionDefinition(),
      "IMMPACT pain classes on the % reduction: below 10% none, 10\u201330% minimal, 30\u201350% moderate, 50% or "
      "more substantial (Dworkin et al., J Pain 2008;9:105). Farrar: a drop of 2 points or more on the 0\u201310 "
      "scale, which patients tend to call \u2018much improved\u2019 (Farrar et al., Pain 2001;94:149).",
      fmt::format("Time to response: the first day from which the trailing {}-day mean pain (on-treatment days, at "
                  "least {} rated) stays at least {}% below the baseline mean for {} days in a row.",
                  o.rolling_days, o.rolling_min_days, o.response_threshold_pct, o.response_sustain_days),
      "Adherence counts every day of a planned dose above 0 mg; a day without a log counts as not taken. Missing "
      "diary days are counted and never filled in.",
      fmt::format("A side effect has settled when it was not reported in the last {} days of the diary.",
                  o.side_effect_settled_days)};
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
