#pragma once
// Where a run keeps its per-path sample: in memory, or in a spill file when
// the sample exceeds the memory limit (run.memory_limit, --memory-limit;
// docs/config.md). A spilled sample gives the same bits: the statistics read
// it back a group of columns at a time, each column in path order.
#include <cstdint>
#include <string>

#include "core/engine.h"
#include "core/path_sample.h"
#include "io/config.h"
#include "models/pension_model.h"

namespace pfsim {

// The run's memory limit in bytes ("auto": half of available_memory()) and
// spill directory (run.spill_dir, else $TMPDIR, else the directory of
// `output`). Throws InputError when the directory is not usable; checked
// only when `bytes` (the sample's size) exceeds the limit.
SampleStorage resolve_storage(const RunSettings& run, const std::string& output, std::uint64_t bytes);

// One line for the terminal: what the sample needs and where it goes.
std::string describe_storage(const SampleStorage& storage, std::uint64_t bytes);

// simulate_paths, into memory or, when the sample exceeds the limit, a part
// at a time into a spill file (the next part simulated while the last one is
// written). The same bits either way.
PathSample simulate_sample(const PensionModel& model, std::uint64_t seed, std::uint64_t first, std::uint64_t n,
                           const EngineOptions& options, const SampleStorage& storage);

// Bytes of a sample of `paths` paths of `model`.
std::uint64_t sample_bytes(const PensionModel& model, std::uint64_t paths);

}  // namespace pfsim
