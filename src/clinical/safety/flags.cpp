#include "clinical/safety/flags.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "clinical/titration/protocols.h"

namespace ldn::clinical {
namespace {

constexpr size_t kQuoteChars = 240;

// A patient's words inside a clinician message: quoted, on one line, shortened.
std::string Quote(const std::string& text) {
  std::string s;
  for (char c : text) s.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
  if (s.size() > kQuoteChars) {
    size_t cut = kQuoteChars;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
    s = s.substr(0, cut) + "...";
  }
  return "\"" + s + "\"";
}

std::string Label(const RedFlagVocabulary& v, const std::string& id) {
  auto it = v.side_effect_labels.find(id);
  return it == v.side_effect_labels.end() ? id : it->second;
}

std::string SeverityWord(int severity) {
  return severity >= 3 ? "severe" : severity == 2 ? "moderate" : "mild";
}

std::string Rule(const InterlockRules& rules, std::string_view id) {
  auto it = rules.sources.find(id);
  return it == rules.sources.end() ? std::string() : it->second;
}

bool Started(const FlagCourse& c) {
  return !c.discarded && c.start &&
         (c.status == "active" || c.status == "paused" || c.status == "completed" || c.status == "stopped");
}

}  // namespace

std::string_view FlagLevelName(FlagLevel level) {
  return level == FlagLevel::kRed ? "red" : "amber";
}

const FlagCourse* CurrentCourse(const FlagRecord& record) {
  for (const char* status : {"active", "paused", "planned"}) {
    const FlagCourse* best = nullptr;
    for (const FlagCourse& c : record.courses) {
      if (!c.discarded && c.status == status && (best == nullptr || c.id > best->id)) best = &c;
    }
    if (best != nullptr) return best;
  }
  return nullptr;
}

std::vector<Flag> ComputeFlags(const FlagRecord& record, const InterlockRules& rules,
                               const RedFlagVocabulary& vocabulary) {
  std::vector<Flag> flags;
  auto add = [&](std::string code, FlagLevel level, std::string kind, std::string message, LocalDate since,
                 std::string source) {
    Flag f;
    f.acknowledged = record.acknowledged.count(code) != 0;
    f.code = std::move(code);
    f.level = level;
    f.kind = std::move(kind);
    f.message = std::move(message);
    f.since = since;
    f.source = std::move(source);
    flags.push_back(std::move(f));
  };
  const FlagCourse* current = CurrentCourse(record);

  // ---- Courses: the gate, as it was passed ----
  for (const FlagCourse& c : record.courses) {
    if (c.discarded) continue;
    const std::string id = std::to_string(c.id);
    // One flag per overridden check: a check overridden at creation and again at activation is one
    // occurrence (one code), whose message gives every date and reason.
    std::vector<std::pair<std::string, std::pair<LocalDate, std::string>>> by_check;
    for (const auto& [o, day] : c.overrides) {
      if (o.code == "start.before_earliest") continue;  // the red flag below says it, override or not
      const std::string& code = o.code;  // (clang 14 cannot capture a structured binding)
      auto it = std::find_if(by_check.begin(), by_check.end(), [&](const auto& e) { return e.first == code; });
      const std::string said = fmt::format("on {}. Reason: {}", FormatDate(day), Quote(o.reason));
      if (it == by_check.end()) {
        by_check.push_back({o.code, {day, said}});
      } else {
        it->second.second += " Again " + said;
      }
    }
    for (const auto& [check, first] : by_check) {
      const bool red = check == "screening.not_eligible";
      add(fmt::format("course.{}.override.{}", id, check), red ? FlagLevel::kRed : FlagLevel::kAmber, "course",
          fmt::format("Course #{}: the check {} was overridden {}", id, check, first.second), first.first,
          "the course gate (docs/safety.md, 'Gates')");
    }
    if (!Started(c)) continue;
    std::optional<LocalDate> earliest = c.gated_earliest_start;
    bool screened = c.gated;
    if (!c.gated) {
      const FlagScreening* before = nullptr;
      for (const FlagScreening& s : record.screenings) {
        if (s.date <= *c.start) before = &s;
      }
      if (before != nullptr) {
        screened = true;
        earliest = before->earliest_start;
      }
    }
    if (!screened) {
      add(fmt::format("course.{}.unscreened", id), FlagLevel::kAmber, "course",
          fmt::format("Course #{} started on {} with no screening recorded before it.", id, FormatDate(*c.start)),
          *c.start, Rule(rules, "screening_max_age_days"));
    }
    if (earliest && *c.start < *earliest) {
      std::string reason;
      for (const auto& [o, day] : c.overrides) {
        if (o.code == "start.before_earliest") reason = fmt::format(" Overridden: {}", Quote(o.reason));
      }
      add(fmt::format("course.{}.before_earliest_start", id), FlagLevel::kRed, "safety",
          fmt::format("Course #{} started on {}, before the earliest start the screening allowed ({}): the opioid "
                      "washout was not over.{}",
                      id, FormatDate(*c.start), FormatDate(*earliest), reason),
          *c.start,
          "naltrexone hydrochloride tablets USP, prescribing information (opioid-free 7-10 days before starting); "
          "docs/screening.md");
    }
  }

  // ---- A screening during the current course ----
  if (current != nullptr && Started(*current) && !record.screenings.empty()) {
    const FlagScreening& s = record.screenings.back();
    if (s.date >= *current->start && (s.verdict == Verdict::kNotEligible || s.verdict == Verdict::kReview)) {
      const bool red = s.verdict == Verdict::kNotEligible;
      add(fmt::format("screening.{}.{}", s.id, VerdictName(s.verdict)), red ? FlagLevel::kRed : FlagLevel::kAmber,
          "screening",
          fmt::format("Screening #{} of {} says {} while course #{} is {}. {}", s.id, FormatDate(s.date),
                      red ? "not eligible" : "review", current->id, current->status, s.summary),
          s.date, "the screening's findings (docs/screening.md)");
    }
  }

  // ---- Severe reports ----
  for (const FlagAdverseEvent& e : record.adverse_events) {
    ReportToAssess report;
    report.adverse_severity = e.severity;
    report.serious = e.serious;
    report.note = e.description;
    const SafetyAssessment a = AssessReport(report, vocabulary);
    if (a.level == RedFlagLevel::kNone) continue;
    std::string terms;
    for (const RedFlagMatch& m : a.matches) terms += (terms.empty() ? "" : ", ") + m.label;
    std::string what = e.severity;
    std::replace(what.begin(), what.end(), '_', '-');
    add(fmt::format("ae.{}", e.id), FlagLevel::kRed, "safety",
        fmt::format("Adverse event from {} ({}{}): {}{}", FormatDate(e.onset), what, e.serious ? ", serious" : "",
                    Quote(e.description), terms.empty() ? "" : fmt::format(". Mentions {}.", terms)),
        e.onset, "docs/safety.md; data/red_flags.json " + vocabulary.version);
  }
  struct SevereRun {
    size_t flag = std::string::npos;  // index in `flags` of the run's flag
    LocalDate last{};
    int days = 0;
  };
  std::map<std::string, SevereRun> severe_runs;
  std::vector<FlagDiaryDay> diary = record.diary;
  std::sort(diary.begin(), diary.end(), [](const FlagDiaryDay& a, const FlagDiaryDay& b) { return a.date < b.date; });
  for (const FlagDiaryDay& d : diary) {
    ReportToAssess report;
    report.side_effects = d.side_effects;
    report.note = d.note;
    const SafetyAssessment a = AssessReport(report, vocabulary);
    if (a.level == RedFlagLevel::kNone) continue;
    std::string day_effects;
    for (const auto& [name, severity] : d.side_effects) {
      day_effects +=
          fmt::format("{}{} ({})", day_effects.empty() ? "" : ", ", Label(vocabulary, name), SeverityWord(severity));
    }
    const std::string note = d.note.empty() ? "" : fmt::format(" Note: {}.", Quote(d.note));
    const std::string day = FormatDate(d.date);
    for (const std::string& name : a.severe_side_effects) {
      // One occurrence is a run of consecutive days with this side effect rated severe: the flag
      // is named by the run's first day and says how long it has lasted.
      auto& run = severe_runs[name];
      if (run.flag != std::string::npos && run.last == AddDays(d.date, -1)) {
        Flag& f = flags[run.flag];
        run.last = d.date;
        ++run.days;
        f.message = fmt::format(
            "Severe side effect: {}, rated severe on {} days in a row, from {} to {}. Side "
            "effects on the last day: {}.{}",
            Label(vocabulary, name), run.days, FormatDate(f.since), day, day_effects, note);
        continue;
      }
      run = {flags.size(), d.date, 1};
      add(fmt::format("diary.{}.severe.{}", day, name), FlagLevel::kRed, "safety",
          fmt::format("Severe side effect on {}: {}. Side effects that day: {}.{}", day, Label(vocabulary, name),
                      day_effects, note),
          d.date, "data/side_effects.json severity scale; docs/safety.md");
    }
    for (const RedFlagMatch& m : a.matches) {
      add(fmt::format("diary.{}.note.{}", day, m.id), FlagLevel::kRed, "safety",
          fmt::format("Diary note of {} mentions {} ({}): {}.{}", day, m.label,
                      m.level == RedFlagLevel::kEmergency ? "an emergency sign" : "contact the patient today",
                      Quote(d.note),
                      day_effects.empty() ? "" : fmt::format(" Side effects that day: {}.", day_effects)),
          d.date, m.source);
    }
  }

  // ---- Off-plan doses ----
  for (const FlagDose& d : record.doses) {
    if (!d.taken) continue;
    const FlagCourse* course = nullptr;
    for (const FlagCourse& c : record.courses) {
      if (d.course_id ? c.id == *d.course_id : (&c == current)) course = &c;
    }
    if (course != nullptr && course->discarded) continue;
    DoseCheckInput in;
    in.date = d.date;
    in.dose = d.dose;
    if (course != nullptr && !course->plan.steps.empty()) in.plan = course->plan;
    in.off_plan_reason = d.off_plan_reason;
    // The ceiling only decides between "refused" and "off plan"; either way the dose is flagged.
    const auto& titration = LoadTitrationKnowledge();
    const Dose ceiling = titration.ok() ? titration->rules.low_dose_ceiling : Dose::FromMicrogramsHcl(0);
    const DoseCheckResult r = CheckLoggedDose(in, rules, ceiling);
    if (r.outcome == DoseCheckOutcome::kOnPlan) continue;
    const std::string planned = r.planned ? fmt::format("the plan says {} mg", r.planned->FormatMg())
                                          : std::string("no dose is planned that day");
    add(fmt::format("dose.{}.off_plan", d.id), FlagLevel::kRed, "dose",
        fmt::format("Dose of {}: {} mg logged, {}. {}", FormatDate(d.date), d.dose.FormatMg(), planned,
                    d.off_plan_reason ? fmt::format("The patient confirmed it: {}.", Quote(*d.off_plan_reason))
                                      : std::string("No reason recorded.")),
        d.date, Rule(rules, "off_plan_refuse_factor"));
  }

  // ---- Side effects, response ----
  if (record.analysis) {
    for (const auto& [name, onset] : record.analysis->unsettled_side_effects) {
      add(fmt::format("side_effect.{}.{}", name, FormatDate(onset)), FlagLevel::kAmber, "side_effect",
          fmt::format("Side effect not settled: {} (since {}).", Label(vocabulary, name), FormatDate(onset)), onset,
          "LDN Research Trust: halve the dose and re-titrate when side effects do not settle within a few days "
          "(clinical-facts.md section 1; docs/titration.md)");
    }
  }
  if (current != nullptr && current->status == "active" && current->start &&
      DaysBetween(*current->start, record.today) >= rules.week_12_days) {
    const std::string id = std::to_string(current->id);
    const LocalDate since = AddDays(*current->start, rules.week_12_days);
    if (!record.analysis || !record.analysis->available) {
      add(fmt::format("course.{}.week_12", id), FlagLevel::kAmber, "response",
          fmt::format("Week 12 of course #{} has passed and no analysis is possible{}.", id,
                      record.analysis && !record.analysis->unavailable_reason.empty()
                          ? ": " + record.analysis->unavailable_reason
                          : ""),
          since, Rule(rules, "week_12_days"));
    } else if (!record.analysis->pain_change_pct || *record.analysis->pain_change_pct > -rules.response_threshold_pct) {
      add(fmt::format("course.{}.week_12", id), FlagLevel::kAmber, "response",
          record.analysis->pain_change_pct
              ? fmt::format("No {}% fall in pain by week 12 of course #{} (pain {:+.0f}%).",
                            rules.response_threshold_pct, id, *record.analysis->pain_change_pct)
              : fmt::format("No pain change can be computed at week 12 of course #{}.", id),
          since, Rule(rules, "response_threshold_pct"));
    }
  }

  // ---- The baseline and the diary ----
  if (current != nullptr && current->status == "planned" && current->start) {
    const LocalDate baseline_from = AddDays(*current->start, -rules.baseline_diary_days);
    bool fiqr = false;
    for (const LocalDate& d : record.fiqr_dates) {
      fiqr = fiqr || (d <= *current->start && d >= AddDays(*current->start, -rules.baseline_fiqr_window_days));
    }
    if (record.today >= baseline_from && !fiqr) {
      add(fmt::format("course.{}.baseline_fiqr", current->id), FlagLevel::kAmber, "course",
          fmt::format("Baseline under way for course #{} (first dose {}): no baseline FIQR yet.", current->id,
                      FormatDate(*current->start)),
          baseline_from, Rule(rules, "baseline_fiqr_window_days"));
    }
  }
  const bool diary_expected =
      current != nullptr && (current->status == "active" || current->status == "paused" ||
                             (current->status == "planned" && current->start &&
                              record.today > AddDays(*current->start, -rules.baseline_diary_days)));
  if (diary_expected) {
    std::set<LocalDate> dates;
    for (const FlagDiaryDay& d : record.diary) dates.insert(d.date);
    // The run of missing days ending yesterday, not reaching back before the diary was expected.
    const LocalDate expected_from =
        AddDays(current->start ? *current->start : record.today, -rules.baseline_diary_days);
    int missing = 0;
    for (int i = 1; i <= 60; ++i) {
      const LocalDate day = AddDays(record.today, -i);
      if (day < expected_from || dates.count(day) != 0) break;
      ++missing;
    }
    if (missing >= rules.missing_diary_days) {
      const LocalDate first = AddDays(record.today, -missing);
      add(fmt::format("diary.missing.{}", FormatDate(first)), FlagLevel::kAmber, "diary",
          fmt::format("Diary missing for {} days (since {}).", missing, FormatDate(first)), first,
          Rule(rules, "missing_diary_days"));
    }
  }

  std::stable_sort(flags.begin(), flags.end(), [](const Flag& a, const Flag& b) {
    if (a.level != b.level) return a.level == FlagLevel::kRed;
    if (a.since != b.since) return a.since > b.since;
    return a.code < b.code;
  });
  return flags;
}

nlohmann::json FlagToJson(const Flag& f) {
  return {{"code", f.code},       {"level", FlagLevelName(f.level)}, {"kind", f.kind},
          {"message", f.message}, {"since", FormatDate(f.since)},    {"acknowledged", f.acknowledged},
          {"source", f.source}};
}

}  // namespace ldn::clinical
