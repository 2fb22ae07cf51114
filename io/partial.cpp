#include "io/partial.h"

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.h"
#include "io/hdf5_file.h"

namespace pfsim {


void write_partial(const std::string& path, const RunConfig& cfg, const PathSample& sample) {
  h5::write_file_atomically(path, [&](hid_t root) {
    h5::attr(root, "format", std::string("pfsim-partial"));
    h5::attr(root, "format_version", static_cast<std::int64_t>(1));
    h5::attr(root, "config_file", std::filesystem::absolute(cfg.source).lexically_normal().string());
  std::string overrides;
  for (const auto& o : cfg.overrides) overrides += o + "\n";
  h5::attr(root, "overrides", overrides);
    h5::attr(root, "config", cfg.resolved);
    h5::attr(root, "seed", static_cast<std::int64_t>(cfg.run.seed));
    h5::attr(root, "total_paths", static_cast<std::int64_t>(cfg.run.paths));
    h5::attr(root, "first_path", static_cast<std::int64_t>(sample.first_path()));
    h5::attr(root, "paths", static_cast<std::int64_t>(sample.paths()));
    const auto n = static_cast<hsize_t>(sample.paths());
    const auto Y = static_cast<hsize_t>(sample.years());
    std::vector<float> year(sample.year_metrics() * Y * n);
    for (std::size_t m = 0; m < sample.year_metrics(); ++m)
      for (int t = 0; t < sample.years(); ++t) {
        const auto col = sample.year_column(m, t);
        std::copy(col.begin(), col.end(), year.begin() + static_cast<std::ptrdiff_t>((m * Y + static_cast<hsize_t>(t)) * n));
      }
    h5::write_float_matrix(root, "year_values", year, sample.year_metrics() * Y, n, 0);
    std::vector<double> scalars(sample.scalars() * n);
    for (std::size_t s = 0; s < sample.scalars(); ++s) {
      const auto col = sample.scalar_column(s);
      std::copy(col.begin(), col.end(), scalars.begin() + static_cast<std::ptrdiff_t>(s * n));
    }
    h5::write(root, "scalars", scalars, {sample.scalars(), n});
    h5::attr(root, "year_metrics", static_cast<std::int64_t>(sample.year_metrics()));
    h5::attr(root, "years", static_cast<std::int64_t>(sample.years()));
  });
}

PartialInfo read_partial_info(const std::string& path) {
  h5::File file;
  try {
    file = h5::File::open_read(path);
  } catch (const std::exception& e) {
    throw InputError({path, 0, 0}, "", e.what());
  }
  const hid_t root = file.id();
  if (!h5::has_attr(root, "format") || h5::read_string_attr(root, "format") != "pfsim-partial")
    throw InputError({path, 0, 0}, "", "not a pfsim partial results file (made by `pfsim run --shard k/N`)");
  PartialInfo p;
  p.config_file = h5::read_string_attr(root, "config_file");
  if (h5::has_attr(root, "overrides")) {
    std::istringstream in(h5::read_string_attr(root, "overrides"));
    for (std::string line; std::getline(in, line);)
      if (!line.empty()) p.overrides.push_back(line);
  }
  p.resolved = h5::read_string_attr(root, "config");
  p.seed = static_cast<std::uint64_t>(h5::read_int_attr(root, "seed"));
  p.total_paths = static_cast<std::uint64_t>(h5::read_int_attr(root, "total_paths"));
  p.first_path = static_cast<std::uint64_t>(h5::read_int_attr(root, "first_path"));
  p.paths = static_cast<std::uint64_t>(h5::read_int_attr(root, "paths"));
  return p;
}

PathSample read_partial_sample(const std::string& path) {
  auto file = h5::File::open_read(path);
  const hid_t root = file.id();
  const auto info = read_partial_info(path);
  const auto metrics = static_cast<std::size_t>(h5::read_int_attr(root, "year_metrics"));
  const auto years = static_cast<int>(h5::read_int_attr(root, "years"));
  std::vector<hsize_t> sdims;
  const auto scalars = h5::read_doubles(root, "scalars", &sdims);
  PathSample s(metrics, years, static_cast<std::size_t>(sdims.at(0)), info.first_path, info.paths);
  const auto year = h5::read_floats(root, "year_values");
  const auto n = static_cast<std::size_t>(info.paths);
  for (std::size_t m = 0; m < metrics; ++m)
    for (int t = 0; t < years; ++t) {
      auto col = s.year_column(m, t);
      const auto off = (m * static_cast<std::size_t>(years) + static_cast<std::size_t>(t)) * n;
      std::copy(year.begin() + static_cast<std::ptrdiff_t>(off), year.begin() + static_cast<std::ptrdiff_t>(off + n), col.begin());
    }
  for (std::size_t k = 0; k < s.scalars(); ++k) {
    auto col = s.scalar_column(k);
    std::copy(scalars.begin() + static_cast<std::ptrdiff_t>(k * n), scalars.begin() + static_cast<std::ptrdiff_t>((k + 1) * n), col.begin());
  }
  return s;
}

std::vector<PartialInfo> check_partials(std::vector<std::pair<std::string, PartialInfo>> parts,
                                        std::vector<std::string>* ordered_files) {
  if (parts.empty()) throw InputError({"", 0, 0}, "", "no partial files to merge");
  std::sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.second.first_path < b.second.first_path; });
  const auto& ref = parts.front().second;
  for (const auto& [file, p] : parts) {
    if (p.resolved != ref.resolved)
      throw InputError({file, 0, 0}, "", fmt::format("made from a different config than {}", parts.front().first));
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

void insert_sample(PathSample& whole, const PathSample& part) {
  const auto off = static_cast<std::size_t>(part.first_path() - whole.first_path());
  for (std::size_t m = 0; m < part.year_metrics(); ++m)
    for (int t = 0; t < part.years(); ++t) {
      const auto src = part.year_column(m, t);
      auto dst = whole.year_column(m, t);
      std::copy(src.begin(), src.end(), dst.begin() + static_cast<std::ptrdiff_t>(off));
    }
  for (std::size_t k = 0; k < part.scalars(); ++k) {
    const auto src = part.scalar_column(k);
    auto dst = whole.scalar_column(k);
    std::copy(src.begin(), src.end(), dst.begin() + static_cast<std::ptrdiff_t>(off));
  }
}

}  // namespace pfsim
