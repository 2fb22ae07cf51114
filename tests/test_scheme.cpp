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
