#include "models/funds/valuation.h"

#include <cmath>

#include "models/units.h"

namespace pfsim {

ValuationModel::ValuationModel(const ModelParams& p, double initial_assets, OutputRegistry& o)
    : at_fund_return_(p.discount_at_fund_return), rate_(p.discount_rate), years_(p.years()), assets0_(initial_assets) {
  balance_ = o.scalar("actuarial_balance", "share of PV payroll",
                      "(F0 + PV income - PV cost - PV ending fund of one year's cost) / PV payroll");
  balance_no_subsidy_ = o.scalar("actuarial_balance_no_subsidy", "share of PV payroll", "actuarial balance with income = contributions only");
  pv_backstop_ = o.scalar("pv_backstop", units::kMoney,
                          "present value at start of backstop transfers, discounted at the fund's return (or run.discount_rate)");
}

void ValuationModel::step(int t, const SchemeFlows& f, double reserve_inflow, double backstop, double gross_return,
                          ValuationState& s) const {
  // Flows at mid-year, the backstop at year end.
  const double contributions = f.contributions_pooling + f.contributions_account;
  const double dgross = at_fund_return_ ? gross_return : 1 + rate_;
  const double mid = s.discount / std::sqrt(dgross);
  s.pv_income += (contributions + f.subsidy) * mid;
  s.pv_reserve_inflow += reserve_inflow * mid;
  s.pv_contrib += contributions * mid;
  s.pv_cost += f.expenditure() * mid;
  s.pv_payroll += f.payroll * mid;
  s.discount /= dgross;
  s.pv_backstop += backstop * s.discount;
  if (t == years_ - 1) s.last_cost_pv = f.expenditure() * s.discount;
}

void ValuationModel::finish(const ValuationState& s, PathRecord& rec) const {
  rec.scalars[balance_] =
      s.pv_payroll > 0 ? (assets0_ + s.pv_income + s.pv_reserve_inflow - s.pv_cost - s.last_cost_pv) / s.pv_payroll : 0.0;
  rec.scalars[balance_no_subsidy_] = s.pv_payroll > 0 ? (assets0_ + s.pv_contrib - s.pv_cost - s.last_cost_pv) / s.pv_payroll : 0.0;
  rec.scalars[pv_backstop_] = s.pv_backstop;
}

}  // namespace pfsim
