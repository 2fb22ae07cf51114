#pragma once
// Representative workers (model.md section 7): stylised careers at a fixed
// multiple of the average wage, followed on each path from their first
// contribution to retirement, with the replacement rate of each tier at
// retirement: the basic pension (pooled and transitional), the personal
// account, an occupational or enterprise annuity and the private pension.
// Const and shared by all threads; each path carries its own WorkersState.
#include <functional>
#include <string>
#include <vector>

#include "models/demography/demography.h"
#include "models/funds/fund.h"
#include "models/outputs.h"
#include "models/params.h"
#include "models/scheme/scheme.h"

namespace pfsim {

// One worker's balances on 1 January of the year being simulated.
struct WorkerBalances {
  double account = 0;            // basic personal account (notional, credited)
  double annuity = 0;            // the annuity's funded part
  double annuity_notional = 0;   // its notional employer part
  double private_pension = 0;
};

struct WorkersState {
  std::vector<WorkerBalances> balances;  // per worker
  std::vector<double> rates;             // per worker and tier (kTiers), set at retirement
  double previous_wage = 0;              // w_{y-1}
};

// The year's values a worker's accounts need.
struct WorkerYear {
  double average_wage = 0;       // w_y
  double crediting = 0;          // i_y of the basic accounts
  double account_rate = 0;       // tau_pa,y
  const double* ez = nullptr;    // exp(z) of the economy's variables
};

class WorkersModel {
 public:
  // The tiers reported per worker, in this order.
  enum Tier { basic = 0, account = 1, annuity = 2, private_pension = 3, total = 4, kTiers = 5 };

  // demography: the central projection that prices a level annuity (needed
  // only when a tier pays one).
  WorkersModel(const ModelParams& params, const DemographyModel& demography, OutputRegistry& outputs);

  // The level annuity factor a = sum_{t >= 0} v^t tp of a life aged `age` in
  // `year`, payments at the start of each year, v = 1 / (1 + rate), tp the
  // survival along the cohort's diagonal, tp_{t+1} = tp_t exp(-mx(age + t,
  // year + t)), to age 130. The annual pension of a balance B is B / a.
  static double level_annuity_factor(const std::function<double(int age, int year)>& mx, int age, int year, double rate);

  bool empty() const { return workers_.empty(); }
  std::size_t count() const { return workers_.size(); }
  const std::string& name(std::size_t w) const { return workers_[w].name; }
  int retirement_year(std::size_t w) const { return workers_[w].retire_year; }
  double threshold() const { return p_.threshold; }
  // The balances on 1 January of start_year (the history before it, deterministic).
  void start(WorkersState& s) const;
  // Year t (calendar `year`): contributions and crediting of every worker
  // still working, and the awards of those who retire during the year.
  void step(int t, int year, const WorkerYear& in, WorkersState& s) const;
  void finish(const WorkersState& s, PathRecord& rec) const;
  // A worker's replacement rate of a tier once retired (tests).
  double rate(const WorkersState& s, std::size_t w, Tier tier) const {
    return s.rates[w * kTiers + static_cast<std::size_t>(tier)];
  }

 private:
  struct Worker {
    std::string name;                  // "<cohort>_<group>_<career %>"
    double career = 1;                 // k: wage / average wage
    double base = 1;                   // contribution base / average wage: k within the floor and cap
    double retire_time = 0;            // b + R / 12 (born on 1 January of b)
    int entry_year = 0, retire_year = 0;
    double divisor = 0;                // D(R), months
    double annuity_divisor = 0, private_divisor = 0;  // each funded tier's: D(R), or 12 x its level annuity factor
    double basic_factor = 0;           // (1 + I)/2 n 1% + transitional, times w_{y_r - 1}
    bool eligible = true;              // n >= the minimum years in the year of retirement
    std::size_t slots[kTiers + 1];     // the tiers' scalars, then the indicator below the threshold
  };
  // The funded tiers' contribution rules of one year, read from their paths.
  struct TierYear {
    bool annuity = false, private_pension = false;  // the tier takes contributions this year
    double employer = 0, member = 0, notional_rate = 0;
    double private_amount = 0;                       // within the cap
  };
  TierYear tier_year(int year) const;
  // Contributions and crediting of worker w over `fraction` of year `year`.
  void accrue(const Worker& w, int year, double fraction, double wage, double crediting, double account_rate,
              const TierYear& tiers, double annuity_return, double private_return, WorkerBalances& b) const;
  void award(const Worker& w, std::size_t index, double previous_wage, const WorkerBalances& b, WorkersState& s) const;

  WorkersParams p_;      // copies: the model outlives any config it was built from
  SchemeParams scheme_;
  int start_year_ = 0;
  std::vector<Worker> workers_;
  std::vector<WorkerBalances> initial_;  // on 1 January of start_year
  std::vector<TierYear> tier_years_;     // per simulated year
  StrategyModel annuity_strategy_, private_strategy_;
  bool has_annuity_ = false, has_private_ = false;
};

}  // namespace pfsim
