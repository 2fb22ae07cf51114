#include "models/funds/performance.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

namespace pfsim {

PerformanceModel::PerformanceModel(const ModelParams& p, OutputRegistry& o) : years_(p.years()) {
  max_drawdown_ = o.scalar("max_drawdown", "share", "maximum drawdown of the fund's cumulative real return index, while it holds assets");
  tracking_error_ = o.undefined_scalar("tracking_error", "rate", "sd over years of the fund's return minus its benchmark's, while it holds assets");
  active_return_ = o.scalar("active_return", "rate", "mean over years of the fund's return minus its benchmark's, while it holds assets");
  for (int h : p.return_horizons)
    if (h < years_) horizons_.push_back(h);
  horizons_.push_back(years_);
  for (int h : horizons_) {
    const std::string s = std::to_string(h);
    const std::string held = "; undefined (NaN) where the fund is depleted before";
    const auto first = o.undefined_scalar("return_nominal_" + s + "y", "rate", "annualised nominal fund return over the first " + s + " years" + held);
    if (h == horizons_.front()) first_return_ = first;
    o.undefined_scalar("return_real_" + s + "y", "rate", "annualised real fund return over the first " + s + " years" + held);
    o.undefined_scalar("excess_over_wage_" + s + "y", "rate", "annualised fund return relative to nominal wage growth, first " + s + " years" + held);
    o.undefined_scalar("excess_over_crediting_" + s + "y", "rate", "annualised fund return relative to the account crediting rate, first " + s + " years" + held);
  }
}

void PerformanceModel::prepare(PerformanceState& s) const {
  for (auto* v : {&s.gross, &s.cpi, &s.wage_growth, &s.crediting}) v->assign(static_cast<std::size_t>(years_), 0.0);
}

void PerformanceModel::start(PerformanceState& s) const {
  // The per-year arrays are overwritten year by year before finish reads them.
  s.wealth_real = s.peak = 1;
  s.max_drawdown = s.te_sum = s.te_sum2 = 0;
  s.life = 0;
}

void PerformanceModel::step(int t, double gross, double benchmark, double inflation, double cpi, double wage_growth,
                            double crediting, bool holds_assets, PerformanceState& s) const {
  if (!holds_assets) return;
  ++s.life;
  s.wealth_real *= gross / (1 + inflation);
  s.peak = std::max(s.peak, s.wealth_real);
  s.max_drawdown = std::max(s.max_drawdown, 1 - s.wealth_real / s.peak);
  const double rel = gross - benchmark;
  s.te_sum += rel;
  s.te_sum2 += rel * rel;
  const auto tu = static_cast<std::size_t>(t);
  s.gross[tu] = gross;
  s.cpi[tu] = cpi;
  s.wage_growth[tu] = wage_growth;
  s.crediting[tu] = crediting;
}

void PerformanceModel::finish(const PerformanceState& s, PathRecord& rec) const {
  // Over the years the fund held assets (the first year always counts).
  const int H = s.life;
  constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();
  rec.scalars[max_drawdown_] = s.max_drawdown;
  rec.scalars[tracking_error_] = H > 1 ? std::sqrt(std::max(0.0, (s.te_sum2 - s.te_sum * s.te_sum / H) / (H - 1))) : kUndefined;
  rec.scalars[active_return_] = s.te_sum / H;
  // Annualised returns over the first h years, where the fund lived through them.
  for (std::size_t hi = 0; hi < horizons_.size(); ++hi) {
    const int h = horizons_[hi];
    if (h > H) {
      for (int kind = 0; kind < 4; ++kind) rec.scalars[return_scalar(hi, kind)] = kUndefined;
      continue;
    }
    double fund = 1, wage = 1, credit = 1;
    for (std::size_t t = 0; t < static_cast<std::size_t>(h); ++t) {
      fund *= s.gross[t];
      wage *= 1 + s.wage_growth[t];
      credit *= 1 + s.crediting[t];
    }
    const double inv = 1.0 / h;
    rec.scalars[return_scalar(hi, 0)] = std::pow(fund, inv) - 1;
    rec.scalars[return_scalar(hi, 1)] = std::pow(fund / s.cpi[static_cast<std::size_t>(h - 1)], inv) - 1;
    rec.scalars[return_scalar(hi, 2)] = std::pow(fund / wage, inv) - 1;
    rec.scalars[return_scalar(hi, 3)] = std::pow(fund / credit, inv) - 1;
  }
}

}  // namespace pfsim
