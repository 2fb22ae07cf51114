#include "run/run.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "core/error.h"
#include "core/spill_file.h"
#include "io/output_file.h"
#include "io/partial.h"
#include "io/results_writer.h"
#include "io/summary.h"
#include "run/exit_status.h"
#include "run/study.h"
#include "run/summarize.h"

namespace pfsim {

namespace {
double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

EngineOptions engine_options(const RunRequest& r, const RunConfig& cfg, const std::atomic<bool>* stop) {
  EngineOptions eo;
  eo.threads = r.threads;
  eo.block_size = cfg.run.block_size;
  eo.progress = !r.quiet;
  eo.stop = stop;
  return eo;
}
}  // namespace

void check_threads(std::int64_t threads) {
  if (threads < 0 || threads > kMaxThreads)
    throw InputError(fmt::format("--threads {}: out of range; allowed: 0 (all cores) <= threads <= {}", threads, kMaxThreads));
}

RunConfig load_request(const RunRequest& r) {
  auto overrides = r.overrides;
  if (r.paths && (*r.paths < 1 || *r.paths > 1'000'000'000))
    throw InputError(fmt::format("--paths {}: out of range; allowed: 1 <= paths <= 1000000000", *r.paths));
  if (r.paths) overrides.push_back(fmt::format("run.paths={}", *r.paths));
  if (r.seed) {
    if (*r.seed < 0)
      throw InputError(fmt::format("--seed {}: out of range; allowed: 0 <= seed <= {}", *r.seed,
                                   std::numeric_limits<std::int64_t>::max()));
    overrides.push_back(fmt::format("run.seed={}", *r.seed));
  }
  if (r.block_size && (*r.block_size < 1 || *r.block_size > 1'000'000))
    throw InputError(fmt::format("--block-size {}: out of range; allowed: 1 <= block size <= 1000000", *r.block_size));
  check_threads(r.threads);
  if (r.output_given && r.output.empty()) throw InputError("--output '': the output file name is empty");
  auto cfg = load_config(r.config, overrides);
  cfg.overrides = overrides;
  if (r.block_size) cfg.run.block_size = static_cast<std::uint64_t>(*r.block_size);
  apply_memory_options(r.memory_limit, r.spill_dir, cfg.run);
  return cfg;
}

void check_output(const RunRequest& r, const RunConfig& cfg, const std::string& output, const std::vector<std::string>& inputs) {
  auto all = cfg.inputs;
  all.insert(all.end(), inputs.begin(), inputs.end());
  const std::string what = !r.output.empty() ? "--output" : output == cfg.run.output_file ? "output.file" : "run.name: results file";
  check_output_file(output, all, what);
}

std::string output_path(const RunRequest& r, const RunConfig& cfg, const std::string& suffix) {
  if (!r.output.empty()) return r.output;
  if (suffix.empty() && !cfg.run.output_file.empty()) return cfg.run.output_file;
  return "results/" + cfg.run.name + suffix + ".h5";
}

void apply_memory_options(const std::string& limit, const std::string& spill_dir, RunSettings& run) {
  if (!limit.empty()) {
    std::string error;
    if (!parse_memory_size(limit, run.memory_limit, error)) throw InputError(fmt::format("--memory-limit {}", error));
  }
  if (!spill_dir.empty()) {
    run.spill_dir = spill_dir;
    run.spill_dir_origin = {"--spill-dir", 0, 0};
  }
}

PathRange shard_range(const std::string& spec, std::uint64_t total) {
  unsigned long long k = 0, n = 0;
  char extra = 0;
  if (std::sscanf(spec.c_str(), "%llu/%llu%c", &k, &n, &extra) != 2 || n == 0 || k == 0 || k > n)
    throw InputError(fmt::format("--shard '{}': expected k/N with 1 <= k <= N", spec));
  if (n > total) throw InputError(fmt::format("--shard '{}': more shards than paths ({})", spec, total));
  PathRange r;
  r.first = (k - 1) * total / n;
  r.count = k * total / n - r.first;
  return r;
}

void write_run(const RunConfig& cfg, const PensionModel& model, const PathSample& sample, const std::string& output,
               int threads, const std::atomic<bool>* stop) {
  auto stopped = [&] { return stop && stop->load(); };
  if (stopped()) throw Interrupted();
  const auto summary = summarize_run(model, sample, cfg, threads, stop);
  if (stopped()) throw Interrupted();
  write_results(output, cfg, model, sample, summary, threads);
}

void show_summary(const std::string& results, const std::vector<int>& years, std::ostream& out) {
  SummaryRequest request;
  request.years = years;
  request.years_key = "run.summary_years";
  print_summary(results, request, out);
}

namespace {
// What finish prints besides the file: the timings unless quiet, the
// summary unless quiet or no_summary.
struct FinishOptions {
  int threads = 0;
  bool quiet = false, no_summary = false;
  double sim_seconds = 0;  // 0: no simulation timing to report (merge)
};

// Writes the statistics and the results file of a finished sample and prints
// the timings and the summary.
int finish(const RunConfig& cfg, const PensionModel& model, const PathSample& sample, const std::string& output,
           const FinishOptions& o, const std::atomic<bool>* stop, std::ostream& out, std::ostream& err) {
  const auto t1 = std::chrono::steady_clock::now();
  write_run(cfg, model, sample, output, o.threads, stop);
  const double post = seconds_since(t1);
  const double sim_seconds = o.sim_seconds;
  if (!o.quiet) {
    if (sim_seconds > 0)
      err << fmt::format("pfsim: simulated in {:.2f} s ({:.0f} path-years/s), statistics and output {:.2f} s\n",
                         sim_seconds, static_cast<double>(sample.paths()) * cfg.model.years() / sim_seconds, post);
    err << fmt::format("pfsim: wrote {}\n", output);
  }
  if (!o.quiet && !o.no_summary) show_summary(output, cfg.run.summary_years, out);
  return kExitOk;
}
}  // namespace

int run_command(const RunRequest& r, const std::atomic<bool>* stop, std::ostream& out, std::ostream& err) {
  const RunConfig cfg = load_request(r);
  if (r.sensitivity && !cfg.sensitivity.enabled)
    throw InputError({r.config, 0, 0}, "sensitivity", "the config has no [sensitivity] table (docs/config.md)");
  for (const auto& w : all_warnings(cfg)) err << w << "\n";
  SamplePlan plan;
  plan.count = cfg.run.paths;
  if (!r.shard.empty()) {
    const auto range = shard_range(r.shard, cfg.run.paths);
    plan.first = range.first;
    plan.count = range.count;
  }
  const std::string output = output_path(r, cfg, cfg.sensitivity.enabled ? "_sensitivity" : "");
  check_output(r, cfg, output);

  const auto t_model = std::chrono::steady_clock::now();
  const PensionModel model(cfg.model);
  check_output_paths(cfg, model);
  // Simulation time excludes building the model (the Lee-Carter fit, the
  // calibration, the per-year tables), reported on its own line.
  const auto t0 = std::chrono::steady_clock::now();
  const double build_seconds = std::chrono::duration<double>(t0 - t_model).count();
  plan.engine = engine_options(r, cfg, stop);
  plan.checkpoint_dir = r.checkpoint;
  if (!r.quiet)
    err << fmt::format("pfsim: {} paths{} x {} years, seed {}{}, {} thread(s)\n", plan.count,
                       r.shard.empty() ? "" : fmt::format(" (shard {}: paths {}-{})", r.shard, plan.first, plan.first + plan.count - 1),
                       cfg.model.years(), cfg.run.seed, cfg.run.seed_is_default ? " (default)" : "",
                       r.threads > 0 ? std::to_string(r.threads) : "all");
  if (!r.quiet) err << fmt::format("pfsim: model built in {:.2f} s\n", build_seconds);
  const std::uint64_t bytes = sample_bytes(model, plan.count);
  if (!cfg.scenarios.empty()) {
    if (!r.shard.empty() || !r.checkpoint.empty())
      throw InputError({cfg.source, 0, 0}, "scenarios", "a run with [scenarios] cannot be sharded or checkpointed; run each scenario as its own config");
    // Scenarios hold two samples at once, the reference's and one
    // scenario's (their paired differences read both): each gets half of
    // the memory limit, beyond which it spills.
    auto storage = resolve_storage(cfg.run, output, 2 * bytes);
    if (storage.memory_limit != SampleStorage::kUnlimited) storage.memory_limit /= 2;
    if (!r.quiet) err << "pfsim: two samples at once; each " << describe_storage(storage, bytes) << "\n";
    run_scenarios(cfg, plan.engine, output, r.quiet, storage);
    if (!r.quiet) err << fmt::format("pfsim: wrote {}\n", output);
    if (!r.quiet && !r.no_summary) show_summary(output, cfg.run.summary_years, out);
    return kExitOk;
  }
  plan.storage = resolve_storage(cfg.run, output, bytes);
  if (!r.quiet) err << "pfsim: " << describe_storage(plan.storage, bytes) << "\n";
  SampleReport report;
  const PathSample sample = produce_sample(model, cfg, plan, &report);
  if (!r.quiet && report.resumed_paths) err << fmt::format("pfsim: resumed {} paths from {}\n", report.resumed_paths, r.checkpoint);
  const double sim = seconds_since(t0);
  if (!r.shard.empty()) {
    write_partial(output, cfg, sample);
    if (!r.quiet) err << fmt::format("pfsim: simulated in {:.2f} s; wrote partial file {}\n", sim, output);
    return kExitOk;
  }
  return finish(cfg, model, sample, output, {r.threads, r.quiet, r.no_summary, sim}, stop, out, err);
}

int merge_command(const MergeRequest& m, const std::atomic<bool>* stop, std::ostream& out, std::ostream& err) {
  check_threads(m.threads);
  std::vector<std::pair<std::string, PartialInfo>> infos;
  for (const auto& p : m.parts) infos.emplace_back(p, read_partial_info(p));
  std::vector<std::string> files;
  const auto ordered = check_partials(infos, &files);
  const auto& ref = ordered.front();
  // The model is rebuilt from the config file and overrides the shards
  // record (absolute path), and must resolve to the same text.
  auto cfg = load_config(ref.config_file, ref.overrides);
  if (cfg.resolved != ref.resolved)
    throw InputError({ref.config_file, 0, 0}, "",
                     "the config (or a file it includes) changed since the shards were run; merge needs the config they were made from");
  cfg.overrides = ref.overrides;
  cfg.run.paths = ref.total_paths;
  cfg.run.seed = ref.seed;
  cfg.run.seed_is_default = false;
  apply_memory_options(m.memory_limit, m.spill_dir, cfg.run);
  auto inputs = cfg.inputs;
  inputs.insert(inputs.end(), m.parts.begin(), m.parts.end());
  check_output_file(m.output, inputs, "--output");
  const PensionModel model(cfg.model);
  const SampleShape shape = model.shape();
  const std::uint64_t bytes = sample_bytes(model, ref.total_paths);
  const auto storage = resolve_storage(cfg.run, m.output, bytes);
  // Beyond the memory limit, parts that hold their values as the sample's
  // own bytes are read where they are (no spill file, no copy); the others
  // are copied into a spill file.
  std::vector<PartialLayout> layouts;
  if (!storage.fits(bytes))
    for (const auto& f : files) {
      const auto l = partial_layout(f);
      if (!l) break;
      layouts.push_back(*l);
    }
  const bool in_place = !files.empty() && layouts.size() == files.size();
  if (!m.quiet) {
    err << "pfsim: " << (in_place ? describe_in_place(storage, bytes, files.size()) : describe_storage(storage, bytes)) << "\n";
  }
  std::optional<SampleBuilder> whole;
  if (!in_place) whole.emplace(shape, 0, ref.total_paths, storage);
  // Each part is read and checked in pieces: at most one piece besides the
  // sample (or, read in place, besides nothing).
  const std::uint64_t piece = whole ? std::min<std::uint64_t>(whole->part_paths(), 8192)
                                    : storage.part_paths(shape.bytes_per_path());
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& f = files[i];
    const auto& info = ordered[i];
    for (std::uint64_t lo = info.first_path; lo < info.first_path + info.paths; lo += piece) {
      if (stop && *stop) throw Interrupted();
      const auto part = read_partial_range(f, lo, std::min(piece, info.first_path + info.paths - lo));
      if (part.shape() != shape)
        throw InputError({f, 0, 0}, "", "its metrics do not match this pfsim's model (made by another version?)");
      check_read_sample(model, part, f);
      if (whole) whole->add(part);
    }
  }
  if (whole) return finish(cfg, model, whole->finish(), m.output, {m.threads, m.quiet, m.quiet, 0.0}, stop, out, err);
  std::vector<PathSample::FilePart> parts;
  for (std::size_t i = 0; i < files.size(); ++i) {
    const auto& info = ordered[i];
    const auto& l = layouts[i];
    auto file = std::make_shared<const SpillFile>(SpillFile::Existing{}, files[i]);
    // The blocks must lie inside the file (the checks above read them through HDF5).
    const std::uint64_t len = info.paths;
    for (const auto& [at, size] : {std::pair{l.year_at, shape.year_columns() * len * 4}, std::pair{l.float_at, shape.float_scalars * len * 4},
                                   std::pair{l.scalar_at, shape.double_scalars() * len * 8}})
      if (size > 0 && (at > file->size() || size > file->size() - at))
        throw InputError({files[i], 0, 0}, "", "its datasets reach beyond the end of the file (damaged file?)");
    parts.push_back({info.first_path, info.paths, l.year_at, l.float_at, l.scalar_at, std::move(file)});
  }
  return finish(cfg, model, PathSample::on_files(shape, 0, ref.total_paths, std::move(parts), storage.read_bytes()), m.output,
                {m.threads, m.quiet, m.quiet, 0.0}, stop, out, err);
}

int seek_command(const RunRequest& r, const std::atomic<bool>* stop, std::ostream& out) {
  const RunConfig cfg = load_request(r);
  for (const auto& w : all_warnings(cfg)) std::cerr << w << "\n";
  if (!cfg.goal_seek.enabled) throw InputError({r.config, 0, 0}, "goal_seek", "the config has no [goal_seek] table");
  const std::string output = output_path(r, cfg, "_goal_seek");
  check_output(r, cfg, output);
  if (!r.write_solution.empty()) {
    namespace fs = std::filesystem;
    std::error_code e1, e2;
    if (fs::weakly_canonical(r.write_solution, e1) == fs::weakly_canonical(output, e2))
      throw InputError(fmt::format("--write-solution '{}': the same file as the evaluations' output '{}'", r.write_solution, output));
    auto inputs = cfg.inputs;
    inputs.push_back(output);
    check_output_file(r.write_solution, inputs, "--write-solution");
  }
  EngineOptions eo = engine_options(r, cfg, stop);
  eo.progress = false;  // each evaluation prints one line instead (run_goal_seek)
  const std::uint64_t bytes = sample_bytes(PensionModel(cfg.model), cfg.run.paths);
  const auto storage = resolve_storage(cfg.run, output, bytes);  // one evaluation's sample at a time
  if (!r.quiet && !storage.fits(bytes)) std::cerr << "pfsim: each evaluation's " << describe_storage(storage, bytes) << "\n";
  const auto res = run_goal_seek(cfg, eo, output, r.quiet, storage);
  const auto& g = cfg.goal_seek;
  out << fmt::format("goal seek on {} paths (seed {}): target {}\n", cfg.run.paths, cfg.run.seed, res.description);
  out << fmt::format("  {} = {:.6g}  ({:g}% Monte Carlo interval [{:.6g}, {:.6g}]); the target holds {} it\n", g.lever,
                     res.lever, 100 * cfg.run.confidence, res.lower, res.upper, res.holds_above ? "at and above" : "at and below");
  out << fmt::format("  evaluations written to {}\n", output);
  if (r.write_solution.empty()) return kExitOk;
  // The run at the solution, on the evaluations' paths and seed: its
  // statistic is the one the seek found there.
  auto v = load_variant(cfg.source, cfg.overrides, g.at(res.lever));
  v.overrides = cfg.overrides;
  for (std::size_t k = 0; k < g.levers.size(); ++k) v.overrides.push_back(g.levers[k] + "=" + g.value_text(k, res.lever));
  const PensionModel model(v.model);
  SamplePlan plan;
  plan.count = v.run.paths;
  plan.engine = engine_options(r, v, stop);
  plan.engine.progress = false;
  plan.storage = resolve_storage(v.run, r.write_solution, sample_bytes(model, plan.count));
  const PathSample sample = produce_sample(model, v, plan);
  write_run(v, model, sample, r.write_solution, r.threads, stop);
  out << fmt::format("  results at the solution written to {}\n", r.write_solution);
  return kExitOk;
}

int optimize_command(const RunRequest& r, const std::atomic<bool>* stop, std::ostream& out) {
  const RunConfig cfg = load_request(r);
  for (const auto& w : all_warnings(cfg)) std::cerr << w << "\n";
  if (!cfg.optimize.enabled) throw InputError({r.config, 0, 0}, "optimize", "the config has no [optimize] table (docs/config.md)");
  const std::string output = output_path(r, cfg, "_optimize");
  check_output(r, cfg, output);
  EngineOptions eo = engine_options(r, cfg, stop);
  eo.progress = false;  // each evaluation prints one line instead
  const PensionModel model(cfg.model);
  const std::uint64_t bytes = sample_bytes(model, cfg.run.paths);
  auto storage = resolve_storage(cfg.run, output, 2 * bytes);
  if (storage.memory_limit != SampleStorage::kUnlimited) storage.memory_limit /= 2;
  const auto res = run_optimize(cfg, eo, output, r.quiet, storage);
  const auto& o = cfg.optimize;
  out << fmt::format("optimize on {} paths (seed {}): {} the {}\n", cfg.run.paths, cfg.run.seed, o.maximize ? "maximize" : "minimize",
                     o.objective.describe());
  for (const auto& c : o.constraints)
    out << fmt::format("  subject to {} {} {:.6g}\n", c.statistic.describe(), c.at_most ? "<=" : ">=", c.bound);
  out << fmt::format("  {} evaluations of {} paths; {}; {:.1f} s, {:.0f}% of it simulating\n", res.evaluations, cfg.run.paths,
                     res.status, res.search_seconds, 100 * res.simulation_seconds / std::max(res.search_seconds, 1e-9));
  for (std::size_t k = 0; k < o.keys.size(); ++k)
    out << fmt::format("  {} = {:.6g}   (the config: {:.6g}; range [{:g}, {:g}])\n", o.keys[k], res.x[k], o.start[k], o.lower[k], o.upper[k]);
  // Each statistic with its Monte Carlo interval at run.confidence.
  const auto range = [](const std::vector<double>& lo, const std::vector<double>& hi, std::size_t i) {
    return fmt::format(" [{:.5g}, {:.5g}]", lo[i], hi[i]);
  };
  out << fmt::format("  in sample: objective {:.6g}{}", res.objective, range(res.in_lower, res.in_upper, 0));
  for (std::size_t i = 0; i < o.constraints.size(); ++i)
    out << fmt::format("; constraint {} {:.6g}{}", i + 1, res.constraints[i], range(res.in_lower, res.in_upper, i + 1));
  out << "\n";
  out << fmt::format("  out of sample (seed {}): objective {:.6g}{} at the optimum, {:.6g}{} at the config's values",
                     o.out_of_sample_seed, res.optimum_objective, range(res.optimum_lower, res.optimum_upper, 0),
                     res.current_objective, range(res.current_lower, res.current_upper, 0));
  for (std::size_t i = 0; i < o.constraints.size(); ++i) {
    const auto& c = o.constraints[i];
    const double v = res.optimum_constraints[i];
    const bool holds = c.at_most ? v <= c.bound : v >= c.bound;
    out << fmt::format("; constraint {} {:.6g}{}{}", i + 1, v, range(res.optimum_lower, res.optimum_upper, i + 1),
                       holds ? "" : " (fails out of sample)");
  }
  out << "\n";
  out << fmt::format("  (in brackets: {:g}% Monte Carlo intervals)\n", 100 * cfg.run.confidence);
  if (!o.frontier_bounds.empty()) {
    const auto& c = o.constraints[static_cast<std::size_t>(o.frontier_constraint)];
    out << fmt::format("  frontier: the objective at the optimum as the bound of {} moves\n", c.statistic.describe());
    for (std::size_t i = 0; i < o.frontier_bounds.size(); ++i)
      out << fmt::format("    {} {:<12g} in sample {:>14.6g}   out of sample {:>14.6g}\n", c.at_most ? "<=" : ">=", o.frontier_bounds[i],
                         res.frontier_in[i], res.frontier_out[i]);
  }
  out << fmt::format("  the optimum against the config's values on the fresh seed, paired: pfsim summary {}\n", output);
  return kExitOk;
}

int validate_command(const std::string& config, const std::vector<std::string>& overrides, std::ostream& out) {
  const auto cfg = load_config(config, overrides);
  const PensionModel model(cfg.model);
  check_output_paths(cfg, model);
  if (cfg.goal_seek.enabled && cfg.goal_seek.metric != "depletion_probability" && !model.outputs().has_year(cfg.goal_seek.metric))
    throw InputError({cfg.goal_seek.origin, 0, 0}, "goal_seek.target.metric",
                     fmt::format("'{}' is not depletion_probability or a year metric (docs/results-format.md)", cfg.goal_seek.metric));
  for (const auto& w : all_warnings(cfg)) out << w << "\n";
  out << fmt::format("{}: valid ({} years {}-{}, {} paths, {} economy variables, seed {}{})\n", config, cfg.model.years(),
                     cfg.model.start_year, cfg.model.end_year, cfg.run.paths, cfg.model.economy.variables.size(), cfg.run.seed,
                     cfg.run.seed_is_default ? " (default)" : "");
  return kExitOk;
}

}  // namespace pfsim
