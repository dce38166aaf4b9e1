// `ldn screen FILE|- [--json]`: pre-treatment screening (src/clinical/screening, docs/screening.md).
#include <iostream>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/cli_support.h"
#include "clinical/screening/screening.h"
#include "core/json_reader.h"

namespace ldn::cli {
namespace {

struct ScreenOptions {
  std::string input;
  bool json = false;
  std::string jurisdiction;  // --jurisdiction: used when the input names none
};

int Run(const ScreenOptions& opts) {
  auto text = ReadInput(opts.input, "FILE");
  if (!text.ok()) return ReportError("screen", text.status());
  auto j = ParseJson(*text);
  if (!j.ok()) return ReportError("screen", j.status());
  auto input = clinical::ParseScreeningInput(*j);
  if (!input.ok()) return ReportError("screen", input.status());
  auto kb = clinical::DrugKnowledgeBase::Embedded();
  if (!kb.ok()) return ReportError("screen", kb.status());
  // The input's own jurisdiction wins; else the flag; else none (the most restrictive label rule).
  std::optional<std::string> jurisdiction = input->jurisdiction;
  if (!jurisdiction && !opts.jurisdiction.empty()) jurisdiction = opts.jurisdiction;
  auto report = clinical::Screen(*input, **kb, jurisdiction);
  if (!report.ok() && !input->jurisdiction && report.status().field() == "jurisdiction") {
    return ReportError("screen", Status::InvalidArgument("--jurisdiction", report.status().message()));
  }
  if (!report.ok()) return ReportError("screen", report.status());
  if (opts.json) {
    PrintJson(clinical::ToJson(*report));
  } else {
    std::cout << clinical::FormatScreeningText(*report);
  }
  return kExitOk;
}

}  // namespace

void AddScreenCommand(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ScreenOptions>();
  CLI::App* cmd = app.add_subcommand(
      "screen",
      "Screen a patient before starting LDN: medications (opioids and their washout, interactions), conditions "
      "and planned surgery. Input JSON: {\"today\":\"YYYY-MM-DD\",\"medications\":[{\"name\":...,"
      "\"last_taken\":\"YYYY-MM-DD\"|null,\"current\":true|false}],\"conditions\":[...],"
      "\"planned_surgery\":\"YYYY-MM-DD\"|null,\"jurisdiction\":\"us\"|\"uk\"|...|null}. Verdict: eligible, wait, "
      "review or not_eligible. Without a jurisdiction, the most restrictive label rule applies (docs/screening.md).");
  cmd->add_option("FILE", opts->input, "input JSON file, or - for standard input")->required();
  cmd->add_flag("--json", opts->json, "print the report as JSON");
  cmd->add_option("--jurisdiction", opts->jurisdiction,
                  "market whose label rules apply when the input names none (us, ca, uk, eu, dk, au, ...; "
                  "data/jurisdictions.json)");
  cmd->callback([opts, &ctx] { ctx.exit_code = Run(*opts); });
}

}  // namespace ldn::cli
