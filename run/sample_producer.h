#pragma once
// The one producer of per-path samples. Every command that simulates
// (run, shards, checkpointed runs, scenarios, goal seek, pfsim-mpi's ranks)
// gets its sample here: the paths of a plan's range, simulated through the
// engine in memory, or a part at a time into a spill file beyond the memory
// limit, or chunk by chunk into a checkpoint directory. The bits are the same
// whichever way the sample is produced.
#include <cstdint>
#include <string>

#include "core/engine.h"
#include "core/path_sample.h"
#include "io/config.h"
#include "models/pension_model.h"

namespace pfsim {

// How a sample is produced: its range of path ids, where it is kept, the
// checkpoint directory (empty: none) and the engine's options.
struct SamplePlan {
  std::uint64_t first = 0, count = 0;
  SampleStorage storage;
  std::string checkpoint_dir;
  EngineOptions engine;
};

// What producing a sample did besides simulating.
struct SampleReport {
  std::uint64_t resumed_paths = 0;  // paths read back from checkpoint chunks
};

// The sample of plan.first .. plan.first + plan.count - 1 for cfg.run.seed.
// Throws InputError when the checkpoint directory holds chunks of another
// config, seed or build; Interrupted when plan.engine.stop is set.
PathSample produce_sample(const PensionModel& model, const RunConfig& cfg, const SamplePlan& plan,
                          SampleReport* report = nullptr);

// The paths [first, first + n) in memory: the engine over groups of kLanes
// paths, each thread with its own workspace.
PathSample simulate_paths(const PensionModel& model, std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                          const EngineOptions& options);
// The same into an in-memory sample of the model's shape, for its paths
// (first_path() onwards): a buffer reused from part to part of a spilled run.
void simulate_paths_into(const PensionModel& model, std::uint64_t seed, PathSample& sample, const EngineOptions& options);

// Bytes of a sample of `paths` paths of `model`.
std::uint64_t sample_bytes(const PensionModel& model, std::uint64_t paths);

// The run's memory limit in bytes ("auto": half of available_memory()) and
// spill directory (run.spill_dir, else $TMPDIR, else the directory of
// `output`). Throws InputError when the directory is not usable; checked
// only when `bytes` (the sample's size) exceeds the limit.
SampleStorage resolve_storage(const RunSettings& run, const std::string& output, std::uint64_t bytes);
// One line for the terminal: what the sample needs and where it goes.
std::string describe_storage(const SampleStorage& storage, std::uint64_t bytes);
// The same for a merge that reads the sample from its `files` partial files
// where they are (beyond the memory limit, no spill file).
std::string describe_in_place(const SampleStorage& storage, std::uint64_t bytes, std::size_t files);

// Checks the values of a sample read from a partial file or checkpoint
// chunk `file` against the model beyond what the reader can: a year-valued
// scalar is a year of the run (or +inf where that means "never"). Throws
// InputError naming the file.
void check_read_sample(const PensionModel& model, const PathSample& sample, const std::string& file);

// Paths per checkpoint chunk for a run of n paths: about 2% of the run, at least 256.
std::uint64_t checkpoint_chunk(std::uint64_t n);

}  // namespace pfsim
