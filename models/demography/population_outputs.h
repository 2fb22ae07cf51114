#pragma once
// What the demography part reports for a path: population totals and
// dependency, fertility, births and deaths, life expectancy, and the
// population pyramids of chosen years (per-path scalars).
#include <vector>

#include "core/lanes.h"
#include "core/metrics.h"
#include "models/demography/demography.h"
#include "models/outputs.h"

namespace pfsim {

// Population at 31 December of kLanes paths (the stocks of 1 January y + 1).
struct PopulationTotals {
  Lane total{}, young{}, working{}, old{};  // all ages, 0-14, 15-64, 65+
};

class PopulationOutputs {
 public:
  PopulationOutputs(const DemographyModel& demography, const std::vector<int>& pyramid_years, OutputRegistry& outputs);
  // Registers the pyramid cells, contiguous from pyramid_begin(), as float
  // scalars (after every other scalar: the model registers them last).
  void register_pyramids(OutputRegistry& outputs);

  PopulationTotals totals(const DemographyState& s) const;
  void record(int t, int year, const DemographyState& s, const PopulationTotals& totals, int lane, PathRecord& rec) const;

  // Scalars from pyramid_begin() on hold, for each of pyramid_years(), the
  // population at 31 December by sex (male first) and age 0..omega.
  std::size_t pyramid_begin() const { return pyramid_begin_; }
  bool is_pyramid_cell(std::size_t i) const {
    return i >= pyramid_begin_ && i < pyramid_begin_ + pyramid_years_.size() * 2 * static_cast<std::size_t>(omega_ + 1);
  }
  const std::vector<int>& pyramid_years() const { return pyramid_years_; }

 private:
  int omega_;
  std::vector<int> pyramid_years_;
  std::size_t pyramid_begin_ = 0;
  std::size_t population_, young_, working_, old_, dependency_, tfr_, births_, deaths_, e0_male_, e0_female_,
      e60_male_, e60_female_, e65_male_, e65_female_, migration_;
};

}  // namespace pfsim
