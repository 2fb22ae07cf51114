// Strategies that react to the fund (models/funds/dynamic_strategy.h; docs/model.md D4.7).
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>

#include "io/config.h"
#include "models/funds/dynamic_strategy.h"
#include "models/pension_model.h"
#include "path_support.h"

using namespace pfsim;

namespace {
const std::string& kBaseline = test::kBaselineConfig;
const std::string kMix = "equity_domestic = 0.07, bond_government = 0.40, deposit = 0.45, project_equity = 0.08";

// Three assets (economy variables 0, 1, 2), a de-risking rule on months
// covered: at 6 months or less (0, 0.4, 0.6), at 24 or more (0.3, 0.5, 0.2).
Strategy derisking() {
  Strategy s;
  s.assets = {0, 1, 2};
  for (double w : {0.3, 0.5, 0.2}) s.weights.emplace_back(w);
  s.fee = 0.001;
  s.rule.on = true;
  s.rule.state = RuleState::months_covered;
  s.rule.at = {6, 24};
  s.rule.weights = {{0.0, 0.4, 0.6}, {0.3, 0.5, 0.2}};
  s.limits = {1, 1, 1};
  return s;
}

StrategyInputs months(double m) {
  StrategyInputs in;
  in.benefits_last = 120;
  in.balance = m * 10;  // 12 x balance / benefits = m
  return in;
}
}  // namespace

TEST_CASE("a de-risking rule's weights follow the months covered, flat beyond its points") {
  const Strategy s = derisking();
  const StrategyModel fixed(s, 2024, 2030);
  const DynamicStrategy d(s, fixed);
  CHECK(d.state(months(15)) == Approx(15).epsilon(1e-15));
  // 15 months: halfway: (0.15, 0.45, 0.40).
  auto w = d.target(0, months(15));
  CHECK(w[0] == Approx(0.15).epsilon(1e-14));
  CHECK(w[1] == Approx(0.45).epsilon(1e-14));
  CHECK(w[2] == Approx(0.40).epsilon(1e-14));
  // 12 months: a third of the way: (0.1, 0.4333.., 0.4666..).
  w = d.target(0, months(12));
  CHECK(w[0] == Approx(0.1).epsilon(1e-14));
  CHECK(w[1] == Approx(0.4 + 0.1 / 3).epsilon(1e-14));
  CHECK(w[2] == Approx(0.6 - 0.4 / 3).epsilon(1e-14));
  // At or beyond the ends the end points hold exactly.
  for (double m : {0.0, 3.0, 6.0}) CHECK(d.target(0, months(m))[0] == 0.0);
  for (double m : {24.0, 60.0}) CHECK(d.target(0, months(m))[2] == 0.2);
  // Without benefits the fund covers "forever": the last point.
  StrategyInputs none = months(10);
  none.benefits_last = 0;
  CHECK(d.target(0, none)[0] == 0.3);
}

TEST_CASE("the liquidity reserve, then the limits, shape the target") {
  Strategy s = derisking();
  s.liquidity_asset = 2;
  s.liquidity_cover = 1.0;
  {
    const StrategyModel fixed(s, 2024, 2030);
    const DynamicStrategy d(s, fixed);
    // 24 months (0.3, 0.5, 0.2); a net outflow of half the fund needs 0.5 in
    // asset 2; the others shrink by 0.5 / 0.8: (0.1875, 0.3125, 0.5).
    StrategyInputs in = months(24);
    in.outflow_last = 0.5 * in.balance;
    const auto w = d.target(0, in);
    CHECK(w[2] == Approx(0.5).epsilon(1e-15));
    CHECK(w[0] == Approx(0.1875).epsilon(1e-14));
    CHECK(w[1] == Approx(0.3125).epsilon(1e-14));
    // A reserve below the rule's weight changes nothing.
    in.outflow_last = 0.1 * in.balance;
    CHECK(d.target(0, in)[2] == 0.2);
  }
  s.liquidity_asset = -1;
  s.limits = {0.2, 1, 1};
  const StrategyModel fixed(s, 2024, 2030);
  const DynamicStrategy d(s, fixed);
  // 24 months: 0.3 of asset 0 is cut to its limit 0.2; the 0.1 goes to the
  // others in proportion 0.5 : 0.2: (0.2, 0.5714.., 0.2857..).
  const auto w = d.target(0, months(24));
  CHECK(w[0] == Approx(0.2).epsilon(1e-15));
  CHECK(w[1] == Approx(0.5 + 0.1 * 5 / 7).epsilon(1e-14));
  CHECK(w[2] == Approx(0.2 + 0.1 * 2 / 7).epsilon(1e-14));
}

TEST_CASE("within the band the drifted weights are kept, beyond it the fund trades back at a cost") {
  Strategy s = derisking();
  s.rebalance_band = 0.05;
  s.rebalance_cost = 0.002;
  const StrategyModel fixed(s, 2024, 2030);
  const DynamicStrategy d(s, fixed);
  AssetWeights held{};
  // No position yet: the target, no cost.
  CHECK(d.decide(0, months(24), nullptr, held) == 0.0);
  CHECK(held[0] == 0.3);
  // Asset 0 returns 20%, the others 0: weights drift to (0.36/1.06, 0.5/1.06, 0.2/1.06).
  const double ez[3] = {1.2, 1.0, 1.0};
  const AssetWeights drifted = d.drift(held, ez);
  CHECK(drifted[0] == Approx(0.36 / 1.06).epsilon(1e-14));
  CHECK(drifted[1] == Approx(0.5 / 1.06).epsilon(1e-14));
  // 0.3396 is within 0.05 of 0.3: kept, no trade.
  CHECK(d.decide(1, months(24), &drifted, held) == 0.0);
  CHECK(held[0] == drifted[0]);
  // At 15 months the target is (0.15, 0.45, 0.40): beyond the band: trade.
  const double turnover = d.decide(1, months(15), &drifted, held);
  CHECK(held[0] == Approx(0.15).epsilon(1e-14));
  CHECK(turnover == Approx(std::abs(0.15 - 0.36 / 1.06) + std::abs(0.45 - 0.5 / 1.06) + std::abs(0.40 - 0.2 / 1.06))
                        .epsilon(1e-13));
  const double g = d.gross_return(held, ez, turnover);
  CHECK(g == Approx(0.15 * 1.2 + 0.45 + 0.40 - 0.001 - 0.002 * turnover).epsilon(1e-14));
}

TEST_CASE("a rule that keeps the mix fixed reproduces the fixed mix bit for bit") {
  const PensionModel fixed(load_config(kBaseline).model);
  const auto cfg = load_config(test::write_baseline_variant("rule_fixed.toml", "[funds.basic.rule]\nstate = \"months_covered\"\n"
                                                               "points = [[6, {" + kMix + "}], [36, {" + kMix + "}]]\n"));
  REQUIRE(cfg.warnings.size() >= 1);  // the included weights are not used, and the config says so
  const PensionModel rule(cfg.model);
  test::require_same_bits(fixed, rule, 21, {0u, 9u});
}

TEST_CASE("on a simulated path each year's weights are the rule at the months covered of the year before") {
  const auto cfg = load_config(test::write_baseline_variant(
      "rule_derisk.toml",
      "[funds.basic.rule]\nstate = \"months_covered\"\npoints = [[6, { equity_domestic = 0.0, bond_government = 0.4, "
      "deposit = 0.6 }], [24, { equity_domestic = 0.25, bond_government = 0.45, deposit = 0.2, project_equity = 0.1 }]]\n"));
  const PensionModel m(cfg.model);
  auto expected_equity = [](double months) { return 0.25 * std::clamp((months - 6) / 18, 0.0, 1.0); };
  int interior = 0;
  for (std::uint64_t path : {1u, 2u, 3u}) {
    const PathRecord rec = test::simulate_one(m, 8, path);
    // The first year decides on the calibrated pensions in payment.
    const double first = 12 * 6.0e12 / (cfg.model.scheme.calib_pensioners * cfg.model.scheme.calib_average_pension);
    CHECK(rec.at(m.year_metric("basic_weight_equity_domestic"), 0) == Approx(expected_equity(first)).epsilon(1e-12));
    for (int t = 1; t < m.years(); ++t) {
      const double months = rec.at(m.year_metric("months_covered"), t - 1);
      INFO("path " << path << ", " << 2024 + t << ", months covered " << months);
      CHECK(rec.at(m.year_metric("basic_weight_equity_domestic"), t) ==
            Approx(expected_equity(months)).epsilon(1e-12).margin(1e-15));
      CHECK(rec.at(m.year_metric("basic_weight_project_equity"), t) ==
            Approx(0.4 * expected_equity(months)).epsilon(1e-12).margin(1e-15));
      if (months > 6 && months < 24) ++interior;
    }
  }
  CHECK(interior > 10);  // the paths cross the rule's interior, not only its flat ends
}

TEST_CASE("bad rules are refused at the key before any simulation") {
  auto expect = [](const std::string& body, const std::string& key, const std::string& fragment) {
    test::expect_config_error("rule_bad.toml", body, key, fragment);
  };
  const std::string head = "[funds.basic.rule]\nstate = \"months_covered\"\n";
  expect(head + "points = [[24, {deposit = 1.0}], [6, {deposit = 1.0}]]\n", "funds.basic.rule.points[1]",
         "increase strictly");
  expect(head + "points = [[6, {deposit = 0.5}]]\n", "funds.basic.rule.points[0]", "sum to 0.5");
  expect(head + "points = [[6, {gold = 1.0}]]\n", "funds.basic.rule.points[0].gold", "not an asset class");
  expect(head + "points = [[6, {equity_domestic = 0.5, deposit = 0.5}]]\n", "funds.basic.rule.points[0]",
         "above its limit 0.3 (funds.basic.limits.equity_domestic)");
  expect("[funds.basic.rule]\nstate = \"drawdown\"\npoints = [[1.5, {deposit = 1.0}]]\n", "funds.basic.rule.points[0]",
         "from 0 to 1");
  expect(head + "horizon = 5\npoints = [[6, {deposit = 1.0}]]\n", "funds.basic.rule.horizon", "applies to state");
  expect("[funds.basic.rule]\nstate = \"cash\"\npoints = [[6, {deposit = 1.0}]]\n", "funds.basic.rule.state", "months_covered");
  expect("[funds.reserve.rule]\nstate = \"drawdown\"\npoints = [[0, {deposit = 0.9}]]\n", "funds.reserve.rule.points[0]",
         "sum to 0.9");
  expect("[funds.accounts.rule]\nstate = \"drawdown\"\npoints = [[0, {deposit = 1.0}]]\n", "funds.accounts",
         "funding = \"funded\"");
  expect("[funds.basic.liquidity]\nasset = \"gold\"\ncover = 1\n", "funds.basic.liquidity.asset", "deposit");
  expect("[funds.basic.rebalance]\nband = 2\n", "funds.basic.rebalance.band", "");
}

namespace {
// The baseline with funded accounts and a large strategic reserve that
// transfers whenever the basic fund covers less than eight months (up to half
// of the reserve a year), each fund on a fixed mix, then `rules`.
std::string reserve_and_accounts(const std::string& name, const std::string& rules) {
  return test::write_baseline_variant(
      name,
      "[scheme.accounts]\nfunding = \"funded\"\n"
      "[funds.accounts]\ninitial_balance = 1.0e12\nweights = { equity_domestic = 0.2, bond_government = 0.5, deposit = 0.3 }\n"
      "[funds.reserve]\ninitial_balance = 2.0e13\nweights = { equity_domestic = 0.3, bond_government = 0.5, deposit = 0.2 }\n"
      "inflow = 1.0e11\ninflow_wage_indexed = true\ntransfer = { below_months = 8, max_share = 0.5 }\n" +
          rules);
}
}  // namespace

TEST_CASE("rules that keep the reserve's and the account fund's mixes fixed reproduce them bit for bit") {
  const PensionModel fixed(load_config(reserve_and_accounts("funds_fixed.toml", "")).model);
  const auto cfg = load_config(reserve_and_accounts(
      "funds_rules_fixed.toml",
      "[funds.reserve.rule]\nstate = \"months_covered\"\npoints = [[6, { equity_domestic = 0.3, bond_government = 0.5, "
      "deposit = 0.2 }], [36, { equity_domestic = 0.3, bond_government = 0.5, deposit = 0.2 }]]\n"
      "[funds.accounts.rule]\nstate = \"drawdown\"\npoints = [[0, { equity_domestic = 0.2, bond_government = 0.5, "
      "deposit = 0.3 }], [0.5, { equity_domestic = 0.2, bond_government = 0.5, deposit = 0.3 }]]\n"));
  const PensionModel rules(cfg.model);
  const auto reports = [&](const std::string& name) {
    for (const auto& y : rules.year_metrics())
      if (y.name == name) return true;
    return false;
  };
  REQUIRE(reports("reserve_turnover"));
  REQUIRE(reports("accounts_weight_deposit"));
  REQUIRE_FALSE(reports("basic_turnover"));
  test::require_same_bits(fixed, rules, 21, {0u, 9u});
}

TEST_CASE("the reserve's and the account fund's rules follow each fund's own state of the year before") {
  // The reserve de-risks as its months of transfers fall; the account fund
  // as its funded share of three years' net outflow (payments - contributions) falls.
  const auto cfg = load_config(reserve_and_accounts(
      "funds_rules.toml",
      "[funds.reserve.rule]\nstate = \"months_covered\"\npoints = [[24, { bond_government = 0.5, deposit = 0.5 }], "
      "[240, { equity_domestic = 0.4, bond_government = 0.4, deposit = 0.2 }]]\n"
      "[funds.accounts.rule]\nstate = \"funded_share\"\nhorizon = 3\npoints = [[10, { bond_government = 0.6, deposit = 0.4 }], "
      "[100, { equity_domestic = 0.3, bond_government = 0.5, deposit = 0.2 }]]\n"));
  const PensionModel m(cfg.model);
  const auto at = [&](const PathRecord& rec, const char* name, int t) { return rec.at(m.year_metric(name), t); };
  const auto share = [](double x, double lo, double hi) { return std::isfinite(x) ? std::clamp((x - lo) / (hi - lo), 0.0, 1.0) : 1.0; };
  int reserve_interior = 0, accounts_interior = 0;
  for (std::uint64_t path : {1u, 2u, 3u}) {
    const PathRecord rec = test::simulate_one(m, 8, path);
    // The first year knows no flows of the year before: the last points.
    CHECK(at(rec, "reserve_weight_equity_domestic", 0) == 0.4);
    CHECK(at(rec, "accounts_weight_equity_domestic", 0) == 0.3);
    for (int t = 1; t < m.years(); ++t) {
      INFO("path " << path << ", " << 2024 + t);
      // The reserve: 12 x its balance / its transfer of the year before.
      const double transfer = at(rec, "reserve_transfer", t - 1);
      const double months = transfer > 0 ? 12 * at(rec, "reserve_balance", t - 1) / transfer : INFINITY;
      CHECK(at(rec, "reserve_weight_equity_domestic", t) ==
            Approx(0.4 * share(months, 24, 240)).epsilon(1e-12).margin(1e-15));
      if (months > 24 && months < 240) ++reserve_interior;
      // The account fund: its balance / (3 x (its payments - account contributions)).
      const double payments = at(rec, "benefits_account", t - 1) - at(rec, "overdraft", t - 1) + at(rec, "refunds", t - 1) +
                              at(rec, "transfers_out", t - 1);
      const double outflow = payments - at(rec, "contributions_account", t - 1);
      const double funded = outflow > 0 ? at(rec, "account_fund_balance", t - 1) / (3 * outflow) : INFINITY;
      CHECK(at(rec, "accounts_weight_equity_domestic", t) == Approx(0.3 * share(funded, 10, 100)).epsilon(1e-10).margin(1e-12));
      if (funded > 10 && funded < 100) ++accounts_interior;
    }
  }
  // The paths cross both rules' interiors, not only their flat ends.
  CHECK(reserve_interior > 10);
  CHECK(accounts_interior > 10);
}
