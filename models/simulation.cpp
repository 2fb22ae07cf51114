#include "models/simulation.h"

#include <algorithm>
#include <array>

#include <tbb/enumerable_thread_specific.h>

namespace pfsim {

namespace {
struct Worker {
  Workspace ws;
  std::array<PathRecord, kLanes> recs;
  std::vector<float> year_rows;     // a block's paths, row by row
  std::vector<double> scalar_rows;
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
      for (auto& rec : w.recs) model.prepare(w.ws, rec);
      w.ready = true;
    }
    const std::size_t width = w.recs[0].year_values.size(), ns = w.recs[0].scalars.size();
    w.year_rows.resize(static_cast<std::size_t>(hi - lo) * width);
    w.scalar_rows.resize(static_cast<std::size_t>(hi - lo) * ns);
    // Groups of kLanes paths; a short last group repeats its last path in
    // the spare lanes, whose results are dropped.
    for (std::uint64_t p0 = lo; p0 < hi; p0 += kLanes) {
      std::array<std::uint64_t, kLanes> ids;
      for (int l = 0; l < kLanes; ++l) ids[l] = std::min<std::uint64_t>(p0 + static_cast<std::uint64_t>(l), hi - 1);
      model.simulate(seed, ids, false, w.ws, w.recs);
      for (int l = 0; l < kLanes && p0 + static_cast<std::uint64_t>(l) < hi; ++l) {
        const auto k = static_cast<std::size_t>(p0 + static_cast<std::uint64_t>(l) - lo);
        const PathRecord& rec = w.recs[static_cast<std::size_t>(l)];
        for (std::size_t c = 0; c < width; ++c) w.year_rows[k * width + c] = static_cast<float>(rec.year_values[c]);
        for (std::size_t c = 0; c < ns; ++c) w.scalar_rows[k * ns + c] = rec.scalars[c];
      }
    }
    sample.store_block(lo, static_cast<std::size_t>(hi - lo), w.year_rows, w.scalar_rows);
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
