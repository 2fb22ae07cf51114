#pragma once
// A small, fully deterministic model for hand-computed tests: one economy
// with zero volatility, no mortality below the open age, no births, no
// migration, retirement at fixed ages. Tests change what they need.
#include "models/params.h"

namespace pfsim::test {

inline ModelParams toy_params(int start_year = 2024, int end_year = 2060) {
  ModelParams m;
  m.start_year = start_year;
  m.end_year = end_year;
  auto& e = m.economy;
  e.variables = {"inflation", "real_wage", "bonds"};
  e.inflation = 0;
  e.real_wage = 1;
  e.assets = {2};
  EconomyRegime r;
  r.name = "normal";
  r.mean = {TimePath(0.0), TimePath(0.0), TimePath(0.0)};
  r.volatility = Eigen::VectorXd::Zero(3);
  r.correlation = Eigen::MatrixXd::Identity(3, 3);
  e.regimes = {r};
  e.transition = Eigen::MatrixXd::Ones(1, 1);
  e.persistence = Eigen::MatrixXd::Zero(3, 3);
  e.initial = Eigen::VectorXd::Zero(3);

  auto& d = m.demography;
  d.omega = 100;
  const auto n = static_cast<std::size_t>(d.omega + 1);
  for (int s = 0; s < 2; ++s) {
    d.base_population[s].assign(n, 0.0);
    d.jump_off_mx[s].assign(n, 0.0);
    d.jump_off_mx[s][n - 1] = 1.0;  // the open group must close
    d.improvement[s].assign(n, 0.0);
    d.migration_profile[s].assign(n, 0.0);
  }
  d.migration_profile[0][30] = 1.0;
  d.base_is_mid_year = false;
  d.jump_off_year = start_year - 1;
  d.mortality = MortalityModel::improvement;
  d.target_tfr = TimePath(1.0);
  d.initial_tfr = 1.0;
  d.fertility_pattern.assign(static_cast<std::size_t>(end_year - start_year + 2), std::vector<double>(n, 0.0));
  d.sex_ratio_at_birth = TimePath(1.0);
  d.net_migration = TimePath(0.0);

  auto& s = m.scheme;
  s.average_wage_base = 100.0;
  s.compliance = 1.0;
  s.calib_contributors = 0.0;  // no members unless a test adds them
  s.calib_pensioners = 1.0;
  s.calib_average_pension = 40.0;
  s.member_zero_below = 16;
  s.member_plateau_from = 16;
  s.pooling_rate = TimePath(0.16);
  s.account_rate = TimePath(0.0);
  s.male = {720, 0, 1, 0, 720};
  s.female_cadre = {660, 0, 1, 0, 660};
  s.female_worker = {600, 0, 1, 0, 600};
  s.female_cadre_share = 0.5;
  s.reference_age_male_months = 720;
  s.reference_age_female_months = 630;
  s.min_contribution_years = TimePath(15.0);
  s.indexed_wage_ratio = 1.0;
  s.contribution_years_mean = 30;
  s.contribution_years_sd = 0;
  s.divisors = {{50, 195}, {55, 170}, {60, 139}, {65, 101}};
  s.indexation_history_last = start_year - 1;
  s.crediting = CreditingRule::fixed;
  s.crediting_fixed = 0.0;
  s.history_account_rate = TimePath(0.0);
  s.history_crediting = TimePath(0.0);
  s.history_wage_growth = TimePath(0.0);

  auto& f = m.basic_fund;
  f.name = "basic";
  f.initial_balance = 0;
  f.strategy.assets = {2};
  f.strategy.weights = {TimePath(1.0)};
  return m;
}

}  // namespace pfsim::test
