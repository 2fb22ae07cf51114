#include "core/path_sample.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstring>
#include <future>
#include <stdexcept>

#include <fmt/format.h>

#include "core/spill_file.h"

namespace pfsim {

PathSample::PathSample(const SampleShape& shape, std::uint64_t first_path, std::uint64_t paths)
    : metrics_(shape.year_metrics), years_(shape.years), scalars_(shape.scalars), float_scalars_(shape.float_scalars),
      first_(first_path), paths_(paths), year_(shape.float_columns() * static_cast<std::size_t>(paths)),
      scalar_(shape.double_scalars() * static_cast<std::size_t>(paths)) {
  if (shape.float_scalars > shape.scalars) throw std::logic_error("SampleShape: more float scalars than scalars");
}

void PathSample::require_memory() const {
  if (disk_) throw std::logic_error("this per-path sample is on disk (spilled); read it through year_columns or scalar_columns");
}

void PathSample::require_double(std::size_t s0, std::size_t count) const {
  require_memory();
  if (s0 + count > double_scalars())
    throw std::logic_error(fmt::format("scalars {}-{} of this sample: only the first {} are doubles", s0, s0 + count - 1,
                                       double_scalars()));
}

void PathSample::store(std::uint64_t path, const PathRecord& rec) {
  require_memory();
  const auto p = static_cast<std::size_t>(path - first_);
  const auto n = static_cast<std::size_t>(paths_);
  for (std::size_t m = 0; m < metrics_; ++m)
    for (int t = 0; t < years_; ++t) year_[offset(m, t) + p] = static_cast<float>(rec.at(m, t));
  const std::size_t doubles = double_scalars();
  for (std::size_t s = 0; s < doubles; ++s) scalar_[s * n + p] = rec.scalars[s];
  for (std::size_t j = 0; j < float_scalars_; ++j) year_[(year_width() + j) * n + p] = static_cast<float>(rec.scalars[doubles + j]);
}

void PathSample::reshape(std::uint64_t first_path, std::uint64_t paths) {
  require_memory();
  first_ = first_path;
  paths_ = paths;
  year_.resize(float_width() * static_cast<std::size_t>(paths));
  scalar_.resize(double_scalars() * static_cast<std::size_t>(paths));
}

bool PathSample::store_records(std::uint64_t first, std::size_t count, const PathRecord* recs) {
  require_memory();
  const auto p0 = static_cast<std::size_t>(first - first_);
  const auto n = static_cast<std::size_t>(paths_);
  const std::size_t width = year_width(), doubles = double_scalars();
  bool bad = false;
  for (std::size_t c = 0; c < width; ++c) {
    float* out = year_.data() + c * n + p0;
    for (std::size_t k = 0; k < count; ++k) {
      const auto f = static_cast<float>(recs[k].year_values[c]);
      out[k] = f;
      bad |= !(std::abs(f) <= std::numeric_limits<float>::max());
    }
  }
  for (std::size_t j = 0; j < float_scalars_; ++j) {
    float* out = year_.data() + (width + j) * n + p0;
    for (std::size_t k = 0; k < count; ++k) {
      const auto f = static_cast<float>(recs[k].scalars[doubles + j]);
      out[k] = f;
      bad |= !(std::abs(f) <= std::numeric_limits<float>::max());
    }
  }
  for (std::size_t s = 0; s < doubles; ++s) {
    double* out = scalar_.data() + s * n + p0;
    for (std::size_t k = 0; k < count; ++k) out[k] = recs[k].scalars[s];
  }
  return !bad;
}

std::string PathSample::spill_dir() const { return spill_ ? spill_->dir() : std::string(); }

// Columns [c0, c0 + count) of every part into out[(c - c0) * paths + p]. A
// part of L paths holds its year column c at year_at + c L 4, its float
// scalar j at float_at + j L 4 and its double scalar s at scalar_at + s L 8
// (in a spill file the three blocks follow each other): a group of
// consecutive columns is one contiguous read per part and block.
void PathSample::read_columns(bool scalars, std::size_t c0, std::size_t count, void* out) const {
  const std::size_t esz = scalars ? sizeof(double) : sizeof(float);
  const std::size_t yw = year_width();
  const auto n = static_cast<std::size_t>(paths_);
  std::vector<void*> dest(count);
  for (const auto& part : parts_) {
    const auto len = static_cast<std::size_t>(part.paths);
    const auto p0 = static_cast<std::size_t>(part.first - first_);
    // Column c0 + j of the part goes to out[j * n + p0 ...]: one scattered
    // read per block.
    for (std::size_t j = 0; j < count; ++j) dest[j] = static_cast<char*>(out) + (j * n + p0) * esz;
    if (scalars) {
      part.file->read_scattered(dest.data(), count, len * esz, part.scalar_at + c0 * len * esz);
      continue;
    }
    const std::size_t years = c0 < yw ? std::min(count, yw - c0) : 0;
    if (years) part.file->read_scattered(dest.data(), years, len * esz, part.year_at + c0 * len * esz);
    if (count > years)
      part.file->read_scattered(dest.data() + years, count - years, len * esz,
                                part.float_at + (c0 + years - yw) * len * esz);
  }
}

std::span<const float> PathSample::year_columns(std::size_t c0, std::size_t count, std::vector<float>& scratch) const {
  if (c0 + count > float_width())
    throw std::logic_error(fmt::format("float columns {}-{} of a sample of {}", c0, c0 + count - 1, float_width()));
  const auto n = static_cast<std::size_t>(paths_);
  if (!disk_) return {year_.data() + c0 * n, count * n};
  scratch.resize(count * n);
  read_columns(false, c0, count, scratch.data());
  return {scratch.data(), count * n};
}

std::span<const double> PathSample::scalar_columns(std::size_t s0, std::size_t count, std::vector<double>& scratch) const {
  if (s0 + count > double_scalars())
    throw std::logic_error(fmt::format("scalars {}-{} of a sample of {} double scalars", s0, s0 + count - 1, double_scalars()));
  const auto n = static_cast<std::size_t>(paths_);
  if (!disk_) return {scalar_.data() + s0 * n, count * n};
  scratch.resize(count * n);
  read_columns(true, s0, count, scratch.data());
  return {scratch.data(), count * n};
}

namespace {
// Groups of columns of a sample on disk: the next group is read by another
// thread while fn works on the current one (two buffers of read_bytes each).
template <class T>
void for_each_group_on_disk(std::size_t total, std::size_t paths, std::size_t read_bytes,
                            const std::function<void(std::size_t, std::size_t, BigBuffer<T>&)>& load,
                            const std::function<void(std::size_t, std::size_t, std::span<const T>)>& fn) {
  if (total == 0 || paths == 0) return;
  const std::size_t group = std::clamp<std::size_t>(read_bytes / (paths * sizeof(T)), 1, total);
  BigBuffer<T> buf[2];
  load(0, std::min(group, total), buf[0]);
  int slot = 0;
  std::future<void> next;
  for (std::size_t c0 = 0; c0 < total; c0 += group, slot ^= 1) {
    if (next.valid()) next.get();
    const std::size_t count = std::min(group, total - c0);
    const std::size_t c1 = c0 + count;
    if (c1 < total) {
      auto& other = buf[slot ^ 1];
      next = std::async(std::launch::async, [&load, &other, c1, group, total] { load(c1, std::min(group, total - c1), other); });
    }
    fn(c0, count, std::span<const T>(buf[slot].data(), count * paths));
  }
}
}  // namespace

// Float columns [from, to) in groups; fn receives c0 counted from `from`.
void PathSample::for_each_float_group(
    std::size_t from, std::size_t to, const std::function<void(std::size_t, std::size_t, std::span<const float>)>& fn) const {
  const auto n = static_cast<std::size_t>(paths_);
  if (!disk_) {
    if (to > from) fn(0, to - from, std::span<const float>(year_.data() + from * n, (to - from) * n));
    return;
  }
  for_each_group_on_disk<float>(to - from, n, read_bytes_, [this, n, from](std::size_t c0, std::size_t count, BigBuffer<float>& b) {
    b.resize(count * n);
    read_columns(false, from + c0, count, b.data());
  }, fn);
}

void PathSample::for_each_year_group(
    const std::function<void(std::size_t, std::size_t, std::span<const float>)>& fn) const {
  for_each_float_group(0, year_width(), fn);
}

void PathSample::for_each_float_scalar_group(
    const std::function<void(std::size_t, std::size_t, std::span<const float>)>& fn) const {
  for_each_float_group(year_width(), float_width(), fn);
}

void PathSample::for_each_scalar_group(
    const std::function<void(std::size_t, std::size_t, std::span<const double>)>& fn) const {
  if (!disk_) {
    if (double_scalars()) fn(0, double_scalars(), std::span<const double>(scalar_));
    return;
  }
  const auto n = static_cast<std::size_t>(paths_);
  for_each_group_on_disk<double>(double_scalars(), n, read_bytes_, [this, n](std::size_t c0, std::size_t count, BigBuffer<double>& b) {
    b.resize(count * n);
    read_columns(true, c0, count, b.data());
  }, fn);
}

void PathSample::for_each_part(const std::function<void(const PathSample&)>& fn) const {
  if (!disk_) {
    fn(*this);
    return;
  }
  for (const auto& part : parts_) {
    PathSample p(shape(), part.first, part.paths);
    const std::size_t years = year_width() * static_cast<std::size_t>(part.paths);
    part.file->read(p.year_.data(), years * sizeof(float), part.year_at);
    part.file->read(p.year_.data() + years, (p.year_.size() - years) * sizeof(float), part.float_at);
    part.file->read(p.scalar_.data(), p.scalar_.size() * sizeof(double), part.scalar_at);
    fn(p);
  }
}

SampleBuilder::SampleBuilder(const SampleShape& shape, std::uint64_t first_path, std::uint64_t paths,
                             const SampleStorage& storage) {
  const std::uint64_t per_path = shape.bytes_per_path();
  if (storage.fits(paths * per_path)) {
    whole_ = PathSample(shape, first_path, paths);
    part_paths_ = paths;
    return;
  }
  // Within the limit: two parts while simulating (one written while the next
  // is simulated), two column groups while reading.
  spilled_ = PathSample::on_disk_without_parts(shape, first_path, paths, storage.read_bytes());
  spilled_.spill_ = std::make_shared<SpillFile>(storage.spill_dir);
  part_paths_ = std::min<std::uint64_t>(paths, storage.part_paths(per_path));
}

void SampleBuilder::add(const PathSample& part) {
  const PathSample& t = target();
  if (part.shape() != t.shape() || part.first_path() < t.first_path() || part.first_path() + part.paths() > t.first_path() + t.paths())
    throw std::logic_error("SampleBuilder::add: the part does not belong to this sample");
  added_.emplace_back(part.first_path(), part.paths());
  if (!spilled_.on_disk()) {
    insert_sample(whole_, part);
    return;
  }
  auto& s = spilled_;
  part.for_each_part([&](const PathSample& p) {
    const auto& y = p.year_buffer();
    const auto& sc = p.scalar_buffer();
    const std::uint64_t at = s.spill_->append(y.data(), y.size() * sizeof(float));
    const std::uint64_t scalars_at = s.spill_->append(sc.data(), sc.size() * sizeof(double));
    const std::uint64_t floats_at = at + p.year_width() * static_cast<std::size_t>(p.paths()) * sizeof(float);
    s.parts_.push_back({p.first_path(), p.paths(), at, floats_at, scalars_at, s.spill_});
  });
}

PathSample SampleBuilder::finish() {
  std::sort(added_.begin(), added_.end());
  const std::uint64_t first = target().first_path(), end = first + target().paths();
  std::uint64_t next = first;
  for (const auto& [from, paths] : added_) {
    if (from != next)
      throw std::logic_error(fmt::format("per-path sample: paths from {} are {}", std::min(next, from),
                                         from < next ? "duplicated" : "missing"));
    next += paths;
  }
  if (next != end) throw std::logic_error(fmt::format("per-path sample: paths from {} are missing", next));
  if (!spilled_.on_disk()) return std::move(whole_);
  auto& parts = spilled_.parts_;
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return std::move(spilled_);
}

PathSample PathSample::on_disk_without_parts(const SampleShape& shape, std::uint64_t first_path, std::uint64_t paths,
                                             std::size_t read_bytes) {
  PathSample s;
  s.metrics_ = shape.year_metrics;
  s.years_ = shape.years;
  s.scalars_ = shape.scalars;
  s.float_scalars_ = shape.float_scalars;
  s.first_ = first_path;
  s.paths_ = paths;
  s.disk_ = true;
  s.read_bytes_ = std::max<std::size_t>(read_bytes, 1);
  return s;
}

PathSample PathSample::on_files(const SampleShape& shape, std::uint64_t first_path, std::uint64_t paths,
                                std::vector<FilePart> parts, std::size_t read_bytes) {
  PathSample s = on_disk_without_parts(shape, first_path, paths, read_bytes);
  std::uint64_t next = first_path;
  for (auto& p : parts) {
    if (p.first != next || p.paths == 0 || !p.file)
      throw std::logic_error(fmt::format("PathSample::on_files: the parts do not tile paths {}-{} in order", first_path,
                                         first_path + paths - 1));
    next += p.paths;
    s.parts_.push_back(std::move(p));
  }
  if (next != first_path + paths)
    throw std::logic_error(fmt::format("PathSample::on_files: paths from {} are missing", next));
  return s;
}

void insert_sample(PathSample& whole, const PathSample& part) {
  if (part.shape() != whole.shape()) throw std::logic_error("insert_sample: the part's shape is not the sample's");
  part.for_each_part([&](const PathSample& p) {
    const auto off = static_cast<std::size_t>(p.first_path() - whole.first_path());
    const auto len = static_cast<std::size_t>(p.paths()), n = static_cast<std::size_t>(whole.paths());
    // Float columns (year columns and float scalars), then double scalars.
    const auto copy = [&](const auto& src, auto& dst, std::size_t columns) {
      for (std::size_t c = 0; c < columns; ++c)
        std::copy(src.data() + c * len, src.data() + (c + 1) * len, dst.data() + c * n + off);
    };
    copy(p.year_buffer(), whole.year_buffer(), p.shape().float_columns());
    copy(p.scalar_buffer(), whole.scalar_buffer(), p.double_scalars());
  });
}

}  // namespace pfsim
