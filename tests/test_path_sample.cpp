// The per-path sample on disk (core/path_sample.h, core/spill_file.h): parts
// given in any order read back as the sample in path order; statistics of a
// spilled sample are those of the same sample in memory, bit for bit; the
// spill file never has a name in its directory; memory sizes parse as
// docs/config.md says.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/distribution.h"
#include "core/path_sample.h"
#include "core/spill_file.h"
#include "io/config.h"

namespace fs = std::filesystem;
using namespace pfsim;

namespace {

// Five scalars, the last two stored as float (as the pyramid cells are).
constexpr std::size_t kMetrics = 3, kScalars = 5, kFloatScalars = 2, kDoubles = kScalars - kFloatScalars;
constexpr int kYears = 7;
const SampleShape kShape{kMetrics, kYears, kScalars, kFloatScalars};  // 23 floats + 3 doubles: 116 bytes a path

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(PFSIM_TEST_TMP) / "test_sample_store" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// A part of paths [first, first + n): values that depend on (path, column)
// only, with infinities among the double scalars (a depletion year of
// "never").
PathSample make_part(std::uint64_t first, std::uint64_t n) {
  PathSample p(kShape, first, n);
  for (std::size_t m = 0; m < kMetrics; ++m)
    for (int t = 0; t < kYears; ++t) {
      auto col = p.year_column(m, t);
      for (std::uint64_t k = 0; k < n; ++k) {
        std::mt19937_64 g((first + k) * 1000 + m * 10 + static_cast<std::uint64_t>(t));
        col[k] = static_cast<float>(std::normal_distribution<double>(static_cast<double>(m), 1.0 + t)(g));
      }
    }
  for (std::size_t j = 0; j < kFloatScalars; ++j) {
    auto col = p.float_scalar_column(j);
    for (std::uint64_t k = 0; k < n; ++k) {
      std::mt19937_64 g((first + k) * 104729 + j);
      col[k] = static_cast<float>(std::lognormal_distribution<double>(10.0 + static_cast<double>(j), 1.0)(g));
    }
  }
  for (std::size_t s = 0; s < kDoubles; ++s) {
    auto col = p.scalar_column(s);
    for (std::uint64_t k = 0; k < n; ++k) {
      std::mt19937_64 g((first + k) * 7919 + s);
      const double u = std::uniform_real_distribution<double>(0, 1)(g);
      col[k] = s == 0 && u < 0.3 ? std::numeric_limits<double>::infinity() : 2000 + 100 * u;
    }
  }
  return p;
}

bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

void require_same(const std::vector<Distribution>& a, const std::vector<Distribution>& b) {
  REQUIRE(a.size() == b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    INFO("distribution " << i);
    CHECK(same_bits(a[i].mean, b[i].mean));
    CHECK(same_bits(a[i].sd, b[i].sd));
    CHECK(same_bits(a[i].se, b[i].se));
    CHECK(a[i].finite == b[i].finite);
    CHECK(same_bits(a[i].quantile, b[i].quantile));
    CHECK(same_bits(a[i].lower, b[i].lower));
    CHECK(same_bits(a[i].upper, b[i].upper));
  }
}

}  // namespace

TEST_CASE("a sample assembled on disk from parts in any order reads back as the sample in memory", "[spill]") {
  const auto dir = scratch("parts");
  const std::uint64_t first = 1000, n = 1000;
  const auto whole = make_part(first, n);
  // 1000 paths x 116 bytes = 116 kB: 20 kB forces the disk.
  SampleStorage storage{20'000, dir.string()};
  SampleBuilder b(kShape, first, n, storage);
  REQUIRE(b.on_disk());
  CHECK(b.part_paths() == 64);
  // The spill file is open but has no name in its directory.
  CHECK(fs::is_empty(dir));
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> ranges{{1500, 500}, {1000, 64}, {1064, 1}, {1065, 435}};
  for (const auto& [lo, len] : ranges) b.add(make_part(lo, len));
  const auto disk = b.finish();
  REQUIRE(disk.on_disk());
  CHECK(disk.spill_dir() == dir.string());
  CHECK(disk.paths() == n);
  CHECK(disk.first_path() == first);
  CHECK_THROWS_AS(disk.year_column(0, 0), std::logic_error);
  CHECK_THROWS_AS(disk.scalar_column(0), std::logic_error);
  CHECK_THROWS_AS(disk.float_scalar_column(0), std::logic_error);
  CHECK_THROWS_AS(whole.scalar_column(kDoubles), std::logic_error);  // a float scalar is not a double column

  // The float columns: year columns, then the float scalars.
  std::vector<float> fs_;
  const auto years = disk.year_columns(0, kMetrics * kYears + kFloatScalars, fs_);
  REQUIRE(years.size() == whole.year_buffer().size());
  CHECK(std::memcmp(years.data(), whole.year_buffer().data(), years.size() * sizeof(float)) == 0);
  CHECK_THROWS_AS(disk.year_columns(0, kMetrics * kYears + kFloatScalars + 1, fs_), std::logic_error);
  std::vector<double> ds;
  const auto scalars = disk.scalar_columns(1, 2, ds);
  CHECK(std::memcmp(scalars.data(), whole.scalar_buffer().data() + n, 2 * n * sizeof(double)) == 0);
  CHECK_THROWS_AS(disk.scalar_columns(1, kDoubles, ds), std::logic_error);

  // Groups cover every column once, in order, each with the sample's values.
  std::size_t next = 0, groups = 0;
  disk.for_each_year_group([&](std::size_t c0, std::size_t count, std::span<const float> v) {
    CHECK(c0 == next);
    CHECK(v.size() == count * n);
    CHECK(std::memcmp(v.data(), whole.year_buffer().data() + c0 * n, v.size() * sizeof(float)) == 0);
    next += count;
    ++groups;
  });
  CHECK(next == kMetrics * kYears);
  CHECK(groups > 1);  // 5 kB groups of 4 kB columns: one column each
  // The float and the double scalars: groups from 0, each with the values
  // of the sample's columns from c0 on.
  const auto covered = [&](auto for_each, auto column) {
    std::size_t done = 0;
    for_each([&](std::size_t c0, std::size_t count, auto v) {
      CHECK(c0 == done);
      CHECK(std::memcmp(v.data(), column(c0).data(), count * n * sizeof(v[0])) == 0);
      done += count;
    });
    return done;
  };
  CHECK(covered([&](const auto& fn) { disk.for_each_float_scalar_group(fn); },
                [&](std::size_t c) { return whole.float_scalar_column(c); }) == kFloatScalars);
  CHECK(covered([&](const auto& fn) { disk.for_each_scalar_group(fn); },
                [&](std::size_t c) { return whole.scalar_column(c); }) == kDoubles);

  // Parts read back in path order, as written.
  std::uint64_t at = first;
  disk.for_each_part([&](const PathSample& p) {
    CHECK(p.first_path() == at);
    at += p.paths();
  });
  CHECK(at == first + n);

  // Copied into memory, the same sample.
  PathSample copy(kShape, first, n);
  insert_sample(copy, disk);
  CHECK(copy.year_buffer() == whole.year_buffer());
  CHECK(std::memcmp(copy.scalar_buffer().data(), whole.scalar_buffer().data(), whole.scalar_buffer().size() * sizeof(double)) == 0);
}

TEST_CASE("statistics of a spilled sample are those of the sample in memory, bit for bit", "[spill]") {
  const auto dir = scratch("statistics");
  const std::uint64_t n = 2000;
  const auto whole = make_part(0, n);
  const std::vector<double> probs{0.01, 0.05, 0.5, 0.95, 0.99};
  for (std::uint64_t limit : {std::uint64_t{1}, std::uint64_t{30'000}, std::uint64_t{150'000}}) {
    INFO("memory limit " << limit);
    SampleBuilder b(kShape, 0, n, {limit, dir.string()});
    REQUIRE(b.on_disk());
    for (std::uint64_t lo = 0; lo < n; lo += 300) b.add(make_part(lo, std::min<std::uint64_t>(300, n - lo)));
    const auto disk = b.finish();
    for (int threads : {1, 2}) {
      require_same(summarize_year_metrics(whole, probs, 0.95, threads), summarize_year_metrics(disk, probs, 0.95, threads));
      require_same(summarize_scalars(whole, probs, 0.95, threads), summarize_scalars(disk, probs, 0.95, threads));
    }
  }
  CHECK(fs::is_empty(dir));
}

TEST_CASE("a sample that fits its limit stays in memory", "[spill]") {
  const auto dir = scratch("fits");
  SampleBuilder b(kShape, 0, 100, {100 * 116, dir.string()});
  CHECK_FALSE(b.on_disk());
  CHECK(b.part_paths() == 100);
  b.add(make_part(50, 50));
  b.add(make_part(0, 50));
  const auto s = b.finish();
  CHECK_FALSE(s.on_disk());
  CHECK(s.year_buffer() == make_part(0, 100).year_buffer());
}

TEST_CASE("a sample with a missing or duplicated part is refused, in memory or spilled", "[spill]") {
  const auto dir = scratch("tiling");
  // A sample's memory is not zeroed: a part never added must not pass as data.
  for (const std::uint64_t limit : {std::uint64_t{1}, SampleStorage::kUnlimited}) {
    INFO("memory limit " << limit);
    {
      SampleBuilder b(kShape, 0, 200, {limit, dir.string()});
      CHECK(b.on_disk() == (limit == 1));
      b.add(make_part(0, 100));
      CHECK_THROWS_WITH(b.finish(), Catch::Contains("paths from 100 are missing"));
    }
    {
      SampleBuilder b(kShape, 0, 200, {limit, dir.string()});
      b.add(make_part(100, 100));
      CHECK_THROWS_WITH(b.finish(), Catch::Contains("paths from 0 are missing"));
    }
    {
      SampleBuilder b(kShape, 0, 200, {limit, dir.string()});
      b.add(make_part(0, 120));
      b.add(make_part(100, 100));
      CHECK_THROWS_WITH(b.finish(), Catch::Contains("duplicated"));
    }
    {
      SampleBuilder b(kShape, 0, 200, {limit, dir.string()});
      CHECK_THROWS_AS(b.add(make_part(150, 100)), std::logic_error);  // beyond the sample
    }
  }
  CHECK(fs::is_empty(dir));
}

TEST_CASE("a spill file cannot be made in a missing directory", "[spill]") {
  const auto dir = scratch("missing");
  CHECK_THROWS_WITH(SpillFile((dir / "nope").string()), Catch::Contains("cannot create a spill file in '" + (dir / "nope").string() + "'"));
}

TEST_CASE("memory sizes: auto, unlimited, decimal and binary units", "[spill][config]") {
  std::uint64_t b = 123;
  std::string error;
  CHECK(parse_memory_size("auto", b, error));
  CHECK(b == 0);
  CHECK(parse_memory_size("unlimited", b, error));
  CHECK(b == kMemoryUnlimited);
  CHECK(parse_memory_size("4GB", b, error));
  CHECK(b == 4'000'000'000ULL);
  CHECK(parse_memory_size("512 MiB", b, error));
  CHECK(b == 512ULL << 20);
  CHECK(parse_memory_size("1.5 GiB", b, error));
  CHECK(b == 3ULL << 29);
  CHECK(parse_memory_size("10kB", b, error));
  CHECK(b == 10'000);
  CHECK(parse_memory_size("100 B", b, error));
  CHECK(b == 100);
  for (const std::string bad : {"", "4", "4 gb", "GB", "-1GB", "0MB", "four GB", "1e30 TB", "nan GB", "auto "}) {
    INFO("'" << bad << "'");
    error.clear();
    CHECK_FALSE(parse_memory_size(bad, b, error));
    CHECK_THAT(error, Catch::Contains("allowed: \"auto\", \"unlimited\" or a size with a unit"));
  }
}

TEST_CASE("the machine's memory is known", "[spill]") {
  const auto m = available_memory();
  CHECK(m >= (std::uint64_t{64} << 20));
}

TEST_CASE("a sample read where its parts lie in other files equals the sample in memory", "[spill]") {
  // Two parts in one file, each block at its own offset with gaps between
  // (as in an HDF5 partial file), read through PathSample::on_files.
  const auto dir = scratch("on_files");
  const std::uint64_t n = 700, split = 300;
  const auto whole = make_part(0, n);
  const auto path = (dir / "parts.bin").string();
  std::vector<PathSample::FilePart> parts;
  {
    std::ofstream out(path, std::ios::binary);
    std::uint64_t at = 0;
    const auto put = [&](const void* data, std::size_t bytes) {
      out.write("gap", 3);  // blocks need not follow each other
      at += 3;
      out.write(static_cast<const char*>(data), static_cast<std::streamsize>(bytes));
      const auto where = at;
      at += bytes;
      return where;
    };
    for (const auto& [lo, len] : {std::pair<std::uint64_t, std::uint64_t>{0, split}, {split, n - split}}) {
      const auto p = make_part(lo, len);
      const float* f = p.year_buffer().data();
      const std::size_t years = kMetrics * kYears * len;
      PathSample::FilePart fp{lo, len, 0, 0, 0, nullptr};
      fp.year_at = put(f, years * sizeof(float));
      fp.float_at = put(f + years, kFloatScalars * len * sizeof(float));
      fp.scalar_at = put(p.scalar_buffer().data(), p.scalar_buffer().size() * sizeof(double));
      parts.push_back(fp);
    }
  }
  // Each part its own file object: none holds a descriptor between reads
  // (a merge of thousands of parts stays within the process's limit).
  const auto open_descriptors = [] {
    return std::distance(fs::directory_iterator("/proc/self/fd"), fs::directory_iterator{});
  };
  const auto before = open_descriptors();
  for (auto& p : parts) p.file = std::make_shared<const SpillFile>(SpillFile::Existing{}, path);
  const auto disk = PathSample::on_files(kShape, 0, n, parts, 4096);
  REQUIRE(disk.on_disk());
  CHECK(open_descriptors() == before);
  CHECK_THROWS_WITH(SpillFile(SpillFile::Existing{}, (dir / "nope.bin").string()),
                    Catch::Contains("cannot open '" + (dir / "nope.bin").string() + "' to read"));
  std::vector<float> fs_;
  // A group that crosses from the year columns into the float scalars.
  const std::size_t c0 = kMetrics * kYears - 2;
  const auto cols = disk.year_columns(c0, 2 + kFloatScalars, fs_);
  CHECK(std::memcmp(cols.data(), whole.year_buffer().data() + c0 * n, cols.size() * sizeof(float)) == 0);
  std::vector<double> ds;
  const auto sc = disk.scalar_columns(0, kDoubles, ds);
  CHECK(std::memcmp(sc.data(), whole.scalar_buffer().data(), sc.size() * sizeof(double)) == 0);
  const std::vector<double> probs{0.05, 0.5, 0.95};
  require_same(summarize_scalars(whole, probs, 0.95, 2), summarize_scalars(disk, probs, 0.95, 2));
  require_same(summarize_year_metrics(whole, probs, 0.95, 2), summarize_year_metrics(disk, probs, 0.95, 2));
  PathSample copy(kShape, 0, n);
  insert_sample(copy, disk);
  CHECK(copy.year_buffer() == whole.year_buffer());
  CHECK(open_descriptors() == before);
  // Parts must tile the sample in order.
  std::swap(parts[0], parts[1]);
  CHECK_THROWS_AS(PathSample::on_files(kShape, 0, n, parts, 4096), std::logic_error);
  parts.pop_back();
  CHECK_THROWS_AS(PathSample::on_files(kShape, split, n, parts, 4096), std::logic_error);
}
