#pragma once
// The economy as one path sees it in a year (prices and wage growth), and
// what the economy part reports: the CPI, inflation, wage growth and the
// return of every asset class.
#include <vector>

#include "core/metrics.h"
#include "models/economy/economy.h"
#include "models/outputs.h"

namespace pfsim {

// Year t of one path's economy.
struct EconomyYear {
  const double* ez = nullptr;  // exp(z) of every variable: gross growth factors
  double inflation = 0;        // pi_y
  double real_wage_growth = 0;
  double wage_growth = 0;      // nominal G_y = exp(z_inflation + z_real_wage) - 1
};

// The path's price level and last year's rates, carried from year to year.
struct PriceState {
  double cpi = 1;              // CPI at the end of the last year simulated; 1 at the end of start_year - 1
  double prev_wage_growth = 0, prev_inflation = 0;
};

class EconomyOutputs {
 public:
  EconomyOutputs(const EconomyParams& params, OutputRegistry& outputs);
  // The rates of the years before start_year (the VAR's initial values).
  void start(PriceState& s) const;
  EconomyYear year(const EconomyPath& path, int t) const;
  void record(int t, const EconomyYear& y, double cpi, PathRecord& rec) const;

 private:
  int inflation_var_, real_wage_var_;      // variable indexes
  std::vector<int> asset_vars_;            // variable indexes of the asset classes
  double initial_inflation_, initial_real_wage_;  // z of the year before start_year
  std::size_t cpi_, inflation_, real_wage_, nominal_wage_;
  std::vector<std::size_t> returns_;  // per asset class
};

}  // namespace pfsim
