// `ldn plan`: titration plans (build, adjust, list protocols), as a table, JSON or iCalendar.
#include "clinical/titration/plan.h"

#include <iostream>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "clinical/titration/adjust.h"
#include "clinical/titration/ics.h"
#include "clinical/titration/protocols.h"
#include "core/calendar.h"
#include "core/dose.h"

namespace ldn::cli {
namespace {

struct PlanOptions {
  std::string protocol;
  std::string start;
  std::optional<double> target;
  std::optional<double> max;
  std::string time = "bedtime";
  std::optional<double> liquid;
  std::optional<int> step_days;
  bool json = false;
  bool ics = false;
  std::string adjust_input;
};

Result<std::optional<Dose>> OptionMg(const std::optional<double>& mg, std::string_view option) {
  if (!mg) return std::optional<Dose>();
  if (*mg <= 0) {
    return Status::InvalidArgument(std::string(option), fmt::format("must be a positive dose in mg, got {}", *mg));
  }
  LDN_ASSIGN_OR_RETURN(Dose d, Dose::FromMilligramsHcl(*mg, option));
  return std::optional<Dose>(d);
}

Result<clinical::PlanRequest> ToRequest(const PlanOptions& o) {
  clinical::PlanRequest r;
  if (o.protocol.empty()) {
    const auto& k = clinical::LoadTitrationKnowledge();
    if (!k.ok()) return k.status();
    std::string names;
    for (const auto& p : k->protocols) names += (names.empty() ? "" : ", ") + p.id;
    return Status::InvalidArgument("--protocol", "is required; valid: " + names);
  }
  r.protocol = o.protocol;
  if (o.start.empty()) return Status::InvalidArgument("--start", "is required (YYYY-MM-DD)");
  LDN_ASSIGN_OR_RETURN(r.start, ParseDate(o.start, "--start"));
  LDN_ASSIGN_OR_RETURN(r.target, OptionMg(o.target, "--target"));
  LDN_ASSIGN_OR_RETURN(r.max, OptionMg(o.max, "--max"));
  LDN_ASSIGN_OR_RETURN(r.time, clinical::ParseDoseTime(o.time, "--time"));
  LDN_ASSIGN_OR_RETURN(r.liquid_per_ml, OptionMg(o.liquid, "--liquid"));
  r.step_days = o.step_days;
  return r;
}

int RunPlan(const PlanOptions& o, const Context& ctx) {
  auto request = ToRequest(o);
  if (!request.ok()) return ReportError("plan", request.status());
  auto plan = clinical::BuildPlan(*request);
  if (!plan.ok()) return ReportError("plan", plan.status());
  if (o.ics) {
    std::cout << clinical::PlanToIcs(*plan, ctx.clock->Now());
  } else if (o.json) {
    PrintJson(clinical::PlanToJson(*plan));
  } else {
    std::cout << clinical::FormatPlanText(*plan);
  }
  return kExitOk;
}

int RunAdjust(const PlanOptions& o, const Context& ctx) {
  auto text = ReadInput(o.adjust_input, "FILE");
  if (!text.ok()) return ReportError("plan adjust", text.status());
  auto request = clinical::ReadAdjustmentRequest(*text);
  if (!request.ok()) return ReportError("plan adjust", request.status());
  auto adjusted = clinical::AdjustPlan(*request);
  if (!adjusted.ok()) return ReportError("plan adjust", adjusted.status());
  if (o.ics) {
    std::cout << clinical::PlanToIcs(adjusted->plan, ctx.clock->Now());
  } else if (o.json) {
    PrintJson(clinical::AdjustedPlanToJson(*adjusted));
  } else {
    std::cout << clinical::FormatAdjustedPlanText(*adjusted);
  }
  return kExitOk;
}

int RunProtocols(bool json) {
  const auto& k = clinical::LoadTitrationKnowledge();
  if (!k.ok()) return ReportError("plan protocols", k.status());
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : k->protocols) {
    if (json) {
      out.push_back(
          {{"id", p.id},
           {"name", p.name},
           {"start_mg", p.start.milligrams_hcl()},
           {"increment_mg", p.increment.milligrams_hcl()},
           {"step_days", {{"default", p.step_days_default}, {"min", p.step_days_min}, {"max", p.step_days_max}}},
           {"target_mg", p.target.milligrams_hcl()},
           {"reconstructed", p.reconstructed},
           {"notes", p.notes},
           {"uncertainty", p.uncertainty},
           {"source", p.source}});
    } else {
      std::cout << fmt::format(
          "{}: {}\n  start {} mg, +{} mg every {} days ({}-{}), target {} mg\n  {}\n  "
          "Uncertainty: {}\n  Source: {}\n\n",
          p.id, p.name, p.start.FormatMg(), p.increment.FormatMg(), p.step_days_default, p.step_days_min,
          p.step_days_max, p.target.FormatMg(), p.notes, p.uncertainty, p.source);
    }
  }
  if (json) PrintJson({{"protocols", out}});
  return kExitOk;
}

}  // namespace

void AddPlanCommand(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<PlanOptions>();
  CLI::App* plan = app.add_subcommand(
      "plan", "Build a titration plan from a protocol (see `ldn plan protocols`); `ldn plan adjust` revises one.");
  plan->require_subcommand(0, 1);
  plan->add_option("--protocol", opts->protocol, "Protocol id: ldnrt-standard, stepwise-1.5, sensitive, final-6mg");
  plan->add_option("--start", opts->start, "First day of the plan, YYYY-MM-DD");
  plan->add_option("--target", opts->target, "Final dose, mg naltrexone HCl (default: the protocol's)");
  plan->add_option("--max", opts->max, "Ceiling, mg; required for a final dose above 4.5 mg; at most 9 mg");
  plan->add_option("--time", opts->time, "bedtime (default, the convention) or morning");
  plan->add_option("--liquid", opts->liquid, "Liquid concentration, mg/mL: adds the volume per dose");
  plan->add_option("--step-days", opts->step_days, "Days per step, within the protocol's range");
  plan->add_flag("--json", opts->json, "Print JSON");
  plan->add_flag("--ics", opts->ics, "Print an iCalendar (RFC 5545) calendar with a daily reminder per step");

  CLI::App* adjust =
      plan->add_subcommand("adjust",
                           "Revise a plan for side effects, sleep effects and gaps: FILE or - holds "
                           "{\"plan\":{...},\"titration\":\"easy|hard\",\"events\":[...]} (docs/titration.md)");
  adjust->add_option("input", opts->adjust_input, "FILE, or - for standard input")->required();
  adjust->add_flag("--json", opts->json, "Print JSON");
  adjust->add_flag("--ics", opts->ics, "Print an iCalendar (RFC 5545) calendar");
  adjust->callback([opts, &ctx]() { ctx.exit_code = RunAdjust(*opts, ctx); });

  CLI::App* protocols = plan->add_subcommand("protocols", "List the titration protocols with their sources");
  auto protocols_json = std::make_shared<bool>(false);
  protocols->add_flag("--json", *protocols_json, "Print JSON");
  protocols->callback([protocols_json, &ctx]() { ctx.exit_code = RunProtocols(*protocols_json); });

  plan->callback([opts, plan, &ctx]() {
    if (plan->get_subcommands().empty()) ctx.exit_code = RunPlan(*opts, ctx);
  });
}

}  // namespace ldn::cli
