#include "models/economy/gdp.h"

#include "models/units.h"

namespace pfsim {

GdpModel::GdpModel(const ModelParams& params, const DemographyModel& demography, OutputRegistry& o)
    : on_(params.economy.gdp_on), base_(params.economy.gdp_base), base_wage_(params.scheme.average_wage_base),
      labour_share_(params.economy.labour_share) {
  if (!on_) return;
  base_share_ = labour_share_.at(params.start_year - 1);
  const auto& pop = demography.initial_population();
  for (const auto& row : pop)
    for (std::size_t a = 15; a < 65 && a < row.size(); ++a) working_ += row[a];
  slot_ = o.year("gdp", units::kMoney,
                 "nominal GDP: the base year's carried forward with the average wage and the working-age population (15-64)");
}

double GdpModel::step(int year, double average_wage, double working_end, GdpState& s) const {
  const double working = 0.5 * (s.working + working_end);
  s.gdp = base_ * (average_wage / base_wage_) * (working / working_) * (base_share_ / labour_share_.at(year));
  s.working = working_end;
  return s.gdp;
}

}  // namespace pfsim
