#include "models/demography/fertility_pattern.h"

#include <cmath>
#include <numeric>
#include <stdexcept>

namespace pfsim {

std::vector<double> split_five_year_shares(const std::vector<double>& group_shares) {
  const std::size_t g = group_shares.size();
  const double total = std::accumulate(group_shares.begin(), group_shares.end(), 0.0);
  if (g == 0 || !(total > 0)) throw std::invalid_argument("fertility groups must have a positive total");
  // Knots x_k = 5k, cumulative C_k.
  std::vector<double> c(g + 1, 0.0);
  for (std::size_t k = 0; k < g; ++k) c[k + 1] = c[k] + group_shares[k] / total;
  c[g] = 1.0;
  const double h = 5.0;
  std::vector<double> delta(g), slope(g + 1);
  for (std::size_t k = 0; k < g; ++k) delta[k] = (c[k + 1] - c[k]) / h;
  slope[0] = delta[0];
  slope[g] = delta[g - 1];
  for (std::size_t k = 1; k < g; ++k)
    slope[k] = (delta[k - 1] * delta[k] <= 0) ? 0.0 : 0.5 * (delta[k - 1] + delta[k]);
  // Fritsch-Carlson (1980) limiter: alpha^2 + beta^2 <= 9 keeps each piece monotone.
  for (std::size_t k = 0; k < g; ++k) {
    if (delta[k] == 0) {
      slope[k] = slope[k + 1] = 0;
      continue;
    }
    const double a = slope[k] / delta[k], b = slope[k + 1] / delta[k];
    const double s = a * a + b * b;
    if (s > 9) {
      const double tau = 3 / std::sqrt(s);
      slope[k] = tau * a * delta[k];
      slope[k + 1] = tau * b * delta[k];
    }
  }
  auto eval = [&](std::size_t k, double x) {  // x in [0, 5] within piece k
    const double t = x / h, t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * c[k] + (t3 - 2 * t2 + t) * h * slope[k] + (-2 * t3 + 3 * t2) * c[k + 1] +
           (t3 - t2) * h * slope[k + 1];
  };
  std::vector<double> out;
  out.reserve(5 * g);
  for (std::size_t k = 0; k < g; ++k)
    for (int j = 0; j < 5; ++j) {
      const double lo = j == 0 ? c[k] : eval(k, j);
      const double hi = j == 4 ? c[k + 1] : eval(k, j + 1);
      out.push_back(std::max(0.0, hi - lo));
    }
  return out;
}

}  // namespace pfsim
