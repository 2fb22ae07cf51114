#pragma once
// The urban employees' basic old-age insurance (model.md section 3): social
// pooling plus personal accounts, members and pensioners tracked by cohort
// (sex and single age), retirement ages by birth month, benefit award and
// indexation, account pensions with the longevity overdraft, subsidy.
#include <array>
#include <vector>

#include "core/lanes.h"
#include "models/demography/demography.h"
#include "models/params.h"

namespace pfsim {

// The economy as the scheme sees it during one year; T is double for one
// path or Lane for kLanes paths side by side (core/lanes.h).
template <class T>
struct SchemeEconomyT {
  T wage_growth{};       // nominal G_y
  T inflation{};         // pi_y = CPI_y / CPI_{y-1} - 1
  T prev_wage_growth{};  // G_{y-1}
  T prev_inflation{};    // pi_{y-1}
  T fund_return{};       // R_y of the fund backing the accounts (the basic fund, or the account fund when funded)
  // A region's relative wage growth: w_y = w_{y-1} (1 + G_y) wage_factor;
  // only used when the region's scheme has a wage drift.
  T wage_factor{};
};
using SchemeEconomy = SchemeEconomyT<double>;
using SchemeEconomyLanes = SchemeEconomyT<Lane>;

// Flows during the year and stocks at its end (31 December = 1 January of y + 1).
template <class T>
struct SchemeFlowsT {
  T average_wage{};          // w_y
  T contributions_pooling{}; // employers
  T contributions_account{}; // individuals
  T benefits_basic{};        // basic pensions, indexed
  T benefits_transitional{}; // transitional pensions for pre-1997 service, indexed
  T benefits_account{};      // account pensions, including the overdraft
  T overdraft{};             // account pensions paid after the balance ran out
  T refunds{};               // account balances of members and pensioners who die
  T transfers_out{};         // balances refunded to retirees without the minimum years
  T admin_costs{};
  T subsidy{};               // the subsidy rule (the backstop is the funds' business)
  T contributors{};          // year-end stock
  T members{};               // year-end stock, working status
  T pensioners{};            // year-end stock
  T new_pensioners{};        // awarded during the year
  T contributor_years{};     // exposure, person-years
  T pensioner_years{};       // exposure, person-years
  T payroll{};               // lambda w_y W (contribution base)
  T account_liability{};     // members' and pensioners' notional balances, year end
  T indexation{};            // increase applied in January of the year
  T crediting_rate{};
  T benefits_pooled() const { return benefits_basic + benefits_transitional; }
  T benefits() const { return benefits_pooled() + benefits_account; }
  T income() const { return contributions_pooling + contributions_account + subsidy; }
  T expenditure() const { return benefits() + refunds + transfers_out + admin_costs; }
};
using SchemeFlows = SchemeFlowsT<double>;
using SchemeFlowLanes = SchemeFlowsT<Lane>;

// Lane l of each flow.
SchemeFlows lane(const SchemeFlowLanes& f, int l);
// Benefits per pensioner-year (0 without pensioners): the `average_pension` metric.
inline double average_pension(const SchemeFlows& f) {
  return f.pensioner_years > 0 ? f.benefits() / f.pensioner_years : 0.0;
}

// Cohort state of kLanes paths, by sex and age (each value a Lane).
struct SchemeState {
  std::array<std::vector<Lane>, 2> accounts;        // members' balances by cohort, 1 January
  std::array<std::vector<Lane>, 2> pensioners;      // counts
  std::array<std::vector<Lane>, 2> basic_benefit;   // average basic pension, per year
  std::array<std::vector<Lane>, 2> trans_benefit;   // average transitional pension, per year
  std::array<std::vector<Lane>, 2> account_benefit; // average account pension, per year
  std::array<std::vector<Lane>, 2> remaining;       // pensioners' remaining balances
  std::array<std::vector<Lane>, 2> next_accounts, next_pensioners, next_basic, next_trans, next_account, next_remaining;
  std::array<std::vector<Lane>, 2> pensioner_survival;
  std::vector<Lane> scaled_mx;
  std::vector<Lane> scratch;
  Lane wage{};                                      // w_{y-1}
  Lane first_wage{};                                // w_{y0}
};

struct SchemeCalibration {
  double member_level = 0;       // c: scales the members' share profile
  double pensioner_factor = 0;   // scales population above retirement age to pensioners
  double contributors = 0;       // reproduced base-year totals
  double pensioners = 0;
  double account_balances = 0;   // rebuilt starting balances of members
  double pensioner_balances = 0;  // starting pensioners' rebuilt remaining balances
  double pensioner_account_pension = 0;  // their account pensions, total per year
};

// Account divisor (months) for a retirement age in months: linear between
// the table's integer ages, flat beyond its ends.
double account_divisor(const SchemeParams& p, double age_months);
// The average wage of a past year (before start_year) at the model's level.
double history_average_wage(const SchemeParams& p, int start_year, int year);

class SchemeModel {
 public:
  // Calibrates to the base year on the deterministic initial population.
  SchemeModel(const SchemeParams& params, const DemographyModel& demography, int start_year, int end_year);
  // A region's scheme: calibrated on its own starting population.
  // wage_drift: apply SchemeEconomy::wage_factor.
  SchemeModel(const SchemeParams& params, const std::array<std::vector<double>, 2>& initial_population,
              int start_year, int end_year, bool wage_drift = false);

  void start(SchemeState& s) const;
  // One year: flows of `year` and stocks at 1 January of year + 1. `demo`
  // holds the population on 1 January of year (pop) and year + 1 (next).
  void step(int year, const SchemeEconomyLanes& econ, const DemographyState& demo, SchemeState& s,
            SchemeFlowLanes& out) const {
    step(year, econ, demo, demo, s, out);
  }
  // The same, the rates (survival, mx) from `rates` and the population from `population`.
  // survival_ready: s.pensioner_survival already holds this year's (copied
  // from a region with the same rates and multiplier).
  void step(int year, const SchemeEconomyLanes& econ, const DemographyState& rates, const DemographyState& population,
            SchemeState& s, SchemeFlowLanes& out, bool survival_ready = false) const;
  // The same economy in every lane; out receives lane 0.
  void step(int year, const SchemeEconomy& econ, const DemographyState& demo, SchemeState& s,
            SchemeFlows& out) const;
  static void advance(SchemeState& s);

  const SchemeCalibration& calibration() const { return calib_; }
  // Pensioners by sex and age on 1 January of start_year.
  const std::array<std::vector<double>, 2>& initial_pensioners() const { return initial_pensioners_; }
  // The youngest age whose pensioners' survival ratio a step computes.
  int first_pensioner_age() const { return first_pensioner_age_; }
  const SchemeParams& params() const { return p_; }
  // Members' share of the cohort of age a and sex x on 1 January of start_year + t.
  double member_share(int x, int a, int t) const {
    return member_share_[idx(x, a, t)];
  }
  double retired(int x, int a, int t) const { return retired_[idx(x, a, t)]; }
  // Account divisor (months) for a retirement age in months.
  double divisor(double age_months) const;
  // Mean statutory retirement age (months) of a birth cohort and sex.
  double retirement_age(int x, int birth_year) const;
  // Share of a cohort retiring in `year` with at least the minimum years.
  double eligible_share(int x, int birth_year, int year) const;
  // Per-capita starting account balance of members aged a on 1 January of start_year.
  double rebuilt_balance(int a) const;
  // Years contributed since `from_year` by a member aged a on 1 January of
  // `year`, at the contribution density (members from the profile's first age).
  double years_contributed_since(int from_year, int a, int year) const;
  // A starting pensioner's account pension (per year, nominal) and remaining
  // balance on 1 January of start_year, per head, by sex and age.
  struct PensionerAccount {
    double pension = 0;
    double remaining = 0;
  };
  PensionerAccount starting_pensioner_account(int x, int a) const;
  // Average wage of a past year, at the model's level (the accounts' history).
  double history_wage(int year) const;
  // Contribution years used in the award, from the mean of all who reach
  // retirement age in `year` (the mean of those eligible, or that mean).
  double award_years(double mean, int year) const;

 private:
  std::size_t idx(int x, int a, int t) const {
    return (static_cast<std::size_t>(t) * 2 + static_cast<std::size_t>(x)) * static_cast<std::size_t>(ages_) +
           static_cast<std::size_t>(a);
  }
  double shape(int a) const;

  // The steps of one year (step, scheme.cpp).
  struct YearRates;     // indexation, wage, crediting rate and growth factors
  struct CohortArrays;  // one sex's population and state arrays, start and end of the year
  struct Retirements;   // what a cohort's retiring members bring to its pensioners
  YearRates year_rates(int year, const SchemeEconomyLanes& econ, const SchemeState& s) const;
  // s.pensioner_survival: the population's survival with the mortality multiplier.
  void pensioner_survival(const DemographyState& demo, SchemeState& s) const;
  template <bool kMembers, bool kAwards>
  void cohort_step(int x, int a, int t, const YearRates& r, const CohortArrays& c, SchemeFlowLanes& acc) const;
  template <bool kAwards>
  Retirements member_step(int x, int a, int t, const YearRates& r, const CohortArrays& c, SchemeFlowLanes& acc) const;
  template <bool kAwards>
  void pensioner_step(int a, const YearRates& r, const CohortArrays& c, const Retirements& n,
                      SchemeFlowLanes& acc) const;
  // Payroll, administrative costs and subsidy from the summed flows.
  void year_totals(int t, const YearRates& r, SchemeState& s, SchemeFlowLanes& out) const;

  // What a cohort retiring during year t is awarded, per unit of w_{y-1}
  // (basic, transitional) or of its balance (account); precomputed because it
  // is the same on every path.
  struct Award {
    bool retires = false;      // rho1 > rho0: some of the cohort retire during the year
    double retiring_share = 0; // (rho1 - rho0) / (1 - rho0): members of working status who retire
    double eligible = 0;       // share with the minimum contribution years
    double basic = 0;          // (1 + I)/2 n 1%
    double transitional = 0;   // share with deemed service x c_trans I n_pre
    double account = 0;        // 12 / divisor
  };

  SchemeParams p_;
  int start_year_, ages_;
  bool wage_drift_ = false;
  int first_age_ = 1;                 // youngest age with members or pensioners in any year
  int first_pensioner_age_ = 1;       // youngest age with pensioners at a year end, in any year
  std::vector<Award> awards_;         // [t][x][a], t = 0..years-1
  std::vector<int> last_member_age_;  // [t]: oldest cohort age with members in year t or t + 1
  std::vector<double> member_share_;  // [t][x][a], t = 0..years
  std::vector<double> retired_;       // [t][x][a]
  std::vector<double> pooling_rate_, account_rate_, transitional_share_;
  SchemeCalibration calib_;
  std::array<std::vector<double>, 2> initial_accounts_, initial_pensioners_;
  std::array<std::vector<double>, 2> initial_account_pension_, initial_remaining_;  // per head; total
};

}  // namespace pfsim
