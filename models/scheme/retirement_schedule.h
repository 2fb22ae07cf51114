#pragma once
// Statutory retirement ages by birth month (NPC Standing Committee decision of
// 13 September 2024): an old age, a first birth month from which it rises,
// one month more for every `months_per_step` months of birth, and a cap.
// A rule with months_per_step == 0 never rises (the pre-reform ages).
namespace pfsim {

struct RetirementRule {
  int old_age_months = 720;      // 60 years
  int first_birth_year = 1965;   // first birth month affected
  int first_birth_month = 1;     // 1..12
  int months_per_step = 4;       // 0: no rise
  int cap_months = 756;          // 63 years
};

// Retirement age in months of a person born in (birth_year, birth_month).
int retirement_age_months(const RetirementRule& rule, int birth_year, int birth_month);

// rho_b(y) of model.md section 3: the share of the 12 birth months of cohort
// b (each born mid-month) whose exact age on 1 January of `year`,
// year - b - (m - 0.5)/12, has reached that month's retirement age.
double retired_fraction(const RetirementRule& rule, int birth_year, int year);

}  // namespace pfsim
