// The urban and rural residents' basic pension (models/residents/residents.h;
// docs/model.md section 8) and nominal GDP (models/economy/gdp.h).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "io/config.h"
#include "models/pension_model.h"
#include "path_support.h"

using namespace pfsim;

namespace {

const std::string kExample = PFSIM_SOURCE_DIR "/configs/examples/multilevel.toml";

// PFSIM_TEST_TMP/name: the multilevel example included, then `body`.
std::string write_variant(const std::string& name, const std::string& body) {
  return test::write_variant_of(kExample, name, body);
}

// The residents' fund earns exactly exp(r): all of it in deposits, whose log
// return is the constant r on every path (no persistence, no shock).
std::string fixed_return(double r) {
  return "[economy.mean]\ndeposit = " + std::to_string(r) + "\n[economy.volatility]\ndeposit = 0.0\n"
         "[economy.initial]\ndeposit = " + std::to_string(r) + "\n"
         "[residents]\nweights = { deposit = 1.0, bond_government = 0.0, equity_domestic = 0.0 }\n";
}

double metric(const PensionModel& m, const PathRecord& rec, const std::string& name, int year) {
  return rec.at(m.year_metric(name), year - m.params().start_year);
}

}  // namespace

TEST_CASE("the residents' scheme calibrates to 545.22 M participants, 172.68 M beneficiaries and its fund") {
  const auto cfg = load_config(kExample);
  const PensionModel m(cfg.model);
  const auto& c = m.residents().calibration();
  CHECK(c.participants == Approx(545.22e6).epsilon(1e-12));
  CHECK(c.beneficiaries == Approx(172.68e6).epsilon(1e-12));
  CHECK(c.fund == Approx(1.46e12).epsilon(1e-12));
  CHECK(c.participation > 0.3);
  CHECK(c.participation <= 1.0);
  CHECK(c.beneficiary_share > 0.3);
  CHECK(c.beneficiary_share <= 1.0);
  // The first year starts from those stocks: year-end participants differ
  // from the start by a year's change, well under 5%.
  const PathRecord rec = test::simulate_one(m, 5, 0);
  CHECK(metric(m, rec, "residents_participants", 2024) == Approx(545.22e6).epsilon(0.05));
  CHECK(metric(m, rec, "residents_beneficiaries", 2024) == Approx(172.68e6).epsilon(0.05));
}

TEST_CASE("no person is counted in both basic schemes, and everyone outside the employees' scheme is a resident") {
  // Coverage of the employees' scheme rising fast (urbanisation): people move
  // from the residents' scheme to the employees' every year.
  const auto cfg = load_config(write_variant("residents_overlap.toml",
                                             "[scheme]\ncoverage = [[2024, 1.0], [2040, 1.6]]\n"));
  const PensionModel m(cfg.model);
  const auto& res = m.residents();
  const auto& p = cfg.model.residents;
  const auto& c = res.calibration();
  Workspace ws;
  PathRecord rec;
  m.prepare(ws, rec);
  std::array<std::uint64_t, kLanes> paths{};
  for (int l = 0; l < kLanes; ++l) paths[static_cast<std::size_t>(l)] = static_cast<std::uint64_t>(3 * l + 1);
  m.demography().start(ws.demography);
  m.regions().start(ws.demography, ws.regions);
  res.start(ws.residents);
  const SchemeEconomyLanes se{splat(0.05), splat(0.02), splat(0.05), splat(0.02), splat(0.03), splat(1.0)};
  int moved_years = 0;
  double checked = 0;
  for (int year = 2024; year <= 2060; ++year) {
    const int t = year - 2024;
    m.demography().rates(11, paths, false, year, ws.demography);
    m.regions().step(11, paths, false, year, se, ws.demography, ws.regions, ws.flows);
    res.step(t, year, {splat(1.03), splat(0.02), splat(0.05), ws.flows.average_wage}, ws.demography, ws.regions,
             ws.residents);
    for (int l = 0; l < kLanes; ++l) {
      if (ws.residents.flows.transfers_out[l] > 0) ++moved_years;
      // The employees' people by cohort are the scheme's own year-end members and pensioners.
      double employees = 0;
      for (std::size_t x = 0; x < 2; ++x)
        for (const Lane& v : ws.residents.employees[x]) employees += v[l];
      REQUIRE(employees == Approx(ws.flows.members[l] + ws.flows.pensioners[l]).epsilon(1e-12));
    }
    for (std::size_t x = 0; x < 2; ++x)
      for (std::size_t a = 0; a < ws.demography.next[x].size(); ++a)
        for (int l = 0; l < kLanes; ++l) {
          const double pop = ws.demography.next[x][a][l];
          const double employees = ws.residents.employees[x][a][l];
          const double participants = ws.residents.next_participants[x][a][l];
          const double beneficiaries = ws.residents.next_beneficiaries[x][a][l];
          INFO(year << " sex " << x << " age " << a << " lane " << l);
          REQUIRE(employees >= 0);
          REQUIRE(participants + beneficiaries + employees <= pop * (1 + 1e-12) + 1e-9);
          // The residents are the rest of the cohort: the calibrated shares of
          // everyone outside the employees' scheme.
          const double outside = std::max(0.0, pop - employees);
          const int age = static_cast<int>(a);
          if (age >= p.pension_age) {
            REQUIRE(beneficiaries == Approx(c.beneficiary_share * outside).epsilon(1e-14));
            REQUIRE(participants == 0);
          } else if (age >= p.first_age) {
            const double students = age <= p.student_last_age ? 1 - p.students : 1.0;
            REQUIRE(participants == Approx(c.participation * students * outside).epsilon(1e-14));
            REQUIRE(beneficiaries == 0);
          } else {
            REQUIRE(participants + beneficiaries == 0);
          }
          checked += participants + beneficiaries;
        }
    DemographyModel::advance(ws.demography);
    RegionsModel::advance(ws.regions);
    ResidentsModel::advance(ws.residents);
  }
  CHECK(checked > 1e9);
  CHECK(moved_years > 30 * kLanes / 2);  // participants leave for the employees' scheme in most years
}

TEST_CASE("a member at grade 100 from 2025 to 2039 draws the hand-calculated pension in 2040") {
  // The fund earns exp(0.02); the minimum stays at 143 after 2025 and the
  // top-up at 50 (no indexation): the pension of 2040 is
  // 143 + 50 + 1 x (15 - 15) + B / 139, B = sum_u (100 + 30) e^{0.02 (2039 - u)} e^{0.01}.
  const auto cfg = load_config(write_variant(
      "residents_member.toml", fixed_return(0.02) + "indexation_prices = 0.0\nindexation_wages = 0.0\n"));
  const PensionModel m(cfg.model);
  double balance = 0;
  for (int u = 2025; u <= 2039; ++u) balance = balance * std::exp(0.02) + 130 * std::exp(0.01);
  for (std::uint64_t path : {0u, 9u}) {
    const PathRecord rec = test::simulate_one(m, 5, path);
    INFO("path " << path);
    CHECK(rec.scalars[m.scalar_metric("residents_member_basic")] == Approx(193.0).epsilon(1e-14));
    CHECK(rec.scalars[m.scalar_metric("residents_member_account")] == Approx(balance / 139).epsilon(1e-13));
    CHECK(rec.scalars[m.scalar_metric("residents_member_pension")] == Approx(193.0 + balance / 139).epsilon(1e-13));
    CHECK(rec.scalars[m.scalar_metric("residents_member_replacement")] ==
          Approx(12 * (193.0 + balance / 139) / metric(m, rec, "average_wage", 2039)).epsilon(1e-13));
    CHECK(metric(m, rec, "residents_minimum", 2040) == 143.0);
  }
  // 14 years fall short of the minimum: no pension; grade 500 earns the higher subsidy.
  const auto short_cfg = load_config(write_variant(
      "residents_member_short.toml", fixed_return(0.02) + "[residents.member]\nretire_year = 2039\n"));
  const PensionModel ms(short_cfg.model);
  CHECK(test::simulate_one(ms, 5, 0).scalars[ms.scalar_metric("residents_member_pension")] == 0.0);
  const auto high_cfg = load_config(write_variant(
      "residents_member_500.toml",
      fixed_return(0.02) + "indexation_prices = 0.0\n[residents.member]\ngrade = 500\nfirst_year = 2025\nretire_year = 2045\n"));
  const PensionModel mh(high_cfg.model);
  double b500 = 0;
  for (int u = 2025; u <= 2044; ++u) b500 = b500 * std::exp(0.02) + 560 * std::exp(0.01);
  const PathRecord rh = test::simulate_one(mh, 5, 0);
  CHECK(rh.scalars[mh.scalar_metric("residents_member_account")] == Approx(b500 / 139).epsilon(1e-13));
  CHECK(rh.scalars[mh.scalar_metric("residents_member_basic")] == Approx(143 + 50 + 1 * 5).epsilon(1e-14));  // 20 years: 5 of bonus
}

TEST_CASE("after its last point the minimum and the top-up rise each January by the indexation rule") {
  // A constant is the level of start_year; from 2025 both rise by 0.5 pi_{y-1} + 0.5 G_{y-1}
  // (a dated top-up beside a constant minimum is allowed: both run to start_year).
  const auto cfg = load_config(write_variant("residents_index.toml",
                                             "[residents]\nminimum = 123\ntop_up = [[2024, 50]]\nindexation_prices = 0.5\n"
                                             "indexation_wages = 0.5\n"));
  const PensionModel m(cfg.model);
  const PathRecord rec = test::simulate_one(m, 5, 4);
  double minimum = 123;
  CHECK(metric(m, rec, "residents_minimum", 2024) == 123.0);
  for (int year = 2025; year <= 2060; ++year) {
    // Never cut in nominal terms.
    minimum *= std::max(1.0, 1 + 0.5 * metric(m, rec, "inflation", year - 1) +
                                 0.5 * metric(m, rec, "nominal_wage_growth", year - 1));
    INFO(year);
    CHECK(metric(m, rec, "residents_minimum", year) == Approx(minimum).epsilon(1e-13));
  }
}

TEST_CASE("at a zero return the residents' fund moves by its flows exactly") {
  const auto cfg = load_config(write_variant("residents_flows.toml", fixed_return(0.0) + "bonus_per_year = 0.0\n"));
  const PensionModel m(cfg.model);
  for (std::uint64_t path : {0u, 4u}) {
    const PathRecord rec = test::simulate_one(m, 5, path);
    double fund = m.residents().calibration().fund;
    double overdraft = 0;
    for (int year = 2024; year <= 2100; ++year) {
      const auto v = [&](const char* name) { return metric(m, rec, name, year); };
      const double expected = fund + v("residents_contributions") + v("residents_subsidies") -
                              (v("residents_account_benefits") - v("residents_overdraft")) - v("residents_refunds") -
                              v("residents_transfers_out");
      INFO(year << ", path " << path);
      REQUIRE(v("residents_fund") == Approx(expected).epsilon(1e-11));
      // The budgets pay the basic pension, the subsidies and the overdraft.
      REQUIRE(v("residents_central_cost") + v("residents_local_cost") ==
              Approx(v("residents_basic_benefits") + v("residents_subsidies") + v("residents_overdraft")).epsilon(1e-12));
      // Without the bonus the basic pension is 12 (M + T) x beneficiary-years,
      // the centre's part 80% of 12 M x beneficiary-years; T = 50 M / 143
      // once both follow the rule from 2025 (50 beside 123 in 2024).
      const double minimum = v("residents_minimum");
      const double top_up = year == 2024 ? 50.0 : 50.0 * minimum / 143.0;
      REQUIRE(v("residents_central_cost") ==
              Approx(0.8 * v("residents_basic_benefits") * minimum / (minimum + top_up)).epsilon(1e-12));
      fund = v("residents_fund");
      overdraft += v("residents_overdraft");
    }
    CHECK(overdraft > 0);  // starting pensioners' balances run out: the budgets pay on
  }
}

TEST_CASE("the residents' scheme and GDP observe the paths without changing any other result") {
  const auto with = load_config(kExample);
  const auto without = load_config(test::kBaselineConfig);
  const PensionModel a(without.model), b(with.model);
  test::require_same_bits(a, b, 5, {0, 3});
}

TEST_CASE("GDP is the base carried forward with the average wage and the mean working-age population") {
  const auto cfg = load_config(write_variant("residents_gdp.toml", "[economy.gdp]\nlabour_share = [[2023, 0.5], [2033, 0.6]]\n"));
  const PensionModel m(cfg.model);
  double working0 = 0;
  for (const auto& row : m.demography().initial_population())
    for (std::size_t a = 15; a < 65; ++a) working0 += row[a];
  const PathRecord rec = test::simulate_one(m, 5, 2);
  double previous = working0;
  for (int year = 2024; year <= 2040; ++year) {
    const double working = metric(m, rec, "population_15_64", year);
    const double share = 0.5 + 0.1 * std::min(1.0, (year - 2023) / 10.0);
    const double expected = 126.06e12 * metric(m, rec, "average_wage", year) / cfg.model.scheme.average_wage_base *
                            0.5 * (previous + working) / working0 * 0.5 / share;
    INFO(year);
    CHECK(metric(m, rec, "gdp", year) == Approx(expected).epsilon(1e-13));
    CHECK(metric(m, rec, "residents_cost_gdp", year) ==
          Approx((metric(m, rec, "residents_central_cost", year) + metric(m, rec, "residents_local_cost", year)) /
                 metric(m, rec, "gdp", year)).epsilon(1e-14));
    previous = working;
  }
}

TEST_CASE("bad [residents] tables are refused at the key before any simulation") {
  using test::expect_config_error;
  const std::string gdp = "[economy.gdp]\nbase = 1e14\nyear = 2023\n";
  // A minimal [residents] table, with `line` replacing the key it sets (or added).
  const auto table = [](const std::string& line = "") {
    std::string body;
    const std::string key = line.substr(0, line.find(' '));
    for (const std::string kv :
         {"participants = 5e8", "beneficiaries = 1.7e8", "grades = [100, 200]", "grade_shares = [0.5, 0.5]",
          "minimum = 123", "history_contribution = 300", "weights = { deposit = 1.0 }"})
      if (key.empty() || kv.substr(0, kv.find(' ')) != key) body += kv + "\n";
    return "[residents]\n" + body + line + "\n";
  };
  // The minimal table loads.
  CHECK(load_config(test::write_baseline_variant("residents_ok.toml", gdp + table())).model.residents.on);
  expect_config_error("residents_no_gdp.toml", table(), "residents", "[economy.gdp]");
  expect_config_error("residents_gdp_year.toml", "[economy.gdp]\nbase = 1e14\nyear = 2022\n" + table(),
                      "economy.gdp.year", "2023");
  expect_config_error("residents_shares.toml", gdp + table("grade_shares = [0.5, 0.4]"), "residents.grade_shares",
                      "not 1");
  expect_config_error("residents_grades.toml", gdp + table("grades = [200, 100]"), "residents.grades", "increase");
  expect_config_error("residents_count.toml", gdp + table("grade_shares = [1.0]"), "residents.grade_shares",
                      "one share per grade");
  expect_config_error("residents_benef.toml", gdp + table("beneficiaries = 6e8"), "residents.beneficiaries",
                      "not below");
  expect_config_error("residents_minimum.toml", gdp + table("minimum = [[2025, 143]]"), "residents.minimum",
                      "start_year");
  expect_config_error("residents_topup.toml",
                      gdp + table("minimum = [[2024, 123], [2025, 143]]") + "top_up = [[2024, 50], [2030, 60]]\n",
                      "residents.top_up", "beyond the minimum's last point");
  expect_config_error("residents_member.toml",
                      gdp + table() + "[residents.member]\ngrade = 150\nfirst_year = 2025\nretire_year = 2040\n",
                      "residents.member.grade", "not one of residents.grades");
  expect_config_error("residents_member_years.toml",
                      gdp + table() + "[residents.member]\ngrade = 100\nfirst_year = 2040\nretire_year = 2030\n",
                      "residents.member.retire_year", "not after");
  expect_config_error("residents_typo.toml", gdp + table("grade_share = [1.0]"), "residents.grade_share", "");
  // Targets no population can meet: an InputError at the key, before simulating.
  test::expect_model_error("residents_calib.toml", gdp + table("participants = 1.5e9"), "residents.participants");
}

TEST_CASE("the residents and annuity plans of one region through the regional model are the single pool's, bit for bit") {
  const auto national = load_config(kExample);
  const auto one = load_config(write_variant("residents_one_region.toml", "[regions]\nnames = [\"nation\"]\n"));
  const PensionModel a(national.model), b(one.model);
  REQUIRE_FALSE(b.regions().single());
  test::require_same_bits(a, b, 11, {0u, 7u});
}

TEST_CASE("two identical regions give the residents of the nation") {
  // Each region half the nation: the employees' people summed over regions,
  // so the residents' totals match the one-region run to rounding.
  std::string body = "[regions]\nnames = [\"a\", \"b\"]\n";
  for (const char* r : {"a", "b"})
    body += std::string("[regions.") + r + "]\npopulation_share = 0.5\ninternational_migration_share = 0.5\n"
            "fund_balance = 3e12\ncalibration = { contributors = 189.625e6, pensioners = 70.98e6 }\n";
  body += "[pooling]\nregime = \"national\"\n";
  const PensionModel one(load_config(kExample).model);
  const PensionModel two(load_config(write_variant("residents_two_regions.toml", body)).model);
  CHECK(two.residents().calibration().participation == Approx(one.residents().calibration().participation).epsilon(1e-9));
  for (std::uint64_t path : {3u, 19u}) {
    const PathRecord ra = test::simulate_one(one, 5, path), rb = test::simulate_one(two, 5, path);
    for (const char* name : {"residents_participants", "residents_beneficiaries", "residents_fund", "residents_local_cost",
                             "enterprise_annuity_assets", "occupational_annuity_notional"})
      for (int t = 0; t < one.years(); t += 4) {
        INFO(name << " " << 2024 + t << ", path " << path);
        CHECK(rb.at(two.year_metric(name), t) == Approx(ra.at(one.year_metric(name), t)).epsilon(1e-9));
      }
  }
}
