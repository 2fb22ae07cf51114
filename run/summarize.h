#pragma once
// From a per-path sample to what a results file reports: the distribution
// of every year metric and scalar, the risk report, and the central path.
#include <atomic>

#include "core/distributed_stats.h"
#include "core/path_sample.h"
#include "io/config.h"
#include "io/results_writer.h"
#include "models/pension_model.h"

namespace pfsim {

// Throws Interrupted when *stop is set (a signal) during the statistics.
RunSummary summarize_run(const PensionModel& model, const PathSample& sample, const RunConfig& cfg, int threads,
                         const std::atomic<bool>* stop = nullptr);

// The same summary of n paths split between the processes of `c`
// (core/distributed_stats.h): `local` holds this process's range,
// rank_range(n, c.size(), c.rank()), in memory or spilled. Every process
// calls it with the same config and gets the summary; it is summarize_run's
// on the whole sample, bit for bit. Columns go in batches of a size every
// process computes alike (at most a quarter of the least run.memory_limit
// of the processes, and 256 MiB), read from a spilled sample batch by
// batch.
RunSummary summarize_distributed(const PensionModel& model, const PathSample& local, std::uint64_t n,
                                 const RunConfig& cfg, Collective& c, int threads,
                                 const std::atomic<bool>* stop = nullptr);

// The statistics of columns split between processes, each column's parts
// handed to write(j, parts) (core/distribution.h's write_column makes the
// Distribution entries of them). cols[j] holds paths [first_path, ...) of
// the process's range; n paths in all.
template <class Value>
void distributed_columns(Collective& c, std::span<const std::span<const Value>> cols, std::uint64_t first_path,
                         std::uint64_t n, std::span<const double> probabilities, double confidence,
                         const std::function<void(std::size_t, const ColumnParts&)>& write);

}  // namespace pfsim
