#pragma once
// Cohort-component projection by single age and sex with an open age group
// (model.md section 2): Lee-Carter or deterministic-improvement mortality,
// log-AR(1) fertility around a target path, deterministic net migration.
#include <array>
#include <cstdint>
#include <vector>

#include "core/lanes.h"
#include "models/demography/life_table.h"
#include "models/params.h"

namespace pfsim {

// Per-path state and scratch for kLanes paths side by side (core/lanes.h):
// every value is a Lane, lane l belonging to the l-th path of the group.
// Reused across groups.
struct DemographyState {
  std::array<std::vector<Lane>, 2> pop;       // 1 January of the current year, by sex and age
  std::array<std::vector<Lane>, 2> next;      // 1 January of the next year
  std::array<std::vector<Lane>, 2> mx;        // central death rates in force this year
  std::array<std::vector<Lane>, 2> survival;  // cohort-component survival ratios
  std::array<Lane, 2> kappa{};                // Lee-Carter index relative to the jump-off year
  Lane common{};                              // Li-Lee K relative to the jump-off year
  std::array<Lane, 2> deviation{};            // Li-Lee k_x (absolute: it reverts to 0)
  Lane drift{};                               // Li-Lee drift of K on this path (parameter uncertainty)
  Lane migration_deviation{};                 // standardised AR(1) of net migration
  Lane tfr_shift{};                           // this path's shift of ln T* (parameter uncertainty)
  Lane log_tfr_gap{};                         // ln TFR - ln T* of the previous year
  std::vector<Lane> scratch;                  // 3 (omega + 1), for the life table
  // Flows and summaries of the year just projected.
  Lane tfr{}, births{}, deaths{}, migrants{};
  std::array<Lane, 2> e0{}, e60{}, e65{};
};
class DemographyModel {
 public:
  DemographyModel(const DemographyParams& params, int start_year, int end_year);

  int ages() const { return p_.omega + 1; }
  const DemographyParams& params() const { return p_; }
  // The base population advanced to 1 January of start_year (deterministic).
  const std::array<std::vector<double>, 2>& initial_population() const { return initial_; }

  void start(DemographyState& s) const;
  // Projects from 1 January of `year` to 1 January of year + 1 into s.next,
  // with the rates in force during `year`; lane l follows path paths[l].
  // central: every shock zero.
  void step(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, int year, DemographyState& s) const;
  // The same with one path in every lane.
  void step(std::uint64_t seed, std::uint64_t path, bool central, int year, DemographyState& s) const;
  // step in two parts, for regions that share the national rates: the
  // mortality, fertility and migration of `year` (every shock drawn here)...
  void rates(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, int year,
             DemographyState& s) const;
  // ... and the projection of s.pop to s.next under `rates` (which may be s):
  // births times fertility_factor, that share of net international
  // migration. Sets s.births, s.deaths and s.migrants.
  void project(int year, const DemographyState& rates, DemographyState& s, double fertility_factor,
               double migration_share) const;
  // After step: s.pop = s.next.
  static void advance(DemographyState& s) { std::swap(s.pop, s.next); }

 private:
  void mortality_rates(int year, DemographyState& s) const;
  // The mortality indices of `year` (Lee-Carter kappa or Li-Lee K, k).
  void mortality_indices(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, int year,
                         DemographyState& s) const;

  DemographyParams p_;
  int start_year_;
  std::array<std::vector<double>, 2> log_jump_off_;
  std::array<std::vector<double>, 2> initial_;
  std::vector<double> target_log_tfr_;       // index year - (start_year - 1)
  std::vector<double> srb_;                  // index year - start_year
  std::vector<double> migration_total_;      // index year - start_year
  std::vector<double> migration_sd_;         // index year - start_year
};

}  // namespace pfsim
