// Li-Lee coherent mortality (docs/model.md D2.11) and stochastic net migration
// (D2.12): the fit recovers known parameters from a synthetic history, the
// projected indices have the moments of their processes (the sexes'
// deviations stationary, so the expected sex gap settles), the per-path drift
// follows its prior, and migration's AR(1) has its sd and autocorrelation.
// Tolerances are stated in standard errors; seeds are fixed.
#include <catch2/catch.hpp>

#include <Eigen/Dense>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "models/demography/demography.h"
#include "models/demography/li_lee.h"
#include "models/demography/life_table.h"
#include "models/params.h"
#include "moments.h"

using namespace pfsim;

using pfsim::test::Moments;

namespace {

constexpr int kStart = 2024;
constexpr std::uint64_t kSeed = 20241201;

double corr(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const Eigen::ArrayXd x = a.array() - a.mean(), y = b.array() - b.mean();
  return (x * y).sum() / std::sqrt(x.square().sum() * y.square().sum());
}

// A closed population of flat ages with Li-Lee mortality around jump-off rates.
DemographyParams li_lee_params(int end_year) {
  DemographyParams p;
  p.omega = 100;
  const auto n = static_cast<std::size_t>(p.omega + 1);
  for (int s = 0; s < 2; ++s) {
    p.base_population[s].assign(n, 1000.0);
    p.jump_off_mx[s].assign(n, 0.01);
    p.migration_profile[s].assign(n, 0.5 / static_cast<double>(n));
    p.ll_b[s].assign(n, 1.0 / static_cast<double>(n));
  }
  p.ll_B.assign(n, 1.0 / static_cast<double>(n));
  p.base_is_mid_year = false;
  p.jump_off_year = kStart - 1;
  p.mortality = MortalityModel::li_lee;
  p.target_tfr = TimePath(1.5);
  p.initial_tfr = 1.5;
  std::vector<double> h(n, 0.0);
  for (int a = 15; a <= 49; ++a) h[static_cast<std::size_t>(a)] = 1.0 / 35.0;
  p.fertility_pattern.assign(static_cast<std::size_t>(end_year - (kStart - 1) + 1), h);
  p.sex_ratio_at_birth = TimePath(1.05);
  p.net_migration = TimePath(0.0);
  p.ll_drift = -1.5;
  p.ll_sigma = 0.8;
  p.ll_persistence = {0.9, 0.8};
  p.ll_deviation_sigma = {0.5, 0.3};
  p.ll_deviation_rho = 0.6;
  p.ll_deviation_start = {4.0, -2.0};
  return p;
}

}  // namespace

TEST_CASE("the Li-Lee fit recovers the parameters of a synthetic history within 3 standard errors", "[li_lee]") {
  // 400 annual observations, 30 ages; ln m = alpha_x + B K + b_x k_x with K a
  // random walk (drift -1, sigma 0.5) and k_x AR(1) through 0 (phi 0.8 and
  // 0.6, sd 0.3). The model is identified only up to moving part of b_x k_x
  // into B K; the fit resolves it as the SVD does, with the deviations' age
  // patterns orthogonal to B's, so the synthetic truth is built that way.
  // Standard errors: drift sigma/sqrt(n); sigma sigma/sqrt(2n); persistence
  // sqrt((1 - phi^2)/n); an AR(1) residual sd sd/sqrt(2n).
  const int ages = 30, n = 400;
  const double drift = -1.0, sigma = 0.5;
  const std::array<double, 2> phi{0.8, 0.6}, sd{0.3, 0.3};
  std::mt19937_64 gen(kSeed);
  std::normal_distribution<double> z;
  Eigen::VectorXd B(ages);
  std::array<Eigen::VectorXd, 2> b{Eigen::VectorXd(ages), Eigen::VectorXd(ages)}, alpha{Eigen::VectorXd(ages), Eigen::VectorXd(ages)};
  for (int a = 0; a < ages; ++a) {
    const double u = (a + 0.5) / ages;
    B(a) = 0.5 + u;
    b[0](a) = 1 + std::cos(2 * M_PI * u);
    b[1](a) = 1 + std::sin(2 * M_PI * u);
    alpha[0](a) = -6 + 5 * u;
    alpha[1](a) = -6.3 + 5 * u;
  }
  B /= B.sum();
  for (int x = 0; x < 2; ++x) {
    b[x] -= b[x].dot(B) / B.squaredNorm() * B;  // orthogonal to B
    REQUIRE(std::abs(b[x].sum()) > 0.1);
    b[x] /= b[x].sum();
  }
  Eigen::VectorXd K(n);
  std::array<Eigen::VectorXd, 2> k{Eigen::VectorXd(n), Eigen::VectorXd(n)};
  K(0) = 0;
  k[0](0) = k[1](0) = 0;
  for (int t = 1; t < n; ++t) {
    K(t) = K(t - 1) + drift + sigma * z(gen);
    for (int x = 0; x < 2; ++x) k[x](t) = phi[x] * k[x](t - 1) + sd[x] * z(gen);
  }
  std::array<Eigen::MatrixXd, 2> log_m;
  std::vector<int> years;
  for (int t = 0; t < n; ++t) years.push_back(1600 + t);
  for (int x = 0; x < 2; ++x) log_m[x] = (alpha[x] * Eigen::RowVectorXd::Ones(n)) + B * K.transpose() + b[x] * k[x].transpose();

  const auto fit = fit_li_lee(log_m, years, 1.0);
  INFO("drift " << fit.drift << " sigma " << fit.sigma << " phi " << fit.persistence[0] << ", " << fit.persistence[1]);
  CHECK(std::abs(fit.drift - drift) < 3 * sigma / std::sqrt(n - 1.0));
  CHECK(std::abs(fit.sigma - sigma) < 3 * sigma / std::sqrt(2.0 * (n - 1)));
  for (int x = 0; x < 2; ++x) {
    CHECK(std::abs(fit.persistence[x] - phi[x]) < 3 * std::sqrt((1 - phi[x] * phi[x]) / n));
    CHECK(std::abs(fit.residual_sd[x] - sd[x]) < 3 * sd[x] / std::sqrt(2.0 * (n - 2)));
    CHECK(corr(fit.b[x], b[x]) > 0.999);
    CHECK(std::abs(corr(fit.k[x], k[x])) > 0.999);
    CHECK(fit.explained_variance[x] == Approx(1.0).margin(1e-9));
  }
  CHECK(fit.B.sum() == Approx(1.0).epsilon(1e-12));
  CHECK(fit.K.mean() == Approx(0.0).margin(1e-9));

  SECTION("annual values from a 5-year sampling of an annual AR(1)") {
    // phi_5 = phi^5 and var_5 = sigma^2 (1 - phi^10) / (1 - phi^2) invert exactly.
    const double p = 0.9, s = 0.4, p5 = std::pow(p, 5), sd5 = s * std::sqrt((1 - std::pow(p, 10)) / (1 - p * p));
    CHECK(annual_persistence(p5, 5) == Approx(p).epsilon(1e-14));
    CHECK(annual_sigma(sd5, p, 5) == Approx(s).epsilon(1e-14));
  }
}

TEST_CASE("the common index pinned to an e0 reproduces that e0", "[li_lee]") {
  std::array<Eigen::VectorXd, 2> alpha{Eigen::VectorXd(101), Eigen::VectorXd(101)};
  Eigen::VectorXd B(101);
  for (int a = 0; a <= 100; ++a) {
    alpha[0](a) = -9 + 0.09 * a;
    alpha[1](a) = -9.3 + 0.09 * a;
    B(a) = 1.0 / 101;
  }
  const double K = pin_common_index(alpha, B, 72.0);
  double sum = 0;
  for (int x = 0; x < 2; ++x) {
    std::vector<double> m(101);
    for (int a = 0; a <= 100; ++a) m[static_cast<std::size_t>(a)] = std::exp(alpha[x](a) + B(a) * K);
    sum += life_expectancy(m, 0);
  }
  CHECK(0.5 * sum == Approx(72.0).epsilon(1e-10));
  CHECK_THROWS_AS(pin_common_index(alpha, B, 0.01), std::invalid_argument);  // below e0 at any K
}

TEST_CASE("Li-Lee indices: K a random walk with the path's drift, the deviations stationary around 0", "[li_lee]") {
  // After n steps: K = n mu_path + sigma sum eta, mu_path ~ N(drift, drift_sd^2),
  // so E K = n drift, Var K = n sigma^2 + n^2 drift_sd^2. k_x(n) has mean
  // phi^n k_x(0) and variance s^2 (1 - phi^2n) / (1 - phi^2): the expected
  // sex gap in ln m settles (it depends on t only through phi^t). Shocks of
  // the two deviations correlate at rho. 4 standard errors over N paths.
  const int n = 30, end = kStart + n - 1, N = 4000;
  auto p = li_lee_params(end);
  p.ll_drift_sd = 0.3;
  const DemographyModel model(p, kStart, end);
  DemographyState st;
  Moments K, drift;
  std::array<Moments, 2> k5, kn;
  double sxy = 0, sxx = 0, syy = 0;
  for (int path = 0; path < N; ++path) {
    model.start(st);
    for (int y = kStart; y <= end; ++y) {
      const auto before = st.deviation;
      model.step(kSeed, static_cast<std::uint64_t>(path), false, y, st);
      // standardised innovations of the deviations
      const double ex = (st.deviation[0][0] - p.ll_persistence[0] * before[0][0]) / p.ll_deviation_sigma[0];
      const double ey = (st.deviation[1][0] - p.ll_persistence[1] * before[1][0]) / p.ll_deviation_sigma[1];
      sxy += ex * ey;
      sxx += ex * ex;
      syy += ey * ey;
      if (y == kStart) drift.add(st.drift[0]);
      if (y == kStart + 4)
        for (int x = 0; x < 2; ++x) k5[x].add(st.deviation[x][0]);
      DemographyModel::advance(st);
    }
    K.add(st.common[0]);
    for (int x = 0; x < 2; ++x) kn[x].add(st.deviation[x][0]);
  }
  const double var_K = n * p.ll_sigma * p.ll_sigma + double(n) * n * p.ll_drift_sd * p.ll_drift_sd;
  CHECK(std::abs(K.mean - n * p.ll_drift) < 4 * std::sqrt(var_K / N));
  CHECK(std::abs(K.var() - var_K) < 4 * var_K * std::sqrt(2.0 / (N - 1)));
  CHECK(std::abs(drift.mean - p.ll_drift) < 4 * p.ll_drift_sd / std::sqrt(N));
  CHECK(std::abs(std::sqrt(drift.var()) - p.ll_drift_sd) < 4 * p.ll_drift_sd / std::sqrt(2.0 * N));
  for (int x = 0; x < 2; ++x) {
    const double phi = p.ll_persistence[x], s = p.ll_deviation_sigma[x], k0 = p.ll_deviation_start[x];
    for (const auto& [m, t] : {std::pair{k5[x], 5}, std::pair{kn[x], n}}) {
      const double var = s * s * (1 - std::pow(phi, 2 * t)) / (1 - phi * phi);
      INFO("sex " << x << " t " << t << " mean " << m.mean << " var " << m.var());
      CHECK(std::abs(m.mean - std::pow(phi, t) * k0) < 4 * std::sqrt(var / N));
      CHECK(std::abs(m.var() - var) < 4 * var * std::sqrt(2.0 / (N - 1)));
    }
    // Stationary: by year n the variance is within 1% of s^2 / (1 - phi^2) and no longer grows.
    CHECK(kn[x].var() < 1.1 * s * s / (1 - phi * phi));
  }
  const double rho = sxy / std::sqrt(sxx * syy), cnt = double(N) * n;
  CHECK(std::abs(rho - p.ll_deviation_rho) < 4 * (1 - p.ll_deviation_rho * p.ll_deviation_rho) / std::sqrt(cnt));

  // The central path: drift only, the deviations decay deterministically.
  model.start(st);
  for (int y = kStart; y <= end; ++y) {
    model.step(kSeed, 0, true, y, st);
    DemographyModel::advance(st);
  }
  CHECK(st.common[0] == Approx(n * p.ll_drift).epsilon(1e-12));
  CHECK(st.deviation[0][0] == Approx(std::pow(0.9, n) * 4.0).epsilon(1e-12));
  // ... and the rates are the jump-off rates moved by B K + b (k - k_J).
  const double expected = std::exp(std::log(0.01) + (n * p.ll_drift + (std::pow(0.9, n) - 1) * 4.0) / 101.0);
  CHECK(st.mx[kMale][50][0] == Approx(expected).epsilon(1e-12));
}

TEST_CASE("net migration: the median plus an AR(1) with the band's sd and the given persistence", "[migration]") {
  // sd_y = 1000 and phi = 0.7: migrants_y - median has sd 1000 in every year
  // (the AR(1) starts stationary) and lag-1 correlation 0.7. 4 standard errors.
  const int n = 20, end = kStart + n - 1, N = 4000;
  auto p = li_lee_params(end);
  p.mortality = MortalityModel::improvement;
  for (int s = 0; s < 2; ++s) p.improvement[s].assign(101, 0.0);
  p.net_migration = TimePath(-500.0);
  p.migration_stochastic = true;
  p.migration_sd = TimePath(1000.0);
  p.migration_persistence = 0.7;
  const DemographyModel model(p, kStart, end);
  DemographyState st;
  std::array<Moments, 2> at;  // first and last year
  double s01 = 0;
  for (int path = 0; path < N; ++path) {
    model.start(st);
    double first = 0, second = 0;
    for (int y = kStart; y <= end; ++y) {
      model.step(kSeed, static_cast<std::uint64_t>(path), false, y, st);
      if (y == kStart) first = st.migrants[0] + 500;
      if (y == kStart + 1) second = st.migrants[0] + 500;
      DemographyModel::advance(st);
    }
    at[0].add(first);
    at[1].add(st.migrants[0] + 500);
    s01 += first * second;
  }
  for (const auto& m : at) {
    CHECK(std::abs(m.mean) < 4 * 1000 / std::sqrt(N));
    CHECK(std::abs(m.var() - 1e6) < 4 * 1e6 * std::sqrt(2.0 / (N - 1)));
  }
  CHECK(std::abs(s01 / N / 1e6 - 0.7) < 4 * (1 - 0.49) / std::sqrt(N));
  // The central path carries the median.
  model.start(st);
  model.step(kSeed, 0, true, kStart, st);
  CHECK(st.migrants[0] == -500);
}
