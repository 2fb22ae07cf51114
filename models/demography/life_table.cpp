#include "models/demography/life_table.h"

#include <algorithm>


#include <cassert>
#include <cmath>
#include <stdexcept>
#include <string>

namespace pfsim {

namespace {

// One age's hazard terms: p = exp(-m) = l[a+1]/l[a] and f = (1 - exp(-m)) / m = L[a]/l[a].
// Both come from one expm1, which keeps f accurate at the small m of young ages, where
// 1 - exp(-m) would cancel (m = 1e-4 loses 4 digits).
struct AgeHazard {
  double p;
  double f;
};

inline AgeHazard age_hazard(double m) {
  assert(m >= 0 && std::isfinite(m));
  if (m == 0) return {1.0, 1.0};
  const double x = std::expm1(-m);
  return {1.0 + x, -x / m};
}

}  // namespace

void life_table(std::span<const double> m, LifeTable& out) {
  if (m.empty()) throw std::invalid_argument("life_table: no mortality rates");
  const std::size_t n = m.size();
  const std::size_t omega = n - 1;
  assert(m[omega] > 0);
  out.l.resize(n);
  out.L.resize(n);
  out.T.resize(n);
  out.e.resize(n);

  out.l[0] = 1.0;
  for (std::size_t a = 0; a < omega; ++a) {
    const AgeHazard h = age_hazard(m[a]);
    out.l[a + 1] = out.l[a] * h.p;
    out.L[a] = out.l[a] * h.f;
  }
  out.L[omega] = out.l[omega] / m[omega];

  // e[a] = T[a]/l[a] is evaluated as e[a] = L[a]/l[a] + (l[a+1]/l[a]) e[a+1], which stays
  // finite when l underflows at extreme ages and is the same arithmetic as life_expectancy.
  out.T[omega] = out.L[omega];
  out.e[omega] = 1.0 / m[omega];
  for (std::size_t a = omega; a-- > 0;) {
    const AgeHazard h = age_hazard(m[a]);
    out.T[a] = out.L[a] + out.T[a + 1];
    out.e[a] = h.f + h.p * out.e[a + 1];
  }
}

double life_expectancy(std::span<const double> m, int age) {
  if (age < 0 || static_cast<std::size_t>(age) >= m.size())
    throw std::invalid_argument("life_expectancy: age " + std::to_string(age) +
                                " outside 0.." + std::to_string(static_cast<long>(m.size()) - 1));
  const std::size_t omega = m.size() - 1;
  assert(m[omega] > 0);
  double e = 1.0 / m[omega];
  for (std::size_t a = omega; a-- > static_cast<std::size_t>(age);) {
    const AgeHazard h = age_hazard(m[a]);
    e = h.f + h.p * e;
  }
  return e;
}

void survival_ratios(std::span<const double> m, std::span<double> s) {
  if (m.size() < 2) throw std::invalid_argument("survival_ratios: need ages 0..omega with omega >= 1");
  if (s.size() != m.size()) throw std::invalid_argument("survival_ratios: s and m differ in size");
  const std::size_t omega = m.size() - 1;
  assert(m[omega] > 0);

  // With L[a] = l[a] f[a] and l[a] = l[a-1] p[a-1], l cancels:
  // s[a] = L[a]/L[a-1] = p[a-1] f[a] / f[a-1];
  // s[omega] = L[omega]/(L[omega-1] + L[omega]) = p[omega-1] / (m[omega] f[omega-1] + p[omega-1]).
  AgeHazard prev = age_hazard(m[0]);
  s[0] = prev.f;
  for (std::size_t a = 1; a < omega; ++a) {
    const AgeHazard h = age_hazard(m[a]);
    s[a] = prev.p * h.f / prev.f;
    prev = h;
  }
  s[omega] = prev.p / (m[omega] * prev.f + prev.p);
}

}  // namespace pfsim


namespace pfsim {

namespace {
// f(m) = (1 - e^-m) / m, the share of a year lived by the average life at
// constant hazard m over the year, given p = e^-m, as a fraction num / den:
// (1 - p) / m, or below m = 1e-3 its series 1 - m/2 + m^2/6 - m^3/24 +
// m^4/120 over 1 (truncation below m^5/720 < 1.4e-18), where 1 - p would
// lose digits. Keeping the fraction lets a ratio of two f share one division.
struct LivedShare {
  Lane num, den;
};
inline LivedShare lived_share(Lane m, Lane p) {
  const Lane series = 1.0 + m * (-0.5 + m * (1.0 / 6 + m * (-1.0 / 24 + m * (1.0 / 120))));
  const LaneMask large = m > 1e-3;
  return {select(large, 1.0 - p, series), select(large, m, splat(1.0))};
}
}  // namespace

LifeSummary projection_life_table(std::span<const Lane> m, std::span<Lane> s, std::span<Lane> scratch,
                                  int summary_age, int second_age) {
  const auto n = m.size();
  const auto w = n - 1;
  Lane* p = scratch.data();
  Lane* num = p + n;
  Lane* den = num + n;
  for (std::size_t a = 0; a < n; ++a) {
    p[a] = lane_exp(-m[a]);
    const LivedShare f = lived_share(m[a], p[a]);
    num[a] = f.num;
    den[a] = f.den;
  }
  // With l[a] = l[a-1] p[a-1] and L[a] = l[a] f[a]: s[a] = L[a] / L[a-1] =
  // p[a-1] f[a] / f[a-1]. One division q = 1 / (den[a] num[a-1]) per age
  // gives both f[a] = num[a] num[a-1] q and s[a] = p[a-1] num[a] den[a-1] q.
  // L overwrites num once an age is done with it.
  Lane* L = num;
  Lane l = splat(1.0), l_at = splat(1.0), l_at2 = splat(1.0);
  if (summary_age == 0) l_at = l;
  if (second_age == 0) l_at2 = l;
  Lane num_prev = num[0];
  L[0] = num[0] / den[0];
  s[0] = L[0];
  l *= p[0];
  for (std::size_t a = 1; a < w; ++a) {
    if (a == static_cast<std::size_t>(summary_age)) l_at = l;
    if (a == static_cast<std::size_t>(second_age)) l_at2 = l;
    const Lane num_a = num[a];
    const Lane q = 1.0 / (den[a] * num_prev);
    s[a] = p[a - 1] * num_a * den[a - 1] * q;
    L[a] = l * (num_a * num_prev * q);
    num_prev = num_a;
    l *= p[a];
  }
  if (w == static_cast<std::size_t>(summary_age)) l_at = l;
  if (w == static_cast<std::size_t>(second_age)) l_at2 = l;
  L[w] = l / m[w];
  s[w] = L[w] / (L[w - 1] + L[w]);
  Lane T = splat(0.0), t_at = splat(0.0), t_at2 = splat(0.0);
  for (std::size_t a = n; a-- > 0;) {
    T += L[a];
    if (a == static_cast<std::size_t>(summary_age)) t_at = T;
    if (a == static_cast<std::size_t>(second_age)) t_at2 = T;
  }
  const auto within = [w](int age) { return age >= 0 && static_cast<std::size_t>(age) <= w; };
  return {T, within(summary_age) ? t_at / l_at : splat(0.0), within(second_age) ? t_at2 / l_at2 : splat(0.0)};
}

void survival_ratios_from(std::span<const Lane> m, std::span<Lane> s, int first, std::span<Lane> scratch) {
  const auto n = static_cast<int>(m.size());
  const int w = n - 1;
  const int lo = std::max(0, first - 1);
  Lane* p = scratch.data();
  Lane* num = p + n;
  Lane* den = num + n;
  for (int a = lo; a < n; ++a) {
    const Lane ma = m[static_cast<std::size_t>(a)];
    p[a] = lane_exp(-ma);
    const LivedShare f = lived_share(ma, p[a]);
    num[a] = f.num;
    den[a] = f.den;
  }
  // L[a] / L[a-1] = p[a-1] f[a] / f[a-1]; the open group's T[w]/T[w-1] =
  // p[w-1] / (m[w] f[w-1] + p[w-1]); each with one division.
  if (first <= 0) s[0] = num[0] / den[0];
  for (int a = std::max(1, first); a < w; ++a)
    s[static_cast<std::size_t>(a)] = p[a - 1] * num[a] * den[a - 1] / (den[a] * num[a - 1]);
  s[static_cast<std::size_t>(w)] =
      p[w - 1] * den[w - 1] / (m[static_cast<std::size_t>(w)] * num[w - 1] + p[w - 1] * den[w - 1]);
}

}  // namespace pfsim
