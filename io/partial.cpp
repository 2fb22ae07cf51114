#include "io/partial.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.h"
#include "io/hdf5_file.h"
#include "io/results_format.h"
#include "pfsim/version.h"

namespace pfsim {

std::string this_build() { return fmt::format("pfsim {} ({})", kVersion, kGitSha); }

void write_partial(const std::string& path, const RunConfig& cfg, const PathSample& sample) {
  h5::write_file_atomically(path, [&](hid_t root) {
    h5::attr(root, format::kFormatAttr, std::string(format::kPartial));
    h5::attr(root, format::kFormatVersionAttr, static_cast<std::int64_t>(format::kPartialVersion));
    // Paths are reproducible within one build; parts of different builds
    // are not merged (check_partials) or resumed (checkpoints).
    h5::attr(root, "build", this_build());
    h5::attr(root, "config_file", std::filesystem::absolute(cfg.source).lexically_normal().string());
  h5::lines_attr(root, "overrides", cfg.overrides);
    h5::attr(root, "config", cfg.resolved);
    h5::attr(root, "seed", static_cast<std::int64_t>(cfg.run.seed));
    h5::attr(root, "total_paths", static_cast<std::int64_t>(cfg.run.paths));
    h5::attr(root, "first_path", static_cast<std::int64_t>(sample.first_path()));
    h5::attr(root, "paths", static_cast<std::int64_t>(sample.paths()));
    // year_values [metric * years + t, path], scalars [double scalar, path]
    // and float_scalars [float scalar, path], written a part (a range of
    // paths, all columns) at a time.
    const auto n = static_cast<hsize_t>(sample.paths());
    const auto width = static_cast<hsize_t>(sample.year_metrics()) * static_cast<hsize_t>(sample.years());
    const auto floats = static_cast<hsize_t>(sample.float_scalars());
    auto year = h5::create_matrix(root, format::kPartialYearValues, false, width, n);
    auto scalars = h5::create_matrix(root, format::kPartialScalars, true, sample.double_scalars(), n);
    auto float_scalars = h5::create_matrix(root, format::kPartialFloatScalars, false, floats, n);
    sample.for_each_part([&](const PathSample& part) {
      const auto c0 = static_cast<hsize_t>(part.first_path() - sample.first_path());
      const float* values = part.year_buffer().data();  // year columns, then the float scalars
      h5::write_columns(year, false, width, c0, part.paths(), values);
      h5::write_columns(float_scalars, false, floats, c0, part.paths(), values + width * part.paths());
      h5::write_columns(scalars, true, part.double_scalars(), c0, part.paths(), part.scalar_buffer().data());
    });
    h5::attr(root, "year_metrics", static_cast<std::int64_t>(sample.year_metrics()));
    h5::attr(root, "years", static_cast<std::int64_t>(sample.years()));
  });
}

namespace {
// Runs a reader of a partial file; an HDF5 failure (a missing, mistyped or
// damaged dataset or attribute) is bad input naming the file.
template <class F>
auto reading(const std::string& path, F&& read) {
  try {
    return read();
  } catch (const IoError& e) {
    throw InputError({path, 0, 0}, "", fmt::format("not a readable pfsim partial file: {}", e.what()));
  }
}

PartialInfo read_info(const std::string& path) {
  auto file = h5::File::open_read(path);
  const hid_t root = file.id();
  if (!h5::has_attr(root, format::kFormatAttr) || h5::read_string_attr(root, format::kFormatAttr) != format::kPartial)
    throw InputError({path, 0, 0}, "", "not a pfsim partial results file (made by `pfsim run --shard k/N`)");
  const auto version = h5::has_attr(root, format::kFormatVersionAttr) ? h5::read_int_attr(root, format::kFormatVersionAttr) : -1;
  if (version != format::kPartialVersion)
    throw InputError({path, 0, 0}, "", fmt::format("partial format version {} is not supported (this pfsim reads {})", version,
                                                   format::kPartialVersion));
  PartialInfo p;
  p.config_file = h5::read_string_attr(root, "config_file");
  p.overrides = h5::read_lines_attr(root, "overrides");
  p.resolved = h5::read_string_attr(root, "config");
  if (h5::has_attr(root, "build")) p.build = h5::read_string_attr(root, "build");
  // Signed as stored, checked, then taken as counts.
  const auto seed = h5::read_int_attr(root, "seed"), total = h5::read_int_attr(root, "total_paths"),
             first = h5::read_int_attr(root, "first_path"), count = h5::read_int_attr(root, "paths");
  if (total < 1 || first < 0 || count < 1 || first > total || count > total - first)
    throw InputError({path, 0, 0}, "", fmt::format("first_path {}, paths {} of a run of total_paths {}: impossible (damaged file?)",
                                                   first, count, total));
  if (seed < 0) throw InputError({path, 0, 0}, "", "a negative seed: impossible (damaged file?)");
  p.seed = static_cast<std::uint64_t>(seed);
  p.total_paths = static_cast<std::uint64_t>(total);
  p.first_path = static_cast<std::uint64_t>(first);
  p.paths = static_cast<std::uint64_t>(count);
  return p;
}

// Every value of a partial file's sample is finite (scalars may be +inf,
// the "never" of depletion_year, or NaN, an undefined return; which scalar
// may be which is checked against the model, check_read_sample): pfsim
// stops a run at the first value that is not.
template <class Values>
void require_finite(const std::string& path, const Values& values, const char* dataset, bool scalars = false) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]) && !(scalars && ((values[i] > 0 && std::isinf(values[i])) || std::isnan(values[i]))))
      throw InputError({path, 0, 0}, "", fmt::format("'{}' holds a value that is not finite ({}): damaged file", dataset,
                                                     static_cast<double>(values[i])));
}
}  // namespace

PartialInfo read_partial_info(const std::string& path) {
  return reading(path, [&] { return read_info(path); });
}

PathSample read_partial_sample(const std::string& path) {
  const auto info = read_partial_info(path);
  return read_partial_range(path, info.first_path, info.paths);
}

PathSample read_partial_range(const std::string& path, std::uint64_t first, std::uint64_t count) {
  return reading(path, [&] {
  auto file = h5::File::open_read(path);
  const hid_t root = file.id();
  const auto info = read_partial_info(path);
  if (first < info.first_path || first + count > info.first_path + info.paths)
    throw InputError({path, 0, 0}, "", fmt::format("holds paths {}-{}, not {}-{}", info.first_path,
                                                   info.first_path + info.paths - 1, first, first + count - 1));
  const auto metrics_attr = h5::read_int_attr(root, "year_metrics"), years_attr = h5::read_int_attr(root, "years");
  if (metrics_attr < 1 || metrics_attr > 100000 || years_attr < 1 || years_attr > 1000)
    throw InputError({path, 0, 0}, "", fmt::format("{} metrics of {} years: impossible (damaged file?)", metrics_attr, years_attr));
  const auto metrics = static_cast<std::size_t>(metrics_attr);
  const auto years = static_cast<int>(years_attr);
  const auto sdims = h5::dims_of(root, format::kPartialScalars);
  const auto ydims = h5::dims_of(root, format::kPartialYearValues);
  const auto fdims = h5::dims_of(root, format::kPartialFloatScalars);
  if (sdims.size() != 2 || ydims.size() != 2 || fdims.size() != 2 || ydims[0] != metrics * static_cast<std::size_t>(years) ||
      ydims[1] != info.paths || sdims[1] != info.paths || fdims[1] != info.paths)
    throw InputError({path, 0, 0}, "", "its datasets do not match its attributes (damaged file?)");
  const auto floats = static_cast<std::size_t>(fdims[0]);
  PathSample s({metrics, years, static_cast<std::size_t>(sdims[0]) + floats, floats}, first, count);
  const hsize_t c0 = first - info.first_path;
  h5::read_columns(root, format::kPartialYearValues, false, c0, count, s.year_buffer().data());
  h5::read_columns(root, format::kPartialFloatScalars, false, c0, count,
                   s.year_buffer().data() + s.shape().year_columns() * count);
  h5::read_columns(root, format::kPartialScalars, true, c0, count, s.scalar_buffer().data());
  require_finite(path, s.year_buffer(), format::kPartialYearValues);
  require_finite(path, s.scalar_buffer(), format::kPartialScalars, true);
  return s;
  });
}

namespace {
// The raw offset of a contiguous, unfiltered dataset of type `type`
// (H5T_IEEE_F32LE or F64LE); 0 for one without values; nullopt otherwise.
std::optional<std::uint64_t> raw_offset(hid_t root, const char* name, hid_t type) {
  h5::Handle ds(H5Dopen2(root, name, H5P_DEFAULT), H5Dclose);
  if (!ds.valid()) return std::nullopt;
  h5::Handle t(H5Dget_type(ds), H5Tclose);
  h5::Handle plist(H5Dget_create_plist(ds), H5Pclose);
  if (!t.valid() || !plist.valid() || H5Tequal(t, type) <= 0 || H5Pget_layout(plist) != H5D_CONTIGUOUS ||
      H5Pget_nfilters(plist) != 0)
    return std::nullopt;
  const auto dims = h5::dims_of(root, name);
  if (dims.size() == 2 && (dims[0] == 0 || dims[1] == 0)) return 0;
  const haddr_t at = H5Dget_offset(ds);
  if (at == HADDR_UNDEF) return std::nullopt;
  return static_cast<std::uint64_t>(at);
}
}  // namespace

std::optional<PartialLayout> partial_layout(const std::string& path) {
  if constexpr (std::endian::native != std::endian::little) return std::nullopt;
  return reading(path, [&]() -> std::optional<PartialLayout> {
    auto file = h5::File::open_read(path);
    const auto y = raw_offset(file.id(), format::kPartialYearValues, H5T_IEEE_F32LE);
    const auto f = raw_offset(file.id(), format::kPartialFloatScalars, H5T_IEEE_F32LE);
    const auto s = raw_offset(file.id(), format::kPartialScalars, H5T_IEEE_F64LE);
    if (!y || !f || !s) return std::nullopt;
    return PartialLayout{*y, *f, *s};
  });
}

std::vector<PartialInfo> check_partials(std::vector<std::pair<std::string, PartialInfo>> parts,
                                        std::vector<std::string>* ordered_files) {
  if (parts.empty()) throw InputError({"", 0, 0}, "", "no partial files to merge");
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.second.first_path < b.second.first_path; });
  const auto& ref = parts.front().second;
  for (const auto& [file, p] : parts) {
    if (p.resolved != ref.resolved)
      throw InputError({file, 0, 0}, "", fmt::format("made from a different config than {}", parts.front().first));
    if (p.build != ref.build)
      throw InputError({file, 0, 0}, "",
                       fmt::format("made by {}, {} by {}: parts of different builds may not agree bit for bit; "
                                   "run every shard with one build",
                                   p.build.empty() ? "an unrecorded build" : p.build, parts.front().first,
                                   ref.build.empty() ? "an unrecorded build" : ref.build));
    if (p.seed != ref.seed)
      throw InputError({file, 0, 0}, "", fmt::format("seed {} differs from {} in {}", p.seed, ref.seed, parts.front().first));
    if (p.total_paths != ref.total_paths)
      throw InputError({file, 0, 0}, "", fmt::format("belongs to a run of {} paths, not {}", p.total_paths, ref.total_paths));
  }
  std::uint64_t next = 0;
  std::vector<PartialInfo> out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& [file, p] = parts[i];
    if (p.first_path < next)
      throw InputError({file, 0, 0}, "", fmt::format("paths {}-{} are duplicated (also in {})", p.first_path,
                                                     std::min(next, p.first_path + p.paths) - 1, parts[i - 1].first));
    if (p.first_path > next)
      throw InputError({file, 0, 0}, "", fmt::format("paths {}-{} are missing: a shard was not given", next, p.first_path - 1));
    next = p.first_path + p.paths;
    out.push_back(p);
    if (ordered_files) ordered_files->push_back(file);
  }
  if (next != ref.total_paths)
    throw InputError({parts.back().first, 0, 0}, "", fmt::format("paths {}-{} are missing: a shard was not given", next, ref.total_paths - 1));
  return out;
}

}  // namespace pfsim
