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
#include <cstddef>
#include <cstdint>
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
