#include "server/plan_notice.h"

#include <fmt/format.h>

#include "server/order_signing.h"

namespace ldn::server {
namespace {

struct DayPlan {
  int64_t ug = 0;  // 0 = nothing planned that day
  std::string time;
  bool operator==(const DayPlan&) const = default;
};

// The plan of one day. A step's end is its last day (course_plans.h).
DayPlan On(const PlanSnapshot& s, LocalDate day) {
  for (const pharmacy::OrderStep& step : s.steps) {
    if (step.start <= day && (!step.end || day <= *step.end)) {
      return {step.dose.micrograms_hcl(), step.dose.micrograms_hcl() > 0 ? step.time : ""};
    }
  }
  return {};
}

std::string Mg(int64_t ug) {
  return Dose::FromMicrogramsHcl(ug).FormatMg() + " mg";
}

std::string Span(LocalDate from, const std::optional<LocalDate>& to) {
  if (!to) return "from " + FormatDate(from);
  if (*to == from) return "on " + FormatDate(from);
  return fmt::format("from {} to {}", FormatDate(from), FormatDate(*to));
}

}  // namespace

nlohmann::json PlanSnapshot::ToJson() const {
  nlohmann::json out = nlohmann::json::array();
  for (const pharmacy::OrderStep& s : steps) {
    out.push_back({{"start", FormatDate(s.start)},
                   {"end", s.end ? nlohmann::json(FormatDate(*s.end)) : nlohmann::json()},
                   {"dose_ug", s.dose.micrograms_hcl()},
                   {"time", s.time}});
  }
  return {{"course_id", course_id}, {"status", status}, {"steps", std::move(out)}};
}

Result<PlanSnapshot> PlanSnapshot::FromJson(const nlohmann::json& j) {
  auto bad = [](const std::string& what) { return Status::Internal("stored plan snapshot: " + what); };
  if (!j.is_object() || !j.contains("course_id") || !j["course_id"].is_number_integer() || !j.contains("status") ||
      !j["status"].is_string() || !j.contains("steps") || !j["steps"].is_array()) {
    return bad("not {course_id, status, steps}");
  }
  PlanSnapshot s;
  s.course_id = j["course_id"].get<int64_t>();
  s.status = j["status"].get<std::string>();
  for (const auto& st : j["steps"]) {
    if (!st.is_object() || !st.contains("start") || !st["start"].is_string() || !st.contains("dose_ug") ||
        !st["dose_ug"].is_number_integer() || !st.contains("time") || !st["time"].is_string()) {
      return bad("a malformed step");
    }
    pharmacy::OrderStep step;
    auto start = ParseDate(st["start"].get<std::string>(), "start");
    if (!start.ok()) return bad("a step's start");
    step.start = *start;
    if (st.contains("end") && st["end"].is_string()) {
      auto end = ParseDate(st["end"].get<std::string>(), "end");
      if (!end.ok()) return bad("a step's end");
      step.end = *end;
    }
    step.dose = Dose::FromMicrogramsHcl(st["dose_ug"].get<int64_t>());
    step.time = st["time"].get<std::string>();
    s.steps.push_back(std::move(step));
  }
  return s;
}

std::string PlanSnapshot::Id() const {
  return Sha256Hex(ToJson().dump());
}

nlohmann::json PlanChange::ToJson() const {
  nlohmann::json j = {{"kind", kind}, {"text", text}};
  if (from) j["from"] = FormatDate(*from);
  if (to) j["to"] = FormatDate(*to);
  if (was_ug) j["was_ug"] = *was_ug;
  if (now_ug) j["now_ug"] = *now_ug;
  if (!was.empty()) j["was"] = was;
  if (!now.empty()) j["now"] = now;
  return j;
}

std::vector<PlanChange> DiffPlans(const PlanSnapshot& acknowledged, const PlanSnapshot& current, LocalDate today) {
  std::vector<PlanChange> out;
  if (current.course_id != acknowledged.course_id && current.course_id != 0) {
    PlanChange c;
    c.kind = "new_course";
    c.now = current.status;
    if (!current.steps.empty()) c.from = current.steps.front().start;
    c.text = c.from ? "A new treatment plan, starting " + FormatDate(*c.from) + "." : "A new treatment plan.";
    out.push_back(std::move(c));
  } else if (current.status != acknowledged.status &&
             !(acknowledged.status == "planned" && current.status == "active")) {
    // A planned course becoming active is the plan being followed, not news.
    PlanChange c;
    c.kind = "status";
    c.was = acknowledged.status;
    c.now = current.status;
    c.text = current.course_id == 0 ? "Your treatment plan has ended."
                                    : fmt::format("Your treatment is now {} (it was {}).", current.status,
                                                  acknowledged.status.empty() ? "not set" : acknowledged.status);
    out.push_back(std::move(c));
  }
  // Runs of days, from today, where what to take differs. A paused course is not followed: its
  // steps are not news until it resumes (the status change says it).
  const bool ack_followed = acknowledged.status != "paused";
  const bool cur_followed = current.status != "paused";
  const LocalDate last = AddDays(today, kPlanNoticeHorizonDays - 1);
  std::optional<PlanChange> run;
  auto flush = [&](LocalDate end) {
    if (!run) return;
    // A run reaching the horizon goes on as far as anyone can see: "from <day>".
    if (end < last) run->to = end;
    if (run->kind == "dose") {
      run->text = fmt::format("Your dose {}: {} (it was {}).", Span(*run->from, run->to), Mg(*run->now_ug),
                              *run->was_ug > 0 ? Mg(*run->was_ug) : "none");
    } else if (run->kind == "stop") {
      run->text = fmt::format("No dose {} (it was {}).", Span(*run->from, run->to), Mg(*run->was_ug));
    } else {
      auto when = [](const std::string& t) { return t == "morning" ? "in the morning" : "at bedtime"; };
      run->text = fmt::format("Take it {} {} (it was {}).", when(run->now), Span(*run->from, run->to), when(run->was));
    }
    out.push_back(std::move(*run));
    run.reset();
  };
  if (current.course_id != acknowledged.course_id) {
    // A new plan is news as a whole (new_course above); the day-by-day runs would repeat it.
    return out;
  }
  for (LocalDate d = today; d <= last; d = AddDays(d, 1)) {
    const DayPlan a = ack_followed ? On(acknowledged, d) : DayPlan{};
    const DayPlan c = cur_followed ? On(current, d) : DayPlan{};
    std::string kind;
    if (a.ug != c.ug) {
      kind = c.ug == 0 ? "stop" : "dose";
    } else if (a.time != c.time) {
      kind = "time";
    }
    // A change of time alone runs on across dose steps; a change of dose runs while both doses stay.
    const bool same_doses = kind == "time" || (run && run->was_ug == std::optional<int64_t>(a.ug) &&
                                               run->now_ug == std::optional<int64_t>(c.ug));
    const bool continues = run && run->kind == kind && same_doses && run->was == a.time && run->now == c.time;
    if (!continues) {
      flush(AddDays(d, -1));
      if (!kind.empty()) {
        PlanChange p;
        p.kind = kind;
        p.from = d;
        if (kind != "time") {
          p.was_ug = a.ug;
          p.now_ug = c.ug;
        }
        p.was = a.time;
        p.now = c.time;
        run = std::move(p);
      }
    }
  }
  flush(last);
  // Either side paused: the runs would say "no dose" for every day, which the status says better.
  if (!ack_followed || !cur_followed) {
    std::erase_if(out, [](const PlanChange& p) { return p.kind == "dose" || p.kind == "stop" || p.kind == "time"; });
  }
  return out;
}

}  // namespace ldn::server
