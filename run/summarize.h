#pragma once
// From a per-path sample to what a results file reports: the distribution
// of every year metric and scalar, the risk report, and the central path.
#include <atomic>

#include "core/path_sample.h"
#include "io/config.h"
#include "io/results_writer.h"
#include "models/pension_model.h"

namespace pfsim {

// Throws Interrupted when *stop is set (a signal) during the statistics.
RunSummary summarize_run(const PensionModel& model, const PathSample& sample, const RunConfig& cfg, int threads,
                         const std::atomic<bool>* stop = nullptr);

}  // namespace pfsim
