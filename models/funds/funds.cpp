#include "models/funds/funds.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

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
  if (basic_.strategy.dynamic()) dynamic_[0] = DynamicStrategy(basic_.strategy, strategy_);
  if (reserve_on_ && reserve_.strategy.dynamic()) dynamic_[1] = DynamicStrategy(reserve_.strategy, reserve_strategy_);
  if (funded_ && account_.strategy.dynamic()) dynamic_[2] = DynamicStrategy(account_.strategy, account_strategy_);

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
  static constexpr const char* kFundName[kFundKinds] = {"basic", "reserve", "accounts"};
  static constexpr const char* kFundText[kFundKinds] = {"basic fund", "strategic reserve", "account fund"};
  for (std::size_t f = 0; f < kFundKinds; ++f) {
    const auto& d = dynamic_[f];
    if (d.empty()) continue;
    for (std::size_t k = 0; k < d.assets(); ++k) {
      const auto& name = p.economy.variables[static_cast<std::size_t>(d.asset(k))];
      weight_slots_[f].push_back(o.year(fmt::format("{}_weight_{}", kFundName[f], name), "share",
                                        fmt::format("the {}'s weight in {} held during the year (dynamic strategy)",
                                                    kFundText[f], name)));
    }
    turnover_slot_[f] = o.year(fmt::format("{}_turnover", kFundName[f]), "share",
                               fmt::format("buys plus sells at the 1 January rebalancing, a share of the {} (0 within the band)",
                                           kFundText[f]));
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

double FundsModel::dynamic_return(FundKind k, int t, const StrategyInputs& in, const double* ez, StrategyMemory& m) const {
  const auto& d = dynamic_[static_cast<std::size_t>(k)];
  m.turnover = d.decide(t, in, m.has_weights ? &m.weights : nullptr, m.held);
  return d.gross_return(m.held, ez, m.turnover);
}

void FundsModel::remember(FundKind k, double payments, double outflow, double gross, const double* ez,
                          StrategyMemory& m) const {
  m.payments_last = payments;
  m.outflow_last = outflow;
  m.index *= gross;
  m.peak = std::max(m.peak, m.index);
  m.weights = dynamic_[static_cast<std::size_t>(k)].drift(m.held, ez);
  m.has_weights = true;
}

FundReturns FundsModel::returns(int t, const double* ez, FundsState& s) const {
  // In the first year a fund knows no flows of the year before, except the
  // basic fund, which knows the pensions in payment (model.md D4.7).
  const auto inputs = [&](double balance, const StrategyMemory& m, double first_payments) {
    StrategyInputs in;
    in.balance = balance;
    in.benefits_last = t == 0 ? first_payments : m.payments_last;
    in.outflow_last = t == 0 ? 0.0 : m.outflow_last;
    in.drawdown = 1 - m.index / m.peak;
    return in;
  };
  FundReturns r;
  if (dynamic(FundKind::basic)) {
    auto& m = s.memory[0];
    r.basic = dynamic_return(FundKind::basic, t, inputs(s.balance, m, first_benefits_), ez, m);
  } else {
    r.basic = strategy_.gross_return(t, ez);
  }
  r.benchmark = benchmark_.empty() ? 1.0 : benchmark_.gross_return(t, ez);
  r.debt = basic_.debt_rate_variable >= 0 ? ez[basic_.debt_rate_variable] : 1.0;
  if (!funded_) {
    r.account = r.basic;
  } else if (dynamic(FundKind::accounts)) {
    auto& m = s.memory[2];
    r.account = dynamic_return(FundKind::accounts, t, inputs(s.account_fund, m, 0.0), ez, m);
  } else {
    r.account = account_strategy_.gross_return(t, ez);
  }
  if (!reserve_on_) {
    r.reserve = 1.0;
  } else if (dynamic(FundKind::reserve)) {
    auto& m = s.memory[1];
    r.reserve = dynamic_return(FundKind::reserve, t, inputs(s.reserve, m, 0.0), ez, m);
  } else {
    r.reserve = reserve_strategy_.gross_return(t, ez);
  }
  return r;
}

double FundsModel::reserve_year(double inflow, double gross, double target, double& reserve, FundYear& basic) const {
  reserve = fund_step(reserve, inflow, gross, gross).end;
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
  const double benefits = f.benefits();
  // Notional accounts: everything passes through the basic fund. Funded
  // accounts: the account fund takes account contributions and pays account
  // pensions up to the balances, refunds and transfers out; the basic fund
  // pays the overdraft.
  const double net = basic_net_cash_flow(f, funded_);
  FundsYearResult y;
  y.basic = regional ? *regional : fund_step(s.balance, net, r.basic, r.debt);
  FundYear shadow = fund_step(s.shadow, net, r.basic, r.debt);
  if (reserve_on_) {
    const double indexing = reserve_.inflow_wage_indexed ? f.average_wage / s.first_wage : 1.0;
    y.reserve_inflow = reserve_inflow_[static_cast<std::size_t>(t)] * indexing;
    const double target = regional ? -std::numeric_limits<double>::infinity() : reserve_.transfer_below_months / 12.0 * benefits;
    // The shadow reserve earns the reserve's return: only the backstop differs.
    y.reserve_transfer = reserve_year(y.reserve_inflow, r.reserve, target, s.reserve, y.basic);
    reserve_year(y.reserve_inflow, r.reserve, target, s.shadow_reserve, shadow);
    if (dynamic(FundKind::reserve))
      remember(FundKind::reserve, y.reserve_transfer, y.reserve_transfer - y.reserve_inflow, r.reserve, ez, s.memory[1]);
  }
  if (backstop_ && !regional) apply_backstop(y.basic, floor_months_ / 12.0 * benefits);
  if (funded_) {
    const double account_outflow = f.benefits_account - f.overdraft + f.refunds + f.transfers_out;
    s.account_fund = fund_step(s.account_fund, f.contributions_account - account_outflow, r.account, r.account).end;
    if (dynamic(FundKind::accounts))
      remember(FundKind::accounts, account_outflow, account_outflow - f.contributions_account, r.account, ez, s.memory[2]);
  }
  if (y.basic.before_floor < 0 && !std::isfinite(s.depletion)) s.depletion = year;
  if (dynamic(FundKind::basic)) remember(FundKind::basic, benefits, -net, r.basic, ez, s.memory[0]);
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
  for (std::size_t fk = 0; fk < kFundKinds; ++fk) {
    if (dynamic_[fk].empty()) continue;
    for (std::size_t k = 0; k < weight_slots_[fk].size(); ++k) rec.at(weight_slots_[fk][k], t) = s.memory[fk].held[k];
    rec.at(turnover_slot_[fk], t) = s.memory[fk].turnover;
  }
}

void FundsModel::finish(const FundsState& s, double cpi, PathRecord& rec) const {
  rec.scalars[out_.depletion] = s.depletion;
  rec.scalars[out_.terminal_shadow] = s.shadow / cpi;
}

}  // namespace pfsim
