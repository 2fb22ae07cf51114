#pragma once
// One path of the whole model, composed of parts over shared per-path state
// (docs/architecture.md, "The path model"):
//
//   economy     EconomyModel (the whole horizon first), EconomyOutputs (rates, CPI)
//   demography  DemographyModel (cohort projection), PopulationOutputs
//   regions     RegionsModel (each region's population and SchemeModel: members,
//               accounts, awards, pensions; internal migration), SchemeOutputs;
//               PoolingModel (the regime, central adjustment, regional funds)
//   residents   ResidentsModel (the residents' scheme outside the employees'), GdpModel
//   annuities   AnnuityFundsModel (the aggregate enterprise and occupational plans)
//   funds       FundsModel (basic fund + backstop, reserve, account fund),
//               ValuationModel (actuarial balance), PerformanceModel (returns)
//
// Each part is const, built once from its parameters; it registers the
// metrics it reports with the OutputRegistry and keeps their slots; per path
// it has a start and a step over a state that the thread's Workspace holds.
// Const and thread-safe; each thread brings its own Workspace.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/lanes.h"
#include "core/metrics.h"
#include "core/path_sample.h"
#include "models/annuities/annuity_funds.h"
#include "models/demography/demography.h"
#include "models/demography/population_outputs.h"
#include "models/uncertainty.h"
#include "models/economy/economy.h"
#include "models/economy/economy_outputs.h"
#include "models/economy/gdp.h"
#include "models/funds/funds.h"
#include "models/funds/performance.h"
#include "models/funds/valuation.h"
#include "models/outputs.h"
#include "models/params.h"
#include "models/regions/regions.h"
#include "models/residents/residents.h"
#include "models/scheme/scheme.h"
#include "models/scheme/scheme_outputs.h"
#include "models/workers/workers.h"

namespace pfsim {

// Per-thread scratch for a group of kLanes paths (core/lanes.h): the cohort
// parts hold kLanes paths side by side, the others one state per lane.
struct Workspace {
  std::array<EconomyPath, kLanes> economy;
  DemographyState demography;  // the national rates and population
  RegionsState regions;        // each region's population and scheme
  SchemeFlowLanes flows;       // the nation's flows (the regions' sums)
  std::array<PoolingState, kLanes> pooling;
  PoolingYear pooling_year;
  std::array<PriceState, kLanes> prices;
  std::array<FundsState, kLanes> funds;
  std::array<ValuationState, kLanes> valuation;
  std::array<PerformanceState, kLanes> performance;
  std::array<WorkersState, kLanes> workers;
  std::array<GdpState, kLanes> gdp;
  ResidentsState residents;    // the residents' scheme, kLanes paths side by side
  std::array<AnnuityFundsState, kLanes> annuities;
  std::array<PathRecord, kLanes> records;  // for simulate() of one path
};

class PensionModel {
 public:
  explicit PensionModel(const ModelParams& params);
  PensionModel(const PensionModel&) = delete;
  PensionModel& operator=(const PensionModel&) = delete;

  const OutputRegistry& outputs() const { return outputs_; }
  const std::vector<MetricSpec>& year_metrics() const { return outputs_.year_metrics(); }
  const std::vector<MetricSpec>& scalar_metrics() const { return outputs_.scalars(); }
  // Slots of metrics by name (std::out_of_range for an unknown name).
  std::size_t year_metric(std::string_view name) const { return outputs_.year_index(name); }
  std::size_t scalar_metric(std::string_view name) const { return outputs_.scalar_index(name); }
  // The representative workers ([workers]; empty without).
  const WorkersModel& workers() const { return workers_; }
  // The residents' scheme ([residents]; empty without).
  const ResidentsModel& residents() const { return residents_; }
  // The aggregate annuity plans ([annuities]; empty without).
  const AnnuityFundsModel& annuities() const { return annuities_; }
  // The shape of every sample of this model.
  SampleShape shape() const { return outputs_.shape(years()); }

  const ModelParams& params() const { return p_; }
  const EconomyModel& economy() const { return economy_; }
  const DemographyModel& demography() const { return demography_; }
  // The scheme of region r (the nation's without regions).
  const SchemeModel& scheme(int r = 0) const { return regions_.scheme(r); }
  const RegionsModel& regions() const { return regions_; }
  int years() const { return p_.years(); }
  const std::vector<int>& horizons() const { return performance_.horizons(); }
  std::size_t return_scalar(std::size_t h_index, int kind) const { return performance_.return_scalar(h_index, kind); }
  std::size_t pyramid_begin() const { return population_.pyramid_begin(); }
  // Whether scalar i is a cell of a population pyramid.
  bool is_pyramid_cell(std::size_t i) const { return population_.is_pyramid_cell(i); }
  const std::vector<int>& pyramid_years() const { return population_.pyramid_years(); }

  // Sizes a workspace and records for this model.
  void prepare(Workspace& ws, PathRecord& rec) const;
  // kLanes paths side by side: lane l simulates paths[l] into recs[l] (each
  // prepared). A path's results do not depend on the other paths of the
  // group; callers with fewer paths repeat one. Throws SimulationError on a
  // non-finite value.
  void simulate(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, Workspace& ws,
                std::array<PathRecord, kLanes>& recs) const;
  // One path (all lanes follow it).
  void simulate(std::uint64_t seed, std::uint64_t path, bool central, Workspace& ws, PathRecord& rec) const;
  // The central path: every shock zero.
  PathRecord central_path() const;

 private:
  void start(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, Workspace& ws) const;
  // The economy of year t in every lane, as the scheme sees it.
  SchemeEconomyLanes scheme_economy(int t, Workspace& ws, std::array<EconomyYear, kLanes>& econ,
                                    std::array<FundReturns, kLanes>& returns) const;
  // Lane l's funds, valuation, performance and metrics once the cohort parts
  // have stepped through year t.
  void lane_year(int t, std::uint64_t path, int l, const EconomyYear& econ, const FundReturns& returns,
                 const PopulationTotals& population, Workspace& ws, PathRecord& rec) const;
  void finish(const Workspace& ws, int l, PathRecord& rec) const;

  ModelParams p_;
  OutputRegistry outputs_;
  EconomyModel economy_;
  DemographyModel demography_;
  RegionsModel regions_;
  FundsModel funds_;
  PoolingModel pooling_;
  ValuationModel valuation_;
  PerformanceModel performance_;
  SchemeOutputs scheme_outputs_;
  EconomyOutputs economy_outputs_;
  PopulationOutputs population_;
  ParameterOutputs parameters_;  // registered before the pyramids, which come last
  WorkersModel workers_;         // representative workers (none without [workers])
  GdpModel gdp_;                 // nominal GDP (none without [economy.gdp])
  ResidentsModel residents_;     // the residents' scheme (none without [residents])
  AnnuityFundsModel annuities_;  // the aggregate annuity plans (none without [annuities])
};

}  // namespace pfsim
