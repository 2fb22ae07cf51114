#include <catch2/catch.hpp>

#include <algorithm>

#include "models/scheme/retirement_schedule.h"

using pfsim::RetirementRule;
using pfsim::retired_fraction;
using pfsim::retirement_age_months;

namespace {
// The 2024 decision's three groups, as configs/china_baseline.toml gives them.
const RetirementRule kMale{720, 1965, 1, 4, 756};
const RetirementRule kFemaleCadre{660, 1970, 1, 4, 696};
const RetirementRule kFemaleWorker{600, 1975, 1, 2, 660};
int ym(int years, int months) { return 12 * years + months; }
}  // namespace

TEST_CASE("retirement ages match every test vector of model.md section 3") {
  CHECK(retirement_age_months(kMale, 1964, 12) == ym(60, 0));
  CHECK(retirement_age_months(kMale, 1965, 1) == ym(60, 1));
  CHECK(retirement_age_months(kMale, 1970, 6) == ym(61, 5));
  CHECK(retirement_age_months(kMale, 1976, 9) == ym(63, 0));
  CHECK(retirement_age_months(kMale, 1990, 1) == ym(63, 0));
  CHECK(retirement_age_months(kFemaleWorker, 1975, 1) == ym(50, 1));
  CHECK(retirement_age_months(kFemaleWorker, 1980, 3) == ym(52, 8));
  CHECK(retirement_age_months(kFemaleWorker, 1984, 11) == ym(55, 0));
  CHECK(retirement_age_months(kFemaleWorker, 1995, 5) == ym(55, 0));
  CHECK(retirement_age_months(kFemaleCadre, 1970, 1) == ym(55, 1));
  CHECK(retirement_age_months(kFemaleCadre, 1981, 9) == ym(58, 0));
  CHECK(retirement_age_months(kFemaleCadre, 1969, 12) == ym(55, 0));
}

TEST_CASE("the age rises by one month per step of birth months") {
  // Men: +1 month for every 4 months of birth from 1965-01.
  CHECK(retirement_age_months(kMale, 1965, 4) == ym(60, 1));
  CHECK(retirement_age_months(kMale, 1965, 5) == ym(60, 2));
  // Women workers: +1 month every 2 months.
  CHECK(retirement_age_months(kFemaleWorker, 1975, 2) == ym(50, 1));
  CHECK(retirement_age_months(kFemaleWorker, 1975, 3) == ym(50, 2));
}

TEST_CASE("a single retirement age gives clamp(a + 1 - R, 0, 1)") {
  const RetirementRule fixed60{720, 0, 1, 0, 720};
  // Cohort aged a on 1 January y was born in b = y - a - 1.
  for (int a = 55; a <= 65; ++a) {
    const int y = 2030;
    const double expected = std::clamp(a + 1.0 - 60.0, 0.0, 1.0);
    CHECK(retired_fraction(fixed60, y - a - 1, y) == expected);
  }
}

TEST_CASE("a fractional retirement age splits a cohort by birth month exactly") {
  // Men born 1970: R(m) = 61y4m (736 months) for birth months 1-4, 61y5m (737) for 5-8,
  // 61y6m (738) for 9-12. On 1 January 2032, month m's exact age is 12*62 - (m - 0.5)
  // = 744.5 - m months: retired for m = 1..7 (m = 7: 737.5 >= 737; m = 8: 736.5 < 737).
  CHECK(retirement_age_months(kMale, 1970, 4) == 736);
  CHECK(retirement_age_months(kMale, 1970, 5) == 737);
  CHECK(retirement_age_months(kMale, 1970, 9) == 738);
  CHECK(retired_fraction(kMale, 1970, 2032) == 7.0 / 12.0);
  CHECK(retired_fraction(kMale, 1970, 2031) == 0.0);
  CHECK(retired_fraction(kMale, 1970, 2033) == 1.0);
}
