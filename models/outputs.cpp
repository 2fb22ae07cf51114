#include "models/outputs.h"

#include <algorithm>
#include <stdexcept>

namespace pfsim {

namespace {
std::size_t find(const std::vector<MetricSpec>& specs, std::string_view name) {
  const auto it = std::find_if(specs.begin(), specs.end(), [&](const MetricSpec& m) { return m.name == name; });
  return static_cast<std::size_t>(it - specs.begin());
}

std::size_t add(std::vector<MetricSpec>& specs, const std::vector<MetricSpec>& other, MetricSpec m) {
  if (find(specs, m.name) != specs.size() || find(other, m.name) != other.size())
    throw std::logic_error("output '" + m.name + "' is registered twice");
  specs.push_back(std::move(m));
  return specs.size() - 1;
}
}  // namespace

std::size_t OutputRegistry::year(std::string name, std::string unit, std::string description) {
  return add(year_, scalar_, {std::move(name), std::move(unit), std::move(description)});
}

void OutputRegistry::require_no_float_scalar(const std::string& name) const {
  if (float_scalars_ > 0)
    throw std::logic_error("scalar '" + name + "' is registered after the float scalars, which come last");
}

std::size_t OutputRegistry::scalar(std::string name, std::string unit, std::string description, bool may_be_infinite) {
  require_no_float_scalar(name);
  return add(scalar_, year_, {std::move(name), std::move(unit), std::move(description), may_be_infinite});
}

std::size_t OutputRegistry::undefined_scalar(std::string name, std::string unit, std::string description) {
  require_no_float_scalar(name);
  return add(scalar_, year_, {std::move(name), std::move(unit), std::move(description), false, true});
}

std::size_t OutputRegistry::float_scalar(std::string name, std::string unit, std::string description) {
  const auto i = add(scalar_, year_, {std::move(name), std::move(unit), std::move(description)});
  ++float_scalars_;
  return i;
}

std::size_t OutputRegistry::year_index(std::string_view name) const {
  const auto i = find(year_, name);
  if (i == year_.size()) throw std::out_of_range("no year metric '" + std::string(name) + "'");
  return i;
}

std::size_t OutputRegistry::scalar_index(std::string_view name) const {
  const auto i = find(scalar_, name);
  if (i == scalar_.size()) throw std::out_of_range("no per-path scalar '" + std::string(name) + "'");
  return i;
}

bool OutputRegistry::has_year(std::string_view name) const { return find(year_, name) != year_.size(); }

}  // namespace pfsim
