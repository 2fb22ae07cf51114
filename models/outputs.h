#pragma once
// What a path reports, registered part by part. Each part of the path model
// (economy, demography, scheme, funds, ...) declares its year metrics and
// per-path scalars once, when the model is built, and keeps the slots it is
// given; it writes them with PathRecord::at and PathRecord::scalars. Readers
// outside the model find a metric by name.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/metrics.h"
#include "core/path_sample.h"

namespace pfsim {

class OutputRegistry {
 public:
  // Registers a metric and returns its slot. Names are unique across the
  // model (std::logic_error for a second registration of a name).
  std::size_t year(std::string name, std::string unit, std::string description);
  // may_be_infinite: +inf is one of the scalar's values (depletion_year:
  // never); every other metric must stay finite on every path.
  std::size_t scalar(std::string name, std::string unit, std::string description, bool may_be_infinite = false);
  // A scalar that is NaN on paths where it is undefined (MetricSpec::may_be_undefined).
  std::size_t undefined_scalar(std::string name, std::string unit, std::string description);
  // A finite scalar stored as float (7 significant digits), half the bytes
  // of a double: the population pyramids' cells. Float scalars come after
  // every other scalar (std::logic_error for a scalar registered after one).
  std::size_t float_scalar(std::string name, std::string unit, std::string description);

  const std::vector<MetricSpec>& year_metrics() const { return year_; }
  const std::vector<MetricSpec>& scalars() const { return scalar_; }
  // The slot of a registered metric; std::out_of_range for an unknown name.
  std::size_t year_index(std::string_view name) const;
  std::size_t scalar_index(std::string_view name) const;
  bool has_year(std::string_view name) const;

  // The shape of every sample, partial file and transfer of this model.
  SampleShape shape(int years) const { return {year_.size(), years, scalar_.size(), float_scalars_}; }

 private:
  void require_no_float_scalar(const std::string& name) const;
  std::vector<MetricSpec> year_, scalar_;
  std::size_t float_scalars_ = 0;
};

}  // namespace pfsim
