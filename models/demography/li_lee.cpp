#include "models/demography/li_lee.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

#include "models/demography/life_table.h"

namespace pfsim {

namespace {

// First singular pair of a matrix whose rows have mean 0: (u / sum u, s sum(u) v).
std::pair<Eigen::VectorXd, Eigen::VectorXd> first_factor(const Eigen::MatrixXd& centred, double* explained,
                                                         const char* what) {
  const double total = centred.squaredNorm();
  if (total == 0) throw std::invalid_argument(std::string("fit_li_lee: the ") + what + " does not vary over time");
  const Eigen::BDCSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Eigen::VectorXd u = svd.matrixU().col(0);
  const double u_sum = u.sum();
  if (std::abs(u_sum) < 1e-8)
    throw std::invalid_argument(std::string("fit_li_lee: the ") + what + "'s age pattern sums to ~0; cannot normalise its sum to 1");
  const double s1 = svd.singularValues()(0);
  if (explained) *explained = s1 * s1 / total;
  return {u / u_sum, (s1 * u_sum) * svd.matrixV().col(0)};
}

}  // namespace

double ar1_persistence(const Eigen::VectorXd& k) {
  const Eigen::Index n = k.size();
  if (n < 3) throw std::invalid_argument("ar1_persistence: need at least three observations");
  const double den = k.head(n - 1).squaredNorm();
  if (den == 0) return 0;
  return k.head(n - 1).dot(k.tail(n - 1)) / den;
}

Eigen::VectorXd ar1_residuals(const Eigen::VectorXd& k, double persistence) {
  const Eigen::Index n = k.size();
  return k.tail(n - 1) - persistence * k.head(n - 1);
}

double annual_persistence(double phi_h, double h) { return std::pow(phi_h, 1.0 / h); }

double annual_sigma(double sd_h, double phi_annual, double h) {
  if (phi_annual == 1) return sd_h / std::sqrt(h);
  return sd_h * std::sqrt((1 - phi_annual * phi_annual) / (1 - std::pow(phi_annual, 2 * h)));
}

LiLeeFit fit_li_lee(const std::array<Eigen::MatrixXd, 2>& log_m, std::vector<int> years, double period_length) {
  const Eigen::Index ages = log_m[0].rows(), n = log_m[0].cols();
  if (log_m[1].rows() != ages || log_m[1].cols() != n)
    throw std::invalid_argument("fit_li_lee: the two sexes' histories differ in shape");
  if (ages < 1 || n < 3) throw std::invalid_argument("fit_li_lee: need at least one age and three years of history");
  if (static_cast<Eigen::Index>(years.size()) != n)
    throw std::invalid_argument("fit_li_lee: " + std::to_string(years.size()) + " years for " + std::to_string(n) + " columns");
  if (!(period_length > 0)) throw std::invalid_argument("fit_li_lee: period length must be positive");
  for (std::size_t i = 1; i < years.size(); ++i)
    if (std::abs(static_cast<double>(years[i] - years[i - 1]) - period_length) > 1e-9 * period_length)
      throw std::invalid_argument("fit_li_lee: years " + std::to_string(years[i - 1]) + " and " +
                                  std::to_string(years[i]) + " are not one period apart");
  if (!log_m[0].allFinite() || !log_m[1].allFinite()) throw std::invalid_argument("fit_li_lee: non-finite log mortality");

  LiLeeFit fit;
  fit.years = std::move(years);
  std::array<Eigen::MatrixXd, 2> centred;
  for (int x = 0; x < 2; ++x) {
    fit.alpha[x] = log_m[x].rowwise().mean();
    centred[x] = log_m[x].colwise() - fit.alpha[x];
  }
  std::tie(fit.B, fit.K) = first_factor(0.5 * (centred[0] + centred[1]), nullptr, "common mortality");
  for (int x = 0; x < 2; ++x) {
    const Eigen::MatrixXd residual = centred[x] - fit.B * fit.K.transpose();
    double explained_own = 0;
    std::tie(fit.b[x], fit.k[x]) = first_factor(residual, &explained_own, x == 0 ? "men's deviation" : "women's deviation");
    const double left = (residual - fit.b[x] * fit.k[x].transpose()).squaredNorm();
    fit.explained_variance[x] = 1 - left / centred[x].squaredNorm();
    fit.persistence[x] = ar1_persistence(fit.k[x]);
    fit.residuals[x] = ar1_residuals(fit.k[x], fit.persistence[x]);
    fit.residual_sd[x] = std::sqrt(fit.residuals[x].squaredNorm() / static_cast<double>(n - 2));
  }
  const Eigen::VectorXd diffs = fit.K.tail(n - 1) - fit.K.head(n - 1);
  fit.n_diffs = static_cast<int>(n - 1);
  const double mean = diffs.mean();
  fit.drift = mean / period_length;
  fit.sigma = std::sqrt((diffs.array() - mean).square().sum() / static_cast<double>(n - 2) / period_length);
  return fit;
}

double pin_common_index(const std::array<Eigen::VectorXd, 2>& alpha, const Eigen::VectorXd& B, double target) {
  std::vector<double> m(static_cast<std::size_t>(alpha[0].size()));
  auto mean_e0 = [&](double K) {
    double sum = 0;
    for (int x = 0; x < 2; ++x) {
      for (Eigen::Index a = 0; a < alpha[x].size(); ++a) m[static_cast<std::size_t>(a)] = std::exp(alpha[x](a) + B(a) * K);
      sum += life_expectancy(m, 0);
    }
    return 0.5 * sum;
  };
  double lo = -1000, hi = 1000;  // K far beyond any history: e0 near its limits
  if (!(mean_e0(lo) >= target && mean_e0(hi) <= target))
    throw std::invalid_argument("pin_common_index: a mean e0 of " + std::to_string(target) +
                                " is outside what the fitted age pattern can give");
  for (int it = 0; it < 200 && hi - lo > 1e-12 * (1 + std::abs(lo)); ++it) {
    const double mid = 0.5 * (lo + hi);
    (mean_e0(mid) > target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace pfsim
