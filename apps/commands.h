#pragma once
// The pfsim subcommands; each returns the process exit status.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pfsim::app {

enum ExitCode : int { kOk = 0, kFailure = 1, kBadInput = 2, kInterrupted = 130 };

struct RunOptions {
  std::string config;
  std::vector<std::string> overrides;
  std::optional<std::uint64_t> paths;
  std::optional<std::uint64_t> seed;
  std::optional<std::uint64_t> block_size;
  int threads = 0;
  std::string output;
  bool quiet = false;
  bool no_summary = false;
  std::string shard;       // "k/N": write a partial file of shard k (1-based) of N
  std::string checkpoint;  // directory for checkpoint chunks
  std::string memory_limit;  // --memory-limit (overrides run.memory_limit)
  std::string spill_dir;     // --spill-dir (overrides run.spill_dir)
};

struct MergeOptions {
  std::vector<std::string> parts;
  std::string output;
  int threads = 0;
  bool quiet = false;
  std::string memory_limit;
  std::string spill_dir;
};

int run(const RunOptions& o);
int seek(const RunOptions& o);
int validate(const std::string& config, const std::vector<std::string>& overrides);
int summary(const std::string& file, const std::vector<int>& years);
int merge(const MergeOptions& o);
int fit_mortality(const std::string& config, const std::string& output);
int calibrate(const std::string& csv, const std::string& output, const std::string& year_column);

}  // namespace pfsim::app
