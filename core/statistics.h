#pragma once
// Summary statistics of Monte Carlo output: quantiles with distribution-free
// confidence intervals, binomial proportion intervals, lower-tail risk,
// moments and drawdown. Self-contained (standard library only).
//
// Functions taking std::span<double> reorder the data (partial selection with
// std::nth_element) instead of copying it, because result vectors can hold
// 10^6 paths. Invalid arguments (empty data where a value is needed, a
// probability outside its range, NaN in data to be ordered) throw
// std::invalid_argument: NaN breaks the strict weak ordering nth_element needs.
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace pfsim::stats {

struct Interval {
  double lower;
  double upper;
};

// Inverse standard normal CDF, p in (0, 1); p == 0 gives -inf and p == 1
// gives +inf. Acklam's rational approximation (relative error < 1.15e-9)
// refined by one Halley step on Phi(x) - p with std::erfc, which brings it to
// about machine precision. For p >= 0.5 it returns exactly -q(1 - p)
// (1 - p is exact there), so upper and lower tails agree bit for bit.
double normal_quantile(double p);

// Two-sided standard normal quantile z for a confidence level c in (0, 1):
// P(|Z| <= z) = c, e.g. 0.95 -> 1.959963984540054.
double two_sided_z(double confidence);

// Hyndman-Fan type 7 (numpy's default "linear") quantile, p in [0, 1]:
// h = (n - 1) p, value x_(floor h) + (h - floor h) (x_(floor h + 1) - x_(floor h))
// with 0-based order statistics. `data` is reordered, not necessarily sorted.
double quantile(std::span<double> data, double p);

// 1-based order-statistic ranks [l, u] of the distribution-free confidence
// interval for the p-quantile of n observations (normal approximation to the
// binomial count of observations below the quantile):
//   l = floor(n p - z sqrt(n p (1 - p))), u = ceil(n p + z sqrt(n p (1 - p))) + 1,
// both clamped to [1, n]. The +1 on u makes the interval slightly conservative.
struct RankInterval {
  std::size_t lower;
  std::size_t upper;
};
RankInterval quantile_ci_ranks(std::size_t n, double p, double confidence = 0.95);

struct QuantileEstimate {
  double value;
  double lower;
  double upper;
};
// Type-7 quantiles at each probability in `probs` (any order; results follow
// it), each with the interval [x_(l), x_(u)] of quantile_ci_ranks. Every
// needed rank is selected once, in increasing order, with std::nth_element on
// the shrinking tail of the data, so the cost is linear in n per distinct rank
// and there is never a full sort. Reorders `data`.
std::vector<QuantileEstimate> quantiles_with_ci(std::span<double> data,
                                                std::span<const double> probs,
                                                double confidence = 0.95);

// The 0-based ranks (increasing, distinct) whose order statistics the
// estimates of quantiles_with_ci read, for n values.
std::vector<std::size_t> quantile_ranks(std::size_t n, std::span<const double> probs, double confidence = 0.95);

// The same estimates from data already sorted in increasing order (no
// selection needed; the data is not modified). Only the entries at
// quantile_ranks(n, probs, confidence) are read.
std::vector<QuantileEstimate> quantiles_with_ci_sorted(std::span<const double> sorted,
                                                       std::span<const double> probs,
                                                       double confidence = 0.95);

// The same estimates from a look-up of the order statistics: at(r) is the
// 0-based r-th smallest of n values, called only for the ranks
// quantile_ranks(n, probs, confidence) gives.
std::vector<QuantileEstimate> quantiles_with_ci_at(std::size_t n, std::span<const double> probs, double confidence,
                                                   const std::function<double(std::size_t)>& at);

// The type-7 p-quantile of n values from a look-up of their order
// statistics (at(r): the 0-based r-th smallest).
double quantile_at(std::size_t n, double p, const std::function<double(std::size_t)>& at);
// The 0-based ranks quantile_at reads.
std::vector<std::size_t> type7_ranks(std::size_t n, double p);

// How many of n values make the lower alpha-tail of lower_tail_risk:
// ceil(alpha n), at least 1 (a product within rounding of an integer is that
// integer).
std::size_t tail_count(std::size_t n, double alpha);

// Wilson score interval for a binomial proportion (Wilson 1927; Brown, Cai &
// DasGupta 2001, eq. 4), z = two_sided_z(confidence):
//   (p^ + z^2/(2n) +- z sqrt(p^ (1 - p^)/n + z^2/(4 n^2))) / (1 + z^2/n).
// n == 0 gives [0, 1]; successes > n throws.
Interval wilson_interval(std::uint64_t successes, std::uint64_t n, double confidence = 0.95);

// Lower-tail risk of a quantity where low values are bad (a fund balance).
// value_at_risk: the alpha-quantile (type 7).
// expected_shortfall: mean of the k = ceil(alpha n) smallest values.
// expected_shortfall_se: asymptotic standard error of that mean,
//   sqrt((var_tail + (1 - alpha) (es - var)^2) / (n alpha)),
// var_tail the sample variance (k - 1 denominator; 0 when k == 1) of those k
// values (Yamai & Yoshiba 2002; the second term accounts for the randomness
// of the tail threshold). alpha in (0, 1]. Reorders `data`.
struct TailRisk {
  double value_at_risk;
  double expected_shortfall;
  double expected_shortfall_se;
};
TailRisk lower_tail_risk(std::span<double> data, double alpha);

// Mean, standard deviation (n - 1 denominator) and standard error of the mean
// sd / sqrt(n), computed in double. Sums run in a fixed order (eight
// interleaved accumulators, docs/model.md D5.6), so results are reproducible
// bit for bit; floats give the same bits as the same values widened to
// double. One observation gives sd = se = NaN (undefined, as numpy's ddof=1);
// empty data throws.
// Sums in eight interleaved accumulators (element i goes to accumulator
// i mod 8), combined pairwise at the end: a fixed order, so the same bits on
// every run, and eight independent chains the compiler keeps in one vector
// register instead of one chain of n dependent additions. Each f(x) returns
// K terms, summed into K sums in the same order.
constexpr std::size_t kWays = 8;
template <std::size_t K, class T, class F>
std::array<double, K> lane_sums(std::span<const T> data, F f) {
  std::array<std::array<double, kWays>, K> acc{};
  const auto add = [&](std::size_t j, T x) {
    const std::array<double, K> terms = f(static_cast<double>(x));
    for (std::size_t k = 0; k < K; ++k) acc[k][j] += terms[k];
  };
  const std::size_t n = data.size(), body = n - n % kWays;
  for (std::size_t i = 0; i < body; i += kWays)
    for (std::size_t j = 0; j < kWays; ++j) add(j, data[i + j]);
  for (std::size_t i = body; i < n; ++i) add(i - body, data[i]);
  std::array<double, K> sums;
  for (std::size_t k = 0; k < K; ++k) {
    const auto& a = acc[k];
    sums[k] = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
  }
  return sums;
}

struct Moments {
  double mean;
  double sd;
  double se;
};
Moments moments(std::span<const double> data);
Moments moments(std::span<const float> data);

// Maximum drawdown of a wealth series: max over t of 1 - W_t / max_{s<=t} W_s;
// 0 for a non-decreasing or empty series. Times whose running peak is not
// positive are skipped (the ratio has no meaning there). Can exceed 1 when
// wealth falls below zero after a positive peak.
double max_drawdown(std::span<const double> wealth);

}  // namespace pfsim::stats
