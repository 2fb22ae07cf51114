#include "run/exit_status.h"

#include <exception>
#include <ostream>

#include "core/error.h"

namespace pfsim {

int guarded(const std::function<int()>& body, std::ostream& err, const std::string& program,
            const std::string& interrupted_note, bool print) {
  auto say = [&](const std::string& line) {
    if (print) err << line << "\n";
  };
  try {
    return body();
  } catch (const InputError& e) {
    say(e.what());
    return kExitBadInput;
  } catch (const Interrupted&) {
    say("\n" + program + ": interrupted; no results file was written" + interrupted_note);
    return kExitInterrupted;
  } catch (const SimulationError& e) {
    say(program + ": simulation stopped: " + e.what());
    return kExitFailure;
  } catch (const UnreachableGoal& e) {
    say(program + ": goal seek: " + e.what());
    return kExitGoalUnreachable;
  } catch (const IoError& e) {
    say(program + ": I/O error: " + e.what());
    return kExitFailure;
  } catch (const std::exception& e) {
    say(program + ": error: " + e.what());
    return kExitFailure;
  }
}

}  // namespace pfsim
