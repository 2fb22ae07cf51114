#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "models/demography/life_table.h"

using pfsim::LifeTable;

namespace {

// A Gompertz-Makeham-like schedule with realistic magnitudes (1e-4 at young ages to ~0.4 at 100).
std::vector<double> gompertz(int omega) {
  std::vector<double> m(omega + 1);
  for (int a = 0; a <= omega; ++a) m[a] = 2e-4 + 3e-5 * std::exp(0.095 * a);
  m[0] = 0.006;
  return m;
}

}  // namespace

TEST_CASE("flat mortality gives the exponential table and e = 1/m at every age", "[life_table]") {
  // With constant m, L[a] = l[a](1 - e^-m)/m and the open group T = l/m, so T[a] = l[a]/m exactly.
  // Tolerance 1e-10: the recursion adds ~200 terms with relative rounding ~1e-16 each.
  const double mu = 0.02;
  const std::vector<double> m(201, mu);
  LifeTable t;
  pfsim::life_table(m, t);
  REQUIRE(t.e.size() == 201);
  CHECK(t.e[0] == Approx(1 / mu).epsilon(1e-10));
  CHECK(t.T[0] == Approx(1 / mu).epsilon(1e-10));
  CHECK(pfsim::life_expectancy(m, 0) == Approx(1 / mu).epsilon(1e-10));
  for (int a : {1, 60, 150, 200}) {
    CHECK(t.l[a] == Approx(std::exp(-mu * a)).epsilon(1e-12));
    CHECK(t.e[a] == Approx(1 / mu).epsilon(1e-10));
    CHECK(t.T[a] / t.l[a] == Approx(1 / mu).epsilon(1e-10));
  }
}

TEST_CASE("three-age table matches the formulas by hand, with zero mortality at age 1", "[life_table]") {
  // omega = 2; age 1 has m = 0, so L[1] = l[1] and l[2] = l[1].
  const std::vector<double> m{0.1, 0.0, 0.5};
  const double l0 = 1, l1 = std::exp(-0.1), l2 = l1;
  const double L0 = (1 - std::exp(-0.1)) / 0.1, L1 = l1, L2 = l2 / 0.5;
  const double T2 = L2, T1 = L1 + T2, T0 = L0 + T1;

  LifeTable t;
  pfsim::life_table(m, t);
  // The code evaluates 1 - exp(-m) as -expm1(-m): at m = 0.1 the two differ by ~1e-15 relative.
  const double tol = 1e-13;
  CHECK(t.l[0] == l0);
  CHECK(t.l[1] == Approx(l1).epsilon(tol));
  CHECK(t.l[2] == Approx(l2).epsilon(tol));
  CHECK(t.L[0] == Approx(L0).epsilon(tol));
  CHECK(t.L[1] == Approx(L1).epsilon(tol));
  CHECK(t.L[2] == Approx(L2).epsilon(tol));
  CHECK(t.T[0] == Approx(T0).epsilon(tol));
  CHECK(t.T[1] == Approx(T1).epsilon(tol));
  CHECK(t.T[2] == Approx(T2).epsilon(tol));
  for (int a = 0; a <= 2; ++a) CHECK(t.e[a] == Approx(t.T[a] / t.l[a]).epsilon(tol));
  // Independent decimal value: e0 = (1 - e^-0.1)/0.1 + e^-0.1 (1 + 2) = 0.95162582 + 2.71451225 = 3.66613807.
  CHECK(t.e[0] == Approx(3.66613807).epsilon(1e-8));
  for (int a = 0; a <= 2; ++a) CHECK(pfsim::life_expectancy(m, a) == t.e[a]);
}

TEST_CASE("life_table reuses storage and life_expectancy agrees at every age", "[life_table]") {
  const std::vector<double> m = gompertz(100);
  LifeTable t;
  pfsim::life_table(m, t);
  const double* l_data = t.l.data();
  const double* e_data = t.e.data();
  pfsim::life_table(m, t);
  CHECK(t.l.data() == l_data);
  CHECK(t.e.data() == e_data);
  for (int a = 0; a <= 100; ++a) {
    CHECK(pfsim::life_expectancy(m, a) == t.e[a]);
    // e = T/l as the definition states; the code uses the equivalent backward recursion.
    CHECK(t.e[a] == Approx(t.T[a] / t.l[a]).epsilon(1e-12));
  }
  CHECK(t.e[0] > t.e[60]);
  CHECK_THROWS_AS(pfsim::life_expectancy(m, 101), std::invalid_argument);
  CHECK_THROWS_AS(pfsim::life_expectancy(m, -1), std::invalid_argument);
}

TEST_CASE("survival ratios are the life table's ratios", "[life_table]") {
  std::vector<double> m = gompertz(100);
  m[30] = 0.0;  // zero mortality inside the table: L[30] = l[30]
  m[31] = 0.0;
  LifeTable t;
  pfsim::life_table(m, t);
  std::vector<double> s(m.size());
  pfsim::survival_ratios(m, s);
  // Same quantities by a different association of products and quotients: ~1e-15 relative.
  const double tol = 1e-13;
  CHECK(s[0] == Approx(t.L[0] / t.l[0]).epsilon(tol));
  for (int a = 1; a < 100; ++a) {
    INFO("age " << a);
    CHECK(s[a] == Approx(t.L[a] / t.L[a - 1]).epsilon(tol));
    CHECK(s[a] > 0);
    CHECK(s[a] <= 1);
  }
  CHECK(s[100] == Approx(t.T[100] / t.T[99]).epsilon(tol));
  CHECK(t.L[30] == Approx(t.l[30]).epsilon(1e-15));
  CHECK(s[31] == 1.0);  // m[30] = m[31] = 0: L[31] = l[31] = l[30] = L[30]
}

TEST_CASE("survival ratios for a hand-computed two-age table", "[life_table]") {
  // omega = 1: s[0] = L0/l0 = (1 - e^-m0)/m0, s[1] = T1/T0 = L1/(L0 + L1), L1 = e^-m0 / m1.
  const std::vector<double> m{0.2, 0.4};
  std::vector<double> s(2);
  pfsim::survival_ratios(m, s);
  const double L0 = (1 - std::exp(-0.2)) / 0.2, L1 = std::exp(-0.2) / 0.4;
  CHECK(s[0] == Approx(L0).epsilon(1e-13));
  CHECK(s[1] == Approx(L1 / (L0 + L1)).epsilon(1e-13));

  std::vector<double> wrong(3);
  CHECK_THROWS_AS(pfsim::survival_ratios(m, wrong), std::invalid_argument);
  const std::vector<double> one{0.5};
  std::vector<double> s1(1);
  CHECK_THROWS_AS(pfsim::survival_ratios(one, s1), std::invalid_argument);
}
