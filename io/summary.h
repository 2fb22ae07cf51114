#pragma once
// `pfsim summary`: a compact table read back from a results file.
#include <ostream>
#include <string>
#include <vector>

namespace pfsim {

// The years a summary shows: the table's, and those of the depletion
// probabilities (the horizon's last year is added to these, and to the
// table's when they are a default selection). Years the run does not
// cover are skipped.
struct SummaryYears {
  std::vector<int> table;
  bool table_is_default = false;
  std::vector<int> depletion;
};

// Throws InputError when the file is not a pfsim results file.
void print_summary(const std::string& path, const SummaryYears& years, std::ostream& out);

}  // namespace pfsim
