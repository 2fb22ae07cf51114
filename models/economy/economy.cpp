#include "models/economy/economy.h"

#include <cmath>

#include "core/normal.h"
#include "core/rng.h"
#include "models/uncertainty.h"

namespace pfsim {

Eigen::VectorXd stationary_distribution(const Eigen::MatrixXd& transition) {
  const auto m = transition.rows();
  if (m == 1) return Eigen::VectorXd::Ones(1);
  // Solve (P' - I) pi = 0 with the last equation replaced by sum(pi) = 1.
  Eigen::MatrixXd a = transition.transpose() - Eigen::MatrixXd::Identity(m, m);
  a.row(m - 1).setOnes();
  Eigen::VectorXd b = Eigen::VectorXd::Zero(m);
  b(m - 1) = 1.0;
  return a.fullPivLu().solve(b);
}

EconomyModel::EconomyModel(const EconomyParams& params, int start_year, int end_year)
    : p_(params),
      start_year_(start_year),
      years_(end_year - start_year + 1),
      n_(static_cast<int>(params.variables.size())) {
  const auto regimes = p_.regimes.size();
  mean_.resize(regimes);
  chol_.resize(regimes);
  for (std::size_t r = 0; r < regimes; ++r) {
    const auto& reg = p_.regimes[r];
    mean_[r].resize(static_cast<std::size_t>((years_ + 1) * n_));
    for (int t = -1; t < years_; ++t)
      for (int k = 0; k < n_; ++k)
        mean_[r][static_cast<std::size_t>((t + 1) * n_ + k)] =
            reg.mean[static_cast<std::size_t>(k)].at(start_year_ + t);
    const Eigen::MatrixXd cov =
        reg.volatility.asDiagonal() * reg.correlation * reg.volatility.asDiagonal();
    // LDLT tolerates a positive semidefinite covariance (zero volatilities,
    // perfectly correlated variables); L = P' L_d sqrt(D).
    Eigen::LDLT<Eigen::MatrixXd> ldlt(cov);
    Eigen::MatrixXd l = ldlt.matrixL();
    Eigen::VectorXd d = ldlt.vectorD().cwiseMax(0.0).cwiseSqrt();
    chol_[r] = ldlt.transpositionsP().transpose() * (l * d.asDiagonal());
  }
  if (p_.transition.size() == 0) p_.transition = Eigen::MatrixXd::Ones(1, 1);
  stationary_ = stationary_distribution(p_.transition);
  cumulative_transition_ = p_.transition;
  for (Eigen::Index i = 0; i < cumulative_transition_.rows(); ++i)
    for (Eigen::Index j = 1; j < cumulative_transition_.cols(); ++j)
      cumulative_transition_(i, j) += cumulative_transition_(i, j - 1);
  has_persistence_ = p_.persistence.size() > 0 && !p_.persistence.isZero(0.0);
  for (double sd : p_.mean_shift_sd) has_mean_shift_ = has_mean_shift_ || sd > 0;
}

void EconomyModel::simulate(std::uint64_t seed, std::uint64_t path, bool central,
                            EconomyPath& out) const {
  out.z.resize(years_, n_);
  out.regime.assign(static_cast<std::size_t>(years_), 0);
  out.mean_shift.setZero(n_);
  if (!central && has_mean_shift_)
    for (int k = 0; k < n_; ++k) {
      const double sd = p_.mean_shift_sd[static_cast<std::size_t>(k)];
      if (sd > 0) out.mean_shift(k) = sd * parameter_draw(seed, path, kEconomyMeanFirst + static_cast<std::uint32_t>(k));
    }
  // Without shocks ([shocks] economic = false) a path keeps its parameter
  // draws but follows the central path's innovations (none) and regime.
  const bool quiet = central || !p_.shocks_on;
  if (p_.generator == GeneratorKind::bootstrap)
    simulate_bootstrap(seed, path, quiet, out);
  else
    simulate_var1(seed, path, quiet, out);
  out.growth.resize(years_, n_);
  for (Eigen::Index i = 0; i < out.z.size(); ++i) out.growth.data()[i] = std::exp(out.z.data()[i]);
}

namespace {
int draw_regime(RandomStream& s, const Eigen::MatrixXd& cumulative, int row) {
  const double u = s.uniform();
  const auto m = cumulative.cols();
  for (Eigen::Index j = 0; j < m - 1; ++j)
    if (u < cumulative(row, j)) return static_cast<int>(j);
  return static_cast<int>(m - 1);
}
}  // namespace

void EconomyModel::simulate_var1(std::uint64_t seed, std::uint64_t path, bool central,
                                 EconomyPath& out) const {
  const int regimes = static_cast<int>(p_.regimes.size());
  // S_{y0-1}: fixed, or drawn from the stationary distribution (then S_{y0}
  // is stationary too, as model.md requires).
  int prev_regime = 0;
  if (!central && regimes > 1) {
    if (p_.initial_regime >= 0) {
      prev_regime = p_.initial_regime;
    } else {
      RandomStream s(seed, path, Stream::economy_regime, 0);
      const double u = s.uniform();
      double c = 0;
      prev_regime = regimes - 1;
      for (int r = 0; r < regimes; ++r) {
        c += stationary_(r);
        if (u < c) { prev_regime = r; break; }
      }
    }
  }

  // z_{y-1} - mu_{y-1}(S_{y-1}); a path with a shifted mean starts from the
  // same observed z and reverts to its own mean path.
  Eigen::VectorXd dev = p_.initial;
  for (int k = 0; k < n_; ++k) dev(k) -= mean(prev_regime, -1, k);
  if (has_mean_shift_) dev -= out.mean_shift;
  Eigen::VectorXd eps(n_);
  Eigen::VectorXd next(n_);
  for (int t = 0; t < years_; ++t) {
    const auto step = static_cast<std::uint32_t>(t + 1);
    int regime = prev_regime;
    if (!central && regimes > 1) {
      RandomStream s(seed, path, Stream::economy_regime, step);
      regime = draw_regime(s, cumulative_transition_, prev_regime);
    }
    if (central) {
      eps.setZero();
    } else {
      RandomStream s(seed, path, Stream::economy_shocks, step);
      fill_standard_normal(s, eps.data(), n_);
      if (p_.shocks == ShockDistribution::student_t) {
        RandomStream w(seed, path, Stream::economy_mixing, step);
        eps *= std::sqrt((p_.dof - 2.0) / chi_squared(w, p_.dof));
      }
    }
    next.noalias() = chol_[static_cast<std::size_t>(regime)] * eps;
    if (has_persistence_) next.noalias() += p_.persistence * dev;
    if (has_mean_shift_)
      for (int k = 0; k < n_; ++k) out.z(t, k) = mean(regime, t, k) + out.mean_shift(k) + next(k);
    else
      for (int k = 0; k < n_; ++k) out.z(t, k) = mean(regime, t, k) + next(k);
    dev = next;
    out.regime[static_cast<std::size_t>(t)] = regime;
    prev_regime = regime;
  }
}

void EconomyModel::simulate_bootstrap(std::uint64_t seed, std::uint64_t path, bool central,
                                      EconomyPath& out) const {
  const auto rows = static_cast<std::uint64_t>(p_.history.rows());
  const int b = p_.block_length;
  std::uint64_t start = 0;
  for (int t = 0; t < years_; ++t) {
    if (central) {
      // The central path of a bootstrap is the historical mean.
      for (int k = 0; k < n_; ++k) out.z(t, k) = p_.history.col(k).mean();
      continue;
    }
    if (t % b == 0) {
      RandomStream s(seed, path, Stream::economy_bootstrap, static_cast<std::uint32_t>(t + 1));
      start = static_cast<std::uint64_t>(s.uniform() * static_cast<double>(rows)) % rows;
    }
    const auto row = static_cast<Eigen::Index>((start + static_cast<std::uint64_t>(t % b)) % rows);
    out.z.row(t) = p_.history.row(row);
  }
}

}  // namespace pfsim
