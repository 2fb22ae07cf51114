#include <catch2/catch.hpp>

#include <cmath>

#include "models/funds/fund.h"

using pfsim::fund_step;

TEST_CASE("fund recursion with mid-year cash flows matches a hand computation") {
  // F = 100, R = 5%, net flow -20 during the year:
  // F* = 100 * 1.05 - 20 * sqrt(1.05) = 105 - 20.4939015 = 84.5060985.
  const auto f = fund_step(100.0, -20.0, 1.05, 1.02, true, 0.0);
  CHECK(f.before_floor == Approx(105.0 - 20.0 * std::sqrt(1.05)).epsilon(1e-15));
  CHECK(f.end == f.before_floor);
  CHECK(f.backstop == 0.0);
}

TEST_CASE("the backstop tops the balance up to its floor and records the transfer") {
  // F = 10, R = 0, net -30 -> F* = -20; floor 0 -> transfer 20.
  const auto f = fund_step(10.0, -30.0, 1.0, 1.0, true, 0.0);
  CHECK(f.before_floor == -20.0);
  CHECK(f.end == 0.0);
  CHECK(f.backstop == 20.0);
  // A floor of 5 (m months of expenditure) lifts further.
  const auto g = fund_step(10.0, -30.0, 1.0, 1.0, true, 5.0);
  CHECK(g.end == 5.0);
  CHECK(g.backstop == 25.0);
}

TEST_CASE("a negative balance is carried at the debt rate, not the portfolio return") {
  // Without the backstop: F = -50 at a 3% debt rate while the portfolio earns 10%;
  // F* = -50 * 1.03 + 10 * sqrt(1.03).
  const auto f = fund_step(-50.0, 10.0, 1.10, 1.03, false, 0.0);
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
