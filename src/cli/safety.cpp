// `ldn safety gate|report|dose|terms`: the safety interlocks of src/clinical/safety on a file, the
// same rules the server applies (docs/safety.md): the course gate, the assessment of a severe or
// worrying report, the check of a logged dose against its plan, and the red-flag vocabulary.
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "clinical/safety/course_gate.h"
#include "clinical/safety/dose_check.h"
#include "clinical/safety/red_flags.h"
#include "clinical/titration/adjust.h"
#include "clinical/titration/protocols.h"
#include "core/json_reader.h"

namespace ldn::cli {
namespace {

struct SafetyOptions {
  std::string input;
  bool json = false;
};

Result<nlohmann::json> ReadDocument(const std::string& input) {
  LDN_ASSIGN_OR_RETURN(std::string text, ReadInput(input, "FILE"));
  return ParseJson(text);
}

// ---- gate ----------------------------------------------------------------------------------------

std::string GateText(const clinical::CourseGateResult& r) {
  std::string out = fmt::format("Course gate ({}) for {} on {}: {}\n", clinical::GateActionName(r.action),
                                r.action == clinical::GateAction::kResume ? "resuming" : "a first dose",
                                FormatDate(r.start), r.allowed() ? "ALLOWED" : "REFUSED");
  for (const auto& c : r.checks) {
    out +=
        fmt::format("  [{}] {}: {}\n", c.passed ? "ok" : (c.overridden ? "overridden" : "BLOCKS"), c.code, c.message);
    if (c.overridden) out += fmt::format("        override reason: {}\n", c.override_reason);
  }
  for (const auto& item : r.review) {
    out += fmt::format("  review finding {} ({}): {}\n", item.key,
                       item.acknowledged ? "acknowledged" : "to acknowledge", item.finding.message);
  }
  out += fmt::format("Proposed first dose: {}", FormatDate(r.proposed_start));
  if (r.washout_end) out += fmt::format(" (earliest start by the screening {})", FormatDate(*r.washout_end));
  out += "\n";
  if (r.action != clinical::GateAction::kResume) {
    out += fmt::format("Baseline {} to {}: {} diary days with pain recorded, {} to come, {} planned; ready on {}\n",
                       FormatDate(r.baseline_from), FormatDate(r.baseline_to), r.baseline_days_recorded,
                       r.baseline_days_to_come, r.baseline_days_required, FormatDate(r.baseline_ready));
  }
  for (const auto& w : r.warnings) out += "Warning: " + w + "\n";
  out += "Decision support: a clinician may override a check only with a written reason (docs/safety.md).\n";
  return out;
}

int RunGate(const SafetyOptions& opts) {
  auto doc = ReadDocument(opts.input);
  if (!doc.ok()) return ReportError("safety gate", doc.status());
  auto input = clinical::ReadCourseGateInput(*doc);
  if (!input.ok()) return ReportError("safety gate", input.status());
  const auto& rules = clinical::LoadInterlockRules();
  if (!rules.ok()) return ReportError("safety gate", rules.status());
  auto result = clinical::EvaluateCourseGate(*input, *rules);
  if (!result.ok()) return ReportError("safety gate", result.status());
  if (opts.json) {
    PrintJson(clinical::CourseGateToJson(*result, *rules));
  } else {
    std::cout << GateText(*result);
  }
  return kExitOk;
}

// ---- report --------------------------------------------------------------------------------------

// {"note"?, "side_effects"?: [{"name","severity" 1-3}], "adverse_event"?: {"severity","serious"?},
//  "language"?}
Result<clinical::ReportToAssess> ReadReport(const nlohmann::json& j, std::string* language) {
  LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(j, ""));
  clinical::ReportToAssess r;
  LDN_ASSIGN_OR_RETURN(auto note, o.OptionalString("note"));
  if (note) r.note = *note;
  LDN_ASSIGN_OR_RETURN(const nlohmann::json* effects, o.OptionalArray("side_effects"));
  if (effects != nullptr) {
    for (size_t i = 0; i < effects->size(); ++i) {
      LDN_ASSIGN_OR_RETURN(JsonObject e, JsonObject::Of((*effects)[i], IndexPath("side_effects", i)));
      LDN_ASSIGN_OR_RETURN(std::string name, e.String("name"));
      LDN_ASSIGN_OR_RETURN(int64_t severity, e.Integer("severity", 1, 3));
      LDN_RETURN_IF_ERROR(e.RejectUnknownKeys());
      r.side_effects.push_back({name, static_cast<int>(severity)});
    }
  }
  if (o.HasNonNull("adverse_event")) {
    LDN_ASSIGN_OR_RETURN(JsonObject ae, o.Object("adverse_event"));
    LDN_ASSIGN_OR_RETURN(std::string severity, ae.String("severity"));
    if (severity != "mild" && severity != "moderate" && severity != "severe" && severity != "life_threatening") {
      return Status::InvalidArgument(ae.PathOf("severity"), "expected mild, moderate, severe or life_threatening");
    }
    LDN_ASSIGN_OR_RETURN(auto serious, ae.OptionalBool("serious"));
    LDN_RETURN_IF_ERROR(ae.RejectUnknownKeys());
    r.adverse_severity = severity;
    r.serious = serious.value_or(false);
  } else {
    o.Consume("adverse_event");
  }
  LDN_ASSIGN_OR_RETURN(auto lang, o.OptionalString("language"));
  *language = lang.value_or("en");
  LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
  return r;
}

int RunReport(const SafetyOptions& opts) {
  auto doc = ReadDocument(opts.input);
  if (!doc.ok()) return ReportError("safety report", doc.status());
  std::string language;
  auto report = ReadReport(*doc, &language);
  if (!report.ok()) return ReportError("safety report", report.status());
  const auto& vocabulary = clinical::LoadRedFlagVocabulary();
  if (!vocabulary.ok()) return ReportError("safety report", vocabulary.status());
  const clinical::SafetyAssessment a = clinical::AssessReport(*report, *vocabulary, language);
  if (opts.json) {
    PrintJson(clinical::SafetyAssessmentToJson(a, *vocabulary));
    return kExitOk;
  }
  std::cout << fmt::format("Level: {}\n", clinical::RedFlagLevelName(a.level));
  for (const auto& reason : a.reasons) std::cout << "  " << reason << "\n";
  for (const auto& m : a.matches) {
    std::cout << fmt::format("  matched {} ({}): \"{}\"\n    Source: {}\n", m.id, clinical::RedFlagLevelName(m.level),
                             m.matched, m.source);
  }
  for (const auto& id : a.guidance) {
    if (const auto* g = vocabulary->Guidance(id)) std::cout << fmt::format("\n{}\n  {}\n", g->title, g->text);
  }
  return kExitOk;
}

// ---- dose ----------------------------------------------------------------------------------------

// {"plan": <plan request of `ldn plan adjust`>|null, "date", "dose_mg", "off_plan_reason"?}
int RunDose(const SafetyOptions& opts) {
  auto doc = ReadDocument(opts.input);
  if (!doc.ok()) return ReportError("safety dose", doc.status());
  auto run = [&]() -> Result<clinical::DoseCheckResult> {
    LDN_ASSIGN_OR_RETURN(JsonObject o, JsonObject::Of(*doc, ""));
    clinical::DoseCheckInput in;
    LDN_ASSIGN_OR_RETURN(in.date, o.Date("date"));
    LDN_ASSIGN_OR_RETURN(double mg, o.Number("dose_mg", 0.001, 50));
    LDN_ASSIGN_OR_RETURN(in.dose, Dose::FromMilligramsHcl(mg, "dose_mg"));
    LDN_ASSIGN_OR_RETURN(in.off_plan_reason, o.OptionalString("off_plan_reason"));
    if (o.HasNonNull("plan")) {
      LDN_ASSIGN_OR_RETURN(JsonObject plan, o.Object("plan"));
      (void)plan;
      auto request = clinical::ReadAdjustmentRequest(
          nlohmann::json{{"plan", (*doc)["plan"]}, {"events", nlohmann::json::array()}}.dump());
      if (!request.ok()) return request.status();
      LDN_ASSIGN_OR_RETURN(clinical::AdjustedPlan adjusted, clinical::AdjustPlan(*request));
      clinical::CoursePlanView view;
      view.steps = adjusted.plan.steps;
      view.max = adjusted.plan.request.max;
      in.plan = view;
    } else {
      o.Consume("plan");
    }
    LDN_RETURN_IF_ERROR(o.RejectUnknownKeys());
    const auto& rules = clinical::LoadInterlockRules();
    if (!rules.ok()) return rules.status();
    const auto& titration = clinical::LoadTitrationKnowledge();
    if (!titration.ok()) return titration.status();
    return clinical::CheckLoggedDose(in, *rules, titration->rules.low_dose_ceiling);
  };
  auto result = run();
  if (!result.ok()) return ReportError("safety dose", result.status());
  if (opts.json) {
    PrintJson(clinical::DoseCheckToJson(*result));
  } else {
    std::cout << fmt::format("{}: {}\n", clinical::DoseCheckOutcomeName(result->outcome),
                             result->message.empty() ? "the dose is the plan's" : result->message);
  }
  return kExitOk;
}

int RunTerms(const SafetyOptions& opts) {
  const auto& vocabulary = clinical::LoadRedFlagVocabulary();
  if (!vocabulary.ok()) return ReportError("safety terms", vocabulary.status());
  if (opts.json) {
    PrintJson(clinical::RedFlagVocabularyToJson(*vocabulary));
    return kExitOk;
  }
  std::cout << fmt::format("Red-flag vocabulary (data/red_flags.json, version {})\n", vocabulary->version);
  for (const auto& t : vocabulary->terms) {
    std::string phrases;
    for (const auto& [lang, list] : t.terms) {
      for (const auto& p : list) phrases += (phrases.empty() ? "" : ", ") + p;
    }
    std::cout << fmt::format("- {} [{}]: {}\n  Source: {}\n", t.label, clinical::RedFlagLevelName(t.level), phrases,
                             t.source);
  }
  return kExitOk;
}

}  // namespace

void AddSafetyCommand(CLI::App& app, Context& ctx) {
  CLI::App* safety = app.add_subcommand(
      "safety",
      "The safety interlocks (docs/safety.md): the course gate, severe or worrying reports, logged doses against "
      "the plan, the red-flag vocabulary.");
  safety->require_subcommand(1);
  struct Verb {
    const char* name;
    const char* help;
    int (*run)(const SafetyOptions&);
    bool takes_file;
  };
  static const Verb kVerbs[] = {
      {"gate",
       "May a course be created, activated or resumed? Input JSON: {\"action\"?: create|activate|resume, \"today\", "
       "\"start\"?, \"screening\"?: {\"id\"?, \"date\", \"report\": <ldn screen --json>}, \"pain_days\"?: [dates], "
       "\"fiqr_dates\"?: [dates], \"acknowledged_findings\"?: [keys], \"overrides\"?: [{\"code\",\"reason\"}]}.",
       &RunGate, true},
      {"report",
       "Is a report severe or worrying, and what must the patient read at once? Input JSON: {\"note\"?, "
       "\"side_effects\"?: [{\"name\",\"severity\" 1-3}], \"adverse_event\"?: {\"severity\",\"serious\"?}, "
       "\"language\"?}.",
       &RunReport, true},
      {"dose",
       "Is a logged dose the plan's, off the plan (needs a reason), or refused? Input JSON: {\"plan\": <plan "
       "request>|null, \"date\", \"dose_mg\", \"off_plan_reason\"?}.",
       &RunDose, true},
      {"terms", "The red-flag vocabulary with its sources.", &RunTerms, false},
  };
  for (const Verb& v : kVerbs) {
    auto opts = std::make_shared<SafetyOptions>();
    CLI::App* cmd = safety->add_subcommand(v.name, v.help);
    if (v.takes_file) cmd->add_option("FILE", opts->input, "input JSON file, or - for standard input")->required();
    cmd->add_flag("--json", opts->json, "print JSON");
    auto run = v.run;
    cmd->callback([opts, run, &ctx] { ctx.exit_code = run(*opts); });
  }
}

}  // namespace ldn::cli
