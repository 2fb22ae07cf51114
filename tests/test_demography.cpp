// DemographyModel (model.md section 2): accounting identities, the stable-population limit,
// life expectancy, and the moments of the Lee-Carter and TFR stochastic processes.
// Every test fills DemographyParams directly (no config), with fixed seeds.
#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <cmath>
#include <complex>
#include <cstdint>
#include <string>
#include <vector>

#include "io/csv.h"
#include "models/demography/demography.h"
#include "models/demography/life_table.h"
#include "models/params.h"
#include "moments.h"

using pfsim::DemographyModel;
using pfsim::DemographyParams;
using pfsim::DemographyState;
using pfsim::kFemale;
using pfsim::kMale;
using pfsim::MortalityModel;
using pfsim::TimePath;

using pfsim::test::Moments;

namespace {

constexpr int kStart = 2024;
constexpr std::uint64_t kSeed = 20240913;

// A closed population with a flat age structure, constant flat mortality m (improvement model,
// no improvement), constant TFR, a flat pattern over 15..49, no migration, base at 1 January.
DemographyParams base_params(int omega, int end_year, double m, double tfr) {
  DemographyParams p;
  p.omega = omega;
  const auto n = static_cast<std::size_t>(omega + 1);
  for (int s = 0; s < 2; ++s) {
    p.base_population[s].assign(n, 1000.0);
    p.jump_off_mx[s].assign(n, m);
    p.improvement[s].assign(n, 0.0);
    p.lc_beta[s].assign(n, 1.0 / static_cast<double>(n));
    p.migration_profile[s].assign(n, 0.5 / static_cast<double>(n));
  }
  p.base_is_mid_year = false;
  p.jump_off_year = kStart - 1;
  p.mortality = MortalityModel::improvement;
  p.target_tfr = TimePath(tfr);
  p.initial_tfr = tfr;
  std::vector<double> h(n, 0.0);
  for (int a = 15; a <= 49; ++a) h[static_cast<std::size_t>(a)] = 1.0 / 35.0;
  p.fertility_pattern.assign(static_cast<std::size_t>(end_year - (kStart - 1) + 1), h);
  p.sex_ratio_at_birth = TimePath(1.05);
  p.net_migration = TimePath(0.0);
  return p;
}

// Lane 0's population (the single-path steps put one path in every lane).
double total(const std::array<std::vector<pfsim::Lane>, 2>& pop) {
  double t = 0;
  for (const auto& v : pop)
    for (const auto& x : v) t += x[0];
  return t;
}

std::array<std::vector<double>, 2> read_mortality_2023() {
  const auto csv = pfsim::CsvTable::read(std::string(PFSIM_SOURCE_DIR) + "/configs/data/china/mortality_2023.csv");
  const auto cm = csv.column("male"), cf = csv.column("female");
  std::array<std::vector<double>, 2> m;
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    m[kMale].push_back(csv.number(r, cm));
    m[kFemale].push_back(csv.number(r, cf));
  }
  return m;
}

std::vector<double> read_asfr_2023_shares(int omega) {
  const auto csv = pfsim::CsvTable::read(std::string(PFSIM_SOURCE_DIR) + "/configs/data/china/asfr_2023.csv");
  const auto ca = csv.column("age"), cp = csv.column("proportion");
  std::vector<double> h(static_cast<std::size_t>(omega + 1), 0.0);
  for (std::size_t r = 0; r < csv.rows(); ++r)
    h[static_cast<std::size_t>(csv.number(r, ca))] = csv.number(r, cp);
  return h;
}

}  // namespace

TEST_CASE("no births, no deaths, no migration: every cohort moves up one age exactly", "[demography]") {
  // mx = 0 below the open age makes every survival ratio L[a]/L[a-1] = 1 and L[0]/l[0] = 1
  // exactly; the open group needs m > 0 (life_table precondition), so nobody is placed at
  // ages omega-1 and omega. A zero fertility pattern (with TFR 1) gives zero births, and zero
  // net migration adds exactly 0.0. Hence P_next[a+1] == P[a] bit for bit.
  const int omega = 100, end = kStart + 1;
  auto p = base_params(omega, end, 0.0, 1.0);
  for (int s = 0; s < 2; ++s) {
    p.jump_off_mx[s][static_cast<std::size_t>(omega)] = 0.5;
    for (int a = 0; a <= omega; ++a)
      p.base_population[s][static_cast<std::size_t>(a)] = a < omega - 1 ? 1000.0 + 37.25 * a + 3 * s : 0.0;
  }
  for (auto& h : p.fertility_pattern) h.assign(h.size(), 0.0);
  DemographyModel model(p, kStart, end);
  DemographyState st;
  model.start(st);
  const auto before = st.pop;
  model.step(kSeed, 0, false, kStart, st);
  for (int s = 0; s < 2; ++s) {
    CHECK(st.next[s][0][0] == 0.0);
    for (int a = 0; a + 1 < omega; ++a) {
      INFO("sex " << s << " age " << a);
      CHECK(st.next[s][static_cast<std::size_t>(a + 1)][0] == before[s][static_cast<std::size_t>(a)][0]);
    }
    CHECK(st.next[s][static_cast<std::size_t>(omega)][0] == 0.0);
  }
  CHECK(st.births[0] == 0.0);
  // deaths = start + births + migrants - end: a difference of two sums of the same numbers
  // in another order; rounding only (population ~3e5, so 1e-8 is ~1e-13 relative).
  CHECK(std::abs(st.deaths[0]) < 1e-8);
  CHECK(total(st.next) == Approx(total(before)).epsilon(1e-14));
}

TEST_CASE("stable population: growth converges to the Leslie matrix's dominant eigenvalue", "[demography][0]") {
  // Discrete Lotka. With constant rates and no migration the projection is linear, x(t+1) = A x(t)
  // with x = (P_female, P_male). Females do not depend on males, so A is block lower-triangular
  // and its dominant eigenvalue is that of the female Leslie matrix F (the male block only has
  // the open-group eigenvalue s_m[omega] < lambda and zeros). F is built here from the model's rules:
  //   sub-diagonal F[a][a-1] = s[a] (a < omega), F[omega][omega-1] = F[omega][omega] = s[omega];
  //   births B = TFR sum_a h_a (P_f[a] + P_f_next[a]) / 2 with P_f_next[a] = s[a] P_f[a-1], so a
  //   woman aged j on 1 January contributes TFR (h_j + s[j+1] h_{j+1}) / 2; girls are B/(1+srb)
  //   and reach 1 January at age 0 with survival L0/l0 = s[0]. So
  //   F[0][j] = s[0]/(1+srb) TFR (h_j + s[j+1] h_{j+1}) / 2.
  // Perron-Frobenius: total population and births grow asymptotically by lambda a year, and
  // r = ln(lambda) is the intrinsic (Lotka) rate of this discrete projection: lambda is the root of
  // the discrete Euler-Lotka equation 1 = sum_j F[0][j] S_j lambda^-(j+1), S_j = prod_{k=1..j} s[k],
  // the analogue of 1 = int exp(-r a) l(a) m(a) da. Both routes are computed below.
  const int omega = 100, years = 400, end = kStart + years;
  const double tfr = 1.6, srb = 1.06;
  auto p = base_params(omega, end, 0.01, tfr);
  p.jump_off_mx = read_mortality_2023();  // WPP 2020-2025 rates, constant (improvement 0)
  REQUIRE(static_cast<int>(p.jump_off_mx[0].size()) == omega + 1);
  const auto h = read_asfr_2023_shares(omega);
  p.fertility_pattern.assign(p.fertility_pattern.size(), h);
  p.sex_ratio_at_birth = TimePath(srb);

  // Survival ratios from life_table.h's survival_ratios (a separate implementation from the
  // L[a]/L[a-1] quotients that DemographyModel::step computes).
  const auto n = static_cast<std::size_t>(omega + 1);
  std::vector<double> sf(n), sm(n);
  pfsim::survival_ratios(p.jump_off_mx[kFemale], sf);
  pfsim::survival_ratios(p.jump_off_mx[kMale], sm);
  Eigen::MatrixXd F = Eigen::MatrixXd::Zero(omega + 1, omega + 1);
  for (int a = 1; a < omega; ++a) F(a, a - 1) = sf[static_cast<std::size_t>(a)];
  F(omega, omega - 1) = F(omega, omega) = sf[n - 1];
  for (int j = 0; j < omega; ++j) {
    const auto u = static_cast<std::size_t>(j);
    F(0, j) = sf[0] / (1 + srb) * tfr * 0.5 * (h[u] + sf[u + 1] * h[u + 1]);
  }
  Eigen::EigenSolver<Eigen::MatrixXd> es(F, false);
  double lambda = 0, imag = 0;
  for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i)
    if (std::abs(es.eigenvalues()[i]) > std::abs(std::complex<double>(lambda, imag))) {
      lambda = es.eigenvalues()[i].real();
      imag = es.eigenvalues()[i].imag();
    }
  REQUIRE(std::abs(imag) < 1e-12);
  REQUIRE(lambda > sm[n - 1]);  // the female root dominates the male open-group eigenvalue

  // Euler-Lotka root by bisection: f(lambda) = sum_j F0j S_j lambda^-(j+1) is decreasing.
  auto lotka = [&](double lam) {
    double sum = 0, S = 1;
    for (int j = 0; j < omega; ++j) {
      if (j > 0) S *= sf[static_cast<std::size_t>(j)];
      sum += F(0, j) * S * std::pow(lam, -(j + 1));
    }
    return sum - 1;
  };
  double lo = 0.5, hi = 1.5;
  for (int it = 0; it < 200; ++it) (lotka(0.5 * (lo + hi)) > 0 ? lo : hi) = 0.5 * (lo + hi);
  CHECK(0.5 * (lo + hi) == Approx(lambda).epsilon(1e-10));

  DemographyModel model(p, kStart, end);
  DemographyState st;
  model.start(st);
  double prev_total = 0, prev_births = 0, growth = 0, births_growth = 0;
  for (int y = kStart; y < end; ++y) {
    model.step(kSeed, 0, false, y, st);
    if (y == kStart) {
      // Births reach 1 January at age 0 with survival L0/l0 of their own sex (no migration here).
      CHECK(st.next[kFemale][0][0] == Approx(st.births[0] / (1 + srb) * sf[0]).epsilon(1e-12));
      CHECK(st.next[kMale][0][0] == Approx(st.births[0] * srb / (1 + srb) * sm[0]).epsilon(1e-12));
    }
    const double t = total(st.next);
    if (y > kStart) {
      growth = t / prev_total;
      births_growth = st.births[0] / prev_births;
    }
    prev_total = t;
    prev_births = st.births[0];
    DemographyModel::advance(st);
  }
  INFO("lambda " << lambda << ", r = ln lambda = " << std::log(lambda));
  // After 400 years the subdominant terms have decayed far below 1e-4 (damping ratio ~1.03+/yr).
  CHECK(std::abs(growth - lambda) < 1e-4);
  CHECK(std::abs(births_growth - lambda) < 1e-4);
  // And the stationary TFR and flat rates really are below replacement here.
  CHECK(lambda < 1.0);
}

TEST_CASE("flat mortality: e0 and e60 equal 1/m, and deterministic improvement compounds by year", "[demography]") {
  // Constant hazard m at every age (open group included): T[0] = (1 - e^{-m omega})/m + e^{-m omega}/m
  // = 1/m exactly, likewise at 60. Improvement rate i: m_y = m (1 - i)^(y - jump_off_year), so
  // e0_y = 1 / m_y. Tolerance 1e-9 relative (rounding over 100 ages).
  const int omega = 100, end = kStart + 10;
  const double m = 0.0125;
  auto p = base_params(omega, end, m, 1.5);
  p.improvement[kFemale].assign(static_cast<std::size_t>(omega + 1), 0.02);
  DemographyModel model(p, kStart, end);
  DemographyState st;
  model.start(st);
  for (int y = kStart; y <= end; ++y) {
    model.step(kSeed, 0, false, y, st);
    const double mf = m * std::pow(0.98, y - (kStart - 1));
    INFO("year " << y);
    CHECK(st.e0[kMale][0] == Approx(1 / m).epsilon(1e-9));
    CHECK(st.e60[kMale][0] == Approx(1 / m).epsilon(1e-9));
    CHECK(st.e0[kFemale][0] == Approx(1 / mf).epsilon(1e-9));
    CHECK(st.e60[kFemale][0] == Approx(1 / mf).epsilon(1e-9));
    DemographyModel::advance(st);
  }
}

TEST_CASE("Lee-Carter kappa is a random walk: mean n d, variance n sigma^2, corr rho", "[demography]") {
  // jump_off_year = start_year - 1, so the first projected year is one step. After n steps
  // kappa = n d + sigma sum eta. Tolerances: 4 standard errors over N paths (mean: sqrt(n sigma^2/N);
  // variance: var sqrt(2/(N-1)); correlation of the N n increments: (1 - rho^2)/sqrt(N n)).
  const int omega = 100, n = 20, end = kStart + n - 1, N = 4000;
  auto p = base_params(omega, end, 0.01, 1.5);
  p.mortality = MortalityModel::lee_carter;
  p.lc_drift = {-1.2, -0.9};
  p.lc_sigma = {0.8, 0.6};
  p.lc_rho = 0.7;
  DemographyModel model(p, kStart, end);
  DemographyState st;
  std::array<Moments, 2> kappa;
  double sxx = 0, syy = 0, sxy = 0, sx = 0, sy = 0, cnt = 0;
  for (int path = 0; path < N; ++path) {
    model.start(st);
    for (int y = kStart; y <= end; ++y) {
      const auto k0 = st.kappa;
      model.step(kSeed, static_cast<std::uint64_t>(path), false, y, st);
      const double dx = st.kappa[0][0] - k0[0][0], dy = st.kappa[1][0] - k0[1][0];
      sx += dx;
      sy += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
      cnt += 1;
      DemographyModel::advance(st);
    }
    kappa[0].add(st.kappa[0][0]);
    kappa[1].add(st.kappa[1][0]);
  }
  for (int s = 0; s < 2; ++s) {
    const double var = n * p.lc_sigma[s] * p.lc_sigma[s];
    INFO("sex " << s << " mean " << kappa[s].mean << " var " << kappa[s].var());
    CHECK(std::abs(kappa[s].mean - n * p.lc_drift[s]) < 4 * std::sqrt(var / N));
    CHECK(std::abs(kappa[s].var() - var) < 4 * var * std::sqrt(2.0 / (N - 1)));
  }
  const double cov = sxy / cnt - (sx / cnt) * (sy / cnt);
  const double corr = cov / std::sqrt((sxx / cnt - sx * sx / cnt / cnt) * (syy / cnt - sy * sy / cnt / cnt));
  INFO("corr " << corr);
  CHECK(std::abs(corr - p.lc_rho) < 4 * (1 - p.lc_rho * p.lc_rho) / std::sqrt(cnt));

  // The central path carries the drift only.
  model.start(st);
  for (int y = kStart; y <= end; ++y) {
    model.step(kSeed, 0, true, y, st);
    DemographyModel::advance(st);
  }
  CHECK(st.kappa[0][0] == Approx(n * p.lc_drift[0]).epsilon(1e-12));
  CHECK(st.kappa[1][0] == Approx(n * p.lc_drift[1]).epsilon(1e-12));
}

TEST_CASE("Lee-Carter catch-up: a jump-off k years before the first year gives mean k d and variance k sigma^2",
          "[demography]") {
  // jump_off_year = start_year - 3: the first step carries three years of drift and three years
  // of shocks (a sum of three independent annual shocks, variance 3 sigma^2). 4 standard errors.
  const int omega = 100, k = 3, N = 8000;
  auto p = base_params(omega, kStart, 0.01, 1.5);
  p.mortality = MortalityModel::lee_carter;
  p.jump_off_year = kStart - k;
  p.lc_drift = {-1.2, -0.9};
  p.lc_sigma = {0.8, 0.6};
  p.lc_rho = 0.7;
  DemographyModel model(p, kStart, kStart);
  DemographyState st;
  std::array<Moments, 2> kappa;
  for (int path = 0; path < N; ++path) {
    model.start(st);
    model.step(kSeed, static_cast<std::uint64_t>(path), false, kStart, st);
    kappa[0].add(st.kappa[0][0]);
    kappa[1].add(st.kappa[1][0]);
  }
  for (int s = 0; s < 2; ++s) {
    const double var = k * p.lc_sigma[s] * p.lc_sigma[s];
    INFO("sex " << s << " mean " << kappa[s].mean << " var " << kappa[s].var() << " (expected " << var << ")");
    CHECK(std::abs(kappa[s].mean - k * p.lc_drift[s]) < 4 * std::sqrt(var / N));
    CHECK(std::abs(kappa[s].var() - var) < 4 * var * std::sqrt(2.0 / (N - 1)));
  }
}

TEST_CASE("log TFR is AR(1) around the target: mean decays as phi^t, stationary variance sigma^2/(1-phi^2)",
          "[demography]") {
  // g_t = ln TFR_t - ln T* = phi g_{t-1} + sigma xi_t, g_0 = ln(initial / T*) for the year before start.
  // After t steps E g_t = phi^t g_0 and Var g_t = sigma^2 (1 - phi^{2t}) / (1 - phi^2).
  // Checked at t = 5 (mean) and t = 100 (variance: phi^200 ~ 7e-10, stationary). 4 standard errors.
  const int omega = 100, horizon = 100, end = kStart + horizon - 1, N = 4000;
  const double target = 1.5, phi = 0.9, sigma = 0.11, initial = 1.0;
  auto p = base_params(omega, end, 0.01, target);
  p.tfr_persistence = phi;
  p.tfr_volatility = sigma;
  p.initial_tfr = initial;
  DemographyModel model(p, kStart, end);
  DemographyState st;
  const int t_early = 5;
  Moments early, late;
  for (int path = 0; path < N; ++path) {
    model.start(st);
    for (int t = 1; t <= horizon; ++t) {
      model.step(kSeed, static_cast<std::uint64_t>(path), false, kStart + t - 1, st);
      const double g = std::log(st.tfr[0]) - std::log(target);
      if (t == t_early) early.add(g);
      if (t == horizon) late.add(g);
      DemographyModel::advance(st);
    }
  }
  const double g0 = std::log(initial / target);
  const double var_early = sigma * sigma * (1 - std::pow(phi, 2 * t_early)) / (1 - phi * phi);
  const double var_stat = sigma * sigma / (1 - phi * phi);
  INFO("early mean " << early.mean << " (expected " << std::pow(phi, t_early) * g0 << "), late var "
                     << late.var() << " (expected " << var_stat << ")");
  CHECK(std::abs(early.mean - std::pow(phi, t_early) * g0) < 4 * std::sqrt(var_early / N));
  CHECK(std::abs(early.var() - var_early) < 4 * var_early * std::sqrt(2.0 / (N - 1)));
  CHECK(std::abs(late.mean) < 4 * std::sqrt(var_stat / N));
  CHECK(std::abs(late.var() - var_stat) < 4 * var_stat * std::sqrt(2.0 / (N - 1)));

  // Central path: no shocks, the gap decays deterministically.
  model.start(st);
  for (int t = 1; t <= t_early; ++t) {
    model.step(kSeed, 0, true, kStart + t - 1, st);
    DemographyModel::advance(st);
  }
  CHECK(std::log(st.tfr[0]) == Approx(std::log(target) + std::pow(phi, t_early) * g0).epsilon(1e-12));
}
