#pragma once
// Single-age fertility shares from 5-year groups: the cumulative schedule at
// the group edges is interpolated with a monotone (Fritsch-Carlson) cubic
// Hermite spline and differenced at integer ages, so every group keeps its
// share exactly and no single-age share is negative.
#include <vector>

namespace pfsim {

// group_shares: shares of the groups [first_age, first_age+5), ... (any
// total > 0; normalised to 1). Returns 5 * groups single-age shares summing to 1.
std::vector<double> split_five_year_shares(const std::vector<double>& group_shares);

}  // namespace pfsim
