#include "models/regions/regions.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/normal.h"
#include "core/rng.h"
#include "models/funds/funds.h"
#include "models/units.h"

namespace pfsim {

const char* regime_name(PoolingRegime r) {
  switch (r) {
    case PoolingRegime::provincial: return "provincial";
    case PoolingRegime::central_adjustment: return "central_adjustment";
    case PoolingRegime::national: return "national";
  }
  return "national";
}

// ---- RegionsModel ------------------------------------------------------------

RegionsModel::RegionsModel(const ModelParams& params, const DemographyModel& demography)
    : p_(params), demography_(demography), single_(params.regions.empty()) {
  const int ages = demography.ages();
  const auto n = static_cast<std::size_t>(ages);
  if (single_) {
    initial_.push_back(demography.initial_population());
    schemes_.emplace_back(p_.scheme, initial_.back(), p_.start_year, p_.end_year);
    leave_rate_.emplace_back(n, 0.0);
    return;
  }
  const auto& national = demography.initial_population();
  for (const auto& region : p_.regions) {
    std::array<std::vector<double>, 2> pop;
    for (int x = 0; x < 2; ++x) {
      pop[x].resize(n);
      for (std::size_t a = 0; a < n; ++a) pop[x][a] = region.population_share[a] * national[x][a];
    }
    initial_.push_back(pop);
    const bool shock = region.wage_shock_sd > 0;
    wage_shocks_ = wage_shocks_ || shock;
    schemes_.emplace_back(region.scheme, pop, p_.start_year, p_.end_year, region.has_wage_drift || shock);
    std::vector<double> rate(n, 0.0);
    for (std::size_t a = 0; a < n; ++a) rate[a] = region.out_migration * p_.migration_age_profile[a];
    leave_rate_.push_back(std::move(rate));
    std::vector<double> factor;
    if (region.has_wage_drift || shock)
      for (int y = p_.start_year; y <= p_.end_year; ++y) factor.push_back(std::exp(region.wage_drift.at(y)));
    wage_factor_.push_back(std::move(factor));
  }
  // The pooled-fund transfer per migrant, by year, sex and year-end age.
  const int years = p_.end_year - p_.start_year + 1;
  const auto& pool = p_.pooling;
  for (std::size_t r = 0; r < p_.regions.size(); ++r) {
    const SchemeModel& scheme = schemes_[r];
    std::vector<double> factor(static_cast<std::size_t>(years) * 2 * n, 0.0);
    for (int t = 0; t < years; ++t)
      for (int x = 0; x < 2; ++x)
        for (std::size_t a = 0; a < n; ++a) {
          const int age = static_cast<int>(a);
          if (!(leave_rate_[r][a] > 0) || age >= pool.transfer_age_limit[static_cast<std::size_t>(x)]) continue;
          const int year = p_.start_year + t;
          const double member = scheme.member_share(x, age, t + 1) * (1 - scheme.retired(x, age, t + 1));
          factor[factor_index(t, x, a)] =
              member * pool.transfer_rate * scheme.years_contributed_since(pool.transfer_from_year, age, year + 1);
        }
    transfer_factor_.push_back(std::move(factor));
  }
}

void RegionsModel::initial_employees(std::array<std::vector<double>, 2>& out) const {
  for (int x = 0; x < 2; ++x) {
    const auto n = initial_[0][static_cast<std::size_t>(x)].size();
    out[static_cast<std::size_t>(x)].assign(n, 0.0);
    for (std::size_t r = 0; r < schemes_.size(); ++r) {
      const SchemeModel& sc = schemes_[r];
      const auto& pop = initial_[r][static_cast<std::size_t>(x)];
      const auto& pensioners = sc.initial_pensioners()[static_cast<std::size_t>(x)];
      for (std::size_t a = 0; a < n; ++a) {
        const int age = static_cast<int>(a);
        out[static_cast<std::size_t>(x)][a] +=
            pop[a] * sc.member_share(x, age, 0) * (1 - sc.retired(x, age, 0)) + pensioners[a];
      }
    }
  }
}

void RegionsModel::employees_at_year_end(int t, const DemographyState& national, const RegionsState& s,
                                         std::array<std::vector<Lane>, 2>& out) const {
  for (int x = 0; x < 2; ++x) {
    const auto xs = static_cast<std::size_t>(x);
    const auto n = national.next[xs].size();
    out[xs].assign(n, splat(0.0));
    for (std::size_t r = 0; r < schemes_.size(); ++r) {
      const SchemeModel& sc = schemes_[r];
      const auto& pop = single_ ? national.next[xs] : s.demography[r].next[xs];
      const auto& pensioners = s.scheme[r].next_pensioners[xs];
      for (std::size_t a = 0; a < n; ++a) {
        const int age = static_cast<int>(a);
        out[xs][a] += pop[a] * (sc.member_share(x, age, t + 1) * (1 - sc.retired(x, age, t + 1))) + pensioners[a];
      }
    }
  }
}

void RegionsModel::start(DemographyState& national, RegionsState& s) const {
  const auto regions = schemes_.size();
  const auto n = national.pop[0].size();
  s.scheme.resize(regions);
  s.flows.assign(regions, SchemeFlowLanes{});
  s.transfers.assign(regions, RegionTransfers{});
  for (std::size_t r = 0; r < regions; ++r) schemes_[r].start(s.scheme[r]);
  s.national_wage = splat(p_.scheme.average_wage_base);
  if (single_) return;
  s.demography.resize(regions);
  s.population.assign(regions, splat(0.0));
  s.wage_deviation.assign(regions, splat(0.0));
  s.leaving.resize(regions);
  s.accounts_moving.resize(regions);
  for (std::size_t r = 0; r < regions; ++r)
    for (int x = 0; x < 2; ++x) {
      auto& pop = s.demography[r].pop[x];
      pop.resize(n);
      for (std::size_t a = 0; a < n; ++a) pop[a] = splat(initial_[r][x][a]);
      s.demography[r].next[x].assign(n, splat(0.0));
      s.leaving[r][x].assign(n, splat(0.0));
      s.accounts_moving[r][x].assign(n, splat(0.0));
    }
  // The nation starts as the sum of its regions.
  for (int x = 0; x < 2; ++x)
    for (std::size_t a = 0; a < n; ++a) {
      double sum = 0;
      for (std::size_t r = 0; r < regions; ++r) sum += initial_[r][x][a];
      national.pop[x][a] = splat(sum);
    }
}

void RegionsModel::advance(RegionsState& s) {
  for (auto& d : s.demography) DemographyModel::advance(d);
  for (auto& sc : s.scheme) SchemeModel::advance(sc);
}

void RegionsModel::migrate(int /*year*/, RegionsState& s) const {
  // People leave each region at its rate by age, from the population at the
  // year's end, and arrive at the destinations in their shares: what leaves
  // one region arrives in the others, so the nation keeps its people.
  const auto regions = schemes_.size();
  const auto n = s.demography[0].next[0].size();
  for (std::size_t r = 0; r < regions; ++r) {
    const double* rate = leave_rate_[r].data();
    Lane people = splat(0.0);
    for (int x = 0; x < 2; ++x) {
      Lane* next = s.demography[r].next[x].data();
      Lane* out = s.leaving[r][x].data();
      for (std::size_t a = 0; a < n; ++a) {
        out[a] = next[a] * rate[a];
        next[a] -= out[a];
        people += out[a];
      }
    }
    s.transfers[r].people_out = people;
  }
  for (std::size_t j = 0; j < regions; ++j) {
    Lane people = splat(0.0);
    for (std::size_t r = 0; r < regions; ++r) {
      const double d = p_.regions[r].destinations[j];
      if (!(d > 0)) continue;
      for (int x = 0; x < 2; ++x) {
        Lane* next = s.demography[j].next[x].data();
        const Lane* out = s.leaving[r][x].data();
        for (std::size_t a = 0; a < n; ++a) {
          const Lane arriving = out[a] * d;
          next[a] += arriving;
          people += arriving;
        }
      }
    }
    s.transfers[j].people_in = people;
  }
}

void RegionsModel::move_accounts(int year, RegionsState& s) const {
  // Members who move take their whole personal account; for those below the
  // age limits the old region's pooled fund also transfers transfer_rate of
  // the contribution base for each year contributed since transfer_from_year
  // (Guo Ban Fa [2009] 66; docs/model.md D6.4). Pensioners do not move their
  // relation.
  const auto regions = schemes_.size();
  const auto n = s.demography[0].next[0].size();
  const int t = year - p_.start_year;
  for (std::size_t r = 0; r < regions; ++r) {
    const double* rate = leave_rate_[r].data();
    Lane accounts_out = splat(0.0), pooled = splat(0.0);
    for (int x = 0; x < 2; ++x) {
      Lane* accounts = s.scheme[r].next_accounts[x].data();
      Lane* moving = s.accounts_moving[r][x].data();
      const Lane* leaving = s.leaving[r][x].data();
      const double* factor = transfer_factor_[r].data() + factor_index(t, x, 0);
      for (std::size_t a = 0; a < n; ++a) {
        moving[a] = accounts[a] * rate[a];
        accounts[a] -= moving[a];
        accounts_out += moving[a];
        pooled += leaving[a] * factor[a];
      }
    }
    const Lane pooled_out = pooled * (p_.regions[r].scheme.compliance * s.flows[r].average_wage);
    s.transfers[r].accounts_out = accounts_out;
    s.transfers[r].pooled_out = pooled_out;
    s.flows[r].account_liability -= accounts_out;
    const auto& dest = p_.regions[r].destinations;
    for (std::size_t j = 0; j < regions; ++j) {
      if (!(dest[j] > 0)) continue;
      s.transfers[j].accounts_in += accounts_out * dest[j];
      s.transfers[j].pooled_in += pooled_out * dest[j];
      s.flows[j].account_liability += accounts_out * dest[j];
    }
  }
  // The accounts arrive in the destination's cohorts with the people.
  for (std::size_t j = 0; j < regions; ++j)
    for (std::size_t r = 0; r < regions; ++r) {
      const double d = p_.regions[r].destinations[j];
      if (!(d > 0)) continue;
      for (int x = 0; x < 2; ++x) {
        Lane* accounts = s.scheme[j].next_accounts[x].data();
        const Lane* moving = s.accounts_moving[r][x].data();
        for (std::size_t a = 0; a < n; ++a) accounts[a] += moving[a] * d;
      }
    }
}

void RegionsModel::wage_factors(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central,
                                int year, RegionsState& s, std::vector<Lane>& factors) const {
  // exp(drift_y + d_y - d_{y-1}), d_y = phi d_{y-1} + sd eps_y, d from 0 in
  // start_year - 1 (the given wage level); eps the region's normal of the year.
  const auto regions = schemes_.size();
  const auto t = static_cast<std::size_t>(year - p_.start_year);
  factors.assign(regions, splat(1.0));
  for (std::size_t r = 0; r < regions; ++r)
    if (!wage_factor_[r].empty()) factors[r] = splat(wage_factor_[r][t]);
  if (!wage_shocks_ || central || !p_.economy.shocks_on) return;
  std::vector<double>& eps = s.wage_eps;
  eps.resize(regions);
  for (int l = 0; l < kLanes; ++l) {
    RandomStream rs(seed, paths[static_cast<std::size_t>(l)], Stream::region_wages,
                    static_cast<std::uint32_t>(year - p_.start_year + 1));
    for (std::size_t r = 0; r < regions; ++r) eps[r] = standard_normal(rs);
    for (std::size_t r = 0; r < regions; ++r) {
      const auto& region = p_.regions[r];
      if (!(region.wage_shock_sd > 0)) continue;
      const double before = s.wage_deviation[r][l];
      const double after = region.wage_shock_persistence * before + region.wage_shock_sd * eps[r];
      s.wage_deviation[r][l] = after;
      factors[r][l] = wage_factor_[r][t] * std::exp(after - before);
    }
  }
}

void RegionsModel::step(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central, int year,
                        const SchemeEconomyLanes& econ, DemographyState& national, RegionsState& s,
                        SchemeFlowLanes& national_flows) const {
  if (single_) {
    demography_.project(year, national, national, 1.0, 1.0);
    schemes_[0].step(year, econ, national, s.scheme[0], national_flows);
    return;
  }
  const auto regions = schemes_.size();
  const auto n = national.pop[0].size();
  for (auto& tr : s.transfers) tr = RegionTransfers{};
  for (std::size_t r = 0; r < regions; ++r)
    demography_.project(year, national, s.demography[r], p_.regions[r].fertility_factor,
                        p_.regions[r].international_migration_share);
  migrate(year, s);
  for (std::size_t r = 0; r < regions; ++r) {
    Lane people = splat(0.0);
    for (int x = 0; x < 2; ++x)
      for (const Lane& v : s.demography[r].next[x]) people += v;
    s.population[r] = people;
  }
  // The nation: the sum of its regions.
  Lane births = splat(0.0), deaths = splat(0.0);
  for (int x = 0; x < 2; ++x)
    for (std::size_t a = 0; a < n; ++a) {
      Lane sum = splat(0.0);
      for (std::size_t r = 0; r < regions; ++r) sum += s.demography[r].next[x][a];
      national.next[x][a] = sum;
    }
  for (std::size_t r = 0; r < regions; ++r) {
    births += s.demography[r].births;
    deaths += s.demography[r].deaths;
  }
  national.births = births;
  national.deaths = deaths;

  std::vector<Lane>& factors = s.wage_factor;
  wage_factors(seed, paths, central, year, s, factors);
  for (std::size_t r = 0; r < regions; ++r) {
    SchemeEconomyLanes e = econ;
    e.wage_factor = factors[r];
    // Every region's pensioners die at the national rates times the one
    // multiplier: their survival is worked out once.
    const bool ready = r > 0 && p_.scheme.pensioner_mortality_multiplier != 1.0 &&
                       schemes_[r].first_pensioner_age() == schemes_[0].first_pensioner_age();
    if (ready)
      for (int x = 0; x < 2; ++x) s.scheme[r].pensioner_survival[x] = s.scheme[0].pensioner_survival[x];
    schemes_[r].step(year, e, national, s.demography[r], s.scheme[r], s.flows[r], ready);
  }
  move_accounts(year, s);

  SchemeFlowLanes sum = s.flows[0];
  for (std::size_t r = 1; r < regions; ++r) {
    const SchemeFlowLanes& f = s.flows[r];
    sum.contributions_pooling += f.contributions_pooling;
    sum.contributions_account += f.contributions_account;
    sum.benefits_basic += f.benefits_basic;
    sum.benefits_transitional += f.benefits_transitional;
    sum.benefits_account += f.benefits_account;
    sum.overdraft += f.overdraft;
    sum.refunds += f.refunds;
    sum.transfers_out += f.transfers_out;
    sum.admin_costs += f.admin_costs;
    sum.subsidy += f.subsidy;
    sum.contributors += f.contributors;
    sum.members += f.members;
    sum.pensioners += f.pensioners;
    sum.new_pensioners += f.new_pensioners;
    sum.contributor_years += f.contributor_years;
    sum.pensioner_years += f.pensioner_years;
    sum.payroll += f.payroll;
    sum.account_liability += f.account_liability;
  }
  // The national average wage follows the national path; indexation and
  // crediting are national rules, the same in every region.
  s.national_wage = s.national_wage * (1 + econ.wage_growth);
  sum.average_wage = s.national_wage;
  national_flows = sum;
}

// ---- PoolingModel ------------------------------------------------------------

void PoolingModel::central_adjustment(double ratio, double wage_share, const std::vector<double>& wages,
                                      const std::vector<double>& members, const std::vector<double>& retirees,
                                      double& levy, std::vector<double>& out) {
  const std::size_t n = wages.size();
  out.resize(n);
  levy = 0;
  double total_retirees = 0;
  for (std::size_t r = 0; r < n; ++r) {
    out[r] = ratio * wage_share * wages[r] * members[r];  // what the region pays
    levy += out[r];
    total_retirees += retirees[r];
  }
  const double per_retiree = total_retirees > 0 ? levy / total_retirees : 0.0;
  for (std::size_t r = 0; r < n; ++r) out[r] = per_retiree * retirees[r] - out[r];
}

PoolingModel::PoolingModel(const ModelParams& params, const RegionsModel& regions, OutputRegistry& o)
    : p_(params),
      regions_(regions),
      outputs_(!params.regions.empty()),
      funded_(params.scheme.funding == AccountFunding::funded),
      backstop_(params.scheme.backstop),
      floor_months_(params.scheme.backstop_floor_months) {
  if (!outputs_) return;
  using units::kMoney;
  using units::kRealMoney;
  for (const auto& region : p_.regions) {
    const std::string at = "@" + region.name;
    RegionSlots s;
    s.population = o.year("population" + at, "persons", "the region's population at 31 December");
    s.contributors = o.year("contributors" + at, "persons", "the region's contributors at 31 December");
    s.pensioners = o.year("pensioners" + at, "persons", "the region's pensioners at 31 December");
    s.support_ratio = o.year("system_dependency" + at, "ratio", "the region's pensioners / contributors at 31 December");
    s.average_wage = o.year("average_wage" + at, kMoney, "the region's average wage of the year");
    s.net_cash_flow = o.year("surplus" + at, kMoney, "the region's income - expenditure, before adjustment and transfers");
    s.adjustment = o.year("adjustment" + at, kMoney, "central adjustment received - paid (0 outside that regime)");
    s.transfers = o.year("relation_transfers" + at, kMoney,
                         "net inflow with migrating members: personal accounts and pooled-fund transfers");
    s.backstop = o.year("backstop" + at, kMoney, "transfer that lifts the region's fund to its floor (regional regimes)");
    s.balance = o.year("fund_balance" + at, kMoney, "the region's pooled fund at 31 December (0 under national pooling)");
    s.balance_real = o.year("fund_balance_real" + at, kRealMoney, "fund_balance@ / CPI");
    s.months = o.year("months_covered" + at, "months", "12 x the region's fund / its benefits of the year");
    s.depleted = o.year("depleted" + at, "share",
                        "1 when the region's fund has run short by the year, else 0 (mean: the probability)");
    s.depletion = o.scalar("depletion_year" + at, "year",
                           "first year the region's fund (under national pooling: the national fund) ran short; "
                           "+inf: never", true);
    slots_.push_back(s);
  }
  regime_ = o.year("pooling_regime", "code", "the year's regime: 0 provincial, 1 central adjustment, 2 national");
  in_deficit_ = o.year("regions_in_deficit", "regions", "regions whose income is below their expenditure");
  depleted_ = o.year("regions_depleted", "regions", "regions whose fund has run short by the year");
  first_depletion_ = o.year("any_region_depleted", "share",
                            "1 when at least one region's fund has run short by the year, else 0 (mean: the probability)");
  adjustment_size_ = o.year("adjustment_fund", kMoney, "the central adjustment fund: the sum of the regions' levies");
  net_adjustment_ = o.year("adjustment_net", kMoney, "net transfer of the central adjustment: the sum of what receivers gain");
  migrants_ = o.year("internal_migrants", "persons", "people who moved between regions during the year");
  pooled_transfers_ = o.year("relation_transfers", kMoney, "accounts and pooled-fund transfers that moved between regions");
  backstop_local_ = o.year("backstop_local", kMoney,
                           "local budgets' part of the backstop (each region's local_share of its own under a regional "
                           "regime; pooling.local_share of the nation's under national pooling)");
  backstop_central_ = o.year("backstop_central", kMoney, "the centre's part of the backstop");
  kept_ = o.year("kept_balances", kMoney, "balances the regions kept at the switch to national pooling");
}

void PoolingModel::start(PoolingState& s) const {
  const auto n = static_cast<std::size_t>(regions_.count());
  s.balance.assign(n, 0.0);
  s.kept.assign(n, 0.0);
  s.depletion.assign(n, std::numeric_limits<double>::infinity());
  s.national = p_.pooling.at(p_.start_year) == PoolingRegime::national;
  if (!s.national)
    for (std::size_t r = 0; r < n; ++r) s.balance[r] = p_.regions[r].fund_balance;
}

void PoolingModel::step(int /*t*/, int year, int l, const RegionsState& rs, double gross_return, double gross_debt,
                        PoolingState& s, PoolingYear& y) const {
  const auto n = static_cast<std::size_t>(regions_.count());
  const PoolingRegime regime = p_.pooling.at(year);
  y.regional = regime != PoolingRegime::national;
  y.levy = 0;
  y.adjustment.assign(n, 0.0);
  y.backstop.assign(n, 0.0);
  y.basic = FundYear{};
  y.withdrawn = 0;
  if (!y.regional) {
    if (!s.national) {
      // The switch to national pooling: the regions' balances join the
      // national fund (which already holds their sum), or the regions keep them.
      for (std::size_t r = 0; r < n; ++r) {
        if (!p_.pooling.pool_balances) {
          s.kept[r] = s.balance[r];
          y.withdrawn += s.balance[r];
        }
        s.balance[r] = 0;
      }
      s.national = true;
    }
    for (auto& k : s.kept) k *= gross_return;  // invested like the basic fund, never drawn by the nation
    return;                                    // (the caller takes y.withdrawn out of the national fund)
  }
  if (regime == PoolingRegime::central_adjustment) {
    y.wages.resize(n);
    y.members.resize(n);
    y.retirees.resize(n);
    for (std::size_t r = 0; r < n; ++r) {
      const SchemeFlowLanes& f = rs.flows[r];
      y.wages[r] = f.average_wage[l];
      y.members[r] = f.contributor_years[l] / p_.regions[r].scheme.contribution_density;
      y.retirees[r] = f.pensioner_years[l];
    }
    central_adjustment(p_.pooling.adjustment_ratio.at(year), p_.pooling.adjustment_wage_share, y.wages, y.members,
                       y.retirees, y.levy, y.adjustment);
  }
  // (A regional regime needs [regions]: the regions are never the single national pool.)
  for (std::size_t r = 0; r < n; ++r) {
    const SchemeFlows f = lane(rs.flows[r], l);
    const RegionTransfers& tr = rs.transfers[r];
    double net = basic_net_cash_flow(f, funded_) + (tr.pooled_in[l] - tr.pooled_out[l]);
    if (!funded_) net += tr.accounts_in[l] - tr.accounts_out[l];
    FundYear fy = fund_step(s.balance[r], net + y.adjustment[r], gross_return, gross_debt);
    if (backstop_) apply_backstop(fy, floor_months_ / 12.0 * f.benefits());
    if (fy.before_floor < 0 && !std::isfinite(s.depletion[r])) s.depletion[r] = year;
    y.backstop[r] = fy.backstop;
    y.basic.start += fy.start;
    y.basic.before_floor += fy.before_floor;
    y.basic.end += fy.end;
    y.basic.backstop += fy.backstop;
    s.balance[r] = fy.end;
  }
}

void PoolingModel::after_national(int year, bool national_depleted, PoolingState& s) const {
  if (!national_depleted) return;
  for (auto& d : s.depletion)
    if (!std::isfinite(d)) d = year;
}

void PoolingModel::record(int t, int year, int l, const RegionsState& rs, const PoolingYear& y, const PoolingState& s,
                          double cpi, double national_backstop, PathRecord& rec) const {
  if (!outputs_) return;
  const auto n = slots_.size();
  double in_deficit = 0, depleted = 0, migrants = 0, moved = 0, net_adjustment = 0, kept = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const RegionSlots& o = slots_[r];
    const SchemeFlows f = lane(rs.flows[r], l);
    const RegionTransfers& tr = rs.transfers[r];
    rec.at(o.population, t) = rs.population[r][l];
    rec.at(o.contributors, t) = f.contributors;
    rec.at(o.pensioners, t) = f.pensioners;
    rec.at(o.support_ratio, t) = f.contributors > 0 ? f.pensioners / f.contributors : 0.0;
    rec.at(o.average_wage, t) = f.average_wage;
    const double surplus = f.income() - f.expenditure();
    rec.at(o.net_cash_flow, t) = surplus;
    rec.at(o.adjustment, t) = y.adjustment[r];
    rec.at(o.transfers, t) = tr.accounts_in[l] - tr.accounts_out[l] + tr.pooled_in[l] - tr.pooled_out[l];
    rec.at(o.backstop, t) = y.backstop[r];
    rec.at(o.balance, t) = s.balance[r];
    rec.at(o.balance_real, t) = s.balance[r] / cpi;
    const double benefits = f.benefits();
    rec.at(o.months, t) = benefits > 0 ? 12.0 * s.balance[r] / benefits : 0.0;
    if (surplus < 0) in_deficit += 1;
    const bool region_depleted = s.depletion[r] <= year;
    rec.at(o.depleted, t) = region_depleted ? 1.0 : 0.0;
    if (region_depleted) depleted += 1;
    migrants += tr.people_out[l];
    moved += tr.accounts_out[l] + tr.pooled_out[l];
    if (y.adjustment[r] > 0) net_adjustment += y.adjustment[r];
    kept += s.kept[r];
  }
  rec.at(regime_, t) = static_cast<double>(static_cast<int>(p_.pooling.at(year)));
  rec.at(in_deficit_, t) = in_deficit;
  rec.at(depleted_, t) = depleted;
  rec.at(first_depletion_, t) = depleted > 0 ? 1.0 : 0.0;
  rec.at(adjustment_size_, t) = y.levy;
  rec.at(net_adjustment_, t) = net_adjustment;
  rec.at(migrants_, t) = migrants;
  rec.at(pooled_transfers_, t) = moved;
  double local = p_.pooling.local_share * national_backstop;
  if (y.regional) {
    local = 0;
    for (std::size_t r = 0; r < n; ++r) local += p_.regions[r].local_share * y.backstop[r];
  }
  rec.at(backstop_local_, t) = local;
  rec.at(backstop_central_, t) = national_backstop - local;
  rec.at(kept_, t) = kept;
}

void PoolingModel::finish(const PoolingState& s, PathRecord& rec) const {
  if (!outputs_) return;
  for (std::size_t r = 0; r < slots_.size(); ++r) rec.scalars[slots_[r].depletion] = s.depletion[r];
}

}  // namespace pfsim
