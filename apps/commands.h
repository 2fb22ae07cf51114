#pragma once
// The pfsim subcommands that are not runs (those are in run/run.h); each
// returns the process exit status (run/exit_status.h).
#include <string>
#include <vector>

namespace pfsim::app {

int fit_mortality(const std::string& config, const std::string& output);
int calibrate(const std::string& csv, const std::string& output, const std::string& year_column);

}  // namespace pfsim::app
