#include "models/workers/workers.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

#include "models/scheme/retirement_schedule.h"

namespace pfsim {

namespace {
constexpr int kAccountsStart = 1997;  // personal accounts; earlier service counts for the transitional pension
constexpr const char* kGroupName[3] = {"male", "female_cadre", "female_worker"};

// Balance after `fraction` of a year at gross return g with contributions c
// spread evenly over it (the half-year convention of model.md section 3).
// A whole year (the common case) needs no power.
double grow(double balance, double c, double g, double fraction) {
  g = std::max(g, 0.0);
  if (fraction == 1.0) return balance * g + c * std::sqrt(g);
  return balance * std::pow(g, fraction) + c * std::pow(g, fraction / 2);
}
}  // namespace

double WorkersModel::level_annuity_factor(const std::function<double(int, int)>& mx, int age, int year, double rate) {
  constexpr int kLastAge = 130;
  const double v = 1 / (1 + rate);
  double factor = 0, survival = 1, discount = 1;
  for (int t = 0; age + t <= kLastAge; ++t) {
    factor += discount * survival;
    survival *= std::exp(-mx(age + t, year + t));
    discount *= v;
  }
  return factor;
}

WorkersModel::WorkersModel(const ModelParams& params, const DemographyModel& demography, OutputRegistry& o)
    : p_(params.workers), scheme_(params.scheme), start_year_(params.start_year) {
  if (!p_.on) return;
  // The central projection of mortality by sex, age and year (the pricing
  // basis of a level annuity): beyond end_year the last year's rates, beyond
  // the last age the last age's.
  std::array<std::vector<std::vector<double>>, 2> central;  // [sex][year][age]
  if (p_.annuity.level_annuity || p_.private_pension.level_annuity) {
    DemographyState d;
    demography.start(d);
    const std::array<std::uint64_t, kLanes> paths{};
    for (int y = params.start_year; y <= params.end_year; ++y) {
      demography.rates(0, paths, true, y, d);
      for (int x = 0; x < 2; ++x) {
        auto& row = central[x].emplace_back();
        for (const Lane& m : d.mx[x]) row.push_back(m[0]);
      }
    }
  }
  const auto mx_of = [&](int sex) {
    return [&central, sex, first = params.start_year](int age, int year) {
      const auto& by_year = central[static_cast<std::size_t>(sex)];
      const auto t = static_cast<std::size_t>(std::clamp(year - first, 0, static_cast<int>(by_year.size()) - 1));
      const auto& row = by_year[t];
      return row[static_cast<std::size_t>(std::min(age, static_cast<int>(row.size()) - 1))];
    };
  };
  has_annuity_ = p_.annuity.on;
  has_private_ = p_.private_pension.on;
  if (has_annuity_) annuity_strategy_ = StrategyModel(p_.annuity.strategy, params.start_year, params.end_year);
  if (has_private_) private_strategy_ = StrategyModel(p_.private_pension.strategy, params.start_year, params.end_year);
  const RetirementRule* rules[3] = {&scheme_.male, &scheme_.female_cadre, &scheme_.female_worker};
  const char* annuity_text = p_.public_sector ? "occupational annuity" : "enterprise annuity";
  for (int b : p_.cohorts)
    for (int g : p_.groups)
      for (double k : p_.careers) {
        Worker w;
        w.name = fmt::format("{}_{}_{}", b, kGroupName[g], std::lround(100 * k));
        w.career = k;
        w.base = std::clamp(k, p_.base_floor, p_.base_cap);
        const int r_months = retirement_age_months(*rules[g], b, 1);
        w.retire_time = b + r_months / 12.0;
        w.retire_year = static_cast<int>(std::floor(w.retire_time));
        w.entry_year = b + p_.entry_age;
        const double n = w.retire_time - w.entry_year;
        const double n_pre = std::clamp(static_cast<double>(kAccountsStart - w.entry_year), 0.0, n);
        w.basic_factor = (1 + w.base) / 2 * n * 0.01 + scheme_.transitional_rate * w.base * n_pre;
        w.eligible = n >= scheme_.min_contribution_years.at(w.retire_year) - 1e-9;
        w.divisor = account_divisor(scheme_, r_months);
        const int sex = g == 0 ? 0 : 1;
        const auto payout = [&](const SupplementaryTier& tier) {
          return tier.level_annuity
                     ? 12 * level_annuity_factor(mx_of(sex), r_months / 12, w.retire_year, tier.annuity_rate)
                     : w.divisor;
        };
        w.annuity_divisor = payout(p_.annuity);
        w.private_divisor = payout(p_.private_pension);
        const std::string at = "@" + w.name;
        const std::string who = fmt::format("born 1 January {}, {}, career at {:g}% of the average wage, retiring in {}", b,
                                            kGroupName[g], 100 * k, w.retire_year);
        w.slots[basic] = o.scalar("replacement_basic" + at, "share",
                                  "first year's basic pension (pooled and transitional) / own wage of the year before; " + who);
        w.slots[account] = o.scalar("replacement_account" + at, "share", "first year's account pension / own wage; " + who);
        if (has_annuity_)
          w.slots[annuity] = o.scalar("replacement_annuity" + at, "share",
                                      fmt::format("first year's {} / own wage; {}", annuity_text, who));
        if (has_private_)
          w.slots[private_pension] =
              o.scalar("replacement_private" + at, "share", "first year's private pension, after tax / own wage; " + who);
        w.slots[total] = o.scalar("replacement_total" + at, "share", "the tiers' sum / own wage; " + who);
        w.slots[kTiers] = o.scalar("replacement_below" + at, "indicator",
                                   fmt::format("1 when replacement_total is below {:g} (its mean: the probability); {}",
                                               p_.threshold, who));
        workers_.push_back(w);
      }
  // The history before start_year: the same on every path.
  initial_.assign(workers_.size(), WorkerBalances{});
  for (std::size_t j = 0; j < workers_.size(); ++j) {
    const Worker& w = workers_[j];
    for (int u = w.entry_year; u < start_year_; ++u) {
      const double fraction = std::clamp(w.retire_time - u, 0.0, 1.0);
      if (!(fraction > 0)) break;
      const double account_rate = u >= kAccountsStart ? scheme_.history_account_rate.at(u) : 0.0;
      accrue(w, u, fraction, history_average_wage(scheme_, start_year_, u), scheme_.history_crediting.at(u), account_rate,
             tier_year(u), 1 + p_.annuity.history_return.at(u), 1 + p_.private_pension.history_return.at(u), initial_[j]);
    }
  }
  for (int y = params.start_year; y <= params.end_year; ++y) tier_years_.push_back(tier_year(y));
}

WorkersModel::TierYear WorkersModel::tier_year(int year) const {
  TierYear t;
  const auto& a = p_.annuity;
  t.annuity = has_annuity_ && year >= a.from_year;
  if (t.annuity) {
    t.employer = a.employer.at(year);
    t.member = a.member.at(year);
    if (a.employer_notional && !a.notional_at_crediting) t.notional_rate = a.notional_rate.at(year);
  }
  const auto& pp = p_.private_pension;
  t.private_pension = has_private_ && year >= pp.from_year;
  if (t.private_pension) t.private_amount = std::min(pp.amount.at(year), pp.cap);
  return t;
}

void WorkersModel::accrue(const Worker& w, int year, double fraction, double wage, double crediting,
                          double account_rate, const TierYear& tiers, double annuity_return, double private_return,
                          WorkerBalances& b) const {
  const double base = w.base * wage;
  if (year >= kAccountsStart) b.account = grow(b.account, account_rate * base * fraction, 1 + crediting, fraction);
  const auto& a = p_.annuity;
  if (tiers.annuity) {
    b.annuity = grow(b.annuity, (tiers.member + (a.employer_notional ? 0.0 : tiers.employer)) * base * fraction,
                     annuity_return, fraction);
    if (a.employer_notional) {
      const double rate = a.notional_at_crediting ? crediting : tiers.notional_rate;
      b.annuity_notional = grow(b.annuity_notional, tiers.employer * base * fraction, 1 + rate, fraction);
    }
  }
  if (tiers.private_pension)
    b.private_pension = grow(b.private_pension, tiers.private_amount * fraction, private_return, fraction);
}

void WorkersModel::start(WorkersState& s) const {
  s.balances = initial_;
  s.rates.assign(workers_.size() * kTiers, 0.0);
  s.previous_wage = scheme_.average_wage_base;
}

void WorkersModel::award(const Worker& w, std::size_t index, double previous_wage, const WorkerBalances& b,
                         WorkersState& s) const {
  // The pension of the first year, on the average wage of the year before
  // (model.md section 3), against the worker's own wage of that year.
  const double own = w.career * previous_wage;
  double* r = &s.rates[index * kTiers];
  r[basic] = w.eligible ? w.basic_factor * previous_wage / own : 0.0;
  r[account] = w.eligible ? 12 * b.account / w.divisor / own : 0.0;  // else refunded
  r[annuity] = 12 * (b.annuity + b.annuity_notional) / w.annuity_divisor / own;
  r[private_pension] = 12 * b.private_pension / w.private_divisor * (1 - p_.private_pension.tax) / own;
  r[total] = r[basic] + r[account] + r[annuity] + r[private_pension];
}

void WorkersModel::step(int t, int year, const WorkerYear& in, WorkersState& s) const {
  const double annuity_return = has_annuity_ ? annuity_strategy_.gross_return(t, in.ez) : 1.0;
  const double private_return = has_private_ ? private_strategy_.gross_return(t, in.ez) : 1.0;
  for (std::size_t j = 0; j < workers_.size(); ++j) {
    const Worker& w = workers_[j];
    if (year < w.entry_year || year > w.retire_year) continue;
    const double fraction = std::clamp(w.retire_time - year, 0.0, 1.0);
    if (fraction > 0)
      accrue(w, year, fraction, in.average_wage, in.crediting, in.account_rate, tier_years_[static_cast<std::size_t>(t)],
             annuity_return, private_return, s.balances[j]);
    if (year == w.retire_year) award(w, j, s.previous_wage, s.balances[j], s);
  }
  s.previous_wage = in.average_wage;
}

void WorkersModel::finish(const WorkersState& s, PathRecord& rec) const {
  for (std::size_t j = 0; j < workers_.size(); ++j) {
    const Worker& w = workers_[j];
    const double* r = &s.rates[j * kTiers];
    rec.scalars[w.slots[basic]] = r[basic];
    rec.scalars[w.slots[account]] = r[account];
    if (has_annuity_) rec.scalars[w.slots[annuity]] = r[annuity];
    if (has_private_) rec.scalars[w.slots[private_pension]] = r[private_pension];
    rec.scalars[w.slots[total]] = r[total];
    rec.scalars[w.slots[kTiers]] = r[total] < p_.threshold ? 1.0 : 0.0;
  }
}

}  // namespace pfsim
