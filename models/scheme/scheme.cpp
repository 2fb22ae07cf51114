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

double SchemeModel::divisor(double age_months) const {
  // Linear between the published integer ages, flat beyond the table's ends.
  const double age = age_months / 12.0;
  const auto& d = p_.divisors;
  if (age <= d.begin()->first) return d.begin()->second;
  if (age >= d.rbegin()->first) return d.rbegin()->second;
  const auto hi = d.upper_bound(static_cast<int>(std::floor(age)));
  const auto lo = std::prev(hi);
  const double t = (age - lo->first) / static_cast<double>(hi->first - lo->first);
  return lo->second + t * (hi->second - lo->second);
}

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
    double wage = p_.average_wage_base;  // w_{y0-1}, deflated back to `year`
    for (int u = year + 1; u < y0; ++u) wage /= 1 + p_.history_wage_growth.at(u);
    const double i = p_.history_crediting.at(year);
    const double share = shape(age) / shape(a);
    balance = balance * (1 + i) + p_.history_account_rate.at(year) * p_.compliance * wage *
                                      p_.history_density * share * std::sqrt(1 + i);
  }
  return balance;
}

SchemeModel::SchemeModel(const SchemeParams& params, const DemographyModel& demography,
                         int start_year, int end_year)
    : p_(params), start_year_(start_year), end_year_(end_year), ages_(demography.ages()) {
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
  const auto& pop = demography.initial_population();
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
    throw InputError({}, "scheme.calibration.contributors",
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
        const double n = p_.contribution_years_mean + (r_months - reference) / 12.0;
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
    for (int a = 0; a <= w; ++a) {
      const auto i = static_cast<std::size_t>(a);
      const double members = pop[x][i] * member_share_[idx(x, a, 0)] * (1 - retired_[idx(x, a, 0)]);
      initial_accounts_[x][i] = members * rebuilt_balance(a);
      initial_pensioners_[x][i] = pop[x][i] * retired_[idx(x, a, 0)] * calib_.pensioner_factor;
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
    // Starting pensioners draw the calibrated average, all of it treated as
    // pooled (indexed); their account pensions are not separated (docs/model.md).
    s.basic_benefit[x].assign(n, splat(p_.calib_average_pension));
    s.trans_benefit[x].assign(n, splat(0.0));
    s.account_benefit[x].assign(n, splat(0.0));
    s.remaining[x].assign(n, splat(0.0));
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
                                 splat(econ.prev_inflation), splat(econ.fund_return)};
  SchemeFlowLanes flows;
  step(year, lanes, demo, s, flows);
  out = lane(flows, 0);
}

void SchemeModel::step(int year, const SchemeEconomyLanes& econ, const DemographyState& demo, SchemeState& s,
                       SchemeFlowLanes& out) const {
  const int t = year - start_year_;
  const auto tu = static_cast<std::size_t>(t);
  const int w = ages_ - 1;
  const Lane zero = splat(0.0);
  out = SchemeFlowLanes{};

  // January indexation of pensions in payment (pooled part only).
  Lane idx_rate;
  if (year <= p_.indexation_history_last) {
    idx_rate = splat(p_.indexation_history.at(year));
  } else {
    idx_rate = p_.index_wage * econ.prev_wage_growth + p_.index_price * econ.prev_inflation + p_.index_constant;
    idx_rate = lane_clamp(idx_rate, splat(p_.index_floor), splat(p_.index_cap));
  }
  out.indexation = idx_rate;

  const Lane wage_prev = s.wage;
  const Lane wage = wage_prev * (1 + econ.wage_growth);
  out.average_wage = wage;
  Lane credit = zero;
  switch (p_.crediting) {
    case CreditingRule::wage_growth: credit = lane_max(econ.wage_growth, splat(p_.crediting_floor)); break;
    case CreditingRule::fixed: credit = splat(p_.crediting_fixed); break;
    case CreditingRule::fund_return: credit = lane_max(econ.fund_return, splat(p_.crediting_floor)); break;
  }
  out.crediting_rate = credit;
  const Lane grow = 1 + credit;
  const Lane half = lane_sqrt(grow);
  const Lane inv_half = 1.0 / half;
  const Lane index_factor = 1 + idx_rate;
  const Lane base = p_.compliance * wage;  // contribution base per contributor
  const double tau_pool = pooling_rate_[tu];
  const double tau_pa = account_rate_[tu];

  // Pensioners' survival: the population life table with rates times the multiplier.
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

  // Sums over cohorts in locals: the compiler cannot keep members of `out`
  // in registers across the stores into the state arrays.
  SchemeFlowLanes acc = out;  // the rates set above, every sum at zero
  for (int x = 0; x < 2; ++x) {
    const Lane* P0 = demo.pop[x].data();
    const Lane* P1 = demo.next[x].data();
    const Lane* sv = demo.survival[x].data();
    const Lane* sp = s.pensioner_survival[x].data();
    const Lane* A0s = s.accounts[x].data();
    const Lane* Q0s = s.pensioners[x].data();
    const Lane* BB0s = s.basic_benefit[x].data();
    const Lane* BT0s = s.trans_benefit[x].data();
    const Lane* BA0s = s.account_benefit[x].data();
    const Lane* RB0s = s.remaining[x].data();
    Lane* A1 = s.next_accounts[x].data();
    Lane* Q1 = s.next_pensioners[x].data();
    Lane* BB1 = s.next_basic[x].data();
    Lane* BT1 = s.next_trans[x].data();
    Lane* BA1 = s.next_account[x].data();
    Lane* RB1 = s.next_remaining[x].data();
    // Each year-end cell j is written first by cohort j - 1 (an assignment)
    // and, in the open group j = omega only, again by cohort omega (which
    // adds to it). Cells below first_age_ stay at the zeros start() gave them.
    // One cohort of age a; kMembers: the cohort has members this year or
    // the next; kAwards: some of them retire during the year, or a second
    // cohort enters the open group. Without them the member and award terms
    // are exact zeros, so the lean instances give the same values.
    auto cohort = [&]<bool kMembers, bool kAwards>(int a) {
      const int a1 = std::min(a + 1, w);  // the open group absorbs omega - 1 and omega
      const int j = a1;
      const double rho0 = retired_[idx(x, a, t)];
      const double rho1 = retired_[idx(x, a1, t + 1)];
      const Award& aw = awards_[idx(x, a, t)];
      const bool first = a < w;  // the first cohort to reach cell j
      Lane a_ret = zero, awarded = zero, eligible = zero, bb_new = zero, bt_new = zero, ba_new = zero;
      if constexpr (kMembers) {
        // Members and contributors: exposure is the mean of the cohort's two 1 January stocks.
        const double e1 = member_share_[idx(x, a1, t + 1)];
        const Lane m0 = P0[a] * member_share_[idx(x, a, t)] * (1 - rho0);
        // Survivors of this cohort at year end: P1[j] when a1 = a + 1 < omega; in
        // the open group, split P1[w] by the cohorts' survivor shares.
        Lane p1 = P1[j];
        if (a1 == w) {
          const Lane from_prev = P0[w - 1];
          const Lane from_open = P0[w];
          const Lane total = from_prev + from_open;
          p1 = select(total > 0, P1[j] * (a == w ? from_open : from_prev) / total, zero);
        }
        const Lane m1 = p1 * e1 * (1 - rho1);
        const Lane exposure = p_.contribution_density * 0.5 * (m0 + m1);
        acc.contributor_years += exposure;
        acc.contributions_pooling += tau_pool * base * exposure;
        const Lane c_pa = tau_pa * base * exposure;
        acc.contributions_account += c_pa;
        acc.members += m1;
        acc.contributors += p_.contribution_density * m1;

        // Members' accounts: deaths refunded mid-year; the rest credited, split
        // at year end between those who stay and those who retire.
        const Lane death = 1 - sv[j];
        const Lane A0 = A0s[a];
        acc.refunds += A0 * death * half;
        const Lane a_end = A0 * (1 - death) * grow + c_pa * half;
        a_ret = a_end * aw.retiring_share;
        A1[j] = first ? a_end - a_ret : A1[j] + (a_end - a_ret);

        if constexpr (kAwards) {
          // New pensioners of this cohort (awarded during y, counted half a year).
          const Lane retiring = p1 * e1 * std::max(0.0, rho1 - rho0);
          eligible = select(retiring > 0, splat(aw.eligible), zero);
          awarded = retiring * eligible;
          acc.transfers_out += a_ret * (1 - eligible);
          const LaneMask is_awarded = awarded > 0;
          bb_new = select(is_awarded, wage_prev * aw.basic, zero);
          bt_new = select(is_awarded, wage_prev * aw.transitional, zero);
          ba_new = select(is_awarded, (a_ret / retiring) * aw.account, zero);
          acc.new_pensioners += select(is_awarded, awarded, zero);
        } else {
          acc.transfers_out += a_ret;
        }
      } else if (first) {
        A1[j] = zero;
      }

      // Pensioners in payment: survivors keep last year's level (indexed next January).
      const Lane q0 = Q0s[a];
      const Lane bb0 = BB0s[a] * index_factor;
      const Lane bt0 = BT0s[a] * index_factor;
      const Lane ba0 = BA0s[a];
      const Lane qs = q0 * sp[j];
      const Lane rb0 = RB0s[a];
      acc.refunds += rb0 * (1 - sp[j]) * half;
      const Lane q1 = qs + awarded;
      Lane account_paid, available;
      if constexpr (kAwards) {
        acc.pensioner_years += 0.5 * (q0 + qs + awarded);
        acc.benefits_basic += 0.5 * ((q0 + qs) * bb0 + awarded * bb_new);
        acc.benefits_transitional += 0.5 * ((q0 + qs) * bt0 + awarded * bt_new);
        account_paid = 0.5 * (q0 * ba0 + qs * ba0 + awarded * ba_new);
        available = rb0 * sp[j] * grow + a_ret * eligible;
      } else {
        acc.pensioner_years += 0.5 * (q0 + qs);
        acc.benefits_basic += 0.5 * ((q0 + qs) * bb0);
        acc.benefits_transitional += 0.5 * ((q0 + qs) * bt0);
        account_paid = 0.5 * (q0 * ba0 + qs * ba0);
        available = rb0 * sp[j] * grow;
      }
      const Lane due = account_paid * half;
      const LaneMask short_of = due > available;  // the pooling fund pays on
      acc.overdraft += select(short_of, (due - available) * inv_half, zero);
      const Lane rb_prev = first ? zero : RB1[j];
      RB1[j] = select(short_of, rb_prev, rb_prev + (available - due));
      acc.benefits_account += account_paid;
      if constexpr (kAwards) {
        // A new award or a second cohort entering the open group averages the
        // levels by head count; survivors alone keep theirs.
        const Lane prev_q = first ? zero : Q1[j];  // non-zero only where two cohorts meet in the open group
        const Lane bb_prev = first ? zero : BB1[j], bt_prev = first ? zero : BT1[j], ba_prev = first ? zero : BA1[j];
        const LaneMask keep = (awarded == 0) & (prev_q == 0);
        const LaneMask mix = ~keep & (q1 > 0);
        const Lane inv = 1.0 / (prev_q + q1);
        BB1[j] = select(keep, bb0, select(mix, (bb_prev * prev_q + qs * bb0 + awarded * bb_new) * inv, bb_prev));
        BT1[j] = select(keep, bt0, select(mix, (bt_prev * prev_q + qs * bt0 + awarded * bt_new) * inv, bt_prev));
        BA1[j] = select(keep, ba0, select(mix, (ba_prev * prev_q + qs * ba0 + awarded * ba_new) * inv, ba_prev));
        Q1[j] = select(keep, q1, select(mix, prev_q + q1, prev_q));
      } else {
        BB1[j] = bb0;
        BT1[j] = bt0;
        BA1[j] = ba0;
        Q1[j] = q1;
      }
    };
    // Cohorts younger than first_age_ have neither members nor pensioners;
    // past the last age with members (in this year or the next) only
    // pensioners remain.
    for (int a = first_age_ - 1; a <= w; ++a) {
      const bool members = a <= last_member_age_[tu];
      const bool awards = (members && awards_[idx(x, a, t)].retires) || a == w;
      if (members && awards) cohort.template operator()<true, true>(a);
      else if (members) cohort.template operator()<true, false>(a);
      else if (awards) cohort.template operator()<false, true>(a);
      else cohort.template operator()<false, false>(a);
      // Year-end stocks, summed by age as each cell is complete (the open
      // group after its second cohort; cells below first_age_ are zero).
      if (a != w - 1) {
        const int j = std::min(a + 1, w);
        acc.pensioners += Q1[j];
        acc.account_liability += A1[j] + RB1[j];
      }
    }
  }
  out = acc;
  out.payroll = base * out.contributor_years;
  // Shares of expenditure are taken on benefits, refunds and transfers out
  // (the expenditure before administrative costs, which cannot be a share of themselves).
  const Lane spending = out.benefits() + out.refunds + out.transfers_out;
  out.admin_costs = p_.admin_cost_share * spending;
  switch (p_.subsidy) {
    case SubsidyRule::none: break;
    case SubsidyRule::wage_indexed:  // the amount is for start_year and grows with the average wage
      if (t == 0) s.first_wage = wage;
      out.subsidy = p_.subsidy_amount * wage / s.first_wage;
      break;
    case SubsidyRule::expenditure_share: out.subsidy = p_.subsidy_share * (spending + out.admin_costs); break;
  }
  s.wage = wage;
}

}  // namespace pfsim
