#pragma once
// Standard normal and chi-square variates from a RandomStream, through
// Boost.Random's distributions (ziggurat normal).
#include <boost/random/chi_squared_distribution.hpp>
#include <boost/random/normal_distribution.hpp>

#include "core/rng.h"

namespace pfsim {

inline double standard_normal(RandomStream& s) {
  boost::random::normal_distribution<double> n(0.0, 1.0);
  return n(s);
}

template <class Out>
inline void fill_standard_normal(RandomStream& s, Out* out, int n) {
  boost::random::normal_distribution<double> nd(0.0, 1.0);
  for (int i = 0; i < n; ++i) out[i] = nd(s);
}

inline double chi_squared(RandomStream& s, double dof) {
  boost::random::chi_squared_distribution<double> c(dof);
  return c(s);
}

}  // namespace pfsim
