#pragma once
// Names, units and descriptions of what a path reports. The registry is
// built once per run by the model; the engine and the results writer use it
// without knowing what the metrics mean.
#include <string>
#include <vector>

namespace pfsim {

struct MetricSpec {
  std::string name;
  std::string unit;
  std::string description;
  bool may_be_infinite = false;  // +inf is a value ("never"); any other non-finite value stops a run
  // NaN is a value: undefined on this path (a return over a horizon the
  // fund did not live through); statistics are over the defined paths.
  bool may_be_undefined = false;
};

// One path's output: year metrics [metric][year] and per-path scalars.
struct PathRecord {
  std::vector<double> year_values;  // metric * years + t
  std::vector<double> scalars;
  int years = 0;
  double& at(std::size_t metric, int t) { return year_values[metric * static_cast<std::size_t>(years) + static_cast<std::size_t>(t)]; }
  double at(std::size_t metric, int t) const { return year_values[metric * static_cast<std::size_t>(years) + static_cast<std::size_t>(t)]; }
};

}  // namespace pfsim
