#pragma once
// The urban and rural residents' basic pension (model.md section 8): the
// residents outside the employees' scheme, by sex and single age, as
// participants of working age who contribute by grade into funded personal
// accounts, and beneficiaries from pension_age who draw the basic pension
// (central minimum, local top-up, long-contribution bonus) from budgets and
// an account pension from their balance. It reports the scheme's people,
// flows, fund and fiscal cost (central and local, and as a share of GDP),
// and optionally a representative member's pension.
// Const and shared by all threads; kLanes paths side by side in a
// ResidentsState (core/lanes.h).
#include <array>
#include <utility>
#include <vector>

#include "core/lanes.h"
#include "core/path_sample.h"
#include "models/demography/demography.h"
#include "models/funds/fund.h"
#include "models/outputs.h"
#include "models/params.h"
#include "models/regions/regions.h"

namespace pfsim {

// The year's values the scheme needs, each path a lane.
struct ResidentsYear {
  Lane gross_return{};      // 1 + R_y of the residents' fund
  Lane prev_inflation{};    // pi_{y-1}, G_{y-1}: the January indexation
  Lane prev_wage_growth{};
  Lane wage{};              // w_y (the year's average wage)
};

// Flows during the year and stocks at its end.
struct ResidentsFlows {
  Lane participants{}, contributors{}, beneficiaries{};   // 31 December
  Lane beneficiary_years{};
  Lane contributions{}, subsidies{};                       // into the accounts
  Lane basic{}, account{}, overdraft{};                    // pensions; account includes the overdraft
  Lane refunds{}, transfers_out{};                         // balances of the dead; of those who moved to the employees' scheme
  Lane fund{};                                             // 31 December
  Lane central{}, local{};                                 // fiscal cost
};

struct ResidentsState {
  // By sex and age, on 1 January of the year (and of the next, next_*):
  std::array<std::vector<Lane>, 2> participants, next_participants;    // of working age
  std::array<std::vector<Lane>, 2> beneficiaries, next_beneficiaries;
  std::array<std::vector<Lane>, 2> balance, next_balance;              // participants' account balances, total
  std::array<std::vector<Lane>, 2> pension, next_pension;              // beneficiaries' account pensions, total per year
  std::array<std::vector<Lane>, 2> remaining, next_remaining;          // their remaining balances, total
  std::array<std::vector<Lane>, 2> employees;                          // scratch: the employees' scheme's people
  Lane minimum{}, top_up{};                                            // yuan per month in force
  Lane prev_wage{};                                                    // w_{y-1}
  ResidentsFlows flows;
  Lane member_balance{}, member_basic{}, member_account{}, member_replacement{};
};

struct ResidentsCalibration {
  double participation = 0;     // share of the eligible residents of working age who participate
  double beneficiary_share = 0; // share of residents from pension_age who draw a pension
  double history_contribution = 0;  // after scaling to the starting fund
  double fund = 0;              // starting fund (balances and remaining balances)
  double participants = 0, beneficiaries = 0;  // reproduced
};

class ResidentsModel {
 public:
  // Calibrates on the employees' scheme's starting members and pensioners
  // (InputError at residents.participants when the targets cannot be met).
  ResidentsModel(const ModelParams& params, const DemographyModel& demography, const RegionsModel& regions,
                 OutputRegistry& outputs);

  bool empty() const { return !p_.on; }
  const ResidentsCalibration& calibration() const { return calib_; }
  // 1 + R of the residents' fund in year t, ez the year's exp(z).
  double fund_return(int t, const double* ez) const { return strategy_.gross_return(t, ez); }
  // Years of contribution beyond min_years that earn the bonus, of a cohort born in `born`.
  int bonus_years(int born) const;
  // Years contributed by pension_age of a cohort born in `born` (min_years for those
  // who could not reach it after the launch: back-paid; 0 if pension_age before the launch).
  int contribution_years(int born) const;

  void start(ResidentsState& s) const;
  // Year t: flows of `year` and stocks at its end; `national` holds the
  // population on 1 January of year and year + 1, `regions` the employees'
  // scheme after its step of the year.
  void step(int t, int year, const ResidentsYear& in, const DemographyState& national, const RegionsState& regions,
            ResidentsState& s) const;
  static void advance(ResidentsState& s);
  // Lane l's metrics of year t. employees_pension: the employees' scheme's
  // average pension of the year (per pensioner-year).
  void record(int t, int l, const ResidentsState& s, double gdp, double employees_pension, PathRecord& rec) const;
  void finish(const ResidentsState& s, int l, PathRecord& rec) const;

 private:
  double student_factor(int a) const { return a <= p_.student_last_age ? 1 - p_.students : 1.0; }

  ResidentsParams p_;
  const RegionsModel* regions_;
  int start_year_ = 0, ages_ = 0;
  double base_wage_ = 0;                        // w_{y0-1}
  double mean_grade_ = 0, high_share_ = 0;      // sum s_g grade_g; share paying subsidy_high
  ResidentsCalibration calib_;
  StrategyModel strategy_;
  std::vector<double> bonus_;                   // [t][a]: bonus years of the cohort aged a on 1 January of year t
  std::array<std::vector<double>, 2> initial_participants_, initial_beneficiaries_, initial_balance_,
      initial_pension_, initial_remaining_;
  std::size_t participants_ = 0, contributors_ = 0, beneficiaries_ = 0, contributions_ = 0, subsidies_ = 0,
              basic_ = 0, account_ = 0, overdraft_ = 0, refunds_ = 0, transfers_ = 0, fund_ = 0, central_ = 0,
              local_ = 0, cost_gdp_ = 0, minimum_ = 0, average_ = 0, ratio_ = 0;
  std::size_t member_basic_ = 0, member_account_ = 0, member_pension_ = 0, member_replacement_ = 0;
  std::vector<std::pair<std::size_t, Lane ResidentsFlows::*>> flow_slots_;  // flows recorded as they are
};

}  // namespace pfsim
