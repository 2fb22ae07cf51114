#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "io/config.h"
#include "io/hdf5_file.h"
#include "core/statistics.h"
#include "run/sample_producer.h"
#include "run/study.h"
#include "run/summarize.h"

using namespace pfsim;

namespace {
std::string write_config(const std::string& name, const std::string& body) {
  const auto dir = std::filesystem::path(PFSIM_TEST_TMP) / "scenarios";
  std::filesystem::create_directories(dir);
  const auto path = (dir / name).string();
  std::ofstream(path) << "include = [\"" PFSIM_SOURCE_DIR "/configs/china_baseline.toml\"]\n" << body;
  return path;
}
}  // namespace

TEST_CASE("scenarios share random numbers: an identical scenario differs by exactly zero, a changed one has a smaller paired s.e.") {
  const auto path = write_config("crn.toml", R"(
[run]
name = "crn"
start_year = 2024
end_year = 2100
paths = 300

[scenarios]
reference = "base"
[scenarios.define.base]
[scenarios.define.same]
"scheme.contribution_rate.pooling" = 0.16
[scenarios.define.rate_18]
"scheme.contribution_rate.pooling" = 0.18
)");
  const auto cfg = load_config(path);
  REQUIRE(cfg.scenarios.size() == 3);
  CHECK(cfg.scenarios.front().name == "base");
  const auto out = (std::filesystem::path(PFSIM_TEST_TMP) / "scenarios" / "crn.h5").string();
  EngineOptions eo;
  run_scenarios(cfg, eo, out, true);
  auto file = h5::File::open_read(out);
  const auto same_mean = h5::read_doubles(file.id(), "scenarios/same/difference/fund_balance/mean");
  const auto same_se = h5::read_doubles(file.id(), "scenarios/same/difference/fund_balance/se");
  for (std::size_t t = 0; t < same_mean.size(); ++t) {
    CHECK(same_mean[t] == 0.0);
    CHECK(same_se[t] == 0.0);
  }
  const auto dep = h5::read_doubles(file.id(), "scenarios/same/difference/depletion_probability/mean");
  for (double d : dep) CHECK(d == 0.0);
  // A higher pooling rate moves every path's balance in the same direction:
  // the paired s.e. of the difference is far below the independent one.
  const auto se = h5::read_doubles(file.id(), "scenarios/rate_18/difference/fund_balance/se");
  const auto se_ind = h5::read_doubles(file.id(), "scenarios/rate_18/difference/fund_balance/se_independent");
  const auto mean = h5::read_doubles(file.id(), "scenarios/rate_18/difference/fund_balance/mean");
  const std::size_t t2040 = 2040 - 2024;
  CHECK(mean[t2040] > 0);
  CHECK(se[t2040] < 0.5 * se_ind[t2040]);
  // The root holds the reference scenario.
  const auto root_q = h5::read_doubles(file.id(), "metrics/fund_balance/quantiles");
  const auto ref_q = h5::read_doubles(file.id(), "scenarios/base/metrics/fund_balance/quantiles");
  CHECK(root_q == ref_q);
}

TEST_CASE("a scenario with a bad value is refused before any simulation, naming the scenario") {
  const auto path = write_config("bad.toml", R"(
[run]
name = "bad"
start_year = 2024
end_year = 2100

[scenarios]
[scenarios.define.base]
[scenarios.define.broken]
"economy.volatility.equity_domestic" = -0.1
)");
  REQUIRE_THROWS_WITH(load_config(path), Catch::Contains("scenario broken") && Catch::Contains("economy.volatility.equity_domestic") &&
                                             Catch::Contains("out of range"));
}

TEST_CASE("a grid multiplies named scenarios by values and rebalances weights to sum to 1") {
  const auto path = write_config("grid.toml", R"(
[run]
name = "grid"
start_year = 2024
end_year = 2100

[scenarios]
reference = "base/equity_domestic=0.1"
[scenarios.define.base]
[scenarios.define.late]
"scheme.retirement.male" = { old_age = 60, cap = 60 }
[scenarios.grid]
key = "funds.basic.weights.equity_domestic"
values = [0.0, 0.1, 0.3]
rebalance = "funds.basic.weights"
)");
  const auto cfg = load_config(path);
  REQUIRE(cfg.scenarios.size() == 6);
  CHECK(cfg.scenarios.front().name == "base/equity_domestic=0.1");
  for (const auto& s : cfg.scenarios) {
    const auto& st = s.config->model.basic_fund.strategy;
    double sum = 0;
    for (const auto& w : st.weights) sum += w.at(2030);
    CHECK(sum == Approx(1.0).epsilon(1e-12));
  }
  const auto& last = cfg.scenarios.back();
  CHECK(last.name == "late/equity_domestic=0.3");
  // Equity 0.3; bonds 0.40 / 0.93 * 0.7 of the rest.
  const auto& m = last.config->model;
  auto weight = [&](const std::string& asset) {
    const auto& st = m.basic_fund.strategy;
    for (std::size_t k = 0; k < st.assets.size(); ++k)
      if (st.assets[k] == m.economy.index_of(asset)) return st.weights[k].at(2030);
    return -1.0;
  };
  CHECK(weight("equity_domestic") == 0.3);
  CHECK(weight("bond_government") == Approx(0.40 / 0.93 * 0.7).epsilon(1e-12));
  CHECK(m.scheme.male.old_age_months == 720);
  CHECK(m.scheme.male.cap_months == 720);
}

TEST_CASE("a goal seek's or optimisation's statistic is the results file's, bit for bit, for every year") {
  // 5,000 paths: five blocks of the summation tree, where a sum in one flat
  // path order would differ in the last bits; every year of two metrics.
  auto cfg = load_config(PFSIM_SOURCE_DIR "/configs/china_baseline.toml", {"run.paths=5000"});
  const PensionModel model(cfg.model);
  EngineOptions eo;
  const auto sample = simulate_paths(model, 9, 0, 5000, eo);
  const auto summary = summarize_run(model, sample, cfg, 0);
  const double z = stats::two_sided_z(cfg.run.confidence);
  const auto& probs = cfg.run.quantiles;
  const auto median = static_cast<std::size_t>(std::find(probs.begin(), probs.end(), 0.5) - probs.begin());
  REQUIRE(median < probs.size());
  std::size_t checked = 0;
  for (const std::string metric : {"fund_balance_real", "months_covered"}) {
    const auto& d = summary.year[model.year_metric(metric)];
    for (int t = 0; t < model.years(); ++t) {
      INFO(metric << " " << model.params().start_year + t);
      const auto c = static_cast<std::size_t>(t);
      StatisticSpec mean{metric, model.params().start_year + t, "mean", 0.5};
      const auto m = sample_statistic(model, sample, mean, cfg.run.confidence);
      CHECK(m.value == d.mean[c]);
      CHECK(m.lower == d.mean[c] - z * d.se[c]);
      CHECK(m.upper == d.mean[c] + z * d.se[c]);
      StatisticSpec q{metric, model.params().start_year + t, "quantile", 0.5};
      const auto e = sample_statistic(model, sample, q, cfg.run.confidence);
      CHECK(e.value == d.quantile[median * d.columns + c]);
      CHECK(e.lower == d.lower[median * d.columns + c]);
      CHECK(e.upper == d.upper[median * d.columns + c]);
      ++checked;
    }
  }
  CHECK(checked == 2 * static_cast<std::size_t>(model.years()));
}
