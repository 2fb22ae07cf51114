#include "models/scheme/scheme.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/error.h"

namespace pfsim {

namespace {
constexpr int kReformYear = 1997;  // personal accounts and the transitional pension start

double normal_upper_tail(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

double mean_retirement_age(const RetirementRule& rule, int birth_year) {
  double sum = 0;
  for (int m = 1; m <= 12; ++m) sum += retirement_age_months(rule, birth_year, m);
  return sum / 12.0;
}
}  // namespace

double SchemeModel::shape(int a) const {
  // Members' share profile by age: 0 below zero_below, rising linearly to 1 at plateau_from.
  if (a < p_.member_zero_below) return 0.0;
  if (a >= p_.member_plateau_from) return 1.0;
  return static_cast<double>(a - p_.member_zero_below + 1) /
         static_cast<double>(p_.member_plateau_from - p_.member_zero_below + 1);
}

double SchemeModel::retirement_age(int x, int birth_year) const {
  if (x == kMale) return mean_retirement_age(p_.male, birth_year);
  return p_.female_cadre_share * mean_retirement_age(p_.female_cadre, birth_year) +
         (1 - p_.female_cadre_share) * mean_retirement_age(p_.female_worker, birth_year);
}

double SchemeModel::eligible_share(int x, int birth_year, int year) const {
  // Contribution years at retirement ~ Normal(mean + years added by a later
  // retirement, sd); eligible when at least the minimum of the year.
  const double reference = x == kMale ? p_.reference_age_male_months : p_.reference_age_female_months;
  const double mean = p_.contribution_years_mean + (retirement_age(x, birth_year) - reference) / 12.0;
  const double minimum = p_.min_contribution_years.at(year);
  if (p_.contribution_years_sd <= 0) return mean >= minimum ? 1.0 : 0.0;
  return normal_upper_tail((minimum - mean) / p_.contribution_years_sd);
}

double SchemeModel::award_years(double mean, int year) const {
  // The mean of those with at least the minimum: for N ~ Normal(mean, sd)
  // truncated below at m, E[N | N >= m] = mean + sd phi(z) / (1 - Phi(z)),
  // z = (m - mean) / sd (the inverse Mills ratio; erfc keeps the tail exact).
  const double sd = p_.contribution_years_sd;
  if (!p_.award_years_of_eligible || sd <= 0) return mean;
  const double z = (p_.min_contribution_years.at(year) - mean) / sd;
  const double tail = normal_upper_tail(z);
  if (!(tail > 0)) return std::max(mean, p_.min_contribution_years.at(year));  // nobody eligible: no award is made
  const double density = std::exp(-0.5 * z * z) / std::sqrt(2 * std::acos(-1.0));
  return mean + sd * density / tail;
}

double account_divisor(const SchemeParams& p, double age_months) {
  // Linear between the published integer ages, flat beyond the table's ends.
  const double age = age_months / 12.0;
  const auto& d = p.divisors;
  if (age <= d.begin()->first) return d.begin()->second;
  if (age >= d.rbegin()->first) return d.rbegin()->second;
  const auto hi = d.upper_bound(static_cast<int>(std::floor(age)));
  const auto lo = std::prev(hi);
  const double t = (age - lo->first) / static_cast<double>(hi->first - lo->first);
  return lo->second + t * (hi->second - lo->second);
}

double history_average_wage(const SchemeParams& p, int start_year, int year) {
  // The average wage of a past year at the model's level: w_{y0-1} times the
  // level series' ratio, or deflated back with the assumed growth path.
  const int last = start_year - 1;
  if (p.history_from_levels) return p.average_wage_base * p.history_average_wage.at(year) / p.history_average_wage.at(last);
  double wage = p.average_wage_base;
  for (int u = year + 1; u <= last; ++u) wage /= 1 + p.history_wage_growth.at(u);
  return wage;
}

double SchemeModel::divisor(double age_months) const { return account_divisor(p_, age_months); }

double SchemeModel::history_wage(int year) const { return history_average_wage(p_, start_year_, year); }

double SchemeModel::rebuilt_balance(int a) const {
  // Contributions since 1997 at the historical account rate on the compliance
  // base of the average wage, for the share of today's members who were
  // members then (profile shape), times the contribution density, credited
  // at the historical rates; mid-year contributions earn half a year.
  if (shape(a) <= 0) return 0.0;
  const int y0 = start_year_;
  double balance = 0;
  for (int year = kReformYear; year < y0; ++year) {
    const int age = a - (y0 - year);
    if (age < 0) continue;
    const double i = p_.history_crediting.at(year);
    const double share = shape(age) / shape(a);
    balance = balance * (1 + i) + p_.history_account_rate.at(year) * p_.compliance * history_wage(year) *
                                      p_.history_density * share * std::sqrt(1 + i);
  }
  return balance;
}

SchemeModel::PensionerAccount SchemeModel::starting_pensioner_account(int x, int a) const {
  // A pensioner aged a on 1 January y0, born in b, retired at the cohort's
  // mean age r in year b + r/12. Contributions as for members (rebuilt_balance)
  // from 1997 to retirement, the part of the retirement year before it
  // included; the account pension 12 / divisor(r) of the balance at the end
  // of that year, paid for half of it, then in full each year from the
  // balance credited at the historical rates, never below zero (the rest is
  // the overdraft, already paid by pooling).
  PensionerAccount out;
  if (!p_.starting_pensioner_accounts) return out;
  const int y0 = start_year_;
  const int b = y0 - a - 1;
  const double r = retirement_age(x, b);
  const double retires = b + r / 12.0;  // calendar time of retirement
  const int year_retired = static_cast<int>(std::floor(retires));
  if (year_retired < kReformYear || year_retired >= y0) return out;
  const int age_retired = year_retired - b - 1;  // age on 1 January of the retirement year
  if (shape(age_retired) <= 0) return out;
  double balance = 0;
  for (int year = kReformYear; year <= year_retired; ++year) {
    const int age = age_retired - (year_retired - year);
    if (age < 0) continue;
    const double i = p_.history_crediting.at(year);
    const double paid = year < year_retired ? 1.0 : retires - year_retired;  // share of the year contributing
    balance = balance * (1 + i) + paid * p_.history_account_rate.at(year) * p_.compliance * history_wage(year) *
                                      p_.history_density * shape(age) / shape(age_retired) * std::sqrt(1 + i);
  }
  out.pension = std::min(balance * 12.0 / divisor(r), p_.calib_average_pension);
  double remaining = balance - 0.5 * out.pension * std::sqrt(1 + p_.history_crediting.at(year_retired));
  for (int year = year_retired + 1; year < y0 && remaining > 0; ++year) {
    const double i = p_.history_crediting.at(year);
    remaining = remaining * (1 + i) - out.pension * std::sqrt(1 + i);
  }
  out.remaining = std::max(0.0, remaining);
  return out;
}

SchemeModel::SchemeModel(const SchemeParams& params, const DemographyModel& demography,
                         int start_year, int end_year)
    : SchemeModel(params, demography.initial_population(), start_year, end_year) {}

double SchemeModel::years_contributed_since(int from_year, int a, int year) const {
  const double years_member = std::max(0, a - p_.member_zero_below);
  return p_.contribution_density * std::clamp(static_cast<double>(year - from_year), 0.0, years_member);
}

SchemeModel::SchemeModel(const SchemeParams& params, const std::array<std::vector<double>, 2>& initial_population,
                         int start_year, int end_year, bool wage_drift)
    : p_(params), start_year_(start_year), ages_(static_cast<int>(initial_population[0].size())),
      wage_drift_(wage_drift) {
  const int years = end_year - start_year + 1;
  const int w = ages_ - 1;
  retired_.assign(static_cast<std::size_t>((years + 1) * 2 * ages_), 0.0);
  member_share_.assign(retired_.size(), 0.0);
  for (int t = 0; t <= years; ++t) {
    const int y = start_year + t;
    for (int a = 0; a <= w; ++a) {
      const int b = y - a - 1;  // born in b: aged a on 1 January of y
      retired_[idx(kMale, a, t)] = retired_fraction(p_.male, b, y);
      retired_[idx(kFemale, a, t)] = p_.female_cadre_share * retired_fraction(p_.female_cadre, b, y) +
                                     (1 - p_.female_cadre_share) * retired_fraction(p_.female_worker, b, y);
    }
  }
  pooling_rate_ = p_.pooling_rate.sample(start_year, end_year);
  account_rate_ = p_.account_rate.sample(start_year, end_year);
  transitional_share_ = p_.transitional_share.sample(start_year, end_year);

  // Base-year calibration on the population of 1 January y0: the members'
  // level c solves sum P min(1, c shape k) (1 - rho) = contributors (monotone
  // in c: bisection); pensioners are the population past retirement age
  // times one factor.
  const auto& pop = initial_population;
  const double k0 = p_.coverage.at(start_year);
  auto members_at = [&](double c) {
    double sum = 0;
    for (int x = 0; x < 2; ++x)
      for (int a = 0; a <= w; ++a)
        sum += pop[x][static_cast<std::size_t>(a)] * std::min(1.0, c * shape(a) * k0) *
               (1 - retired_[idx(x, a, 0)]);
    return sum;
  };
  double lo = 0, hi = 1;
  const double target_members = p_.calib_contributors / p_.contribution_density;
  while (members_at(hi) < target_members && hi < 1e6) hi *= 2;
  if (target_members <= 0) hi = 0;  // no members (pensioners only: a closed scheme)
  if (members_at(hi) < target_members)
    throw InputError(p_.calib_contributors_origin, "scheme.calibration.contributors",
                     fmt::format("{:.6g} contributors cannot be reached: with every cohort of working age a member, "
                                 "the base population gives {:.6g} (check contribution_density and the members' profile)",
                                 p_.calib_contributors, members_at(hi) * p_.contribution_density));
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    (members_at(mid) < target_members ? lo : hi) = mid;
  }
  calib_.member_level = 0.5 * (lo + hi);
  double past_retirement = 0;
  for (int x = 0; x < 2; ++x)
    for (int a = 0; a <= w; ++a) past_retirement += pop[x][static_cast<std::size_t>(a)] * retired_[idx(x, a, 0)];
  calib_.pensioner_factor = past_retirement > 0 ? p_.calib_pensioners / past_retirement : 0.0;

  for (int t = 0; t <= years; ++t) {
    const double k = p_.coverage.at(start_year + t);
    for (int x = 0; x < 2; ++x)
      for (int a = 0; a <= w; ++a)
        member_share_[idx(x, a, t)] = std::min(1.0, calib_.member_level * shape(a) * k);
  }
  first_age_ = w;
  for (int t = 0; t <= years; ++t)
    for (int x = 0; x < 2; ++x)
      for (int a = 1; a <= w; ++a)
        if (member_share_[idx(x, a, t)] > 0 || retired_[idx(x, a, t)] > 0) first_age_ = std::min(first_age_, a);
  first_age_ = std::max(first_age_, 1);

  // Pensioners' survival ratios are needed from the youngest age a pensioner
  // can reach at a year end: one above the youngest age with a retired share.
  first_pensioner_age_ = w;
  for (int t = 0; t <= years; ++t)
    for (int x = 0; x < 2; ++x)
      for (int a = 1; a <= w; ++a)
        if (retired_[idx(x, a, t)] > 0) first_pensioner_age_ = std::min(first_pensioner_age_, a);
  first_pensioner_age_ = std::max(first_pensioner_age_, first_age_);

  last_member_age_.assign(static_cast<std::size_t>(years), -1);
  for (int t = 0; t < years; ++t)
    for (int x = 0; x < 2; ++x)
      for (int a = 0; a <= w; ++a) {
        const int a1 = std::min(a + 1, w);
        if (member_share_[idx(x, a, t)] * (1 - retired_[idx(x, a, t)]) > 0 ||
            member_share_[idx(x, a1, t + 1)] * (1 - retired_[idx(x, a1, t + 1)]) > 0)
          last_member_age_[static_cast<std::size_t>(t)] = std::max(last_member_age_[static_cast<std::size_t>(t)], a);
      }

  awards_.assign(static_cast<std::size_t>(years * 2 * ages_), Award{});
  for (int t = 0; t < years; ++t) {
    const int y = start_year + t;
    for (int x = 0; x < 2; ++x) {
      const double reference = x == kMale ? p_.reference_age_male_months : p_.reference_age_female_months;
      for (int a = 0; a <= w; ++a) {
        const int a1 = std::min(a + 1, w);
        const double rho0 = retired_[idx(x, a, t)], rho1 = retired_[idx(x, a1, t + 1)];
        if (!(rho1 > rho0)) continue;
        const int b = y - a - 1;
        awards_[idx(x, a, t)].retires = true;
        const double r_months = retirement_age(x, b);
        const double n = award_years(p_.contribution_years_mean + (r_months - reference) / 12.0, y);
        const double n_pre = std::clamp(kReformYear - (b + r_months / 12.0 - n), 0.0, n);
        Award& aw = awards_[idx(x, a, t)];
        aw.retiring_share = rho0 < 1 ? std::clamp((rho1 - rho0) / (1 - rho0), 0.0, 1.0) : 0.0;
        aw.eligible = eligible_share(x, b, y);
        aw.basic = (1 + p_.indexed_wage_ratio) / 2 * n * 0.01;
        aw.transitional = transitional_share_[static_cast<std::size_t>(t)] * p_.transitional_rate * p_.indexed_wage_ratio * n_pre;
        aw.account = 12.0 / divisor(r_months);
      }
    }
  }

  for (int x = 0; x < 2; ++x) {
    initial_accounts_[x].assign(static_cast<std::size_t>(ages_), 0.0);
    initial_pensioners_[x].assign(static_cast<std::size_t>(ages_), 0.0);
    initial_account_pension_[x].assign(static_cast<std::size_t>(ages_), 0.0);
    initial_remaining_[x].assign(static_cast<std::size_t>(ages_), 0.0);
    for (int a = 0; a <= w; ++a) {
      const auto i = static_cast<std::size_t>(a);
      const double members = pop[x][i] * member_share_[idx(x, a, 0)] * (1 - retired_[idx(x, a, 0)]);
      initial_accounts_[x][i] = members * rebuilt_balance(a);
      initial_pensioners_[x][i] = pop[x][i] * retired_[idx(x, a, 0)] * calib_.pensioner_factor;
      const PensionerAccount pa = starting_pensioner_account(x, a);
      initial_account_pension_[x][i] = pa.pension;
      initial_remaining_[x][i] = initial_pensioners_[x][i] * pa.remaining;
      calib_.pensioner_balances += initial_remaining_[x][i];
      calib_.pensioner_account_pension += initial_pensioners_[x][i] * pa.pension;
      calib_.contributors += members * p_.contribution_density;
      calib_.pensioners += initial_pensioners_[x][i];
      calib_.account_balances += initial_accounts_[x][i];
    }
  }
}

SchemeFlows lane(const SchemeFlowLanes& f, int l) {
  SchemeFlows o;
  o.average_wage = f.average_wage[l];
  o.contributions_pooling = f.contributions_pooling[l];
  o.contributions_account = f.contributions_account[l];
  o.benefits_basic = f.benefits_basic[l];
  o.benefits_transitional = f.benefits_transitional[l];
  o.benefits_account = f.benefits_account[l];
  o.overdraft = f.overdraft[l];
  o.refunds = f.refunds[l];
  o.transfers_out = f.transfers_out[l];
  o.admin_costs = f.admin_costs[l];
  o.subsidy = f.subsidy[l];
  o.contributors = f.contributors[l];
  o.members = f.members[l];
  o.pensioners = f.pensioners[l];
  o.new_pensioners = f.new_pensioners[l];
  o.contributor_years = f.contributor_years[l];
  o.pensioner_years = f.pensioner_years[l];
  o.payroll = f.payroll[l];
  o.account_liability = f.account_liability[l];
  o.indexation = f.indexation[l];
  o.crediting_rate = f.crediting_rate[l];
  return o;
}

void SchemeModel::start(SchemeState& s) const {
  const auto n = static_cast<std::size_t>(ages_);
  auto spread = [&](const std::vector<double>& v, std::vector<Lane>& out) {
    out.resize(n);
    for (std::size_t a = 0; a < n; ++a) out[a] = splat(v[a]);
  };
  for (int x = 0; x < 2; ++x) {
    spread(initial_accounts_[x], s.accounts[x]);
    spread(initial_pensioners_[x], s.pensioners[x]);
    // Starting pensioners draw the calibrated average: the rebuilt account
    // pension (flat in nominal terms) and the rest pooled (basic and
    // transitional together, indexed); their remaining balances go on paying
    // the account part (docs/model.md D3.5).
    s.basic_benefit[x].resize(n);
    s.account_benefit[x].resize(n);
    for (std::size_t a = 0; a < n; ++a) {
      const double account = initial_account_pension_[x][a];
      s.basic_benefit[x][a] = splat(p_.calib_average_pension - account);
      s.account_benefit[x][a] = splat(account);
    }
    s.trans_benefit[x].assign(n, splat(0.0));
    spread(initial_remaining_[x], s.remaining[x]);
    for (auto* v : {&s.next_accounts[x], &s.next_pensioners[x], &s.next_basic[x], &s.next_trans[x], &s.next_account[x],
                    &s.next_remaining[x], &s.pensioner_survival[x]})
      v->assign(n, splat(0.0));
  }
  s.scaled_mx.assign(n, splat(0.0));
  s.scratch.assign(3 * n, splat(0.0));
  s.wage = splat(p_.average_wage_base);
}

void SchemeModel::advance(SchemeState& s) {
  std::swap(s.accounts, s.next_accounts);
  std::swap(s.pensioners, s.next_pensioners);
  std::swap(s.basic_benefit, s.next_basic);
  std::swap(s.trans_benefit, s.next_trans);
  std::swap(s.account_benefit, s.next_account);
  std::swap(s.remaining, s.next_remaining);
}

void SchemeModel::step(int year, const SchemeEconomy& econ, const DemographyState& demo, SchemeState& s,
                       SchemeFlows& out) const {
  const SchemeEconomyLanes lanes{splat(econ.wage_growth), splat(econ.inflation), splat(econ.prev_wage_growth),
                                 splat(econ.prev_inflation), splat(econ.fund_return), splat(econ.wage_factor)};
  SchemeFlowLanes flows;
  step(year, lanes, demo, s, flows);
  out = lane(flows, 0);
}

// The year's rates and growth factors, the same for every cohort.
struct SchemeModel::YearRates {
  Lane indexation;            // January increase of pensions in payment (pooled part)
  Lane index_factor;          // 1 + indexation
  Lane wage_prev;             // w_{y-1}
  Lane wage;                  // w_y
  Lane crediting;             // crediting rate of the accounts
  Lane year_growth;           // 1 + crediting: a year's interest
  Lane half_year_growth;      // sqrt(1 + crediting): half a year's interest, for mid-year flows
  Lane inv_half_year_growth;  // 1 / half_year_growth
  Lane contribution_base;     // compliance x w_y, per contributor
  double pooling_rate;        // employers' contribution rate of the year
  double account_rate;        // individuals' contribution rate of the year
};

// One sex's arrays: the population and the state on 1 January of the year
// (*_start) and the state on 1 January of the next (*_end), by single age.
struct SchemeModel::CohortArrays {
  const Lane* pop_start;           // population, 1 January of y
  const Lane* pop_end;             // population, 1 January of y + 1
  const Lane* survival;            // population survival ratios
  const Lane* pensioner_survival;  // pensioners' survival ratios (mortality multiplier applied)
  const Lane* accounts_start;      // members' balances
  const Lane* pensioners_start;    // pensioner counts
  const Lane* basic_start;         // average basic pension
  const Lane* trans_start;         // average transitional pension
  const Lane* account_start;       // average account pension
  const Lane* remaining_start;     // pensioners' remaining balances
  Lane* accounts_end;
  Lane* pensioners_end;
  Lane* basic_end;
  Lane* trans_end;
  Lane* account_end;
  Lane* remaining_end;
};

// What the members of one cohort hand on to its pensioners in payment.
struct SchemeModel::Retirements {
  Lane balance_retiring;  // year-end balances of the members who retire
  Lane awarded;           // new pensioners (with the minimum years)
  Lane eligible;          // share of the retiring with the minimum years
  Lane basic_award;       // their basic pension
  Lane trans_award;       // their transitional pension
  Lane account_award;     // their account pension
};

[[gnu::always_inline]] inline SchemeModel::YearRates SchemeModel::year_rates(int year, const SchemeEconomyLanes& econ,
                                                                            const SchemeState& s) const {
  const auto t = static_cast<std::size_t>(year - start_year_);
  YearRates r;
  // January indexation of pensions in payment (pooled part only).
  if (year <= p_.indexation_history_last) {
    r.indexation = splat(p_.indexation_history.at(year));
  } else {
    r.indexation = p_.index_wage * econ.prev_wage_growth + p_.index_price * econ.prev_inflation + p_.index_constant;
    r.indexation = lane_clamp(r.indexation, splat(p_.index_floor), splat(p_.index_cap));
  }

  r.wage_prev = s.wage;
  r.wage = r.wage_prev * (1 + econ.wage_growth);
  if (wage_drift_) r.wage *= econ.wage_factor;
  r.crediting = splat(0.0);
  switch (p_.crediting) {
    case CreditingRule::wage_growth: r.crediting = lane_max(econ.wage_growth, splat(p_.crediting_floor)); break;
    case CreditingRule::fixed: r.crediting = splat(p_.crediting_fixed); break;
    case CreditingRule::fund_return: r.crediting = lane_max(econ.fund_return, splat(p_.crediting_floor)); break;
  }
  r.year_growth = 1 + r.crediting;
  r.half_year_growth = lane_sqrt(r.year_growth);
  r.inv_half_year_growth = 1.0 / r.half_year_growth;
  r.index_factor = 1 + r.indexation;
  r.contribution_base = p_.compliance * r.wage;
  r.pooling_rate = pooling_rate_[t];
  r.account_rate = account_rate_[t];
  return r;
}

[[gnu::always_inline]] inline void SchemeModel::pensioner_survival(const DemographyState& demo, SchemeState& s) const {
  // Pensioners' survival: the population life table with rates times the multiplier.
  const int w = ages_ - 1;
  for (int x = 0; x < 2; ++x) {
    if (p_.pensioner_mortality_multiplier == 1.0) {
      s.pensioner_survival[x] = demo.survival[x];
      continue;
    }
    // Only ages from the youngest possible pensioner up are needed.
    for (int a = first_pensioner_age_ - 1; a <= w; ++a)
      s.scaled_mx[static_cast<std::size_t>(a)] = demo.mx[x][static_cast<std::size_t>(a)] * p_.pensioner_mortality_multiplier;
    survival_ratios_from(s.scaled_mx, s.pensioner_survival[x], first_pensioner_age_, s.scratch);
  }
}

// Members of the cohort of sex x and age a (its year-end cell j): their
// contributions, their accounts and, with kAwards, the awards to those who
// retire. The sums go to acc.
template <bool kAwards>
[[gnu::always_inline]] inline SchemeModel::Retirements SchemeModel::member_step(
    int x, int a, int t, const YearRates& r, const CohortArrays& c, SchemeFlowLanes& acc) const {
  const int w = ages_ - 1;
  const int j = std::min(a + 1, w);  // the open group absorbs omega - 1 and omega
  const bool first = a < w;          // the first cohort to reach cell j
  const Lane zero = splat(0.0);
  const double rho0 = retired_[idx(x, a, t)];
  const double rho1 = retired_[idx(x, j, t + 1)];
  const Award& aw = awards_[idx(x, a, t)];
  Retirements ret{zero, zero, zero, zero, zero, zero};

  // Members and contributors: exposure is the mean of the cohort's two 1 January stocks.
  const double share_end = member_share_[idx(x, j, t + 1)];
  const Lane members_start = c.pop_start[a] * member_share_[idx(x, a, t)] * (1 - rho0);
  // Survivors of this cohort at year end: pop_end[j] when j = a + 1 < omega; in
  // the open group, split pop_end[w] by the cohorts' survivor shares.
  Lane survivors = c.pop_end[j];
  if (j == w) {
    const Lane from_prev = c.pop_start[w - 1];
    const Lane from_open = c.pop_start[w];
    const Lane total = from_prev + from_open;
    survivors = select(total > 0, c.pop_end[j] * (a == w ? from_open : from_prev) / total, zero);
  }
  const Lane members_end = survivors * share_end * (1 - rho1);
  const Lane exposure = p_.contribution_density * 0.5 * (members_start + members_end);
  acc.contributor_years += exposure;
  acc.contributions_pooling += r.pooling_rate * r.contribution_base * exposure;
  const Lane account_contributions = r.account_rate * r.contribution_base * exposure;
  acc.contributions_account += account_contributions;
  acc.members += members_end;
  acc.contributors += p_.contribution_density * members_end;

  // Members' accounts: deaths refunded mid-year; the rest credited, split
  // at year end between those who stay and those who retire.
  const Lane death = 1 - c.survival[j];
  const Lane balance_start = c.accounts_start[a];
  acc.refunds += balance_start * death * r.half_year_growth;
  const Lane balance_end = balance_start * (1 - death) * r.year_growth + account_contributions * r.half_year_growth;
  ret.balance_retiring = balance_end * aw.retiring_share;
  c.accounts_end[j] = first ? balance_end - ret.balance_retiring
                            : c.accounts_end[j] + (balance_end - ret.balance_retiring);

  if constexpr (kAwards) {
    // New pensioners of this cohort (awarded during y, counted half a year).
    const Lane retiring = survivors * share_end * std::max(0.0, rho1 - rho0);
    ret.eligible = select(retiring > 0, splat(aw.eligible), zero);
    ret.awarded = retiring * ret.eligible;
    acc.transfers_out += ret.balance_retiring * (1 - ret.eligible);
    const LaneMask is_awarded = ret.awarded > 0;
    ret.basic_award = select(is_awarded, r.wage_prev * aw.basic, zero);
    ret.trans_award = select(is_awarded, r.wage_prev * aw.transitional, zero);
    ret.account_award = select(is_awarded, (ret.balance_retiring / retiring) * aw.account, zero);
    acc.new_pensioners += select(is_awarded, ret.awarded, zero);
  } else {
    acc.transfers_out += ret.balance_retiring;
  }
  return ret;
}

// Pensioners in payment of the cohort of sex x and age a, joined by the new
// pensioners `n`: benefits, remaining balances and the overdraft, and the
// levels carried to year-end cell j. Sums go to acc.
template <bool kAwards>
[[gnu::always_inline]] inline void SchemeModel::pensioner_step(int a, const YearRates& r, const CohortArrays& c,
                                                               const Retirements& n, SchemeFlowLanes& acc) const {
  const int w = ages_ - 1;
  const int j = std::min(a + 1, w);
  const bool first = a < w;  // the first cohort to reach cell j
  const Lane zero = splat(0.0);

  // Survivors keep last year's level (indexed next January).
  const Lane count_start = c.pensioners_start[a];
  const Lane basic = c.basic_start[a] * r.index_factor;
  const Lane trans = c.trans_start[a] * r.index_factor;
  const Lane account = c.account_start[a];
  const Lane survivors = count_start * c.pensioner_survival[j];
  const Lane remaining = c.remaining_start[a];
  acc.refunds += remaining * (1 - c.pensioner_survival[j]) * r.half_year_growth;
  const Lane count_end = survivors + n.awarded;
  Lane account_paid, available;
  if constexpr (kAwards) {
    acc.pensioner_years += 0.5 * (count_start + survivors + n.awarded);
    acc.benefits_basic += 0.5 * ((count_start + survivors) * basic + n.awarded * n.basic_award);
    acc.benefits_transitional += 0.5 * ((count_start + survivors) * trans + n.awarded * n.trans_award);
    account_paid = 0.5 * (count_start * account + survivors * account + n.awarded * n.account_award);
    available = remaining * c.pensioner_survival[j] * r.year_growth + n.balance_retiring * n.eligible;
  } else {
    acc.pensioner_years += 0.5 * (count_start + survivors);
    acc.benefits_basic += 0.5 * ((count_start + survivors) * basic);
    acc.benefits_transitional += 0.5 * ((count_start + survivors) * trans);
    account_paid = 0.5 * (count_start * account + survivors * account);
    available = remaining * c.pensioner_survival[j] * r.year_growth;
  }
  // Account pensions: paid from the balance while it lasts; past that the
  // pooling fund pays on (the overdraft).
  const Lane due = account_paid * r.half_year_growth;
  const LaneMask short_of = due > available;
  acc.overdraft += select(short_of, (due - available) * r.inv_half_year_growth, zero);
  const Lane remaining_before = first ? zero : c.remaining_end[j];
  c.remaining_end[j] = select(short_of, remaining_before, remaining_before + (available - due));
  acc.benefits_account += account_paid;
  if constexpr (kAwards) {
    // A new award or a second cohort entering the open group averages the
    // levels by head count; survivors alone keep theirs.
    const Lane count_before = first ? zero : c.pensioners_end[j];  // non-zero only where two cohorts meet in the open group
    const Lane basic_before = first ? zero : c.basic_end[j];
    const Lane trans_before = first ? zero : c.trans_end[j];
    const Lane account_before = first ? zero : c.account_end[j];
    const LaneMask keep = (n.awarded == 0) & (count_before == 0);
    const LaneMask mix = ~keep & (count_end > 0);
    const Lane inv_count = 1.0 / (count_before + count_end);
    c.basic_end[j] = select(keep, basic, select(mix, (basic_before * count_before + survivors * basic + n.awarded * n.basic_award) * inv_count, basic_before));
    c.trans_end[j] = select(keep, trans, select(mix, (trans_before * count_before + survivors * trans + n.awarded * n.trans_award) * inv_count, trans_before));
    c.account_end[j] = select(keep, account, select(mix, (account_before * count_before + survivors * account + n.awarded * n.account_award) * inv_count, account_before));
    c.pensioners_end[j] = select(keep, count_end, select(mix, count_before + count_end, count_before));
  } else {
    c.basic_end[j] = basic;
    c.trans_end[j] = trans;
    c.account_end[j] = account;
    c.pensioners_end[j] = count_end;
  }
}

// One cohort of sex x and age a. Each year-end cell j = min(a + 1, omega) is
// written first by cohort j - 1 (an assignment) and, in the open group
// j = omega only, again by cohort omega (which adds to it). kMembers: the
// cohort has members this year or the next; kAwards: some of them retire
// during the year, or a second cohort enters the open group. Without them
// the member and award terms are exact zeros, so the lean instances give
// the same values.
template <bool kMembers, bool kAwards>
[[gnu::always_inline]] inline void SchemeModel::cohort_step(int x, int a, int t, const YearRates& r,
                                                            const CohortArrays& c, SchemeFlowLanes& acc) const {
  const Lane zero = splat(0.0);
  Retirements retirements{zero, zero, zero, zero, zero, zero};
  if constexpr (kMembers) {
    retirements = member_step<kAwards>(x, a, t, r, c, acc);
  } else if (a < ages_ - 1) {
    c.accounts_end[a + 1] = zero;
  }
  pensioner_step<kAwards>(a, r, c, retirements, acc);
}

[[gnu::always_inline]] inline void SchemeModel::year_totals(int t, const YearRates& r, SchemeState& s,
                                                            SchemeFlowLanes& out) const {
  out.payroll = r.contribution_base * out.contributor_years;
  // Shares of expenditure are taken on benefits, refunds and transfers out
  // (the expenditure before administrative costs, which cannot be a share of themselves).
  const Lane spending = out.benefits() + out.refunds + out.transfers_out;
  out.admin_costs = p_.admin_cost_share * spending;
  switch (p_.subsidy) {
    case SubsidyRule::none: break;
    case SubsidyRule::wage_indexed:  // the amount is for start_year and grows with the average wage
      if (t == 0) s.first_wage = r.wage;
      out.subsidy = p_.subsidy_amount * r.wage / s.first_wage;
      break;
    case SubsidyRule::expenditure_share: out.subsidy = p_.subsidy_share * (spending + out.admin_costs); break;
  }
}

void SchemeModel::step(int year, const SchemeEconomyLanes& econ, const DemographyState& demo,
                       const DemographyState& population, SchemeState& s, SchemeFlowLanes& out,
                       bool survival_ready) const {
  const int t = year - start_year_;
  const int w = ages_ - 1;
  const YearRates r = year_rates(year, econ, s);
  out = SchemeFlowLanes{};
  out.indexation = r.indexation;
  out.average_wage = r.wage;
  out.crediting_rate = r.crediting;
  if (!survival_ready) pensioner_survival(demo, s);

  // Sums over cohorts in locals: the compiler cannot keep members of `out`
  // in registers across the stores into the state arrays.
  SchemeFlowLanes acc = out;  // the rates set above, every sum at zero
  const int last_member_age = last_member_age_[static_cast<std::size_t>(t)];
  for (int x = 0; x < 2; ++x) {
    const CohortArrays c{population.pop[x].data(),    population.next[x].data(),   demo.survival[x].data(),
                         s.pensioner_survival[x].data(), s.accounts[x].data(),      s.pensioners[x].data(),
                         s.basic_benefit[x].data(),    s.trans_benefit[x].data(),   s.account_benefit[x].data(),
                         s.remaining[x].data(),        s.next_accounts[x].data(),   s.next_pensioners[x].data(),
                         s.next_basic[x].data(),       s.next_trans[x].data(),      s.next_account[x].data(),
                         s.next_remaining[x].data()};
    // Cohorts younger than first_age_ have neither members nor pensioners
    // (their year-end cells stay at the zeros start() gave them); past the
    // last age with members (in this year or the next) only pensioners remain.
    for (int a = first_age_ - 1; a <= w; ++a) {
      const bool members = a <= last_member_age;
      const bool awards = (members && awards_[idx(x, a, t)].retires) || a == w;
      if (members && awards) cohort_step<true, true>(x, a, t, r, c, acc);
      else if (members) cohort_step<true, false>(x, a, t, r, c, acc);
      else if (awards) cohort_step<false, true>(x, a, t, r, c, acc);
      else cohort_step<false, false>(x, a, t, r, c, acc);
      // Year-end stocks, summed by age as each cell is complete (the open
      // group after its second cohort; cells below first_age_ are zero).
      if (a != w - 1) {
        const int j = std::min(a + 1, w);
        acc.pensioners += c.pensioners_end[j];
        acc.account_liability += c.accounts_end[j] + c.remaining_end[j];
      }
    }
  }
  out = acc;
  year_totals(t, r, s, out);
  s.wage = r.wage;
}

}  // namespace pfsim
