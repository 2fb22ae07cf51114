#include "models/funds/funds.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "models/units.h"

namespace pfsim {

FundsModel::FundsModel(const ModelParams& p, OutputRegistry& o)
    : basic_(p.basic_fund),
      reserve_(p.reserve),
      account_(p.account_fund),
      reserve_on_(p.has_reserve),
      funded_(p.scheme.funding == AccountFunding::funded),
      backstop_(p.scheme.backstop),
      floor_months_(p.scheme.backstop_floor_months),
      strategy_(p.basic_fund.strategy, p.start_year, p.end_year) {
  if (!basic_.benchmark.assets.empty()) benchmark_ = StrategyModel(basic_.benchmark, p.start_year, p.end_year);
  if (reserve_on_) {
    reserve_strategy_ = StrategyModel(reserve_.strategy, p.start_year, p.end_year);
    reserve_inflow_ = reserve_.inflow.sample(p.start_year, p.end_year);
  }
  if (funded_) account_strategy_ = StrategyModel(account_.strategy, p.start_year, p.end_year);
  if (basic_.strategy.dynamic()) dynamic_ = DynamicStrategy(basic_.strategy, strategy_);

  out_.balance = o.year("fund_balance", units::kMoney, "basic pension fund balance at 31 December, after any backstop transfer");
  out_.balance_real = o.year("fund_balance_real", units::kRealMoney, "fund_balance / CPI (CPI = 1 in the year before start_year)");
  out_.shadow_real = o.year("shadow_balance_real", units::kRealMoney, "real balance of the same fund run without the backstop (may be negative)");
  out_.months = o.year("months_covered", "months", "12 x fund_balance / benefits of the year");
  out_.backstop = o.year("backstop", units::kMoney, "transfer that lifts the balance to its floor at year end");
  out_.empty_gap = o.year("empty_account_gap", units::kMoney, "account liability minus the assets that back it (notional accounts: all of it)");
  out_.burden_employers = o.year("burden_employers", "share", "pooling contributions / (contributions + subsidy + backstop)");
  out_.burden_individuals = o.year("burden_individuals", "share", "account contributions / (contributions + subsidy + backstop)");
  out_.burden_state = o.year("burden_state", "share", "(subsidy + backstop) / (contributions + subsidy + backstop)");
  out_.reserve = o.year("reserve_balance", units::kMoney, "strategic reserve balance at 31 December (0 without a reserve)");
  out_.reserve_transfer = o.year("reserve_transfer", units::kMoney, "transfer from the strategic reserve to the basic fund at year end");
  out_.account_fund = o.year("account_fund_balance", units::kMoney, "invested personal-account fund at 31 December (0 for notional accounts)");
  out_.portfolio = o.year("portfolio_return", "rate", "basic fund's return R_y, net of fees");
  out_.benchmark = o.year("benchmark_return", "rate", "policy benchmark portfolio's return (0 without a benchmark)");
  if (!dynamic_.empty()) {
    for (std::size_t k = 0; k < dynamic_.assets(); ++k) {
      const auto& name = p.economy.variables[static_cast<std::size_t>(dynamic_.asset(k))];
      weight_slots_.push_back(o.year("basic_weight_" + name, "share",
                                     "the basic fund's weight in " + name + " held during the year (dynamic strategy)"));
    }
    turnover_slot_ = o.year("basic_turnover", "share",
                            "buys plus sells at the 1 January rebalancing, a share of the basic fund (0 within the band)");
  }
  out_.depletion = o.scalar("depletion_year", "year", "first year whose pre-backstop balance is below zero; +inf: never", true);
  out_.terminal_shadow = o.scalar("terminal_real_shadow_balance", units::kRealMoney, "real shadow balance at the end of the horizon");
}

double FundsModel::initial_assets() const {
  return basic_.initial_balance + (reserve_on_ ? reserve_.initial_balance : 0.0) + (funded_ ? account_.initial_balance : 0.0);
}

void FundsModel::start(FundsState& s) const {
  s = FundsState{};
  s.balance = s.shadow = basic_.initial_balance;
  s.reserve = s.shadow_reserve = reserve_on_ ? reserve_.initial_balance : 0.0;
  s.account_fund = funded_ ? account_.initial_balance : 0.0;
  s.depletion = std::numeric_limits<double>::infinity();
}

FundReturns FundsModel::returns(int t, const double* ez, FundsState& s) const {
  FundReturns r;
  if (dynamic_.empty()) {
    r.basic = strategy_.gross_return(t, ez);
  } else {
    StrategyInputs in;
    in.balance = s.balance;
    in.benefits_last = t == 0 ? first_benefits_ : s.benefits_last;
    in.outflow_last = t == 0 ? 0.0 : s.outflow_last;
    in.drawdown = 1 - s.index / s.peak;
    s.turnover = dynamic_.decide(t, in, s.has_weights ? &s.weights : nullptr, s.held);
    r.basic = dynamic_.gross_return(s.held, ez, s.turnover);
  }
  r.benchmark = benchmark_.empty() ? 1.0 : benchmark_.gross_return(t, ez);
  r.debt = basic_.debt_rate_variable >= 0 ? ez[basic_.debt_rate_variable] : 1.0;
  r.account = funded_ ? account_strategy_.gross_return(t, ez) : r.basic;
  return r;
}

double FundsModel::reserve_year(int t, double inflow, const double* ez, double target, double& reserve,
                                FundYear& basic) const {
  const double rg = reserve_strategy_.gross_return(t, ez);
  reserve = fund_step(reserve, inflow, rg, rg).end;
  double transfer = 0;
  if (basic.before_floor < target) transfer = std::min(target - basic.before_floor, reserve_.transfer_max_share * std::max(reserve, 0.0));
  if (transfer > 0) {  // (under regional pooling there is none, and the regions' backstops stay in basic.end)
    reserve -= transfer;
    basic.before_floor += transfer;
    basic.end = basic.before_floor;
  }
  return transfer;
}

FundsYearResult FundsModel::step(int t, int year, const double* ez, const FundReturns& r, const SchemeFlows& f,
                                 FundsState& s, const FundYear* regional) const {
  if (t == 0) s.first_wage = f.average_wage;
  const double contributions = f.contributions_pooling + f.contributions_account;
  const double benefits = f.benefits();
  // Notional accounts: everything passes through the basic fund. Funded
  // accounts: the account fund takes account contributions and pays account
  // pensions up to the balances, refunds and transfers out; the basic fund
  // pays the overdraft.
  const double net = funded_ ? f.contributions_pooling + f.subsidy - f.benefits_pooled() - f.overdraft - f.admin_costs
                             : contributions + f.subsidy - f.expenditure();
  FundsYearResult y;
  y.basic = regional ? *regional : fund_step(s.balance, net, r.basic, r.debt);
  FundYear shadow = fund_step(s.shadow, net, r.basic, r.debt);
  if (reserve_on_) {
    const double indexing = reserve_.inflow_wage_indexed ? f.average_wage / s.first_wage : 1.0;
    y.reserve_inflow = reserve_inflow_[static_cast<std::size_t>(t)] * indexing;
    const double target = regional ? -std::numeric_limits<double>::infinity() : reserve_.transfer_below_months / 12.0 * benefits;
    y.reserve_transfer = reserve_year(t, y.reserve_inflow, ez, target, s.reserve, y.basic);
    reserve_year(t, y.reserve_inflow, ez, target, s.shadow_reserve, shadow);
  }
  if (backstop_ && !regional) apply_backstop(y.basic, floor_months_ / 12.0 * benefits);
  if (funded_) {
    const double account_outflow = f.benefits_account - f.overdraft + f.refunds + f.transfers_out;
    s.account_fund = fund_step(s.account_fund, f.contributions_account - account_outflow, r.account, r.account).end;
  }
  if (y.basic.before_floor < 0 && !std::isfinite(s.depletion)) s.depletion = year;
  if (!dynamic_.empty()) {
    // What the strategy will know on 1 January of next year.
    s.benefits_last = benefits;
    s.outflow_last = -net;
    s.index *= r.basic;
    s.peak = std::max(s.peak, s.index);
    s.weights = dynamic_.drift(s.held, ez);
    s.has_weights = true;
  }
  s.balance = y.basic.end;
  s.shadow = y.shadow_end = shadow.end;
  return y;
}

void FundsModel::record(int t, const FundsYearResult& y, const FundsState& s, const FundReturns& r,
                        const SchemeFlows& f, double cpi, PathRecord& rec) const {
  const double benefits = f.benefits();
  const double backstop = y.basic.backstop;
  const double funding = f.contributions_pooling + f.contributions_account + f.subsidy + backstop;
  rec.at(out_.balance, t) = s.balance;
  rec.at(out_.balance_real, t) = s.balance / cpi;
  rec.at(out_.shadow_real, t) = s.shadow / cpi;
  rec.at(out_.months, t) = benefits > 0 ? 12.0 * s.balance / benefits : 0.0;
  rec.at(out_.backstop, t) = backstop;
  rec.at(out_.empty_gap, t) = f.account_liability - s.account_fund;
  rec.at(out_.burden_employers, t) = funding > 0 ? f.contributions_pooling / funding : 0.0;
  rec.at(out_.burden_individuals, t) = funding > 0 ? f.contributions_account / funding : 0.0;
  rec.at(out_.burden_state, t) = funding > 0 ? (f.subsidy + backstop) / funding : 0.0;
  rec.at(out_.reserve, t) = s.reserve;
  rec.at(out_.reserve_transfer, t) = y.reserve_transfer;
  rec.at(out_.account_fund, t) = s.account_fund;
  rec.at(out_.portfolio, t) = r.basic - 1;
  rec.at(out_.benchmark, t) = r.benchmark - 1;
  for (std::size_t k = 0; k < weight_slots_.size(); ++k) rec.at(weight_slots_[k], t) = s.held[k];
  if (!dynamic_.empty()) rec.at(turnover_slot_, t) = s.turnover;
}

void FundsModel::finish(const FundsState& s, double cpi, PathRecord& rec) const {
  rec.scalars[out_.depletion] = s.depletion;
  rec.scalars[out_.terminal_shadow] = s.shadow / cpi;
}

}  // namespace pfsim
