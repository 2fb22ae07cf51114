#include <catch2/catch.hpp>

#include <cmath>

#include "io/config.h"
#include "models/pension_model.h"
#include "run/sample_producer.h"
#include "toy_model.h"

using namespace pfsim;

namespace {

struct Run {
  std::vector<SchemeFlows> flows;
};

// Runs demography and scheme alone through `years`, with a fixed economy.
Run run_scheme(const ModelParams& p, SchemeState& s, int years, const SchemeEconomy& econ,
               void (*prepare)(SchemeState&) = nullptr) {
  const DemographyModel demo(p.demography, p.start_year, p.end_year);
  const SchemeModel scheme(p.scheme, demo, p.start_year, p.end_year);
  DemographyState ds;
  demo.start(ds);
  scheme.start(s);
  if (prepare) prepare(s);
  Run r;
  for (int t = 0; t < years; ++t) {
    SchemeFlows f;
    demo.step(0, 0, true, p.start_year + t, ds);
    scheme.step(p.start_year + t, econ, ds, s, f);
    r.flows.push_back(f);
    DemographyModel::advance(ds);
    SchemeModel::advance(s);
  }
  return r;
}

}  // namespace

TEST_CASE("an account pension runs for exactly `divisor` months, then the pooling fund pays on") {
  // 1,000 men aged 59 on 1 January 2024 retire at 60 during 2024 with 1,390
  // each in their accounts; divisor 139 at 60 gives 12 * 1390 / 139 = 120 a
  // year. Zero crediting, no deaths. Paid: half a year in 2024 (6 months),
  // then 12 a year: 6 + 12 * 11 = 138 months by the end of 2035, so 2036
  // has 1 month left on the account and 11 months of overdraft.
  auto p = test::toy_params();
  p.demography.base_population[kMale][59] = 1000;
  p.scheme.calib_contributors = 1000;
  SchemeState s;
  const auto r = run_scheme(p, s, 20, SchemeEconomy{}, [](SchemeState& st) { st.accounts[kMale][59] = splat(1000 * 1390.0); });
  CHECK(r.flows[0].new_pensioners == Approx(1000).epsilon(1e-12));
  CHECK(r.flows[0].benefits_account == Approx(0.5 * 1000 * 120).epsilon(1e-14));
  CHECK(r.flows[0].overdraft == 0);
  for (int t = 1; t <= 11; ++t) {
    INFO("year " << 2024 + t);
    CHECK(r.flows[static_cast<std::size_t>(t)].benefits_account == Approx(1000 * 120.0).epsilon(1e-14));
    CHECK(r.flows[static_cast<std::size_t>(t)].overdraft == 0);
  }
  CHECK(r.flows[12].overdraft == Approx(1000 * 120.0 * 11 / 12).epsilon(1e-12));
  CHECK(r.flows[13].overdraft == Approx(1000 * 120.0).epsilon(1e-12));
  CHECK(r.flows[19].overdraft == Approx(1000 * 120.0).epsilon(1e-12));
  // Basic pension on award: w_{y-1} (1 + I)/2 * n * 1% = 100 * 1 * 30 * 0.01 = 30, half a year.
  CHECK(r.flows[0].benefits_pooled() == Approx(0.5 * 1000 * 30.0).epsilon(1e-14));
  CHECK(r.flows[1].benefits_pooled() == Approx(1000 * 30.0).epsilon(1e-14));
}

TEST_CASE("with a positive crediting rate the account lasts longer than the divisor") {
  auto p = test::toy_params();
  p.demography.base_population[kMale][59] = 1000;
  p.scheme.calib_contributors = 1000;
  p.scheme.crediting_fixed = 0.03;
  SchemeState s;
  const auto r = run_scheme(p, s, 20, SchemeEconomy{}, [](SchemeState& st) { st.accounts[kMale][59] = splat(1000 * 1390.0); });
  CHECK(r.flows[12].overdraft == 0);  // exhausted in 2036 at a zero rate
  CHECK(r.flows[19].overdraft > 0);
}

TEST_CASE("pensions in payment follow the indexation history, then the rule with its floor and cap") {
  // 500 pensioners (men aged 70) at 40 a year; history: +3% in 2024; then
  // 0.6 x last year's wage growth, capped at 5%.
  auto p = test::toy_params();
  p.demography.base_population[kMale][70] = 500;
  p.scheme.calib_pensioners = 500;
  p.scheme.indexation_history = TimePath({{2024, 0.03}}, Interpolation::step);
  p.scheme.indexation_history_last = 2024;
  p.scheme.index_wage = 0.6;
  p.scheme.index_floor = 0.0;
  p.scheme.index_cap = 0.05;
  const double g = 0.05;
  SchemeState s;
  const auto r = run_scheme(p, s, 3, SchemeEconomy{g, 0.0, g, 0.0, 0.0});
  CHECK(r.flows[0].indexation == 0.03);
  CHECK(r.flows[0].benefits_pooled() == Approx(500 * 40 * 1.03).epsilon(1e-14));
  CHECK(r.flows[1].indexation == Approx(0.6 * g).epsilon(1e-15));
  CHECK(r.flows[1].benefits_pooled() == Approx(500 * 40 * 1.03 * (1 + 0.6 * g)).epsilon(1e-14));

  p.scheme.index_wage = 2.0;  // 2 x 5% = 10%, capped at 5%
  SchemeState s2;
  const auto r2 = run_scheme(p, s2, 2, SchemeEconomy{g, 0.0, g, 0.0, 0.0});
  CHECK(r2.flows[1].indexation == 0.05);
  p.scheme.index_wage = 0.6;  // falling wages: floored at 0
  SchemeState s3;
  const auto r3 = run_scheme(p, s3, 2, SchemeEconomy{-0.02, 0.0, -0.02, 0.0, 0.0});
  CHECK(r3.flows[1].indexation == 0.0);
}

TEST_CASE("the backstop lifts the fund to zero and depletion is the first year F* < 0") {
  // No contributors, 500 pensioners at 40, zero returns: F* = F - 20,000 a year.
  auto p = test::toy_params(2024, 2030);
  p.demography.base_population[kMale][70] = 500;
  p.scheme.calib_pensioners = 500;
  p.scheme.backstop = true;
  p.basic_fund.initial_balance = 50'000;
  const PensionModel m(p);
  const auto rec = m.central_path();
  CHECK(rec.at(m.year_metric("fund_balance"), 0) == 30'000);
  CHECK(rec.at(m.year_metric("fund_balance"), 1) == 10'000);
  CHECK(rec.at(m.year_metric("fund_balance"), 2) == 0);
  CHECK(rec.at(m.year_metric("backstop"), 2) == 10'000);
  CHECK(rec.at(m.year_metric("backstop"), 3) == 20'000);
  CHECK(rec.scalars[m.scalar_metric("depletion_year")] == 2026);
  // The shadow balance runs on without the backstop (debt at a zero rate here).
  CHECK(rec.at(m.year_metric("shadow_balance_real"), 3) == -30'000);
  CHECK(rec.at(m.year_metric("months_covered"), 1) == Approx(12.0 * 10'000 / 20'000).epsilon(1e-15));
}

TEST_CASE("actuarial balance equals its closed form in a deterministic case") {
  // 1,000 contributors (aged 30) on a base of 100 at 16%: C = 16,000 a year;
  // 500 pensioners at 40: B = 20,000 a year; payroll P = 100,000; F0 = 100,000;
  // the fund earns 5% a year; H = 10 years, flows mid-year.
  // AB = (F0 + (C - B) sum v_{t+1/2} - B v_H) / (P sum v_{t+1/2}), v_t = 1.05^-t.
  auto p = test::toy_params(2024, 2033);
  p.demography.base_population[kMale][30] = 1000;
  p.demography.base_population[kMale][70] = 500;
  p.scheme.calib_contributors = 1000;
  p.scheme.calib_pensioners = 500;
  p.basic_fund.initial_balance = 100'000;
  p.economy.regimes[0].mean[2] = TimePath(std::log(1.05));
  const PensionModel m(p);
  const auto rec = m.central_path();
  double annuity = 0;
  for (int t = 0; t < 10; ++t) annuity += std::pow(1.05, -(t + 0.5));
  const double expected = (100'000 + (16'000.0 - 20'000.0) * annuity - 20'000 * std::pow(1.05, -10)) / (100'000 * annuity);
  CHECK(rec.at(m.year_metric("contributions_pooling"), 0) == Approx(16'000).epsilon(1e-14));
  CHECK(rec.at(m.year_metric("benefits_basic"), 0) == Approx(20'000).epsilon(1e-14));
  CHECK(rec.scalars[m.scalar_metric("actuarial_balance")] == Approx(expected).epsilon(1e-12));
  CHECK(rec.scalars[m.scalar_metric("actuarial_balance_no_subsidy")] == Approx(expected).epsilon(1e-12));
}

TEST_CASE("base-year calibration reproduces the 2023 totals of the China baseline exactly") {
  const auto cfg = load_config(std::string(PFSIM_SOURCE_DIR) + "/configs/china_baseline.toml");
  const PensionModel m(cfg.model);
  const auto& c = m.scheme().calibration();
  CHECK(c.contributors == Approx(379.25e6).epsilon(1e-12));
  CHECK(c.pensioners == Approx(141.96e6).epsilon(1e-12));
  CHECK(c.member_level > 0);
  CHECK(c.pensioner_factor > 0);
  CHECK(c.pensioner_factor < 1);
}

TEST_CASE("awards use the mean contribution years of those with the minimum (a truncated normal)") {
  // 1,000 men aged 59 retire at 60 during 2024; years ~ Normal(20, 8), minimum
  // 15. With I = 1 and w_2023 = 100 the basic award is n a year. The mean of
  // the eligible is integrated numerically here (midpoint rule on [15, 100]),
  // independently of the closed form the model uses.
  auto p = test::toy_params();
  p.demography.base_population[kMale][59] = 1000;
  p.scheme.calib_contributors = 1000;
  p.scheme.contribution_years_mean = 20;
  p.scheme.contribution_years_sd = 8;
  const double pi = std::acos(-1.0);
  double mass = 0, first_moment = 0;
  const int steps = 200'000;
  for (int k = 0; k < steps; ++k) {
    const double n = 15 + (k + 0.5) * 85.0 / steps;
    const double density = std::exp(-0.5 * std::pow((n - 20) / 8, 2)) / (8 * std::sqrt(2 * pi)) * 85.0 / steps;
    mass += density;
    first_moment += n * density;
  }
  const double eligible_mean = first_moment / mass;
  REQUIRE(eligible_mean > 23);  // the truncation matters: about 23.9 against 20

  SECTION("of the eligible") {
    SchemeState s;
    const auto r = run_scheme(p, s, 2, SchemeEconomy{});
    CHECK(r.flows[0].new_pensioners == Approx(1000 * mass).epsilon(1e-9));
    CHECK(r.flows[0].benefits_basic == Approx(0.5 * 1000 * mass * eligible_mean).epsilon(1e-9));
    CHECK(r.flows[1].benefits_basic == Approx(1000 * mass * eligible_mean).epsilon(1e-9));
  }
  SECTION("of all who reach the age (award = \"all\")") {
    p.scheme.award_years_of_eligible = false;
    SchemeState s;
    const auto r = run_scheme(p, s, 1, SchemeEconomy{});
    CHECK(r.flows[0].benefits_basic == Approx(0.5 * 1000 * mass * 20).epsilon(1e-9));
  }
  SECTION("with sd 0 everyone has the mean") {
    p.scheme.contribution_years_sd = 0;
    SchemeState s;
    const auto r = run_scheme(p, s, 1, SchemeEconomy{});
    CHECK(r.flows[0].benefits_basic == Approx(0.5 * 1000 * 20.0).epsilon(1e-14));
  }
}

TEST_CASE("starting pensioners have a rebuilt account part, flat in nominal terms, and remaining balances") {
  // 1,000 men aged 70 on 1 January 2024 (born 1953) retired at 60, at the
  // start of 2013. From 1997 to 2012 they paid 8% of a wage of 100 in 2023
  // deflated at 5% a year, for 60% of the years, credited at 3%, mid-year.
  // Their account pension is 12/139 of the balance at the end of 2013 (no
  // contribution that year), paid for half of 2013 and then in full, from
  // the balance credited at 3%. The pooled part is the rest of the average 40.
  auto p = test::toy_params();
  p.demography.base_population[kMale][70] = 1000;
  p.scheme.calib_pensioners = 1000;
  p.scheme.history_account_rate = TimePath(0.08);
  p.scheme.history_crediting = TimePath(0.03);
  p.scheme.history_wage_growth = TimePath(0.05);
  p.scheme.history_density = 0.6;
  double balance = 0;
  for (int y = 1997; y <= 2012; ++y)
    balance += 0.08 * 100 * std::pow(1.05, -(2023 - y)) * 0.6 * std::pow(1.03, 2013 - y + 0.5);
  const double pension = balance * 12 / 139;
  double remaining = (balance - 0.5 * pension * std::sqrt(1.03));
  for (int y = 2014; y <= 2023; ++y) remaining = remaining * 1.03 - pension * std::sqrt(1.03);
  REQUIRE(pension > 1);
  REQUIRE(remaining > 0);

  SECTION("rebuilt") {
    const DemographyModel demo(p.demography, p.start_year, p.end_year);
    const SchemeModel scheme(p.scheme, demo, p.start_year, p.end_year);
    const auto pa = scheme.starting_pensioner_account(kMale, 70);
    CHECK(pa.pension == Approx(pension).epsilon(1e-12));
    CHECK(pa.remaining == Approx(remaining).epsilon(1e-12));
    CHECK(scheme.calibration().pensioner_balances == Approx(1000 * remaining).epsilon(1e-12));
    CHECK(scheme.calibration().pensioner_account_pension == Approx(1000 * pension).epsilon(1e-12));
    // In 2024 (zero crediting, no indexation, nobody dies before 100): the
    // account part from the balance, the pooled part indexed by 0.
    SchemeState s;
    const auto r = run_scheme(p, s, 2, SchemeEconomy{});
    CHECK(r.flows[0].benefits_account == Approx(1000 * pension).epsilon(1e-12));
    CHECK(r.flows[0].benefits_basic == Approx(1000 * (40 - pension)).epsilon(1e-12));
    CHECK(r.flows[0].overdraft == 0);
    CHECK(r.flows[0].account_liability == Approx(1000 * (remaining - pension)).epsilon(1e-12));
  }
  SECTION("none: the whole pension pooled, no balances") {
    p.scheme.starting_pensioner_accounts = false;
    SchemeState s;
    const auto r = run_scheme(p, s, 1, SchemeEconomy{});
    CHECK(r.flows[0].benefits_account == 0);
    CHECK(r.flows[0].benefits_basic == Approx(1000 * 40.0).epsilon(1e-15));
    CHECK(r.flows[0].account_liability == 0);
  }
  SECTION("retired before 1997: no account part") {
    p.demography.base_population[kMale][70] = 0;
    p.demography.base_population[kMale][90] = 1000;
    const DemographyModel demo(p.demography, p.start_year, p.end_year);
    const SchemeModel scheme(p.scheme, demo, p.start_year, p.end_year);
    CHECK(scheme.starting_pensioner_account(kMale, 90).pension == 0);
    CHECK(scheme.calibration().pensioner_balances == 0);
  }
}

TEST_CASE("a level series of the average wage gives the history its growth, at the model's level") {
  // Levels growing 5% a year, ending at 120,698 in 2023: the same history as
  // wage_growth = 0.05 with the 2023 wage at the model's 100.
  auto p = test::toy_params();
  p.demography.base_population[kMale][50] = 1000;
  p.scheme.calib_contributors = 1000;
  p.scheme.history_account_rate = TimePath(0.08);
  p.scheme.history_crediting = TimePath(0.03);
  p.scheme.history_wage_growth = TimePath(0.05);
  const DemographyModel demo(p.demography, p.start_year, p.end_year);
  const SchemeModel growth(p.scheme, demo, p.start_year, p.end_year);
  std::vector<std::pair<int, double>> levels;
  for (int y = 1997; y <= 2023; ++y) levels.emplace_back(y, 120'698 * std::pow(1.05, y - 2023));
  p.scheme.history_from_levels = true;
  p.scheme.history_average_wage = TimePath(levels, Interpolation::linear);
  p.scheme.history_wage_growth = TimePath(0.5);  // must be ignored
  const SchemeModel level(p.scheme, demo, p.start_year, p.end_year);
  CHECK(level.history_wage(2023) == Approx(100).epsilon(1e-15));
  CHECK(level.history_wage(2000) == Approx(100 * std::pow(1.05, -23)).epsilon(1e-13));
  CHECK(level.rebuilt_balance(50) == Approx(growth.rebuilt_balance(50)).epsilon(1e-13));
  CHECK(level.rebuilt_balance(50) > 0);
}

TEST_CASE("the China baseline's starting pensioners: an account part below the average, balances rebuilt") {
  const auto cfg = load_config(std::string(PFSIM_SOURCE_DIR) + "/configs/china_baseline.toml");
  const PensionModel m(cfg.model);
  const auto& c = m.scheme().calibration();
  const double average_account = c.pensioner_account_pension / c.pensioners;
  CHECK(average_account > 0);
  CHECK(average_account < 0.25 * cfg.model.scheme.calib_average_pension);
  CHECK(c.pensioner_balances > 0);
  CHECK(c.pensioner_balances < c.account_balances);
  // Those who retired before 1997 have no account part; the most recent retirees the largest.
  CHECK(m.scheme().starting_pensioner_account(kMale, 90).pension == 0);
  CHECK(m.scheme().starting_pensioner_account(kMale, 62).pension > m.scheme().starting_pensioner_account(kMale, 70).pension);
}
