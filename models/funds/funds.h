#pragma once
// The funds part of the path model (model.md section 4): the basic pension
// fund with its backstop and its shadow (the same fund without the
// backstop), the strategic reserve and its transfers, the invested
// personal-account fund, and the policy benchmark. Const and shared by all
// threads; each path carries its own FundsState.
#include <array>
#include <vector>

#include "core/metrics.h"
#include "models/funds/dynamic_strategy.h"
#include "models/funds/fund.h"
#include "models/outputs.h"
#include "models/params.h"
#include "models/scheme/scheme.h"

namespace pfsim {

// The portfolios' gross returns of one year (1 + R), decided by the
// strategies on the year's asset returns.
struct FundReturns {
  double basic = 1;      // the basic fund, net of fees
  double benchmark = 1;  // its policy benchmark (1 without one)
  double debt = 1;       // charged on a negative balance
  double account = 1;    // the fund backing personal accounts (the basic fund unless funded)
  double reserve = 1;    // the strategic reserve (1 without one)
};

// The funds that may follow a dynamic strategy, in the order of their outputs.
enum class FundKind : std::size_t { basic = 0, reserve = 1, accounts = 2 };
inline constexpr std::size_t kFundKinds = 3;

// A dynamic strategy's memory (model.md D4.7): what its fund knows on 1 January.
struct StrategyMemory {
  double payments_last = 0, outflow_last = 0;  // the fund's payments and net outflow of last year
  double index = 1, peak = 1;  // the fund's cumulative return index and its peak
  bool has_weights = false;    // `weights` holds last year's drifted weights
  AssetWeights weights{};      // the weights at 1 January (after last year's drift)
  AssetWeights held{};         // the weights held this year
  double turnover = 0;
};

// The basic fund's net cash flow of a year: income - expenditure of the
// scheme with notional accounts; with funded accounts (model.md D4.6) the
// pooling contributions and the subsidy less the pooled pensions, the
// overdraft and the administrative costs (the account fund takes the rest).
inline double basic_net_cash_flow(const SchemeFlows& f, bool funded_accounts) {
  return funded_accounts ? f.contributions_pooling + f.subsidy - f.benefits_pooled() - f.overdraft - f.admin_costs
                         : f.income() - f.expenditure();
}

// One path's funds at 1 January of the year being simulated.
struct FundsState {
  double balance = 0;         // basic fund, after any backstop
  double shadow = 0;          // basic fund without the backstop (may be negative)
  double reserve = 0, shadow_reserve = 0;
  double account_fund = 0;
  double depletion = 0;       // first year whose pre-backstop balance is negative; +inf until then
  double first_wage = 0;      // the average wage of start_year (wage-indexed reserve inflows)
  std::array<StrategyMemory, kFundKinds> memory;  // per fund, used by a dynamic strategy only
};

// What happened to the funds during one year.
struct FundsYearResult {
  FundYear basic;             // the basic fund: before_floor is the balance before the backstop
  double shadow_end = 0;      // the shadow fund's balance at year end
  double reserve_transfer = 0;
  double reserve_inflow = 0;
};

class FundsModel {
 public:
  FundsModel(const ModelParams& params, OutputRegistry& outputs);

  void start(FundsState& s) const;
  // The year's returns; each dynamic strategy decides its weights here, on
  // its fund's state of 1 January, and keeps them in s.
  FundReturns returns(int t, const double* ez, FundsState& s) const;
  // The benefits in payment in the year before start_year (a dynamic
  // strategy's months covered in the first year).
  void set_first_benefits(double benefits) { first_benefits_ = benefits; }
  bool dynamic(FundKind k) const { return !dynamic_[static_cast<std::size_t>(k)].empty(); }
  // Year t (calendar `year`) of one path: the scheme's flows `f` enter the
  // funds mid-year; the reserve tops the basic fund up, then the backstop
  // lifts it to its floor. Updates `s` to 31 December.
  // regional: under a regional pooling regime, the regions' funds summed
  // (their backstops applied); it replaces the basic fund's own step, and
  // the reserve then makes no transfer (docs/model.md D6.3).
  FundsYearResult step(int t, int year, const double* ez, const FundReturns& r, const SchemeFlows& f,
                       FundsState& s, const FundYear* regional = nullptr) const;
  // The year's fund metrics and the burden shares (who pays).
  void record(int t, const FundsYearResult& y, const FundsState& s, const FundReturns& r, const SchemeFlows& f,
              double cpi, PathRecord& rec) const;
  // The per-path scalars once the years are done.
  void finish(const FundsState& s, double cpi, PathRecord& rec) const;

  // The system's assets at the start: the basic fund, the reserve and invested accounts.
  double initial_assets() const;
  bool funded_accounts() const { return funded_; }

 private:
  // Reserve year: inflow and return, then a transfer that lifts the basic
  // fund towards the reserve's target, within its yearly share.
  double reserve_year(double inflow, double gross, double target, double& reserve, FundYear& basic) const;

  FundParams basic_, reserve_, account_;
  bool reserve_on_ = false, funded_ = false, backstop_ = false;
  double floor_months_ = 0;
  // A fund's return on a dynamic strategy: the weights decided on its state
  // of 1 January (`in`), kept in `m`.
  double dynamic_return(FundKind k, int t, const StrategyInputs& in, const double* ez, StrategyMemory& m) const;
  // What the strategy of fund k will know on 1 January of next year.
  void remember(FundKind k, double payments, double outflow, double gross, const double* ez, StrategyMemory& m) const;

  StrategyModel strategy_, benchmark_, reserve_strategy_, account_strategy_;
  std::array<DynamicStrategy, kFundKinds> dynamic_;
  double first_benefits_ = 0;
  std::array<std::vector<std::size_t>, kFundKinds> weight_slots_;
  std::array<std::size_t, kFundKinds> turnover_slot_{};
  std::vector<double> reserve_inflow_;  // nominal, per year (wage indexing applied per path)
  struct Slots {
    std::size_t balance, balance_real, shadow_real, months, backstop, empty_gap, burden_employers, burden_individuals,
        burden_state, reserve, reserve_transfer, account_fund, portfolio, benchmark;
    std::size_t depletion, terminal_shadow;
  } out_;
};

}  // namespace pfsim
