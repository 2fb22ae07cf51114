#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "core/normal.h"
#include "core/rng.h"

using pfsim::RandomStream;
using pfsim::Stream;

TEST_CASE("Philox4x32-10 reproduces Random123's known-answer vectors") {
  // Random123 tests/kat_vectors, the three "philox4x32 10" lines (counter, key, result).
  using A4 = std::array<std::uint32_t, 4>;
  using A2 = std::array<std::uint32_t, 2>;
  CHECK(RandomStream::philox(A4{0, 0, 0, 0}, A2{0, 0}) == A4{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
  CHECK(RandomStream::philox(A4{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}, A2{0xffffffff, 0xffffffff}) ==
        A4{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
  CHECK(RandomStream::philox(A4{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, A2{0xa4093822, 0x299f31d0}) ==
        A4{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
}

TEST_CASE("a stream's words are Philox blocks at its documented counter address") {
  // seed -> key; counter = {block, stream << 16 | step, path lo, path hi}.
  const std::uint64_t seed = 0x0123456789abcdefULL, path = 0x0000000500000007ULL;
  RandomStream s(seed, path, Stream::mortality, 3);
  const std::array<std::uint32_t, 2> key{0x89abcdefu, 0x01234567u};
  for (std::uint32_t block = 0; block < 3; ++block) {
    const auto expected = RandomStream::philox({block, (10u << 16) | 3u, 7u, 5u}, key);
    for (int i = 0; i < 4; ++i) CHECK(s() == expected[static_cast<std::size_t>(i)]);
  }
}

TEST_CASE("streams of different paths, models and steps do not overlap") {
  // First 64 words of each of several addresses: all distinct (a collision of
  // 32-bit words among ~1,500 draws has probability about 3e-4; the fixed
  // addresses below have none).
  std::set<std::uint32_t> seen;
  std::size_t total = 0;
  for (std::uint64_t path : {0ULL, 1ULL, 1ULL << 32})
    for (Stream st : {Stream::economy_shocks, Stream::mortality, Stream::fertility})
      for (std::uint32_t step : {0u, 1u, 77u}) {
        RandomStream s(42, path, st, step);
        for (int i = 0; i < 16; ++i, ++total) seen.insert(s());
      }
  CHECK(seen.size() == total);
}

TEST_CASE("the same address gives the same numbers, and the seed changes them") {
  RandomStream a(7, 11, Stream::economy_shocks, 5), b(7, 11, Stream::economy_shocks, 5),
      c(8, 11, Stream::economy_shocks, 5);
  for (int i = 0; i < 100; ++i) {
    const auto x = a();
    CHECK(x == b());
    (void)c;
  }
  RandomStream d(7, 11, Stream::economy_shocks, 5);
  int same = 0;
  for (int i = 0; i < 100; ++i) same += d() == c() ? 1 : 0;
  CHECK(same < 3);
}

TEST_CASE("uniforms lie in (0, 1) and have mean 1/2 and variance 1/12") {
  RandomStream s(3, 0, Stream::economy_regime, 1);
  const int n = 200000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = s.uniform();
    REQUIRE(u > 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  // se of the mean sqrt(1/12/n) = 6.5e-4; of the variance sqrt(1/180/n) = 1.7e-4.
  CHECK(std::abs(mean - 0.5) < 4 * std::sqrt(1.0 / 12 / n));
  CHECK(std::abs(var - 1.0 / 12) < 4 * std::sqrt(1.0 / 180 / n));
}

TEST_CASE("standard normals have the first four moments of N(0, 1)") {
  const int n = 400000;
  double m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (int p = 0; p < n / 100; ++p) {
    RandomStream s(99, static_cast<std::uint64_t>(p), Stream::economy_shocks, 1);
    for (int i = 0; i < 100; ++i) {
      const double z = pfsim::standard_normal(s);
      m1 += z;
      m2 += z * z;
      m3 += z * z * z;
      m4 += z * z * z * z;
    }
  }
  m1 /= n; m2 /= n; m3 /= n; m4 /= n;
  // Standard errors: mean 1/sqrt(n); E z^2: sqrt(2/n); E z^3: sqrt(15/n); E z^4: sqrt(96/n).
  CHECK(std::abs(m1) < 4 / std::sqrt(n));
  CHECK(std::abs(m2 - 1) < 4 * std::sqrt(2.0 / n));
  CHECK(std::abs(m3) < 4 * std::sqrt(15.0 / n));
  CHECK(std::abs(m4 - 3) < 4 * std::sqrt(96.0 / n));
}
