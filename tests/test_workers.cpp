// Representative workers and their replacement rates by tier
// (models/workers/workers.h; docs/model.md section 7).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "io/config.h"
#include "models/pension_model.h"
#include "models/scheme/retirement_schedule.h"
#include "models/workers/workers.h"
#include "path_support.h"

using namespace pfsim;

namespace {

// A man born in 2005 enters on 1 January 2027 and retires on 1 January 2068
// at 63 (the cap of the 2024 rule): 41 whole years, none before start_year.
const std::string kMan2005 = "[workers]\ncohorts = [2005]\ngroups = [\"male\"]\ncareers = [0.6, 1.0, 3.0]\n";

// Feeds the workers a hand-built path: the average wage growing at g from
// w_2023, the accounts credited at g, account rate 8%, and every economy
// variable returning r (exp(z) = 1 + r).
WorkersState run_hand_path(const WorkersModel& m, const ModelParams& p, double g, double r) {
  WorkersState s;
  m.start(s);
  std::vector<double> ez(p.economy.variables.size(), 1 + r);
  double wage = p.scheme.average_wage_base;
  for (int year = p.start_year; year <= 2068; ++year) {
    wage *= 1 + g;
    m.step(year - p.start_year, year, {wage, g, 0.08, ez.data()}, s);
  }
  return s;
}

}  // namespace

TEST_CASE("the basic pension's replacement rate is (1 + I)/2 n 1% / k on every path") {
  const auto cfg = load_config(test::write_baseline_variant(
      "workers_basic.toml", "[workers]\ncohorts = [1985, 1995]\ngroups = [\"male\", \"female_cadre\", \"female_worker\"]\n"
                            "careers = [0.4, 0.6, 1.0, 3.0, 4.0]\n"));
  const PensionModel m(cfg.model);
  const auto& sp = cfg.model.scheme;
  const RetirementRule* rules[3] = {&sp.male, &sp.female_cadre, &sp.female_worker};
  const char* groups[3] = {"male", "female_cadre", "female_worker"};
  for (std::uint64_t path : {0u, 7u}) {
    const PathRecord rec = test::simulate_one(m, 5, path);
    for (int b : {1985, 1995})
      for (int g = 0; g < 3; ++g)
        for (double k : {0.4, 0.6, 1.0, 3.0, 4.0}) {
          // Entry at 22 on 1 January; n the years to the retirement age; I the
          // base within 60% and 300% of the average wage.
          const double n = retirement_age_months(*rules[g], b, 1) / 12.0 - 22;
          const double base = std::clamp(k, 0.6, 3.0);
          const std::string w = fmt::format("{}_{}_{}", b, groups[g], std::lround(100 * k));
          INFO(w << ", path " << path);
          CHECK(rec.scalars[m.scalar_metric("replacement_basic@" + w)] == Approx((1 + base) / 2 * n * 0.01 / k).epsilon(1e-13));
          const double total = rec.scalars[m.scalar_metric("replacement_total@" + w)];
          CHECK(total == Approx(rec.scalars[m.scalar_metric("replacement_basic@" + w)] +
                                rec.scalars[m.scalar_metric("replacement_account@" + w)]).epsilon(1e-14));
          CHECK(rec.scalars[m.scalar_metric("replacement_below@" + w)] == (total < 0.4 ? 1.0 : 0.0));
        }
  }
}

TEST_CASE("accounts credited at wage growth replace 12 x 8% x n x sqrt(1 + g) / D of the last wage") {
  const auto cfg = load_config(test::write_baseline_variant("workers_account.toml", kMan2005));
  OutputRegistry o;
  const DemographyModel demo(cfg.model.demography, cfg.model.start_year, cfg.model.end_year);
  const WorkersModel m(cfg.model, demo, o);
  REQUIRE(m.count() == 3);
  const double g = 0.05;
  const auto s = run_hand_path(m, cfg.model, g, 0.03);
  const double divisor = account_divisor(cfg.model.scheme, 63 * 12);
  for (std::size_t w = 0; w < 3; ++w) {
    INFO(m.name(w));
    CHECK(m.rate(s, w, WorkersModel::account) == Approx(12 * 0.08 * 41 * std::sqrt(1 + g) / divisor).epsilon(1e-12));
    CHECK(m.rate(s, w, WorkersModel::annuity) == 0.0);
  }
}

TEST_CASE("an 8% + 4% annuity at a fixed return is the closed form of a growing annuity") {
  // A public-sector man: 12% of the base a year into a fund earning r, the
  // wage growing at g. At retirement (1 January 2068, after 41 years):
  //   FV = 0.12 k w_2067 sqrt(1 + r) sum_{m=0}^{40} q^m = 0.12 k w_2067 sqrt(1 + r) (q^41 - 1) / (q - 1),
  // q = (1 + r) / (1 + g); the replacement rate is 12 FV / D / (k w_2067).
  const double g = 0.045, r = 0.03, q = (1 + r) / (1 + g);
  const double closed = 12 * 0.12 * std::sqrt(1 + r) * (std::pow(q, 41) - 1) / (q - 1);
  // Each worker's annuity replacement rate times the divisor D(63), with `extra` in [workers.annuity].
  const auto rates_times_divisor = [&](const std::string& name, const std::string& extra) {
    const auto cfg = load_config(test::write_baseline_variant(
        name, kMan2005 + "sector = \"public\"\n[workers.annuity]\nemployer = 0.08\nmember = 0.04\nfrom = 2024\n"
                         "weights = { deposit = 1.0 }\n" + extra));
    OutputRegistry o;
    const DemographyModel demo(cfg.model.demography, cfg.model.start_year, cfg.model.end_year);
  const WorkersModel m(cfg.model, demo, o);
    const auto s = run_hand_path(m, cfg.model, g, r);
    std::vector<double> out;
    for (std::size_t w = 0; w < m.count(); ++w)
      out.push_back(m.rate(s, w, WorkersModel::annuity) * account_divisor(cfg.model.scheme, 63 * 12));
    return out;
  };
  for (double x : rates_times_divisor("workers_annuity.toml", "")) CHECK(x == Approx(closed).epsilon(1e-12));
  // A budget-funded unit: the employer's 8% is notional, credited at the
  // accounts' rate g, so it grows like the account: 12 x 8% x 41 sqrt(1 + g) / D;
  // the member's 4% is funded at r.
  for (double x : rates_times_divisor("workers_notional.toml", "employer_notional = true\n"))
    CHECK(x == Approx(closed / 3 + 12 * 0.08 * 41 * std::sqrt(1 + g)).epsilon(1e-12));
}

TEST_CASE("the private pension: a flat amount up to the cap at a fixed return, taxed on withdrawal") {
  // 2,000 a year at r for 41 years: FV = 2000 sqrt(1 + r) ((1 + r)^41 - 1) / r; paid at
  // 12 FV / D x (1 - 3%) against the own wage k w_2067. An amount above the cap is cut to it.
  const double g = 0.04, r = 0.025;
  for (double amount : {2000.0, 20000.0}) {
    const auto cfg = load_config(test::write_baseline_variant(
        "workers_private.toml", kMan2005 + fmt::format("[workers.private]\namount = {}\nfrom = 2024\n"
                                                       "weights = {{ bond_government = 1.0 }}\n", amount)));
    OutputRegistry o;
    const DemographyModel demo(cfg.model.demography, cfg.model.start_year, cfg.model.end_year);
  const WorkersModel m(cfg.model, demo, o);
    const auto s = run_hand_path(m, cfg.model, g, r);
    const double paid = std::min(amount, 12000.0);
    const double fv = paid * std::sqrt(1 + r) * (std::pow(1 + r, 41) - 1) / r;
    const double w2067 = cfg.model.scheme.average_wage_base * std::pow(1 + g, 2067 - 2023);
    const double divisor = account_divisor(cfg.model.scheme, 63 * 12);
    for (std::size_t w = 0; w < 3; ++w) {
      INFO(m.name(w) << ", amount " << amount);
      const double k = cfg.model.workers.careers[w];
      CHECK(m.rate(s, w, WorkersModel::private_pension) == Approx(12 * fv / divisor * 0.97 / (k * w2067)).epsilon(1e-11));
    }
  }
}

TEST_CASE("representative workers observe the paths without changing any other result") {
  const PensionModel base(load_config(test::kBaselineConfig).model);
  const PensionModel with(load_config(test::write_baseline_variant(
                                          "workers_observe.toml",
                                          "[workers]\ncohorts = [1975, 2005]\n[workers.annuity]\nemployer = 0.04\n"
                                          "member = 0.02\nweights = { equity_domestic = 0.3, deposit = 0.7 }\n"))
                              .model);
  test::require_same_bits(base, with, 13, {0u, 5u});
}

TEST_CASE("bad [workers] tables are refused at the key before any simulation") {
  auto expect = [](const std::string& body, const std::string& key, const std::string& fragment) {
    test::expect_config_error("workers_bad.toml", body, key, fragment);
  };
  expect("[workers]\ncohorts = [2070]\n", "workers.cohorts", "outside the run's years");
  expect("[workers]\ncohorts = [1950]\n", "workers.cohorts", "outside the run's years");
  expect("[workers]\ncohorts = [1985, 1985]\n", "workers.cohorts", "twice");
  expect("[workers]\ncohorts = [1985]\ngroups = [\"men\"]\n", "workers.groups", "female_cadre");
  expect("[workers]\ncohorts = [1985]\n[workers.annuity]\nemployer = 0.04\nmember = 0.02\nemployer_notional = true\n"
         "weights = { deposit = 1.0 }\n",
         "workers.annuity.employer_notional", "sector = \"public\"");
  expect("[workers]\ncohorts = [1985]\n[workers.private]\namount = 2000\nweights = { deposit = 1.0 }\n", "workers.private",
         "history_return");
  expect("[workers]\ncohorts = [1985]\n[workers.private]\namount = 2000\nfrom = 2024\nweights = { gold = 1.0 }\n",
         "workers.private.weights.gold", "not an asset class");
  expect("[workers]\ncohorts = [1985]\nthreshold = -1\n", "workers.threshold", "");
  expect("[workers]\ncohorts = [1985]\n[workers.private]\namount = 2000\nfrom = 2024\nannuity_rate = 0.03\n"
         "weights = { deposit = 1.0 }\n",
         "workers.private.annuity_rate", "level_annuity");
  expect("[workers]\ncohorts = [1985]\n[workers.private]\namount = 2000\nfrom = 2024\npayout = \"lump_sum\"\n"
         "weights = { deposit = 1.0 }\n",
         "workers.private.payout", "level_annuity");
}

TEST_CASE("the level annuity factor is the closed form at a constant force of mortality") {
  // mx = mu at every age and year: a = sum_{t=0}^{130-age} q^t = (1 - q^N) / (1 - q),
  // q = exp(-mu) / (1 + i), N = 131 - age terms.
  for (double mu : {0.0, 0.02, 0.1})
    for (double i : {0.0, 0.03}) {
      const double q = std::exp(-mu) / (1 + i);
      const int age = 63;
      const double expected = q == 1.0 ? 131.0 - age : (1 - std::pow(q, 131 - age)) / (1 - q);
      INFO("mu " << mu << ", rate " << i);
      CHECK(WorkersModel::level_annuity_factor([&](int, int) { return mu; }, age, 2068, i) ==
            Approx(expected).epsilon(1e-12));
    }
  // Survival follows the cohort's diagonal: rates that fall with the year raise the factor.
  const auto flat = WorkersModel::level_annuity_factor([](int a, int) { return 0.01 * std::exp(0.09 * (a - 60)); }, 63, 2068, 0.03);
  const auto improving = WorkersModel::level_annuity_factor(
      [](int a, int y) { return 0.01 * std::exp(0.09 * (a - 60)) * std::exp(-0.01 * (y - 2068)); }, 63, 2068, 0.03);
  CHECK(improving > flat);
}

TEST_CASE("a level annuity priced on the central projection pays the balance over the factor on every path") {
  // The same balances paid by the divisor and as a level annuity: their
  // ratio is 12 a / D(R), one number per worker on every path (the pricing
  // basis is the central projection, not the path's mortality), and a
  // higher pricing rate pays more.
  const std::string tier = "[workers.private]\namount = 2000\nfrom = 2024\nweights = { deposit = 1.0 }\n";
  const auto load = [&](const std::string& name, const std::string& payout) {
    return load_config(test::write_baseline_variant(name, "[workers]\ncohorts = [2005]\ncareers = [1.0]\n" + tier + payout));
  };
  const auto divisor_cfg = load("workers_divisor.toml", "");
  const auto level_cfg = load("workers_level.toml", "payout = \"level_annuity\"\nannuity_rate = 0.02\n");
  const auto level_high = load("workers_level_high.toml", "payout = \"level_annuity\"\nannuity_rate = 0.04\n");
  const PensionModel a(divisor_cfg.model), b(level_cfg.model), c(level_high.model);
  for (const char* w : {"2005_male_100", "2005_female_cadre_100", "2005_female_worker_100"}) {
    const std::string name = std::string("replacement_private@") + w;
    double ratio = 0;
    for (std::uint64_t path : {1u, 2u, 3u}) {
      const double by_divisor = test::simulate_one(a, 9, path).scalars[a.scalar_metric(name)];
      const double level = test::simulate_one(b, 9, path).scalars[b.scalar_metric(name)];
      const double higher = test::simulate_one(c, 9, path).scalars[c.scalar_metric(name)];
      INFO(w << ", path " << path);
      REQUIRE(level > 0);
      if (ratio == 0) ratio = by_divisor / level;
      CHECK(by_divisor / level == Approx(ratio).epsilon(1e-12));
      CHECK(higher > level);
    }
    // A man of 63 lives about 20 years more: 12 a is well above D(63) = 117 months.
    if (std::string(w) == "2005_male_100") CHECK(ratio > 1.3);
  }
}
