#pragma once
// Lee-Carter fit (model.md section 2; Lee and Carter 1992, JASA 87:659-671):
// ln m[a][t] = alpha[a] + beta[a] kappa[t]; alpha = row means of ln m; (beta, kappa) from the first
// singular vector pair of the centred matrix, normalised so sum(beta) = 1 (kappa scaled
// accordingly, which then sums to 0 because every row of the centred matrix does).
// Drift and sigma from the kappa differences divided by the spacing of the history: with period
// length h years, annual drift = mean(diff kappa) / h, annual sigma = sd(diff kappa) / sqrt(h)
// (sd with n-1 denominator; 0 when fewer than 2 differences).
#include <Eigen/Dense>
#include <vector>

namespace pfsim {

struct LeeCarterFit {
  std::vector<int> years;            // columns of the history
  Eigen::VectorXd alpha, beta, kappa;
  double drift = 0, sigma = 0;       // annual
  Eigen::VectorXd kappa_diffs;       // raw period differences (for the between-sex correlation)
  double explained_variance = 0;     // share of the centred matrix's squared norm explained by the first component
};

// log_m is ages x years. Throws std::invalid_argument unless: log_m has at least one age and two
// years, all finite; years has one entry per column, equally spaced by period_length > 0;
// the history varies over time; and the first left singular vector does not sum to ~0 (else
// sum(beta) = 1 cannot be imposed).
LeeCarterFit fit_lee_carter(const Eigen::MatrixXd& log_m, std::vector<int> years, double period_length);

// Pearson correlation of two sexes' kappa differences; 0 when fewer than 3 differences or when
// either sex's differences are constant. Throws std::invalid_argument if the fits cover
// different years.
double kappa_correlation(const LeeCarterFit& male, const LeeCarterFit& female);

}  // namespace pfsim
