// The aggregate enterprise and occupational annuity plans
// (models/annuities/annuity_funds.h; docs/model.md section 9).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "io/config.h"
#include "models/pension_model.h"
#include "path_support.h"

using namespace pfsim;

namespace {

const std::string kExample = PFSIM_SOURCE_DIR "/configs/examples/multilevel.toml";

// Both plans: no payments at the start unless `extra` says so.
std::string plans(const std::string& extra = "") {
  return "[annuities.enterprise]\nmembers = 31.44e6\nassets = 3.19e12\nemployer = 0.05\nmember = 0.02\n"
         "weights = { deposit = 1.0 }\n"
         "[annuities.occupational]\nmembers = 41e6\nassets = 2.55e12\nemployer = 0.08\nmember = 0.04\n"
         "weights = { deposit = 1.0 }\n" + extra;
}

struct HandPath {
  double contributors = 4e8, retiring = 0, wage_growth = 0.05, ret = 0.03, crediting = 0.04;
};

// Steps the plans n years on a hand-built path: constant contributors and
// retiring share, the average wage growing at h from w_{y0-1}, every
// economy variable returning r (exp(z) = 1 + r), accounts credited at i.
std::vector<PathRecord> run_hand(const PensionModel& m, const HandPath& h, int n, AnnuityFundsState& s) {
  m.annuities().start(s);
  std::vector<double> ez(m.params().economy.variables.size(), 1 + h.ret);
  double wage = m.params().scheme.average_wage_base;
  std::vector<PathRecord> recs;
  PathRecord rec;
  Workspace ws;
  m.prepare(ws, rec);
  for (int t = 0; t < n; ++t) {
    wage *= 1 + h.wage_growth;
    m.annuities().step(t, m.params().start_year + t, {h.contributors, h.retiring, wage, h.crediting, ez.data()}, s, rec);
    recs.push_back(rec);
  }
  return recs;
}

double contributors0(const PensionModel& m) {
  double c = 0;
  for (int r = 0; r < m.regions().count(); ++r) c += m.scheme(r).calibration().contributors;
  return c;
}

}  // namespace

TEST_CASE("the annuity plans start from 31.44 M members and 3.19 trn, and 41 M and 2.55 trn") {
  const auto cfg = load_config(kExample);
  const PensionModel m(cfg.model);
  const auto& a = m.annuities();
  AnnuityFundsState s;
  a.start(s);
  const auto& e = s.plan[AnnuityFundsModel::enterprise];
  CHECK(e.members == 31.44e6);
  CHECK(e.active + e.in_payment == Approx(3.19e12).epsilon(1e-15));
  CHECK(e.in_payment == Approx(89.3e9 * 139 / 12).epsilon(1e-15));  // sized by the payments of 2023
  CHECK(a.member_share(AnnuityFundsModel::enterprise) == Approx(31.44e6 / contributors0(m)).epsilon(1e-15));
  const auto& o = s.plan[AnnuityFundsModel::occupational];
  CHECK(o.members == 41e6);
  CHECK(o.active + o.in_payment == Approx(2.55e12).epsilon(1e-15));
  CHECK(o.notional == 2.0e12);
  // A path's first year moves from there by a year's contributions and return.
  const PathRecord rec = test::simulate_one(m, 5, 0);
  CHECK(rec.at(m.year_metric("enterprise_annuity_members"), 0) == Approx(31.44e6).epsilon(0.05));
  CHECK(rec.at(m.year_metric("enterprise_annuity_assets"), 0) == Approx(3.19e12).epsilon(0.2));
}

TEST_CASE("an 8% + 4% annuity plan at a fixed return is the closed form of a growing annuity") {
  // Members constant (contributors constant), nobody retiring, the wage
  // growing at h, the assets earning r: after n years
  //   A_n = A_0 g^n + c_1 g^(1/2) (g^n - (1 + h)^n) / (g - 1 - h),
  // g = 1 + r, c_1 = 12% x wage_ratio x members x w_{y0}.
  const auto cfg = load_config(test::write_baseline_variant("annuity_growing.toml", plans("wage_ratio = 1.2\n")));
  const PensionModel m(cfg.model);
  HandPath h;
  AnnuityFundsState s;
  const int n = 30;
  const auto recs = run_hand(m, h, n, s);
  const double share = m.annuities().member_share(AnnuityFundsModel::occupational);
  const double members = share * h.contributors;
  const double g = 1 + h.ret, w1 = cfg.model.scheme.average_wage_base * (1 + h.wage_growth);
  // The first year's contributions are on the mean of the two stocks (41 M on 1 January).
  const double c0 = 0.12 * 1.2 * 0.5 * (41e6 + members) * w1;
  const double c1 = 0.12 * 1.2 * members * w1;
  double expected = 2.55e12 * g + c0 * std::sqrt(g);  // after year 1
  for (int k = 2; k <= n; ++k) {
    // Years 2..k: a growing annuity from year 2's contribution c1 (1 + h).
    const int j = k - 1;
    const double closed = (2.55e12 * g + c0 * std::sqrt(g)) * std::pow(g, j) +
                          c1 * (1 + h.wage_growth) * std::sqrt(g) * (std::pow(g, j) - std::pow(1 + h.wage_growth, j)) /
                              (g - 1 - h.wage_growth);
    expected = closed;
    INFO("year " << k);
    CHECK(recs[static_cast<std::size_t>(k - 1)].at(m.year_metric("occupational_annuity_assets"), k - 1) ==
          Approx(expected).epsilon(1e-12));
    CHECK(recs[static_cast<std::size_t>(k - 1)].at(m.year_metric("occupational_annuity_members"), k - 1) ==
          Approx(members).epsilon(1e-15));
  }
  CHECK(recs.back().at(m.year_metric("occupational_annuity_benefits"), n - 1) == 0.0);  // nobody retired
  CHECK(recs.back().at(m.year_metric("occupational_annuity_return"), n - 1) == Approx(h.ret).epsilon(1e-14));
}

TEST_CASE("the notional employer part is credited at the accounts' rate and funded by budgets at retirement") {
  const auto cfg = load_config(test::write_baseline_variant(
      "annuity_notional.toml", plans("employer_funded = 0.0\nnotional = 1e12\n")));
  const PensionModel m(cfg.model);
  HandPath h;
  h.retiring = 0.03;
  AnnuityFundsState s;
  const auto recs = run_hand(m, h, 2, s);
  const double share = m.annuities().member_share(AnnuityFundsModel::occupational);
  const double members = share * h.contributors;
  const double w1 = cfg.model.scheme.average_wage_base * (1 + h.wage_growth);
  const double gc = 1 + h.crediting;
  // Year 1: 8% notional on the mean members, credited; 3% of it funded by budgets.
  const double grown = 1e12 * gc + 0.08 * 0.5 * (41e6 + members) * w1 * std::sqrt(gc);
  CHECK(recs[0].at(m.year_metric("occupational_annuity_budget"), 0) == Approx(0.03 * grown).epsilon(1e-14));
  CHECK(recs[0].at(m.year_metric("occupational_annuity_notional"), 0) == Approx(0.97 * grown).epsilon(1e-14));
  // Only the member's 4% is funded.
  CHECK(recs[0].at(m.year_metric("occupational_annuity_contributions"), 0) ==
        Approx(0.04 * 0.5 * (41e6 + members) * w1).epsilon(1e-14));
  // Year 2 pays 12 / 139 of what moved to payment in year 1 (the funded
  // balances' 3% and the budgets' funding).
  const double g = 1 + h.ret;
  const double active = 2.55e12 * g + 0.04 * 0.5 * (41e6 + members) * w1 * std::sqrt(g);
  CHECK(recs[1].at(m.year_metric("occupational_annuity_benefits"), 1) ==
        Approx((0.03 * active + 0.03 * grown) * 12 / 139).epsilon(1e-13));
}

TEST_CASE("balances in payment run down by 12 / divisor a year: P_n = P_0 (g - 12 g^(1/2) / D)^n") {
  // No contributions and no active balances: only the starting payments.
  const auto cfg = load_config(test::write_baseline_variant(
      "annuity_payout.toml",
      "[annuities.enterprise]\nmembers = 31.44e6\nassets = 1e12\nbenefits = 86.330935e9\nemployer = 0.0\n"
      "member = 0.0\nweights = { deposit = 1.0 }\ndivisor = 139\n"));
  const PensionModel m(cfg.model);
  HandPath h;
  h.retiring = 0.05;
  AnnuityFundsState s;
  m.annuities().start(s);
  const double p0 = s.plan[0].in_payment, a0 = s.plan[0].active;
  const auto recs = run_hand(m, h, 20, s);
  const double g = 1 + h.ret, decay = g - 12 * std::sqrt(g) / 139;
  double p = p0, a = a0;
  for (int k = 1; k <= 20; ++k) {
    const double paid = 12 * p / 139;
    INFO("year " << k);
    CHECK(recs[static_cast<std::size_t>(k - 1)].at(m.year_metric("enterprise_annuity_benefits"), k - 1) ==
          Approx(paid).epsilon(1e-13));
    // The active balances shrink by the retiring 5% after their return; what
    // moves joins the pool, which otherwise decays geometrically.
    const double moved = a * g * 0.05;
    p = p * decay + moved;
    a = a * g * 0.95;
    CHECK(recs[static_cast<std::size_t>(k - 1)].at(m.year_metric("enterprise_annuity_assets"), k - 1) ==
          Approx(a + p).epsilon(1e-13));
  }
  // Closed form of the pool with nothing moving in.
  HandPath none;
  none.retiring = 0;
  AnnuityFundsState s2;
  const auto r2 = run_hand(m, none, 10, s2);
  CHECK(r2.back().at(m.year_metric("enterprise_annuity_benefits"), 9) == Approx(12 * p0 * std::pow(decay, 9) / 139).epsilon(1e-13));
}

TEST_CASE("a pool never pays more than it holds: a short divisor in a year of heavy losses") {
  // divisor 12 pays the whole pool a year; at g = 0.5 the pool holds
  // P g^(1/2) mid-year, which is all it can pay: nothing is left, nothing created.
  const auto cfg = load_config(test::write_baseline_variant(
      "annuity_short.toml", "[annuities.enterprise]\nmembers = 31.44e6\nassets = 1e12\nbenefits = 1e11\nemployer = 0.0\n"
                            "member = 0.0\nweights = { deposit = 1.0 }\ndivisor = 12\n"));
  const PensionModel m(cfg.model);
  HandPath h;
  h.ret = -0.5;
  AnnuityFundsState s;
  const auto recs = run_hand(m, h, 1, s);
  CHECK(recs[0].at(m.year_metric("enterprise_annuity_benefits"), 0) == Approx(1e11 * std::sqrt(0.5)).epsilon(1e-14));
  CHECK(recs[0].at(m.year_metric("enterprise_annuity_assets"), 0) == Approx((1e12 - 1e11) * 0.5).epsilon(1e-14));
}

TEST_CASE("the private pension: a flat amount within the cap at a fixed return, taxed on withdrawal") {
  // 15,000 a year is cut to the 12,000 cap; members constant; nobody retiring:
  //   A_n = A_1 g^(n-1) + 12,000 M g^(1/2) (g^(n-1) - 1) / (g - 1),
  // A_1 = (A_0 - P_0) g + 12,000 (M_0 + M) / 2 g^(1/2); the pool P_0 = 1e9 x 139 / 12
  // pays 12 / 139 of itself a year, 3% of it withheld.
  const auto cfg = load_config(test::write_baseline_variant(
      "annuity_private.toml", "[annuities.private]\nmembers = 1e7\nassets = 3e10\nbenefits = 1e9\namount = 15000\n"
                              "weights = { deposit = 1.0 }\n"));
  const PensionModel m(cfg.model);
  HandPath h;
  AnnuityFundsState s;
  const int n = 12;
  const auto recs = run_hand(m, h, n, s);
  const double g = 1 + h.ret, decay = g - 12 * std::sqrt(g) / 139;
  const double members = m.annuities().member_share(AnnuityFundsModel::private_pension) * h.contributors;
  const double p0 = 1e9 * 139 / 12;
  const double a1 = (3e10 - p0) * g + 12000 * 0.5 * (1e7 + members) * std::sqrt(g);
  CHECK(recs[0].at(m.year_metric("private_pension_contributions"), 0) == Approx(12000 * 0.5 * (1e7 + members)).epsilon(1e-14));
  CHECK(recs[0].at(m.year_metric("private_pension_benefits"), 0) == Approx(0.97 * 1e9).epsilon(1e-13));
  CHECK(recs[0].at(m.year_metric("private_pension_tax"), 0) == Approx(0.03 * 1e9).epsilon(1e-13));
  for (int k = 2; k <= n; ++k) {
    const double active = a1 * std::pow(g, k - 1) + 12000 * members * std::sqrt(g) * (std::pow(g, k - 1) - 1) / (g - 1);
    const double pool = p0 * std::pow(decay, k);
    INFO("year " << k);
    CHECK(recs[static_cast<std::size_t>(k - 1)].at(m.year_metric("private_pension_assets"), k - 1) ==
          Approx(active + pool).epsilon(1e-12));
    CHECK(recs[static_cast<std::size_t>(k - 1)].at(m.year_metric("private_pension_benefits"), k - 1) ==
          Approx(0.97 * 12 * p0 * std::pow(decay, k - 1) / 139).epsilon(1e-12));
  }
}

TEST_CASE("annuities invest within the 40% equity cap, the plans' and the workers' alike") {
  using test::expect_config_error;
  const std::string plan = "[annuities.enterprise]\nmembers = 3e7\nassets = 1e12\nemployer = 0.05\nmember = 0.02\n"
                           "weights = { equity_domestic = 0.45, deposit = 0.55 }\n";
  expect_config_error("annuity_equity.toml", plan, "annuities.enterprise.weights", "above equity_cap 0.4");
  CHECK(load_config(test::write_baseline_variant("annuity_equity_ok.toml", plan + "equity_cap = 0.5\n"))
            .model.enterprise_annuity.on);
  // A glide path that crosses the cap in 2042 (0.2 + 0.3 x 18 / 26) is refused too.
  expect_config_error("annuity_equity_glide.toml",
                      "[annuities.occupational]\nmembers = 4e7\nassets = 1e12\nemployer = 0.08\nmember = 0.04\n"
                      "weights = { equity_domestic = [[2024, 0.2], [2050, 0.5]], deposit = [[2024, 0.8], [2050, 0.5]] }\n",
                      "annuities.occupational.weights", "in 2042");
  expect_config_error("workers_equity.toml",
                      "[workers]\ncohorts = [2005]\n[workers.annuity]\nemployer = 0.05\nmember = 0.02\n"
                      "weights = { equity_domestic = 0.6, deposit = 0.4 }\n",
                      "workers.annuity.weights", "above equity_cap 0.4");
}

TEST_CASE("bad [annuities] tables are refused at the key before any simulation") {
  using test::expect_config_error;
  expect_config_error("annuity_empty.toml", "[annuities]\n", "annuities", "[annuities.private]");
  expect_config_error("annuity_private_rate.toml",
                      "[annuities.private]\nmembers = 1e7\nassets = 3e10\namount = 2000\nemployer = 0.05\n"
                      "weights = { deposit = 1.0 }\n",
                      "annuities.private.employer", "");
  expect_config_error("annuity_benefits.toml",
                      "[annuities.enterprise]\nmembers = 3e7\nassets = 1e11\nbenefits = 1e11\nemployer = 0.05\n"
                      "member = 0.02\nweights = { deposit = 1.0 }\n",
                      "annuities.enterprise.benefits", "more than the assets");
  expect_config_error("annuity_notional_funded.toml", plans("notional = 1e12\n"), "annuities.occupational.notional",
                      "employer_funded below 1");
  expect_config_error("annuity_rate.toml",
                      "[annuities.enterprise]\nmembers = 3e7\nassets = 1e12\nemployer = 0.5\nmember = 0.02\n"
                      "weights = { deposit = 1.0 }\n",
                      "annuities.enterprise.employer", "");
  expect_config_error("annuity_funded_key.toml",
                      "[annuities.enterprise]\nmembers = 3e7\nassets = 1e12\nemployer = 0.05\nmember = 0.02\n"
                      "employer_funded = 0.5\nweights = { deposit = 1.0 }\n",
                      "annuities.enterprise.employer_funded", "");
  // More members than contributors: at the key, before simulating.
  test::expect_model_error("annuity_members.toml",
                           "[annuities.enterprise]\nmembers = 1.5e9\nassets = 1e12\nemployer = 0.05\nmember = 0.02\n"
                           "weights = { deposit = 1.0 }\n",
                           "annuities.enterprise.members");
  expect_config_error("annuity_coverage.toml",
                      "[annuities.enterprise]\nmembers = 3e7\nassets = 1e12\nemployer = 0.05\nmember = 0.02\n"
                      "coverage = [[2030, 0.0], [2040, 1.0]]\nweights = { deposit = 1.0 }\n",
                      "annuities.enterprise.coverage", "above 0 there");
}
