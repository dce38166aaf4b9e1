// Shared plumbing of the `ldn` command's verbs: input, output and the one mapping from Status
// codes to exit codes.
//
// Exit codes (CONTRIBUTING.md): 0 success; 2 bad input (the message names the field);
// 1 anything else (internal error, unavailable dependency). Never a crash or a stack trace.
#ifndef LDN_CLI_CLI_SUPPORT_H_
#define LDN_CLI_CLI_SUPPORT_H_

#include <string>
#include <string_view>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/result.h"

namespace ldn::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitBadInput = 2;

// The one place a Status code becomes an exit code.
int ExitCodeFor(Code code);

// What every verb receives. `clock` is the real clock unless LDN_NOW=YYYY-MM-DDTHH:MM:SSZ is set
// in the environment (reproducible output for tests and golden files).
struct Context {
  const Clock* clock = nullptr;
  std::string fixed_now;  // the LDN_NOW text when it fixed the clock, else empty (`ldn serve` refuses it)
  int exit_code = kExitOk;  // set by the verb's callback
};

// Reads the whole input named on the command line: a path, or "-" for standard input.
// Fails with kInvalidArgument naming `field` when the file cannot be read.
Result<std::string> ReadInput(const std::string& path_or_dash, std::string_view field);

// Prints "ldn <verb>: error: <field>: <message>" to stderr and returns the exit code for it.
int ReportError(std::string_view verb, const Status& status);

// Prints `j` indented by two spaces, followed by a newline, to stdout.
void PrintJson(const nlohmann::json& j);

// Rounds to `decimals` places for JSON output (avoids 0.30000000000000004 in reports).
double Round(double value, int decimals);

// Registration of each verb (one file per verb in src/cli/).
void AddScreenCommand(CLI::App& app, Context& ctx);
void AddPlanCommand(CLI::App& app, Context& ctx);
void AddScoreCommand(CLI::App& app, Context& ctx);
void AddDemoCommand(CLI::App& app, Context& ctx);
void AddKnowledgeCommand(CLI::App& app, Context& ctx);
void AddCompoundCommand(CLI::App& app, Context& ctx);
void AddPkCommand(CLI::App& app, Context& ctx);
void AddAnalyzeCommand(CLI::App& app, Context& ctx);   // analyze.cpp
void AddSimulateCommand(CLI::App& app, Context& ctx);  // simulate.cpp
void AddTrialCommands(CLI::App& app, Context& ctx);    // trial.cpp: N-of-1 design, allocate, simulate, analyze, pool
void AddStoreCommands(CLI::App& app, Context& ctx);    // store_admin.cpp: backup, restore, migrate
void AddServerCommands(CLI::App& app, Context& ctx);   // serve.cpp: serve, user, careteam, audit
void AddSafetyCommand(CLI::App& app, Context& ctx);    // safety.cpp: gate, report, dose, terms (issue 12)

}  // namespace ldn::cli

#endif  // LDN_CLI_CLI_SUPPORT_H_
