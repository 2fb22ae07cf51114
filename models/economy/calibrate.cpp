#include "models/economy/calibrate.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace pfsim {

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Relative tolerance of the rank test on the unit-norm-column regressor matrix: a pivot
// of R below 1e-10 times the largest counts as 0 (condition number above ~1e10).
constexpr double kRankTolerance = 1e-10;
// I - A counts as singular when its smallest singular value is below 1e-10 (A is
// dimensionless and I has unit scale, so the tolerance is absolute).
constexpr double kUnitRootTolerance = 1e-10;

[[noreturn]] void fail(const std::string& message) {
  throw std::invalid_argument("estimate_var1: " + message);
}

// TOML 1.0 bare key: A-Za-z0-9_- only, non-empty.
bool is_bare_key(const std::string& s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           ch == '_' || ch == '-';
  });
}

// TOML basic string with the escapes of TOML 1.0 (", \, control characters).
std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) {
    const auto u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += fmt::format("\\u{:04X}", static_cast<unsigned>(u));
        } else {
          out += ch;
        }
    }
  }
  out += '"';
  return out;
}

std::string toml_key(const std::string& s) { return is_bare_key(s) ? s : toml_string(s); }

// 6 significant digits; ".0" appended to an integral rendering so TOML reads a float.
std::string num(double x) {
  std::string s = fmt::format("{:.6g}", x);
  if (s.find_first_of(".eni") == std::string::npos) s += ".0";
  return s;
}

std::string join_row(const Eigen::RowVectorXd& row) {
  std::string out = "[";
  for (Index j = 0; j < row.size(); ++j) {
    if (j > 0) out += ", ";
    out += num(row(j));
  }
  return out + "]";
}

// "# " before every line of a possibly multi-line text.
std::string comment_block(const std::string& text) {
  std::string out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out += line.empty() ? "#\n" : "# " + line + "\n";
    start = end + 1;
  }
  return out;
}

void check_shape(const Var1Estimate& est) {
  const auto m = static_cast<Index>(est.names.size());
  const bool ok = est.mean.size() == m && est.mean_se.size() == m &&
                  est.volatility.size() == m && est.volatility_se.size() == m &&
                  est.persistence.rows() == m && est.persistence.cols() == m &&
                  est.persistence_se.rows() == m && est.persistence_se.cols() == m &&
                  est.correlation.rows() == m && est.correlation.cols() == m &&
                  est.correlation_se.rows() == m && est.correlation_se.cols() == m;
  if (!ok) {
    throw std::invalid_argument(
        "Var1Estimate: vector and matrix sizes do not match the number of names");
  }
}

}  // namespace

Var1Estimate estimate_var1(const Eigen::MatrixXd& data, std::vector<std::string> names) {
  const Index T = data.rows();
  const Index m = data.cols();
  if (m == 0) fail("the data have no columns (variables)");
  if (static_cast<Index>(names.size()) != m) {
    fail(fmt::format("{} variable names for {} data columns", names.size(), m));
  }
  std::set<std::string> seen;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i].empty()) fail(fmt::format("variable name {} is empty", i + 1));
    if (!seen.insert(names[i]).second) fail(fmt::format("variable '{}' appears twice", names[i]));
  }
  if (T < m + 3) {
    fail(fmt::format("{} variables need at least {} rows (years) of data (n_vars + 3), got {}", m,
                     m + 3, T));
  }
  for (Index t = 0; t < T; ++t) {
    for (Index j = 0; j < m; ++j) {
      if (!std::isfinite(data(t, j))) {
        fail(fmt::format("data row {}, variable '{}' is not finite ({})", t + 1, names[j],
                         data(t, j)));
      }
    }
  }

  // Regression rows t = 1..T-1: y_t = z_t, x_t = [1, z_{t-1}].
  const Index n = T - 1;
  const Index k = m + 1;
  MatrixXd X(n, k);
  X.col(0).setOnes();
  X.rightCols(m) = data.topRows(n);
  const MatrixXd Y = data.bottomRows(n);

  for (Index j = 0; j < m; ++j) {
    const auto lagged = data.col(j).head(n);
    if (lagged.maxCoeff() == lagged.minCoeff()) {
      fail(fmt::format(
          "the regressor matrix [1, z_(t-1)] is singular: variable '{}' is constant over data "
          "rows 1..{}",
          names[j], n));
    }
  }

  // Column scaling D = diag(1 / ||X_j||) makes the rank test independent of units:
  // X D P = Q R, B = D (X D)^+ Y.
  const VectorXd scale = X.colwise().norm().cwiseInverse().transpose();
  const MatrixXd Xs = X * scale.asDiagonal();
  Eigen::ColPivHouseholderQR<MatrixXd> qr(Xs);
  qr.setThreshold(kRankTolerance);
  if (qr.rank() < k) {
    fail(fmt::format(
        "the regressor matrix [1, z_(t-1)] over data rows 1..{} is singular (rank {} < {}): a "
        "variable is a linear combination of the others and the constant",
        n, qr.rank(), k));
  }
  const MatrixXd B = scale.asDiagonal() * qr.solve(Y);  // k x m: row 0 = c', rows 1..m = A'
  const VectorXd c = B.row(0).transpose();
  const MatrixXd A = B.bottomRows(m).transpose();
  const MatrixXd U = Y - X * B;
  const double dof = static_cast<double>(n - k);
  MatrixXd Sigma = U.transpose() * U / dof;
  Sigma = (0.5 * (Sigma + Sigma.transpose())).eval();

  // (X'X)^{-1} = D P R^{-1} R^{-T} P' D, R^{-1} by a triangular solve.
  const MatrixXd R = qr.matrixR().topLeftCorner(k, k).triangularView<Eigen::Upper>();
  const MatrixXd Rinv =
      R.triangularView<Eigen::Upper>().solve(MatrixXd::Identity(k, k));
  const MatrixXd XtX_inv = scale.asDiagonal() *
                           (qr.colsPermutation() * (Rinv * Rinv.transpose()) *
                            qr.colsPermutation().transpose()) *
                           scale.asDiagonal();

  const MatrixXd I_minus_A = MatrixXd::Identity(m, m) - A;
  const Eigen::JacobiSVD<MatrixXd> svd(I_minus_A);
  if (svd.singularValues().minCoeff() < kUnitRootTolerance) {
    fail(fmt::format(
        "I - A is singular (smallest singular value {:.3g}: A has an eigenvalue 1), so the "
        "mean mu = (I - A)^{{-1}} c is undefined",
        svd.singularValues().minCoeff()));
  }
  const Eigen::PartialPivLU<MatrixXd> lu(I_minus_A);

  Var1Estimate est;
  est.names = std::move(names);
  est.observations = static_cast<int>(n);

  est.mean = lu.solve(c);
  // (I - A)^{-1} Sigma (I - A)^{-T} / n.
  const MatrixXd left = lu.solve(Sigma);
  const MatrixXd long_run = lu.solve(left.transpose());
  est.mean_se =
      (long_run.diagonal() / static_cast<double>(n)).cwiseMax(0.0).cwiseSqrt();

  est.persistence = A;
  est.persistence_se.resize(m, m);
  for (Index i = 0; i < m; ++i) {
    for (Index j = 0; j < m; ++j) {
      est.persistence_se(i, j) = std::sqrt(std::max(0.0, Sigma(i, i) * XtX_inv(1 + j, 1 + j)));
    }
  }

  est.volatility = Sigma.diagonal().cwiseMax(0.0).cwiseSqrt();
  est.volatility_se = est.volatility / std::sqrt(2.0 * dof);

  est.correlation = MatrixXd::Identity(m, m);
  est.correlation_se = MatrixXd::Zero(m, m);
  const double fisher_den = std::sqrt(static_cast<double>(n - 3));
  for (Index i = 0; i < m; ++i) {
    for (Index j = 0; j < m; ++j) {
      if (i == j) continue;
      const double vi = est.volatility(i);
      const double vj = est.volatility(j);
      double r = (vi > 0 && vj > 0) ? Sigma(i, j) / (vi * vj) : 0.0;
      r = std::clamp(r, -1.0, 1.0);
      est.correlation(i, j) = r;
      est.correlation_se(i, j) = (1.0 - r * r) / fisher_den;
    }
  }

  Eigen::EigenSolver<MatrixXd> eig(A, /*computeEigenvectors=*/false);
  if (eig.info() != Eigen::Success) fail("the eigenvalues of the estimated A did not converge");
  est.spectral_radius = eig.eigenvalues().cwiseAbs().maxCoeff();
  return est;
}

std::string var1_to_toml(const Var1Estimate& est, const std::string& source_description) {
  check_shape(est);
  const auto m = static_cast<Index>(est.names.size());
  std::string names_list;
  for (Index i = 0; i < m; ++i) names_list += (i > 0 ? ", " : "") + est.names[i];

  std::string out;
  if (!source_description.empty()) out += comment_block(source_description);
  out += "# VAR(1) least-squares estimate: z_t = mu + A (z_{t-1} - mu) + u_t, u_t ~ (0, Sigma)\n";
  out += fmt::format("# observations: {} regression rows ({} years)\n", est.observations,
                     est.observations + 1);
  out += "# variables (order of matrix rows and columns): " + names_list + "\n";
  out += fmt::format("# spectral radius of A: {}\n", num(est.spectral_radius));
  out += "# standard errors:\n";
  out += "#   mean (long-run variance (I - A)^{-1} Sigma (I - A)^{-T} / n):\n";
  for (Index i = 0; i < m; ++i) {
    out += fmt::format("#     {} = {}\n", est.names[i], num(est.mean_se(i)));
  }
  out += "#   persistence (OLS, rows = equations):\n";
  for (Index i = 0; i < m; ++i) {
    out += fmt::format("#     {} = {}\n", est.names[i], join_row(est.persistence_se.row(i)));
  }
  out += "#   volatility (sigma / sqrt(2 (n - k))):\n";
  for (Index i = 0; i < m; ++i) {
    out += fmt::format("#     {} = {}\n", est.names[i], num(est.volatility_se(i)));
  }
  out += "#   correlation ((1 - r^2) / sqrt(n - 3)):\n";
  for (Index i = 0; i < m; ++i) {
    for (Index j = i + 1; j < m; ++j) {
      out += fmt::format("#     {}, {} = {}\n", est.names[i], est.names[j],
                         num(est.correlation_se(i, j)));
    }
  }

  out += "\n[economy.mean]\n";
  for (Index i = 0; i < m; ++i) {
    out += fmt::format("{} = {}\n", toml_key(est.names[i]), num(est.mean(i)));
  }
  out += "\n[economy.volatility]\n";
  for (Index i = 0; i < m; ++i) {
    out += fmt::format("{} = {}\n", toml_key(est.names[i]), num(est.volatility(i)));
  }
  out += "\n[economy.persistence]\nmatrix = [\n";
  for (Index i = 0; i < m; ++i) {
    out += fmt::format("  {},\n", join_row(est.persistence.row(i)));
  }
  out += "]\n";
  out += "\n[economy.correlation]\npairs = [\n";
  for (Index i = 0; i < m; ++i) {
    for (Index j = i + 1; j < m; ++j) {
      out += fmt::format("  [{}, {}, {}],\n", toml_string(est.names[i]),
                         toml_string(est.names[j]), num(est.correlation(i, j)));
    }
  }
  out += "]\n";
  return out;
}

std::string var1_report(const Var1Estimate& est) {
  check_shape(est);
  const auto m = static_cast<Index>(est.names.size());
  std::size_t w = 8;
  for (const auto& name : est.names) w = std::max(w, name.size());

  std::string out;
  out += "VAR(1) least-squares estimate: z_t = mu + A (z_{t-1} - mu) + u_t, u_t ~ (0, Sigma)\n";
  out += fmt::format("observations: {} regression rows ({} years), {} variables\n",
                     est.observations, est.observations + 1, m);
  out += fmt::format("spectral radius of A: {:.4f}{}\n", est.spectral_radius,
                     est.spectral_radius < 1.0 ? "" : "  (not stationary: pfsim requires < 1)");

  const auto table = [&](const std::string& title, const VectorXd& value, const VectorXd& se) {
    std::string s = fmt::format("\n{:<{}}  {:>12}  {:>12}\n", title, w + 2, "estimate", "std.err");
    for (Index i = 0; i < m; ++i) {
      s += fmt::format("  {:<{}}  {:>12.6g}  {:>12.6g}\n", est.names[i], w, value(i), se(i));
    }
    return s;
  };
  out += table("mean mu", est.mean, est.mean_se);

  out += "\npersistence A (row = equation, column = lagged variable): estimate (std.err)\n";
  std::vector<std::vector<std::string>> cells(m, std::vector<std::string>(m));
  std::size_t cw = w;
  for (Index i = 0; i < m; ++i) {
    for (Index j = 0; j < m; ++j) {
      cells[i][j] = fmt::format("{:.4g} ({:.4g})", est.persistence(i, j), est.persistence_se(i, j));
      cw = std::max(cw, cells[i][j].size());
    }
  }
  out += fmt::format("  {:<{}}", "", w);
  for (Index j = 0; j < m; ++j) out += fmt::format("  {:>{}}", est.names[j], cw);
  out += "\n";
  for (Index i = 0; i < m; ++i) {
    out += fmt::format("  {:<{}}", est.names[i], w);
    for (Index j = 0; j < m; ++j) out += fmt::format("  {:>{}}", cells[i][j], cw);
    out += "\n";
  }

  out += table("volatility sigma", est.volatility, est.volatility_se);

  if (m > 1) {
    std::vector<std::pair<std::string, std::pair<double, double>>> pairs;
    std::size_t pw = w;
    for (Index i = 0; i < m; ++i) {
      for (Index j = i + 1; j < m; ++j) {
        pairs.push_back({est.names[i] + " ~ " + est.names[j],
                         {est.correlation(i, j), est.correlation_se(i, j)}});
        pw = std::max(pw, pairs.back().first.size());
      }
    }
    out += fmt::format("\n{:<{}}  {:>12}  {:>12}\n", "correlation", pw + 2, "estimate", "std.err");
    for (const auto& [label, v] : pairs) {
      out += fmt::format("  {:<{}}  {:>12.6g}  {:>12.6g}\n", label, pw, v.first, v.second);
    }
  }
  return out;
}

}  // namespace pfsim
