#pragma once
// Regions and the level of pooling (model.md section 6, docs/model.md D6).
//
//   RegionsModel  the cohort part: each region's population (its share of the
//                 national one, projected on the national rates with its own
//                 fertility factor and share of international migration),
//                 internal migration that conserves people, each region's
//                 scheme, and the personal accounts and pooled-fund
//                 transfers that follow migrating members.
//   PoolingModel  the per-path part: the regime of the year, the central
//                 adjustment fund, the regions' pooled funds and their
//                 backstops, and the region outputs.
//
// With one region and no [regions] table the national model is the region
// and every result is today's single-pool model, bit for bit.
#include <array>
#include <cstdint>
#include <vector>

#include "core/lanes.h"
#include "core/metrics.h"
#include "models/demography/demography.h"
#include "models/funds/fund.h"
#include "models/outputs.h"
#include "models/params.h"
#include "models/scheme/scheme.h"

namespace pfsim {

// What moves between regions with migrating members during one year, per
// region (kLanes paths side by side).
struct RegionTransfers {
  Lane people_out{}, people_in{};        // all migrants (people)
  Lane accounts_out{}, accounts_in{};    // personal account balances that move with members
  Lane pooled_out{}, pooled_in{};        // pooled-fund transfers for the years contributed since 1998
};

// Per-thread state of the regions for kLanes paths.
struct RegionsState {
  std::vector<DemographyState> demography;  // pop and next of each region (rates: the national state)
  std::vector<SchemeState> scheme;
  std::vector<SchemeFlowLanes> flows;
  std::vector<RegionTransfers> transfers;
  std::vector<std::array<std::vector<Lane>, 2>> leaving;  // [region][sex][age]: people leaving this year
  std::vector<std::array<std::vector<Lane>, 2>> accounts_moving;  // [region][sex][age]: their account balances
  std::vector<Lane> population;             // each region's people at the year's end
  std::vector<Lane> wage_deviation;         // each region's AR(1) deviation of ln(w_r / w)
  std::vector<Lane> wage_factor;            // scratch: each region's w_r / w factor of the year
  std::vector<double> wage_eps;             // scratch: each region's wage shock of the year, one lane
  Lane national_wage{};                     // w_{y} of the nation
};

class RegionsModel {
 public:
  // Regions from params.regions; none: one region that is the nation.
  RegionsModel(const ModelParams& params, const DemographyModel& demography);

  int count() const { return static_cast<int>(schemes_.size()); }
  bool single() const { return single_; }
  const SchemeModel& scheme(int r) const { return schemes_[static_cast<std::size_t>(r)]; }
  // The employees' scheme's people (members of working status and
  // pensioners) by sex and age, summed over regions: on 1 January of
  // start_year (deterministic), and at the end of year start_year + t once
  // step has run (before advance), from each region's next population and
  // pensioners.
  void initial_employees(std::array<std::vector<double>, 2>& out) const;
  void employees_at_year_end(int t, const DemographyState& national, const RegionsState& s,
                             std::array<std::vector<Lane>, 2>& out) const;
  const std::array<std::vector<double>, 2>& initial_population(int r) const {
    return initial_[static_cast<std::size_t>(r)];
  }

  void start(DemographyState& national, RegionsState& s) const;
  // One year of the cohort parts after DemographyModel::rates: each region's
  // population, internal migration, each region's scheme, the transfers;
  // then the national population (national.next, births, deaths, migrants)
  // and the national flows (sums over regions).
  void step(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, int year,
            const SchemeEconomyLanes& econ, DemographyState& national, RegionsState& s,
            SchemeFlowLanes& national_flows) const;
  static void advance(RegionsState& s);

 private:
  void migrate(int year, RegionsState& s) const;
  // Each region's wage factor of the year (drift and own shock), into factors.
  void wage_factors(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, int year,
                    RegionsState& s, std::vector<Lane>& factors) const;
  bool wage_shocks_ = false;
  void move_accounts(int year, RegionsState& s) const;

  const ModelParams& p_;
  const DemographyModel& demography_;
  bool single_ = true;
  std::vector<SchemeModel> schemes_;
  std::vector<std::array<std::vector<double>, 2>> initial_;
  std::vector<std::vector<double>> leave_rate_;  // [region][age]: share of the year-end population that leaves
  std::vector<std::vector<double>> wage_factor_; // [region][t]: exp(drift) of the year, empty without drift
  // [region][t][sex][age]: pooled-fund transfer per migrant of the year-end
  // cell, per unit of the contribution base (member share x rate x years
  // contributed; 0 from the age limits), for the migration of year t.
  std::vector<std::vector<double>> transfer_factor_;
  std::size_t factor_index(int t, int x, std::size_t a) const {
    return (static_cast<std::size_t>(t) * 2 + static_cast<std::size_t>(x)) * leave_rate_[0].size() + a;
  }
};

// One path's regional funds.
struct PoolingState {
  std::vector<double> balance;     // regional pooled funds (regional regimes); 0 under national pooling
  std::vector<double> kept;        // balances the regions kept at the switch to national pooling
  std::vector<double> depletion;   // first year a region's fund (or the national one) ran short; +inf: never
  bool national = false;           // the previous year's regime was national pooling
};

// What the regime did in one year of one path.
struct PoolingYear {
  bool regional = false;           // a regional regime: `basic` is the regions' funds summed
  FundYear basic;
  double withdrawn = 0;            // balances the regions keep at the switch to national pooling
  std::vector<double> adjustment;  // central adjustment: allocation - levy, per region (nets to zero)
  std::vector<double> backstop;    // per region (regional regimes)
  double levy = 0;                 // the adjustment fund's size (sum of the levies)
  std::vector<double> wages, members, retirees;  // scratch of the central adjustment, per region
};

class PoolingModel {
 public:
  PoolingModel(const ModelParams& params, const RegionsModel& regions, OutputRegistry& outputs);

  bool has_outputs() const { return outputs_; }
  void start(PoolingState& s) const;
  // Year t of lane l of a group: the regions' funds under a regional regime
  // (gross basic and debt returns of the year). Writes into y.
  void step(int t, int year, int l, const RegionsState& rs, double gross_return, double gross_debt,
            PoolingState& s, PoolingYear& y) const;
  // After the national funds' step: national depletion in a national year
  // marks every region without a depletion year.
  void after_national(int year, bool national_depleted, PoolingState& s) const;
  void record(int t, int year, int l, const RegionsState& rs, const PoolingYear& y, const PoolingState& s, double cpi,
              double national_backstop, PathRecord& rec) const;
  void finish(const PoolingState& s, PathRecord& rec) const;

  // The central adjustment of one year (Guo Fa [2018] 18): each region pays
  // ratio x wage_share x its average wage x its members who should
  // contribute; the fund is shared out per retiree. Returns allocation -
  // levy per region into `out` (sized like `wages`); `levy` gets the fund's size.
  static void central_adjustment(double ratio, double wage_share, const std::vector<double>& wages,
                                 const std::vector<double>& members, const std::vector<double>& retirees, double& levy,
                                 std::vector<double>& out);

 private:
  const ModelParams& p_;
  const RegionsModel& regions_;
  bool outputs_ = false;
  bool funded_ = false, backstop_ = false;
  double floor_months_ = 0;
  struct RegionSlots {
    std::size_t population, contributors, pensioners, support_ratio, average_wage, net_cash_flow, adjustment,
        transfers, backstop, balance, balance_real, months, depleted, depletion;
  };
  std::vector<RegionSlots> slots_;
  std::size_t in_deficit_ = 0, depleted_ = 0, adjustment_size_ = 0, net_adjustment_ = 0, migrants_ = 0,
              pooled_transfers_ = 0, backstop_local_ = 0, backstop_central_ = 0, kept_ = 0, regime_ = 0,
              first_depletion_ = 0;
};

}  // namespace pfsim
