#pragma once
// The aggregate enterprise annuity, occupational annuity and private
// pension plans (model.md section 9): members as a share of the employees'
// scheme's contributors, funded accounts invested by the plan's own
// strategy, the balances of retiring members moved to payment and paid out
// by the divisor; the occupational plan's notional employer part credited
// at the basic accounts' rate and funded by budgets at retirement; the
// private pension's flat yearly amounts and its tax on withdrawal. Calibrated to the members and assets on
// 1 January of start_year. Const and shared by all threads; each path
// carries its own AnnuityFundsState.
#include <array>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "models/funds/fund.h"
#include "models/outputs.h"
#include "models/params.h"
#include "models/regions/regions.h"

namespace pfsim {

struct AnnuityPlanState {
  double members = 0;     // 1 January
  double active = 0;      // members' funded balances
  double in_payment = 0;  // retirees' balances being paid out
  double notional = 0;    // the notional employer part of members' balances
};

struct AnnuityFundsState {
  std::array<AnnuityPlanState, 3> plan;
};

// The year's values a plan needs (one path).
struct AnnuityYear {
  double contributors = 0;    // the employees' scheme's contributors at 31 December
  double retiring_share = 0;  // its members of working status who retired during the year
  double average_wage = 0;    // w_y
  double crediting = 0;       // the basic accounts' crediting rate
  const double* ez = nullptr; // exp(z) of the economy's variables
};

class AnnuityFundsModel {
 public:
  enum Plan { enterprise = 0, occupational = 1, private_pension = 2, kPlans = 3 };
  AnnuityFundsModel(const ModelParams& params, const RegionsModel& regions, OutputRegistry& outputs);

  bool empty() const { return !plans_[0].on && !plans_[1].on && !plans_[2].on; }
  bool has(Plan p) const { return plans_[p].on; }
  // Members / the employees' scheme's contributors on 1 January of start_year.
  double member_share(Plan p) const { return plans_[p].share; }
  void start(AnnuityFundsState& s) const;
  // Year t: contributions, returns, retirements and payments of each plan,
  // recorded into rec.
  void step(int t, int year, const AnnuityYear& in, AnnuityFundsState& s, PathRecord& rec) const;

 private:
  struct PlanModel {
    bool on = false;
    AnnuityPlanParams p;
    StrategyModel strategy;
    double share = 0;
    std::vector<double> coverage, funded_rate, notional_rate;  // per year t (rates of the base)
    std::vector<double> amount;                                // per year t: the private pension's, within the cap
    std::size_t members = 0, assets = 0, contributions = 0, benefits = 0, returns = 0, notional = 0, budget = 0, tax = 0;
  };
  std::array<PlanModel, kPlans> plans_;
};

}  // namespace pfsim
