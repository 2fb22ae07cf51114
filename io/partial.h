#pragma once
// Partial results: the per-path sample of a contiguous range of path ids with
// the provenance an exact merge needs. Shards (`pfsim run --shard k/N`) and
// checkpoint chunks are partial files; merging them in path order gives the
// same bits as one run.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/path_sample.h"
#include "io/config.h"

namespace pfsim {

struct PartialInfo {
  std::string config_file;      // the config file, absolute
  std::vector<std::string> overrides;  // --set overrides (and --paths, --seed), in order
  std::string resolved;         // the resolved config text
  std::uint64_t seed = 0;
  std::uint64_t total_paths = 0;  // of the whole run
  std::uint64_t first_path = 0;
  std::uint64_t paths = 0;
  std::string build;            // "pfsim <version> (<git sha>)" that wrote it; empty before it was recorded
};

// What write_partial records as PartialInfo::build for this binary.
std::string this_build();

// Writes the sample part by part (a sample on disk never needs to be in
// memory as a whole).
void write_partial(const std::string& path, const RunConfig& cfg, const PathSample& sample);
PartialInfo read_partial_info(const std::string& path);
PathSample read_partial_sample(const std::string& path);
// Paths [first, first + count) of a partial file (global ids within its range).
PathSample read_partial_range(const std::string& path, std::uint64_t first, std::uint64_t count);

// Where a partial file's three matrices start in the file, when their bytes
// are the sample's own (contiguous, unfiltered, little-endian IEEE float32
// and float64 on a little-endian machine), so that a merge can read its
// columns where they are (PathSample::on_files); std::nullopt otherwise
// (such a file is copied into the merged sample instead). The file must
// have passed read_partial_info.
struct PartialLayout {
  std::uint64_t year_at = 0, float_at = 0, scalar_at = 0;
};
std::optional<PartialLayout> partial_layout(const std::string& path);

// Checks that the parts come from one config and seed and tile [0, total)
// exactly; throws InputError naming the missing or duplicated range.
// Returns the parts sorted by first path.
std::vector<PartialInfo> check_partials(std::vector<std::pair<std::string, PartialInfo>> parts,
                                        std::vector<std::string>* ordered_files);

}  // namespace pfsim
