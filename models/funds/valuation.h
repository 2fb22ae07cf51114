#pragma once
// The actuarial balance of the scheme along one path (model.md section 5):
// income and cost discounted mid-year at the path's fund return (or a fixed
// rate), the present value of the backstop, and the balance as a share of
// the present value of payroll.
#include "core/metrics.h"
#include "models/outputs.h"
#include "models/params.h"
#include "models/scheme/scheme.h"

namespace pfsim {

struct ValuationState {
  double discount = 1, pv_income = 0, pv_contrib = 0, pv_cost = 0, pv_payroll = 0, pv_backstop = 0, last_cost_pv = 0;
  double pv_reserve_inflow = 0;
};

class ValuationModel {
 public:
  // initial_assets: the system's assets at the start (FundsModel::initial_assets).
  ValuationModel(const ModelParams& params, double initial_assets, OutputRegistry& outputs);
  void start(ValuationState& s) const { s = ValuationState{}; }
  // Year t's flows; `gross_return` is the basic fund's 1 + R_y.
  void step(int t, const SchemeFlows& f, double reserve_inflow, double backstop, double gross_return,
            ValuationState& s) const;
  void finish(const ValuationState& s, PathRecord& rec) const;

 private:
  bool at_fund_return_;
  double rate_;
  int years_;
  double assets0_;
  std::size_t balance_, balance_no_subsidy_, pv_backstop_;
};

}  // namespace pfsim
