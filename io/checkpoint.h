#pragma once
// Checkpointed simulation: paths are simulated in chunks, each saved to
// DIR as a partial file as soon as it is complete (written under a temporary
// name, then renamed). Started again with the same command, a run loads the
// chunks it finds and simulates only the rest, giving the same bits as an
// uninterrupted run.
#include <string>

#include "core/engine.h"
#include "core/path_sample.h"
#include "io/config.h"
#include "models/pension_model.h"

namespace pfsim {

// Paths per chunk for a run of n paths: about 2% of the run, at least 256.
std::uint64_t checkpoint_chunk(std::uint64_t n);

// Throws InputError when DIR holds chunks of another config or seed. The
// sample is assembled in memory or, beyond storage.memory_limit, in a spill file.
PathSample simulate_with_checkpoints(const PensionModel& model, const RunConfig& cfg, std::uint64_t first,
                                     std::uint64_t n, const EngineOptions& options, const std::string& dir,
                                     std::uint64_t* resumed_paths, const SampleStorage& storage = {});

}  // namespace pfsim
