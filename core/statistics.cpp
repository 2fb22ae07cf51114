#include "core/statistics.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numbers>
#include <stdexcept>
#include <string>

namespace pfsim::stats {

namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("pfsim::stats: ") + what);
}

bool is_probability(double p) { return p >= 0.0 && p <= 1.0; }  // false for NaN

void require_no_nan(std::span<const double> data) {
  for (double x : data) require(!std::isnan(x), "data contains NaN");
}

// Linear interpolation written as numpy's _lerp (numpy/lib/function_base.py),
// so that type-7 results agree with numpy.quantile to the last bit: the form
// anchored at the nearer end point is exact at t = 1 and monotone in t.
double lerp_numpy(double a, double b, double t) {
  const double diff = b - a;
  return t < 0.5 ? a + diff * t : b - diff * (1.0 - t);
}

// Position of the type-7 p-quantile among 0-based order statistics:
// h = (n - 1) p (Hyndman & Fan 1996, definition 7).
struct Type7Position {
  std::size_t lo;   // floor(h)
  double frac;      // h - floor(h)
  bool needs_next;  // whether x_(lo + 1) enters the interpolation
};

Type7Position type7_position(std::size_t n, double p) {
  const double h = static_cast<double>(n - 1) * p;
  const double lo = std::floor(h);
  Type7Position pos{static_cast<std::size_t>(lo), h - lo, false};
  pos.needs_next = pos.frac > 0.0 && pos.lo + 1 < n;
  return pos;
}

double type7_value(std::span<const double> selected, const Type7Position& pos) {
  const double a = selected[pos.lo];
  return pos.needs_next ? lerp_numpy(a, selected[pos.lo + 1], pos.frac) : a;
}

// Places the order statistic of every 0-based rank in `ranks` (sorted,
// distinct, < data.size()) at its own index, and partitions the data around
// each: afterwards data[r] is the r-th smallest value and everything before
// index r is <= data[r] <= everything after it. Each nth_element works only
// on the part after the previous rank, which already holds the larger values.
void select_ranks(std::span<double> data, std::span<const std::size_t> ranks) {
  require_no_nan(data);
  std::size_t begin = 0;
  for (std::size_t r : ranks) {
    auto first = data.begin() + static_cast<std::ptrdiff_t>(begin);
    auto nth = data.begin() + static_cast<std::ptrdiff_t>(r);
    if (r == begin) {
      // The smallest remaining value: a single linear scan is enough, and the
      // case is common (type 7 needs x_(lo) and x_(lo + 1)).
      std::iter_swap(first, std::min_element(first, data.end()));
    } else {
      std::nth_element(first, nth, data.end());
    }
    begin = r + 1;
  }
}

void sort_unique(std::vector<std::size_t>& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

// ceil(x) for x = alpha n computed in floating point, treating a product
// within rounding error above an integer as that integer (0.07 * 100 is
// 7.000000000000001 in double, and should give 7, not 8).
std::size_t ceil_count(double x) {
  const double nearest = std::round(x);
  const double tolerance = 1e-9 * std::max(1.0, std::abs(x));
  const double c = std::abs(x - nearest) <= tolerance ? nearest : std::ceil(x);
  return static_cast<std::size_t>(c);
}

}  // namespace

double normal_quantile(double p) {
  require(is_probability(p), "normal_quantile: p must be in [0, 1]");
  if (p == 0.0) return -std::numeric_limits<double>::infinity();
  if (p == 1.0) return std::numeric_limits<double>::infinity();
  // Work in the lower half, where Phi(x) = erfc(-x / sqrt 2) / 2 has no
  // cancellation; for p >= 0.5, 1 - p is exact (Sterbenz), so the reflection
  // loses nothing and makes the result exactly antisymmetric.
  if (p > 0.5) return -normal_quantile(1.0 - p);

  // P. J. Acklam, "An algorithm for computing the inverse normal cumulative
  // distribution function" (2003): rational approximations in a central
  // region and in the lower tail p < 0.02425.
  static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                 -2.759285104469687e+02, 1.383577518672690e+02,
                                 -3.066479806614716e+01, 2.506628277459239e+00};
  static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                 -1.556989798598866e+02, 6.680131188771972e+01,
                                 -1.328068155288572e+01};
  static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                 -2.400758277161838e+00, -2.549732539343734e+00,
                                 4.374664141464968e+00,  2.938163982698783e+00};
  static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                 2.445134137142996e+00, 3.754408661907416e+00};
  constexpr double p_low = 0.02425;

  double x;
  if (p < p_low) {
    const double q = std::sqrt(-2.0 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1.0);
  } else {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1.0);
  }

  // One Halley step on f(x) = Phi(x) - p (Acklam's refinement): with
  // u = f(x) / phi(x), x <- x - u / (1 + x u / 2). Skipped in the extreme
  // tail where exp(x^2 / 2) overflows (|x| > ~37.6; Acklam alone is then
  // used).
  const double e = 0.5 * std::erfc(-x / std::numbers::sqrt2) - p;
  const double u = e * std::sqrt(2.0 * std::numbers::pi) * std::exp(0.5 * x * x);
  if (std::isfinite(u)) x -= u / (1.0 + 0.5 * x * u);
  return x;
}

double two_sided_z(double confidence) {
  require(confidence > 0.0 && confidence < 1.0, "confidence must be in (0, 1)");
  // z = -Phi^-1((1 - c) / 2): the lower tail is the accurate side, and
  // 1 - c is exact for c >= 0.5.
  return -normal_quantile(0.5 * (1.0 - confidence));
}

double quantile(std::span<double> data, double p) {
  require(!data.empty(), "quantile of empty data");
  require(is_probability(p), "quantile: p must be in [0, 1]");
  const Type7Position pos = type7_position(data.size(), p);
  std::vector<std::size_t> ranks{pos.lo};
  if (pos.needs_next) ranks.push_back(pos.lo + 1);
  select_ranks(data, ranks);
  return type7_value(data, pos);
}

RankInterval quantile_ci_ranks(std::size_t n, double p, double confidence) {
  require(n > 0, "quantile_ci_ranks: n must be positive");
  require(is_probability(p), "quantile_ci_ranks: p must be in [0, 1]");
  const double z = two_sided_z(confidence);
  const double nd = static_cast<double>(n);
  // The count of observations below the p-quantile is Binomial(n, p), mean
  // n p and sd sqrt(n p (1 - p)); [x_(l), x_(u)] covers the quantile when
  // l <= count < u (e.g. Conover, Practical Nonparametric Statistics, 3.2).
  const double half_width = z * std::sqrt(nd * p * (1.0 - p));
  const double l = std::clamp(std::floor(nd * p - half_width), 1.0, nd);
  const double u = std::clamp(std::ceil(nd * p + half_width) + 1.0, 1.0, nd);
  return {static_cast<std::size_t>(l), static_cast<std::size_t>(u)};
}

std::vector<std::size_t> quantile_ranks(std::size_t n, std::span<const double> probs, double confidence) {
  require(n > 0, "quantile_ranks: n must be positive");
  std::vector<std::size_t> ranks;  // 0-based, every rank any result reads
  ranks.reserve(4 * probs.size());
  for (double p : probs) {
    require(is_probability(p), "quantile_ranks: p must be in [0, 1]");
    const Type7Position pos = type7_position(n, p);
    const RankInterval ci = quantile_ci_ranks(n, p, confidence);
    ranks.push_back(pos.lo);
    if (pos.needs_next) ranks.push_back(pos.lo + 1);
    ranks.push_back(ci.lower - 1);
    ranks.push_back(ci.upper - 1);
  }
  sort_unique(ranks);
  return ranks;
}

std::vector<QuantileEstimate> quantiles_with_ci(std::span<double> data,
                                                std::span<const double> probs,
                                                double confidence) {
  require(!data.empty(), "quantiles_with_ci of empty data");
  for (double p : probs) require(is_probability(p), "quantiles_with_ci: p must be in [0, 1]");
  const std::size_t n = data.size();

  std::vector<Type7Position> positions;
  std::vector<RankInterval> intervals;  // 1-based
  positions.reserve(probs.size());
  intervals.reserve(probs.size());
  for (double p : probs) {
    positions.push_back(type7_position(n, p));
    intervals.push_back(quantile_ci_ranks(n, p, confidence));
  }
  select_ranks(data, quantile_ranks(n, probs, confidence));

  std::vector<QuantileEstimate> out;
  out.reserve(probs.size());
  for (std::size_t i = 0; i < probs.size(); ++i) {
    out.push_back({type7_value(data, positions[i]), data[intervals[i].lower - 1],
                   data[intervals[i].upper - 1]});
  }
  return out;
}

std::vector<QuantileEstimate> quantiles_with_ci_sorted(std::span<const double> sorted,
                                                       std::span<const double> probs,
                                                       double confidence) {
  require(!sorted.empty(), "quantiles_with_ci_sorted of empty data");
  return quantiles_with_ci_at(sorted.size(), probs, confidence, [&](std::size_t r) { return sorted[r]; });
}

std::vector<QuantileEstimate> quantiles_with_ci_at(std::size_t n, std::span<const double> probs, double confidence,
                                                   const std::function<double(std::size_t)>& at) {
  require(n > 0, "quantiles_with_ci_at of no values");
  std::vector<QuantileEstimate> out;
  out.reserve(probs.size());
  for (double p : probs) {
    require(is_probability(p), "quantiles_with_ci: p must be in [0, 1]");
    const RankInterval ci = quantile_ci_ranks(n, p, confidence);
    const Type7Position pos = type7_position(n, p);
    const double a = at(pos.lo);
    const double value = pos.needs_next ? lerp_numpy(a, at(pos.lo + 1), pos.frac) : a;
    out.push_back({value, at(ci.lower - 1), at(ci.upper - 1)});
  }
  return out;
}

double quantile_at(std::size_t n, double p, const std::function<double(std::size_t)>& at) {
  require(n > 0, "quantile_at of no values");
  require(is_probability(p), "quantile_at: p must be in [0, 1]");
  const Type7Position pos = type7_position(n, p);
  const double a = at(pos.lo);
  return pos.needs_next ? lerp_numpy(a, at(pos.lo + 1), pos.frac) : a;
}

std::vector<std::size_t> type7_ranks(std::size_t n, double p) {
  require(n > 0, "type7_ranks of no values");
  require(is_probability(p), "type7_ranks: p must be in [0, 1]");
  const Type7Position pos = type7_position(n, p);
  std::vector<std::size_t> r{pos.lo};
  if (pos.needs_next) r.push_back(pos.lo + 1);
  return r;
}

std::size_t tail_count(std::size_t n, double alpha) {
  require(alpha > 0.0 && alpha <= 1.0, "tail_count: alpha must be in (0, 1]");
  return std::clamp<std::size_t>(ceil_count(alpha * static_cast<double>(n)), 1, n);
}

Interval wilson_interval(std::uint64_t successes, std::uint64_t n, double confidence) {
  require(successes <= n, "wilson_interval: successes > n");
  const double z = two_sided_z(confidence);
  if (n == 0) return {0.0, 1.0};
  const double nd = static_cast<double>(n);
  const double phat = static_cast<double>(successes) / nd;
  const double z2 = z * z;
  const double denom = 1.0 + z2 / nd;
  const double centre = (phat + z2 / (2.0 * nd)) / denom;
  const double half = z / denom * std::sqrt(phat * (1.0 - phat) / nd + z2 / (4.0 * nd * nd));
  // The exact bounds lie in [0, 1] and are exactly 0 at 0 successes and 1 at
  // n successes (there half equals the centre's distance to that end), which
  // rounding would miss by an ulp.
  const double lower = successes == 0 ? 0.0 : std::max(0.0, centre - half);
  const double upper = successes == n ? 1.0 : std::min(1.0, centre + half);
  return {lower, upper};
}

TailRisk lower_tail_risk(std::span<double> data, double alpha) {
  require(!data.empty(), "lower_tail_risk of empty data");
  require(alpha > 0.0 && alpha <= 1.0, "lower_tail_risk: alpha must be in (0, 1]");
  const std::size_t n = data.size();
  const double nd = static_cast<double>(n);
  const std::size_t k = std::clamp<std::size_t>(ceil_count(alpha * nd), 1, n);

  // One selection serves both: the type-7 ranks for the VaR, and rank k - 1,
  // which leaves the k smallest values in data[0, k).
  const Type7Position pos = type7_position(n, alpha);
  std::vector<std::size_t> ranks{pos.lo, k - 1};
  if (pos.needs_next) ranks.push_back(pos.lo + 1);
  sort_unique(ranks);
  select_ranks(data, ranks);

  const double var = type7_value(data, pos);
  const Moments tail = moments(data.first(k));
  const double var_tail = k > 1 ? tail.sd * tail.sd : 0.0;
  const double es = tail.mean;
  const double gap = es - var;
  const double se = std::sqrt((var_tail + (1.0 - alpha) * gap * gap) / (nd * alpha));
  return {var, es, se};
}

namespace {
template <class T>
Moments moments_of(std::span<const T> data) {
  require(!data.empty(), "moments of empty data");
  const std::size_t n = data.size();
  const double nd = static_cast<double>(n);
  const double mean = lane_sums<1>(data, [](double x) { return std::array<double, 1>{x}; })[0] / nd;
  if (n == 1) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    return {mean, nan, nan};
  }
  // Corrected two-pass algorithm (Chan, Golub & LeVeque 1983, eq. 1.7):
  // sum (x - mean)^2 - (sum (x - mean))^2 / n; the second term removes most
  // of the rounding error in the computed mean. Both sums in one pass.
  const auto [ss, s] = lane_sums<2>(data, [mean](double x) {
    const double d = x - mean;
    return std::array<double, 2>{d * d, d};
  });
  const double variance = std::max(0.0, (ss - s * s / nd) / (nd - 1.0));
  const double sd = std::sqrt(variance);
  return {mean, sd, sd / std::sqrt(nd)};
}
}  // namespace

Moments moments(std::span<const double> data) { return moments_of(data); }
Moments moments(std::span<const float> data) { return moments_of(data); }

double max_drawdown(std::span<const double> wealth) {
  double peak = -std::numeric_limits<double>::infinity();
  double worst = 0.0;
  for (double w : wealth) {
    peak = std::max(peak, w);
    if (peak > 0.0) worst = std::max(worst, 1.0 - w / peak);
  }
  return worst;
}

}  // namespace pfsim::stats
