#pragma once
// Several runs of one config on common random numbers: scenarios compared
// with paired differences against a reference, and goal seeking on a lever.
#include <functional>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/path_sample.h"
#include "io/config.h"
#include "io/study_writer.h"
#include "models/pension_model.h"

namespace pfsim {

// Simulates every scenario on the same (seed, path ids) and writes one
// results file: the reference at the root (so every single-run reader
// works), each scenario under /scenarios/<name>, paired differences against
// the reference, and the comparison table under /comparison. Two samples
// are held at once (the reference's and the current scenario's); each goes
// where `storage` says (in memory, or spilled beyond its memory limit).
void run_scenarios(const RunConfig& cfg, const EngineOptions& options, const std::string& output, bool quiet,
                   const SampleStorage& storage = {}, const std::function<void(hid_t)>& extra = {});

// The years of a scenario comparison table: [scenarios] compare_years, or
// the first years the reference's probability of depletion reaches 5%, 50%
// and 95%, and the horizon's last year.
std::vector<int> comparison_years(const RunConfig& cfg, const RunSummary& reference);

// Bisection on the lever; the interval comes from the same bisection on the
// statistic's confidence bounds. Writes the evaluations to `output`.
// Each evaluation's sample goes to `storage` (spilled beyond its limit).
GoalSeekOutcome run_goal_seek(const RunConfig& cfg, const EngineOptions& options, const std::string& output, bool quiet,
                              const SampleStorage& storage = {});

// A statistic (docs/config.md, [optimize]) of one run's sample, with its
// Monte Carlo interval at `confidence`: Wilson for a probability, mean -+ z
// s.e. for a mean, the order-statistic interval for a quantile, and
// ES -+ z s.e. for an expected shortfall (the intervals of the results file).
struct StatisticEstimate {
  double value = 0, lower = 0, upper = 0;
};
StatisticEstimate sample_statistic(const PensionModel& model, const PathSample& sample, const StatisticSpec& s,
                                   double confidence);

struct OptimizeOutcome {
  std::vector<double> x;                  // the optimum: the best evaluation that meets every constraint in sample
  double objective = 0;                   // its objective in sample
  std::vector<double> constraints;        // its constrained statistics in sample
  // Each statistic's Monte Carlo interval (run.confidence), objective first
  // then the constraints: in sample, and out of sample at the optimum and
  // at the config's values.
  std::vector<double> in_lower, in_upper, optimum_lower, optimum_upper, current_lower, current_upper;
  std::size_t evaluations = 0;
  std::string status;                     // why the search stopped
  // Out of sample (a fresh seed): the objective and constraints at the
  // config's values and at the optimum, on the same paths.
  double current_objective = 0, optimum_objective = 0;
  std::vector<double> current_constraints, optimum_constraints;
  // Wall time of the search and the out-of-sample statistics, and the part
  // of it spent simulating (the rest: loading variants, building models, statistics).
  double search_seconds = 0, simulation_seconds = 0;
  // The frontier (frontier_bounds): the optimum's objective in and out of sample at each bound; NaN where none is feasible.
  std::vector<double> frontier_in, frontier_out;
};

// COBYLA over the variables on the run's seed, then the optimum against the
// config's values on out_of_sample_seed as a scenario file (with /optimize).
OptimizeOutcome run_optimize(const RunConfig& cfg, const EngineOptions& options, const std::string& output, bool quiet,
                             const SampleStorage& storage = {});

}  // namespace pfsim
