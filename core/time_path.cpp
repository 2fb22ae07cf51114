#include "core/time_path.h"

#include <algorithm>

namespace pfsim {

double TimePath::at(int year) const {
  if (points_.size() == 1 || year <= points_.front().first) return points_.front().second;
  if (year >= points_.back().first) return points_.back().second;
  // First point with year > `year`; its predecessor has year <= `year`.
  const auto hi = std::upper_bound(points_.begin(), points_.end(), year,
                                   [](int y, const auto& p) { return y < p.first; });
  const auto lo = hi - 1;
  if (how_ == Interpolation::step) return lo->second;
  const double t = static_cast<double>(year - lo->first) / static_cast<double>(hi->first - lo->first);
  return lo->second + t * (hi->second - lo->second);
}

std::vector<double> TimePath::sample(int first, int last) const {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(std::max(0, last - first + 1)));
  for (int y = first; y <= last; ++y) out.push_back(at(y));
  return out;
}

}  // namespace pfsim
