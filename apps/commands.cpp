#include "apps/commands.h"

#include <csignal>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "core/engine.h"
#include "core/error.h"
#include "core/goal_seek.h"
#include "core/spill_file.h"
#include "io/config.h"
#include "io/config_table.h"
#include "io/checkpoint.h"
#include "io/csv.h"
#include "io/partial.h"
#include "io/study.h"
#include "io/results_writer.h"
#include "io/sample_storage.h"
#include "io/summary.h"
#include "models/economy/calibrate.h"
#include "models/pension_model.h"
#include "models/simulation.h"

namespace pfsim::app {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop = true; }

// Runs a subcommand and turns what it throws into its message and exit
// status: bad input 2, interrupted 130, any other failure 1.
int guarded(const std::function<int()>& body, const std::string& stop_note = "") {
  try {
    return body();
  } catch (const InputError& e) {
    std::cerr << e.what() << "\n";
    return kBadInput;
  } catch (const Interrupted&) {
    std::cerr << "\npfsim: interrupted; no results file was written" << stop_note << "\n";
    return kInterrupted;
  } catch (const SimulationError& e) {
    std::cerr << "pfsim: simulation stopped: " << e.what() << "\n";
    return kFailure;
  } catch (const GoalSeekError& e) {
    std::cerr << "pfsim: goal seek: " << e.what() << "\n";
    return kFailure;
  } catch (const std::exception& e) {
    std::cerr << "pfsim: error: " << e.what() << "\n";
    return kFailure;
  }
}

}  // namespace

int validate(const std::string& config, const std::vector<std::string>& overrides) {
  return guarded([&]() -> int {
    const auto cfg = load_config(config, overrides);
    const PensionModel model(cfg.model);
    check_output_paths(cfg, model);
    if (cfg.goal_seek.enabled && cfg.goal_seek.metric != "depletion_probability") {
      bool known = false;
      for (const auto& m : model.year_metrics()) known = known || m.name == cfg.goal_seek.metric;
      if (!known)
        throw InputError({cfg.goal_seek.origin, 0, 0}, "goal_seek.target.metric",
                         fmt::format("'{}' is not depletion_probability or a year metric (docs/results-format.md)", cfg.goal_seek.metric));
    }
    std::cout << fmt::format("{}: valid ({} years {}-{}, {} paths, {} economy variables, seed {}{})\n", config,
                             cfg.model.years(), cfg.model.start_year, cfg.model.end_year, cfg.run.paths,
                             cfg.model.economy.variables.size(), cfg.run.seed,
                             cfg.run.seed_is_default ? " (default)" : "");
    return kOk;
  });
}

namespace {

// --memory-limit and --spill-dir over the config's run.memory_limit and
// run.spill_dir. False (message printed) for a bad size.
bool apply_memory_options(const std::string& limit, const std::string& spill_dir, RunSettings& run) {
  if (!limit.empty()) {
    std::string error;
    if (!parse_memory_size(limit, run.memory_limit, error)) {
      std::cerr << fmt::format("--memory-limit {}\n", error);
      return false;
    }
  }
  if (!spill_dir.empty()) {
    run.spill_dir = spill_dir;
    run.spill_dir_origin = {"--spill-dir", 0, 0};
  }
  return true;
}

// Parses "k/N" (1 <= k <= N) into the shard's path range.
bool parse_shard(const std::string& spec, std::uint64_t total, std::uint64_t& first, std::uint64_t& count,
                 std::string& error) {
  unsigned long long k = 0, n = 0;
  char extra = 0;
  if (std::sscanf(spec.c_str(), "%llu/%llu%c", &k, &n, &extra) != 2 || n == 0 || k == 0 || k > n) {
    error = fmt::format("--shard '{}': expected k/N with 1 <= k <= N", spec);
    return false;
  }
  if (n > total) {
    error = fmt::format("--shard '{}': more shards than paths ({})", spec, total);
    return false;
  }
  // Contiguous ranges: shard k holds [floor((k-1) total / N), floor(k total / N)).
  first = (k - 1) * total / n;
  count = k * total / n - first;
  return true;
}

int finish(const RunConfig& cfg, const PensionModel& model, const PathSample& sample, const std::string& output,
           int threads, bool quiet, bool no_summary, double sim_seconds) {
  const auto t1 = std::chrono::steady_clock::now();
  if (g_stop) throw Interrupted();
  const auto summary_data = summarize_run(model, sample, cfg, threads, &g_stop);
  if (g_stop) throw Interrupted();
  write_results(output, cfg, model, sample, summary_data, threads);
  const double post = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  if (!quiet) {
    if (sim_seconds > 0)
      std::cerr << fmt::format("pfsim: simulated in {:.2f} s ({:.0f} path-years/s), statistics and output {:.2f} s\n",
                               sim_seconds, static_cast<double>(sample.paths()) * cfg.model.years() / sim_seconds, post);
    std::cerr << fmt::format("pfsim: wrote {}\n", output);
  }
  if (!quiet && !no_summary) print_summary(output, cfg.run.summary_years, std::cout);
  return kOk;
}

}  // namespace

int run(const RunOptions& o) {
  return guarded([&]() -> int {
    RunConfig cfg;
    // --paths and --seed are overrides like any other, so the resolved config
    // recorded in results, partial and checkpoint files is the run's own.
    auto overrides = o.overrides;
    if (o.paths && (*o.paths < 1 || *o.paths > 1'000'000'000)) {
      std::cerr << fmt::format("--paths {}: out of range; allowed: 1 <= paths <= 1000000000\n", *o.paths);
      return kBadInput;
    }
    if (o.paths) overrides.push_back(fmt::format("run.paths={}", *o.paths));
    if (o.seed) {
      if (*o.seed > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        std::cerr << fmt::format("--seed {}: out of range; allowed: 0 <= seed <= {}\n", *o.seed, std::numeric_limits<std::int64_t>::max());
        return kBadInput;
      }
      overrides.push_back(fmt::format("run.seed={}", *o.seed));
    }
    cfg = load_config(o.config, overrides);
    if (o.block_size) cfg.run.block_size = std::max<std::uint64_t>(1, *o.block_size);
    if (!apply_memory_options(o.memory_limit, o.spill_dir, cfg.run)) return kBadInput;
    std::uint64_t first = 0, count = cfg.run.paths;
    if (!o.shard.empty()) {
      std::string error;
      if (!parse_shard(o.shard, cfg.run.paths, first, count, error)) {
        std::cerr << error << "\n";
        return kBadInput;
      }
    }
    std::string output = o.output.empty() ? cfg.run.output_file : o.output;
    if (output.empty()) output = "results/" + cfg.run.name + ".h5";

    const auto t_model = std::chrono::steady_clock::now();
    const PensionModel model(cfg.model);
    check_output_paths(cfg, model);
    // Simulation time excludes building the model (the Lee-Carter fit, the
    // calibration, the per-year tables), reported on its own line.
    const auto t0 = std::chrono::steady_clock::now();
    const double build_seconds = std::chrono::duration<double>(t0 - t_model).count();
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    EngineOptions eo;
    eo.threads = o.threads;
    eo.block_size = cfg.run.block_size;
    eo.progress = !o.quiet;
    eo.stop = &g_stop;
    if (!o.quiet)
      std::cerr << fmt::format("pfsim: {} paths{} x {} years, seed {}{}, {} thread(s)\n", count,
                               o.shard.empty() ? "" : fmt::format(" (shard {}: paths {}-{})", o.shard, first, first + count - 1),
                               cfg.model.years(), cfg.run.seed, cfg.run.seed_is_default ? " (default)" : "",
                               o.threads > 0 ? std::to_string(o.threads) : "all");
    if (!o.quiet) std::cerr << fmt::format("pfsim: model built in {:.2f} s\n", build_seconds);
    const std::uint64_t bytes = sample_bytes(model, count);
    if (!cfg.scenarios.empty()) {
      if (!o.shard.empty() || !o.checkpoint.empty())
        throw InputError({cfg.source, 0, 0}, "scenarios", "a run with [scenarios] cannot be sharded or checkpointed; run each scenario as its own config");
      // Scenarios hold two samples at once, the reference's and one
      // scenario's (their paired differences read both): each gets half of
      // the memory limit, beyond which it spills.
      auto storage = resolve_storage(cfg.run, output, 2 * bytes);
      if (storage.memory_limit != SampleStorage::kUnlimited) storage.memory_limit /= 2;
      if (!o.quiet) std::cerr << "pfsim: two samples at once; each " << describe_storage(storage, bytes) << "\n";
      run_scenarios(cfg, eo, output, o.quiet, storage);
      if (!o.quiet) std::cerr << fmt::format("pfsim: wrote {}\n", output);
      if (!o.quiet && !o.no_summary) print_summary(output, cfg.run.summary_years, std::cout);
      return kOk;
    }
    const auto storage = resolve_storage(cfg.run, output, bytes);
    if (!o.quiet) std::cerr << "pfsim: " << describe_storage(storage, bytes) << "\n";
    PathSample sample;
    if (!o.checkpoint.empty()) {
      std::uint64_t resumed = 0;
      sample = simulate_with_checkpoints(model, cfg, first, count, eo, o.checkpoint, &resumed, storage);
      if (!o.quiet && resumed) std::cerr << fmt::format("pfsim: resumed {} paths from {}\n", resumed, o.checkpoint);
    } else {
      sample = simulate_sample(model, cfg.run.seed, first, count, eo, storage);
    }
    const double sim = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (!o.shard.empty()) {
      write_partial(output, cfg, sample);
      if (!o.quiet) std::cerr << fmt::format("pfsim: simulated in {:.2f} s; wrote partial file {}\n", sim, output);
      return kOk;
    }
    return finish(cfg, model, sample, output, o.threads, o.quiet, o.no_summary, sim);
  }, o.checkpoint.empty() ? std::string() : "; completed chunks are in " + o.checkpoint);
}

int merge(const MergeOptions& o) {
  return guarded([&]() -> int {
    std::vector<std::pair<std::string, PartialInfo>> infos;
    for (const auto& p : o.parts) infos.emplace_back(p, read_partial_info(p));
    std::vector<std::string> files;
    const auto ordered = check_partials(infos, &files);
    const auto& ref = ordered.front();
    // The model is rebuilt from the config file and overrides the shards
    // record (absolute path), and must resolve to the same text.
    auto cfg = load_config(ref.config_file, ref.overrides);
    if (cfg.resolved != ref.resolved)
      throw InputError({ref.config_file, 0, 0}, "",
                       "the config (or a file it includes) changed since the shards were run; merge needs the config they were made from");
    cfg.run.paths = ref.total_paths;
    cfg.run.seed = ref.seed;
    cfg.run.seed_is_default = false;
    if (!apply_memory_options(o.memory_limit, o.spill_dir, cfg.run)) return kBadInput;
    const PensionModel model(cfg.model);
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    const std::uint64_t bytes = sample_bytes(model, ref.total_paths);
    const auto storage = resolve_storage(cfg.run, o.output, bytes);
    if (!o.quiet) std::cerr << "pfsim: " << describe_storage(storage, bytes) << "\n";
    SampleBuilder whole(model.year_metrics().size(), model.years(), model.scalar_metrics().size(), 0, ref.total_paths, storage);
    // Each part is read in pieces: at most one piece besides the sample.
    const std::uint64_t piece = std::min<std::uint64_t>(whole.part_paths(), 8192);
    for (std::size_t i = 0; i < files.size(); ++i) {
      const auto& f = files[i];
      const auto& info = ordered[i];
      for (std::uint64_t lo = info.first_path; lo < info.first_path + info.paths; lo += piece) {
        if (g_stop) throw Interrupted();
        const auto part = read_partial_range(f, lo, std::min(piece, info.first_path + info.paths - lo));
        if (part.year_metrics() != model.year_metrics().size() || part.scalars() != model.scalar_metrics().size() ||
            part.years() != model.years())
          throw InputError({f, 0, 0}, "", "its metrics do not match this pfsim's model (made by another version?)");
        whole.add(part);
      }
    }
    return finish(cfg, model, whole.finish(), o.output, o.threads, o.quiet, o.quiet, 0.0);
  });
}

int seek(const RunOptions& o) {
  return guarded([&]() -> int {
    RunConfig cfg;
    auto overrides = o.overrides;
    if (o.paths) overrides.push_back(fmt::format("run.paths={}", *o.paths));
    if (o.seed) overrides.push_back(fmt::format("run.seed={}", *o.seed));
    cfg = load_config(o.config, overrides);
    cfg.overrides = overrides;
    if (!cfg.goal_seek.enabled) throw InputError({o.config, 0, 0}, "goal_seek", "the config has no [goal_seek] table");
    std::string output = o.output.empty() ? "results/" + cfg.run.name + "_goal_seek.h5" : o.output;
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);
    EngineOptions eo;
    eo.threads = o.threads;
    eo.block_size = cfg.run.block_size;
    eo.stop = &g_stop;
    const auto r = run_goal_seek(cfg, eo, output, o.quiet);
    const auto& g = cfg.goal_seek;
    std::cout << fmt::format("goal seek on {} paths (seed {}): target {}\n", cfg.run.paths, cfg.run.seed, r.description);
    std::cout << fmt::format("  {} = {:.6g}  ({:g}% Monte Carlo interval [{:.6g}, {:.6g}]); the target holds {} it\n", g.lever,
                             r.lever, 100 * cfg.run.confidence, r.lower, r.upper, r.holds_above ? "at and above" : "at and below");
    std::cout << fmt::format("  evaluations written to {}\n", output);
    return kOk;
  });
}

int fit_mortality(const std::string& config, const std::string& output) {
  return guarded([&]() -> int {
    const auto cfg = load_config(config);
    const auto& d = cfg.model.demography;
    if (d.mortality != MortalityModel::lee_carter)
      throw InputError({config, 0, 0}, "demography.mortality.model", "the config's mortality model is not \"lee_carter\"");
    std::cout << fmt::format("Lee-Carter fit of {} (annual figures; kappa index with sum(beta) = 1)\n", config);
    std::cout << fmt::format("  {:8} {:>12} {:>12}\n", "", "drift", "sigma");
    std::cout << fmt::format("  {:8} {:>12.6f} {:>12.6f}\n", "male", d.lc_drift[0], d.lc_sigma[0]);
    std::cout << fmt::format("  {:8} {:>12.6f} {:>12.6f}\n", "female", d.lc_drift[1], d.lc_sigma[1]);
    std::cout << fmt::format("  correlation of the sexes' innovations: {:.6f}\n", d.lc_rho);
    if (!output.empty()) {
      std::ofstream out(output);
      if (!out) throw std::runtime_error("cannot write " + output);
      out << fmt::format("# Lee-Carter drift, volatility and correlation fitted by pfsim from {}.\n"
                         "# Include it in a config (include = [\"{}\"]) to fix these values; beta is\n"
                         "# refitted from the config's mortality history at every load.\n"
                         "[demography.mortality]\n"
                         "drift = {{ male = {:.17g}, female = {:.17g} }}\n"
                         "sigma = {{ male = {:.17g}, female = {:.17g} }}\n"
                         "correlation = {:.17g}\n",
                         config, output, d.lc_drift[0], d.lc_drift[1], d.lc_sigma[0], d.lc_sigma[1], d.lc_rho);
      std::cout << fmt::format("wrote {}\n", output);
    }
    return kOk;
  });
}

int summary(const std::string& file, const std::vector<int>& years) {
  return guarded([&]() -> int {
    print_summary(file, years, std::cout);
    return kOk;
  });
}

int calibrate(const std::string& csv_path, const std::string& output, const std::string& year_column) {
  return guarded([&]() -> int {
    const auto csv = CsvTable::read(csv_path);
    const auto yc = csv.column(year_column);
    std::vector<std::string> names;
    std::vector<std::size_t> cols;
    for (std::size_t c = 0; c < csv.header().size(); ++c)
      if (c != yc) {
        names.push_back(csv.header()[c]);
        cols.push_back(c);
      }
    Eigen::MatrixXd data(static_cast<Eigen::Index>(csv.rows()), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t r = 0; r < csv.rows(); ++r) {
      if (r > 0 && csv.number(r, yc) != csv.number(r - 1, yc) + 1)
        throw InputError({csv_path, csv.line(r), 0}, year_column, "years must be consecutive (annual rows)");
      for (std::size_t k = 0; k < cols.size(); ++k)
        data(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) = csv.number(r, cols[k]);
    }
    Var1Estimate est;
    try {
      est = estimate_var1(data, names);
    } catch (const std::invalid_argument& e) {
      throw InputError({csv_path, 0, 0}, "", e.what());
    }
    std::cout << var1_report(est);
    if (!output.empty()) {
      std::ofstream out(output);
      if (!out) throw std::runtime_error("cannot write " + output);
      out << var1_to_toml(est, csv_path);
      std::cout << fmt::format("wrote {} (add it to a config with include = [\"{}\"])\n", output, output);
    }
    return kOk;
  });
}

}  // namespace pfsim::app
