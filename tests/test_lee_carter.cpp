#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/demography/lee_carter.h"

using pfsim::LeeCarterFit;

namespace {

Eigen::MatrixXd rank_one(const Eigen::VectorXd& alpha, const Eigen::VectorXd& beta, const Eigen::VectorXd& kappa) {
  return (beta * kappa.transpose()).colwise() + alpha;
}

// Max absolute difference; the fitted quantities are O(1), so this is also a relative measure.
double max_abs_diff(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  REQUIRE(a.size() == b.size());
  return (a - b).cwiseAbs().maxCoeff();
}

}  // namespace

// The SVD is backward stable (errors ~1e-15 times the matrix norm, here < 10), so recovering an
// exact rank-one decomposition to 1e-10 leaves four orders of magnitude of margin.
constexpr double kFitTol = 1e-10;

TEST_CASE("an exact rank-one history is recovered", "[lee_carter]") {
  Eigen::VectorXd alpha(4), beta(4), kappa(5);
  alpha << -5.1, -7.3, -4.0, -1.9;
  beta << 0.4, 0.3, -0.1, 0.4;           // sums to 1, one negative entry
  kappa << 4.0, 2.5, -0.5, -1.0, -5.0;   // sums to 0
  const LeeCarterFit fit = pfsim::fit_lee_carter(rank_one(alpha, beta, kappa), {1970, 1975, 1980, 1985, 1990}, 5);

  CHECK(max_abs_diff(fit.alpha, alpha) < kFitTol);
  CHECK(max_abs_diff(fit.beta, beta) < kFitTol);
  CHECK(max_abs_diff(fit.kappa, kappa) < kFitTol);
  CHECK(std::abs(fit.beta.sum() - 1) < kFitTol);
  CHECK(std::abs(fit.kappa.sum()) < kFitTol);
  CHECK(fit.explained_variance == Approx(1).epsilon(1e-12));
  CHECK(fit.years == std::vector<int>{1970, 1975, 1980, 1985, 1990});
}

TEST_CASE("drift and sigma are annualised from 5-year differences by hand", "[lee_carter]") {
  // kappa = 6, 1, -1, -6: differences -5, -2, -5, mean -4, deviations -1, 2, -1,
  // sample variance 6/2 = 3. Annual drift = -4/5 = -0.8; annual sigma = sqrt(3)/sqrt(5) = sqrt(0.6).
  Eigen::VectorXd alpha(3), beta(3), kappa(4);
  alpha << -6, -4, -2;
  beta << 0.5, 0.3, 0.2;
  kappa << 6, 1, -1, -6;
  const LeeCarterFit fit = pfsim::fit_lee_carter(rank_one(alpha, beta, kappa), {2000, 2005, 2010, 2015}, 5);

  Eigen::VectorXd diffs(3);
  diffs << -5, -2, -5;
  CHECK(max_abs_diff(fit.kappa_diffs, diffs) < kFitTol);
  CHECK(std::abs(fit.drift - (-0.8)) < kFitTol);
  CHECK(std::abs(fit.sigma - std::sqrt(0.6)) < kFitTol);
}

TEST_CASE("sigma is 0 with a single difference", "[lee_carter]") {
  Eigen::VectorXd alpha(2), beta(2), kappa(2);
  alpha << -3, -1;
  beta << 0.25, 0.75;
  kappa << 1.5, -1.5;
  const LeeCarterFit fit = pfsim::fit_lee_carter(rank_one(alpha, beta, kappa), {2010, 2015}, 5);
  CHECK(std::abs(fit.drift - (-3.0 / 5)) < kFitTol);
  CHECK(fit.sigma == 0);
}

TEST_CASE("declining mortality gives declining kappa and negative drift", "[lee_carter]") {
  // Every age's rate falls 2% a year, faster at young ages; the SVD's sign is arbitrary, so try
  // several shapes (each SVD call may return either sign).
  for (int n_ages : {1, 2, 5, 20}) {
    for (int n_years : {2, 3, 7}) {
      Eigen::MatrixXd log_m(n_ages, n_years);
      std::vector<int> years;
      for (int t = 0; t < n_years; ++t) years.push_back(1990 + 5 * t);
      for (int a = 0; a < n_ages; ++a)
        for (int t = 0; t < n_years; ++t)
          log_m(a, t) = -8.0 + 0.08 * a - (0.03 - 0.001 * a) * 5 * t + 0.01 * std::sin(a + 3.0 * t);
      const LeeCarterFit fit = pfsim::fit_lee_carter(log_m, years, 5);
      INFO(n_ages << " ages, " << n_years << " years");
      CHECK(fit.drift < 0);
      CHECK(fit.kappa(n_years - 1) < fit.kappa(0));
      CHECK(fit.beta.sum() == Approx(1).epsilon(1e-12));
      CHECK(fit.beta.minCoeff() > 0);
    }
  }
}

TEST_CASE("the first component of a rank-two history is recovered", "[lee_carter]") {
  // centred = 3 u1 v1' + 1 u2 v2' with orthonormal u's and v's (v's orthogonal to 1):
  // explained variance 9/10; beta = u1/sum(u1) = 1/3 each; kappa = 3 sum(u1) v1 = 3 sqrt(3) v1.
  Eigen::VectorXd u1(3), u2(3), v1(4), v2(4), alpha(3);
  u1 << 1, 1, 1;
  u1 /= std::sqrt(3.0);
  u2 << 1, -1, 0;
  u2 /= std::sqrt(2.0);
  v1 << -3, -1, 1, 3;
  v1 /= std::sqrt(20.0);
  v2 << 1, -1, -1, 1;
  v2 /= 2.0;
  alpha << -4, -3, -2;
  const Eigen::MatrixXd log_m = ((3 * u1 * v1.transpose() + u2 * v2.transpose()).colwise() + alpha).eval();
  const LeeCarterFit fit = pfsim::fit_lee_carter(log_m, {1, 2, 3, 4}, 1);
  CHECK(max_abs_diff(fit.alpha, alpha) < kFitTol);
  CHECK(max_abs_diff(fit.beta, Eigen::VectorXd::Constant(3, 1.0 / 3)) < kFitTol);
  CHECK(max_abs_diff(fit.kappa, 3 * std::sqrt(3.0) * v1) < kFitTol);
  CHECK(fit.explained_variance == Approx(0.9).epsilon(1e-12));
}

TEST_CASE("fit_lee_carter rejects inconsistent input", "[lee_carter]") {
  Eigen::MatrixXd log_m(2, 3);
  log_m << -3, -3.1, -3.3, -1, -1.05, -1.2;
  CHECK_NOTHROW(pfsim::fit_lee_carter(log_m, {2000, 2005, 2010}, 5));
  CHECK_THROWS_AS(pfsim::fit_lee_carter(log_m, {2000, 2005}, 5), std::invalid_argument);
  CHECK_THROWS_AS(pfsim::fit_lee_carter(log_m, {2000, 2005, 2015}, 5), std::invalid_argument);
  CHECK_THROWS_AS(pfsim::fit_lee_carter(log_m, {2000, 2005, 2010}, 0), std::invalid_argument);
  const Eigen::MatrixXd flat = Eigen::MatrixXd::Constant(2, 3, -2.0);
  CHECK_THROWS_AS(pfsim::fit_lee_carter(flat, {2000, 2005, 2010}, 5), std::invalid_argument);
  Eigen::MatrixXd with_nan = log_m;
  with_nan(1, 1) = std::nan("");
  CHECK_THROWS_AS(pfsim::fit_lee_carter(with_nan, {2000, 2005, 2010}, 5), std::invalid_argument);
}

TEST_CASE("kappa_correlation on a hand case", "[lee_carter]") {
  // x = 1, 2, 3 and y = 2, 4, 7: deviations (-1, 0, 1) and (-7/3, -1/3, 8/3);
  // sum xy = 5, sum xx = 2, sum yy = 114/9, so r = 5 / sqrt(2 * 114/9) = 15 / sqrt(228).
  LeeCarterFit male, female;
  male.years = female.years = {1, 2, 3, 4};
  male.kappa_diffs = Eigen::Vector3d(1, 2, 3);
  female.kappa_diffs = Eigen::Vector3d(2, 4, 7);
  CHECK(pfsim::kappa_correlation(male, female) == Approx(15 / std::sqrt(228.0)).epsilon(1e-14));
  CHECK(pfsim::kappa_correlation(female, male) == Approx(15 / std::sqrt(228.0)).epsilon(1e-14));

  female.kappa_diffs = Eigen::Vector3d(-2, -4, -6);
  CHECK(pfsim::kappa_correlation(male, female) == Approx(-1).epsilon(1e-14));

  // From fits: male kappa -2.5, -1.5, 0.5, 3.5 and female -5.25, -3.25, 0.75, 7.75 (each sums
  // to 0) have the hand-case differences above.
  Eigen::VectorXd alpha(2), beta(2), km(4), kf(4);
  alpha << -3, -1;
  beta << 0.6, 0.4;
  km << -2.5, -1.5, 0.5, 3.5;
  kf << -5.25, -3.25, 0.75, 7.75;
  const std::vector<int> years{1990, 1995, 2000, 2005};
  const LeeCarterFit fm = pfsim::fit_lee_carter(rank_one(alpha, beta, km), years, 5);
  const LeeCarterFit ff = pfsim::fit_lee_carter(rank_one(alpha, beta, kf), years, 5);
  CHECK(std::abs(pfsim::kappa_correlation(fm, ff) - 15 / std::sqrt(228.0)) < kFitTol);
}

TEST_CASE("kappa_correlation is 0 with fewer than 3 differences and rejects mismatched years", "[lee_carter]") {
  LeeCarterFit male, female;
  male.years = female.years = {1, 2, 3};
  male.kappa_diffs = Eigen::Vector2d(1, 2);
  female.kappa_diffs = Eigen::Vector2d(2, 4);
  CHECK(pfsim::kappa_correlation(male, female) == 0);

  female.years = {1, 2, 4};
  CHECK_THROWS_AS(pfsim::kappa_correlation(male, female), std::invalid_argument);
}
