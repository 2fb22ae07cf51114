#pragma once
// Least-squares calibration of the one-regime economy VAR(1) of model.md section 1
// from a history of annual rows:
//
//   z_t = mu + A (z_{t-1} - mu) + u_t,   E u_t = 0,  Var u_t = Sigma.
//
// Each equation i is estimated by OLS on z_{i,t} = c_i + sum_j A_ij z_{j,t-1} + u_{i,t},
// t = 1..T-1 (n = T - 1 rows, k = n_vars + 1 regressors [1, z_{t-1}]), by a
// column-pivoted Householder QR solve of the column-scaled regressor matrix X;
// mu = (I - A)^{-1} c. Equation-by-equation OLS equals the Gaussian ML / multivariate
// LS estimator of a VAR (Lütkepohl 2005, New Introduction to Multiple Time Series
// Analysis, section 3.2; Hamilton 1994, Time Series Analysis, section 11.1).
#include <string>
#include <vector>

#include <Eigen/Dense>

namespace pfsim {

struct Var1Estimate {
  std::vector<std::string> names;  // variable names, the order of every vector and matrix
  int observations = 0;            // n = T - 1 regression rows

  // mu = (I - A)^{-1} c. Standard error from the long-run variance of a VAR(1) sample
  // mean (Hamilton 1994, section 10.5): Var(mu_hat) ~ (I - A)^{-1} Sigma (I - A)^{-T} / n.
  Eigen::VectorXd mean, mean_se;

  // A_ij = coefficient of z_{j,t-1} in equation i (row = equation, column = lag).
  // se(A_ij) = sqrt(Sigma_ii [(X'X)^{-1}]_{1+j,1+j}), the OLS standard error.
  Eigen::MatrixXd persistence, persistence_se;

  // sigma_i = sqrt(Sigma_ii), Sigma = U'U / (n - k), the degrees-of-freedom-adjusted
  // LS estimate (Lütkepohl 2005, section 3.2.2).
  // se(sigma_i) = sigma_i / sqrt(2 (n - k)): delta method on Var(s^2) = 2 sigma^4 / (n - k)
  // for Gaussian innovations.
  Eigen::VectorXd volatility, volatility_se;

  // R_ij = Sigma_ij / (sigma_i sigma_j), 0 when sigma_i or sigma_j is 0; unit diagonal.
  // se(R_ij) = (1 - R_ij^2) / sqrt(n - 3): Fisher's z = atanh(r) has se 1 / sqrt(n - 3),
  // and dr/dz = 1 - r^2 (Fisher 1921). 0 on the diagonal.
  Eigen::MatrixXd correlation, correlation_se;

  double spectral_radius = 0;  // max |eigenvalue| of A; pfsim requires < 1
};

// data: rows = consecutive years (T), columns = variables, in `names` order.
// Throws std::invalid_argument (the caller adds the file name) when:
//   - names is empty, its size differs from data.cols(), or a name is empty or repeated;
//   - T < n_vars + 3 (so that n - k >= 1);
//   - a value is not finite (the message gives the 1-based data row and the variable);
//   - the regressor matrix [1, z_{t-1}] is singular (rank < k: a constant or
//     collinear variable; rank decided on unit-norm columns, relative tolerance 1e-10);
//   - I - A is singular (smallest singular value < 1e-10: an eigenvalue of A equals 1),
//     so mu is undefined.
Var1Estimate estimate_var1(const Eigen::MatrixXd& data, std::vector<std::string> names);

// A TOML fragment for a pfsim config: a leading comment block (source_description, the
// variable order, observations, spectral radius and every standard error), then
//   [economy.mean]         name = mu_i
//   [economy.volatility]   name = sigma_i
//   [economy.persistence]  matrix = [[A_11, A_12, ...], ...]   (rows and columns in names order)
//   [economy.correlation]  pairs = [["a", "b", R_ab], ...]     (every pair i < j)
// Numbers have 6 significant digits ("{:.6g}", with ".0" added to integral values so
// that every number is a TOML float). Names are bare keys; a name that is not a valid
// bare key (A-Za-z0-9_-) is written as a quoted key.
std::string var1_to_toml(const Var1Estimate& est, const std::string& source_description);

// Plain-text report: means, persistence matrix, volatilities and correlations, each
// with its standard error, and the spectral radius of A.
std::string var1_report(const Var1Estimate& est);

}  // namespace pfsim
