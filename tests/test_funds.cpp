#include <catch2/catch.hpp>

#include <cmath>

#include "core/distribution.h"
#include "io/config.h"
#include "models/pension_model.h"
#include "models/risk_report.h"
#include "models/simulation.h"
#include "toy_model.h"

using namespace pfsim;

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
  const auto rec = simulate_central(m);
  // 2024: basic F* = 10,000 < 20,000 -> needs 10,000; reserve 101,000 -> cap 10,100: transfer 10,000.
  CHECK(rec.at(kReserveTransfer, 0) == Approx(10'000).epsilon(1e-15));
  CHECK(rec.at(kFundBalance, 0) == Approx(20'000).epsilon(1e-15));
  CHECK(rec.at(kReserveBalance, 0) == Approx(91'000).epsilon(1e-15));
  // 2025: F* = 0, needs 20,000; reserve 92,000 -> cap 9,200.
  CHECK(rec.at(kReserveTransfer, 1) == Approx(9'200).epsilon(1e-15));
  CHECK(rec.at(kFundBalance, 1) == Approx(9'200).epsilon(1e-15));
  CHECK(rec.at(kReserveBalance, 1) == Approx(82'800).epsilon(1e-15));
  // 2026: F* = -10,800; the reserve gives 8,380 (10% of 83,800); the backstop the rest.
  CHECK(rec.at(kReserveTransfer, 2) == Approx(8'380).epsilon(1e-15));
  CHECK(rec.at(kBackstop, 2) == Approx(10'800 - 8'380).epsilon(1e-15));
  CHECK(rec.scalars[kDepletionYear] == 2026);
}

TEST_CASE("funded accounts keep account contributions out of the basic fund") {
  // 1,000 contributors aged 30, base 100: pooling 16% = 16,000, account 8% = 8,000 a year.
  auto p = test::toy_params(2024, 2028);
  p.demography.base_population[kMale][30] = 1000;
  p.scheme.calib_contributors = 1000;
  p.scheme.account_rate = TimePath(0.08);
  p.basic_fund.initial_balance = 0;
  const PensionModel notional(p);
  const auto a = simulate_central(notional);
  CHECK(a.at(kFundBalance, 0) == Approx(24'000).epsilon(1e-14));
  CHECK(a.at(kAccountFundBalance, 0) == 0);
  CHECK(a.at(kEmptyAccountGap, 0) == Approx(a.at(kAccountLiability, 0)).epsilon(1e-15));

  p.scheme.funding = AccountFunding::funded;
  p.account_fund = p.basic_fund;
  p.account_fund.name = "accounts";
  const PensionModel funded(p);
  const auto b = simulate_central(funded);
  CHECK(b.at(kFundBalance, 0) == Approx(16'000).epsilon(1e-14));
  CHECK(b.at(kAccountFundBalance, 0) == Approx(8'000).epsilon(1e-14));
  // With zero crediting and zero returns, the account fund backs the liability exactly.
  CHECK(b.at(kAccountLiability, 0) == Approx(8'000).epsilon(1e-14));
  CHECK(b.at(kEmptyAccountGap, 0) == Approx(0).margin(1e-9));
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
  for (double y : sample.scalar_column(kDepletionYear)) depleted += std::isfinite(y) ? 1 : 0;
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
  for (std::size_t metric : {std::size_t{kPortfolioReturn}, std::size_t{kInflation}}) {
    const auto t = static_cast<std::size_t>(10);
    INFO("metric " << m.year_metrics()[metric].name);
    CHECK(dl[metric].se[t] / ds[metric].se[t] == Approx(0.5).margin(0.08));
  }
}
