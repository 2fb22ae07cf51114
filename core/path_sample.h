#pragma once
// Every path's reported values for a contiguous range of path ids: the
// sufficient statistic for exact quantiles, and the unit that shards and MPI
// ranks exchange. Year metrics are stored as float (7 significant digits,
// 4 bytes per metric-year-path); per-path scalars as double.
#include <cstdint>
#include <span>
#include <vector>

#include "core/big_buffer.h"
#include "core/metrics.h"

namespace pfsim {

class PathSample {
 public:
  PathSample() = default;
  PathSample(std::size_t year_metrics, int years, std::size_t scalars, std::uint64_t first_path,
             std::uint64_t paths);

  // Copies one path's record into its column (path is the global id).
  void store(std::uint64_t path, const PathRecord& rec);
  // Copies `count` consecutive paths from `first` at once: rows[k] holds path
  // first + k as year metrics (metric * years + t, float) then scalars. Each
  // column receives `count` contiguous values, which keeps the writes in cache.
  void store_block(std::uint64_t first, std::size_t count, const std::vector<float>& year_rows,
                   const std::vector<double>& scalar_rows);

  std::span<const float> year_column(std::size_t metric, int t) const {
    return {&year_[offset(metric, t)], static_cast<std::size_t>(paths_)};
  }
  std::span<float> year_column(std::size_t metric, int t) {
    return {&year_[offset(metric, t)], static_cast<std::size_t>(paths_)};
  }
  std::span<const double> scalar_column(std::size_t s) const {
    return {&scalar_[s * static_cast<std::size_t>(paths_)], static_cast<std::size_t>(paths_)};
  }
  std::span<double> scalar_column(std::size_t s) {
    return {&scalar_[s * static_cast<std::size_t>(paths_)], static_cast<std::size_t>(paths_)};
  }

  // The raw buffers ([metric][year][path] and [scalar][path]), for MPI transfers.
  BigBuffer<float>& year_buffer() { return year_; }
  BigBuffer<double>& scalar_buffer() { return scalar_; }

  std::uint64_t first_path() const { return first_; }
  std::uint64_t paths() const { return paths_; }
  std::size_t year_metrics() const { return metrics_; }
  std::size_t scalars() const { return scalars_; }
  int years() const { return years_; }
  // Bytes held per path: the figure docs/results-format.md quotes.
  static std::size_t bytes_per_path(std::size_t year_metrics, int years, std::size_t scalars) {
    return year_metrics * static_cast<std::size_t>(years) * sizeof(float) + scalars * sizeof(double);
  }

 private:
  std::size_t offset(std::size_t metric, int t) const {
    return (metric * static_cast<std::size_t>(years_) + static_cast<std::size_t>(t)) * static_cast<std::size_t>(paths_);
  }
  std::size_t metrics_ = 0;
  int years_ = 0;
  std::size_t scalars_ = 0;
  std::uint64_t first_ = 0;
  std::uint64_t paths_ = 0;
  BigBuffer<float> year_;
  BigBuffer<double> scalar_;
};

}  // namespace pfsim
