#pragma once
// One path of the whole model: economy -> demography -> scheme -> funds, and
// what the path reports (model.md section 5). Const and thread-safe; each
// thread brings its own Workspace.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/lanes.h"
#include "core/metrics.h"
#include "models/demography/demography.h"
#include "models/economy/economy.h"
#include "models/funds/fund.h"
#include "models/params.h"
#include "models/scheme/scheme.h"

namespace pfsim {

// Year metrics in recording order; per-asset returns follow kYearMetricCount.
enum YearMetric : std::size_t {
  kFundBalance, kFundBalanceReal, kShadowBalanceReal, kMonthsCovered, kIncome, kExpenditure, kSurplus,
  kContributionsPooling, kContributionsAccount, kSubsidy, kBackstop, kBenefitsBasic, kBenefitsTransitional, kBenefitsAccount,
  kOverdraft, kRefunds, kTransfersOut, kAdminCosts, kContributors, kMembers, kPensioners, kNewPensioners,
  kSystemDependency, kReplacementRate, kAveragePension, kAccountLiability, kEmptyAccountGap,
  kBurdenEmployers, kBurdenIndividuals, kBurdenState, kReserveBalance, kReserveTransfer, kAccountFundBalance, kPortfolioReturn, kBenchmarkReturn, kCpi,
  kAverageWage, kInflation, kRealWageGrowth, kNominalWageGrowth, kIndexation, kCreditingRate,
  kPopulation, kPopulation0To14, kPopulation15To64, kPopulation65Plus, kOldAgeDependency, kTfr, kBirths,
  kDeaths, kE0Male, kE0Female, kE60Male, kE60Female, kYearMetricCount
};

enum ScalarMetric : std::size_t {
  kDepletionYear, kActuarialBalance, kActuarialBalanceNoSubsidy, kPvBackstop, kTerminalRealShadowBalance,
  kMaxDrawdown, kTrackingError, kScalarFixedCount
};

// One path's funds and running sums along the years.
struct PathFunds {
  double balance = 0, shadow = 0, reserve = 0, shadow_reserve = 0, account_fund = 0;
  double first_wage = 0, cpi = 1, prev_g = 0, prev_pi = 0, depletion = 0;
  // Actuarial balance accumulators (discounted at the path's fund return).
  double discount = 1, pv_income = 0, pv_contrib = 0, pv_cost = 0, pv_payroll = 0, pv_backstop = 0, last_cost_pv = 0;
  double pv_reserve_inflow = 0;
  // Return statistics.
  double wealth_real = 1, peak = 1, max_dd = 0, te_sum = 0, te_sum2 = 0;
};

// Per-thread scratch for a group of kLanes paths (core/lanes.h).
struct Workspace {
  std::array<EconomyPath, kLanes> economy;
  DemographyState demography;
  SchemeState scheme;
  SchemeFlowLanes flows;
  std::array<PathFunds, kLanes> funds;
  std::array<std::vector<double>, kLanes> gross_return;  // 1 + R_y per year
  std::array<std::vector<double>, kLanes> cpi;           // CPI at the end of each year, CPI(y0 - 1 end) = 1
  std::array<PathRecord, kLanes> records;                // for simulate() of one path
};

class PensionModel {
 public:
  explicit PensionModel(const ModelParams& params);

  const std::vector<MetricSpec>& year_metrics() const { return year_metrics_; }
  const std::vector<MetricSpec>& scalar_metrics() const { return scalar_metrics_; }
  const ModelParams& params() const { return p_; }
  const EconomyModel& economy() const { return economy_; }
  const DemographyModel& demography() const { return demography_; }
  const SchemeModel& scheme() const { return scheme_; }
  int years() const { return p_.years(); }
  // Horizons (years) of the annualised return scalars, the last the whole horizon.
  const std::vector<int>& horizons() const { return horizons_; }
  // Index of the first return scalar for horizon h_index: nominal, real,
  // excess over wage growth, excess over the crediting rate.
  std::size_t return_scalar(std::size_t h_index, int kind) const {
    return kScalarFixedCount + 4 * h_index + static_cast<std::size_t>(kind);
  }

  // Population pyramids: scalars from pyramid_begin() on hold, for each year
  // of params().pyramid_years, the population at 31 December by sex (male
  // first) and age 0..omega.
  std::size_t pyramid_begin() const { return pyramid_begin_; }
  const std::vector<int>& pyramid_years() const { return p_.pyramid_years; }

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

 private:
  // The per-path scalars of lane l once its years are done.
  void finish_path(const Workspace& ws, int l, PathRecord& rec) const;

  ModelParams p_;
  EconomyModel economy_;
  DemographyModel demography_;
  SchemeModel scheme_;
  StrategyModel strategy_;
  StrategyModel benchmark_;
  StrategyModel reserve_strategy_;
  StrategyModel account_strategy_;
  std::vector<double> reserve_inflow_;  // nominal, per year (wage indexing applied per path)
  std::vector<MetricSpec> year_metrics_;
  std::vector<MetricSpec> scalar_metrics_;
  std::vector<int> horizons_;
  std::size_t pyramid_begin_ = 0;
};

}  // namespace pfsim
