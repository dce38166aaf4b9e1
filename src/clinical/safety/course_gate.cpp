#include "clinical/safety/course_gate.h"

#include <algorithm>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "core/text.h"

namespace ldn::clinical {
namespace {

constexpr size_t kMaxReasonChars = 2000;

const char* const kCheckCodes[] = {"screening.missing", "screening.stale",       "screening.not_eligible",
                                   "screening.review",  "start.before_earliest", "start.before_baseline"};

Result<Verdict> ParseVerdictName(std::string_view s, const std::string& field) {
  for (Verdict v : {Verdict::kEligible, Verdict::kWait, Verdict::kReview, Verdict::kNotEligible}) {
    if (VerdictName(v) == s) return v;
  }
  return Status::InvalidArgument(field, "expected eligible, wait, review or not_eligible");
}

Result<Severity> ParseSeverityName(std::string_view s, const std::string& field) {
  for (Severity v : {Severity::kInfo, Severity::kWait, Severity::kReview, Severity::kNotEligible}) {
    if (SeverityName(v) == s) return v;
  }
  return Status::InvalidArgument(field, "expected info, wait, review or not_eligible");
}

std::string Rule(const InterlockRules& rules, std::string_view id) {
  auto it = rules.sources.find(id);
  return it == rules.sources.end() ? std::string() : it->second;
}

// Trims spaces so that a reason of blanks does not count.
std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

std::string_view GateActionName(GateAction a) {
  switch (a) {
    case GateAction::kCreate: return "create";
    case GateAction::kActivate: return "activate";
    case GateAction::kResume: return "resume";
  }
  return "create";
}

Result<GateAction> ParseGateAction(std::string_view text, std::string_view field) {
  for (GateAction a : {GateAction::kCreate, GateAction::kActivate, GateAction::kResume}) {
    if (GateActionName(a) == text) return a;
  }
  return Status::InvalidArgument(std::string(field), "expected create, activate or resume");
}

std::string ReviewFindingKey(const Finding& f) {
  return f.subject.empty() ? f.rule : f.rule + "@" + f.subject;
}

Result<GateScreening> ReadGateScreening(const nlohmann::json& report, int64_t id, LocalDate date) {
  GateScreening s;
  s.id = id;
  s.date = date;
  if (!report.is_object()) return Status::InvalidArgument("", "the screening report is not an object");
  if (!report.contains("verdict")) return Status::InvalidArgument("verdict", "is missing");
  LDN_ASSIGN_OR_RETURN(std::string verdict, ReadString(report["verdict"], "verdict"));
  LDN_ASSIGN_OR_RETURN(s.verdict, ParseVerdictName(verdict, "verdict"));
  if (report.contains("earliest_start") && !report["earliest_start"].is_null()) {
    LDN_ASSIGN_OR_RETURN(std::string text, ReadString(report["earliest_start"], "earliest_start"));
    LDN_ASSIGN_OR_RETURN(LocalDate d, ParseDate(text, "earliest_start"));
    s.earliest_start = d;
  }
  if (report.contains("findings")) {
    const nlohmann::json& findings = report["findings"];
    if (!findings.is_array()) return Status::InvalidArgument("findings", "expected an array");
    for (size_t i = 0; i < findings.size(); ++i) {
      const std::string path = IndexPath("findings", i);
      const nlohmann::json& f = findings[i];
      if (!f.is_object()) return Status::InvalidArgument(path, "expected an object");
      Finding finding;
      for (const char* key : {"rule", "severity"}) {
        if (!f.contains(key)) return Status::InvalidArgument(path + "." + key, "is missing");
      }
      LDN_ASSIGN_OR_RETURN(finding.rule, ReadString(f["rule"], path + ".rule"));
      LDN_ASSIGN_OR_RETURN(std::string severity, ReadString(f["severity"], path + ".severity"));
      LDN_ASSIGN_OR_RETURN(finding.severity, ParseSeverityName(severity, path + ".severity"));
      if (f.contains("subject") && f["subject"].is_string()) finding.subject = f["subject"].get<std::string>();
      if (f.contains("message") && f["message"].is_string()) finding.message = f["message"].get<std::string>();
      if (f.contains("source") && f["source"].is_string()) finding.source = f["source"].get<std::string>();
      s.findings.push_back(std::move(finding));
    }
  }
  return s;
}

bool CourseGateResult::allowed() const {
  return FirstBlocking() == nullptr;
}

const GateCheck* CourseGateResult::FirstBlocking() const {
  for (const GateCheck& c : checks) {
    if (c.blocking()) return &c;
  }
  return nullptr;
}

Result<CourseGateResult> EvaluateCourseGate(const CourseGateInput& input, const InterlockRules& rules) {
  // The decisions first: they are the clinician's input and are judged strictly.
  std::set<std::string> overridden_codes;
  for (size_t i = 0; i < input.overrides.size(); ++i) {
    const GateOverride& o = input.overrides[i];
    const std::string path = IndexPath("overrides", i);
    if (std::find(std::begin(kCheckCodes), std::end(kCheckCodes), o.code) == std::end(kCheckCodes)) {
      return Status::InvalidArgument(path + ".code",
                                     fmt::format("unknown check '{}'; the checks are: screening.missing, "
                                                 "screening.stale, screening.not_eligible, screening.review, "
                                                 "start.before_earliest, start.before_baseline",
                                                 o.code));
    }
    if (!overridden_codes.insert(o.code).second) {
      return Status::InvalidArgument(path + ".code", fmt::format("'{}' is overridden twice", o.code));
    }
    const std::string reason = Trim(o.reason);
    if (reason.size() < static_cast<size_t>(rules.override_reason_min_chars) || o.reason.size() > kMaxReasonChars) {
      return Status::InvalidArgument(path + ".reason",
                                     fmt::format("an override needs a written reason of {}-{} characters (a sentence)",
                                                 rules.override_reason_min_chars, kMaxReasonChars));
    }
  }
  auto override_of = [&](std::string_view code) -> const GateOverride* {
    for (const GateOverride& o : input.overrides) {
      if (o.code == code) return &o;
    }
    return nullptr;
  };

  CourseGateResult r;
  r.action = input.action;
  r.today = input.today;
  r.screening = input.screening;
  r.baseline_days_required = rules.baseline_diary_days;
  const int n = rules.baseline_diary_days;
  const std::set<LocalDate> pain(input.pain_days.begin(), input.pain_days.end());
  const bool today_recorded = pain.count(input.today) != 0;

  // Baseline room for a first dose on d: window [d - n, d - 1]; past days count when recorded,
  // days still ahead (and today, if not yet recorded) count as to come.
  auto room = [&](LocalDate d, int* recorded, int* to_come) {
    *recorded = 0;
    *to_come = 0;
    for (int k = 1; k <= n; ++k) {
      const LocalDate day = AddDays(d, -k);
      if (day < input.today || (day == input.today && today_recorded)) {
        *recorded += pain.count(day) != 0;
      } else {
        *to_come += 1;
      }
    }
  };
  r.baseline_ready = input.today;
  for (int k = 0; k <= n; ++k) {
    int recorded = 0, to_come = 0;
    const LocalDate d = AddDays(input.today, k);
    room(d, &recorded, &to_come);
    r.baseline_ready = d;
    if (recorded + to_come >= n) break;
  }
  if (input.screening) r.washout_end = input.screening->earliest_start;
  r.proposed_start = input.today;
  if (input.action != GateAction::kResume) r.proposed_start = std::max(r.proposed_start, r.baseline_ready);
  if (r.washout_end) r.proposed_start = std::max(r.proposed_start, *r.washout_end);
  r.start = input.start ? *input.start : (input.action == GateAction::kResume ? input.today : r.proposed_start);

  auto add = [&](std::string code, std::string field, bool passed, std::string message, std::string source) {
    GateCheck c;
    c.code = std::move(code);
    c.field = std::move(field);
    c.passed = passed;
    c.message = std::move(message);
    c.source = std::move(source);
    if (const GateOverride* o = override_of(c.code)) {
      if (passed) return Status::Conflict(fmt::format("'{}' passed: there is nothing to override", c.code));
      c.overridden = true;
      c.override_reason = Trim(o->reason);
      r.overrides.push_back({c.code, c.override_reason});
    }
    r.checks.push_back(std::move(c));
    return Status::Ok();
  };
  // Maps a Conflict from `add` to the override's path.
  auto overridden_path = [&](const Status& s, std::string_view code) -> Status {
    if (s.ok()) return s;
    for (size_t i = 0; i < input.overrides.size(); ++i) {
      if (input.overrides[i].code == code) return s.WithFieldPrefix(IndexPath("overrides", i) + ".code");
    }
    return s;
  };
  auto check = [&](std::string code, std::string field, bool passed, std::string message,
                   std::string source) -> Status {
    const std::string c = code;
    return overridden_path(add(std::move(code), std::move(field), passed, std::move(message), std::move(source)), c);
  };

  // ---- Screening ----
  const std::string age_source = Rule(rules, "screening_max_age_days");
  if (!input.screening) {
    LDN_RETURN_IF_ERROR(check("screening.missing", "screening", false,
                              "The patient has no screening: run the screening before the course.", age_source));
  } else {
    const GateScreening& s = *input.screening;
    const int age = DaysBetween(s.date, input.today);
    const bool fresh = age <= rules.screening_max_age_days;
    LDN_RETURN_IF_ERROR(check("screening.stale", "screening", fresh,
                              fresh ? fmt::format("Screening #{} of {} is {} days old (at most {}).", s.id,
                                                  FormatDate(s.date), std::max(age, 0), rules.screening_max_age_days)
                                    : fmt::format("Screening #{} of {} is {} days old: a course needs a screening "
                                                  "from the last {} days. Screen again.",
                                                  s.id, FormatDate(s.date), age, rules.screening_max_age_days),
                              age_source));
    const bool eligible_enough = s.verdict != Verdict::kNotEligible;
    std::string not_eligible_why;
    for (const Finding& f : s.findings) {
      if (f.severity == Severity::kNotEligible) not_eligible_why += (not_eligible_why.empty() ? "" : " ") + f.message;
    }
    LDN_RETURN_IF_ERROR(check("screening.not_eligible", "screening", eligible_enough,
                              eligible_enough ? fmt::format("Screening #{} says {}.", s.id, VerdictName(s.verdict))
                                              : fmt::format("Screening #{} says not eligible: a course cannot be "
                                                            "started. {}",
                                                            s.id, not_eligible_why),
                              "the screening's findings (docs/screening.md, data/drugs.json, data/conditions.json)"));
    // Review findings: each acknowledged by key.
    std::set<std::string> keys;
    for (const Finding& f : s.findings) {
      if (f.severity != Severity::kReview) continue;
      ReviewItem item;
      item.key = ReviewFindingKey(f);
      item.finding = f;
      keys.insert(item.key);
      r.review.push_back(std::move(item));
    }
    for (size_t i = 0; i < input.acknowledged_findings.size(); ++i) {
      const std::string& key = input.acknowledged_findings[i];
      if (keys.count(key) == 0) {
        return Status::Conflict(fmt::format("'{}' is not a review finding of screening #{}", key, s.id))
            .WithFieldPrefix(IndexPath("acknowledged_findings", i));
      }
      for (ReviewItem& item : r.review) item.acknowledged = item.acknowledged || item.key == key;
    }
    int open = 0;
    std::string open_list;
    for (const ReviewItem& item : r.review) {
      if (item.acknowledged) continue;
      ++open;
      open_list += fmt::format("{}- {}", open_list.empty() ? "" : " ", item.finding.message);
    }
    LDN_RETURN_IF_ERROR(
        check("screening.review", "screening", open == 0,
              open == 0 ? (r.review.empty() ? "No review finding."
                                            : fmt::format("All {} review findings acknowledged.", r.review.size()))
                        : fmt::format("{} review finding{} of screening #{} to acknowledge, one by one: {}", open,
                                      open == 1 ? "" : "s", s.id, open_list),
              "the screening's review findings (docs/screening.md)"));
  }

  // ---- Start ----
  if (r.washout_end) {
    const bool ok = r.start >= *r.washout_end;
    std::string why = input.screening && input.screening->verdict == Verdict::kEligible
                          ? "the screening date"
                          : "the end of the opioid washout";
    LDN_RETURN_IF_ERROR(check(
        "start.before_earliest", "start", ok,
        ok ? fmt::format("{} {} is on or after the earliest start {} ({}).",
                         input.action == GateAction::kResume ? "Resuming on" : "The first dose on", FormatDate(r.start),
                         FormatDate(*r.washout_end), why)
           : fmt::format("{} {} is before the earliest start the screening allows, {} ({}).",
                         input.action == GateAction::kResume ? "Resuming on" : "A first dose on", FormatDate(r.start),
                         FormatDate(*r.washout_end), why),
        "the screening's washout findings: naltrexone hydrochloride tablets USP, prescribing information (opioid-free "
        "7-10 days); Vivitrol PI section 5.3 (up to two weeks after methadone or buprenorphine); docs/screening.md"));
  }
  if (input.action != GateAction::kResume) {
    r.baseline_from = AddDays(r.start, -n);
    r.baseline_to = AddDays(r.start, -1);
    room(r.start, &r.baseline_days_recorded, &r.baseline_days_to_come);
    const int reachable = r.baseline_days_recorded + r.baseline_days_to_come;
    const int needed = input.action == GateAction::kCreate ? n : rules.baseline_min_days_at_start;
    const bool ok = reachable >= needed;
    std::string message;
    if (input.action == GateAction::kCreate) {
      message = ok ? fmt::format("Baseline {} to {}: {} diary days with pain recorded, {} to come ({} needed).",
                                 FormatDate(r.baseline_from), FormatDate(r.baseline_to), r.baseline_days_recorded,
                                 r.baseline_days_to_come, n)
                   : fmt::format(
                         "A first dose on {} leaves room for only {} of the {} baseline diary days ({} "
                         "recorded, {} to come): the baseline allows a first dose from {}.",
                         FormatDate(r.start), reachable, n, r.baseline_days_recorded, r.baseline_days_to_come,
                         FormatDate(r.baseline_ready));
    } else {
      message = ok ? fmt::format("Baseline {} to {}: {} diary days with pain recorded, {} to come (at least {}).",
                                 FormatDate(r.baseline_from), FormatDate(r.baseline_to), r.baseline_days_recorded,
                                 r.baseline_days_to_come, needed)
                   : fmt::format(
                         "Only {} baseline diary days with pain ({} to {}, {} still to come): the "
                         "analysis needs at least {} before the first dose. A first dose from {} "
                         "leaves room for all {}.",
                         r.baseline_days_recorded, FormatDate(r.baseline_from), FormatDate(r.baseline_to),
                         r.baseline_days_to_come, needed, FormatDate(r.baseline_ready), n);
      if (ok && reachable < n) {
        r.warnings.push_back(
            fmt::format("The baseline will be shorter than planned: {} of {} diary days.", reachable, n));
      }
    }
    LDN_RETURN_IF_ERROR(
        check("start.before_baseline", "start", ok, message,
              Rule(rules, input.action == GateAction::kCreate ? "baseline_diary_days" : "baseline_min_days_at_start")));
    // The baseline FIQR (a warning: the patient is asked for it).
    for (const LocalDate& d : input.fiqr_dates) {
      if (d <= r.start && d >= AddDays(r.start, -rules.baseline_fiqr_window_days)) {
        if (!r.baseline_fiqr || d > *r.baseline_fiqr) r.baseline_fiqr = d;
      }
    }
    if (!r.baseline_fiqr) {
      r.warnings.push_back(
          input.action == GateAction::kCreate
              ? fmt::format("No baseline FIQR yet: the patient is asked for one before the first dose on {}.",
                            FormatDate(r.start))
              : fmt::format("No FIQR in the {} days before the first dose on {}: ask the patient for the baseline "
                            "FIQR.",
                            rules.baseline_fiqr_window_days, FormatDate(r.start)));
    }
    if (input.action == GateAction::kActivate && r.start < input.today) {
      r.warnings.push_back(fmt::format("The planned first dose, {}, is {} days ago: the plan's steps count from it.",
                                       FormatDate(r.start), DaysBetween(r.start, input.today)));
    }
  }
  // An override of a check that does not apply here is a stale form, never silently dropped.
  for (size_t i = 0; i < input.overrides.size(); ++i) {
    bool applies = false;
    for (const GateCheck& c : r.checks) applies = applies || c.code == input.overrides[i].code;
    if (!applies) {
      return Status::Conflict(fmt::format("'{}' does not apply to this {}: there is nothing to override",
                                          input.overrides[i].code, GateActionName(input.action)))
          .WithFieldPrefix(IndexPath("overrides", i) + ".code");
    }
  }
  return r;
}

Status GateRefusal(const CourseGateResult& result) {
  const GateCheck* first = result.FirstBlocking();
  if (first == nullptr) return Status::Ok();
  std::string message;
  for (const GateCheck& c : result.checks) {
    if (!c.blocking()) continue;
    message += fmt::format("{}{}: {}", message.empty() ? "" : " ", c.code, c.message);
  }
  message += " A clinician may override a check only with a written reason.";
  return Status::Conflict(message).WithFieldPrefix(first->field);
}

nlohmann::json CourseGateToJson(const CourseGateResult& r, const InterlockRules& rules) {
  auto date = [](const std::optional<LocalDate>& d) { return d ? nlohmann::json(FormatDate(*d)) : nlohmann::json(); };
  nlohmann::json checks = nlohmann::json::array();
  for (const GateCheck& c : r.checks) {
    checks.push_back({{"code", c.code},
                      {"field", c.field},
                      {"passed", c.passed},
                      {"blocking", c.blocking()},
                      {"overridden", c.overridden},
                      {"override_reason", c.overridden ? nlohmann::json(c.override_reason) : nlohmann::json()},
                      {"message", c.message},
                      {"source", c.source}});
  }
  nlohmann::json review = nlohmann::json::array();
  for (const ReviewItem& item : r.review) {
    review.push_back({{"key", item.key},
                      {"rule", item.finding.rule},
                      {"subject", item.finding.subject},
                      {"message", item.finding.message},
                      {"source", item.finding.source},
                      {"acknowledged", item.acknowledged}});
  }
  nlohmann::json overrides = nlohmann::json::array();
  for (const GateOverride& o : r.overrides) overrides.push_back({{"code", o.code}, {"reason", o.reason}});
  nlohmann::json screening;
  if (r.screening) {
    screening = {{"id", r.screening->id},
                 {"date", FormatDate(r.screening->date)},
                 {"verdict", VerdictName(r.screening->verdict)},
                 {"age_days", DaysBetween(r.screening->date, r.today)},
                 {"earliest_start", date(r.screening->earliest_start)}};
  }
  nlohmann::json baseline;
  if (r.action != GateAction::kResume) {
    baseline = {{"from", FormatDate(r.baseline_from)},
                {"to", FormatDate(r.baseline_to)},
                {"days_required", r.baseline_days_required},
                {"days_min_at_start", rules.baseline_min_days_at_start},
                {"days_recorded", r.baseline_days_recorded},
                {"days_to_come", r.baseline_days_to_come},
                {"ready_on", FormatDate(r.baseline_ready)},
                {"fiqr_date", date(r.baseline_fiqr)},
                {"fiqr_window_days", rules.baseline_fiqr_window_days}};
  }
  return {{"action", GateActionName(r.action)},
          {"today", FormatDate(r.today)},
          {"start", FormatDate(r.start)},
          {"allowed", r.allowed()},
          {"proposed_start", FormatDate(r.proposed_start)},
          {"washout_end", date(r.washout_end)},
          {"screening", screening},
          {"baseline", baseline},
          {"checks", checks},
          {"review_findings", review},
          {"warnings", r.warnings},
          {"overrides", overrides},
          {"screening_max_age_days", rules.screening_max_age_days},
          {"rules_version", rules.version}};
}

Status ReadGateDecisions(JsonObject& o, std::vector<GateOverride>* overrides, std::vector<std::string>* acknowledged) {
  // Bounds as every free-text input (core/text.h; docs/api.md, "Limits"): a gate has far fewer
  // checks and findings than these.
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* ov, o.OptionalArray("overrides", 100));
  if (ov != nullptr) {
    for (size_t i = 0; i < ov->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*ov)[i], IndexPath(o.PathOf("overrides"), i)));
      GateOverride g;
      LDN_ASSIGN_OR_RETURN(g.code, e.Line("code", kMaxNameChars));
      LDN_ASSIGN_OR_RETURN(g.reason, e.Text("reason", 0, kMaxNoteChars));
      LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
      overrides->push_back(std::move(g));
    }
  }
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* ack, o.OptionalArray("acknowledged_findings", 500));
  if (ack != nullptr) {
    for (size_t i = 0; i < ack->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(std::string key, ReadString((*ack)[i], IndexPath(o.PathOf("acknowledged_findings"), i)));
      acknowledged->push_back(std::move(key));
    }
  }
  return Status::Ok();
}

Result<CourseGateInput> ReadCourseGateInput(const nlohmann::json& j) {
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(j, ""));
  CourseGateInput in;
  LDN_ASSIGN_OR_RETURN(auto action, o.OptionalString("action"));
  if (action) {
    LDN_ASSIGN_OR_RETURN(in.action, ParseGateAction(*action, "action"));
  }
  LDN_ASSIGN_OR_RETURN(in.today, o.Date("today"));
  LDN_ASSIGN_OR_RETURN(in.start, o.OptionalDate("start"));
  if (o.HasNonNull("screening")) {
    LDN_ASSIGN_OR_RETURN(JsonObject s, o.Object("screening"));
    LDN_ASSIGN_OR_RETURN(auto id, s.OptionalInteger("id", 1, std::numeric_limits<int64_t>::max()));
    LDN_ASSIGN_OR_RETURN(LocalDate date, s.Date("date"));
    LDN_ASSIGN_OR_RETURN(JsonObject report, s.Object("report"));
    (void)report;
    LDN_RETURN_IF_ERROR(s.RejectUnknownKeys());
    auto parsed = ReadGateScreening(j["screening"]["report"], id.value_or(1), date);
    if (!parsed.ok()) return parsed.status().WithFieldPrefix("screening.report");
    if (parsed->date > in.today) return Status::InvalidArgument("screening.date", "is after today");
    in.screening = std::move(parsed).value();
  } else {
    o.Consume("screening");
  }
  for (const char* key : {"pain_days", "fiqr_dates"}) {
    LDN_ASSIGN_OR_RETURN(const nlohmann::json* days, o.OptionalArray(key));
    if (days == nullptr) continue;
    for (size_t i = 0; i < days->size(); ++i) {
      const std::string path = IndexPath(key, i);
      LDN_ASSIGN_OR_RETURN(std::string text, ReadString((*days)[i], path));
      LDN_ASSIGN_OR_RETURN(LocalDate d, ParseDate(text, path));
      if (d > in.today) return Status::InvalidArgument(path, "is after today");
      (std::string(key) == "pain_days" ? in.pain_days : in.fiqr_dates).push_back(d);
    }
  }
  LDN_RETURN_IF_ERROR(ReadGateDecisions(o, &in.overrides, &in.acknowledged_findings));
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return in;
}

}  // namespace ldn::clinical
