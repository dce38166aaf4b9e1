#include "clinical/titration/adjust.h"

#include <fmt/format.h>

#include "core/json_reader.h"
#include "core/text.h"

namespace ldn::clinical {
namespace {

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
      const LocalDate resume = AddDays(e.date, e.gap_days);
      const bool is_long = e.gap_days > rules.gap_step_down_days;
      if (is_long && !request.titration) {
        return Status::InvalidArgument("titration", fmt::format("required ('easy' or 'hard') for the {}-day gap of "
                                                                "{}: a gap over {} days is handled by how titration "
                                                                "went",
                                                                e.gap_days, e.date_field, rules.gap_step_down_days));
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
            fmt::format("titration was hard and the {}-day gap exceeds {} days", e.gap_days, rules.gap_step_down_days);
      } else {
        c.type = "resume";
        c.change = fmt::format("no doses {} to {}; resume on {} at the prior {}", FormatDate(e.date),
                               FormatDate(AddDays(resume, -1)), FormatDate(resume), Mg(restart));
        c.reason = is_long ? fmt::format("titration was easy (gap of {} days)", e.gap_days)
                           : fmt::format("the {}-day gap is within {} days", e.gap_days, rules.gap_step_down_days);
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
  return j;
}

std::string FormatAdjustedPlanText(const AdjustedPlan& adjusted) {
  std::string out = "Changes:\n";
  if (adjusted.changes.empty()) out += "  (no events)\n";
  for (const PlanChange& c : adjusted.changes) {
    out += fmt::format("  {}  {}: {} -- because {}.\n      Source: {}\n", FormatDate(c.date), c.type, c.change,
                       c.reason, c.source);
  }
  return out + "\n" + FormatPlanText(adjusted.plan);
}

}  // namespace ldn::clinical
