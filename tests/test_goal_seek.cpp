#include <catch2/catch.hpp>

#include <cmath>

#include "core/goal_seek.h"
#include "models/pension_model.h"
#include "run/sample_producer.h"
#include "toy_model.h"

using namespace pfsim;

TEST_CASE("goal seek recovers a lever known in closed form on a deterministic model") {
  // Toy scheme: 1,000 contributors on a base of 100, 500 pensioners at 40,
  // zero returns, F0 = 100,000. The balance at the end of 2030 (7 years) is
  // F0 + 7 (1000 * 100 * tau - 20,000); it reaches 150,000 at
  // tau* = ((150,000 - 100,000) / 7 + 20,000) / 100,000 = 0.2714285714...
  auto base = test::toy_params(2024, 2035);
  base.demography.base_population[kMale][30] = 1000;
  base.demography.base_population[kMale][70] = 500;
  base.scheme.calib_contributors = 1000;
  base.scheme.calib_pensioners = 500;
  base.basic_fund.initial_balance = 100'000;
  auto balance_2030 = [&](double tau) {
    auto p = base;
    p.scheme.pooling_rate = TimePath(tau);
    const PensionModel m(p);
    return m.central_path().at(m.year_metric("fund_balance"), 2030 - 2024);
  };
  const double expected = ((150'000.0 - 100'000.0) / 7 + 20'000.0) / 100'000.0;
  const auto r = seek(balance_2030, 0.10, 0.40, 150'000, false, 1e-7);
  CHECK(r.holds_above);
  CHECK(std::abs(r.lever - expected) <= 1e-7);
  CHECK(balance_2030(r.lever) >= 150'000);
}

TEST_CASE("an unreachable target gives its documented message") {
  auto f = [](double x) { return 2 * x; };
  REQUIRE_THROWS_WITH(seek(f, 0.0, 1.0, 5.0, false, 1e-6), Catch::Contains("out of reach within [0, 1]"));
  REQUIRE_THROWS_WITH(seek(f, 0.0, 1.0, -1.0, false, 1e-6), Catch::Contains("holds over the whole range"));
}

TEST_CASE("a statistic that is not monotone over the bracket is refused") {
  // Crosses 0.5 at 0.25 and again at 0.75 with a peak of 1 at 0.5 between them.
  auto f = [](double x) { return x < 0.5 ? 4 * x * (1 - x) : 4 * x * (1 - x) - 0.0; };
  auto g = [&](double x) { return x <= 0.1 ? 0.0 : (x >= 0.9 ? 0.6 : f(x)); };
  REQUIRE_THROWS_WITH(seek(g, 0.0, 1.0, 0.5, false, 1e-6), Catch::Contains("not monotone"));
}

TEST_CASE("at_most targets find the lowest lever that keeps a decreasing statistic under the threshold") {
  auto f = [](double x) { return std::exp(-3 * x); };  // decreasing; <= 0.05 from x = ln(20)/3
  const auto r = seek(f, 0.0, 2.0, 0.05, true, 1e-9);
  CHECK(r.holds_above);
  CHECK(r.lever == Approx(std::log(20.0) / 3).margin(1e-9));
}

TEST_CASE("bisection stops where doubles cannot split the bracket, whatever the tolerance") {
  // A step at 0.2 between levers 0.1 and 0.3: with a tolerance no double
  // bracket can reach, the loop once ran for ever at one lever value. It
  // stops when the midpoint no longer moves: about 55 halvings.
  int calls = 0;
  auto f = [&](double x) {
    ++calls;
    return x < 0.2 ? 1.0 : 0.0;
  };
  const auto r = seek(f, 0.1, 0.3, 0.5, true, 1e-300);
  CHECK(r.holds_above);
  CHECK(calls < 70);
  CHECK(std::nextafter(r.lever, 0.0) < 0.2);
  CHECK(r.lever >= 0.2);
}
