// The one mapper from what a command throws to its exit status and message
// (run/exit_status.h), shared by pfsim and pfsim-mpi.
#include <catch2/catch.hpp>

#include <sstream>
#include <stdexcept>

#include "core/error.h"
#include "run/exit_status.h"

using namespace pfsim;

namespace {
template <class F>
std::pair<int, std::string> status_of(F throw_it, bool print = true) {
  std::ostringstream err;
  const int status = guarded([&]() -> int { throw_it(); return 99; }, err, "pfsim", "", print);
  return {status, err.str()};
}
}  // namespace

TEST_CASE("each kind of error has its documented exit status and message") {
  const auto [input, input_msg] = status_of([] { throw InputError({"a.toml", 3, 5}, "run.paths", "must be positive"); });
  CHECK(input == 2);
  CHECK(input_msg == "a.toml:3:5: error: 'run.paths': must be positive\n");

  const auto [option, option_msg] = status_of([] { throw InputError("--paths 0: out of range"); });
  CHECK(option == 2);
  CHECK(option_msg == "--paths 0: out of range\n");

  const auto [io, io_msg] = status_of([] { throw IoError("cannot write x.h5: No space left on device"); });
  CHECK(io == 1);
  CHECK(io_msg == "pfsim: I/O error: cannot write x.h5: No space left on device\n");

  const auto [sim, sim_msg] = status_of([] { throw SimulationError(17, 2051, "the fund became non-finite"); });
  CHECK(sim == 1);
  CHECK(sim_msg == "pfsim: simulation stopped: path 17, year 2051: the fund became non-finite\n");

  const auto [goal, goal_msg] = status_of([] { throw UnreachableGoal("out of reach"); });
  CHECK(goal == 3);
  CHECK(goal_msg == "pfsim: goal seek: out of reach\n");

  const auto [stop, stop_msg] = status_of([] { throw Interrupted(); });
  CHECK(stop == 130);
  CHECK(stop_msg.find("interrupted; no results file was written") != std::string::npos);

  const auto [other, other_msg] = status_of([] { throw std::runtime_error("boom"); });
  CHECK(other == 1);
  CHECK(other_msg == "pfsim: error: boom\n");
}

TEST_CASE("a command's own status passes through, and print = false keeps quiet") {
  std::ostringstream err;
  CHECK(guarded([] { return 0; }, err) == 0);
  CHECK(guarded([] { return 130; }, err) == 130);
  CHECK(err.str().empty());
  const auto [status, msg] = status_of([] { throw InputError({"a.toml", 1, 1}, "", "bad"); }, false);
  CHECK(status == 2);
  CHECK(msg.empty());
}
