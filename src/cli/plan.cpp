// PLACEHOLDER until the verb is written.
#include "cli/cli_support.h"

namespace ldn::cli {

void AddPlanCommand(CLI::App& app, Context& ctx) { (void)app; (void)ctx; }

}  // namespace ldn::cli
