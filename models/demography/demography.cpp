#include "models/demography/demography.h"

#include <cmath>

#include "core/normal.h"
#include "core/rng.h"
#include "models/uncertainty.h"

namespace pfsim {

namespace {
constexpr int kFertileFirst = 15;
constexpr int kFertileLast = 49;
}  // namespace

DemographyModel::DemographyModel(const DemographyParams& params, int start_year, int end_year)
    : p_(params), start_year_(start_year) {
  const auto n = static_cast<std::size_t>(p_.omega + 1);
  for (int s = 0; s < 2; ++s) {
    log_jump_off_[s].resize(n);
    for (std::size_t a = 0; a < n; ++a) log_jump_off_[s][a] = std::log(p_.jump_off_mx[s][a]);
  }
  for (int y = start_year - 1; y <= end_year; ++y)
    target_log_tfr_.push_back(std::log(p_.target_tfr.at(y)));
  srb_ = p_.sex_ratio_at_birth.sample(start_year, end_year);
  migration_total_ = p_.net_migration.sample(start_year, end_year);
  migration_sd_ = p_.migration_sd.sample(start_year, end_year);

  // Base population to 1 January of start_year. A mid-year table is moved on
  // half a year under the jump-off rates: with ages uniform within each year
  // of age, half of those aged a stay at a and half reach a + 1; each survives
  // exp(-m/2); the half year's births (at the previous year's TFR and age
  // pattern) survive on average a quarter year at m0; half a year of net
  // migration is added.
  initial_ = p_.base_population;
  if (p_.base_is_mid_year) {
    const int w = p_.omega;
    const auto& pattern = p_.fertility_pattern.front();
    double births = 0;
    for (int a = kFertileFirst; a <= kFertileLast && a <= w; ++a)
      births += 0.5 * p_.initial_tfr * pattern[static_cast<std::size_t>(a)] *
                p_.base_population[kFemale][static_cast<std::size_t>(a)];
    const double srb = p_.sex_ratio_at_birth.at(start_year - 1);
    const double half_migration = 0.5 * p_.net_migration.at(start_year - 1);
    for (int s = 0; s < 2; ++s) {
      const auto& pj = p_.base_population[s];
      const auto& m = p_.jump_off_mx[s];
      auto& out = initial_[s];
      auto half = [&](int a) {
        return std::exp(-0.5 * m[static_cast<std::size_t>(a)]) * pj[static_cast<std::size_t>(a)];
      };
      const double born = births * (s == kMale ? srb / (1 + srb) : 1 / (1 + srb));
      out[0] = 0.5 * half(0) + born * std::exp(-0.25 * m[0]);
      for (int a = 1; a < w; ++a) out[static_cast<std::size_t>(a)] = 0.5 * half(a) + 0.5 * half(a - 1);
      out[static_cast<std::size_t>(w)] = half(w) + 0.5 * half(w - 1);
      for (int a = 0; a <= w; ++a)
        out[static_cast<std::size_t>(a)] +=
            half_migration * p_.migration_profile[s][static_cast<std::size_t>(a)];
    }
  }
}

void DemographyModel::start(DemographyState& s) const {
  const auto n = static_cast<std::size_t>(p_.omega + 1);
  for (int x = 0; x < 2; ++x) {
    s.pop[x].resize(n);
    for (std::size_t a = 0; a < n; ++a) s.pop[x][a] = splat(initial_[x][a]);
    s.next[x].assign(n, splat(0.0));
    s.mx[x].assign(n, splat(0.0));
    s.survival[x].assign(n, splat(0.0));
  }
  s.scratch.assign(3 * n, splat(0.0));
  s.kappa = {splat(0.0), splat(0.0)};
  s.common = splat(0.0);
  s.deviation = {splat(p_.ll_deviation_start[0]), splat(p_.ll_deviation_start[1])};
  s.drift = splat(p_.ll_drift);
  s.migration_deviation = splat(0.0);
  s.tfr_shift = splat(0.0);
  s.log_tfr_gap = splat(std::log(p_.initial_tfr) - target_log_tfr_.front());
}

void DemographyModel::mortality_rates(int year, DemographyState& s) const {
  const auto n = static_cast<std::size_t>(p_.omega + 1);
  if (p_.mortality == MortalityModel::lee_carter) {
    // ln m[y] = ln m[jump-off] + beta (kappa[y] - kappa[jump-off]), kappa[jump-off] = 0.
    for (int x = 0; x < 2; ++x)
      for (std::size_t a = 0; a < n; ++a) s.mx[x][a] = lane_exp(log_jump_off_[x][a] + p_.lc_beta[x][a] * s.kappa[x]);
  } else if (p_.mortality == MortalityModel::li_lee) {
    // ln m[y] = ln m[jump-off] + B K[y] + b_x (k_x[y] - k_x[jump-off]), K[jump-off] = 0.
    for (int x = 0; x < 2; ++x) {
      const Lane dk = s.deviation[x] - p_.ll_deviation_start[x];
      for (std::size_t a = 0; a < n; ++a)
        s.mx[x][a] = lane_exp(log_jump_off_[x][a] + p_.ll_B[a] * s.common + p_.ll_b[x][a] * dk);
    }
  } else {
    const double t = year - p_.jump_off_year;
    for (int x = 0; x < 2; ++x)
      for (std::size_t a = 0; a < n; ++a)
        s.mx[x][a] = splat(p_.jump_off_mx[x][a] * std::pow(1.0 - p_.improvement[x][a], t));
  }
}

void DemographyModel::step(std::uint64_t seed, std::uint64_t path, bool central, int year, DemographyState& s) const {
  std::array<std::uint64_t, kLanes> paths;
  paths.fill(path);
  step(seed, paths, central, year, s);
}

void DemographyModel::mortality_indices(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths,
                                        bool central, int year, DemographyState& s) const {
  const auto step_id = static_cast<std::uint32_t>(year - start_year_ + 1);
  // The jump-off table is for jump_off_year; when the first projected year
  // is k > 1 years later, its step carries k years of drift and the shocks
  // of k years (for a random walk one shock scaled by sqrt(k)).
  const int steps = (year == start_year_) ? (year - p_.jump_off_year) : 1;
  // Lee-Carter kappa: random walk with drift, correlated between the sexes.
  if (p_.mortality == MortalityModel::lee_carter) {
    Lane eta_m = splat(0.0), eta_f = splat(0.0);
    if (!central && p_.shocks_on && (p_.lc_sigma[0] > 0 || p_.lc_sigma[1] > 0)) {
      for (int l = 0; l < kLanes; ++l) {
        RandomStream r(seed, paths[l], Stream::mortality, step_id);
        const double z1 = standard_normal(r);
        const double z2 = standard_normal(r);
        eta_m[l] = z1;
        eta_f[l] = p_.lc_rho * z1 + std::sqrt(1 - p_.lc_rho * p_.lc_rho) * z2;
      }
    }
    const double scale = std::sqrt(static_cast<double>(steps));
    s.kappa[0] += steps * p_.lc_drift[0] + scale * p_.lc_sigma[0] * eta_m;
    s.kappa[1] += steps * p_.lc_drift[1] + scale * p_.lc_sigma[1] * eta_f;
  }
  if (p_.mortality != MortalityModel::li_lee) return;
  // Li-Lee: K a random walk whose drift is drawn once per path (a parameter
  // draw); each k_x an AR(1) towards 0, their shocks correlated.
  const double rho = p_.ll_deviation_rho;
  Lane eta = splat(0.0), eta_m = splat(0.0), eta_f = splat(0.0);
  if (!central) {
    for (int l = 0; l < kLanes; ++l) {
      if (year == start_year_ && p_.ll_drift_sd > 0)
        s.drift[l] = p_.ll_drift + p_.ll_drift_sd * parameter_draw(seed, paths[l], kMortalityDrift);
      if (!p_.shocks_on) continue;  // the parameter draw above stays
      RandomStream r(seed, paths[l], Stream::mortality, step_id);
      eta[l] = standard_normal(r);
      const double z1 = standard_normal(r);
      const double z2 = standard_normal(r);
      eta_m[l] = z1;
      eta_f[l] = rho * z1 + std::sqrt(1 - rho * rho) * z2;
    }
  }
  s.common += steps * s.drift + std::sqrt(static_cast<double>(steps)) * p_.ll_sigma * eta;
  for (int x = 0; x < 2; ++x) {
    // Over h years: k <- phi^h k + sigma sqrt((1 - phi^2h) / (1 - phi^2)) eta.
    const double phi = p_.ll_persistence[x];
    const double phi_h = std::pow(phi, steps);
    const double spread = phi < 1 ? std::sqrt((1 - phi_h * phi_h) / (1 - phi * phi)) : std::sqrt(static_cast<double>(steps));
    s.deviation[x] = phi_h * s.deviation[x] + spread * p_.ll_deviation_sigma[x] * (x == kMale ? eta_m : eta_f);
  }
}

void DemographyModel::step(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, int year,
                           DemographyState& s) const {
  rates(seed, paths, central, year, s);
  project(year, s, s, 1.0, 1.0);
}

void DemographyModel::rates(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, int year,
                            DemographyState& s) const {
  const auto t = static_cast<std::size_t>(year - start_year_);
  const auto step_id = static_cast<std::uint32_t>(year - start_year_ + 1);

  mortality_indices(seed, paths, central, year, s);
  mortality_rates(year, s);
  for (int x = 0; x < 2; ++x) {
    const auto lt = projection_life_table(s.mx[x], s.survival[x], s.scratch, 60, 65);
    s.e0[x] = lt.e0;
    s.e60[x] = lt.e_at;
    s.e65[x] = lt.e_at2;
  }

  // Fertility: ln TFR_y = ln T*_y + delta + g_y, g_y = phi g_{y-1} + sigma_F xi_y,
  // with delta the path's shift of the target level (0 without uncertainty)
  // and g_{y0-1} = ln TFR_{y0-1} - ln T*_{y0-1} - delta: the path starts from
  // the observed TFR and reverts to its own target.
  if (year == start_year_ && p_.tfr_level_sd > 0 && !central)
    for (int l = 0; l < kLanes; ++l) {
      s.tfr_shift[l] = p_.tfr_level_sd * parameter_draw(seed, paths[l], kFertilityLevel);
      s.log_tfr_gap[l] -= s.tfr_shift[l];
    }
  Lane xi = splat(0.0);
  if (!central && p_.shocks_on && p_.tfr_volatility > 0) {
    for (int l = 0; l < kLanes; ++l) {
      RandomStream r(seed, paths[l], Stream::fertility, step_id);
      xi[l] = standard_normal(r);
    }
  }
  s.log_tfr_gap = p_.tfr_persistence * s.log_tfr_gap + p_.tfr_volatility * xi;
  if (p_.tfr_level_sd > 0)
    for (int l = 0; l < kLanes; ++l) s.tfr[l] = std::exp(target_log_tfr_[t + 1] + s.tfr_shift[l] + s.log_tfr_gap[l]);
  else
    for (int l = 0; l < kLanes; ++l) s.tfr[l] = std::exp(target_log_tfr_[t + 1] + s.log_tfr_gap[l]);

  // Net migration: the median path, plus sd_y u_y with u a standardised
  // AR(1) started from its stationary law (model.md D2.11).
  Lane migrants = splat(migration_total_[t]);
  if (p_.migration_stochastic) {
    Lane eps = splat(0.0);
    if (!central && p_.shocks_on)
      for (int l = 0; l < kLanes; ++l) {
        RandomStream r(seed, paths[l], Stream::migration, step_id);
        eps[l] = standard_normal(r);
      }
    const double phi = p_.migration_persistence;
    s.migration_deviation = year == start_year_ ? eps : phi * s.migration_deviation + std::sqrt(1 - phi * phi) * eps;
    migrants += migration_sd_[t] * s.migration_deviation;
  }
  s.migrants = migrants;
}

void DemographyModel::project(int year, const DemographyState& rates, DemographyState& s, double fertility_factor,
                              double migration_share) const {
  const int w = p_.omega;
  const auto t = static_cast<std::size_t>(year - start_year_);
  // Survivors to 1 January of year + 1, plus net migration.
  const Lane migrants = rates.migrants * migration_share;
  Lane deaths = splat(0.0);
  for (int x = 0; x < 2; ++x) {
    const Lane* P = s.pop[x].data();
    Lane* N = s.next[x].data();
    const Lane* sv = rates.survival[x].data();
    const auto& g = p_.migration_profile[x];
    for (int a = w - 1; a >= 1; --a) N[a] = P[a - 1] * sv[a];
    N[w] = (P[w - 1] + P[w]) * sv[w];
    for (int a = 0; a <= w; ++a) {
      deaths += P[a];
      N[a] += migrants * g[static_cast<std::size_t>(a)];
    }
  }

  // Births: women of age a on 1 January of y and y + 1 (standard exposure).
  const auto& pattern = p_.fertility_pattern[t + 1];
  const Lane* Pf = s.pop[kFemale].data();
  const Lane* Nf = s.next[kFemale].data();
  Lane births = splat(0.0);
  for (int a = kFertileFirst; a <= kFertileLast && a <= w; ++a)
    births += pattern[static_cast<std::size_t>(a)] * 0.5 * (Pf[a] + Nf[a]);
  births *= rates.tfr;
  births *= fertility_factor;
  const double srb = srb_[t];
  const Lane boys = births * srb / (1 + srb);
  s.next[kMale][0] = boys * rates.survival[kMale][0] + migrants * p_.migration_profile[kMale][0];
  s.next[kFemale][0] = (births - boys) * rates.survival[kFemale][0] + migrants * p_.migration_profile[kFemale][0];

  // Deaths = start population + births + migrants - end population.
  for (int x = 0; x < 2; ++x)
    for (int a = 0; a <= w; ++a) deaths -= s.next[x][static_cast<std::size_t>(a)];
  s.births = births;
  s.migrants = migrants;
  s.deaths = deaths + births + migrants;
}

}  // namespace pfsim
