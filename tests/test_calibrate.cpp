// Tests of the least-squares VAR(1) calibration (models/economy/calibrate.h).
#include "models/economy/calibrate.h"

#include <catch2/catch.hpp>
#include <toml++/toml.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <fmt/format.h>

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using pfsim::Var1Estimate;

struct TrueVar1 {
  VectorXd mu;
  MatrixXd A;
  VectorXd sigma;
  MatrixXd R;
  MatrixXd Sigma() const { return sigma.asDiagonal() * R * sigma.asDiagonal(); }
};

TrueVar1 three_variable_truth() {
  TrueVar1 v;
  v.mu = VectorXd(3);
  v.mu << 0.02, 0.03, 0.07;
  v.A = MatrixXd(3, 3);
  v.A << 0.60, 0.10, 0.00,
         0.20, 0.40, -0.10,
        -0.30, 0.20, 0.10;
  v.sigma = VectorXd(3);
  v.sigma << 0.012, 0.015, 0.20;
  v.R = MatrixXd(3, 3);
  v.R << 1.0, 0.3, -0.2,
         0.3, 1.0, 0.4,
        -0.2, 0.4, 1.0;
  return v;
}

const std::vector<std::string> kNames = {"inflation", "real_wage", "equity_domestic"};

// Gamma = A Gamma A' + Sigma, solved as vec(Gamma) = (I - A (x) A)^{-1} vec(Sigma).
MatrixXd stationary_covariance(const MatrixXd& A, const MatrixXd& Sigma) {
  const Index m = A.rows();
  MatrixXd K = MatrixXd::Identity(m * m, m * m);
  for (Index i = 0; i < m; ++i)
    for (Index j = 0; j < m; ++j)
      for (Index p = 0; p < m; ++p)
        for (Index q = 0; q < m; ++q) K(i * m + p, j * m + q) -= A(i, j) * A(p, q);
  const VectorXd vec_sigma = Eigen::Map<const VectorXd>(Sigma.data(), m * m);
  const VectorXd vec_gamma = K.partialPivLu().solve(vec_sigma);
  return Eigen::Map<const MatrixXd>(vec_gamma.data(), m, m);
}

// T rows of z_t = mu + A (z_{t-1} - mu) + L eps_t, L L' = Sigma, eps ~ N(0, I); z_0 drawn
// from the stationary distribution N(mu, Gamma).
MatrixXd simulate(const TrueVar1& v, Index T, std::uint64_t seed) {
  const Index m = v.mu.size();
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  const auto draw = [&] {
    VectorXd e(m);
    for (Index i = 0; i < m; ++i) e(i) = normal(rng);
    return e;
  };
  const MatrixXd L = Eigen::LLT<MatrixXd>(v.Sigma()).matrixL();
  const MatrixXd L0 = Eigen::LLT<MatrixXd>(stationary_covariance(v.A, v.Sigma())).matrixL();
  MatrixXd z(T, m);
  VectorXd x = L0 * draw();  // z - mu
  z.row(0) = (v.mu + x).transpose();
  for (Index t = 1; t < T; ++t) {
    x = v.A * x + L * draw();
    z.row(t) = (v.mu + x).transpose();
  }
  return z;
}

double rel_diff(double a, double b) { return std::abs(a - b) / std::abs(b); }

template <class F>
std::string invalid_argument_message(F&& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no std::invalid_argument thrown>";
}

}  // namespace

TEST_CASE("estimate_var1 recovers a simulated 3-variable VAR(1) within 3 standard errors",
          "[calibrate]") {
  const TrueVar1 truth = three_variable_truth();
  const Index T = 20000;
  const MatrixXd z = simulate(truth, T, 20240913);
  const Var1Estimate est = pfsim::estimate_var1(z, kNames);
  const double n = static_cast<double>(T - 1);

  CHECK(est.observations == T - 1);
  REQUIRE(est.names == kNames);

  for (Index i = 0; i < 3; ++i) {
    INFO("mean " << kNames[i] << ": " << est.mean(i) << " +- " << est.mean_se(i));
    CHECK(std::abs(est.mean(i) - truth.mu(i)) <= 3 * est.mean_se(i));
  }
  for (Index i = 0; i < 3; ++i) {
    for (Index j = 0; j < 3; ++j) {
      INFO("A(" << i << "," << j << "): " << est.persistence(i, j) << " +- "
                << est.persistence_se(i, j));
      CHECK(std::abs(est.persistence(i, j) - truth.A(i, j)) <= 3 * est.persistence_se(i, j));
    }
  }
  for (Index i = 0; i < 3; ++i) {
    INFO("volatility " << kNames[i] << ": " << est.volatility(i) << " +- "
                       << est.volatility_se(i));
    CHECK(std::abs(est.volatility(i) - truth.sigma(i)) <= 3 * est.volatility_se(i));
  }
  for (Index i = 0; i < 3; ++i) {
    for (Index j = 0; j < 3; ++j) {
      INFO("R(" << i << "," << j << "): " << est.correlation(i, j) << " +- "
                << est.correlation_se(i, j));
      if (i == j) {
        CHECK(est.correlation(i, j) == 1.0);
        CHECK(est.correlation_se(i, j) == 0.0);
      } else {
        CHECK(est.correlation(i, j) == est.correlation(j, i));
        CHECK(std::abs(est.correlation(i, j) - truth.R(i, j)) <= 3 * est.correlation_se(i, j));
      }
    }
  }

  // Standard errors against their asymptotic values at the true parameters.
  const MatrixXd Sigma = truth.Sigma();
  const MatrixXd Gamma = stationary_covariance(truth.A, Sigma);
  REQUIRE((Gamma - (truth.A * Gamma * truth.A.transpose() + Sigma)).norm() < 1e-14);
  const MatrixXd Gamma_inv = Gamma.inverse();
  for (Index i = 0; i < 3; ++i) {
    for (Index j = 0; j < 3; ++j) {
      const double theory = std::sqrt(Sigma(i, i) * Gamma_inv(j, j) / n);
      INFO("se A(" << i << "," << j << "): " << est.persistence_se(i, j) << " vs " << theory);
      CHECK(rel_diff(est.persistence_se(i, j), theory) < 0.2);
    }
  }
  const MatrixXd B = (MatrixXd::Identity(3, 3) - truth.A).inverse();
  const MatrixXd long_run = B * Sigma * B.transpose();
  for (Index i = 0; i < 3; ++i) {
    const double mean_theory = std::sqrt(long_run(i, i) / n);
    const double vol_theory = truth.sigma(i) / std::sqrt(2 * n);
    INFO(kNames[i] << ": se mean " << est.mean_se(i) << " vs " << mean_theory << ", se vol "
                   << est.volatility_se(i) << " vs " << vol_theory);
    CHECK(rel_diff(est.mean_se(i), mean_theory) < 0.2);
    CHECK(rel_diff(est.volatility_se(i), vol_theory) < 0.2);
    for (Index j = i + 1; j < 3; ++j) {
      const double r = truth.R(i, j);
      CHECK(rel_diff(est.correlation_se(i, j), (1 - r * r) / std::sqrt(n)) < 0.2);
    }
  }

  const double true_radius = Eigen::EigenSolver<MatrixXd>(truth.A, false)
                                 .eigenvalues()
                                 .cwiseAbs()
                                 .maxCoeff();
  REQUIRE(true_radius < 1.0);
  CHECK(std::abs(est.spectral_radius - true_radius) < 0.02);
}

TEST_CASE("estimate_var1 standard errors match the Monte Carlo spread of the estimates",
          "[calibrate]") {
  // 400 independent series of T = 500: the sample standard deviation of each estimate
  // across replications against the mean reported standard error. With 400 replications
  // the sd has a sampling error of ~1/sqrt(800) = 3.5%.
  const TrueVar1 truth = three_variable_truth();
  const int reps = 400;
  const Index T = 500;
  MatrixXd a_sum = MatrixXd::Zero(3, 3), a_sq = MatrixXd::Zero(3, 3), a_se = MatrixXd::Zero(3, 3);
  VectorXd mu_sum = VectorXd::Zero(3), mu_sq = VectorXd::Zero(3), mu_se = VectorXd::Zero(3);
  VectorXd vol_sum = VectorXd::Zero(3), vol_sq = VectorXd::Zero(3), vol_se = VectorXd::Zero(3);
  for (int r = 0; r < reps; ++r) {
    const Var1Estimate est =
        pfsim::estimate_var1(simulate(truth, T, 1000 + static_cast<std::uint64_t>(r)), kNames);
    a_sum += est.persistence;
    a_sq += est.persistence.cwiseAbs2();
    a_se += est.persistence_se;
    mu_sum += est.mean;
    mu_sq += est.mean.cwiseAbs2();
    mu_se += est.mean_se;
    vol_sum += est.volatility;
    vol_sq += est.volatility.cwiseAbs2();
    vol_se += est.volatility_se;
  }
  const auto sd = [&](double sum, double sq) {
    return std::sqrt((sq - sum * sum / reps) / (reps - 1));
  };
  for (Index i = 0; i < 3; ++i) {
    for (Index j = 0; j < 3; ++j) {
      const double spread = sd(a_sum(i, j), a_sq(i, j));
      INFO("A(" << i << "," << j << "): sd " << spread << ", mean se " << a_se(i, j) / reps);
      CHECK(rel_diff(a_se(i, j) / reps, spread) < 0.15);
    }
    const double mu_spread = sd(mu_sum(i), mu_sq(i));
    const double vol_spread = sd(vol_sum(i), vol_sq(i));
    INFO(kNames[i] << ": mean sd " << mu_spread << " se " << mu_se(i) / reps << "; vol sd "
                   << vol_spread << " se " << vol_se(i) / reps);
    CHECK(rel_diff(mu_se(i) / reps, mu_spread) < 0.15);
    CHECK(rel_diff(vol_se(i) / reps, vol_spread) < 0.15);
  }
}

TEST_CASE("estimate_var1 is exact when the innovations are orthogonal to the regressors",
          "[calibrate]") {
  // u_t is made orthogonal to [1, z_{t-1}] (fixed point of: build z from u, project u off
  // the column space of X), so OLS returns mu and A exactly and the residuals are u.
  const Index m = 3, n = 80, k = m + 1;
  const TrueVar1 truth = three_variable_truth();
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  MatrixXd U(n, m);
  for (Index t = 0; t < n; ++t)
    for (Index i = 0; i < m; ++i) U(t, i) = truth.sigma(i) * normal(rng);
  VectorXd z0(m);
  z0 << 0.01, 0.05, -0.1;

  MatrixXd z(n + 1, m), X(n, k);
  const auto build = [&] {
    z.row(0) = z0.transpose();
    for (Index t = 1; t <= n; ++t) {
      z.row(t) = (truth.mu + truth.A * (z.row(t - 1).transpose() - truth.mu) +
                  U.row(t - 1).transpose())
                     .transpose();
    }
    X.col(0).setOnes();
    X.rightCols(m) = z.topRows(n);
  };
  for (int iter = 0; iter < 500; ++iter) {
    build();
    if ((X.transpose() * U).norm() < 1e-16) break;
    U -= X * X.householderQr().solve(U);
  }
  build();
  const double orthogonality = (X.transpose() * U).norm();
  INFO("||X'U|| = " << orthogonality);
  REQUIRE(orthogonality < 1e-14);

  const Var1Estimate est = pfsim::estimate_var1(z, kNames);
  REQUIRE(est.observations == n);
  for (Index i = 0; i < m; ++i) {
    CHECK(std::abs(est.mean(i) - truth.mu(i)) < 1e-9);
    for (Index j = 0; j < m; ++j) CHECK(std::abs(est.persistence(i, j) - truth.A(i, j)) < 1e-9);
  }

  const double dof = static_cast<double>(n - k);
  const MatrixXd Sigma = U.transpose() * U / dof;
  const MatrixXd XtX_inv = (X.transpose() * X).inverse();
  const MatrixXd B = (MatrixXd::Identity(m, m) - truth.A).inverse();
  const MatrixXd V_mu = B * Sigma * B.transpose() / static_cast<double>(n);
  for (Index i = 0; i < m; ++i) {
    const double vol = std::sqrt(Sigma(i, i));
    CHECK(rel_diff(est.volatility(i), vol) < 1e-9);
    CHECK(rel_diff(est.volatility_se(i), vol / std::sqrt(2 * dof)) < 1e-9);
    CHECK(rel_diff(est.mean_se(i), std::sqrt(V_mu(i, i))) < 1e-9);
    for (Index j = 0; j < m; ++j) {
      CHECK(rel_diff(est.persistence_se(i, j), std::sqrt(Sigma(i, i) * XtX_inv(j + 1, j + 1))) <
            1e-9);
      const double r = Sigma(i, j) / std::sqrt(Sigma(i, i) * Sigma(j, j));
      CHECK(std::abs(est.correlation(i, j) - r) < 1e-9);
      const double r_se = i == j ? 0.0 : (1 - r * r) / std::sqrt(static_cast<double>(n - 3));
      CHECK(std::abs(est.correlation_se(i, j) - r_se) < 1e-9);
    }
  }
  CHECK(std::abs(est.spectral_radius -
                 Eigen::EigenSolver<MatrixXd>(truth.A, false).eigenvalues().cwiseAbs().maxCoeff()) <
        1e-9);
}

TEST_CASE("estimate_var1 on a noiseless scalar AR(1) by hand", "[calibrate]") {
  // z_t = 2 + 0.5 (z_{t-1} - 2), z_0 = 10: 10, 6, 4, 3, 2.5, 2.25. Exact fit: c = 1, a = 0.5.
  MatrixXd z(6, 1);
  z << 10, 6, 4, 3, 2.5, 2.25;
  const Var1Estimate est = pfsim::estimate_var1(z, {"x"});
  CHECK(est.observations == 5);
  CHECK(std::abs(est.persistence(0, 0) - 0.5) < 1e-12);
  CHECK(std::abs(est.mean(0) - 2.0) < 1e-12);
  CHECK(est.volatility(0) < 1e-12);
  CHECK(est.persistence_se(0, 0) < 1e-12);
  CHECK(std::abs(est.spectral_radius - 0.5) < 1e-12);
  CHECK(est.correlation(0, 0) == 1.0);
}

TEST_CASE("var1_to_toml writes a fragment that parses back to the estimate", "[calibrate]") {
  const TrueVar1 truth = three_variable_truth();
  const std::vector<std::string> names = {"inflation", "real_wage", "equity domestic"};
  const Var1Estimate est = pfsim::estimate_var1(simulate(truth, 300, 42), names);
  const std::string text =
      pfsim::var1_to_toml(est, "NBS annual series 1995-2023\nlog rates, \"calibrate\" run");
  INFO(text);

  CHECK(text.rfind("# NBS annual series 1995-2023\n# log rates, \"calibrate\" run\n", 0) == 0);
  CHECK(text.find("# observations: 299 regression rows (300 years)") != std::string::npos);
  CHECK(text.find("\"equity domestic\" = ") != std::string::npos);
  CHECK(text.find("[economy.correlation]\npairs = [\n") != std::string::npos);

  toml::table doc;
  REQUIRE_NOTHROW(doc = toml::parse(text));
  const auto close6 = [](std::optional<double> got, double want) {
    return got.has_value() && std::abs(*got - want) <= 5e-6 * std::abs(want) + 1e-300;
  };
  for (Index i = 0; i < 3; ++i) {
    const std::string& name = names[static_cast<std::size_t>(i)];
    INFO(name);
    CHECK(close6(doc["economy"]["mean"][name].value<double>(), est.mean(i)));
    CHECK(close6(doc["economy"]["volatility"][name].value<double>(), est.volatility(i)));
    CHECK(doc["economy"]["mean"][name].is_floating_point());
  }
  const toml::array* matrix = doc["economy"]["persistence"]["matrix"].as_array();
  REQUIRE(matrix != nullptr);
  REQUIRE(matrix->size() == 3);
  for (Index i = 0; i < 3; ++i) {
    const toml::array* row = (*matrix)[static_cast<std::size_t>(i)].as_array();
    REQUIRE(row != nullptr);
    REQUIRE(row->size() == 3);
    for (Index j = 0; j < 3; ++j) {
      CHECK(close6((*row)[static_cast<std::size_t>(j)].value<double>(), est.persistence(i, j)));
    }
  }
  const toml::array* pairs = doc["economy"]["correlation"]["pairs"].as_array();
  REQUIRE(pairs != nullptr);
  REQUIRE(pairs->size() == 3);
  std::size_t p = 0;
  for (Index i = 0; i < 3; ++i) {
    for (Index j = i + 1; j < 3; ++j, ++p) {
      const toml::array* pair = (*pairs)[p].as_array();
      REQUIRE(pair != nullptr);
      REQUIRE(pair->size() == 3);
      CHECK((*pair)[0].value<std::string>() == names[static_cast<std::size_t>(i)]);
      CHECK((*pair)[1].value<std::string>() == names[static_cast<std::size_t>(j)]);
      CHECK(close6((*pair)[2].value<double>(), est.correlation(i, j)));
    }
  }

  // Every standard error is in the leading comment block, 6 significant digits.
  const std::string header = text.substr(0, text.find("\n["));
  const auto g6 = [](double x) { return fmt::format("{:.6g}", x); };
  for (Index i = 0; i < 3; ++i) {
    const std::string& name = names[static_cast<std::size_t>(i)];
    CHECK(header.find("#     " + name + " = " + g6(est.mean_se(i)) + "\n") != std::string::npos);
    CHECK(header.find("#     " + name + " = " + g6(est.volatility_se(i)) + "\n") !=
          std::string::npos);
    CHECK(header.find("#     " + name + " = [" + g6(est.persistence_se(i, 0)) + ", " +
                      g6(est.persistence_se(i, 1)) + ", " + g6(est.persistence_se(i, 2)) +
                      "]\n") != std::string::npos);
    for (Index j = i + 1; j < 3; ++j) {
      CHECK(header.find("#     " + name + ", " + names[static_cast<std::size_t>(j)] + " = " +
                        g6(est.correlation_se(i, j)) + "\n") != std::string::npos);
    }
  }
}

TEST_CASE("var1_to_toml writes integral values as TOML floats", "[calibrate]") {
  MatrixXd z(6, 1);
  z << 10, 6, 4, 3, 2.5, 2.25;  // mu = 2, a = 0.5 exactly
  Var1Estimate est = pfsim::estimate_var1(z, {"x"});
  est.mean(0) = 2.0;
  est.volatility(0) = 0.0;
  const std::string text = pfsim::var1_to_toml(est, "");
  INFO(text);
  CHECK(text.find("[economy.mean]\nx = 2.0\n") != std::string::npos);
  CHECK(text.find("[economy.volatility]\nx = 0.0\n") != std::string::npos);
  CHECK(text.find("matrix = [\n  [0.5],\n]") != std::string::npos);
  CHECK(text.find("pairs = [\n]") != std::string::npos);
  const toml::table doc = toml::parse(text);
  CHECK(doc["economy"]["mean"]["x"].is_floating_point());
  CHECK(doc["economy"]["correlation"]["pairs"].as_array()->empty());
}

TEST_CASE("var1_report lists every estimate with its standard error", "[calibrate]") {
  const Var1Estimate est = pfsim::estimate_var1(simulate(three_variable_truth(), 300, 5), kNames);
  const std::string report = pfsim::var1_report(est);
  INFO(report);
  CHECK(report.find("observations: 299 regression rows (300 years), 3 variables") !=
        std::string::npos);
  CHECK(report.find(fmt::format("spectral radius of A: {:.4f}\n", est.spectral_radius)) !=
        std::string::npos);
  CHECK(report.find(fmt::format("{:.4g} ({:.4g})", est.persistence(1, 2),
                                est.persistence_se(1, 2))) != std::string::npos);
  CHECK(report.find("real_wage ~ equity_domestic") != std::string::npos);
  for (Index i = 0; i < 3; ++i) {
    CHECK(report.find(fmt::format("{:>12.6g}  {:>12.6g}", est.mean(i), est.mean_se(i))) !=
          std::string::npos);
    CHECK(report.find(fmt::format("{:>12.6g}  {:>12.6g}", est.volatility(i),
                                  est.volatility_se(i))) != std::string::npos);
  }
}

TEST_CASE("estimate_var1 rejects bad input with std::invalid_argument", "[calibrate]") {
  const MatrixXd z = simulate(three_variable_truth(), 40, 11);
  const auto message = [](const MatrixXd& data, std::vector<std::string> names) {
    return invalid_argument_message([&] { pfsim::estimate_var1(data, std::move(names)); });
  };

  CHECK(message(z.topRows(5), kNames) ==
        "estimate_var1: 3 variables need at least 6 rows (years) of data (n_vars + 3), got 5");
  CHECK_NOTHROW(pfsim::estimate_var1(z.topRows(6), kNames));

  MatrixXd bad = z;
  bad(4, 1) = std::nan("");
  CHECK(message(bad, kNames) ==
        "estimate_var1: data row 5, variable 'real_wage' is not finite (nan)");
  bad(4, 1) = -INFINITY;
  CHECK(message(bad, kNames) ==
        "estimate_var1: data row 5, variable 'real_wage' is not finite (-inf)");

  MatrixXd constant = z;
  constant.col(2).setConstant(0.05);
  CHECK(message(constant, kNames) ==
        "estimate_var1: the regressor matrix [1, z_(t-1)] is singular: variable "
        "'equity_domestic' is constant over data rows 1..39");

  MatrixXd collinear = z;
  collinear.col(2) = 0.5 * z.col(0) - 2.0 * z.col(1) + VectorXd::Constant(40, 0.01);
  CHECK(message(collinear, kNames) ==
        "estimate_var1: the regressor matrix [1, z_(t-1)] over data rows 1..39 is singular "
        "(rank 3 < 4): a variable is a linear combination of the others and the constant");

  // z_t = z_{t-1} + 1 exactly: c = 1, A = 1, so mu = (I - A)^{-1} c does not exist.
  MatrixXd trend(8, 1);
  for (Index t = 0; t < 8; ++t) trend(t, 0) = static_cast<double>(t);
  CHECK_THAT(message(trend, {"x"}),
             Catch::StartsWith("estimate_var1: I - A is singular (smallest singular value") &&
                 Catch::EndsWith("so the mean mu = (I - A)^{-1} c is undefined"));

  CHECK(message(z, {"a", "b"}) == "estimate_var1: 2 variable names for 3 data columns");
  CHECK(message(z, {"a", "b", "a"}) == "estimate_var1: variable 'a' appears twice");
  CHECK(message(z, {"a", "", "c"}) == "estimate_var1: variable name 2 is empty");
  CHECK(message(MatrixXd(10, 0), {}) == "estimate_var1: the data have no columns (variables)");
}
