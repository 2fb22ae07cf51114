#pragma once
// Running mean and variance (Welford) for the statistical tests.
namespace pfsim::test {

struct Moments {
  double n = 0, mean = 0, m2 = 0;
  void add(double x) {
    n += 1;
    const double d = x - mean;
    mean += d / n;
    m2 += d * (x - mean);
  }
  double var() const { return m2 / (n - 1); }
};

}  // namespace pfsim::test
