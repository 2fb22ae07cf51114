#include "models/simulation.h"

#include <algorithm>
#include <array>

#include <tbb/enumerable_thread_specific.h>

#include <stdexcept>

namespace pfsim {

namespace {
struct Worker {
  Workspace ws;
  std::array<PathRecord, kLanes> recs;
  bool ready = false;
};
}  // namespace

PathSample simulate_paths(const PensionModel& model, std::uint64_t seed, std::uint64_t first_path,
                          std::uint64_t paths, const EngineOptions& options) {
  PathSample sample(model.year_metrics().size(), model.years(), model.scalar_metrics().size(), first_path, paths);
  simulate_paths_into(model, seed, sample, options);
  return sample;
}

void simulate_paths_into(const PensionModel& model, std::uint64_t seed, PathSample& sample, const EngineOptions& options) {
  if (sample.year_metrics() != model.year_metrics().size() || sample.years() != model.years() ||
      sample.scalars() != model.scalar_metrics().size())
    throw std::logic_error("simulate_paths_into: the sample's shape is not the model's");
  const std::uint64_t first_path = sample.first_path(), paths = sample.paths();
  tbb::enumerable_thread_specific<Worker> workers;
  run_blocks(first_path, paths, options, [&](std::uint64_t lo, std::uint64_t hi) {
    auto& w = workers.local();
    if (!w.ready) {
      for (auto& rec : w.recs) model.prepare(w.ws, rec);
      w.ready = true;
    }
    // Groups of kLanes paths; a short last group repeats its last path in
    // the spare lanes, whose results are dropped.
    for (std::uint64_t p0 = lo; p0 < hi; p0 += kLanes) {
      std::array<std::uint64_t, kLanes> ids;
      for (int l = 0; l < kLanes; ++l) ids[l] = std::min<std::uint64_t>(p0 + static_cast<std::uint64_t>(l), hi - 1);
      model.simulate(seed, ids, false, w.ws, w.recs);
      sample.store_records(p0, static_cast<std::size_t>(std::min<std::uint64_t>(kLanes, hi - p0)), w.recs.data());
    }
  });
}

PathRecord simulate_central(const PensionModel& model) {
  Workspace ws;
  PathRecord rec;
  model.prepare(ws, rec);
  model.simulate(0, 0, true, ws, rec);
  return rec;
}

}  // namespace pfsim
