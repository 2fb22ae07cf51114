// The optimiser (core/optimize.h) and `pfsim optimize` (run/study.cpp).
#include <catch2/catch.hpp>

#include <cmath>
#include <algorithm>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>

#include "core/optimize.h"
#include "io/config.h"
#include "io/hdf5_file.h"
#include "io/summary.h"

#include <nlohmann/json.hpp>
#include "path_support.h"
#include "run/study.h"

using namespace pfsim;

namespace {
// A deterministic "noise" of the kind a fixed sample gives: small and rough.
double rough(double x, double y) { return 1e-4 * std::sin(200 * x) * std::sin(170 * y); }
}  // namespace

TEST_CASE("COBYLA finds the minimum of a noisy bowl within its tolerance") {
  // min (x - 0.3)^2 + (y - 0.6)^2 + noise on [0, 1]^2 from (0.9, 0.1): the
  // noise (1e-4) moves the minimum by at most sqrt(1e-4) = 0.01.
  OptimizeProblem p;
  p.lower = {0, 0};
  p.upper = {1, 1};
  p.start = {0.9, 0.1};
  p.max_evaluations = 200;
  p.tolerance = 1e-4;
  const auto r = minimize(p, [](const std::vector<double>& x) {
    return std::pair<double, std::vector<double>>{std::pow(x[0] - 0.3, 2) + std::pow(x[1] - 0.6, 2) + rough(x[0], x[1]), {}};
  });
  REQUIRE(r.best >= 0);
  const auto& b = r.evaluations[static_cast<std::size_t>(r.best)];
  CHECK(b.x[0] == Approx(0.3).margin(0.02));
  CHECK(b.x[1] == Approx(0.6).margin(0.02));
  CHECK(r.evaluations.size() <= 200u);
}

TEST_CASE("with constraints the reported optimum is the best point that meets them, never one that fails") {
  // max x + y subject to x^2 + y^2 <= 0.5 on [0, 1]^2: the optimum is (0.5, 0.5).
  OptimizeProblem p;
  p.lower = {0, 0};
  p.upper = {1, 1};
  p.start = {0.1, 0.1};
  p.constraints = 1;
  p.max_evaluations = 300;
  p.tolerance = 1e-5;
  const auto r = minimize(p, [](const std::vector<double>& x) {
    return std::pair<double, std::vector<double>>{-(x[0] + x[1]) + rough(x[0], x[1]), {x[0] * x[0] + x[1] * x[1] - 0.5}};
  });
  REQUIRE(r.best >= 0);
  const auto& b = r.evaluations[static_cast<std::size_t>(r.best)];
  CHECK(b.feasible);
  CHECK(b.x[0] * b.x[0] + b.x[1] * b.x[1] <= 0.5);
  CHECK(b.x[0] == Approx(0.5).margin(0.02));
  CHECK(b.x[1] == Approx(0.5).margin(0.02));
  // No feasible evaluation has a lower objective than the reported one.
  for (const auto& e : r.evaluations)
    if (e.feasible) CHECK(e.objective >= b.objective);
  bool some_infeasible = false;
  for (const auto& e : r.evaluations) some_infeasible = some_infeasible || !e.feasible;
  CHECK(some_infeasible);  // the search did probe beyond the constraint
}

TEST_CASE("pfsim optimize: an allocation on the baseline, checked in and out of sample") {
  const std::string config = test::write_baseline_variant("optimize.toml", R"(
[optimize]
rebalance = "funds.basic.weights"
max_evaluations = 12
[[optimize.variables]]
key = "funds.basic.weights.equity_domestic"
lower = 0.0
upper = 0.3
[optimize.objective]
metric = "fund_balance_real"
year = 2040
statistic = "median"
[[optimize.constraints]]
metric = "depletion_probability"
year = 2055
at_most = 0.45
[optimize.frontier]
constraint = 1
bounds = [0.40, 0.60]
)");
  auto cfg = load_config(config, {"run.paths=200"});
  REQUIRE(cfg.optimize.enabled);
  CHECK(cfg.optimize.start == std::vector<double>{0.07});
  const std::string out = std::string(PFSIM_TEST_TMP) + "/optimize.h5";
  std::filesystem::remove(out);
  EngineOptions eo;
  eo.progress = false;
  const auto res = run_optimize(cfg, eo, out, true);
  REQUIRE(res.x.size() == 1);
  CHECK(res.x[0] >= 0.0);
  CHECK(res.x[0] <= 0.3);
  CHECK(res.constraints[0] <= 0.45);  // in sample the optimum meets its constraint
  CHECK(res.evaluations <= 12u);
  auto f = h5::File::open_read(out);
  CHECK(h5::exists(f.id(), "optimize/evaluations_x"));
  CHECK(h5::exists(f.id(), "scenarios/current"));
  CHECK(h5::exists(f.id(), "scenarios/optimum/difference/fund_balance_real/mean"));
  const auto feasible = h5::read_ints(f.id(), "optimize/evaluations_feasible");
  const auto objective = h5::read_doubles(f.id(), "optimize/evaluations_objective");
  const auto best = static_cast<std::size_t>(h5::read_int_attr(h5::open_group(f.id(), "optimize"), "best"));
  REQUIRE(best < feasible.size());
  CHECK(feasible[best] == 1);
  for (std::size_t i = 0; i < feasible.size(); ++i)
    if (feasible[i]) CHECK(objective[i] <= objective[best]);  // the best feasible: a maximum
  CHECK(h5::read_int_attr(h5::open_group(f.id(), "optimize"), "out_of_sample_seed") ==
        static_cast<std::int64_t>(cfg.run.seed + 1));
  // Out of sample the optimum's objective is reported beside the config's.
  CHECK(std::isfinite(res.optimum_objective));
  CHECK(std::isfinite(res.current_objective));
  // The summary shows the file's figures.
  std::ostringstream text;
  SummaryRequest request;
  request.json = true;
  print_summary(out, request, text);
  const auto j = nlohmann::json::parse(text.str());
  REQUIRE(j.contains("optimization"));
  const auto& o = j["optimization"];
  CHECK(o["variables"][0]["optimum"].get<double>() == res.x[0]);
  CHECK(o["in_sample"][0].get<double>() == res.objective);
  CHECK(o["out_of_sample_optimum"][0].get<double>() == res.optimum_objective);
  CHECK(o["out_of_sample_config"][0].get<double>() == res.current_objective);
  CHECK(o["constraints"][0].get<std::string>() == "P(depleted by 2055) <= 0.45");
  // Each statistic's Monte Carlo interval holds its value ...
  for (const char* part : {"in_sample", "out_of_sample_optimum", "out_of_sample_config"})
    for (std::size_t i = 0; i < 2; ++i) {
      INFO(part << " " << i);
      CHECK(o[std::string(part) + "_lower"][i].get<double>() <= o[part][i].get<double>());
      CHECK(o[part][i].get<double>() <= o[std::string(part) + "_upper"][i].get<double>());
      CHECK(o[std::string(part) + "_lower"][i].get<double>() < o[std::string(part) + "_upper"][i].get<double>());
    }
  // ... and is the interval the file's statistics give the same run: out of
  // sample at the optimum, the median's order-statistic interval of
  // fund_balance_real in 2040 and the Wilson interval of P(depleted by 2055)
  // of the scenario "optimum".
  {
    const auto probs = h5::read_doubles_attr(h5::open_group(f.id(), "scenarios/optimum/metrics/fund_balance_real"), "probabilities");
    const auto median = static_cast<std::size_t>(std::find(probs.begin(), probs.end(), 0.5) - probs.begin());
    REQUIRE(median < probs.size());
    const std::size_t ny = 2100 - 2024 + 1, t = 2040 - 2024;
    const auto lower = h5::read_doubles(f.id(), "scenarios/optimum/metrics/fund_balance_real/quantiles_lower");
    const auto upper = h5::read_doubles(f.id(), "scenarios/optimum/metrics/fund_balance_real/quantiles_upper");
    CHECK(res.optimum_lower[0] == lower[median * ny + t]);
    CHECK(res.optimum_upper[0] == upper[median * ny + t]);
    const std::size_t t2 = 2055 - 2024;
    CHECK(res.optimum_lower[1] == h5::read_doubles(f.id(), "scenarios/optimum/risk/depletion_probability_lower")[t2]);
    CHECK(res.optimum_upper[1] == h5::read_doubles(f.id(), "scenarios/optimum/risk/depletion_probability_upper")[t2]);
  }
  // The frontier: a looser bound never gives a worse optimum in sample
  // (up to the search's tolerance on a rough objective: 1%).
  REQUIRE(res.frontier_in.size() == 2);
  CHECK(h5::read_doubles(f.id(), "optimize/frontier_bounds") == std::vector<double>{0.40, 0.60});
  CHECK(h5::read_ints(f.id(), "optimize/frontier_found") == std::vector<std::int32_t>{1, 1});
  CHECK(res.frontier_in[1] >= 0.99 * res.frontier_in[0]);
  CHECK(std::isfinite(res.frontier_out[0]));
}

TEST_CASE("an [optimize] whose constraints no evaluated point meets says so, at the key") {
  auto cfg = load_config(test::write_baseline_variant("optimize_infeasible.toml", R"(
[optimize]
max_evaluations = 4
[[optimize.variables]]
key = "funds.basic.fee"
lower = 0.0
upper = 0.01
[optimize.objective]
metric = "depletion_probability"
year = 2060
goal = "minimize"
[[optimize.constraints]]
metric = "depletion_probability"
year = 2040
at_least = 0.99
)"), {"run.paths=50"});
  EngineOptions eo;
  eo.progress = false;
  try {
    (void)run_optimize(cfg, eo, std::string(PFSIM_TEST_TMP) + "/optimize_infeasible.h5", true);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(e.key() == "optimize.constraints");
    CHECK_THAT(std::string(e.what()), Catch::Contains("meets every constraint"));
  }
  CHECK_FALSE(std::filesystem::exists(std::string(PFSIM_TEST_TMP) + "/optimize_infeasible.h5"));
}

TEST_CASE("bad [optimize] tables are refused before any simulation, at the key") {
  const std::string var = "[[optimize.variables]]\nkey = \"funds.basic.fee\"\nlower = 0\nupper = 0.01\n";
  const std::string obj = "[optimize.objective]\nmetric = \"fund_balance_real\"\nyear = 2040\n";
  test::expect_config_error("optimize_bad.toml", "[optimize]\n" + obj, "optimize.variables", "1 to 8 variables");
  test::expect_config_error("optimize_bad.toml",
                            "[optimize]\n[[optimize.variables]]\nkey = \"funds.basic.weights\"\nlower = 0\nupper = 1\n" + obj,
                            "optimize.variables[0].key", "one number");
  test::expect_config_error("optimize_bad.toml",
                            "[optimize]\n[[optimize.variables]]\nkey = \"funds.basic.fee\"\nlower = 1\nupper = 0\n" + obj,
                            "optimize.variables[0].upper", "lower < upper");
  test::expect_config_error("optimize_bad.toml", "[optimize]\nrebalance = \"funds.basic.weights\"\n" + var + obj,
                            "optimize.rebalance", "no variable is a key of the table 'funds.basic.weights'");
  test::expect_config_error("optimize_bad.toml", "[optimize]\n" + var + obj + "statistic = \"mode\"\n",
                            "optimize.objective.statistic", "median");
  test::expect_config_error("optimize_bad.toml", "[optimize]\n" + var + obj + "[[optimize.constraints]]\nmetric = \"depletion_probability\"\nyear = 2050\n",
                            "optimize.constraints[0]", "exactly one of at_most or at_least");
  test::expect_config_error("optimize_bad.toml", "[optimize]\n" + var + obj + "[scenarios]\nreference = \"a\"\n[scenarios.define.a]\n",
                            "optimize", "not both");
}

namespace {
const std::string kRule = R"(
[funds.basic.rule]
state = "months_covered"
points = [
  [6,  { equity_domestic = 0.00, bond_government = 0.40, deposit = 0.60 }],
  [24, { equity_domestic = 0.20, bond_government = 0.40, deposit = 0.30, project_equity = 0.10 }],
]
[optimize.objective]
metric = "fund_balance_real"
year = 2045
)";
std::string variable(const std::string& key, double lower, double upper) {
  return fmt::format("[[optimize.variables]]\nkey = \"{}\"\nlower = {}\nupper = {}\n", key, lower, upper);
}
}  // namespace

TEST_CASE("an optimisation may move a rule's states and the weights at its points") {
  const auto path = test::write_baseline_variant(
      "optimize_rule.toml", "[optimize]\nrebalance = [\"funds.basic.rule.points[1][1]\"]\n" +
                                variable("funds.basic.rule.points[0][0]", 0, 12) +
                                variable("funds.basic.rule.points[1][0]", 13, 60) +
                                variable("funds.basic.rule.points[1][1].equity_domestic", 0, 0.3) +
                                variable("funds.basic.fee", 0, 0.01) + kRule);
  const auto cfg = load_config(path);
  const auto& o = cfg.optimize;
  REQUIRE(o.keys.size() == 4);
  // The search starts at the config's values.
  CHECK(o.start == std::vector<double>{6, 24, 0.2, 0.001});
  const auto v = load_variant(path, {}, o.at({3.5, 40, 0.28, 0.002}));
  const auto& rule = v.model.basic_fund.strategy.rule;
  REQUIRE(rule.at.size() == 2);
  CHECK(rule.at[0] == 3.5);
  CHECK(rule.at[1] == 40);
  CHECK(v.model.basic_fund.strategy.fee == 0.002);
  // At the second point equity is the variable's value and the other weights
  // keep their proportions (0.4 : 0.3 : 0.1), scaled to 1 - 0.28 together.
  const auto& assets = v.model.basic_fund.strategy.assets;
  const auto& econ = v.model.economy;
  const auto weight = [&](std::size_t point, const char* name) {
    const auto at = std::find(assets.begin(), assets.end(), econ.index_of(name));
    REQUIRE(at != assets.end());
    return rule.weights[point][static_cast<std::size_t>(at - assets.begin())];
  };
  CHECK(weight(1, "equity_domestic") == 0.28);
  CHECK(weight(1, "bond_government") == Approx(0.4 * 0.72 / 0.8).epsilon(1e-15));
  CHECK(weight(1, "deposit") == Approx(0.3 * 0.72 / 0.8).epsilon(1e-15));
  CHECK(weight(1, "project_equity") == Approx(0.1 * 0.72 / 0.8).epsilon(1e-15));
  // The first point is untouched.
  CHECK(weight(0, "deposit") == 0.6);
}

TEST_CASE("an optimisation over a rule's states that could cross is refused, as are indexes that do not exist") {
  test::expect_config_error("optimize_rule_bad.toml",
                            "[optimize]\n" + variable("funds.basic.rule.points[0][0]", 0, 12) +
                                variable("funds.basic.rule.points[1][0]", 10, 60) + kRule,
                            "optimize.variables[1].lower", "must increase at every point of the search");
  test::expect_config_error("optimize_rule_bad.toml", "[optimize]\n" + variable("funds.basic.rule.points[2][0]", 30, 60) + kRule,
                            "optimize.variables[0].key", "not set");
  // A corner of the box that breaks the rule is found when the variants load.
  test::expect_config_error("optimize_rule_bad.toml", "[optimize]\n" + variable("funds.basic.rule.points[1][0]", 2, 60) + kRule,
                            "funds.basic.rule.points[1]", "increase strictly");
  test::expect_config_error("optimize_rule_bad.toml",
                            "[optimize]\nrebalance = [\"funds.basic.rule.points[1][1]\", \"funds.basic.rule.points[1][1]\"]\n" +
                                variable("funds.basic.rule.points[1][1].deposit", 0.2, 0.4) + kRule,
                            "optimize.rebalance", "named twice");
}
