#pragma once
// `pfsim summary`: a compact table read back from a results file.
#include <ostream>
#include <string>
#include <vector>

namespace pfsim {

// years: the years to show (empty: a default selection). Throws
// std::runtime_error when the file is not a pfsim results file.
void print_summary(const std::string& path, const std::vector<int>& years, std::ostream& out);

}  // namespace pfsim
