#include "models/economy/economy_outputs.h"

#include <cmath>

namespace pfsim {

EconomyOutputs::EconomyOutputs(const EconomyParams& p, OutputRegistry& o)
    : inflation_var_(p.inflation),
      real_wage_var_(p.real_wage),
      asset_vars_(p.assets),
      initial_inflation_(p.initial(p.inflation)),
      initial_real_wage_(p.initial(p.real_wage)) {
  cpi_ = o.year("cpi", "index", "consumer price index at year end, 1 at the end of the year before start_year");
  inflation_ = o.year("inflation", "rate", "CPI_y / CPI_{y-1} - 1");
  real_wage_ = o.year("real_wage_growth", "rate", "exp(z_real_wage) - 1");
  nominal_wage_ = o.year("nominal_wage_growth", "rate", "exp(z_inflation + z_real_wage) - 1");
  for (int k : asset_vars_)
    returns_.push_back(o.year("return_" + p.variables[static_cast<std::size_t>(k)], "rate",
                              "annual total return of the asset class, exp(z) - 1"));
}

void EconomyOutputs::start(PriceState& s) const {
  s = PriceState{};
  s.prev_wage_growth = std::exp(initial_inflation_ + initial_real_wage_) - 1;
  s.prev_inflation = std::exp(initial_inflation_) - 1;
}

EconomyYear EconomyOutputs::year(const EconomyPath& path, int t) const {
  EconomyYear y;
  const double* z = &path.z(t, 0);
  y.ez = &path.growth(t, 0);
  y.inflation = y.ez[inflation_var_] - 1;
  y.real_wage_growth = y.ez[real_wage_var_] - 1;
  y.wage_growth = std::exp(z[inflation_var_] + z[real_wage_var_]) - 1;
  return y;
}

void EconomyOutputs::record(int t, const EconomyYear& y, double cpi, PathRecord& rec) const {
  rec.at(cpi_, t) = cpi;
  rec.at(inflation_, t) = y.inflation;
  rec.at(real_wage_, t) = y.real_wage_growth;
  rec.at(nominal_wage_, t) = y.wage_growth;
  for (std::size_t k = 0; k < returns_.size(); ++k) rec.at(returns_[k], t) = y.ez[asset_vars_[k]] - 1;
}

}  // namespace pfsim
