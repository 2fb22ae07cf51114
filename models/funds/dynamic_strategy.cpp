#include "models/funds/dynamic_strategy.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace pfsim {

DynamicStrategy::DynamicStrategy(const Strategy& s, const StrategyModel& fixed)
    : fixed_(&fixed),
      n_(s.assets.size()),
      assets_(s.assets),
      rule_(s.rule),
      liquidity_(s.liquidity_asset),
      cover_(s.liquidity_cover),
      band_(s.rebalance_band),
      cost_(s.rebalance_cost),
      fee_(s.fee),
      limits_(s.limits) {
  if (limits_.size() != n_) limits_.assign(n_, 1.0);
}

double DynamicStrategy::state(const StrategyInputs& in) const {
  constexpr double kNever = std::numeric_limits<double>::infinity();
  switch (rule_.state) {
    case RuleState::months_covered: return in.benefits_last > 0 ? 12.0 * in.balance / in.benefits_last : kNever;
    case RuleState::drawdown: return in.drawdown;
    case RuleState::funded_share:
      return in.outflow_last > 0 ? in.balance / (rule_.horizon * in.outflow_last) : kNever;
    case RuleState::years_to_depletion: return in.outflow_last > 0 ? in.balance / in.outflow_last : kNever;
  }
  return kNever;
}

AssetWeights DynamicStrategy::target(int t, const StrategyInputs& in) const {
  AssetWeights w{};
  if (rule_.on) {
    // Piecewise linear between the points, flat beyond the ends.
    const double x = state(in);
    const auto& at = rule_.at;
    const std::size_t last = at.size() - 1;
    if (!(x > at.front())) {
      for (std::size_t k = 0; k < n_; ++k) w[k] = rule_.weights.front()[k];
    } else if (x >= at[last]) {
      for (std::size_t k = 0; k < n_; ++k) w[k] = rule_.weights[last][k];
    } else {
      const std::size_t hi = static_cast<std::size_t>(std::upper_bound(at.begin(), at.end(), x) - at.begin());
      const std::size_t lo = hi - 1;
      const double f = (x - at[lo]) / (at[hi] - at[lo]);
      for (std::size_t k = 0; k < n_; ++k)
        w[k] = rule_.weights[lo][k] + f * (rule_.weights[hi][k] - rule_.weights[lo][k]);
    }
  } else {
    for (std::size_t k = 0; k < n_; ++k) w[k] = fixed_->weight(t, k);
  }
  apply_liquidity(in, w);
  apply_limits(w);
  return w;
}

void DynamicStrategy::apply_liquidity(const StrategyInputs& in, AssetWeights& w) const {
  // The reserve: at least cover x the next year's net outflow (estimated by
  // last year's) in the liquidity asset; the other weights shrink in proportion.
  if (liquidity_ < 0 || !(in.balance > 0) || !(in.outflow_last > 0)) return;
  const auto q = static_cast<std::size_t>(liquidity_);
  const double need = std::min(1.0, cover_ * in.outflow_last / in.balance);
  if (!(need > w[q])) return;
  const double rest = 1 - w[q];
  for (std::size_t k = 0; k < n_; ++k)
    if (k != q) w[k] = rest > 0 ? w[k] * (1 - need) / rest : 0.0;
  w[q] = need;
}

void DynamicStrategy::apply_limits(AssetWeights& w) const {
  // Each weight above its limit is cut to it; the excess goes to the assets
  // below their limits in proportion to their weights (or equally when they
  // hold none), until nothing is above a limit (config checks that the
  // limits leave room for the whole fund).
  for (std::size_t round = 0; round < n_; ++round) {
    double excess = 0, room_weight = 0;
    std::size_t open = 0;
    for (std::size_t k = 0; k < n_; ++k) {
      if (w[k] > limits_[k]) {
        excess += w[k] - limits_[k];
        w[k] = limits_[k];
      } else if (w[k] < limits_[k]) {
        room_weight += w[k];
        ++open;
      }
    }
    if (!(excess > 0) || open == 0) return;
    for (std::size_t k = 0; k < n_; ++k)
      if (w[k] < limits_[k]) w[k] += room_weight > 0 ? excess * w[k] / room_weight : excess / static_cast<double>(open);
  }
}

double DynamicStrategy::decide(int t, const StrategyInputs& in, const AssetWeights* current, AssetWeights& held) const {
  const AssetWeights goal = target(t, in);
  if (band_ >= 0 && current) {
    bool inside = true;
    for (std::size_t k = 0; k < n_; ++k) inside = inside && std::abs((*current)[k] - goal[k]) <= band_;
    if (inside) {
      held = *current;
      return 0.0;
    }
  }
  held = goal;
  if (!current || band_ < 0) return 0.0;  // annual rebalancing to the target: no cost modelled (the fee covers it)
  double turnover = 0;
  for (std::size_t k = 0; k < n_; ++k) turnover += std::abs(goal[k] - (*current)[k]);
  return turnover;
}

double DynamicStrategy::gross_return(const AssetWeights& w, const double* ez, double turnover) const {
  double g = 0;
  for (std::size_t k = 0; k < n_; ++k) g += w[k] * ez[assets_[k]];
  return g - fee_ - cost_ * turnover;
}

AssetWeights DynamicStrategy::drift(const AssetWeights& held, const double* ez) const {
  AssetWeights next{};
  double total = 0;
  for (std::size_t k = 0; k < n_; ++k) total += held[k] * ez[assets_[k]];
  for (std::size_t k = 0; k < n_; ++k) next[k] = total > 0 ? held[k] * ez[assets_[k]] / total : held[k];
  return next;
}

}  // namespace pfsim
