#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "core/block_tree.h"
#include "core/distribution.h"
#include "core/engine.h"
#include "core/path_sample.h"
#include "core/statistics.h"

using namespace pfsim;

namespace {

// Exactly equal; -0 and +0 count as equal (the radix keys order -0 below
// +0, comparisons do not, so the two routes may pick different zeros).
bool same_bits(double a, double b) { return a == b || std::memcmp(&a, &b, sizeof a) == 0; }

// Every quantile, interval bound and moment of column c of d against the
// general route (selection on a copy of the values).
void check_column(const Distribution& d, std::size_t c, std::vector<double> values, std::span<const double> probs) {
  // Moments in the summation tree's order (core/block_tree.h), of the
  // values in path order.
  const auto m = tree::local_moments(std::span<const double>(values), 0, [](double) { return true; }).moments;
  CHECK(same_bits(d.mean[c], m.mean));
  CHECK(same_bits(d.sd[c], m.sd));
  const auto q = stats::quantiles_with_ci(values, probs, 0.95);
  for (std::size_t p = 0; p < probs.size(); ++p) {
    INFO("column " << c << ", p = " << probs[p]);
    CHECK(same_bits(d.quantile[p * d.columns + c], q[p].value));
    CHECK(same_bits(d.lower[p * d.columns + c], q[p].lower));
    CHECK(same_bits(d.upper[p * d.columns + c], q[p].upper));
  }
}

}  // namespace

TEST_CASE("column statistics from selected order statistics equal those of a full selection, bit for bit") {
  // Columns shaped to exercise the bucket selection: a wide lognormal (many
  // buckets), values packed within 1e-6 of each other (buckets split the
  // range the keys span, not the whole key space), heavy ties, mixed signs
  // around zero, a constant, and a fund's balance (a tenth of the paths at
  // zero, far below the rest: large buckets). Short columns (under 8,192
  // values) are sorted whole, longer ones go through buckets (2^12 of them
  // at 20,011 values, 2^15 at 140,001): all three.
  const std::uint64_t n = GENERATE(as<std::uint64_t>{}, 5'003, 20'011, 140'001);
  const int years = 6;
  PathSample sample({1, years, 2}, 0, n);
  std::mt19937_64 rng(42);
  std::normal_distribution<double> z;
  std::vector<std::vector<double>> cols(static_cast<std::size_t>(years) + 2);
  for (std::uint64_t i = 0; i < n; ++i) {
    const double x = z(rng);
    const double v[] = {std::exp(3 * x) * 1e6, 1e4 * (1 + 1e-6 * x), std::round(2 * x), x * 1e-3, 7.5,
                        i % 10 == 3 ? 0.0 : 1e12 * std::exp(0.5 * x), std::exp(5 * x) * 1e12, std::round(x) - 0.5};
    for (int t = 0; t < years; ++t) {
      const float f = static_cast<float>(v[t]);
      sample.year_column(0, t)[i] = f;
      cols[static_cast<std::size_t>(t)].push_back(f);  // the float's exact value
    }
    for (std::size_t s = 0; s < 2; ++s) {
      sample.scalar_column(s)[i] = v[years + s];
      cols[static_cast<std::size_t>(years) + s].push_back(v[years + s]);
    }
  }
  const std::vector<double> probs{0.0, 0.005, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 0.995, 1.0};
  const auto year = summarize_year_metrics(sample, probs, 0.95, 2);
  for (int t = 0; t < years; ++t) check_column(year[0], static_cast<std::size_t>(t), cols[static_cast<std::size_t>(t)], probs);
  const auto scalars = summarize_scalars(sample, probs, 0.95, 2);
  for (std::size_t s = 0; s < 2; ++s) check_column(scalars[s], 0, cols[static_cast<std::size_t>(years) + s], probs);
}

TEST_CASE("statistics stop with Interrupted when the stop flag is set, and not otherwise") {
  PathSample sample({2, 3, 2}, 0, 10'000);
  std::mt19937_64 rng(3);
  std::normal_distribution<double> z;
  for (std::size_t m = 0; m < 2; ++m)
    for (int t = 0; t < 3; ++t)
      for (float& v : sample.year_column(m, t)) v = static_cast<float>(z(rng));
  for (std::size_t s = 0; s < 2; ++s)
    for (double& v : sample.scalar_column(s)) v = z(rng);
  const std::vector<double> probs{0.05, 0.5, 0.95};
  std::atomic<bool> stop{true};
  CHECK_THROWS_AS(summarize_year_metrics(sample, probs, 0.95, 2, &stop), Interrupted);
  CHECK_THROWS_AS(summarize_scalars(sample, probs, 0.95, 2, &stop), Interrupted);
  stop = false;
  const auto a = summarize_year_metrics(sample, probs, 0.95, 2, &stop);
  const auto b = summarize_year_metrics(sample, probs, 0.95, 2);
  REQUIRE(a.size() == 2);
  CHECK(a[1].quantile == b[1].quantile);
  CHECK(a[1].mean == b[1].mean);
  CHECK(summarize_scalars(sample, probs, 0.95, 2, &stop)[1].quantile == summarize_scalars(sample, probs, 0.95, 2)[1].quantile);
}

TEST_CASE("quantile_at finds a quantile by its probability and column, and refuses one not computed") {
  Distribution d;
  d.columns = 2;
  d.probabilities = {0.05, 0.5, 0.95};
  d.quantile = {1, 2, 3, 4, 5, 6};  // [p * columns + column]
  CHECK(d.quantile_at(0.05) == 1);
  CHECK(d.quantile_at(0.5, 1) == 4);
  CHECK(d.quantile_at(0.95, 1) == 6);
  CHECK_THROWS_AS(d.quantile_at(0.25), std::out_of_range);
}

TEST_CASE("an undefined value (NaN) is left out of every statistic, and a column of only NaN has none", "[statistics]") {
  // The defined values 1, 3, 2, 5, 4 in path order, with NaN between them:
  // the statistics equal those of the defined values alone, bit for bit.
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<double> probs{0.05, 0.5, 0.95};
  Distribution with, without;
  for (Distribution* d : {&with, &without}) {
    d->columns = 1;
    d->probabilities = probs;
    d->quantile.assign(3, 0);
    d->lower.assign(3, 0);
    d->upper.assign(3, 0);
    d->mean.assign(1, 0);
    d->sd.assign(1, 0);
    d->se.assign(1, 0);
    d->finite.assign(1, 0);
  }
  std::vector<double> a{nan, 1, 3, nan, 2, 5, nan, 4}, b{1, 3, 2, 5, 4};
  summarize_column(a, probs, 0.95, with, 0);
  summarize_column(b, probs, 0.95, without, 0);
  CHECK(with.finite[0] == 5);
  CHECK(with.mean[0] == 3);
  CHECK(same_bits(with.sd[0], without.sd[0]));
  for (std::size_t p = 0; p < probs.size(); ++p) {
    CHECK(same_bits(with.quantile[p], without.quantile[p]));
    CHECK(same_bits(with.lower[p], without.lower[p]));
    CHECK(same_bits(with.upper[p], without.upper[p]));
  }
  CHECK(with.quantile[1] == 3);
  std::vector<double> none{nan, nan};
  summarize_column(none, probs, 0.95, with, 0);
  CHECK(with.finite[0] == 0);
  CHECK(std::isnan(with.mean[0]));
  CHECK(std::isnan(with.quantile[1]));
}
