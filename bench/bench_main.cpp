// Google Benchmark micro and end-to-end benchmarks of pfsim.
// Run: build/release/bench/pfsim_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "core/distribution.h"
#include "core/lanes.h"
#include "core/normal.h"
#include "core/rng.h"
#include "io/config.h"
#include "models/pension_model.h"
#include "run/sample_producer.h"
#include "run/summarize.h"

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <memory>

namespace {

const pfsim::RunConfig& baseline() {
  static const pfsim::RunConfig cfg = pfsim::load_config(std::string(PFSIM_SOURCE_DIR) + "/configs/china_baseline.toml");
  return cfg;
}
const pfsim::PensionModel& model() {
  static const pfsim::PensionModel m(baseline().model);
  return m;
}

// R identical regions, each 1/R of the nation, with internal migration from
// every region to every other (when `migration`) and provincial pooling:
// every regional part runs (models/regions).
const pfsim::PensionModel& regions_model(int regions, bool migration) {
  static std::map<std::pair<int, bool>, std::unique_ptr<pfsim::PensionModel>> models;
  auto& slot = models[{regions, migration}];
  if (!slot) {
    const auto dir = std::filesystem::temp_directory_path() / "pfsim-bench";
    std::filesystem::create_directories(dir);
    const auto path = dir / ("regions_" + std::to_string(regions) + (migration ? "_m" : "") + ".toml");
    std::ofstream out(path);
    out << "include = [\"" << PFSIM_SOURCE_DIR << "/configs/china_baseline.toml\"]\n[regions]\nnames = [";
    for (int r = 0; r < regions; ++r) out << (r ? ", " : "") << "\"r" << r << "\"";
    out << "]\n";
    const double share = 1.0 / regions;
    for (int r = 0; r < regions; ++r) {
      out << "[regions.r" << r << "]\n" << std::setprecision(17) << "population_share = " << share
          << "\ninternational_migration_share = " << share << "\nfund_balance = " << 6.0e12 * share
          << "\ncalibration = { contributors = " << 379.25e6 * share << ", pensioners = " << 141.96e6 * share << " }\n";
      if (regions > 1 && migration) {
        out << "out_migration = 0.01\ndestinations = { ";
        for (int j = 0, k = 0; j < regions; ++j)
          if (j != r) out << (k++ ? ", " : "") << "r" << j << " = " << 1.0 / (regions - 1);
        out << " }\n";
      }
    }
    out << "[pooling]\nregime = \"provincial\"\n";
    out.close();
    slot = std::make_unique<pfsim::PensionModel>(pfsim::load_config(path.string()).model);
  }
  return *slot;
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

// The whole model on one thread, kLanes paths side by side (core/lanes.h);
// items = path-years.
void model_groups(benchmark::State& state, const pfsim::PensionModel& m) {
  pfsim::Workspace ws;
  std::array<pfsim::PathRecord, pfsim::kLanes> recs;
  for (auto& r : recs) m.prepare(ws, r);
  std::array<std::uint64_t, pfsim::kLanes> ids;
  std::uint64_t id = 0;
  for (auto _ : state) {
    for (auto& i : ids) i = id++;
    m.simulate(7, ids, false, ws, recs);
    benchmark::DoNotOptimize(recs[0].year_values.data());
  }
  state.SetItemsProcessed(state.iterations() * pfsim::kLanes * m.years());
}
void BM_ModelPath(benchmark::State& state) { model_groups(state, model()); }
BENCHMARK(BM_ModelPath);

// The whole model with R regions, on one thread; items = path-years,
// so the time per item against BM_ModelPath is the cost of R regions.
void BM_ModelPathRegions(benchmark::State& state) {
  model_groups(state, regions_model(static_cast<int>(state.range(0)), state.range(1) != 0));
}
// Args: regions, internal migration (every region to every other: R (R - 1) flows by age).
BENCHMARK(BM_ModelPathRegions)->Args({1, 0})->Args({2, 1})->Args({5, 1})->Args({10, 1})->Args({5, 0})->Args({10, 0});

// The whole model with representative workers (configs/examples/
// replacement_rates.toml: 36 workers, an annuity and a private pension) on
// one thread; items = path-years, so the time per item against BM_ModelPath
// is the cost of the workers.
void BM_ModelPathWorkers(benchmark::State& state) {
  static const pfsim::RunConfig cfg =
      pfsim::load_config(std::string(PFSIM_SOURCE_DIR) + "/configs/examples/replacement_rates.toml");
  static const pfsim::PensionModel m(cfg.model);
  model_groups(state, m);
}
BENCHMARK(BM_ModelPathWorkers);

// The whole model with the residents' scheme, GDP and both annuity plans
// (configs/examples/multilevel.toml) on one thread; items = path-years, so
// the time per item against BM_ModelPath is the cost of the added tiers.
void BM_ModelPathMultilevel(benchmark::State& state) {
  static const pfsim::RunConfig cfg =
      pfsim::load_config(std::string(PFSIM_SOURCE_DIR) + "/configs/examples/multilevel.toml");
  static const pfsim::PensionModel m(cfg.model);
  model_groups(state, m);
}
BENCHMARK(BM_ModelPathMultilevel);

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
// cohort projection) for kLanes paths; items = path-years.
// The same with the Lee-Carter mortality of configs/china_two_regime.toml
// (separate sexes, deterministic migration, no parameter draws): the cost
// the baseline's Li-Lee model, stochastic migration and draws add.
const pfsim::PensionModel& lee_carter_model() {
  static const pfsim::RunConfig cfg = pfsim::load_config(std::string(PFSIM_SOURCE_DIR) + "/configs/china_two_regime.toml");
  static const pfsim::PensionModel m(cfg.model);
  return m;
}

void demography_steps(benchmark::State& state, const pfsim::PensionModel& m) {
  const auto& demo = m.demography();
  pfsim::DemographyState ds;
  std::array<std::uint64_t, pfsim::kLanes> ids;
  std::uint64_t next_id = 0;
  for (auto& i : ids) i = next_id++;
  int t = 0;
  demo.start(ds);
  for (auto _ : state) {
    if (t == m.years()) {
      demo.start(ds);
      t = 0;
      for (auto& i : ids) i = next_id++;
    }
    demo.step(7, ids, false, m.params().start_year + t, ds);
    pfsim::DemographyModel::advance(ds);
    ++t;
  }
  state.SetItemsProcessed(state.iterations() * pfsim::kLanes);
}
void BM_DemographyStep(benchmark::State& state) { demography_steps(state, model()); }
void BM_DemographyStepLeeCarter(benchmark::State& state) { demography_steps(state, lee_carter_model()); }
BENCHMARK(BM_DemographyStep);
BENCHMARK(BM_DemographyStepLeeCarter);

// The scheme step alone on a fixed demography, kLanes paths; items = path-years.
void BM_SchemeStep(benchmark::State& state) {
  const auto& m = model();
  pfsim::DemographyState ds;
  m.demography().start(ds);
  std::array<std::uint64_t, pfsim::kLanes> ids;
  for (int l = 0; l < pfsim::kLanes; ++l) ids[static_cast<std::size_t>(l)] = static_cast<std::uint64_t>(l);
  m.demography().step(7, ids, false, m.params().start_year, ds);
  pfsim::SchemeState ss;
  pfsim::SchemeFlowLanes f;
  const pfsim::SchemeEconomyLanes econ{pfsim::splat(0.05), pfsim::splat(0.02), pfsim::splat(0.05), pfsim::splat(0.02),
                                       pfsim::splat(0.03)};
  m.scheme().start(ss);
  for (auto _ : state) {
    m.scheme().step(m.params().start_year, econ, ds, ss, f);
    benchmark::DoNotOptimize(f.benefits_basic);
  }
  state.SetItemsProcessed(state.iterations() * pfsim::kLanes);
}
BENCHMARK(BM_SchemeStep);

// The limit kernel: the model's random draws (6 economy shocks, 2 Lee-Carter,
// 1 fertility per path-year) and its cohort arithmetic (the VAR step, 202
// log-rates to rates, survival, the two-sex cohort shift, births, a
// per-cohort account update) with every rule, statistic and output stripped,
// on kLanes paths side by side as the model runs them: the floor of what a
// path-year of this model can cost. items = path-years.
//
// With R regions (Arg) the draws and the rates are the nation's, once; the
// cohort shift, births and account update run for each region: the floor of
// what R regions can cost.
void BM_LimitKernel(benchmark::State& state) {
  using pfsim::Lane;
  using pfsim::kLanes;
  const auto& m = model();
  const int n_ages = m.demography().ages();
  const auto n = static_cast<std::size_t>(n_ages);
  const auto& p = m.params().demography;
  const auto regions = static_cast<std::size_t>(state.range(0));
  std::vector<std::array<std::vector<Lane>, 2>> pops(regions), nexts(regions);
  std::vector<std::vector<Lane>> accs(regions, std::vector<Lane>(2 * n, pfsim::splat(1.0)));
  std::vector<Lane> mx[2];
  std::vector<double> lm[2];
  // The age pattern of the mortality index: Lee-Carter's beta, or Li-Lee's
  // common B (the baseline's model).
  const std::vector<double>* beta[2];
  for (int x = 0; x < 2; ++x) beta[x] = p.lc_beta[x].empty() ? &p.ll_B : &p.lc_beta[x];
  for (int x = 0; x < 2; ++x) {
    for (std::size_t r = 0; r < regions; ++r) {
      pops[r][x].resize(n);
      for (std::size_t a = 0; a < n; ++a)
        pops[r][x][a] = pfsim::splat(m.demography().initial_population()[x][a] / static_cast<double>(regions));
      nexts[r][x].assign(n, pfsim::splat(0.0));
    }
    mx[x].assign(n, pfsim::splat(0.0));
    lm[x].resize(n);
    for (std::size_t a = 0; a < n; ++a) lm[x][a] = std::log(p.jump_off_mx[x][a]);
  }
  const Eigen::MatrixXd L = Eigen::MatrixXd::Identity(6, 6) * 0.1;
  Eigen::VectorXd eps(6);
  std::array<Eigen::VectorXd, kLanes> dev;
  for (auto& d : dev) d = Eigen::VectorXd::Zero(6);
  std::uint64_t group = 0;
  int t = 0;
  Lane kappa = pfsim::splat(0.0), tfr, wage_growth;
  for (auto _ : state) {
    if (t == m.years()) { t = 0; ++group; kappa = pfsim::splat(0.0); }
    const auto step = static_cast<std::uint32_t>(t + 1);
    for (int l = 0; l < kLanes; ++l) {
      const std::uint64_t path = group * kLanes + static_cast<std::uint64_t>(l);
      pfsim::RandomStream se(7, path, pfsim::Stream::economy_shocks, step);
      pfsim::fill_standard_normal(se, eps.data(), 6);
      auto& d = dev[static_cast<std::size_t>(l)];
      d = L * eps + 0.5 * d;
      wage_growth[l] = d(1) * 0.01;
      pfsim::RandomStream sm(7, path, pfsim::Stream::mortality, step);
      kappa[l] += -2.5 + pfsim::standard_normal(sm) + 0.0 * pfsim::standard_normal(sm);
      pfsim::RandomStream sf(7, path, pfsim::Stream::fertility, step);
      tfr[l] = std::exp(0.1 * pfsim::standard_normal(sf));
    }
    for (int x = 0; x < 2; ++x)
      for (std::size_t a = 0; a < n; ++a) mx[x][a] = pfsim::lane_exp(-pfsim::lane_exp(lm[x][a] + (*beta[x])[a] * kappa));
    for (std::size_t r = 0; r < regions; ++r) {
      auto& pop = pops[r];
      auto& next = nexts[r];
      auto& acc = accs[r];
      Lane births = pfsim::splat(0.0);
      for (int x = 0; x < 2; ++x) {
        for (std::size_t a = n - 1; a >= 1; --a) next[x][a] = pop[x][a - 1] * mx[x][a];
        if (x == 1)
          for (std::size_t a = 15; a < 50; ++a) births += 0.03 * tfr * next[x][a];
        for (std::size_t a = 0; a < n; ++a) acc[x * n + a] = acc[x * n + a] * (1 + wage_growth) + 0.08 * next[x][a];
      }
      next[0][0] = births * 0.52;
      next[1][0] = births * 0.48;
      std::swap(pop[0], next[0]);
      std::swap(pop[1], next[1]);
      benchmark::DoNotOptimize(acc.data());
    }
    ++t;
  }
  state.SetItemsProcessed(state.iterations() * kLanes);
}
BENCHMARK(BM_LimitKernel)->Arg(1)->Arg(5);

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

// Statistics of large columns (the order-statistic selection, not the full
// sort small columns take): 40 columns of 100,000 paths of a skewed,
// fund-like variable (lognormal, a tenth of the paths at zero) on one
// thread; items = values.
void BM_StatisticsColumns(benchmark::State& state) {
  constexpr std::size_t kMetrics = 4, kPaths = 100000;
  constexpr int kYears = 10;
  static const auto sample = [] {
    pfsim::PathSample s({kMetrics, kYears, 0}, 0, kPaths);
    pfsim::RandomStream r(1, 0, pfsim::Stream::economy_shocks, 1);
    for (std::size_t m = 0; m < kMetrics; ++m)
      for (int t = 0; t < kYears; ++t)
        for (float& v : s.year_column(m, t))
          v = r() % 10 == 0 ? 0.0f : static_cast<float>(1e12 * std::exp(0.5 * pfsim::standard_normal(r)));
    return s;
  }();
  const auto& q = baseline().run.quantiles;
  for (auto _ : state) {
    auto d = pfsim::summarize_year_metrics(sample, q, 0.95, 1);
    benchmark::DoNotOptimize(d.data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(kMetrics * kYears * kPaths));
}
BENCHMARK(BM_StatisticsColumns)->Unit(benchmark::kMillisecond);

// Writing the results file of a 2,000-path run (statistics precomputed).
void BM_Hdf5Write(benchmark::State& state) {
  const auto& m = model();
  pfsim::EngineOptions eo;
  static const auto sample = pfsim::simulate_paths(m, 7, 0, 2000, eo);
  static const auto summary = pfsim::summarize_run(m, sample, baseline(), 1);
  const auto path = (std::filesystem::temp_directory_path() / "pfsim_bench_write.h5").string();
  for (auto _ : state) pfsim::write_results(path, baseline(), m, sample, summary, 1);
  std::filesystem::remove(path);
}
BENCHMARK(BM_Hdf5Write)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
