#pragma once
// The exit statuses of pfsim and pfsim-mpi (docs/config.md, "Exit
// statuses"), and the one place where what a command throws becomes its
// message and status.
#include <functional>
#include <iosfwd>
#include <string>

namespace pfsim {

enum ExitStatus : int {
  kExitOk = 0,
  kExitFailure = 1,          // a run, I/O or internal failure
  kExitBadInput = 2,         // bad config, option, data or input file: nothing was simulated
  kExitGoalUnreachable = 3,  // goal seek: the target is not met anywhere in the lever's range, or everywhere
  kExitInterrupted = 130,    // SIGINT or SIGTERM: no results file was written
};

// Runs `body` and returns its status, or prints what it throws to `err`
// (prefixed with `program`) and returns the status of that error.
// `interrupted_note` is added to the message of an interrupted run; with
// print = false nothing is printed (MPI ranks other than 0).
int guarded(const std::function<int()>& body, std::ostream& err, const std::string& program = "pfsim",
            const std::string& interrupted_note = "", bool print = true);

}  // namespace pfsim
