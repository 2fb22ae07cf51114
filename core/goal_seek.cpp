#include "core/goal_seek.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace pfsim {

SeekResult seek(const std::function<double(double)>& f, double lower, double upper, double threshold,
                bool at_most, double tolerance) {
  SeekResult r;
  auto eval = [&](double x) {
    const double v = f(x);
    r.points.push_back({x, v});
    return v;
  };
  auto holds = [&](double v) { return at_most ? v <= threshold : v >= threshold; };
  double a = lower, b = upper;
  double fa = eval(a), fb = eval(b);
  const char* rel = at_most ? "<=" : ">=";
  if (!holds(fa) && !holds(fb))
    throw UnreachableGoal(fmt::format("the target ({} {:.6g}) is out of reach within [{:.6g}, {:.6g}]: the statistic is "
                                    "{:.6g} at {:.6g} and {:.6g} at {:.6g}",
                                    rel, threshold, lower, upper, fa, lower, fb, upper));
  if (holds(fa) && holds(fb))
    throw UnreachableGoal(fmt::format("the target ({} {:.6g}) holds over the whole range [{:.6g}, {:.6g}] (statistic {:.6g} "
                                    "and {:.6g}): widen the range to find where it stops holding",
                                    rel, threshold, lower, upper, fa, fb));
  r.holds_above = holds(fb);
  while (b - a > tolerance) {
    const double m = 0.5 * (a + b);
    // Doubles cannot split the bracket further: it is as narrow as it gets.
    if (!(m > a && m < b)) break;
    const double fm = eval(m);
    if (fm < std::min(fa, fb) || fm > std::max(fa, fb))
      throw UnreachableGoal(fmt::format("the statistic is not monotone in the lever over [{:.6g}, {:.6g}]: {:.6g} at {:.6g}, "
                                      "{:.6g} at {:.6g}, {:.6g} at {:.6g}",
                                      lower, upper, fa, a, fm, m, fb, b));
    if (holds(fm) == r.holds_above) {
      b = m;
      fb = fm;
    } else {
      a = m;
      fa = fm;
    }
  }
  // The boundary: the end of the final bracket on the side where the target holds.
  r.lever = r.holds_above ? b : a;
  return r;
}

}  // namespace pfsim
