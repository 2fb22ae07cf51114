#pragma once
// `pfsim summary`: what a results file says, as text for the terminal or as
// JSON for dashboards (docs/summary.md; the JSON schema is
// docs/summary.schema.json).
#include <ostream>
#include <string>
#include <vector>

namespace pfsim {

struct SummaryRequest {
  // The years of the tables and of the depletion rows; empty: chosen from
  // the run (the years where P(depletion) first reaches 5%, 50% and 95%, the
  // decades and the horizon). Every year must be one of the run's.
  std::vector<int> years;
  std::string years_key = "--years";  // names the years' source in errors
  bool json = false;
};

// Throws InputError when the file is not a readable pfsim results file or a
// requested year is outside the run.
void print_summary(const std::string& path, const SummaryRequest& request, std::ostream& out);

}  // namespace pfsim
