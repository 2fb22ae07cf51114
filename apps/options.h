#pragma once
// The command-line options of a run, declared once for `pfsim run`,
// `pfsim seek` and `pfsim-mpi run` (CLI11).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <charconv>
#include <cstdint>
#include <limits>
#include <string>

#include "core/error.h"

#include "run/exit_status.h"
#include "run/run.h"

namespace pfsim::app {

enum class RunKind { run, seek, optimize, mpi_run };

// A whole number option in [lo, hi], parsed exactly (no wrap-around of
// negative values, no saturation of huge ones): a bad value is a parse
// error (status 2) that names the option and what is allowed.
inline std::int64_t integer_option(const std::string& option, const std::string& text, std::int64_t lo, std::int64_t hi,
                                   const std::string& allowed) {
  std::int64_t v = 0;
  const auto* end = text.data() + text.size();
  const auto r = std::from_chars(text.data(), end, v);
  if (text.empty() || r.ptr != end || r.ec == std::errc::invalid_argument)
    throw CLI::ValidationError(option + " " + excerpt(text, 40) + ": not a whole number; allowed: " + allowed);
  if (r.ec == std::errc::result_out_of_range || v < lo || v > hi)
    throw CLI::ValidationError(option + " " + excerpt(text, 40) + ": out of range; allowed: " + allowed);
  return v;
}

inline void add_run_options(CLI::App& cmd, RunRequest& r, RunKind kind) {
  const bool seek = kind == RunKind::seek || kind == RunKind::optimize;
  cmd.add_option("config", r.config,
                 kind == RunKind::seek ? "config file (TOML) with a [goal_seek] table"
                 : kind == RunKind::optimize ? "config file (TOML) with an [optimize] table" : "config file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd.add_option_function<std::string>("--paths,-n", [&r](const std::string& s) {
    r.paths = integer_option("--paths", s, 1, 1'000'000'000, "1 <= paths <= 1000000000");
  }, seek ? "paths per evaluation (overrides run.paths)" : "number of paths (overrides run.paths)");
  cmd.add_option_function<std::string>("--seed,-s", [&r](const std::string& s) {
    r.seed = integer_option("--seed", s, 0, std::numeric_limits<std::int64_t>::max(), "0 <= seed <= 9223372036854775807");
  }, "random seed (overrides run.seed)");
  cmd.add_option_function<std::string>("--threads,-t", [&r](const std::string& s) {
    r.threads = static_cast<int>(integer_option("--threads", s, 0, kMaxThreads, fmt::format("0 (all cores) <= threads <= {}", kMaxThreads)));
  }, kind == RunKind::mpi_run ? "worker threads per rank (0: all cores; at most 4096)" : "worker threads (0: all cores; at most 4096)");
  cmd.add_option("--output,-o", r.output,
                 kind == RunKind::seek       ? "file for the evaluations (HDF5)"
                 : kind == RunKind::optimize ? "scenario file of the optimum against the config, with the evaluations (HDF5)"
                                             : "results file (overrides output.file)")
      ->each([&r](const std::string&) { r.output_given = true; });
  cmd.add_option("--set", r.overrides, "override a config key: key.path=value (repeatable)");
  cmd.add_flag("--quiet,-q", r.quiet, seek ? "no progress lines" : "no progress bar, no summary");
  cmd.add_option_function<std::string>("--block-size", [&r](const std::string& s) {
    r.block_size = integer_option("--block-size", s, 1, 1'000'000, "1 <= block size <= 1000000");
  }, "paths per parallel task (never changes results)");
  cmd.add_option("--memory-limit", r.memory_limit,
                 "memory for the per-path sample before it spills to disk: auto, unlimited or a size such as 8GB (overrides run.memory_limit)");
  cmd.add_option("--spill-dir", r.spill_dir, "directory for the spill file (overrides run.spill_dir; default $TMPDIR, else the output's directory)");
  if (kind == RunKind::optimize) return;
  if (seek) {
    cmd.add_option("--write-solution", r.write_solution,
                   "also run the config at the solution (same paths and seed) and write its results file here");
    return;
  }
  if (kind == RunKind::mpi_run) {
    cmd.add_flag("--gather", r.gather,
                 "gather every rank's per-path sample on rank 0 and summarise it there, "
                 "instead of computing the statistics where the paths are");
    return;
  }
  cmd.add_flag("--no-summary", r.no_summary, "do not print the summary table");
  cmd.add_option("--shard", r.shard, "k/N: simulate shard k of N (1-based) and write a partial file for `pfsim merge`");
  cmd.add_option("--checkpoint", r.checkpoint, "directory where completed chunks are saved; the same command resumes");
}

// CLI11's parse errors are bad input (status 2); --help and --version exit 0.
inline int parse_error_status(CLI::App& cli, const CLI::ParseError& e, bool print = true) {
  if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) return print ? cli.exit(e) : 0;
  if (print) cli.exit(e);
  return kExitBadInput;
}

}  // namespace pfsim::app
