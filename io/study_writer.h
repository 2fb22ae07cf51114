#pragma once
// Writes the files of studies made of several simulations: a scenario run
// (the reference's results at the root, each scenario and its paired
// differences under /scenarios, the comparison table under /comparison) and
// the evaluations of a goal seek (docs/results-format.md).
#include <map>
#include <memory>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "core/path_sample.h"
#include "io/config.h"
#include "io/results_writer.h"
#include "models/pension_model.h"

namespace pfsim {

// A paired comparison by year: the mean of the per-path differences, its
// paired standard error, the standard error on independent paths, and the
// interval.
struct PairedSeries {
  std::vector<double> mean, se, se_independent, lower, upper;
};

// One scenario of a study and its comparison with the reference (the first).
struct ScenarioResult {
  std::string name;
  std::shared_ptr<const RunConfig> cfg;
  std::unique_ptr<PensionModel> model;
  RunSummary summary;
  std::map<std::string, PairedSeries> differences;  // year metric -> by year
  PairedSeries depletion;                           // P(depleted by y), by year
  // Per-path scalars compared (kComparedScalars, one value each).
  std::vector<std::pair<std::string, PairedSeries>> scalar_differences;
  // With [sensitivity]: the difference of the median depletion years
  // (censored at end_year + 1) and its paired bootstrap standard error.
  double median_depletion_difference = 0, median_depletion_difference_se = 0;
};

// Paired bootstrap resamples behind median_depletion_difference_se.
inline constexpr int kBootstrapResamples = 200;

// The scalars whose paired differences a scenario file stores and the
// summary shows; depletion_year is censored at end_year + 1 (a path that
// never depletes counts as depleting the year after the horizon).
inline const std::vector<std::string> kComparedScalars{"depletion_year", "actuarial_balance", "pv_backstop",
                                                       "max_drawdown", "tracking_error", "active_return"};

// comparison_years: the years of the comparison table, within the horizon.
// extra: writes more groups at the root before the file is complete (an optimisation's /optimize).
void write_scenarios(const std::string& output, const RunConfig& cfg, const std::vector<ScenarioResult>& outs,
                     const PathSample& reference_sample, const std::vector<int>& comparison_years, int threads,
                     const std::function<void(hid_t)>& extra = {});

struct GoalSeekOutcome {
  double lever = 0, lower = 0, upper = 0;  // the value and its Monte Carlo interval
  bool holds_above = false;
  std::string description;
  std::string unit;  // of the statistic: "probability", or the metric's unit label
};

struct GoalSeekEvaluation {
  double lever = 0, value = 0, lower = 0, upper = 0;
};

void write_goal_seek(const std::string& output, const RunConfig& cfg, const GoalSeekOutcome& outcome,
                     const std::vector<GoalSeekEvaluation>& evaluations);

}  // namespace pfsim
