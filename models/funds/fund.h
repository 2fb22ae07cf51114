#pragma once
// Investment strategies and the fund recursion (model.md section 4).
#include <vector>

#include "models/params.h"

namespace pfsim {

// Target weights per calendar year, flattened for the path-year loop.
class StrategyModel {
 public:
  StrategyModel() = default;
  StrategyModel(const Strategy& s, int start_year, int end_year);
  bool empty() const { return assets_.empty(); }
  // 1 + R_y = sum_k w_k exp(z_k) - fee, ez the year's row of exp(z), z the
  // annual log returns (EconomyPath::growth).
  double gross_return(int t, const double* ez) const {
    double g = 0;
    const double* w = &weights_[static_cast<std::size_t>(t) * assets_.size()];
    for (std::size_t k = 0; k < assets_.size(); ++k) g += w[k] * ez[assets_[k]];
    return g - fee_;
  }
  double weight(int t, std::size_t k) const { return weights_[static_cast<std::size_t>(t) * assets_.size() + k]; }
  const std::vector<int>& assets() const { return assets_; }

 private:
  std::vector<int> assets_;
  std::vector<double> weights_;  // [t][k]
  double fee_ = 0;
};

struct FundYear {
  double start = 0;          // F_y
  double before_floor = 0;   // F*_{y+1}, after any transfer from the reserve
  double end = 0;            // F_{y+1} after the backstop
  double backstop = 0;       // transfer that lifts F* to the floor
};

// F*_{y+1} = F_y (1 + r) + net (1 + r)^(1/2), r the portfolio return R_y, or
// the debt rate while the balance is negative; F_{y+1} = F*_{y+1}.
FundYear fund_step(double balance, double net_flow, double gross_return, double gross_debt_rate);

// The backstop: F_{y+1} = max(F_{y+1}, floor), the difference recorded as the
// state's transfer. Applied after the reserve's transfer (model.md section 4).
void apply_backstop(FundYear& year, double floor);

}  // namespace pfsim
