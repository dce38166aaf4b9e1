// `ldn demo [--json]`: the main job of the clinical core on one demo patient, end to end —
// screening, then a titration plan from the earliest start the screening allows.
//
// The demo patient takes co-codamol (codeine, a short-acting opioid) for flares, last taken three
// days ago, plus duloxetine and levothyroxine. Screening must make her wait out the codeine washout
// and flag the thyroid dose; the plan then starts on the first allowed day with a 1 mg/mL liquid.
// Every number shown comes from the same library calls as `ldn screen` and `ldn plan`.
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "clinical/screening/screening.h"
#include "clinical/titration/plan.h"
#include "core/calendar.h"

namespace ldn::cli {
namespace {

struct DemoOptions {
  bool json = false;
};

// The demo patient's screening input, dated relative to today so the demo stays meaningful.
clinical::ScreeningInput DemoScreeningInput(LocalDate today) {
  clinical::ScreeningInput in;
  in.today = today;
  in.medications = {
      {.name = "Co-codamol 30/500", .last_taken = AddDays(today, -3), .current = false},
      {.name = "duloxetine", .last_taken = today, .current = true},
      {.name = "Levothyroxine", .last_taken = today, .current = true},
  };
  in.conditions = {"thyroid_replacement"};
  return in;
}

int Run(const DemoOptions& opts, const Context& ctx) {
  // The demo patient lives in the UK (co-codamol is a UK product); her calendar date is what counts.
  auto zone = TimeZone::Named("Europe/London", "time_zone");
  if (!zone.ok()) return ReportError("demo", zone.status());
  const LocalDate today = zone->LocalDateAt(ctx.clock->Now());
  const clinical::ScreeningInput input = DemoScreeningInput(today);

  auto kb = clinical::DrugKnowledgeBase::Embedded();
  if (!kb.ok()) return ReportError("demo", kb.status());
  auto screening = clinical::Screen(input, **kb, std::string("uk"));
  if (!screening.ok()) return ReportError("demo", screening.status());

  // The plan starts on the earliest day screening allows; a verdict that allows no start
  // (not_eligible, or review without a date) gets no plan: the demo shows that as well.
  std::optional<clinical::Plan> plan;
  if (screening->earliest_start) {
    clinical::PlanRequest request;
    request.protocol = "ldnrt-standard";
    request.start = *screening->earliest_start;
    request.liquid_per_ml = Dose::FromMicrogramsHcl(1000);  // 1 mg/mL, the Fawcett liquid
    auto built = clinical::BuildPlan(request);
    if (!built.ok()) return ReportError("demo", built.status());
    plan = std::move(*built);
  }

  if (opts.json) {
    nlohmann::json out = {
        {"patient", {{"name", "Demo patient (fictional)"}, {"screening_input_today", FormatDate(today)}}},
        {"screening", clinical::ToJson(*screening)},
        {"plan", plan ? clinical::PlanToJson(*plan) : nlohmann::json(nullptr)}};
    PrintJson(out);
    return kExitOk;
  }

  std::cout << "ldn demo: the clinical core on one fictional patient\n"
               "=====================================================\n\n";
  std::cout << fmt::format(
      "Patient: 46-year-old woman with fibromyalgia, seen {}.\n"
      "Medications: co-codamol 30/500 for flares (last dose {}), duloxetine 60 mg daily,\n"
      "levothyroxine 75 micrograms daily. Condition: hypothyroidism on replacement.\n\n",
      FormatDate(today), FormatDate(AddDays(today, -3)));
  std::cout << "1. Screening  (same as: ldn screen FILE)\n"
               "----------------------------------------\n";
  std::cout << clinical::FormatScreeningText(*screening) << "\n";
  std::cout << "2. Titration plan  (same as: ldn plan --protocol ldnrt-standard --start DATE --liquid 1)\n"
               "----------------------------------------------------------------------------------------\n";
  if (plan) {
    std::cout << clinical::FormatPlanText(*plan) << "\n";
  } else {
    std::cout << "No plan: screening gives no start date. The prescriber must resolve the findings first.\n\n";
  }
  std::cout << "Next: `ldn score fiqr FILE` at baseline and week 12, the daily diary, and `ldn pk --dose 4.5 --at "
               "22:00` for why bedtime.\nEvery verb has --help and --json.\n";
  return kExitOk;
}

}  // namespace

void AddDemoCommand(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<DemoOptions>();
  CLI::App* cmd =
      app.add_subcommand("demo",
                         "Run the clinical core on a fictional demo patient: screening, then a titration plan from the "
                         "earliest start screening allows.");
  cmd->add_flag("--json", opts->json, "print the screening and the plan as JSON");
  cmd->callback([opts, &ctx] { ctx.exit_code = Run(*opts, ctx); });
}

}  // namespace ldn::cli
