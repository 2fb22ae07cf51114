#pragma once
// Writes a run's results to HDF5 (docs/results-format.md), under a temporary
// name renamed on success: a failed or interrupted run never leaves a file
// under the final name.
#include <hdf5.h>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "core/distribution.h"
#include "core/path_sample.h"
#include "io/config.h"
#include "io/results_format.h"
#include "models/pension_model.h"
#include "models/risk_report.h"

namespace pfsim {

// What a run's results file holds besides its config: the distribution of
// every column, the risk report and the central path (run/summarize.h).
struct RunSummary {
  std::vector<Distribution> year;     // per year metric
  std::vector<Distribution> scalar;   // per scalar metric
  RiskReport risk;
  PathRecord central;
};

// The root attributes every file of a run carries: pfsim's version and git
// commit, the time of writing, the seed, the run's name, currency, horizon
// and confidence, the config file, the resolved config and the overrides.
void write_provenance(hid_t root, const RunConfig& cfg);

// The per-path values of year metric `metric` (its index in the model) for
// output.paths, as [years][paths]: a view of a sample, or of `scratch`.
using FullPathColumns = std::function<std::span<const float>(std::size_t metric, std::vector<float>& scratch)>;
// The columns of a whole sample (in memory or spilled).
FullPathColumns full_path_columns(const PathSample& sample);

// extra(root) may add groups (scenarios, goal seek) before the file is closed and renamed.
// threads (0 = all) compress the full paths.
void write_results(const std::string& path, const RunConfig& cfg, const PensionModel& model,
                   const PathSample& sample, const RunSummary& summary, int threads,
                   const std::function<void(hid_t)>& extra = {});
// The same where the sample is not in one process (pfsim-mpi): the paths
// output.paths names come from `full`, and the file describes
// summary.risk.paths paths from path 0.
void write_results(const std::string& path, const RunConfig& cfg, const PensionModel& model,
                   const FullPathColumns& full, const RunSummary& summary, int threads);

// The most text (the resolved config, its source, overrides and names) a
// results or partial file records in its root's attributes.
inline constexpr std::size_t kMaxRecordedText = 60000;

// What a results file will need, checked before simulating: output.paths
// names year metrics of the model, and the config's text fits the file's
// attributes (kMaxRecordedText). InputError otherwise.
void check_output_paths(const RunConfig& cfg, const PensionModel& model);

// /metrics, /scalars, /risk, /calibration and /paths of one run, into group g.
void write_run_contents(hid_t g, const RunConfig& cfg, const PensionModel& model, const FullPathColumns& full,
                        const RunSummary& summary, int threads);

}  // namespace pfsim
