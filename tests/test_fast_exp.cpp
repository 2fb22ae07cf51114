#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "core/fast_exp.h"

TEST_CASE("exp_array agrees with std::exp to a few ulp over the range pfsim uses") {
  std::vector<double> x, y;
  for (double v = -60.0; v <= 10.0; v += 0.000731) x.push_back(v);
  for (double v : {0.0, -0.0, 1e-300, -1e-18, 1e-10, std::log(2.0), -std::log(2.0) / 2, 700.0, -700.0}) x.push_back(v);
  y.resize(x.size());
  pfsim::exp_array(x.data(), y.data(), static_cast<int>(x.size()));
  double worst = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double e = std::exp(x[i]);
    worst = std::max(worst, std::abs(y[i] - e) / e);
  }
  // 4 ulp of 1.0 is 8.9e-16.
  CHECK(worst < 8.9e-16);
  std::vector<double> one{0.0}, out(1);
  pfsim::exp_array(one.data(), out.data(), 1);
  CHECK(out[0] == 1.0);
}
