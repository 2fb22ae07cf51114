#pragma once
// The pfsim subcommands that are not runs (those are in run/run.h); each
// returns the process exit status (run/exit_status.h).
#include <string>
#include <vector>

namespace pfsim::app {

int fit_mortality(const std::string& config, const std::string& output);
int calibrate(const std::string& csv, const std::string& output, const std::string& year_column);

// `pfsim report` and `pfsim export` are the Python package's (python/pfsim,
// docs/python.md): pfsim runs `python3 -m pfsim <args...>` in place of
// itself, so its output and exit status are the package's. The interpreter
// is $PFSIM_PYTHON, else /usr/bin/python3 (Debian's, which has numpy, h5py,
// matplotlib, pandas and xarray), else python3 on PATH; the package is
// found in $PFSIM_PYTHON_DIR, else in the source tree pfsim was built from.
// Returns only when the interpreter cannot be started (status 1).
int python_command(const std::vector<std::string>& args);

}  // namespace pfsim::app
