// Google Benchmark micro and end-to-end benchmarks of pfsim.
// Run: build/release/bench/pfsim_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "core/distribution.h"
#include "core/fast_exp.h"
#include "core/normal.h"
#include "core/rng.h"
#include "io/config.h"
#include "models/pension_model.h"
#include "models/simulation.h"
#include "io/results_writer.h"

#include <filesystem>

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

// The demography step alone (Lee-Carter rates, life tables, fertility,
// cohort projection); items = path-years.
void BM_DemographyStep(benchmark::State& state) {
  const auto& m = model();
  const auto& demo = m.demography();
  pfsim::DemographyState ds;
  std::uint64_t path = 0;
  int t = 0;
  demo.start(ds);
  for (auto _ : state) {
    if (t == m.years()) {
      demo.start(ds);
      t = 0;
      ++path;
    }
    demo.step(7, path, false, m.params().start_year + t, ds);
    pfsim::DemographyModel::advance(ds);
    ++t;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DemographyStep);

// The scheme step alone on a fixed demography; items = path-years.
void BM_SchemeStep(benchmark::State& state) {
  const auto& m = model();
  pfsim::DemographyState ds;
  m.demography().start(ds);
  m.demography().step(7, 0, true, m.params().start_year, ds);
  pfsim::SchemeState ss;
  pfsim::SchemeFlows f;
  const pfsim::SchemeEconomy econ{0.05, 0.02, 0.05, 0.02, 0.03};
  m.scheme().start(ss);
  for (auto _ : state) {
    m.scheme().step(m.params().start_year, econ, ds, ss, f);
    benchmark::DoNotOptimize(f.benefits_basic);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SchemeStep);

// The limit kernel: the model's random draws (6 economy shocks, 2 Lee-Carter,
// 1 fertility per path-year) and its cohort arithmetic (the VAR step, 202
// log-rates to rates, survival, the two-sex cohort shift, births, a
// per-cohort account update) with every rule, statistic and output stripped:
// the floor of what a path-year of this model can cost.
void BM_LimitKernel(benchmark::State& state) {
  const auto& m = model();
  const int n_ages = m.demography().ages();
  const auto& p = m.params().demography;
  std::vector<double> pop[2], next[2], lm[2], mx[2], acc(static_cast<std::size_t>(2 * n_ages), 1.0);
  for (int x = 0; x < 2; ++x) {
    pop[x] = m.demography().initial_population()[x];
    next[x].assign(static_cast<std::size_t>(n_ages), 0.0);
    mx[x].assign(static_cast<std::size_t>(n_ages), 0.0);
    lm[x].resize(static_cast<std::size_t>(n_ages));
    for (int a = 0; a < n_ages; ++a) lm[x][static_cast<std::size_t>(a)] = std::log(p.jump_off_mx[x][static_cast<std::size_t>(a)]);
  }
  const Eigen::MatrixXd L = Eigen::MatrixXd::Identity(6, 6) * 0.1;
  Eigen::VectorXd eps(6), z(6), dev = Eigen::VectorXd::Zero(6);
  std::uint64_t path = 0;
  int t = 0;
  double kappa = 0;
  for (auto _ : state) {
    if (t == m.years()) { t = 0; ++path; kappa = 0; }
    const auto step = static_cast<std::uint32_t>(t + 1);
    pfsim::RandomStream se(7, path, pfsim::Stream::economy_shocks, step);
    pfsim::fill_standard_normal(se, eps.data(), 6);
    z.noalias() = L * eps + 0.5 * dev;
    dev = z;
    pfsim::RandomStream sm(7, path, pfsim::Stream::mortality, step);
    kappa += -2.5 + pfsim::standard_normal(sm) + 0.0 * pfsim::standard_normal(sm);
    pfsim::RandomStream sf(7, path, pfsim::Stream::fertility, step);
    const double tfr = std::exp(0.1 * pfsim::standard_normal(sf));
    double births = 0;
    for (int x = 0; x < 2; ++x) {
      for (int a = 0; a < n_ages; ++a)
        mx[x][static_cast<std::size_t>(a)] = lm[x][static_cast<std::size_t>(a)] + p.lc_beta[x][static_cast<std::size_t>(a)] * kappa;
      pfsim::exp_array(mx[x].data(), mx[x].data(), n_ages);
      for (int a = 0; a < n_ages; ++a) mx[x][static_cast<std::size_t>(a)] = -mx[x][static_cast<std::size_t>(a)];
      pfsim::exp_array(mx[x].data(), mx[x].data(), n_ages);  // one-year survival
      for (int a = n_ages - 1; a >= 1; --a)
        next[x][static_cast<std::size_t>(a)] = pop[x][static_cast<std::size_t>(a - 1)] * mx[x][static_cast<std::size_t>(a)];
      if (x == 1)
        for (int a = 15; a < 50; ++a) births += 0.03 * tfr * next[x][static_cast<std::size_t>(a)];
      for (int a = 0; a < n_ages; ++a)
        acc[static_cast<std::size_t>(x * n_ages + a)] = acc[static_cast<std::size_t>(x * n_ages + a)] * (1 + z(1) * 0.01) + 0.08 * next[x][static_cast<std::size_t>(a)];
    }
    next[0][0] = births * 0.52;
    next[1][0] = births * 0.48;
    std::swap(pop[0], next[0]);
    std::swap(pop[1], next[1]);
    benchmark::DoNotOptimize(acc.data());
    ++t;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LimitKernel);

// Statistics for a 2,000-path sample: every year metric's moments, quantiles
// and intervals; items = metric-year-path values.
void BM_Statistics(benchmark::State& state) {
  const auto& m = model();
  pfsim::EngineOptions eo;
  static const auto sample = pfsim::simulate_paths(m, 7, 0, 2000, eo);
  const auto& q = baseline().run.quantiles;
  for (auto _ : state) {
    auto d = pfsim::summarize_year_metrics(sample, q, 0.95, 1);
    benchmark::DoNotOptimize(d.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(sample.year_metrics()) * m.years() * 2000);
}
BENCHMARK(BM_Statistics)->Unit(benchmark::kMillisecond);

// Writing the results file of a 2,000-path run (statistics precomputed).
void BM_Hdf5Write(benchmark::State& state) {
  const auto& m = model();
  pfsim::EngineOptions eo;
  static const auto sample = pfsim::simulate_paths(m, 7, 0, 2000, eo);
  static const auto summary = pfsim::summarize_run(m, sample, baseline(), 1);
  const auto path = (std::filesystem::temp_directory_path() / "pfsim_bench_write.h5").string();
  for (auto _ : state) pfsim::write_results(path, baseline(), m, sample, summary);
  std::filesystem::remove(path);
}
BENCHMARK(BM_Hdf5Write)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
