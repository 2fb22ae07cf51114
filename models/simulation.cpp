#include "models/simulation.h"

#include <tbb/enumerable_thread_specific.h>

namespace pfsim {

namespace {
struct Worker {
  Workspace ws;
  PathRecord rec;
  bool ready = false;
};
}  // namespace

PathSample simulate_paths(const PensionModel& model, std::uint64_t seed, std::uint64_t first_path,
                          std::uint64_t paths, const EngineOptions& options) {
  PathSample sample(model.year_metrics().size(), model.years(), model.scalar_metrics().size(), first_path, paths);
  tbb::enumerable_thread_specific<Worker> workers;
  run_blocks(first_path, paths, options, [&](std::uint64_t lo, std::uint64_t hi) {
    auto& w = workers.local();
    if (!w.ready) {
      model.prepare(w.ws, w.rec);
      w.ready = true;
    }
    for (std::uint64_t p = lo; p < hi; ++p) {
      model.simulate(seed, p, false, w.ws, w.rec);
      sample.store(p, w.rec);
    }
  });
  return sample;
}

PathRecord simulate_central(const PensionModel& model) {
  Workspace ws;
  PathRecord rec;
  model.prepare(ws, rec);
  model.simulate(0, 0, true, ws, rec);
  return rec;
}

}  // namespace pfsim
