// `ldn`: the command-line door onto the ldn library. Each verb lives in its own file.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>

#include "cli/cli_support.h"
#include "core/calendar.h"
#include "core/clock.h"

int main(int argc, char** argv) {
  using namespace ldn::cli;
  try {
    std::unique_ptr<ldn::Clock> clock = std::make_unique<ldn::SystemClock>();
    Context ctx;
    if (const char* now = std::getenv("LDN_NOW"); now != nullptr && *now != '\0') {
      auto t = ldn::ParseUtcInstant(now, "LDN_NOW");
      if (!t.ok()) return ReportError("", t.status());
      clock = std::make_unique<ldn::FixedClock>(*t);
      ctx.fixed_now = now;
    }
    ctx.clock = clock.get();

    CLI::App app{
        "ldn: low-dose naltrexone therapy for fibromyalgia -- screening, titration, scoring, "
        "compounding, pharmacology.\nDecision support for clinicians: every finding says why and "
        "where it comes from.",
        "ldn"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "ldn 0.1.0");
    AddScreenCommand(app, ctx);
    AddPlanCommand(app, ctx);
    AddScoreCommand(app, ctx);
    AddKnowledgeCommand(app, ctx);
    AddCompoundCommand(app, ctx);
    AddPkCommand(app, ctx);
    AddDemoCommand(app, ctx);
    AddAnalyzeCommand(app, ctx);
    AddSimulateCommand(app, ctx);
    AddTrialCommands(app, ctx);
    AddStoreCommands(app, ctx);
    AddServerCommands(app, ctx);
    AddSafetyCommand(app, ctx);
    try {
      app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
      return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
      return app.exit(e);
    } catch (const CLI::ParseError& e) {
      // Usage errors (unknown option, missing argument, bad number) are bad input: exit 2.
      app.exit(e);
      return kExitBadInput;
    }
    return ctx.exit_code;
  } catch (const std::exception& e) {
    std::cerr << "ldn: internal error: " << e.what() << "\n";
    return kExitFailure;
  } catch (...) {
    std::cerr << "ldn: internal error\n";
    return kExitFailure;
  }
}
