// Regions and the level of pooling (models/regions, io/config_regions.cpp;
// docs/model.md section 6).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "io/config.h"
#include "models/pension_model.h"
#include "path_support.h"

using namespace pfsim;

namespace {
const std::string& kBaseline = test::kBaselineConfig;

double year_value(const PensionModel& m, const PathRecord& rec, const std::string& name, int t) {
  return rec.at(m.year_metric(name), t);
}

std::string num(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.17g", x);
  return buf;
}

// R identical regions, each with 1/R of the nation, under `regime`.
std::string identical_regions(int regions, const std::string& regime, double out_migration = 0) {
  std::string names, tables;
  const double share = 1.0 / regions;
  for (int r = 0; r < regions; ++r) {
    const std::string name = "r" + std::to_string(r);
    names += (r ? ", \"" : "\"") + name + "\"";
    tables += "[regions." + name + "]\n";
    tables += "population_share = " + num(share) + "\n";
    tables += "international_migration_share = " + num(share) + "\n";
    tables += "fund_balance = " + num(6.0e12 * share) + "\n";
    tables += "calibration = { contributors = " + num(379.25e6 * share) +
              ", pensioners = " + num(141.96e6 * share) + " }\n";
    if (out_migration > 0) {
      tables += "out_migration = " + num(out_migration) + "\n";
      tables += "destinations = { ";
      for (int j = 0, k = 0; j < regions; ++j)
        if (j != r) tables += (k++ ? ", r" : "r") + std::to_string(j) + " = " + num(1.0 / (regions - 1));
      tables += " }\n";
    }
  }
  std::string text = "[regions]\nnames = [" + names + "]\n" + tables + "[pooling]\nregime = \"" + regime + "\"\n";
  if (regime == "central_adjustment") text += "adjustment_ratio = 0.04\n";
  return text;
}

void expect_region_error(const std::string& body, const std::string& key, const std::string& fragment) {
  test::expect_config_error("regions_bad.toml", body, key, fragment);
}
}  // namespace

TEST_CASE("one region through the regional model is the single national pool, bit for bit") {
  const auto national = load_config(kBaseline);
  const auto one = load_config(test::write_baseline_variant("one_region.toml", "[regions]\nnames = [\"nation\"]\n"));
  const PensionModel a(national.model), b(one.model);
  REQUIRE(b.regions().count() == 1);
  REQUIRE_FALSE(b.regions().single());  // the general route, not the shortcut
  test::require_same_bits(a, b, 11, {0u, 7u, 31u});
}

TEST_CASE("R identical regions sum to the one-region national totals under every regime") {
  const PensionModel one(load_config(kBaseline).model);
  const std::vector<std::string> totals = {"population", "contributors", "pensioners", "income", "expenditure",
                                           "fund_balance", "backstop", "months_covered", "account_liability",
                                           "reserve_balance", "births", "average_wage"};
  for (int regions : {2, 4}) {
    for (const std::string regime : {"provincial", "central_adjustment", "national"}) {
      const PensionModel m(load_config(test::write_baseline_variant("identical.toml", identical_regions(regions, regime))).model);
      for (std::uint64_t path : {3u, 19u}) {
        const PathRecord ra = test::simulate_one(one, 5, path), rb = test::simulate_one(m, 5, path);
        for (const auto& name : totals)
          for (int t = 0; t < one.years(); t += 3) {
            INFO(regions << " regions, " << regime << ", path " << path << ", " << name << " " << 2024 + t);
            const double x = year_value(one, ra, name, t), y = year_value(m, rb, name, t);
            // Rounding only: the regions' sums differ from the nation's in the last bits.
            CHECK(y == Approx(x).epsilon(1e-9).margin(1e-3));
          }
        const double dx = ra.scalars[one.scalar_metric("depletion_year")], dy = rb.scalars[m.scalar_metric("depletion_year")];
        CHECK(dx == dy);
        // Identical regions run short together: each region's depletion year is the nation's.
        for (int r = 0; r < regions; ++r) CHECK(rb.scalars[m.scalar_metric("depletion_year@r" + std::to_string(r))] == dx);
      }
    }
  }
}

TEST_CASE("the central adjustment of two regions by hand") {
  // Region A: wage 100,000, 10 members, 2 retirees; B: 50,000, 20, 8.
  // Levies 4% x 90% x wage x members = 36,000 each; 72,000 over 10 retirees
  // is 7,200 a retiree: A receives 14,400 (net -21,600), B 57,600 (+21,600).
  double levy = 0;
  std::vector<double> net{1, 2, 3};  // resized: what it held before does not matter
  PoolingModel::central_adjustment(0.04, 0.9, {100000, 50000}, {10, 20}, {2, 8}, levy, net);
  REQUIRE(net.size() == 2);
  CHECK(levy == Approx(72000).epsilon(1e-15));
  CHECK(net[0] == Approx(-21600).epsilon(1e-15));
  CHECK(net[1] == Approx(21600).epsilon(1e-15));
  // Without retirees nothing is paid out, and nothing raised stays unallocated silently: the levy is reported.
  std::vector<double> none;
  PoolingModel::central_adjustment(0.04, 0.9, {100000}, {10}, {0}, levy, none);
  CHECK(levy == Approx(36000).epsilon(1e-15));
  CHECK(none[0] == Approx(-36000).epsilon(1e-15));
}

TEST_CASE("on the illustrative regions the central adjustment and the relation transfers net to zero every year") {
  const auto cfg = load_config(PFSIM_SOURCE_DIR "/configs/china_regions.toml",
                               {"pooling.regime=\"central_adjustment\"", "pooling.adjustment_ratio=0.045"});
  const PensionModel m(cfg.model);
  const auto& regions = cfg.model.regions;
  REQUIRE(regions.size() == 5);
  for (std::uint64_t path = 0; path < 50; ++path) {
    const PathRecord rec = test::simulate_one(m, 9, path);
    for (int t = 0; t < m.years(); ++t) {
      double adjustment = 0, adjustment_scale = 0, transfers = 0;
      for (const auto& r : regions) {
        adjustment += year_value(m, rec, "adjustment@" + r.name, t);
        transfers += year_value(m, rec, "relation_transfers@" + r.name, t);
      }
      adjustment_scale = year_value(m, rec, "adjustment_fund", t);
      const double moved = year_value(m, rec, "relation_transfers", t);
      INFO("path " << path << ", " << 2024 + t);
      REQUIRE(adjustment_scale > 0);
      REQUIRE(moved > 0);
      CHECK(std::abs(adjustment) <= 1e-12 * adjustment_scale);
      CHECK(std::abs(transfers) <= 1e-12 * moved);
      // Receivers gain what payers lose, and some region pays.
      CHECK(year_value(m, rec, "adjustment_net", t) > 0);
    }
  }
}

TEST_CASE("internal migration conserves people: the nation is the same with and without it") {
  // With the national fertility in every region, moving people between
  // regions changes no national birth, death or total.
  const PensionModel still(load_config(test::write_baseline_variant("still.toml", identical_regions(3, "national"))).model);
  const PensionModel moving(load_config(test::write_baseline_variant("moving.toml", identical_regions(3, "national", 0.02))).model);
  for (std::uint64_t path : {4u, 8u}) {
    const PathRecord a = test::simulate_one(still, 2, path), b = test::simulate_one(moving, 2, path);
    for (int t = 0; t < still.years(); ++t) {
      INFO("path " << path << ", " << 2024 + t);
      CHECK(year_value(moving, b, "internal_migrants", t) > 0);
      CHECK(year_value(still, a, "internal_migrants", t) == 0);
      CHECK(year_value(moving, b, "population", t) == Approx(year_value(still, a, "population", t)).epsilon(1e-12));
      CHECK(year_value(moving, b, "births", t) == Approx(year_value(still, a, "births", t)).epsilon(1e-12));
      double regions = 0;
      for (int r = 0; r < 3; ++r) regions += year_value(moving, b, "population@r" + std::to_string(r), t);
      CHECK(regions == Approx(year_value(moving, b, "population", t)).epsilon(1e-12));
    }
  }
}

TEST_CASE("under provincial pooling the national fund is the sum of the regions' funds, each backstopped alone") {
  const auto cfg = load_config(PFSIM_SOURCE_DIR "/configs/china_regions.toml", {"pooling.regime=\"provincial\""});
  const PensionModel m(cfg.model);
  const auto national = load_config(PFSIM_SOURCE_DIR "/configs/china_regions.toml");
  const PensionModel pooled(national.model);
  bool backstop_while_surplus = false;
  for (std::uint64_t path : {0u, 5u}) {
    const PathRecord rec = test::simulate_one(m, 3, path), pooled_rec = test::simulate_one(pooled, 3, path);
    for (int t = 0; t < m.years(); ++t) {
      double sum = 0, backstops = 0;
      for (const auto& r : cfg.model.regions) {
        sum += year_value(m, rec, "fund_balance@" + r.name, t);
        backstops += year_value(m, rec, "backstop@" + r.name, t);
        // Under national pooling no region holds a fund of its own.
        CHECK(year_value(pooled, pooled_rec, "fund_balance@" + r.name, t) == 0);
      }
      INFO("path " << path << ", " << 2024 + t);
      CHECK(sum == Approx(year_value(m, rec, "fund_balance", t)).epsilon(1e-12));
      CHECK(backstops == Approx(year_value(m, rec, "backstop", t)).epsilon(1e-12).margin(1e-3));
      // The north-east needs a backstop while the nation as a whole still holds assets.
      if (backstops > 0 && year_value(m, rec, "fund_balance", t) > 0) backstop_while_surplus = true;
    }
    // The north-east runs short before the pooled nation does.
    CHECK(rec.scalars[m.scalar_metric("depletion_year@northeast")] <
          pooled_rec.scalars[pooled.scalar_metric("depletion_year")]);
  }
  CHECK(backstop_while_surplus);
}

TEST_CASE("the switch to national pooling: balances join the national fund, or the regions keep them") {
  const std::string path_regimes = "pooling.regime=[[2024, \"provincial\"], [2030, \"national\"]]";
  const auto pooled = load_config(PFSIM_SOURCE_DIR "/configs/china_regions.toml", {path_regimes});
  const auto kept = load_config(PFSIM_SOURCE_DIR "/configs/china_regions.toml",
                                {path_regimes, "pooling.historical_balances=\"kept\""});
  const PensionModel a(pooled.model), b(kept.model);
  const PathRecord ra = test::simulate_one(a, 1, 3), rb = test::simulate_one(b, 1, 3);
  const int t = 2030 - 2024;
  double before = 0;
  for (const auto& r : pooled.model.regions) before += year_value(a, ra, "fund_balance@" + r.name, t - 1);
  CHECK(before == Approx(year_value(a, ra, "fund_balance", t - 1)).epsilon(1e-12));
  CHECK(year_value(a, ra, "kept_balances", t) == 0);
  CHECK(year_value(b, rb, "kept_balances", t) > 0.5 * before);  // kept, and earning the basic fund's return
  CHECK(year_value(b, rb, "fund_balance", t) < year_value(a, ra, "fund_balance", t) - 0.5 * before);
  CHECK(year_value(a, ra, "pooling_regime", t - 1) == 0);
  CHECK(year_value(a, ra, "pooling_regime", t) == 2);
}

TEST_CASE("bad [regions] and [pooling] tables are refused before any simulation, at the key") {
  const std::string two = "[regions]\nnames = [\"a\", \"b\"]\n";
  const std::string a = "[regions.a]\npopulation_share = 0.6\ninternational_migration_share = 0.5\n"
                        "calibration = { contributors = 1.9e8, pensioners = 7e7 }\n";
  const std::string b = "[regions.b]\npopulation_share = 0.5\ninternational_migration_share = 0.5\n"
                        "calibration = { contributors = 1.9e8, pensioners = 7e7 }\n";
  expect_region_error(two + a + b, "regions", "sum to 1.1 at age 0");
  const std::string a_ok = "[regions.a]\npopulation_share = 0.5\ninternational_migration_share = 0.5\n"
                           "calibration = { contributors = 1.9e8, pensioners = 7e7 }\n";
  expect_region_error(two + a_ok + b + "out_migration = 0.01\n", "regions.b.out_migration", "destinations");
  expect_region_error(two + a_ok + b + "out_migration = 0.01\ndestinations = { c = 1.0 }\n", "regions.b.destinations.c",
                      "not a region");
  expect_region_error(two + a_ok + b + "out_migration = 0.01\ndestinations = { b = 1.0 }\n", "regions.b.destinations.b",
                      "its own migrants");
  expect_region_error("[regions]\nnames = [\"North East\"]\n", "regions.names", "not a valid region name");
  expect_region_error("[regions]\nnames = [\"a\", \"a\"]\n", "regions.names", "named twice");
  expect_region_error(two + a_ok + b + "[regions.c]\n", "regions.c", "not in regions.names");
  expect_region_error(two + a_ok + b + "typo = 1\n", "regions.b.typo", "");
  expect_region_error("[pooling]\nregime = \"provincial\"\n", "pooling", "needs [regions]");
  expect_region_error(two + a_ok + b + "[pooling]\nregime = \"pooled\"\n", "pooling.regime", "not a regime");
  expect_region_error(two + a_ok + b + "[pooling]\nregime = [[2024, \"national\"], [2030, \"provincial\"]]\n",
                      "pooling.regime[1]", "may not return from national pooling");
  expect_region_error(two + a_ok + b + "[pooling]\nregime = \"provincial\"\n", "pooling.regime",
                      "must sum to funds.basic.initial_balance");
  expect_region_error(two + a_ok + b + "[pooling]\nregime = \"central_adjustment\"\n", "pooling.adjustment_ratio",
                      "required");
}

TEST_CASE("a region's own wage shock: ln(w_r / w) is an AR(1) with the stated sd, the other regions follow the nation") {
  // d_y = 0.6 d_{y-1} + 0.02 eps from d = 0 in 2023: at 2024 + t its variance
  // is 0.02^2 (1 - 0.6^(2 (t + 1))) / (1 - 0.6^2); its mean is 0.
  std::string text = identical_regions(2, "national");
  text += "[regions.r0.wage_shock]\nsd = 0.02\npersistence = 0.6\n";
  const PensionModel m(load_config(test::write_baseline_variant("wage_shock.toml", text)).model);
  const int n = 400;
  const std::array<int, 2> at{0, 10};
  std::array<double, 2> sum{}, sum2{};
  for (int path = 0; path < n; ++path) {
    const PathRecord rec = test::simulate_one(m, 17, static_cast<std::uint64_t>(path));
    for (std::size_t k = 0; k < at.size(); ++k) {
      const double national = rec.at(m.year_metric("average_wage"), at[k]);
      const double x = std::log(rec.at(m.year_metric("average_wage@r0"), at[k]) / national);
      CHECK(rec.at(m.year_metric("average_wage@r1"), at[k]) == national);  // no shock, no drift: the nation's wage
      sum[k] += x;
      sum2[k] += x * x;
    }
  }
  for (std::size_t k = 0; k < at.size(); ++k) {
    const double var = 0.02 * 0.02 * (1 - std::pow(0.6, 2 * (at[k] + 1))) / (1 - 0.36);
    const double mean = sum[k] / n, sd = std::sqrt((sum2[k] - n * mean * mean) / (n - 1));
    INFO("year index " << at[k] << ": mean " << mean << ", sd " << sd << ", expected sd " << std::sqrt(var));
    CHECK(std::abs(mean) < 4 * std::sqrt(var / n));                                // 4 standard errors of the mean
    CHECK(std::abs(sd - std::sqrt(var)) < 4 * std::sqrt(var / (2.0 * (n - 1))));  // and of the sd
  }
}

TEST_CASE("the backstop's split: each region's local share of its own under a regional regime") {
  // Provincial pools; the north-east's local budget pays 20% of its backstop,
  // every other region's pooling.local_share = 0.6.
  const auto cfg = load_config(PFSIM_SOURCE_DIR "/configs/china_regions.toml",
                               {"pooling.regime=\"provincial\"", "pooling.local_share=0.6",
                                "regions.northeast.local_share=0.2"});
  const PensionModel m(cfg.model);
  const PathRecord rec = test::simulate_one(m, 5, 2);
  bool some = false;
  for (int t = 0; t < m.years(); ++t) {
    double local = 0;
    for (const auto& r : cfg.model.regions)
      local += (r.name == "northeast" ? 0.2 : 0.6) * rec.at(m.year_metric("backstop@" + r.name), t);
    INFO(2024 + t);
    CHECK(rec.at(m.year_metric("backstop_local"), t) == Approx(local).epsilon(1e-12).margin(1e-3));
    CHECK(rec.at(m.year_metric("backstop_local"), t) + rec.at(m.year_metric("backstop_central"), t) ==
          Approx(rec.at(m.year_metric("backstop"), t)).epsilon(1e-12).margin(1e-3));
    some = some || local > 0;
  }
  CHECK(some);
}
