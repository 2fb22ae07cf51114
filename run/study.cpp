#include "run/study.h"

#include "core/parallel.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <span>
#include <tuple>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include "core/error.h"
#include "core/goal_seek.h"
#include "core/optimize.h"
#include "io/hdf5_file.h"
#include "core/rng.h"
#include "core/statistics.h"
#include "io/study_writer.h"
#include "models/units.h"
#include "run/sample_producer.h"
#include "run/summarize.h"

namespace pfsim {

namespace {

// The paired comparison of one column: per-path differences scenario -
// reference, their mean, paired standard error and interval, and the
// standard error the two runs would have on independent paths. `d` is
// scratch for the differences.
struct PairedValue {
  double mean = 0, se = 0, se_independent = 0, lower = 0, upper = 0;
};
template <class T>
PairedValue paired(std::span<const T> a, std::span<const T> b, double z, std::vector<double>& d) {
  const std::size_t n = a.size();
  d.resize(n);
  for (std::size_t p = 0; p < n; ++p) d[p] = static_cast<double>(a[p]) - static_cast<double>(b[p]);
  const auto md = stats::moments(std::span<const double>(d)), ma = stats::moments(a), mb = stats::moments(b);
  return {md.mean, md.se, std::sqrt(ma.se * ma.se + mb.se * mb.se), md.mean - z * md.se, md.mean + z * md.se};
}

void append(PairedSeries& into, const PairedValue& one) {
  into.mean.push_back(one.mean);
  into.se.push_back(one.se);
  into.se_independent.push_back(one.se_independent);
  into.lower.push_back(one.lower);
  into.upper.push_back(one.upper);
}


bool depleted_by(double year_of_depletion, int year) { return std::isfinite(year_of_depletion) && year_of_depletion <= year; }

// Median of a minus median of b over the same paths, and its paired bootstrap
// standard error: kBootstrapResamples resamples of path indices, each used for
// both columns; resample r draws from stream `bootstrap` at path r, so the
// result depends only on the seed and the columns.
std::pair<double, double> median_difference(std::span<const double> a, std::span<const double> b, std::uint64_t seed,
                                            int threads) {
  const std::size_t n = a.size();
  std::vector<double> xa(a.begin(), a.end()), xb(b.begin(), b.end());
  const double point = stats::quantile(xa, 0.5) - stats::quantile(xb, 0.5);  // type 7, numpy's default
  std::vector<double> reps(kBootstrapResamples);
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  tbb::enumerable_thread_specific<std::pair<std::vector<double>, std::vector<double>>> scratch;
  arena.execute([&] {
    parallel_for_index(reps.size(), [&](std::size_t r) {
      auto& [ra, rb] = scratch.local();
      ra.resize(n);
      rb.resize(n);
      RandomStream s(seed, r, Stream::bootstrap, 0);
      for (std::size_t p = 0; p < n; ++p) {
        const auto i = std::min(n - 1, static_cast<std::size_t>(s.uniform() * static_cast<double>(n)));
        ra[p] = a[i];
        rb[p] = b[i];
      }
      reps[r] = stats::quantile(ra, 0.5) - stats::quantile(rb, 0.5);
    });
  });
  const auto m = stats::moments(std::span<const double>(reps));
  return {point, m.sd};
}

// The paired differences of every year metric both runs report (a scenario
// may add metrics, such as a dynamic strategy's weights or its regions) and
// of the probability of depletion by each year, scenario `a` against
// reference `b`, column by column in parallel. Columns are read in groups
// when a sample is on disk.
void compare_samples(const PensionModel& model, const PensionModel& reference, const PathSample& a, const PathSample& b,
                     int start_year, double z, int threads, ScenarioResult& o,
                     std::optional<std::uint64_t> median_seed = std::nullopt) {
  const auto n = static_cast<std::size_t>(a.paths());
  const auto years = static_cast<std::size_t>(model.years());
  // The metrics both report, as (scenario slot, reference slot), in the scenario's order.
  std::vector<std::pair<std::size_t, std::size_t>> common;
  for (std::size_t m = 0; m < model.year_metrics().size(); ++m)
    if (reference.outputs().has_year(model.year_metrics()[m].name))
      common.emplace_back(m, reference.year_metric(model.year_metrics()[m].name));
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  tbb::enumerable_thread_specific<std::vector<double>> scratch;
  std::vector<PairedValue> columns(common.size() * years);
  // Metrics per read: a group of whole metrics when a sample is on disk.
  std::size_t group = common.size();
  for (const PathSample* s : {&a, &b})
    if (s->on_disk()) group = std::min(group, std::max<std::size_t>(1, s->read_bytes() / (n * years * sizeof(float))));
  std::vector<float> read_a, read_b;
  for (std::size_t i0 = 0; i0 < common.size(); i0 += group) {
    const std::size_t count = std::min(group, common.size() - i0);
    for (std::size_t i = i0; i < i0 + count; ++i) {
      const auto ca = a.year_columns(common[i].first * years, years, read_a);
      const auto cb = b.year_columns(common[i].second * years, years, read_b);
      arena.execute([&] {
        parallel_for_index(years, [&](std::size_t t) {
          columns[i * years + t] = paired(ca.subspan(t * n, n), cb.subspan(t * n, n), z, scratch.local());
        });
      });
    }
  }
  for (std::size_t i = 0; i < common.size(); ++i) {
    PairedSeries by_year;
    for (std::size_t t = 0; t < years; ++t) append(by_year, columns[i * years + t]);
    o.differences[model.year_metrics()[common[i].first].name] = std::move(by_year);
  }
  std::vector<double> read_da, read_db;
  const std::size_t depletion = model.scalar_metric("depletion_year");
  const auto da = a.scalar_columns(depletion, 1, read_da), db = b.scalar_columns(depletion, 1, read_db);
  std::vector<PairedValue> by_year(years);
  tbb::enumerable_thread_specific<std::vector<double>> ia, ib;
  arena.execute([&] {
    parallel_for_index(years, [&](std::size_t t) {
      const int y = start_year + static_cast<int>(t);
      auto& xa = ia.local();
      auto& xb = ib.local();
      xa.resize(n);
      xb.resize(n);
      for (std::size_t p = 0; p < n; ++p) {
        xa[p] = depleted_by(da[p], y) ? 1.0 : 0.0;
        xb[p] = depleted_by(db[p], y) ? 1.0 : 0.0;
      }
      by_year[t] = paired(std::span<const double>(xa), std::span<const double>(xb), z, scratch.local());
    });
  });
  for (const auto& v : by_year) append(o.depletion, v);

  // The compared scalars; a depletion year of "never" counts as the year
  // after the horizon, so that every path has a difference.
  const double censored = start_year + static_cast<double>(years);
  std::vector<double> xa(n), xb(n), read_sa, read_sb;
  if (median_seed) {
    for (std::size_t p = 0; p < n; ++p) {
      xa[p] = std::isfinite(da[p]) ? da[p] : censored;
      xb[p] = std::isfinite(db[p]) ? db[p] : censored;
    }
    std::tie(o.median_depletion_difference, o.median_depletion_difference_se) =
        median_difference(xa, xb, *median_seed, threads);
  }
  for (const auto& name : kComparedScalars) {
    const std::size_t idx = model.scalar_metric(name);
    const auto sa = a.scalar_columns(idx, 1, read_sa), sb = b.scalar_columns(idx, 1, read_sb);
    // +inf (a depletion year of never) is censored; a path where either
    // value is undefined (NaN) is left out of the pair.
    std::size_t m = 0;
    for (std::size_t p = 0; p < n; ++p) {
      if (std::isnan(sa[p]) || std::isnan(sb[p])) continue;
      xa[m] = std::isfinite(sa[p]) ? sa[p] : censored;
      xb[m] = std::isfinite(sb[p]) ? sb[p] : censored;
      ++m;
    }
    PairedSeries one;
    append(one, paired(std::span<const double>(xa.data(), m), std::span<const double>(xb.data(), m), z, scratch.local()));
    o.scalar_differences.emplace_back(name, std::move(one));
  }
}

}  // namespace

std::vector<int> comparison_years(const RunConfig& cfg, const RunSummary& reference) {
  std::vector<int> years = cfg.compare_years;
  if (years.empty()) {
    // Where the reference's probability of depletion rises: the first years
    // it reaches 5%, 50% and 95%, and the horizon.
    for (double level : kCrossingLevels)
      if (const auto y = first_year_reaching(reference.risk.depletion.probability, cfg.model.start_year, level)) years.push_back(*y);
    years.push_back(cfg.model.end_year);
  }
  std::sort(years.begin(), years.end());
  years.erase(std::unique(years.begin(), years.end()), years.end());
  return years;
}

void run_scenarios(const RunConfig& cfg, const EngineOptions& options, const std::string& output, bool quiet,
                   const SampleStorage& storage, const std::function<void(hid_t)>& extra) {
  const double z = stats::two_sided_z(cfg.run.confidence);
  const std::uint64_t n = cfg.run.paths;
  std::vector<ScenarioResult> outs;
  PathSample reference_sample;
  for (std::size_t i = 0; i < cfg.scenarios.size(); ++i) {
    const auto& sc = cfg.scenarios[i];
    auto sc_cfg = std::make_shared<RunConfig>(*sc.config);
    sc_cfg->run.paths = n;
    sc_cfg->run.seed = cfg.run.seed;
    sc_cfg->overrides = cfg.overrides;  // the command line's, recorded in the file
    ScenarioResult o;
    o.name = sc.name;
    o.cfg = sc_cfg;
    o.model = std::make_unique<PensionModel>(sc_cfg->model);
    if (i > 0 && o.model->years() != outs.front().model->years())
      throw InputError({sc.values.empty() ? cfg.source : sc.values.front().origin, 0, 0}, "scenarios",
                       fmt::format("scenario '{}' changes the horizon; scenarios must share it to be compared path by path", sc.name));
    if (!quiet) std::cerr << fmt::format("pfsim: scenario {} ({}/{})\n", sc.name, i + 1, cfg.scenarios.size());
    // The same seed and path ids in every scenario: common random numbers.
    SamplePlan plan;
    plan.count = n;
    plan.storage = storage;
    plan.engine = options;
    auto sample = produce_sample(*o.model, *sc_cfg, plan);
    o.summary = summarize_run(*o.model, sample, *sc_cfg, options.threads, options.stop);
    if (i == 0)
      reference_sample = std::move(sample);
    else
      compare_samples(*o.model, *outs.front().model, sample, reference_sample, cfg.model.start_year, z, options.threads, o,
                      cfg.sensitivity.enabled ? std::optional<std::uint64_t>(cfg.run.seed) : std::nullopt);
    outs.push_back(std::move(o));
  }

  write_scenarios(output, cfg, outs, reference_sample, comparison_years(cfg, outs.front().summary), options.threads, extra);
}

GoalSeekOutcome run_goal_seek(const RunConfig& cfg, const EngineOptions& options, const std::string& output, bool quiet,
                              const SampleStorage& storage) {
  const auto& g = cfg.goal_seek;
  struct Eval {
    double value, lower, upper;
  };
  std::map<double, Eval> cache;
  std::string unit = "probability";
  auto evaluate = [&](double lever) -> Eval {
    if (options.stop && options.stop->load()) throw Interrupted();
    if (auto it = cache.find(lever); it != cache.end()) return it->second;
    auto v = load_variant(cfg.source, cfg.overrides, g.at(lever));
    const PensionModel model(v.model);
    if (g.metric != "depletion_probability") {
      const auto& specs = model.year_metrics();
      const auto it = std::find_if(specs.begin(), specs.end(), [&](const MetricSpec& s) { return s.name == g.metric; });
      if (it == specs.end())
        throw InputError({g.origin, 0, 0}, "goal_seek.target.metric",
                         fmt::format("'{}' is not depletion_probability or a year metric (docs/results-format.md)", g.metric));
      unit = units::label(it->unit, v.run.currency, v.model.start_year);
    }
    // The evaluation's sample, spilled beyond the memory limit as a run's
    // is, and its statistic as a results file computes it.
    SamplePlan plan;
    plan.count = cfg.run.paths;
    plan.engine = options;
    plan.storage = storage;
    const auto sample = produce_sample(model, v, plan);
    const StatisticSpec spec{g.metric, g.year, g.metric == "depletion_probability" ? "probability" : g.statistic, g.quantile};
    const auto est = sample_statistic(model, sample, spec, cfg.run.confidence);
    const Eval e{est.value, est.lower, est.upper};
    if (!quiet) std::cerr << fmt::format("pfsim: goal seek: {} = {:.6g} -> {:.6g} [{:.6g}, {:.6g}]\n", g.lever, lever, e.value, e.lower, e.upper);
    cache[lever] = e;
    return e;
  };
  GoalSeekOutcome out;
  const auto main = seek([&](double x) { return evaluate(x).value; }, g.lower, g.upper, g.threshold, g.at_most, g.tolerance);
  out.lever = main.lever;
  out.holds_above = main.holds_above;
  out.unit = unit;
  // The interval: where the statistic's confidence bounds cross the threshold.
  // A bound that never crosses within the range leaves that end of the range.
  auto bound = [&](bool upper_bound) {
    try {
      return seek([&](double x) { const auto e = evaluate(x); return upper_bound ? e.upper : e.lower; }, g.lower, g.upper,
                  g.threshold, g.at_most, g.tolerance).lever;
    } catch (const UnreachableGoal&) {
      return upper_bound == (g.at_most == main.holds_above) ? g.upper : g.lower;
    }
  };
  const double b1 = bound(true), b2 = bound(false);
  out.lower = std::min({b1, b2, out.lever});
  out.upper = std::max({b1, b2, out.lever});
  out.description = fmt::format("{} {} {:.6g} in {} ({}{})", g.metric == "depletion_probability" ? "P(depletion)" : g.statistic + " of " + g.metric,
                                g.at_most ? "<=" : ">=", g.threshold, g.year, g.statistic == "quantile" ? fmt::format("quantile {}", g.quantile) : g.statistic,
                                "");

  // Record every evaluation.
  std::vector<GoalSeekEvaluation> evaluations;
  for (const auto& [k, e] : cache) evaluations.push_back({k, e.value, e.lower, e.upper});
  write_goal_seek(output, cfg, out, evaluations);
  return out;
}

}  // namespace pfsim

namespace pfsim {

StatisticEstimate sample_statistic(const PensionModel& model, const PathSample& sample, const StatisticSpec& s,
                                   double confidence) {
  StatisticEstimate e;
  if (s.metric == "depletion_probability") {
    std::vector<double> scratch;
    std::uint64_t k = 0;
    for (double y : sample.scalar_columns(model.scalar_metric("depletion_year"), 1, scratch)) k += depleted_by(y, s.year) ? 1 : 0;
    e.value = static_cast<double>(k) / static_cast<double>(sample.paths());
    const auto w = stats::wilson_interval(k, sample.paths(), confidence);
    e.lower = w.lower;
    e.upper = w.upper;
    return e;
  }
  // The column in memory or read from a spilled sample; its statistics as
  // the results file's (the mean in the summation tree's order, the
  // expected shortfall as lower_tail_risks), so that a run at the found
  // value reports the same bits.
  std::vector<float> scratch;
  const std::size_t column = model.year_metric(s.metric) * static_cast<std::size_t>(sample.years()) +
                             static_cast<std::size_t>(s.year - model.params().start_year);
  const auto col = sample.year_columns(column, 1, scratch);
  std::vector<double> x(col.begin(), col.end());
  const double z = stats::two_sided_z(confidence);
  if (s.statistic == "mean") {
    const auto m = tree::local_moments(std::span<const double>(x), sample.first_path(), [](double v) { return std::isfinite(v); }).moments;
    e.value = m.mean;
    e.lower = m.mean - z * m.se;
    e.upper = m.mean + z * m.se;
  } else if (s.statistic == "quantile") {
    const double p[1] = {s.level};
    const auto q = stats::quantiles_with_ci(x, p, confidence);
    e = {q[0].value, q[0].lower, q[0].upper};
  } else {
    SingleProcess one;
    const double level[1] = {s.level};
    const auto t = lower_tail_risks(one, x, sample.first_path(), sample.first_path() + sample.paths(), level)[0];
    e.value = t.expected_shortfall;
    e.lower = t.expected_shortfall - z * t.expected_shortfall_se;
    e.upper = t.expected_shortfall + z * t.expected_shortfall_se;
  }
  return e;
}

OptimizeOutcome run_optimize(const RunConfig& cfg, const EngineOptions& options, const std::string& output, bool quiet,
                             const SampleStorage& storage) {
  const auto& spec = cfg.optimize;
  {
    // Every statistic names a metric the model reports: checked before any simulation.
    const PensionModel model(cfg.model);
    auto check = [&](const StatisticSpec& s, const std::string& key) {
      if (s.metric != "depletion_probability" && !model.outputs().has_year(s.metric))
        throw InputError({spec.origin, 0, 0}, key,
                         fmt::format("'{}' is not depletion_probability or a year metric (docs/results-format.md)", s.metric));
    };
    check(spec.objective, "optimize.objective.metric");
    for (const auto& c : spec.constraints) check(c.statistic, "optimize.constraints.metric");
  }
  // The statistics of one point on a seed: the objective's, then each constraint's.
  const auto t_start = std::chrono::steady_clock::now();
  double simulating = 0;
  auto statistics = [&](const std::vector<double>& x, std::uint64_t seed, bool at_config) {
    const RunConfig v = at_config ? load_variant(cfg.source, cfg.overrides, {}) : load_variant(cfg.source, cfg.overrides, spec.at(x));
    const PensionModel model(v.model);
    EngineOptions eo = options;
    eo.progress = false;
    const auto t0 = std::chrono::steady_clock::now();
    SamplePlan plan;  // spilled beyond the memory limit, as a run's
    plan.count = cfg.run.paths;
    plan.engine = eo;
    plan.storage = storage;
    RunConfig seeded = v;
    seeded.run.seed = seed;
    const auto sample = produce_sample(model, seeded, plan);
    simulating += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::vector<StatisticEstimate> out{sample_statistic(model, sample, spec.objective, cfg.run.confidence)};
    for (const auto& c : spec.constraints) out.push_back(sample_statistic(model, sample, c.statistic, cfg.run.confidence));
    return out;
  };
  // The values, the lower and the upper ends of a point's statistics.
  const auto values = [](const std::vector<StatisticEstimate>& e, double StatisticEstimate::*part) {
    std::vector<double> v;
    for (const auto& x : e) v.push_back(x.*part);
    return v;
  };
  OptimizeProblem problem;
  problem.lower = spec.lower;
  problem.upper = spec.upper;
  problem.start = spec.start;
  problem.constraints = spec.constraints.size();
  problem.max_evaluations = spec.max_evaluations;
  problem.tolerance = spec.tolerance;
  problem.stop = options.stop;
  // One search under the constraints `cons` (the spec's, or one bound moved for the frontier).
  auto search = [&](const std::vector<OptimizeConstraint>& cons) {
    return minimize(problem, [&](const std::vector<double>& x) {
      const auto s = values(statistics(x, cfg.run.seed, false), &StatisticEstimate::value);
      std::vector<double> c;
      for (std::size_t i = 0; i < cons.size(); ++i) {
        const auto& k = cons[i];
        c.push_back(k.at_most ? s[i + 1] - k.bound : k.bound - s[i + 1]);
      }
      if (!quiet) {
        std::string where;
        for (std::size_t k = 0; k < x.size(); ++k) where += fmt::format("{}{} = {:.6g}", k ? ", " : "", spec.keys[k], x[k]);
        std::cerr << fmt::format("pfsim: optimize: {} -> {:.6g}{}\n", where, s[0],
                                 std::all_of(c.begin(), c.end(), [](double v) { return v <= 0; }) ? "" : " (a constraint fails)");
      }
      return std::pair<double, std::vector<double>>{spec.maximize ? -s[0] : s[0], c};
    });
  };
  const auto result = search(spec.constraints);
  if (result.best < 0)
    throw InputError({spec.origin, 0, 0}, "optimize.constraints",
                     fmt::format("none of the {} evaluated points meets every constraint on these paths; widen the "
                                 "variables' ranges or relax a bound", result.evaluations.size()));
  const auto& best = result.evaluations[static_cast<std::size_t>(result.best)];
  OptimizeOutcome out;
  out.x = best.x;
  out.evaluations = result.evaluations.size();
  out.status = result.status;
  const auto in_estimates = statistics(best.x, cfg.run.seed, false);
  const auto in_sample = values(in_estimates, &StatisticEstimate::value);
  out.objective = in_sample[0];
  out.constraints.assign(in_sample.begin() + 1, in_sample.end());
  // Out of sample: the config's values and the optimum on a fresh seed.
  const auto now_estimates = statistics(best.x, spec.out_of_sample_seed, true);
  const auto opt_estimates = statistics(best.x, spec.out_of_sample_seed, false);
  const auto now = values(now_estimates, &StatisticEstimate::value);
  const auto opt = values(opt_estimates, &StatisticEstimate::value);
  out.in_lower = values(in_estimates, &StatisticEstimate::lower);
  out.in_upper = values(in_estimates, &StatisticEstimate::upper);
  out.optimum_lower = values(opt_estimates, &StatisticEstimate::lower);
  out.optimum_upper = values(opt_estimates, &StatisticEstimate::upper);
  out.current_lower = values(now_estimates, &StatisticEstimate::lower);
  out.current_upper = values(now_estimates, &StatisticEstimate::upper);
  out.current_objective = now[0];
  out.optimum_objective = opt[0];
  out.current_constraints.assign(now.begin() + 1, now.end());
  out.optimum_constraints.assign(opt.begin() + 1, opt.end());
  out.search_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
  out.simulation_seconds = simulating;

  // The efficient frontier: the optimum again with one constraint's bound
  // moved to each of frontier_bounds, in and out of sample.
  std::vector<double> frontier_x, frontier_in, frontier_out;
  std::vector<std::int32_t> frontier_found;
  for (double bound : spec.frontier_bounds) {
    auto cons = spec.constraints;
    cons[static_cast<std::size_t>(spec.frontier_constraint)].bound = bound;
    const auto r = search(cons);
    if (r.best < 0) {
      frontier_found.push_back(0);
      frontier_x.insert(frontier_x.end(), spec.keys.size(), std::nan(""));
      frontier_in.push_back(std::nan(""));
      frontier_out.push_back(std::nan(""));
      continue;
    }
    const auto& b = r.evaluations[static_cast<std::size_t>(r.best)];
    frontier_found.push_back(1);
    frontier_x.insert(frontier_x.end(), b.x.begin(), b.x.end());
    frontier_in.push_back(spec.maximize ? -b.objective : b.objective);
    frontier_out.push_back(statistics(b.x, spec.out_of_sample_seed, false)[0].value);
  }
  out.frontier_in = frontier_in;
  out.frontier_out = frontier_out;

  // The paired comparison as a scenario file: "current" (the reference) and "optimum".
  RunConfig study = cfg;
  study.run.seed = spec.out_of_sample_seed;
  study.reference = "current";
  study.scenarios.clear();
  Scenario current;
  current.name = "current";
  current.config = std::make_shared<RunConfig>(load_variant(cfg.source, cfg.overrides, {}));
  Scenario optimum;
  optimum.name = "optimum";
  optimum.values = spec.at(best.x);
  optimum.config = std::make_shared<RunConfig>(load_variant(cfg.source, cfg.overrides, optimum.values));
  study.scenarios = {current, optimum};
  run_scenarios(study, options, output, quiet, storage, [&](hid_t root) {
    auto g = h5::create_group(root, "optimize");
    h5::lines_attr(g, "variables", spec.keys);
    h5::attr(g, "objective", spec.objective.describe());
    h5::attr(g, "goal", spec.maximize ? std::string("maximize") : std::string("minimize"));
    std::vector<std::string> cons;
    for (const auto& c : spec.constraints)
      cons.push_back(fmt::format("{} {} {}", c.statistic.describe(), c.at_most ? "<=" : ">=", c.bound));
    h5::lines_attr(g, "constraints", cons);
    h5::attr(g, "status", result.status);
    h5::attr(g, "in_sample_seed", static_cast<std::int64_t>(cfg.run.seed));
    h5::attr(g, "out_of_sample_seed", static_cast<std::int64_t>(spec.out_of_sample_seed));
    h5::attr(g, "best", static_cast<std::int64_t>(result.best));
    h5::write(g, "lower", spec.lower);
    h5::write(g, "upper", spec.upper);
    h5::write(g, "start", spec.start);
    h5::write(g, "optimum", best.x);
    const auto n = result.evaluations.size(), nv = spec.keys.size(), nc = spec.constraints.size();
    std::vector<double> xs, objective, constraint_values;
    std::vector<std::int32_t> feasible;
    for (const auto& e : result.evaluations) {
      xs.insert(xs.end(), e.x.begin(), e.x.end());
      objective.push_back(spec.maximize ? -e.objective : e.objective);
      for (std::size_t i = 0; i < nc; ++i) {
        const auto& k = spec.constraints[i];
        constraint_values.push_back(k.at_most ? e.constraints[i] + k.bound : k.bound - e.constraints[i]);
      }
      feasible.push_back(e.feasible ? 1 : 0);
    }
    h5::write(g, "evaluations_x", xs, {n, nv});
    h5::write(g, "evaluations_objective", objective);
    if (nc > 0) h5::write(g, "evaluations_constraints", constraint_values, {n, nc});
    h5::write(g, "evaluations_feasible", feasible);
    h5::write(g, "in_sample", in_sample);
    h5::write(g, "out_of_sample_current", now);
    h5::write(g, "out_of_sample_optimum", opt);
    h5::write(g, "in_sample_lower", out.in_lower);
    h5::write(g, "in_sample_upper", out.in_upper);
    h5::write(g, "out_of_sample_current_lower", out.current_lower);
    h5::write(g, "out_of_sample_current_upper", out.current_upper);
    h5::write(g, "out_of_sample_optimum_lower", out.optimum_lower);
    h5::write(g, "out_of_sample_optimum_upper", out.optimum_upper);
    if (!spec.frontier_bounds.empty()) {
      h5::attr(g, "frontier_constraint", static_cast<std::int64_t>(spec.frontier_constraint));
      h5::write(g, "frontier_bounds", spec.frontier_bounds);
      h5::write(g, "frontier_x", frontier_x, {spec.frontier_bounds.size(), nv});
      h5::write(g, "frontier_objective_in_sample", frontier_in);
      h5::write(g, "frontier_objective_out_of_sample", frontier_out);
      h5::write(g, "frontier_found", frontier_found);
    }
  });
  return out;
}

}  // namespace pfsim
