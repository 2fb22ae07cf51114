// pfsim: stochastic Monte Carlo simulation of pension fund investment and solvency.
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <iostream>

#include "apps/commands.h"
#include "apps/options.h"
#include "io/summary.h"
#include "pfsim/version.h"
#include "run/exit_status.h"
#include "run/run.h"

namespace {
std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop = true; }

// Work that can take long stops cleanly on SIGINT and SIGTERM.
void catch_stop_signals() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
}
}  // namespace

int main(int argc, char** argv) {
  using namespace pfsim;
  using namespace pfsim::app;
  CLI::App cli{"pfsim: Monte Carlo simulation of pension fund investment and solvency"};
  cli.set_version_flag("--version", std::string(kVersion) + " (" + kGitSha + ")");
  cli.require_subcommand(1);

  RunRequest ro;
  auto* run = cli.add_subcommand("run", "simulate a config and write its results (HDF5)");
  add_run_options(*run, ro, RunKind::run);

  MergeRequest mo;
  auto* mrg = cli.add_subcommand("merge", "merge partial files of `pfsim run --shard` into one results file");
  mrg->add_option("parts", mo.parts, "partial files (any order)")->required()->check(CLI::ExistingFile);
  mrg->add_option("--output,-o", mo.output, "results file")->required();
  mrg->add_option_function<std::string>("--threads,-t", [&mo](const std::string& s) {
    mo.threads = static_cast<int>(integer_option("--threads", s, 0, kMaxThreads, fmt::format("0 (all cores) <= threads <= {}", kMaxThreads)));
  }, "worker threads for the statistics (0: all cores; at most 4096)");
  mrg->add_flag("--quiet,-q", mo.quiet, "no summary");
  mrg->add_option("--memory-limit", mo.memory_limit, "memory for the merged sample before it spills to disk (as for run)");
  mrg->add_option("--spill-dir", mo.spill_dir, "directory for the spill file (as for run)");

  RunRequest sv;
  sv.sensitivity = true;
  auto* sens = cli.add_subcommand("sensitivity", "one-at-a-time sensitivity of the config's [sensitivity] assumptions and shock groups, on common random numbers");
  add_run_options(*sens, sv, RunKind::run);

  RunRequest so;
  auto* sk = cli.add_subcommand("seek", "goal seek: the lever value at which the config's [goal_seek] target holds");
  add_run_options(*sk, so, RunKind::seek);

  RunRequest oo;
  auto* opt = cli.add_subcommand("optimize", "the allocation (or other variables) of the config's [optimize] table that best meets its objective within its constraints, on common random numbers, checked out of sample");
  add_run_options(*opt, oo, RunKind::optimize);

  std::string vconfig;
  std::vector<std::string> voverrides;
  auto* val = cli.add_subcommand("validate", "check a config without simulating");
  val->add_option("config", vconfig, "config file (TOML)")->required()->check(CLI::ExistingFile);
  val->add_option("--set", voverrides, "override a config key: key.path=value (repeatable)");

  std::string sfile;
  SummaryRequest sreq;
  auto* sum = cli.add_subcommand("summary", "print what a results file says: depletion, balances, who pays, risk, scenarios");
  sum->add_option("file", sfile, "results file (HDF5)")->required()->check(CLI::ExistingFile);
  sum->add_option("--years", sreq.years, "years of the tables and depletion rows, within the run (default: chosen from the run)")->delimiter(',');
  sum->add_flag("--json", sreq.json, "print the summary as JSON (docs/summary.schema.json)");

  // report and export: the Python package's commands (docs/python.md).
  std::string rfile, rout, rpdf;
  std::vector<int> ryears;
  auto* rep = cli.add_subcommand("report", "write a self-contained HTML report (charts and tables) of a results, scenario or goal-seek file");
  rep->add_option("file", rfile, "results, scenario or goal-seek file (HDF5)")->required()->check(CLI::ExistingFile);
  rep->add_option("--output,-o", rout, "HTML file to write")->required();
  rep->add_option("--pdf", rpdf, "also write the charts to this PDF file");
  rep->add_option("--pyramid-years", ryears, "years of the population pyramids (default: those in the file)")->delimiter(',');

  std::string xfile, xcsv, xnc;
  auto* xpt = cli.add_subcommand("export", "export a results file to tidy CSV files and/or one netCDF file");
  xpt->add_option("file", xfile, "results, scenario or goal-seek file (HDF5)")->required()->check(CLI::ExistingFile);
  xpt->add_option("--csv", xcsv, "directory for the CSV files");
  xpt->add_option("--netcdf", xnc, "netCDF file to write");

  std::string ccsv, cout_file, cyear = "year";
  auto* cal = cli.add_subcommand("calibrate", "estimate a VAR(1) from an annual CSV and write a config fragment");
  cal->add_option("data", ccsv, "CSV with a year column and one column per economy variable")->required()->check(CLI::ExistingFile);
  cal->add_option("--output,-o", cout_file, "TOML fragment to write (for `include = [...]`)");
  cal->add_option("--year-column", cyear, "name of the year column");

  std::string fconfig, fout;
  auto* fit = cli.add_subcommand("fit-mortality", "report the config's Lee-Carter or Li-Lee fit and write it as a config fragment");
  fit->add_option("config", fconfig, "config file (TOML)")->required()->check(CLI::ExistingFile);
  fit->add_option("--output,-o", fout, "TOML fragment to write (for `include = [...]`)");

  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return parse_error_status(cli, e);
  }
  if (*run) {
    catch_stop_signals();
    return guarded([&] { return run_command(ro, &g_stop, std::cout, std::cerr); }, std::cerr, "pfsim",
                   ro.checkpoint.empty() ? std::string() : "; completed chunks are in " + ro.checkpoint);
  }
  if (*sens) {
    catch_stop_signals();
    return guarded([&] { return run_command(sv, &g_stop, std::cout, std::cerr); }, std::cerr);
  }
  if (*mrg) {
    catch_stop_signals();
    return guarded([&] { return merge_command(mo, &g_stop, std::cout, std::cerr); }, std::cerr);
  }
  if (*sk) {
    catch_stop_signals();
    return guarded([&] { return seek_command(so, &g_stop, std::cout); }, std::cerr);
  }
  if (*opt) {
    catch_stop_signals();
    return guarded([&] { return optimize_command(oo, &g_stop, std::cout); }, std::cerr);
  }
  if (*val) return guarded([&] { return validate_command(vconfig, voverrides, std::cout); }, std::cerr);
  if (*sum)
    return guarded([&] {
      print_summary(sfile, sreq, std::cout);
      return static_cast<int>(kExitOk);
    }, std::cerr);
  if (*rep) {
    std::vector<std::string> args{"report", rfile, "-o", rout};
    if (!rpdf.empty()) args.insert(args.end(), {"--pdf", rpdf});
    if (!ryears.empty()) {
      std::string years;
      for (int y : ryears) years += (years.empty() ? "" : ",") + std::to_string(y);
      args.insert(args.end(), {"--pyramid-years", years});
    }
    return python_command(args);
  }
  if (*xpt) {
    std::vector<std::string> args{"export", xfile};
    if (!xcsv.empty()) args.insert(args.end(), {"--csv", xcsv});
    if (!xnc.empty()) args.insert(args.end(), {"--netcdf", xnc});
    return python_command(args);
  }
  if (*cal) return calibrate(ccsv, cout_file, cyear);
  if (*fit) return fit_mortality(fconfig, fout);
  return kExitFailure;
}
