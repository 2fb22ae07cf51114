#include "models/funds/fund.h"

#include <algorithm>
#include <cmath>

namespace pfsim {

StrategyModel::StrategyModel(const Strategy& s, int start_year, int end_year)
    : assets_(s.assets), fee_(s.fee) {
  for (int y = start_year; y <= end_year; ++y)
    for (const auto& w : s.weights) weights_.push_back(w.at(y));
}

FundYear fund_step(double balance, double net_flow, double gross_return, double gross_debt_rate) {
  FundYear f;
  f.start = balance;
  const double g = balance >= 0 ? gross_return : gross_debt_rate;
  f.before_floor = balance * g + net_flow * std::sqrt(std::max(g, 0.0));
  f.end = f.before_floor;
  return f;
}

void apply_backstop(FundYear& year, double floor) {
  if (year.end < floor) {
    year.backstop = floor - year.end;
    year.end = floor;
  }
}

}  // namespace pfsim
