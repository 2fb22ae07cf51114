#include "models/demography/lee_carter.h"

#include <cmath>
#include <stdexcept>
#include <string>
#include <utility>

namespace pfsim {

LeeCarterFit fit_lee_carter(const Eigen::MatrixXd& log_m, std::vector<int> years, double period_length) {
  const Eigen::Index n_ages = log_m.rows();
  const Eigen::Index n_years = log_m.cols();
  if (n_ages < 1 || n_years < 2)
    throw std::invalid_argument("fit_lee_carter: need at least one age and two years of history");
  if (static_cast<Eigen::Index>(years.size()) != n_years)
    throw std::invalid_argument("fit_lee_carter: " + std::to_string(years.size()) + " years for " +
                                std::to_string(n_years) + " columns");
  if (!(period_length > 0))
    throw std::invalid_argument("fit_lee_carter: period length must be positive");
  // The annualisation below assumes every difference spans period_length years.
  for (std::size_t i = 1; i < years.size(); ++i) {
    if (std::abs(static_cast<double>(years[i] - years[i - 1]) - period_length) > 1e-9 * period_length)
      throw std::invalid_argument("fit_lee_carter: years " + std::to_string(years[i - 1]) + " and " +
                                  std::to_string(years[i]) + " are not one period apart");
  }
  if (!log_m.allFinite()) throw std::invalid_argument("fit_lee_carter: non-finite log mortality");

  LeeCarterFit fit;
  fit.years = std::move(years);
  fit.alpha = log_m.rowwise().mean();
  const Eigen::MatrixXd centred = log_m.colwise() - fit.alpha;
  const double total = centred.squaredNorm();
  if (total == 0) throw std::invalid_argument("fit_lee_carter: mortality does not vary over time");

  const Eigen::BDCSVD<Eigen::MatrixXd> svd(centred, Eigen::ComputeThinU | Eigen::ComputeThinV);
  const Eigen::VectorXd u = svd.matrixU().col(0);
  const Eigen::VectorXd v = svd.matrixV().col(0);
  const double s1 = svd.singularValues()(0);
  // Dividing by sum(u) fixes the SVD's arbitrary sign: (u, v) and (-u, -v) give the same beta
  // and kappa, with sum(beta) = 1 > 0, so declining mortality gives declining kappa. u has unit
  // norm; a sum near 0 would amplify its rounding errors without bound.
  const double u_sum = u.sum();
  if (std::abs(u_sum) < 1e-8)
    throw std::invalid_argument("fit_lee_carter: first age pattern sums to ~0; cannot normalise sum(beta) = 1");
  fit.beta = u / u_sum;
  fit.kappa = (s1 * u_sum) * v;
  fit.explained_variance = s1 * s1 / total;

  fit.kappa_diffs = fit.kappa.tail(n_years - 1) - fit.kappa.head(n_years - 1);
  const Eigen::Index n_diffs = fit.kappa_diffs.size();
  const double mean_diff = fit.kappa_diffs.mean();
  fit.drift = mean_diff / period_length;
  if (n_diffs >= 2) {
    const double var = (fit.kappa_diffs.array() - mean_diff).square().sum() / static_cast<double>(n_diffs - 1);
    fit.sigma = std::sqrt(var / period_length);
  }
  return fit;
}

double kappa_correlation(const LeeCarterFit& male, const LeeCarterFit& female) {
  if (male.years != female.years || male.kappa_diffs.size() != female.kappa_diffs.size())
    throw std::invalid_argument("kappa_correlation: the two fits cover different years");
  const Eigen::Index n = male.kappa_diffs.size();
  if (n < 3) return 0;
  const Eigen::ArrayXd x = male.kappa_diffs.array() - male.kappa_diffs.mean();
  const Eigen::ArrayXd y = female.kappa_diffs.array() - female.kappa_diffs.mean();
  const double sxx = x.square().sum();
  const double syy = y.square().sum();
  if (sxx == 0 || syy == 0) return 0;
  return (x * y).sum() / std::sqrt(sxx * syy);
}

}  // namespace pfsim
