#pragma once
// Runs a range of paths of a PensionModel through the engine into a
// PathSample, and the central path on its own.
#include <cstdint>

#include "core/engine.h"
#include "core/path_sample.h"
#include "models/pension_model.h"

namespace pfsim {

PathSample simulate_paths(const PensionModel& model, std::uint64_t seed, std::uint64_t first_path,
                          std::uint64_t paths, const EngineOptions& options);
// The same into an in-memory sample of the model's shape, for its paths
// (first_path() onwards): a buffer reused from part to part of a spilled run.
void simulate_paths_into(const PensionModel& model, std::uint64_t seed, PathSample& sample, const EngineOptions& options);

PathRecord simulate_central(const PensionModel& model);

}  // namespace pfsim
