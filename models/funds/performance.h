#pragma once
// The basic fund's investment performance along one path (model.md section
// 5, D5.10): annualised nominal and real returns and the return relative to
// wage growth and to the crediting rate over several horizons, the maximum
// drawdown of the real return index, and the tracking error and mean active
// return against the benchmark; all measured while the fund holds assets,
// that is up to and including the year it is depleted. A horizon longer
// than that is undefined on the path (NaN).
#include <vector>

#include "core/metrics.h"
#include "models/outputs.h"
#include "models/params.h"

namespace pfsim {

struct PerformanceState {
  double wealth_real = 1, peak = 1, max_drawdown = 0, te_sum = 0, te_sum2 = 0;
  int life = 0;  // years measured: until the fund's depletion year, inclusive
  std::vector<double> gross, cpi, wage_growth, crediting;  // per year: 1 + R_y, CPI at year end, G_y, crediting rate
};

class PerformanceModel {
 public:
  PerformanceModel(const ModelParams& params, OutputRegistry& outputs);
  // Sizes the per-year arrays once per workspace; start resets a path.
  void prepare(PerformanceState& s) const;
  void start(PerformanceState& s) const;
  // holds_assets: the fund was not depleted in an earlier year; years
  // after its depletion are not measured.
  void step(int t, double gross, double benchmark, double inflation, double cpi, double wage_growth, double crediting,
            bool holds_assets, PerformanceState& s) const;
  void finish(const PerformanceState& s, PathRecord& rec) const;

  // Horizons (years) of the annualised return scalars, the last the whole horizon.
  const std::vector<int>& horizons() const { return horizons_; }
  // The scalar of horizon h_index: kind 0 nominal, 1 real, 2 excess over
  // wage growth, 3 excess over the crediting rate.
  std::size_t return_scalar(std::size_t h_index, int kind) const {
    return first_return_ + 4 * h_index + static_cast<std::size_t>(kind);
  }

 private:
  int years_;
  std::vector<int> horizons_;
  std::size_t max_drawdown_, tracking_error_, active_return_, first_return_;
};

}  // namespace pfsim
