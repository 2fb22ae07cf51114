#pragma once
// Every path's reported values for a contiguous range of path ids: the
// sufficient statistic for exact quantiles, and the unit that shards and MPI
// ranks exchange. Year metrics are stored as float (7 significant digits,
// 4 bytes per metric-year-path); per-path scalars as double, except the
// float scalars (the population pyramids' cells), which are stored as float
// after the year columns: the float buffer's columns are the year columns
// (c = metric * years + t) followed by the float scalars.
//
// A sample is held in memory, or, when it exceeds its memory limit, on disk
// in a spill file (core/spill_file.h) as a sequence of parts, each part a
// contiguous range of paths laid out like an in-memory sample of that range
// (or, for a merge, in the shards' partial files where they are: on_files).
// Readers that take columns through year_columns / scalar_columns or the
// for_each_*_group functions work on both; the span accessors year_column,
// scalar_column and the buffers exist only in memory (std::logic_error
// otherwise).
#include <algorithm>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/big_buffer.h"
#include "core/metrics.h"

namespace pfsim {

class SpillFile;

// Where a sample goes: in memory while it needs at most memory_limit bytes,
// otherwise to a spill file in spill_dir.
struct SampleStorage {
  static constexpr std::uint64_t kUnlimited = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t memory_limit = kUnlimited;
  std::string spill_dir;
  bool fits(std::uint64_t bytes) const { return memory_limit == kUnlimited || bytes <= memory_limit; }
  // Beyond the limit: the bytes of one group of columns read back (a
  // quarter of the limit, at most 256 MiB: two groups, or one and its
  // order keys, stay within it), and the paths of one part written or
  // checked (an eighth of the limit, 64 to 8,192 paths).
  std::size_t read_bytes() const {
    return static_cast<std::size_t>(std::clamp<std::uint64_t>(memory_limit / 4, 1, std::uint64_t{256} << 20));
  }
  std::uint64_t part_paths(std::uint64_t bytes_per_path) const {
    return std::clamp<std::uint64_t>(memory_limit / (8 * std::max<std::uint64_t>(bytes_per_path, 1)), 64, 8192);
  }
};

// What each path of a model reports: year metrics for every year and
// per-path scalars. The model gives it (PensionModel::shape()); samples,
// partial files, checkpoint chunks and MPI transfers of the model have it.
struct SampleShape {
  std::size_t year_metrics = 0;
  int years = 0;
  std::size_t scalars = 0;
  // The last float_scalars of the scalars are stored as float.
  std::size_t float_scalars = 0;
  std::size_t year_columns() const { return year_metrics * static_cast<std::size_t>(years); }
  std::size_t float_columns() const { return year_columns() + float_scalars; }
  std::size_t double_scalars() const { return scalars - float_scalars; }
  // Bytes held per path: the figure docs/results-format.md quotes.
  std::size_t bytes_per_path() const { return float_columns() * sizeof(float) + double_scalars() * sizeof(double); }
  friend bool operator==(const SampleShape&, const SampleShape&) = default;
};

class PathSample {
 public:
  PathSample() = default;
  PathSample(const SampleShape& shape, std::uint64_t first_path, std::uint64_t paths);

  // Copies one path's record into its column (path is the global id).
  void store(std::uint64_t path, const PathRecord& rec);
  // Copies the records of `count` consecutive paths from `first` (recs[k] is
  // path first + k) straight into their columns, column by column: each
  // column receives `count` contiguous values.
  // Returns false when a year value is not finite as float32 (NaN, or
  // beyond +-3.4e38), checked in the same pass as the conversion.
  bool store_records(std::uint64_t first, std::size_t count, const PathRecord* recs);
  // In memory: the same shape for `paths` paths from `first_path`, keeping
  // the buffers' memory (values left as they were, to be overwritten).
  void reshape(std::uint64_t first_path, std::uint64_t paths);

  // In memory only (std::logic_error for a sample on disk).
  std::span<const float> year_column(std::size_t metric, int t) const {
    require_memory();
    return {year_.data() + offset(metric, t), static_cast<std::size_t>(paths_)};
  }
  std::span<float> year_column(std::size_t metric, int t) {
    require_memory();
    return {year_.data() + offset(metric, t), static_cast<std::size_t>(paths_)};
  }
  // A double scalar (s < double_scalars(); std::logic_error otherwise).
  std::span<const double> scalar_column(std::size_t s) const {
    require_double(s, 1);
    return {scalar_.data() + s * static_cast<std::size_t>(paths_), static_cast<std::size_t>(paths_)};
  }
  std::span<double> scalar_column(std::size_t s) {
    require_double(s, 1);
    return {scalar_.data() + s * static_cast<std::size_t>(paths_), static_cast<std::size_t>(paths_)};
  }
  // The j-th float scalar (scalar double_scalars() + j).
  std::span<const float> float_scalar_column(std::size_t j) const {
    require_memory();
    return {year_.data() + (year_width() + j) * static_cast<std::size_t>(paths_), static_cast<std::size_t>(paths_)};
  }
  std::span<float> float_scalar_column(std::size_t j) {
    require_memory();
    return {year_.data() + (year_width() + j) * static_cast<std::size_t>(paths_), static_cast<std::size_t>(paths_)};
  }

  // The raw buffers ([float column][path] and [double scalar][path]), for
  // MPI transfers and partial files; in memory only.
  BigBuffer<float>& year_buffer() { require_memory(); return year_; }
  BigBuffer<double>& scalar_buffer() { require_memory(); return scalar_; }
  const BigBuffer<float>& year_buffer() const { require_memory(); return year_; }
  const BigBuffer<double>& scalar_buffer() const { require_memory(); return scalar_; }

  // Either way: float columns [c0, c0 + count) (year columns c = metric *
  // years + t, then the float scalars) of every path, as [count][paths]; or
  // double scalars [s0, s0 + count). In memory, a view of the sample; on
  // disk, read into `scratch` and a view of it.
  std::span<const float> year_columns(std::size_t c0, std::size_t count, std::vector<float>& scratch) const;
  std::span<const double> scalar_columns(std::size_t s0, std::size_t count, std::vector<double>& scratch) const;

  // Calls fn(c0, count, values [count][paths]) over consecutive groups of
  // columns covering them all, in order: the year columns; the double
  // scalars; the float scalars (c0 counted from the first float scalar). In
  // memory: one group, no copy. On disk: groups of at most read_bytes()
  // each, the next group read while fn runs on the current one.
  void for_each_year_group(const std::function<void(std::size_t, std::size_t, std::span<const float>)>& fn) const;
  void for_each_scalar_group(const std::function<void(std::size_t, std::size_t, std::span<const double>)>& fn) const;
  void for_each_float_scalar_group(const std::function<void(std::size_t, std::size_t, std::span<const float>)>& fn) const;

  // Calls fn(part) for consecutive contiguous parts covering the sample in
  // path order; in memory, the sample itself is the one part.
  void for_each_part(const std::function<void(const PathSample&)>& fn) const;

  bool on_disk() const { return disk_; }
  // The spill file's directory (empty in memory).
  std::string spill_dir() const;
  // Bytes of one group buffer when reading a sample on disk.
  std::size_t read_bytes() const { return read_bytes_; }

  // A sample on disk whose parts lie in existing files (shards' partial
  // files, read where they are instead of copied into a spill file): each
  // part's year columns, float scalars and double scalars at the offsets
  // given, as in a spill file. The parts must tile [first_path, first_path
  // + paths) in path order (std::logic_error otherwise).
  struct FilePart {
    std::uint64_t first = 0, paths = 0;
    // Where the part's year columns, float scalars and double scalars
    // start in its file, each block laid out [column][path] (a spill
    // file's parts are FileParts of the spill file).
    std::uint64_t year_at = 0, float_at = 0, scalar_at = 0;
    std::shared_ptr<const SpillFile> file;
  };
  static PathSample on_files(const SampleShape& shape, std::uint64_t first_path, std::uint64_t paths,
                             std::vector<FilePart> parts, std::size_t read_bytes);

  std::uint64_t first_path() const { return first_; }
  std::uint64_t paths() const { return paths_; }
  std::size_t year_metrics() const { return metrics_; }
  // Every scalar, double and float.
  std::size_t scalars() const { return scalars_; }
  std::size_t double_scalars() const { return scalars_ - float_scalars_; }
  std::size_t float_scalars() const { return float_scalars_; }
  int years() const { return years_; }
  SampleShape shape() const { return {metrics_, years_, scalars_, float_scalars_}; }

 private:
  friend class SampleBuilder;
  // A sample on disk of this shape and range, its parts to be added.
  static PathSample on_disk_without_parts(const SampleShape& shape, std::uint64_t first_path, std::uint64_t paths,
                                          std::size_t read_bytes);
  void require_memory() const;
  void require_double(std::size_t s0, std::size_t count) const;
  std::size_t year_width() const { return metrics_ * static_cast<std::size_t>(years_); }
  std::size_t float_width() const { return year_width() + float_scalars_; }
  void read_columns(bool scalars, std::size_t c0, std::size_t count, void* out) const;
  void for_each_float_group(std::size_t from, std::size_t to,
                            const std::function<void(std::size_t, std::size_t, std::span<const float>)>& fn) const;
  std::size_t offset(std::size_t metric, int t) const {
    return (metric * static_cast<std::size_t>(years_) + static_cast<std::size_t>(t)) * static_cast<std::size_t>(paths_);
  }
  std::size_t metrics_ = 0;
  int years_ = 0;
  std::size_t scalars_ = 0;
  std::size_t float_scalars_ = 0;
  std::uint64_t first_ = 0;
  std::uint64_t paths_ = 0;
  BigBuffer<float> year_;
  BigBuffer<double> scalar_;
  bool disk_ = false;                 // on disk: the parts, in path order
  std::shared_ptr<SpillFile> spill_;  // the spill file a SampleBuilder appends to (none for on_files)
  std::vector<FilePart> parts_;
  std::size_t read_bytes_ = 0;
};

// Assembles a sample from parts (contiguous ranges of its paths, given in any
// order, each once): in memory when the whole sample fits storage.memory_limit,
// otherwise appended to a spill file as they come. Not thread-safe.
class SampleBuilder {
 public:
  SampleBuilder(const SampleShape& shape, std::uint64_t first_path, std::uint64_t paths, const SampleStorage& storage);
  bool on_disk() const { return spilled_.on_disk(); }
  // Suggested paths per part: all of them in memory; on disk, parts whose
  // buffers stay small against the memory limit.
  std::uint64_t part_paths() const { return part_paths_; }
  void add(const PathSample& part);
  // The sample; throws std::logic_error unless the parts tile it (a sample's
  // memory is not zeroed, so a missing part would leave values undefined).
  PathSample finish();

 private:
  // The sample being built: whole_ in memory, or spilled_ on disk.
  const PathSample& target() const { return spilled_.on_disk() ? spilled_ : whole_; }
  PathSample whole_;     // in memory
  PathSample spilled_;   // on disk: the shape, the file and the parts
  std::uint64_t part_paths_ = 0;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> added_;  // (first path, paths) of each part
};

// Copies `part` into `whole` (in memory) at its path ids.
void insert_sample(PathSample& whole, const PathSample& part);

}  // namespace pfsim
