#pragma once
// Strategies that react to the fund (model.md D4.7): weights decided on
// 1 January from what is known then (the balance, last year's benefits and
// net outflow, the drawdown of the fund's return index), as a piecewise-
// linear rule of one state variable, then a liquidity reserve, then the
// legal limits; held until they drift beyond a rebalancing band, with a
// transaction cost on what is traded.
#include <array>
#include <vector>

#include "models/funds/fund.h"
#include "models/params.h"

namespace pfsim {

// What the fund knows on 1 January of the year (model.md D4.7).
struct StrategyInputs {
  double balance = 0;        // F_y, after last year's backstop (and transfers)
  // The fund's payments of y - 1: the basic fund's benefits (in the first
  // year the calibrated pensions in payment), the reserve's transfers to the
  // basic fund, the account fund's account pensions, refunds and transfers
  // out (0 in the first year for these two).
  double benefits_last = 0;
  double outflow_last = 0;   // the fund's net outflow of y - 1 (payments - income; 0 in the first year)
  double drawdown = 0;       // 1 - index / its peak, the fund's cumulative return index
};

using AssetWeights = std::array<double, kMaxDynamicAssets>;

class DynamicStrategy {
 public:
  DynamicStrategy() = default;
  DynamicStrategy(const Strategy& s, const StrategyModel& fixed);

  bool empty() const { return n_ == 0; }
  std::size_t assets() const { return n_; }
  // The rule's state variable (months covered, drawdown, funded share or
  // years to depletion); +inf where nothing flows out.
  double state(const StrategyInputs& in) const;
  // The target weights of year t: the rule at the state (or the fixed mix),
  // then the liquidity reserve, then the limits.
  AssetWeights target(int t, const StrategyInputs& in) const;
  // The weights held in year t: the target, or the current (drifted)
  // weights while every one is within the band of its target. Returns the
  // turnover (sum of |held - current|; 0 without a trade).
  double decide(int t, const StrategyInputs& in, const AssetWeights* current, AssetWeights& held) const;
  // 1 + R: sum_k w_k exp(z_k) - fee - cost x turnover.
  double gross_return(const AssetWeights& w, const double* ez, double turnover) const;
  // The weights at the year's end after each asset's return (cash flows pro rata).
  AssetWeights drift(const AssetWeights& held, const double* ez) const;
  int asset(std::size_t k) const { return assets_[k]; }

 private:
  void apply_liquidity(const StrategyInputs& in, AssetWeights& w) const;
  void apply_limits(AssetWeights& w) const;

  const StrategyModel* fixed_ = nullptr;
  std::size_t n_ = 0;
  std::vector<int> assets_;
  StrategyRule rule_;
  int liquidity_ = -1;
  double cover_ = 0, band_ = -1, cost_ = 0, fee_ = 0;
  std::vector<double> limits_;
};

}  // namespace pfsim
