#pragma once
// Bracketing and bisection for goal seeking: the lever value at which a
// statistic crosses a threshold. The statistic is evaluated on common random
// numbers, so it is a deterministic function of the lever; it must be
// monotone over the bracket, which every evaluation checks.
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/error.h"

namespace pfsim {

struct SeekPoint {
  double lever;
  double value;
};

struct SeekResult {
  double lever = 0;              // the boundary: the target holds on one side of it
  bool holds_above = false;      // the target holds for levers above (else below) the boundary
  std::vector<SeekPoint> points; // every evaluation, in order
};

// Finds the lever in [lower, upper] where f crosses `threshold`, to within
// `tolerance`. The target is f <= threshold (at_most) or f >= threshold.
// Throws UnreachableGoal when the target holds at neither end or at both ends
// of the bracket (out of reach / always met), or when f is not monotone.
SeekResult seek(const std::function<double(double)>& f, double lower, double upper, double threshold,
                bool at_most, double tolerance);

}  // namespace pfsim
