// [residents]: the urban and rural residents' basic pension (docs/config.md; model.md section 8).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "io/config_sections.h"

namespace pfsim {

void read_residents(ConfigTable& top, ModelParams& m) {
  auto t = top.table("residents");
  if (!t) return;
  auto& p = m.residents;
  p.on = true;
  if (!m.economy.gdp_on)
    t->fail_here("the residents' scheme reports its fiscal cost as a share of GDP: add [economy.gdp] "
                 "(base = GDP of the year before start_year, year = that year)");
  p.calib_participants = t->number("participants", Range::between(1, 1e10));
  p.calib_origin = t->where("participants");
  p.calib_beneficiaries = t->number("beneficiaries", Range::between(1, 1e10));
  if (!(p.calib_beneficiaries < p.calib_participants))
    t->fail("beneficiaries", fmt::format("{:.6g} is not below participants ({:.6g}), which count beneficiaries too",
                                         p.calib_beneficiaries, p.calib_participants));
  p.calib_fund = t->has("fund") ? t->number("fund", Range::between(0, 1e17)) : -1.0;
  if (t->has("fund")) p.fund_origin = t->where("fund");
  p.first_age = static_cast<int>(t->integer("first_age", 10, 30, 16));
  p.pension_age = static_cast<int>(t->integer("pension_age", 40, 80, 60));
  if (p.pension_age >= m.demography.omega)
    t->fail("pension_age", fmt::format("{} is not below the open age group {} (demography.open_age)", p.pension_age,
                                       m.demography.omega));
  p.min_years = static_cast<int>(t->integer("min_years", 0, 40, 15));
  if (p.pension_age - p.first_age < p.min_years)
    t->fail("min_years", fmt::format("{} years cannot be contributed between first_age {} and pension_age {}", p.min_years,
                                     p.first_age, p.pension_age));
  p.launch_year = static_cast<int>(t->integer("launch_year", 1950, m.start_year, 2011));
  p.student_last_age = static_cast<int>(t->integer("student_last_age", p.first_age - 1, p.pension_age - 1, 21));
  p.students = t->number("students", Range::between(0, 0.99), 0.5);
  p.contribution_density = t->number("contribution_density", {0, 1, true, false}, 1.0);

  p.grades = t->numbers("grades", Range::between(1e-6, 1e7));
  p.grade_shares = t->numbers("grade_shares", Range::between(0, 1));
  if (p.grades.empty() || p.grades.size() > 30) t->fail("grades", "give 1 to 30 contribution grades (yuan per year)");
  if (!std::is_sorted(p.grades.begin(), p.grades.end()) ||
      std::adjacent_find(p.grades.begin(), p.grades.end()) != p.grades.end())
    t->fail("grades", "grades must increase strictly");
  if (p.grade_shares.size() != p.grades.size())
    t->fail("grade_shares", fmt::format("{} shares for {} grades: give one share per grade", p.grade_shares.size(),
                                        p.grades.size()));
  double sum = 0;
  for (double s : p.grade_shares) sum += s;
  if (std::abs(sum - 1) > 1e-9) t->fail("grade_shares", fmt::format("the shares sum to {:.12g}, not 1", sum));
  p.grades_wage_indexed = t->string("grades_indexed", {"none", "wages"}, "none") == "wages";
  p.subsidy = read_time_path(*t, "subsidy", Range::between(0, 1e7), Interpolation::step, TimePath(30.0));
  p.subsidy_high = read_time_path(*t, "subsidy_high", Range::between(0, 1e7), Interpolation::step, TimePath(60.0));
  p.subsidy_high_from = t->number("subsidy_high_from", Range::between(1e-6, 1e7), 500.0);

  p.minimum = read_time_path(*t, "minimum", Range::between(0, 1e5), Interpolation::step);
  // The paths run to the minimum's last point (a constant: start_year), then the rule.
  const int last = std::max(p.minimum.points().back().first, m.start_year);
  if (p.minimum.points().front().first > m.start_year)
    t->fail("minimum", fmt::format("the central minimum must be given from start_year {} (its first point is {})",
                                   m.start_year, p.minimum.points().front().first));
  p.top_up = read_time_path(*t, "top_up", Range::between(0, 1e5), Interpolation::step, TimePath(0.0));
  if (p.top_up.points().back().first > last)
    t->fail("top_up", fmt::format("a point in {} lies beyond the minimum's last point ({}), after which both follow the "
                                  "indexation rule", p.top_up.points().back().first, last));
  p.index_prices = t->number("indexation_prices", Range::between(0, 2), 1.0);
  p.index_wages = t->number("indexation_wages", Range::between(0, 2), 0.0);
  p.bonus_per_year = t->number("bonus_per_year", Range::between(0, 1000), 0.0);
  p.divisor = t->number("divisor", Range::between(12, 600), 139.0);
  p.central_share = t->number("central_share", Range::between(0, 1), 0.8);
  read_weights(*t, "weights", m, p.strategy, "residents");
  p.strategy.fee = t->number("fee", Range::between(0, 0.1), 0.0);
  p.history_contribution = t->number("history_contribution", Range::between(0, 1e7));
  p.history_return = t->number("history_return", Range::between(-0.5, 0.5), 0.025);
  if (p.calib_fund > 0 && p.history_contribution == 0)
    t->fail("fund", "a starting fund needs a history to spread it over cohorts: history_contribution must be above 0");

  if (auto mt = t->table("member")) {
    p.member = true;
    p.member_grade = mt->number("grade", Range::above(0));
    if (std::find(p.grades.begin(), p.grades.end(), p.member_grade) == p.grades.end())
      mt->fail("grade", fmt::format("{:g} is not one of residents.grades", p.member_grade));
    p.member_first = static_cast<int>(mt->integer("first_year", m.start_year, m.end_year));
    p.member_retire = static_cast<int>(mt->integer("retire_year", m.start_year, m.end_year));
    if (p.member_retire <= p.member_first)
      mt->fail("retire_year", fmt::format("{} is not after first_year {}", p.member_retire, p.member_first));
    if (p.member_retire - p.member_first > p.pension_age - p.first_age)
      mt->fail("retire_year", fmt::format("{} years of contributions cannot fit between first_age {} and pension_age {}",
                                          p.member_retire - p.member_first, p.first_age, p.pension_age));
  }
}

}  // namespace pfsim
