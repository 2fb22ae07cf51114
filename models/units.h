#pragma once
// Unit labels of the model's outputs, one spelling for each unit.
#include <string>

namespace pfsim::units {
// Money as the model registers it; a results file spells these out with the
// run's currency and start year (label below).
inline constexpr const char* kMoney = "currency units (nominal)";
inline constexpr const char* kRealMoney = "currency units of the start year";

// The one label of a unit in results files, summaries and reports: money
// gets the run's currency ("CNY (nominal)", "CNY at prices of 1 Jan 2024":
// real amounts are nominal / CPI with CPI = 1 on 1 January of the start
// year); every other unit is returned as it is.
inline std::string label(const std::string& unit, const std::string& currency, int start_year) {
  if (unit == kMoney) return currency + " (nominal)";
  if (unit == kRealMoney) return currency + " at prices of 1 Jan " + std::to_string(start_year);
  return unit;
}
}  // namespace pfsim::units
