// pfsim: stochastic Monte Carlo simulation of pension fund investment and solvency.
#include <CLI/CLI.hpp>

#include "apps/commands.h"
#include "pfsim/version.h"

int main(int argc, char** argv) {
  using namespace pfsim::app;
  CLI::App cli{"pfsim: Monte Carlo simulation of pension fund investment and solvency"};
  cli.set_version_flag("--version", std::string(pfsim::kVersion) + " (" + pfsim::kGitSha + ")");
  cli.require_subcommand(1);

  RunOptions ro;
  auto* run = cli.add_subcommand("run", "simulate a config and write its results (HDF5)");
  run->add_option("config", ro.config, "config file (TOML)")->required()->check(CLI::ExistingFile);
  run->add_option("--paths,-n", ro.paths, "number of paths (overrides run.paths)");
  run->add_option("--seed,-s", ro.seed, "random seed (overrides run.seed)");
  run->add_option("--threads,-t", ro.threads, "worker threads (0: all cores)")->check(CLI::NonNegativeNumber);
  run->add_option("--block-size", ro.block_size, "paths per parallel task (never changes results)");
  run->add_option("--output,-o", ro.output, "results file (overrides output.file)");
  run->add_option("--set", ro.overrides, "override a config key: key.path=value (repeatable)");
  run->add_flag("--quiet,-q", ro.quiet, "no progress bar, no summary");
  run->add_flag("--no-summary", ro.no_summary, "do not print the summary table");
  run->add_option("--shard", ro.shard, "k/N: simulate shard k of N (1-based) and write a partial file for `pfsim merge`");
  run->add_option("--checkpoint", ro.checkpoint, "directory where completed chunks are saved; the same command resumes");
  run->add_option("--memory-limit", ro.memory_limit,
                  "memory for the per-path sample before it spills to disk: auto, unlimited or a size such as 8GB (overrides run.memory_limit)");
  run->add_option("--spill-dir", ro.spill_dir, "directory for the spill file (overrides run.spill_dir; default $TMPDIR, else the output's directory)");

  MergeOptions mo;
  auto* mrg = cli.add_subcommand("merge", "merge partial files of `pfsim run --shard` into one results file");
  mrg->add_option("parts", mo.parts, "partial files (any order)")->required()->check(CLI::ExistingFile);
  mrg->add_option("--output,-o", mo.output, "results file")->required();
  mrg->add_option("--threads,-t", mo.threads, "worker threads for the statistics (0: all cores)");
  mrg->add_flag("--quiet,-q", mo.quiet, "no summary");
  mrg->add_option("--memory-limit", mo.memory_limit, "memory for the merged sample before it spills to disk (as for run)");
  mrg->add_option("--spill-dir", mo.spill_dir, "directory for the spill file (as for run)");

  RunOptions so;
  auto* sk = cli.add_subcommand("seek", "goal seek: the lever value at which the config's [goal_seek] target holds");
  sk->add_option("config", so.config, "config file (TOML) with a [goal_seek] table")->required()->check(CLI::ExistingFile);
  sk->add_option("--paths,-n", so.paths, "paths per evaluation (overrides run.paths)");
  sk->add_option("--seed,-s", so.seed, "random seed (overrides run.seed)");
  sk->add_option("--threads,-t", so.threads, "worker threads (0: all cores)")->check(CLI::NonNegativeNumber);
  sk->add_option("--output,-o", so.output, "file for the evaluations (HDF5)");
  sk->add_option("--set", so.overrides, "override a config key: key.path=value (repeatable)");
  sk->add_flag("--quiet,-q", so.quiet, "no progress lines");

  std::string vconfig;
  std::vector<std::string> voverrides;
  auto* val = cli.add_subcommand("validate", "check a config without simulating");
  val->add_option("config", vconfig, "config file (TOML)")->required()->check(CLI::ExistingFile);
  val->add_option("--set", voverrides, "override a config key: key.path=value (repeatable)");

  std::string sfile;
  std::vector<int> syears;
  auto* sum = cli.add_subcommand("summary", "print the summary table of a results file");
  sum->add_option("file", sfile, "results file (HDF5)")->required()->check(CLI::ExistingFile);
  sum->add_option("--years", syears, "years to show")->delimiter(',');

  std::string ccsv, cout_file, cyear = "year";
  auto* cal = cli.add_subcommand("calibrate", "estimate a VAR(1) from an annual CSV and write a config fragment");
  cal->add_option("data", ccsv, "CSV with a year column and one column per economy variable")->required()->check(CLI::ExistingFile);
  cal->add_option("--output,-o", cout_file, "TOML fragment to write (for `include = [...]`)");
  cal->add_option("--year-column", cyear, "name of the year column");

  std::string fconfig, fout;
  auto* fit = cli.add_subcommand("fit-mortality", "report the config's Lee-Carter fit and write it as a config fragment");
  fit->add_option("config", fconfig, "config file (TOML)")->required()->check(CLI::ExistingFile);
  fit->add_option("--output,-o", fout, "TOML fragment to write (for `include = [...]`)");

  CLI11_PARSE(cli, argc, argv);
  if (*run) return pfsim::app::run(ro);
  if (*val) return validate(vconfig, voverrides);
  if (*sk) return seek(so);
  if (*sum) return summary(sfile, syears);
  if (*cal) return calibrate(ccsv, cout_file, cyear);
  if (*mrg) return merge(mo);
  if (*fit) return fit_mortality(fconfig, fout);
  return kFailure;
}
