#include "models/scheme/retirement_schedule.h"

#include <algorithm>

namespace pfsim {

int retirement_age_months(const RetirementRule& rule, int birth_year, int birth_month) {
  if (rule.months_per_step <= 0) return rule.old_age_months;
  const int since_first = (birth_year * 12 + birth_month - 1) -
                          (rule.first_birth_year * 12 + rule.first_birth_month - 1);
  if (since_first < 0) return rule.old_age_months;
  const int steps = since_first / rule.months_per_step + 1;
  return std::min(rule.old_age_months + steps, rule.cap_months);
}

double retired_fraction(const RetirementRule& rule, int birth_year, int year) {
  int retired = 0;
  for (int m = 1; m <= 12; ++m) {
    // Exact age in months on 1 January of `year` for a birth in mid-month m:
    // 12 (year - b) - (m - 0.5). Retired when it has reached the retirement age.
    const double age_months = 12.0 * (year - birth_year) - (m - 0.5);
    if (age_months >= retirement_age_months(rule, birth_year, m)) ++retired;
  }
  return retired / 12.0;
}

}  // namespace pfsim
