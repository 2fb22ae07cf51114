// Tests of pfsim::stats against closed forms, hand cases and (for Monte
// Carlo checks) tolerances stated in standard errors, all with fixed seeds.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numbers>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include <catch2/catch.hpp>

#include "core/statistics.h"

namespace st = pfsim::stats;

namespace {

constexpr double z95 = 1.959963984540054;  // Phi^-1(0.975), reference tables

double normal_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * std::numbers::pi); }
double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::numbers::sqrt2); }

std::vector<double> normal_sample(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::vector<double> v(n);
  for (double& x : v) x = nd(gen);
  return v;
}

// 1..n in a fixed shuffled order, so the k-th order statistic is k.
std::vector<double> shuffled_ranks(std::size_t n, std::uint64_t seed) {
  std::vector<double> v(n);
  std::iota(v.begin(), v.end(), 1.0);
  std::mt19937_64 gen(seed);
  std::shuffle(v.begin(), v.end(), gen);
  return v;
}

// Binomial(n, p) pmf through lgamma, for exact coverage of the order-statistic
// interval.
double binomial_pmf(int k, int n, double p) {
  const double log_choose = std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0);
  return std::exp(log_choose + k * std::log(p) + (n - k) * std::log1p(-p));
}

// Wilson interval as the roots of (phat - pi)^2 = z^2 pi (1 - pi) / n, i.e.
// (1 + z^2/n) pi^2 - (2 phat + z^2/n) pi + phat^2 = 0, independent of the
// centre/half-width form the library uses.
st::Interval wilson_by_quadratic(double successes, double n, double z) {
  const double phat = successes / n;
  const double a = 1.0 + z * z / n;
  const double b = -(2.0 * phat + z * z / n);
  const double c = phat * phat;
  const double root = std::sqrt(b * b - 4.0 * a * c);
  return {(-b - root) / (2.0 * a), (-b + root) / (2.0 * a)};
}

}  // namespace

TEST_CASE("normal_quantile matches reference values", "[statistics]") {
  CHECK(st::normal_quantile(0.975) == Approx(z95).margin(1e-12));
  CHECK(st::normal_quantile(0.025) == Approx(-z95).margin(1e-12));
  CHECK(st::normal_quantile(0.5) == 0.0);
  // Reference values of Phi^-1 (e.g. R qnorm), covering both Acklam regions.
  CHECK(st::normal_quantile(0.001) == Approx(-3.090232306167814).margin(1e-12));
  CHECK(st::normal_quantile(0.9) == Approx(1.2815515655446004).margin(1e-12));
  CHECK(st::normal_quantile(1e-10) == Approx(-6.361340902404056).epsilon(1e-13));
  CHECK(st::two_sided_z(0.95) == Approx(z95).margin(1e-12));
  CHECK(st::two_sided_z(0.99) == Approx(2.5758293035489004).margin(1e-12));
  CHECK(st::normal_quantile(0.0) == -std::numeric_limits<double>::infinity());
  CHECK(st::normal_quantile(1.0) == std::numeric_limits<double>::infinity());
  CHECK_THROWS_AS(st::normal_quantile(1.5), std::invalid_argument);
  CHECK_THROWS_AS(st::normal_quantile(std::nan("")), std::invalid_argument);
}

TEST_CASE("normal_quantile is symmetric and inverts Phi", "[statistics]") {
  // For q in [0.5, 1), 1 - q is exact, so the identity must hold exactly.
  for (double q : {0.5, 0.51, 0.7, 0.9, 0.97575, 0.999, 1.0 - 1e-12}) {
    CHECK(st::normal_quantile(q) == -st::normal_quantile(1.0 - q));
  }
  // Round trip through Phi in the lower half (no cancellation in erfc there):
  // relative error near machine precision, except that near 0 the rounding
  // of Phi(x) itself (~1e-17 absolute) limits x to ~1e-16 absolute.
  for (double x : {-37.0, -30.0, -8.0, -3.0, -1.96, -1.0, -0.3, -1e-4}) {
    CHECK(st::normal_quantile(normal_cdf(x)) == Approx(x).epsilon(1e-13).margin(1e-15));
  }
}

TEST_CASE("type-7 quantile equals numpy's linear method on hand cases", "[statistics]") {
  std::vector<double> v{4, 2, 3, 1};
  CHECK(st::quantile(v, 0.25) == 1.75);  // h = 0.75 between 1 and 2
  CHECK(st::quantile(v, 0.5) == 2.5);
  CHECK(st::quantile(v, 0.1) == Approx(1.3).margin(1e-15));
  CHECK(st::quantile(v, 0.0) == 1.0);
  CHECK(st::quantile(v, 1.0) == 4.0);
  // numpy.quantile docstring: a = [[10, 7, 4], [3, 2, 1]], q = 0.5 -> 3.5.
  std::vector<double> doc{10, 7, 4, 3, 2, 1};
  CHECK(st::quantile(doc, 0.5) == 3.5);
  std::vector<double> three{3, 1, 2};
  CHECK(st::quantile(three, 0.9) == Approx(2.8).margin(1e-15));  // h = 1.8
  std::vector<double> one{7.5};
  CHECK(st::quantile(one, 0.0) == 7.5);
  CHECK(st::quantile(one, 0.37) == 7.5);
  CHECK(st::quantile(one, 1.0) == 7.5);
  // Bit-exact agreement with numpy's _lerp, which for t >= 0.5 evaluates
  // b - (b - a)(1 - t): these differ by an ulp from a + (b - a) t.
  std::vector<double> pair{0.7, 0.1};
  CHECK(st::quantile(pair, 0.7) == 0.5199999999999999);  // a + (b - a) t gives 0.52
  CHECK(st::quantile(pair, 0.55) == 0.43);               // a + (b - a) t gives 0.43000000000000005
  std::vector<double> ties{5, 5, 5, 1};
  CHECK(st::quantile(ties, 0.5) == 5.0);

  std::vector<double> empty;
  CHECK_THROWS_AS(st::quantile(empty, 0.5), std::invalid_argument);
  CHECK_THROWS_AS(st::quantile(v, 1.01), std::invalid_argument);
  std::vector<double> with_nan{1.0, std::nan(""), 2.0};
  CHECK_THROWS_AS(st::quantile(with_nan, 0.5), std::invalid_argument);
}

TEST_CASE("type-7 quantile agrees with a sorted copy on random data", "[statistics]") {
  std::mt19937_64 gen(20240601);
  std::uniform_int_distribution<int> small(0, 50);  // many ties
  std::vector<double> data(1001);
  for (double& x : data) x = small(gen) * 0.25;
  std::vector<double> sorted = data;
  std::sort(sorted.begin(), sorted.end());
  for (double p : {0.0, 0.001, 0.013, 0.25, 0.5, 0.777, 0.999, 1.0}) {
    const double h = 1000.0 * p;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const double expected =
        lo + 1 < sorted.size() ? sorted[lo] + (h - std::floor(h)) * (sorted[lo + 1] - sorted[lo])
                               : sorted[lo];
    std::vector<double> work = data;
    CHECK(st::quantile(work, p) == Approx(expected).margin(1e-12));
  }
}

TEST_CASE("order-statistic ranks on hand cases", "[statistics]") {
  // n = 100, p = 0.5: n p = 50, sqrt(n p (1-p)) = 5, z * 5 = 9.79982;
  // l = floor(40.2002) = 40, u = ceil(59.7998) + 1 = 61.
  auto r = st::quantile_ci_ranks(100, 0.5);
  CHECK(r.lower == 40);
  CHECK(r.upper == 61);
  // p = 0.1: n p = 10, sd = 3, z * 3 = 5.87989; l = floor(4.1201) = 4,
  // u = ceil(15.8799) + 1 = 17.
  r = st::quantile_ci_ranks(100, 0.1);
  CHECK(r.lower == 4);
  CHECK(r.upper == 17);
  // Clamping to [1, n].
  r = st::quantile_ci_ranks(10, 0.5);  // 5 -+ 3.099 -> floor 1.90 = 1, ceil 8.10 + 1 = 10
  CHECK(r.lower == 1);
  CHECK(r.upper == 10);
  r = st::quantile_ci_ranks(100, 0.0);
  CHECK(r.lower == 1);
  CHECK(r.upper == 1);
  r = st::quantile_ci_ranks(100, 1.0);
  CHECK(r.lower == 100);
  CHECK(r.upper == 100);

  // With data 1..100 shuffled, x_(k) = k, so values show the ranks used.
  auto data = shuffled_ranks(100, 7);
  const std::vector<double> probs{0.5, 0.1};
  const auto q = st::quantiles_with_ci(data, probs);
  REQUIRE(q.size() == 2);
  CHECK(q[0].value == 50.5);  // h = 49.5: between x_(50) and x_(51)
  CHECK(q[0].lower == 40.0);
  CHECK(q[0].upper == 61.0);
  CHECK(q[1].value == Approx(10.9).margin(1e-12));  // h = 9.9
  CHECK(q[1].lower == 4.0);
  CHECK(q[1].upper == 17.0);
}

TEST_CASE("quantiles_with_ci agrees with quantile and a full sort", "[statistics]") {
  const auto data = normal_sample(20000, 11);
  std::vector<double> sorted = data;
  std::sort(sorted.begin(), sorted.end());
  // Unsorted, repeated and extreme probabilities; results follow input order.
  const std::vector<double> probs{0.99, 0.01, 0.5, 0.5, 0.0, 1.0, 0.25, 0.0501};
  std::vector<double> work = data;
  const auto q = st::quantiles_with_ci(work, probs, 0.9);
  REQUIRE(q.size() == probs.size());
  for (std::size_t i = 0; i < probs.size(); ++i) {
    std::vector<double> copy = data;
    CHECK(q[i].value == st::quantile(copy, probs[i]));
    const auto r = st::quantile_ci_ranks(data.size(), probs[i], 0.9);
    CHECK(q[i].lower == sorted[r.lower - 1]);
    CHECK(q[i].upper == sorted[r.upper - 1]);
    CHECK(q[i].lower <= q[i].value);
    CHECK(q[i].value <= q[i].upper);
  }
  // The data is a permutation of the input.
  std::sort(work.begin(), work.end());
  CHECK(work == sorted);
}

TEST_CASE("order-statistic interval covers normal quantiles for n = 1e5", "[statistics]") {
  const std::size_t n = 100000;
  auto data = normal_sample(n, 12345);
  const std::vector<double> probs{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
  // 99.9% intervals: with 7 of them, a correct implementation fails this for
  // a given seed with probability below 0.7%.
  const auto q = st::quantiles_with_ci(data, probs, 0.999);
  const double z = st::two_sided_z(0.999);
  for (std::size_t i = 0; i < probs.size(); ++i) {
    const double p = probs[i];
    const double truth = st::normal_quantile(p);
    INFO("p = " << p);
    CHECK(q[i].lower <= truth);
    CHECK(truth <= q[i].upper);
    // The interval is not trivially wide: its width is about
    // 2 z sqrt(p (1 - p) / n) / phi(q_p). The width in probability units is
    // a uniform spacing of m = u - l ranks, relative sd 1 / sqrt(m); allow 4.
    const auto r = st::quantile_ci_ranks(n, p, 0.999);
    const double m = static_cast<double>(r.upper - r.lower);
    const double expected_width = 2.0 * z * std::sqrt(p * (1 - p) / n) / normal_pdf(truth);
    CHECK(std::abs((q[i].upper - q[i].lower) / expected_width - 1.0) < 4.0 / std::sqrt(m));
    // The point estimate within 4 asymptotic standard errors
    // sqrt(p (1 - p) / n) / phi(q_p).
    CHECK(std::abs(q[i].value - truth) < 4.0 * std::sqrt(p * (1 - p) / n) / normal_pdf(truth));
  }
}

TEST_CASE("order-statistic interval has its exact binomial coverage", "[statistics]") {
  // [x_(l), x_(u)] covers the p-quantile exactly when l <= B <= u - 1 for
  // B ~ Binomial(n, p), the count below the quantile. Compare the observed
  // coverage over many replications with that probability.
  const int n = 200;
  const double p = 0.3;
  const int reps = 4000;
  const auto r = st::quantile_ci_ranks(n, p, 0.95);
  double exact = 0.0;
  for (auto k = static_cast<int>(r.lower); k <= static_cast<int>(r.upper) - 1; ++k) {
    exact += binomial_pmf(k, n, p);
  }
  CHECK(exact >= 0.95);  // the +1 on u makes it conservative here

  const double truth = st::normal_quantile(p);
  std::mt19937_64 gen(99);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::vector<double> data(n);
  const std::vector<double> probs{p};
  int covered = 0;
  for (int rep = 0; rep < reps; ++rep) {
    for (double& x : data) x = nd(gen);
    const auto q = st::quantiles_with_ci(data, probs, 0.95);
    covered += q[0].lower <= truth && truth <= q[0].upper;
  }
  const double rate = static_cast<double>(covered) / reps;
  const double se = std::sqrt(exact * (1 - exact) / reps);
  INFO("exact " << exact << " observed " << rate);
  CHECK(std::abs(rate - exact) < 4.0 * se);
}

TEST_CASE("Wilson interval matches the closed form and known values", "[statistics]") {
  struct Case {
    std::uint64_t s, n;
    double lower, upper;  // rounded published/hand values
  };
  for (const Case c : {Case{0, 10, 0.0, 0.2775}, Case{5, 10, 0.2366, 0.7634},
                       Case{81, 263, 0.2553, 0.3662}}) {
    const auto w = st::wilson_interval(c.s, c.n, 0.95);
    const auto ref = wilson_by_quadratic(static_cast<double>(c.s), static_cast<double>(c.n), z95);
    INFO(c.s << "/" << c.n);
    CHECK(w.lower == Approx(ref.lower).margin(1e-12));
    CHECK(w.upper == Approx(ref.upper).margin(1e-12));
    CHECK(w.lower == Approx(c.lower).margin(1e-4));
    CHECK(w.upper == Approx(c.upper).margin(1e-4));
  }
  CHECK(st::wilson_interval(0, 10).lower == 0.0);
  CHECK(st::wilson_interval(10, 10).upper == 1.0);
  // Symmetry: s/n and (n - s)/n mirror each other.
  const auto a = st::wilson_interval(3, 17, 0.9);
  const auto b = st::wilson_interval(14, 17, 0.9);
  CHECK(a.lower == Approx(1.0 - b.upper).margin(1e-14));
  CHECK(a.upper == Approx(1.0 - b.lower).margin(1e-14));
  const auto none = st::wilson_interval(0, 0);
  CHECK(none.lower == 0.0);
  CHECK(none.upper == 1.0);
  CHECK_THROWS_AS(st::wilson_interval(11, 10), std::invalid_argument);
  CHECK_THROWS_AS(st::wilson_interval(1, 10, 1.0), std::invalid_argument);
}

TEST_CASE("lower tail risk on a hand case", "[statistics]") {
  auto data = shuffled_ranks(20, 3);  // 1..20
  const auto t = st::lower_tail_risk(data, 0.1);
  // k = ceil(0.1 * 20) = 2: mean of {1, 2}; VaR h = 19 * 0.1 = 1.9 -> 2.9.
  CHECK(t.expected_shortfall == 1.5);
  CHECK(t.value_at_risk == Approx(2.9).margin(1e-12));
  // var_tail = 0.5 (sample variance of {1, 2}); gap = 1.5 - 2.9 = -1.4.
  CHECK(t.expected_shortfall_se == Approx(std::sqrt((0.5 + 0.9 * 1.4 * 1.4) / 2.0)).margin(1e-12));

  // alpha n = 0.07 * 100 is 7.000000000000001 in double; k must be 7.
  auto hundred = shuffled_ranks(100, 4);
  CHECK(st::lower_tail_risk(hundred, 0.07).expected_shortfall == 4.0);  // mean of 1..7
  // k = ceil(0.051 * 100) = 6 -> mean of 1..6.
  CHECK(st::lower_tail_risk(hundred, 0.051).expected_shortfall == 3.5);
  // alpha = 1: the mean, with the standard error of the mean.
  const auto all = st::lower_tail_risk(hundred, 1.0);
  CHECK(all.expected_shortfall == 50.5);
  CHECK(all.value_at_risk == 100.0);
  CHECK(all.expected_shortfall_se == Approx(st::moments(hundred).se).epsilon(1e-12));
  CHECK_THROWS_AS(st::lower_tail_risk(hundred, 0.0), std::invalid_argument);
}

TEST_CASE("expected shortfall of a normal sample matches -phi(z)/alpha", "[statistics]") {
  const std::size_t n = 1000000;
  const double alpha = 0.05;
  auto data = normal_sample(n, 42);
  const auto t = st::lower_tail_risk(data, alpha);
  const double z = st::normal_quantile(alpha);
  const double es_true = -normal_pdf(z) / alpha;  // E[X | X <= z] for N(0, 1)
  INFO("ES " << t.expected_shortfall << " true " << es_true << " se " << t.expected_shortfall_se);
  CHECK(std::abs(t.expected_shortfall - es_true) < 3.0 * t.expected_shortfall_se);
  // The asymptotic standard error from the closed-form tail moments:
  // Var(X | X <= z) = 1 + z * ES - ES^2 for N(0, 1).
  const double var_tail = 1.0 + z * es_true - es_true * es_true;
  const double se_true =
      std::sqrt((var_tail + (1 - alpha) * (es_true - z) * (es_true - z)) / (n * alpha));
  CHECK(t.expected_shortfall_se == Approx(se_true).epsilon(0.02));
  // VaR within 4 standard errors sqrt(alpha (1 - alpha) / n) / phi(z).
  CHECK(std::abs(t.value_at_risk - z) < 4.0 * std::sqrt(alpha * (1 - alpha) / n) / normal_pdf(z));
}

TEST_CASE("expected shortfall standard error matches replication spread", "[statistics]") {
  // 400 independent estimates at n = 10^4: their sample sd has relative
  // standard error 1 / sqrt(2 * 399) = 3.5%; allow 15% (about 4 of them).
  const std::size_t n = 10000;
  const int reps = 400;
  std::mt19937_64 gen(2718);
  std::normal_distribution<double> nd(0.0, 1.0);
  std::vector<double> data(n);
  std::vector<double> es(reps);
  double se_sum = 0.0;
  for (int rep = 0; rep < reps; ++rep) {
    for (double& x : data) x = nd(gen);
    const auto t = st::lower_tail_risk(data, 0.05);
    es[rep] = t.expected_shortfall;
    se_sum += t.expected_shortfall_se;
  }
  const double spread = st::moments(es).sd;
  CHECK(spread / (se_sum / reps) == Approx(1.0).margin(0.15));
}

TEST_CASE("moments on hand cases", "[statistics]") {
  const std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
  const auto m = st::moments(v);
  CHECK(m.mean == 5.0);
  CHECK(m.sd == Approx(std::sqrt(32.0 / 7.0)).epsilon(1e-14));  // sum of squares 32
  CHECK(m.se == Approx(std::sqrt(32.0 / 7.0 / 8.0)).epsilon(1e-14));
  // Large offset: the two-pass algorithm keeps the variance exact.
  std::vector<double> shifted(v);
  for (double& x : shifted) x += 1e9;
  CHECK(st::moments(shifted).sd == Approx(std::sqrt(32.0 / 7.0)).epsilon(1e-12));
  const std::vector<double> one{3.0};
  const auto m1 = st::moments(one);
  CHECK(m1.mean == 3.0);
  CHECK(std::isnan(m1.sd));
  CHECK_THROWS_AS(st::moments(std::vector<double>{}), std::invalid_argument);
}

TEST_CASE("max drawdown on hand cases", "[statistics]") {
  CHECK(st::max_drawdown(std::vector<double>{1, 2, 1, 3}) == 0.5);
  CHECK(st::max_drawdown(std::vector<double>{1, 2, 3, 4}) == 0.0);
  CHECK(st::max_drawdown(std::vector<double>{5, 5, 5}) == 0.0);
  CHECK(st::max_drawdown(std::vector<double>{}) == 0.0);
  CHECK(st::max_drawdown(std::vector<double>{10, 8, 12, 6, 11}) == 0.5);  // 12 -> 6
  CHECK(st::max_drawdown(std::vector<double>{4, 3, 2, 1}) == 0.75);
  // Nonpositive running peaks are skipped; a fall below zero exceeds 1.
  CHECK(st::max_drawdown(std::vector<double>{-1, -2, 1, 0.5}) == 0.5);
  CHECK(st::max_drawdown(std::vector<double>{2, -1}) == 1.5);
  CHECK(st::max_drawdown(std::vector<double>{0, -1, 0}) == 0.0);  // no division by a zero peak
}
