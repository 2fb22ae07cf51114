#pragma once
// The command-line options of a run, declared once for `pfsim run`,
// `pfsim seek` and `pfsim-mpi run` (CLI11).
#include <CLI/CLI.hpp>

#include "run/exit_status.h"
#include "run/run.h"

namespace pfsim::app {

enum class RunKind { run, seek, mpi_run };

inline void add_run_options(CLI::App& cmd, RunRequest& r, RunKind kind) {
  const bool seek = kind == RunKind::seek;
  cmd.add_option("config", r.config, seek ? "config file (TOML) with a [goal_seek] table" : "config file (TOML)")
      ->required()
      ->check(CLI::ExistingFile);
  cmd.add_option("--paths,-n", r.paths, seek ? "paths per evaluation (overrides run.paths)" : "number of paths (overrides run.paths)");
  cmd.add_option("--seed,-s", r.seed, "random seed (overrides run.seed)");
  cmd.add_option("--threads,-t", r.threads, kind == RunKind::mpi_run ? "worker threads per rank (0: all cores)" : "worker threads (0: all cores)")
      ->check(CLI::NonNegativeNumber);
  cmd.add_option("--output,-o", r.output, seek ? "file for the evaluations (HDF5)" : "results file (overrides output.file)");
  cmd.add_option("--set", r.overrides, "override a config key: key.path=value (repeatable)");
  cmd.add_flag("--quiet,-q", r.quiet, seek ? "no progress lines" : "no progress bar, no summary");
  cmd.add_option("--block-size", r.block_size, "paths per parallel task (never changes results)");
  if (seek) return;
  cmd.add_option("--memory-limit", r.memory_limit,
                 "memory for the per-path sample before it spills to disk: auto, unlimited or a size such as 8GB (overrides run.memory_limit)");
  cmd.add_option("--spill-dir", r.spill_dir, "directory for the spill file (overrides run.spill_dir; default $TMPDIR, else the output's directory)");
  if (kind == RunKind::mpi_run) return;
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
