#include "clinical/titration/adjust.h"

#include <set>

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/text.h"

namespace ldn::clinical {
namespace {

// Restarting naltrexone after opioids: the same rule as starting it (issue 11, Deliver 6).
constexpr char kGapOpioidSource[] =
    "Naltrexone labels: opioid-free for a minimum of 7-10 days before starting, up to two weeks after methadone or "
    "buprenorphine (Revia PI, Dosage and Administration; Vivitrol PI §5.3); naltrexone precipitates withdrawal in "
    "opioid-dependent patients; re-check opioid exposure before each period (clinical-facts.md §5, §6) -- the "
    "washout is computed by a new screening (docs/screening.md)";

constexpr char kSleepSource[] =
    "Common advice (patient, blog and Q&A sources only; no trial compares timing; clinical-facts.md section 1)";

Result<std::optional<Dose>> OptionalMg(JsonObject& o, std::string_view key) {
  LDN_ASSIGN_OR_RETURN(std::optional<double> mg, o.OptionalNumber(key, -1e6, 1e6));
  if (!mg) return std::optional<Dose>();
  LDN_ASSIGN_OR_RETURN(Dose d, Dose::FromMilligramsHcl(*mg, o.PathOf(key)));
  return std::optional<Dose>(d);
}

Result<PlanRequest> ReadPlanRequest(JsonObject& o) {
  PlanRequest r;
  LDN_ASSIGN_OR_RETURN(r.protocol, o.String("protocol"));
  LDN_ASSIGN_OR_RETURN(r.start, o.Date("start"));
  LDN_ASSIGN_OR_RETURN(r.target, OptionalMg(o, "target_mg"));
  LDN_ASSIGN_OR_RETURN(r.max, OptionalMg(o, "max_mg"));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> time, o.OptionalString("time"));
  if (time) {
    LDN_ASSIGN_OR_RETURN(r.time, ParseDoseTime(*time, o.PathOf("time")));
  }
  LDN_ASSIGN_OR_RETURN(r.liquid_per_ml, OptionalMg(o, "liquid_mg_per_ml"));
  LDN_ASSIGN_OR_RETURN(std::optional<int64_t> days, o.OptionalInteger("step_days", 1, 365));
  if (days) r.step_days = static_cast<int>(*days);
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return r;
}

Result<PlanEvent> ReadEvent(JsonObject& o) {
  PlanEvent e;
  LDN_ASSIGN_OR_RETURN(std::string type, o.String("type"));
  if (type == "side_effects" || type == "sleep_side_effects") {
    e.type = type == "side_effects" ? PlanEvent::Type::kSideEffects : PlanEvent::Type::kSleepSideEffects;
    LDN_ASSIGN_OR_RETURN(e.date, o.Date("date"));
    e.date_field = o.PathOf("date");
    LDN_ASSIGN_OR_RETURN(e.name, o.String("name"));
    if (e.name.empty()) return Status::InvalidArgument(o.PathOf("name"), "must not be empty");
    LDN_RETURN_IF_ERROR(CheckLine(e.name, o.PathOf("name"), kMaxNameChars));
    if (e.type == PlanEvent::Type::kSleepSideEffects && e.name != "vivid_dreams" && e.name != "insomnia") {
      return Status::InvalidArgument(o.PathOf("name"),
                                     fmt::format("expected 'vivid_dreams' or 'insomnia', got '{}'", e.name));
    }
    LDN_ASSIGN_OR_RETURN(int64_t n, o.Integer("days_unsettled", 0, 365));
    e.days_unsettled = static_cast<int>(n);
  } else if (type == "gap") {
    e.type = PlanEvent::Type::kGap;
    LDN_ASSIGN_OR_RETURN(e.date, o.Date("from"));
    e.date_field = o.PathOf("from");
    LDN_ASSIGN_OR_RETURN(int64_t n, o.Integer("days", 1, 3650));
    e.gap_days = static_cast<int>(n);
    LDN_ASSIGN_OR_RETURN(e.opioids_taken, o.OptionalBool("opioids_taken"));
    std::optional<JsonObject> rescreen;
    if (o.HasNonNull("rescreen")) {
      LDN_ASSIGN_OR_RETURN(JsonObject r, o.Object("rescreen"));
      rescreen = std::move(r);
    } else {
      o.Consume("rescreen");
    }
    if (rescreen) {
      if (e.opioids_taken != true) {
        return Status::InvalidArgument(o.PathOf("rescreen"), "applies only with \"opioids_taken\": true");
      }
      PlanEvent::Rescreen r;
      LDN_ASSIGN_OR_RETURN(r.verdict, rescreen->String("verdict"));
      if (r.verdict != "eligible" && r.verdict != "wait" && r.verdict != "review" && r.verdict != "not_eligible") {
        return Status::InvalidArgument(
            rescreen->PathOf("verdict"),
            fmt::format("expected eligible, wait, review or not_eligible, got '{}'", r.verdict));
      }
      LDN_ASSIGN_OR_RETURN(r.earliest_start, rescreen->OptionalDate("earliest_start"));
      if ((r.verdict == "eligible" || r.verdict == "wait") && !r.earliest_start) {
        return Status::InvalidArgument(rescreen->PathOf("earliest_start"),
                                       "is required when the verdict allows a start (eligible or wait)");
      }
      LDN_RETURN_IF_ERROR(rescreen->RejectUnknownKeys());
      e.rescreen = std::move(r);
    }
  } else {
    return Status::InvalidArgument(o.PathOf("type"), fmt::format("unknown event type '{}'; valid: side_effects, "
                                                                 "sleep_side_effects, gap",
                                                                 type));
  }
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return e;
}

// Index of the step taken on `day`, or -1 when none is (before the start, or inside a gap).
int StepAt(const std::vector<PlanStep>& steps, LocalDate day) {
  for (size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].start <= day && (!steps[i].end || day <= *steps[i].end)) return static_cast<int>(i);
  }
  return -1;
}

// Keeps the steps before `day`: steps [0, j) whole and step j cut to end the day before.
void KeepBefore(std::vector<PlanStep>& steps, int j, LocalDate day) {
  const bool keep_j = steps[j].start < day;
  steps.resize(keep_j ? j + 1 : j);
  if (keep_j) steps.back().end = AddDays(day, -1);
}

std::string Mg(Dose d) {
  return d.FormatMg() + " mg";
}

Dose Half(Dose d) {
  return Dose::FromMicrogramsHcl(std::max<int64_t>(1, d.micrograms_hcl() / 2));
}

}  // namespace

Result<AdjustmentRequest> ReadAdjustmentRequest(std::string_view text) {
  LDN_ASSIGN_OR_RETURN(nlohmann::json doc, ParseJson(text));
  LDN_ASSIGN_OR_RETURN(JsonObject top, JsonObject::Of(doc, ""));
  AdjustmentRequest r;
  LDN_ASSIGN_OR_RETURN(JsonObject plan, top.Object("plan"));
  LDN_ASSIGN_OR_RETURN(r.plan, ReadPlanRequest(plan));
  LDN_ASSIGN_OR_RETURN(std::optional<std::string> ease, top.OptionalString("titration"));
  if (ease) {
    if (*ease == "easy") {
      r.titration = TitrationEase::kEasy;
    } else if (*ease == "hard") {
      r.titration = TitrationEase::kHard;
    } else {
      return Status::InvalidArgument("titration", fmt::format("expected 'easy' or 'hard', got '{}'", *ease));
    }
  }
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* events, top.Array("events", kMaxPlanEvents));
  LDN_RETURN_IF_ERROR(top.RejectUnknownKeys());
  for (size_t i = 0; i < events->size(); ++i) {
    LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of((*events)[i], IndexPath("events", i)));
    LDN_ASSIGN_OR_RETURN(PlanEvent e, ReadEvent(o));
    if (!r.events.empty() && e.date < r.events.back().date) {
      return Status::InvalidArgument(e.date_field, fmt::format("{} is before the previous event ({}); list events in "
                                                               "date order",
                                                               FormatDate(e.date), FormatDate(r.events.back().date)));
    }
    r.events.push_back(std::move(e));
  }
  return r;
}

Result<AdjustedPlan> AdjustPlan(const AdjustmentRequest& request) {
  const Result<TitrationKnowledge>& k = LoadTitrationKnowledge();
  if (!k.ok()) return k.status();
  const TitrationRules& rules = k->rules;
  PlanFieldNames names;
  names.protocol = "plan.protocol";
  names.start = "plan.start";
  names.target = "plan.target_mg";
  names.max = "plan.max_mg";
  names.time = "plan.time";
  names.liquid = "plan.liquid_mg_per_ml";
  names.step_days = "plan.step_days";
  AdjustedPlan out;
  LDN_ASSIGN_OR_RETURN(out.plan, BuildPlan(*k, request.plan, names));
  Plan& plan = out.plan;
  std::vector<PlanStep>& steps = plan.steps;
  const Dose inc = plan.protocol.increment;
  const int n = plan.step_days;
  const std::string settle_rule =
      fmt::format("threshold {} days: {}", rules.side_effect_settle_days, rules.settle_source);

  for (const PlanEvent& e : request.events) {
    const int j = StepAt(steps, e.date);
    if (j < 0) {
      const bool before = e.date < steps.front().start;
      return Status::InvalidArgument(e.date_field,
                                     fmt::format("{} is {}: no dose is scheduled that day", FormatDate(e.date),
                                                 before ? "before the plan starts" : "inside a gap"));
    }
    const PlanStep current = steps[j];
    PlanChange c;
    c.date = e.date;
    const bool unsettled = e.days_unsettled >= rules.side_effect_settle_days;
    bool halve = false;
    if (e.type == PlanEvent::Type::kSideEffects) {
      if (unsettled) {
        halve = true;
        c.reason = fmt::format("{} has not settled after {} days", e.name, e.days_unsettled);
      } else {
        c.type = "none";
        c.change = "no change";
        c.reason = fmt::format("{} for {} days is below the {}-day settle threshold; re-assess if it persists", e.name,
                               e.days_unsettled, rules.side_effect_settle_days);
      }
      c.source = rules.settle_source;
    } else if (e.type == PlanEvent::Type::kSleepSideEffects) {
      if (!unsettled) {
        c.type = "none";
        c.change = "no change";
        c.reason = fmt::format(
            "{} for {} days is below the {}-day threshold; sleep effects are described as "
            "transient (days to about 2 weeks)",
            e.name, e.days_unsettled, rules.side_effect_settle_days);
        c.source = rules.settle_source;
      } else if (current.time == DoseTime::kBedtime) {
        std::vector<PlanStep> rest(steps.begin() + j, steps.end());
        rest.front().start = e.date;
        for (PlanStep& s : rest) s.time = DoseTime::kMorning;
        KeepBefore(steps, j, e.date);
        steps.insert(steps.end(), rest.begin(), rest.end());
        c.type = "move_to_morning";
        c.change = fmt::format("dose moved from bedtime to morning at the same {}", Mg(current.dose));
        c.reason = fmt::format(
            "{} unsettled for {} days while dosing at bedtime; morning dosing is tried first "
            "(weak source: no trial compares timing)",
            e.name, e.days_unsettled);
        c.source = kSleepSource;
      } else {
        halve = true;
        c.reason = fmt::format(
            "{} unsettled for {} days although already dosing in the morning; treated as "
            "unsettled side effects",
            e.name, e.days_unsettled);
        c.source = rules.settle_source;
      }
    } else {  // gap
      LocalDate resume = AddDays(e.date, e.gap_days);
      const std::string subject = e.date_field.substr(0, e.date_field.rfind('.'));
      if (e.opioids_taken == true) {
        const bool allowed = e.rescreen && (e.rescreen->verdict == "eligible" || e.rescreen->verdict == "wait");
        if (!allowed) {
          // Hold: no doses from the gap on; the plan restarts only after a new screening.
          if (j == 0 && steps[0].start >= e.date) {
            return Status::InvalidArgument(
                e.date_field, fmt::format("{}: opioids were taken during a gap that starts on the plan's first day, so "
                                          "no dose of this plan remains: screen again and plan a new course",
                                          FormatDate(e.date)));
          }
          KeepBefore(steps, j, e.date);
          c.type = "hold";
          c.change = fmt::format("no doses from {}: LDN is not resumed", FormatDate(e.date));
          c.reason = e.rescreen ? fmt::format(
                                      "opioids were taken during the {}-day gap and the new screening says "
                                      "'{}'",
                                      e.gap_days, e.rescreen->verdict)
                                : fmt::format("opioids were taken during the {}-day gap and there is no new screening",
                                              e.gap_days);
          c.source = kGapOpioidSource;
          out.findings.push_back(PlanFinding{
              e.rescreen ? "gap.rescreen_not_eligible" : "gap.opioids_need_screen",
              e.rescreen && e.rescreen->verdict == "not_eligible" ? "not_eligible" : "review", subject,
              e.rescreen ? fmt::format("Opioids were taken during the gap from {} and the new screening's verdict is "
                                       "'{}': LDN stays stopped until the clinician clears it.",
                                       FormatDate(e.date), e.rescreen->verdict)
                         : fmt::format("Opioids were taken during the gap from {}: do not resume LDN. Naltrexone "
                                       "would precipitate withdrawal; run a new screening (it computes the washout "
                                       "from the last opioid dose) and adjust the plan again with its result.",
                                       FormatDate(e.date)),
              kGapOpioidSource});
          out.changes.push_back(std::move(c));
          continue;
        }
        if (*e.rescreen->earliest_start > resume) resume = *e.rescreen->earliest_start;
        out.findings.push_back(PlanFinding{
            "gap.rescreened", "info", subject,
            fmt::format("Opioids were taken during the gap from {}; the new screening ('{}') allows a start from {}: "
                        "LDN resumes on {}.",
                        FormatDate(e.date), e.rescreen->verdict, FormatDate(*e.rescreen->earliest_start),
                        FormatDate(resume)),
            kGapOpioidSource});
      } else if (!e.opioids_taken) {
        out.findings.push_back(PlanFinding{
            "gap.ask_opioids", "info", subject,
            fmt::format("The gap from {} does not say whether opioids were taken: ask before resuming. If any were, "
                        "do not resume: screen again and adjust with \"opioids_taken\": true.",
                        FormatDate(e.date)),
            kGapOpioidSource});
      }
      const int gap_days = DaysBetween(e.date, resume);
      const bool is_long = gap_days > rules.gap_step_down_days;
      if (is_long && !request.titration) {
        return Status::InvalidArgument("titration", fmt::format("required ('easy' or 'hard') for the {}-day gap of "
                                                                "{}: a gap over {} days is handled by how titration "
                                                                "went",
                                                                gap_days, e.date_field, rules.gap_step_down_days));
      }
      const bool step_down = is_long && request.titration == TitrationEase::kHard;
      const Dose restart = step_down ? Half(current.dose) : current.dose;
      KeepBefore(steps, j, e.date);
      std::vector<PlanStep> rest = Climb(resume, restart, inc, n, plan.target, current.time);
      steps.insert(steps.end(), rest.begin(), rest.end());
      c.date = e.date;
      c.source = rules.gap_source;
      if (step_down) {
        c.type = "step_down";
        c.change = fmt::format("no doses {} to {}; restart on {} at {} (half the prior {}) and re-titrate to {}",
                               FormatDate(e.date), FormatDate(AddDays(resume, -1)), FormatDate(resume), Mg(restart),
                               Mg(current.dose), Mg(plan.target));
        c.reason =
            fmt::format("titration was hard and the {}-day gap exceeds {} days", gap_days, rules.gap_step_down_days);
      } else {
        c.type = "resume";
        c.change = fmt::format("no doses {} to {}; resume on {} at the prior {}", FormatDate(e.date),
                               FormatDate(AddDays(resume, -1)), FormatDate(resume), Mg(restart));
        c.reason = is_long ? fmt::format("titration was easy (gap of {} days)", gap_days)
                           : fmt::format("the {}-day gap is within {} days", gap_days, rules.gap_step_down_days);
      }
    }
    if (halve) {
      const Dose half = Half(current.dose);
      KeepBefore(steps, j, e.date);
      std::vector<PlanStep> rest = Climb(e.date, half, inc, n, plan.target, current.time);
      steps.insert(steps.end(), rest.begin(), rest.end());
      c.type = "halve_dose";
      c.change = fmt::format("dose halved from {} to {}, then +{} every {} days back to {}", Mg(current.dose), Mg(half),
                             Mg(inc), n, Mg(plan.target));
      c.source = fmt::format("{} ({})", rules.settle_source, settle_rule);
    }
    out.changes.push_back(std::move(c));
  }
  FinishPlan(rules, plan);
  // What changed, for the patient, before the rest (the reasons and sources stay in out.changes).
  std::vector<Message> changed;
  std::set<std::string> types;
  for (const auto& c : out.changes) types.insert(c.type);
  if (types.contains("hold")) {
    changed.push_back(
        {"Your doses are stopped for now: do not take LDN until your clinician tells you to "
         "start again."});
  }
  if (types.contains("halve_dose")) {
    changed.push_back(
        {"Because of side effects, your dose was lowered and climbs back slowly to {dose} mg. If the side effects "
         "come back, tell your clinician.",
         {{"dose", plan.target.milligrams_hcl()}}});
  }
  if (types.contains("step_down")) {
    changed.push_back(
        {"After the break in your doses, you start again at a lower dose and climb back "
         "slowly to {dose} mg.",
         {{"dose", plan.target.milligrams_hcl()}}});
  }
  if (types.contains("resume")) {
    changed.push_back({"After the break in your doses, you start again at the dose you took before."});
  }
  // Stopped, the rest (the climb, when to judge it) no longer applies.
  if (types.contains("hold")) plan.for_patient.clear();
  plan.for_patient.insert(plan.for_patient.begin(), changed.begin(), changed.end());
  if (!out.changes.empty()) {
    plan.notes.push_back(
        "Re-titration climbs back to the original target; if the side effects return at a dose, "
        "consider a lower target.");
  }
  return out;
}

nlohmann::json AdjustedPlanToJson(const AdjustedPlan& adjusted) {
  nlohmann::json j = PlanToJson(adjusted.plan);
  nlohmann::json changes = nlohmann::json::array();
  for (const PlanChange& c : adjusted.changes) {
    changes.push_back({{"date", FormatDate(c.date)},
                       {"type", c.type},
                       {"change", c.change},
                       {"reason", c.reason},
                       {"source", c.source}});
  }
  j["changes"] = std::move(changes);
  nlohmann::json findings = nlohmann::json::array();
  for (const PlanFinding& f : adjusted.findings) {
    findings.push_back({{"rule", f.rule},
                        {"severity", f.severity},
                        {"subject", f.subject},
                        {"message", f.message},
                        {"source", f.source}});
  }
  j["findings"] = std::move(findings);
  return j;
}

std::string FormatAdjustedPlanText(const AdjustedPlan& adjusted) {
  std::string out;
  if (!adjusted.findings.empty()) {
    out += "Findings:\n";
    for (const PlanFinding& f : adjusted.findings) {
      out += fmt::format("  [{}] {} ({}): {}\n      Source: {}\n", f.severity, f.rule, f.subject, f.message, f.source);
    }
    out += "\n";
  }
  out += "Changes:\n";
  if (adjusted.changes.empty()) out += "  (no events)\n";
  for (const PlanChange& c : adjusted.changes) {
    out += fmt::format("  {}  {}: {} -- because {}.\n      Source: {}\n", FormatDate(c.date), c.type, c.change,
                       c.reason, c.source);
  }
  return out + "\n" + FormatPlanText(adjusted.plan);
}

}  // namespace ldn::clinical
