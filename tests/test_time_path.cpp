#include <catch2/catch.hpp>

#include "core/time_path.h"

using pfsim::Interpolation;
using pfsim::TimePath;

TEST_CASE("a linear path interpolates between points and is flat beyond its ends") {
  const TimePath p({{2024, 0.01}, {2034, 0.03}, {2054, 0.02}}, Interpolation::linear);
  CHECK(p.at(2000) == 0.01);
  CHECK(p.at(2024) == 0.01);
  CHECK(p.at(2029) == Approx(0.02).epsilon(1e-15));
  CHECK(p.at(2034) == 0.03);
  CHECK(p.at(2044) == Approx(0.025).epsilon(1e-15));
  CHECK(p.at(2100) == 0.02);
}

TEST_CASE("a step path holds each value until the next point") {
  const TimePath p({{2016, 0.065}, {2018, 0.05}, {2021, 0.045}}, Interpolation::step);
  CHECK(p.at(2010) == 0.065);
  CHECK(p.at(2017) == 0.065);
  CHECK(p.at(2018) == 0.05);
  CHECK(p.at(2020) == 0.05);
  CHECK(p.at(2021) == 0.045);
  CHECK(p.at(2030) == 0.045);
}

TEST_CASE("a constant is a path of one point and sample covers the inclusive range") {
  const TimePath c(0.16);
  CHECK(c.is_constant());
  const auto v = c.sample(2024, 2026);
  REQUIRE(v.size() == 3);
  CHECK(v[2] == 0.16);
}
