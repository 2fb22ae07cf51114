#pragma once
// Distributions over paths of every reported value: mean, sd, Monte Carlo
// standard error, exact type-7 quantiles with distribution-free confidence
// intervals. Each (metric, year) column is summarised on its own from the
// whole sample, so results do not depend on how paths were scheduled, and
// columns are summarised in parallel.
#include <atomic>
#include <cstdint>
#include <span>
#include <vector>

#include "core/block_tree.h"
#include "core/path_sample.h"

namespace pfsim {

struct Distribution {
  std::size_t columns = 0;                // years, or 1 for a per-path scalar
  std::vector<double> probabilities;
  std::vector<double> mean, sd, se;       // [column], over the finite values
  std::vector<std::uint64_t> finite;      // [column]: how many values were finite
  std::vector<double> quantile, lower, upper;  // [p * columns + column]

  // The quantile of probability p (one of `probabilities`) in `column`;
  // throws std::out_of_range for a probability not computed.
  double quantile_at(double p, std::size_t column = 0) const;
};

// A distribution of `columns` columns at `probabilities`, its values zero
// until written.
Distribution make_distribution(std::size_t columns, std::span<const double> probabilities);

// threads: 0 = all. Infinite values (a depletion year of "never") are ordered
// above every finite value and reported as +inf where a quantile falls on them.
// When *stop is set (a signal), the columns not yet started are skipped and
// Interrupted (core/error.h) is thrown.
std::vector<Distribution> summarize_year_metrics(const PathSample& sample, std::span<const double> probabilities,
                                                 double confidence, int threads, const std::atomic<bool>* stop = nullptr);
std::vector<Distribution> summarize_scalars(const PathSample& sample, std::span<const double> probabilities,
                                            double confidence, int threads, const std::atomic<bool>* stop = nullptr);

// One column of values in path order (path ids first_path onwards), NaN,
// +inf and all: the route of a column with a value that is not finite.
void summarize_column(std::span<const double> values, std::span<const double> probabilities, double confidence,
                      Distribution& out, std::size_t column, std::uint64_t first_path = 0);

// What the statistics of a column are made of, however they were found:
// the moments of its finite values (core/block_tree.h), the number of
// defined (not NaN) values, their order statistics at `ranks`
// (stats::quantile_ranks(defined, ...), increasing; +inf included), whether
// any is +inf and the largest finite magnitude.
struct ColumnParts {
  tree::CountedMoments finite;
  std::uint64_t defined = 0;
  std::span<const std::size_t> ranks;
  std::span<const double> at_ranks;
  bool has_inf = false;
  double top = 0;
};
void write_column(const ColumnParts& parts, std::span<const double> probabilities, double confidence,
                  Distribution& out, std::size_t column);

}  // namespace pfsim
