#pragma once
// Coherent mortality by sex (Li and Lee 2005, Demography 42:575-594):
//   ln m[x][a][t] = alpha[x][a] + B[a] K[t] + b[x][a] k[x][t]
// a common factor (B, K) fitted to the average of the two sexes' centred log
// rates, and one sex-specific factor (b[x], k[x]) fitted to each sex's
// residual; each from the first singular vector pair, normalised so that
// sum(B) = sum(b[x]) = 1. Because every row of the centred matrices and of
// the residuals has mean 0 over time, K and k[x] have mean 0 over the fit
// years. K is a random walk with drift; each k[x] an AR(1) through 0 (the
// fit years' mean), which keeps the sexes' rates from diverging when
// 0 < persistence < 1. See docs/model.md section 2 (D2.10).
#include <Eigen/Dense>
#include <array>
#include <span>
#include <vector>

namespace pfsim {

struct LiLeeFit {
  std::vector<int> years;                    // columns of the history
  std::array<Eigen::VectorXd, 2> alpha;      // by sex
  Eigen::VectorXd B, K;                      // common factor
  std::array<Eigen::VectorXd, 2> b, k;       // sex-specific factors
  double drift = 0, sigma = 0;               // of K, annual (period differences / period, sd / sqrt(period))
  int n_diffs = 0;                           // number of K differences behind drift and sigma
  std::array<double, 2> persistence{};       // of k[x] per period: sum k[t] k[t+1] / sum k[t]^2
  std::array<double, 2> residual_sd{};       // of k[x]'s AR(1) per period, at that persistence
  std::array<Eigen::VectorXd, 2> residuals;  // k[x][t+1] - persistence k[x][t]
  std::array<double, 2> explained_variance{};  // by the sex's common plus own factor
};

// log_m[x] is ages x years for each sex (same shape). Throws
// std::invalid_argument unless both have at least one age and three years,
// are finite, years are equally spaced by period_length > 0 and the
// history varies over time.
LiLeeFit fit_li_lee(const std::array<Eigen::MatrixXd, 2>& log_m, std::vector<int> years, double period_length);

// AR(1) through 0 on a series: persistence = sum k[t] k[t+1] / sum k[t]^2,
// and the residuals at a given persistence.
double ar1_persistence(const Eigen::VectorXd& k);
Eigen::VectorXd ar1_residuals(const Eigen::VectorXd& k, double persistence);

// An annual AR(1) with persistence phi and innovation sd sigma, observed
// every h years, is an AR(1) with persistence phi^h and innovation variance
// sigma^2 (1 - phi^(2h)) / (1 - phi^2); these invert it (0 < phi_h < 1).
double annual_persistence(double phi_h, double h);
double annual_sigma(double sd_h, double phi_annual, double h);

// The common index K at which the mean of the two sexes' e0 from
// exp(alpha[x] + B K) equals target (bisection; e0 falls as K rises when B
// >= 0). Throws std::invalid_argument when target cannot be reached.
double pin_common_index(const std::array<Eigen::VectorXd, 2>& alpha, const Eigen::VectorXd& B, double target);

}  // namespace pfsim
