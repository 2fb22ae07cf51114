#include "models/simulation.h"

#include <tbb/enumerable_thread_specific.h>

namespace pfsim {

namespace {
struct Worker {
  Workspace ws;
  PathRecord rec;
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
      model.prepare(w.ws, w.rec);
      w.ready = true;
    }
    const std::size_t width = w.rec.year_values.size(), ns = w.rec.scalars.size();
    w.year_rows.resize(static_cast<std::size_t>(hi - lo) * width);
    w.scalar_rows.resize(static_cast<std::size_t>(hi - lo) * ns);
    for (std::uint64_t p = lo; p < hi; ++p) {
      model.simulate(seed, p, false, w.ws, w.rec);
      const auto k = static_cast<std::size_t>(p - lo);
      for (std::size_t c = 0; c < width; ++c) w.year_rows[k * width + c] = static_cast<float>(w.rec.year_values[c]);
      for (std::size_t c = 0; c < ns; ++c) w.scalar_rows[k * ns + c] = w.rec.scalars[c];
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
