#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/lanes.h"
#include "io/config.h"
#include "models/pension_model.h"

using pfsim::kLanes;
using pfsim::Lane;

TEST_CASE("lane_exp agrees with std::exp to within two ulp over the range pfsim uses") {
  std::vector<double> x;
  for (double v = -700.0; v <= 700.0; v += 0.000731) x.push_back(v);
  for (double v : {0.0, -0.0, 1e-300, -1e-18, 1e-10, std::log(2.0), -std::log(2.0) / 2, std::log(2.0) / 16, 700.0, -700.0})
    x.push_back(v);
  while (x.size() % kLanes != 0) x.push_back(0.0);
  double worst = 0;  // in units in the last place of std::exp's value
  for (std::size_t i = 0; i < x.size(); i += kLanes) {
    Lane v;
    for (int l = 0; l < kLanes; ++l) v[l] = x[i + static_cast<std::size_t>(l)];
    const Lane y = pfsim::lane_exp(v);
    for (int l = 0; l < kLanes; ++l) {
      const double e = std::exp(v[l]);
      worst = std::max(worst, std::abs(y[l] - e) / (std::nextafter(e, INFINITY) - e));
    }
  }
  // Measured: 1 ulp at the worst (glibc's exp is itself within 1 ulp).
  CHECK(worst <= 2.0);
  CHECK(pfsim::lane_exp(pfsim::splat(0.0))[0] == 1.0);
}

TEST_CASE("a lane's result does not depend on the other lanes") {
  // The same value in the last lane among different neighbours gives the same bits.
  constexpr int last = kLanes - 1;
  Lane a = pfsim::splat(-3.25), b;
  for (int l = 0; l < kLanes; ++l) b[l] = 0.1 * l - 5;
  b[last] = -3.25;
  CHECK(pfsim::lane_exp(a)[last] == pfsim::lane_exp(b)[last]);
  CHECK(pfsim::lane_sqrt(a * a)[last] == pfsim::lane_sqrt(b * b)[last]);
}

TEST_CASE("lane selects reproduce std::max, std::min and std::clamp") {
  const Lane lo = pfsim::splat(-1.0), hi = pfsim::splat(2.0);
  const double values[] = {-3.0, -1.0, -0.0, 0.0, 1.5, 2.0, 7.0, NAN};
  for (std::size_t i = 0; i < 8; i += kLanes) {
    Lane v;
    for (int l = 0; l < kLanes; ++l) v[l] = values[(i + static_cast<std::size_t>(l)) % 8];
    const Lane mx = pfsim::lane_max(v, lo), mn = pfsim::lane_min(v, hi), cl = pfsim::lane_clamp(v, lo, hi);
    for (int l = 0; l < kLanes; ++l) {
      INFO("value " << v[l]);
      const double want_max = std::max(v[l], lo[l]), want_min = std::min(v[l], hi[l]),
                   want_clamp = std::clamp(v[l], lo[l], hi[l]);
      // Bit for bit (the sign of a zero included).
      CHECK(std::bit_cast<std::uint64_t>(static_cast<double>(mx[l])) == std::bit_cast<std::uint64_t>(want_max));
      CHECK(std::bit_cast<std::uint64_t>(static_cast<double>(mn[l])) == std::bit_cast<std::uint64_t>(want_min));
      CHECK(std::bit_cast<std::uint64_t>(static_cast<double>(cl[l])) == std::bit_cast<std::uint64_t>(want_clamp));
    }
  }
}

TEST_CASE("a path's results do not depend on the paths that share its lane group") {
  // The China baseline, every stochastic part on, and the same with the
  // residents' scheme and the annuity plans (configs/examples/multilevel.toml):
  // path 5 alone (in every lane) and path 5 in the last lane among other
  // paths give the same bits.
  const std::string config = GENERATE(std::string("configs/china_baseline.toml"), std::string("configs/examples/multilevel.toml"));
  INFO(config);
  const auto cfg = pfsim::load_config(std::string(PFSIM_SOURCE_DIR) + "/" + config);
  const pfsim::PensionModel m(cfg.model);
  pfsim::Workspace ws;
  pfsim::PathRecord alone;
  m.prepare(ws, alone);
  m.simulate(cfg.run.seed, 5, false, ws, alone);

  std::array<pfsim::PathRecord, kLanes> group;
  for (auto& r : group) m.prepare(ws, r);
  std::array<std::uint64_t, kLanes> ids;
  for (int l = 0; l < kLanes; ++l) ids[static_cast<std::size_t>(l)] = 100 + static_cast<std::uint64_t>(l);
  constexpr std::size_t last = kLanes - 1;
  ids[last] = 5;
  m.simulate(cfg.run.seed, ids, false, ws, group);
  REQUIRE(alone.year_values.size() == group[last].year_values.size());
  CHECK(std::memcmp(alone.year_values.data(), group[last].year_values.data(), alone.year_values.size() * sizeof(double)) == 0);
  CHECK(std::memcmp(alone.scalars.data(), group[last].scalars.data(), alone.scalars.size() * sizeof(double)) == 0);
  // And the neighbours are different paths (the comparison is not vacuous).
  CHECK(group[0].year_values != group[last].year_values);
}
