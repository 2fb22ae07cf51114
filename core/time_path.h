#pragma once
// A value that varies over calendar years, as the config gives it:
// [[year, value], ...] either piecewise linear between points (flat beyond
// the ends) or a step schedule (each value holds from its year until the
// next point; before the first point, the first value).
#include <utility>
#include <vector>

namespace pfsim {

enum class Interpolation { linear, step };

class TimePath {
 public:
  TimePath() = default;
  explicit TimePath(double constant) : points_{{0, constant}} {}
  // Points must be sorted by strictly increasing year (validated by io).
  TimePath(std::vector<std::pair<int, double>> points, Interpolation how)
      : points_(std::move(points)), how_(how) {}

  double at(int year) const;
  // Values for years first..last inclusive, for flat per-year parameter arrays.
  std::vector<double> sample(int first, int last) const;

  const std::vector<std::pair<int, double>>& points() const { return points_; }
  Interpolation interpolation() const { return how_; }
  bool is_constant() const { return points_.size() <= 1; }

 private:
  std::vector<std::pair<int, double>> points_{{0, 0.0}};
  Interpolation how_ = Interpolation::linear;
};

}  // namespace pfsim
