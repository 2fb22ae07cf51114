#pragma once
// Period life table with constant hazard within each single age (model.md section 2):
// l[0] = 1, l[a+1] = l[a] exp(-m[a]); L[a] = l[a] (1 - exp(-m[a])) / m[a] (= l[a] when m[a] == 0);
// L[omega] = l[omega] / m[omega] (open age group); T[a] = sum_{x>=a} L[x]; e[a] = T[a] / l[a].
//
// m holds central death rates for ages 0..omega, omega the open group. Preconditions (validated
// by io before a run; Lee-Carter rates exp(ln m) satisfy them by construction): every m[a] >= 0
// and finite, and m[omega] > 0 so that the open group closes. A violated size precondition
// throws std::invalid_argument.
#include <span>

#include "core/lanes.h"
#include <vector>

namespace pfsim {

struct LifeTable {
  std::vector<double> l, L, T, e;
};

// Fills out for ages 0..omega; resizes out's vectors, which allocates only when they are smaller
// than m. e[a] agrees exactly with life_expectancy(m, a).
void life_table(std::span<const double> m, LifeTable& out);

// e[age] for age in 0..omega, without allocating.
double life_expectancy(std::span<const double> m, int age);

// Survival ratios for the cohort-component projection (model.md section 2):
// s[0] = L[0]/l[0] (births to age 0 at year end),
// s[a] = L[a]/L[a-1] for a = 1..omega-1 (moving from age a-1 to a),
// s[omega] = T[omega]/T[omega-1] (open group: ages omega-1 and omega to omega).
// s must have as many entries as m, and omega >= 1. One pass, no allocation.
void survival_ratios(std::span<const double> m, std::span<double> s);

}  // namespace pfsim

namespace pfsim {

// The per-path-year life table of the projection, for kLanes paths at once
// (core/lanes.h), with a vectorised exp: survival ratios s as
// survival_ratios gives them, and e0 and e[summary_age]. f = (1 - e^-m)/m
// uses its Taylor series below m = 1e-3, where 1 - e^-m would lose digits.
// m, s have omega + 1 entries; scratch needs 3 (omega + 1).
struct LifeSummary {
  Lane e0;
  Lane e_at;   // life expectancy at summary_age
  Lane e_at2;  // life expectancy at second_age
};
LifeSummary projection_life_table(std::span<const Lane> m, std::span<Lane> s, std::span<Lane> scratch,
                                  int summary_age, int second_age = -1);

// Survival ratios s[a] for a = first..omega only (s[a] needs m[a-1] and
// m[a]); the entries below `first` are left as they are. scratch needs
// 3 (omega + 1) entries.
void survival_ratios_from(std::span<const Lane> m, std::span<Lane> s, int first, std::span<Lane> scratch);

}  // namespace pfsim
