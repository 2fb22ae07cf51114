// Google Benchmark micro and end-to-end benchmarks of pfsim.
// Run: build/release/bench/pfsim_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "core/normal.h"
#include "core/rng.h"
#include "io/config.h"
#include "models/pension_model.h"
#include "models/simulation.h"

namespace {

const pfsim::RunConfig& baseline() {
  static const pfsim::RunConfig cfg = pfsim::load_config(std::string(PFSIM_SOURCE_DIR) + "/configs/china_baseline.toml");
  return cfg;
}
const pfsim::PensionModel& model() {
  static const pfsim::PensionModel m(baseline().model);
  return m;
}

// Standard normal variates per second from Philox4x32-10 + Boost's ziggurat.
void BM_NormalVariates(benchmark::State& state) {
  pfsim::RandomStream s(1, 0, pfsim::Stream::economy_shocks, 1);
  double acc = 0;
  for (auto _ : state) {
    acc += pfsim::standard_normal(s);
  }
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_NormalVariates);

// Raw Philox blocks (4 x 32 bits) per second.
void BM_PhiloxWords(benchmark::State& state) {
  pfsim::RandomStream s(1, 0, pfsim::Stream::economy_shocks, 1);
  std::uint32_t acc = 0;
  for (auto _ : state) acc ^= s();
  benchmark::DoNotOptimize(acc);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PhiloxWords);

// The economy generator alone: one path (all years); items = path-years.
void BM_EconomyPath(benchmark::State& state) {
  const auto& m = model();
  pfsim::EconomyPath path;
  std::uint64_t id = 0;
  for (auto _ : state) {
    m.economy().simulate(7, id++, false, path);
    benchmark::DoNotOptimize(path.z.data());
  }
  state.SetItemsProcessed(state.iterations() * m.years());
}
BENCHMARK(BM_EconomyPath);

// The whole model, one path at a time on one thread; items = path-years.
void BM_ModelPath(benchmark::State& state) {
  const auto& m = model();
  pfsim::Workspace ws;
  pfsim::PathRecord rec;
  m.prepare(ws, rec);
  std::uint64_t id = 0;
  for (auto _ : state) {
    m.simulate(7, id++, false, ws, rec);
    benchmark::DoNotOptimize(rec.year_values.data());
  }
  state.SetItemsProcessed(state.iterations() * m.years());
}
BENCHMARK(BM_ModelPath);

// The engine over 512 paths at 1 and 2 threads; items = path-years.
void BM_Engine(benchmark::State& state) {
  const auto& m = model();
  pfsim::EngineOptions eo;
  eo.threads = static_cast<int>(state.range(0));
  const std::uint64_t paths = 512;
  for (auto _ : state) {
    auto sample = pfsim::simulate_paths(m, 7, 0, paths, eo);
    benchmark::DoNotOptimize(sample.scalar_column(0).data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(paths) * m.years());
}
BENCHMARK(BM_Engine)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
