#pragma once
// The urban employees' basic old-age insurance (model.md section 3): social
// pooling plus personal accounts, members and pensioners tracked by cohort
// (sex and single age), retirement ages by birth month, benefit award and
// indexation, account pensions with the longevity overdraft, subsidy.
#include <array>
#include <vector>

#include "models/demography/demography.h"
#include "models/params.h"

namespace pfsim {

// The economy as the scheme sees it during one year.
struct SchemeEconomy {
  double wage_growth = 0;       // nominal G_y
  double inflation = 0;         // pi_y = CPI_y / CPI_{y-1} - 1
  double prev_wage_growth = 0;  // G_{y-1}
  double prev_inflation = 0;    // pi_{y-1}
  double fund_return = 0;       // R_y of the fund backing the accounts (the basic fund, or the account fund when funded)
};

// Flows during the year and stocks at its end (31 December = 1 January of y + 1).
struct SchemeFlows {
  double average_wage = 0;          // w_y
  double contributions_pooling = 0; // employers
  double contributions_account = 0; // individuals
  double benefits_basic = 0;        // basic pensions, indexed
  double benefits_transitional = 0; // transitional pensions for pre-1997 service, indexed
  double benefits_account = 0;      // account pensions, including the overdraft
  double overdraft = 0;             // account pensions paid after the balance ran out
  double refunds = 0;               // account balances of members and pensioners who die
  double transfers_out = 0;         // balances refunded to retirees without the minimum years
  double admin_costs = 0;
  double subsidy = 0;               // the subsidy rule (the backstop is the funds' business)
  double contributors = 0;          // year-end stock
  double members = 0;               // year-end stock, working status
  double pensioners = 0;            // year-end stock
  double new_pensioners = 0;        // awarded during the year
  double contributor_years = 0;     // exposure, person-years
  double pensioner_years = 0;       // exposure, person-years
  double payroll = 0;               // lambda w_y W (contribution base)
  double account_liability = 0;     // members' and pensioners' notional balances, year end
  double indexation = 0;            // increase applied in January of the year
  double crediting_rate = 0;
  double benefits_pooled() const { return benefits_basic + benefits_transitional; }
  double benefits() const { return benefits_pooled() + benefits_account; }
  double income() const { return contributions_pooling + contributions_account + subsidy; }
  double expenditure() const { return benefits() + refunds + transfers_out + admin_costs; }
};

struct SchemeState {
  std::array<std::vector<double>, 2> accounts;        // members' balances by cohort, 1 January
  std::array<std::vector<double>, 2> pensioners;      // counts
  std::array<std::vector<double>, 2> basic_benefit;   // average basic pension, per year
  std::array<std::vector<double>, 2> trans_benefit;   // average transitional pension, per year
  std::array<std::vector<double>, 2> account_benefit; // average account pension, per year
  std::array<std::vector<double>, 2> remaining;       // pensioners' remaining balances
  std::array<std::vector<double>, 2> next_accounts, next_pensioners, next_basic, next_trans, next_account, next_remaining;
  std::array<std::vector<double>, 2> pensioner_survival;
  std::vector<double> scaled_mx;
  std::vector<double> scratch;
  double wage = 0;                                    // w_{y-1}
  double first_wage = 0;                              // w_{y0}
};

struct SchemeCalibration {
  double member_level = 0;       // c: scales the members' share profile
  double pensioner_factor = 0;   // scales population above retirement age to pensioners
  double contributors = 0;       // reproduced base-year totals
  double pensioners = 0;
  double account_balances = 0;   // rebuilt starting balances
};

class SchemeModel {
 public:
  // Calibrates to the base year on the deterministic initial population.
  SchemeModel(const SchemeParams& params, const DemographyModel& demography, int start_year, int end_year);

  void start(SchemeState& s) const;
  // One year: flows of `year` and stocks at 1 January of year + 1. `demo`
  // holds the population on 1 January of year (pop) and year + 1 (next).
  void step(int year, const SchemeEconomy& econ, const DemographyState& demo, SchemeState& s,
            SchemeFlows& out) const;
  static void advance(SchemeState& s);

  const SchemeCalibration& calibration() const { return calib_; }
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

 private:
  std::size_t idx(int x, int a, int t) const {
    return (static_cast<std::size_t>(t) * 2 + static_cast<std::size_t>(x)) * static_cast<std::size_t>(ages_) +
           static_cast<std::size_t>(a);
  }
  double shape(int a) const;

  // What a cohort retiring during year t is awarded, per unit of w_{y-1}
  // (basic, transitional) or of its balance (account); precomputed because it
  // is the same on every path.
  struct Award {
    double retiring_share = 0; // (rho1 - rho0) / (1 - rho0): members of working status who retire
    double eligible = 0;       // share with the minimum contribution years
    double basic = 0;          // (1 + I)/2 n 1%
    double transitional = 0;   // share with deemed service x c_trans I n_pre
    double account = 0;        // 12 / divisor
  };

  SchemeParams p_;
  int start_year_, end_year_, ages_;
  int first_age_ = 1;                 // youngest age with members or pensioners in any year
  std::vector<Award> awards_;         // [t][x][a], t = 0..years-1
  std::vector<int> last_member_age_;  // [t]: oldest cohort age with members in year t or t + 1
  std::vector<double> member_share_;  // [t][x][a], t = 0..years
  std::vector<double> retired_;       // [t][x][a]
  std::vector<double> pooling_rate_, account_rate_, transitional_share_;
  SchemeCalibration calib_;
  std::array<std::vector<double>, 2> initial_accounts_, initial_pensioners_;
};

}  // namespace pfsim
