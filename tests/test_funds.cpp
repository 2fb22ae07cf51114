#include <catch2/catch.hpp>

#include <cmath>

#include "core/distribution.h"
#include "io/config.h"
#include "models/funds/fund.h"
#include "models/pension_model.h"
#include "models/risk_report.h"
#include "run/sample_producer.h"
#include "toy_model.h"

using namespace pfsim;

// The fund recursion, the backstop and the strategies (models/funds/fund.h).

TEST_CASE("fund recursion with mid-year cash flows matches a hand computation") {
  // F = 100, R = 5%, net flow -20 during the year:
  // F* = 100 * 1.05 - 20 * sqrt(1.05) = 105 - 20.4939015 = 84.5060985.
  const auto f = fund_step(100.0, -20.0, 1.05, 1.02);
  CHECK(f.before_floor == Approx(105.0 - 20.0 * std::sqrt(1.05)).epsilon(1e-15));
  CHECK(f.end == f.before_floor);
  CHECK(f.backstop == 0.0);
}

TEST_CASE("the backstop tops the balance up to its floor and records the transfer") {
  // F = 10, R = 0, net -30 -> F* = -20; floor 0 -> transfer 20.
  auto f = fund_step(10.0, -30.0, 1.0, 1.0);
  CHECK(f.before_floor == -20.0);
  CHECK(f.end == -20.0);
  CHECK(f.backstop == 0.0);
  apply_backstop(f, 0.0);
  CHECK(f.before_floor == -20.0);
  CHECK(f.end == 0.0);
  CHECK(f.backstop == 20.0);
  // A floor of 5 (m months of expenditure) lifts further.
  auto g = fund_step(10.0, -30.0, 1.0, 1.0);
  apply_backstop(g, 5.0);
  CHECK(g.end == 5.0);
  CHECK(g.backstop == 25.0);
  // Above the floor, nothing moves.
  auto h = fund_step(10.0, 5.0, 1.0, 1.0);
  apply_backstop(h, 5.0);
  CHECK(h.end == 15.0);
  CHECK(h.backstop == 0.0);
}

TEST_CASE("a negative balance is carried at the debt rate, not the portfolio return") {
  // Without the backstop: F = -50 at a 3% debt rate while the portfolio earns 10%;
  // F* = -50 * 1.03 + 10 * sqrt(1.03).
  const auto f = fund_step(-50.0, 10.0, 1.10, 1.03);
  CHECK(f.before_floor == Approx(-51.5 + 10 * std::sqrt(1.03)).epsilon(1e-15));
  CHECK(f.backstop == 0.0);
}

TEST_CASE("a fixed mix's return is the weighted sum of asset returns, less the fee") {
  pfsim::Strategy s;
  s.assets = {2, 0};
  s.weights = {pfsim::TimePath(0.3), pfsim::TimePath(0.7)};
  s.fee = 0.001;
  const pfsim::StrategyModel m(s, 2024, 2030);
  const double ez[3] = {std::exp(0.02), std::exp(-1.0), std::exp(0.08)};  // exp of the log returns
  CHECK(m.gross_return(3, ez) == 0.3 * std::exp(0.08) + 0.7 * std::exp(0.02) - 0.001);
}

TEST_CASE("glide-path weights follow their paths year by year") {
  pfsim::Strategy s;
  s.assets = {0, 1};
  s.weights = {pfsim::TimePath({{2024, 0.1}, {2034, 0.3}}, pfsim::Interpolation::linear),
               pfsim::TimePath({{2024, 0.9}, {2034, 0.7}}, pfsim::Interpolation::linear)};
  const pfsim::StrategyModel m(s, 2024, 2040);
  CHECK(m.weight(0, 0) == 0.1);
  CHECK(m.weight(5, 0) == Approx(0.2).epsilon(1e-15));
  CHECK(m.weight(5, 1) == Approx(0.8).epsilon(1e-15));
  CHECK(m.weight(16, 0) == 0.3);
}

// The funds part of the path model (models/funds/funds.h).
TEST_CASE("the strategic reserve tops the basic fund up to its target, within its yearly share") {
  // 500 pensioners at 40 (B = 20,000 a year), no contributions, zero returns.
  // Basic fund 30,000; reserve 100,000 with an inflow of 1,000 a year; transfer
  // when the basic fund covers fewer than 12 months (20,000), at most 10% of the reserve.
  auto p = test::toy_params(2024, 2030);
  p.demography.base_population[kMale][70] = 500;
  p.scheme.calib_pensioners = 500;
  p.scheme.backstop = true;
  p.basic_fund.initial_balance = 30'000;
  p.has_reserve = true;
  p.reserve = p.basic_fund;
  p.reserve.name = "reserve";
  p.reserve.initial_balance = 100'000;
  p.reserve.inflow = TimePath(1'000.0);
  p.reserve.transfer_below_months = 12;
  p.reserve.transfer_max_share = 0.1;
  const PensionModel m(p);
  const auto rec = m.central_path();
  // 2024: basic F* = 10,000 < 20,000 -> needs 10,000; reserve 101,000 -> cap 10,100: transfer 10,000.
  CHECK(rec.at(m.year_metric("reserve_transfer"), 0) == Approx(10'000).epsilon(1e-15));
  CHECK(rec.at(m.year_metric("fund_balance"), 0) == Approx(20'000).epsilon(1e-15));
  CHECK(rec.at(m.year_metric("reserve_balance"), 0) == Approx(91'000).epsilon(1e-15));
  // 2025: F* = 0, needs 20,000; reserve 92,000 -> cap 9,200.
  CHECK(rec.at(m.year_metric("reserve_transfer"), 1) == Approx(9'200).epsilon(1e-15));
  CHECK(rec.at(m.year_metric("fund_balance"), 1) == Approx(9'200).epsilon(1e-15));
  CHECK(rec.at(m.year_metric("reserve_balance"), 1) == Approx(82'800).epsilon(1e-15));
  // 2026: F* = -10,800; the reserve gives 8,380 (10% of 83,800); the backstop the rest.
  CHECK(rec.at(m.year_metric("reserve_transfer"), 2) == Approx(8'380).epsilon(1e-15));
  CHECK(rec.at(m.year_metric("backstop"), 2) == Approx(10'800 - 8'380).epsilon(1e-15));
  CHECK(rec.scalars[m.scalar_metric("depletion_year")] == 2026);
}

TEST_CASE("funded accounts keep account contributions out of the basic fund") {
  // 1,000 contributors aged 30, base 100: pooling 16% = 16,000, account 8% = 8,000 a year.
  auto p = test::toy_params(2024, 2028);
  p.demography.base_population[kMale][30] = 1000;
  p.scheme.calib_contributors = 1000;
  p.scheme.account_rate = TimePath(0.08);
  p.basic_fund.initial_balance = 0;
  const PensionModel notional(p);
  const auto a = notional.central_path();
  CHECK(a.at(notional.year_metric("fund_balance"), 0) == Approx(24'000).epsilon(1e-14));
  CHECK(a.at(notional.year_metric("account_fund_balance"), 0) == 0);
  CHECK(a.at(notional.year_metric("empty_account_gap"), 0) == Approx(a.at(notional.year_metric("account_liability"), 0)).epsilon(1e-15));

  p.scheme.funding = AccountFunding::funded;
  p.account_fund = p.basic_fund;
  p.account_fund.name = "accounts";
  const PensionModel funded(p);
  const auto b = funded.central_path();
  CHECK(b.at(funded.year_metric("fund_balance"), 0) == Approx(16'000).epsilon(1e-14));
  CHECK(b.at(funded.year_metric("account_fund_balance"), 0) == Approx(8'000).epsilon(1e-14));
  // With zero crediting and zero returns, the account fund backs the liability exactly.
  CHECK(b.at(funded.year_metric("account_liability"), 0) == Approx(8'000).epsilon(1e-14));
  CHECK(b.at(funded.year_metric("empty_account_gap"), 0) == Approx(0).margin(1e-9));
}

namespace {
const RunConfig& baseline() {
  static const RunConfig cfg = load_config(std::string(PFSIM_SOURCE_DIR) + "/configs/china_baseline.toml");
  return cfg;
}
}  // namespace

TEST_CASE("the depletion curve never decreases and ends at the share of depleted paths") {
  const PensionModel m(baseline().model);
  EngineOptions eo;
  const auto sample = simulate_paths(m, 11, 0, 400, eo);
  const auto risk = build_risk_report(m, sample, 0.95);
  const auto& d = risk.depletion.probability;
  REQUIRE(d.size() == static_cast<std::size_t>(m.years()));
  for (std::size_t t = 1; t < d.size(); ++t) CHECK(d[t] >= d[t - 1]);
  std::uint64_t depleted = 0;
  for (double y : sample.scalar_column(m.scalar_metric("depletion_year"))) depleted += std::isfinite(y) ? 1 : 0;
  CHECK(d.back() == static_cast<double>(depleted) / 400.0);
  for (std::size_t t = 0; t < d.size(); ++t) {
    CHECK(risk.depletion.lower[t] <= d[t]);
    CHECK(risk.depletion.upper[t] >= d[t]);
  }
}

TEST_CASE("standard errors shrink as 1/sqrt(n) between two path counts") {
  // se(n) = sd / sqrt(n): from 400 to 1,600 paths the ratio is 1/2, up to the
  // sampling error of the two sd estimates (relative sd about sqrt(1/(2n))
  // each for near-normal data; 4 of those combined: 0.5 * 4 * sqrt(1/800 + 1/3200) = 0.08).
  const PensionModel m(baseline().model);
  EngineOptions eo;
  const auto small = simulate_paths(m, 5, 0, 400, eo);
  const auto large = simulate_paths(m, 5, 10'000, 1600, eo);
  const std::vector<double> probs{0.5};
  const auto ds = summarize_year_metrics(small, probs, 0.95, 0);
  const auto dl = summarize_year_metrics(large, probs, 0.95, 0);
  for (std::size_t metric : {m.year_metric("portfolio_return"), m.year_metric("inflation")}) {
    const auto t = static_cast<std::size_t>(10);
    INFO("metric " << m.year_metrics()[metric].name);
    CHECK(dl[metric].se[t] / ds[metric].se[t] == Approx(0.5).margin(0.08));
  }
}
