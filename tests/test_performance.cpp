// PerformanceModel (docs/model.md D5.10): returns, drawdown and tracking are
// measured while the fund holds assets, up to and including the year of
// depletion; a horizon the fund did not last is undefined (NaN).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/funds/performance.h"
#include "models/outputs.h"

using namespace pfsim;

namespace {
struct Year {
  double gross, benchmark;
};
}  // namespace

TEST_CASE("returns are measured while the fund holds assets, and undefined past its depletion", "[performance]") {
  ModelParams p;
  p.start_year = 2024;
  p.end_year = 2033;  // 10 years
  p.return_horizons = {1, 3, 5};
  OutputRegistry o;
  const PerformanceModel model(p, o);
  REQUIRE(model.horizons() == std::vector<int>{1, 3, 5, 10});
  const std::vector<Year> years{{1.10, 1.05}, {0.90, 1.00}, {1.02, 1.01}, {1.30, 1.00}, {1.05, 1.02},
                                {1.00, 1.00}, {1.01, 1.01}, {1.20, 1.00}, {0.80, 1.00}, {1.00, 1.00}};
  PerformanceState s;
  model.prepare(s);
  PathRecord rec;
  rec.scalars.assign(o.scalars().size(), 0.0);
  auto run = [&](int life) {
    model.start(s);
    for (int t = 0; t < 10; ++t) {
      const auto& y = years[static_cast<std::size_t>(t)];
      model.step(t, y.gross, y.benchmark, 0.0, 1.0, 0.0, 0.0, t < life, s);
    }
    model.finish(s, rec);
  };
  auto at = [&](const char* name) { return rec.scalars[o.scalar_index(name)]; };

  SECTION("depleted in the third year: three years measured") {
    run(3);
    CHECK(at("return_nominal_1y") == Approx(0.10).epsilon(1e-14));
    CHECK(at("return_nominal_3y") == Approx(std::cbrt(1.10 * 0.90 * 1.02) - 1).epsilon(1e-14));
    for (const char* name : {"return_nominal_5y", "return_real_5y", "excess_over_wage_5y", "excess_over_crediting_5y",
                             "return_nominal_10y"})
      CHECK(std::isnan(at(name)));
    // Real index 1.10, 0.99, 1.0098: peak 1.10, trough 0.99.
    CHECK(at("max_drawdown") == Approx(1 - 0.99 / 1.10).epsilon(1e-13));
    const double d[3] = {0.05, -0.10, 0.01};
    const double mean = (d[0] + d[1] + d[2]) / 3;
    double ss = 0;
    for (double x : d) ss += (x - mean) * (x - mean);
    CHECK(at("active_return") == Approx(mean).epsilon(1e-13));
    CHECK(at("tracking_error") == Approx(std::sqrt(ss / 2)).epsilon(1e-12));
    const auto spec = o.scalars()[o.scalar_index("return_real_5y")];
    CHECK(spec.may_be_undefined);
    CHECK_FALSE(o.scalars()[o.scalar_index("max_drawdown")].may_be_undefined);
  }
  SECTION("depleted in the first year: one year, no tracking error") {
    run(1);
    CHECK(at("return_nominal_1y") == Approx(0.10).epsilon(1e-14));
    CHECK(std::isnan(at("return_nominal_3y")));
    CHECK(std::isnan(at("tracking_error")));
    CHECK(at("max_drawdown") == 0);
  }
  SECTION("never depleted: every horizon, the 1.30 year's peak and the 0.80 year's fall") {
    run(10);
    double g = 1;
    for (const auto& y : years) g *= y.gross;
    CHECK(at("return_nominal_10y") == Approx(std::pow(g, 0.1) - 1).epsilon(1e-13));
    CHECK(at("max_drawdown") == Approx(0.20).epsilon(1e-13));  // 1.2 * 0.8 against the peak before the fall
  }
}
