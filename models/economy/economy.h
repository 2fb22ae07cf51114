#pragma once
// Economic scenario generator (model.md section 1): a Markov-switching VAR(1)
//   z_y = mu_y(S_y) + A (z_{y-1} - mu_{y-1}(S_{y-1})) + L(S_y) eps_y
// with normal or multivariate Student-t shocks, or a circular block bootstrap
// of historical rows. The model is const; a path's draws come from its own
// counter-based streams.
#include <Eigen/Dense>
#include <cstdint>
#include <vector>

#include "models/params.h"

namespace pfsim {

struct EconomyPath {
  // rows = projection years, columns = variables (annual log rates)
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> z;
  // exp(z): gross growth factors (1 + rate), computed once per path for the
  // funds and the metrics.
  Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> growth;
  std::vector<int> regime;  // per year
  Eigen::VectorXd mean_shift;  // this path's shift of each variable's mean path (parameter uncertainty; 0 without)
};

class EconomyModel {
 public:
  EconomyModel(const EconomyParams& params, int start_year, int end_year);

  // central = true gives the central path: every shock zero, regime fixed at the first.
  void simulate(std::uint64_t seed, std::uint64_t path, bool central, EconomyPath& out) const;

  const EconomyParams& params() const { return p_; }
  int variables() const { return n_; }
  int years() const { return years_; }
  const Eigen::VectorXd& stationary_regime_distribution() const { return stationary_; }
  // mu_y(r) for year index t = year - start_year, t = -1 allowed.
  double mean(int regime, int t, int variable) const {
    return mean_[static_cast<std::size_t>(regime)][static_cast<std::size_t>((t + 1) * n_ + variable)];
  }

 private:
  void simulate_var1(std::uint64_t seed, std::uint64_t path, bool central, EconomyPath& out) const;
  void simulate_bootstrap(std::uint64_t seed, std::uint64_t path, bool central, EconomyPath& out) const;

  EconomyParams p_;
  int start_year_;
  int years_;
  int n_;
  std::vector<std::vector<double>> mean_;  // [regime][(t+1)*n + k]
  std::vector<Eigen::MatrixXd> chol_;      // L per regime
  Eigen::VectorXd stationary_;
  Eigen::MatrixXd cumulative_transition_;  // row-wise cumulative sums
  bool has_persistence_ = false;
  bool has_mean_shift_ = false;
};

// Stationary distribution pi of a transition matrix (pi P = pi, sum pi = 1).
Eigen::VectorXd stationary_distribution(const Eigen::MatrixXd& transition);

}  // namespace pfsim
