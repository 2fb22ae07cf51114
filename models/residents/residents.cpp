#include "models/residents/residents.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "models/units.h"

namespace pfsim {

namespace {
using units::kMoney;
}  // namespace

int ResidentsModel::contribution_years(int born) const {
  // Contributions in the years in which the cohort reaches ages first_age to
  // pension_age, from the launch; at least min_years for those who reach
  // pension_age after the launch (they may pay back), none for those who
  // reached it before (they draw the basic pension without contributing).
  const int last = born + p_.pension_age;
  if (last < p_.launch_year) return 0;
  const int n = last - std::max(p_.launch_year, born + p_.first_age) + 1;
  return std::max(n, p_.min_years);
}

int ResidentsModel::bonus_years(int born) const { return std::max(0, contribution_years(born) - p_.min_years); }

ResidentsModel::ResidentsModel(const ModelParams& params, const DemographyModel& demography,
                               const RegionsModel& regions, OutputRegistry& o)
    : p_(params.residents), regions_(&regions), start_year_(params.start_year),
      base_wage_(params.scheme.average_wage_base) {
  if (!p_.on) return;
  strategy_ = StrategyModel(p_.strategy, params.start_year, params.end_year);
  for (std::size_t g = 0; g < p_.grades.size(); ++g) {
    mean_grade_ += p_.grade_shares[g] * p_.grades[g];
    if (p_.grades[g] >= p_.subsidy_high_from) high_share_ += p_.grade_shares[g];
  }
  const auto& pop = demography.initial_population();
  ages_ = static_cast<int>(pop[0].size());
  const auto n = static_cast<std::size_t>(ages_);
  std::array<std::vector<double>, 2> employees;
  regions.initial_employees(employees);

  // Calibration on 1 January of start_year: the residents outside the
  // employees' scheme; of them a share of working age (not in education)
  // participates, a share from pension_age draws a pension.
  std::array<std::vector<double>, 2> outside;
  double working = 0, old = 0;
  for (int x = 0; x < 2; ++x) {
    const auto xs = static_cast<std::size_t>(x);
    outside[xs].assign(n, 0.0);
    for (int a = 0; a < ages_; ++a) {
      const auto i = static_cast<std::size_t>(a);
      outside[xs][i] = std::max(0.0, pop[xs][i] - employees[xs][i]);
      if (a >= p_.pension_age) old += outside[xs][i];
      else if (a >= p_.first_age) working += student_factor(a) * outside[xs][i];
    }
  }
  const double contributors = p_.calib_participants - p_.calib_beneficiaries;
  calib_.beneficiary_share = old > 0 ? p_.calib_beneficiaries / old : 2.0;
  calib_.participation = working > 0 ? contributors / working : 2.0;
  if (calib_.beneficiary_share > 1)
    throw InputError(p_.calib_origin, "residents.beneficiaries",
                     fmt::format("{:.6g} beneficiaries exceed the {:.6g} residents aged {} and over outside the "
                                 "employees' scheme on 1 January {}", p_.calib_beneficiaries, old, p_.pension_age,
                                 start_year_));
  if (calib_.participation > 1)
    throw InputError(p_.calib_origin, "residents.participants",
                     fmt::format("{:.6g} participants of working age (participants - beneficiaries) exceed the {:.6g} "
                                 "residents aged {}-{} outside the employees' scheme and not in education on 1 January {}",
                                 contributors, working, p_.first_age, p_.pension_age - 1, start_year_));

  // The accounts' history before start_year, per head, at h yuan a year:
  // participants' balances, and beneficiaries' account pensions and
  // remaining balances.
  const double g = 1 + p_.history_return, hg = std::sqrt(g);
  const double h = p_.history_contribution;
  // The year of reaching first_age counts half (the entrants' mean of the
  // two stocks), as in the projection; the year of reaching pension_age a
  // whole year.
  const auto balance_of = [&](int born, int through) {
    double b = 0;
    for (int u = std::max(p_.launch_year, born + p_.first_age); u <= through; ++u)
      b = b * g + (u == born + p_.first_age ? 0.5 : 1.0) * h * hg;
    return b;
  };
  for (auto* v : {&initial_participants_, &initial_beneficiaries_, &initial_balance_, &initial_pension_,
                  &initial_remaining_})
    for (auto& row : *v) row.assign(n, 0.0);
  for (int x = 0; x < 2; ++x) {
    const auto xs = static_cast<std::size_t>(x);
    for (int a = 0; a < ages_; ++a) {
      const auto i = static_cast<std::size_t>(a);
      const int born = start_year_ - a - 1;  // aged a on 1 January of start_year
      if (a >= p_.pension_age) {
        const double count = calib_.beneficiary_share * outside[xs][i];
        initial_beneficiaries_[xs][i] = count;
        const int award = born + p_.pension_age;  // awarded at the end of this year
        double remaining = award >= p_.launch_year ? balance_of(born, award) : 0.0;
        const double pension = 12 * remaining / p_.divisor;
        for (int u = award + 1; u < start_year_; ++u) remaining = std::max(0.0, remaining * g - pension * hg);
        initial_pension_[xs][i] = count * pension;
        initial_remaining_[xs][i] = count * remaining;
      } else if (a >= p_.first_age) {
        const double count = calib_.participation * student_factor(a) * outside[xs][i];
        initial_participants_[xs][i] = count;
        initial_balance_[xs][i] = count * balance_of(born, start_year_ - 1);
      }
      calib_.participants += initial_participants_[xs][i] + initial_beneficiaries_[xs][i];
      calib_.beneficiaries += initial_beneficiaries_[xs][i];
      calib_.fund += initial_balance_[xs][i] + initial_remaining_[xs][i];
    }
  }
  calib_.history_contribution = h;
  if (p_.calib_fund >= 0 && !(p_.calib_fund == 0 && calib_.fund == 0)) {
    if (!(calib_.fund > 0))
      throw InputError(p_.fund_origin, "residents.fund",
                       fmt::format("no history to spread a starting fund over: no contributions between launch_year {} "
                                   "and start_year {}", p_.launch_year, start_year_));
    // Every balance is linear and positively homogeneous in h.
    const double scale = p_.calib_fund / calib_.fund;
    for (auto* v : {&initial_balance_, &initial_pension_, &initial_remaining_})
      for (auto& row : *v)
        for (double& b : row) b *= scale;
    calib_.history_contribution = h * scale;
    calib_.fund = p_.calib_fund;
  }

  const int years = params.years();
  bonus_.assign(static_cast<std::size_t>(years) * n, 0.0);
  for (int t = 0; t < years; ++t)
    for (int a = p_.pension_age; a < ages_; ++a)
      bonus_[static_cast<std::size_t>(t) * n + static_cast<std::size_t>(a)] = bonus_years(start_year_ + t - a - 1);

  participants_ = o.year("residents_participants", "persons",
                         "residents' scheme participants at 31 December: of working age, and beneficiaries");
  contributors_ = o.year("residents_contributors", "persons",
                         "residents' scheme participants of working age who pay, at 31 December");
  beneficiaries_ = o.year("residents_beneficiaries", "persons", "residents' scheme pensioners at 31 December");
  contributions_ = o.year("residents_contributions", kMoney, "residents' contributions by grade into their accounts");
  subsidies_ = o.year("residents_subsidies", kMoney, "government contribution subsidies into the residents' accounts");
  basic_ = o.year("residents_basic_benefits", kMoney,
                  "residents' basic pensions paid by budgets: central minimum, local top-up, long-contribution bonus");
  account_ = o.year("residents_account_benefits", kMoney,
                    "residents' account pensions, including those paid by local budgets after the balance ran out");
  overdraft_ = o.year("residents_overdraft", kMoney, "residents' account pensions paid by local budgets after the balance ran out");
  refunds_ = o.year("residents_refunds", kMoney, "account balances of residents who died, paid to heirs");
  transfers_ = o.year("residents_transfers_out", kMoney,
                      "account balances of participants who joined the employees' scheme, moved with them");
  fund_ = o.year("residents_fund", kMoney, "the residents' accounts fund at 31 December");
  central_ = o.year("residents_central_cost", kMoney, "central budget: its share of the central minimum pension");
  local_ = o.year("residents_local_cost", kMoney,
                  "local budgets: the rest of the minimum, top-ups, bonuses, contribution subsidies, account overdraft");
  flow_slots_ = {{participants_, &ResidentsFlows::participants}, {contributors_, &ResidentsFlows::contributors},
                 {beneficiaries_, &ResidentsFlows::beneficiaries}, {contributions_, &ResidentsFlows::contributions},
                 {subsidies_, &ResidentsFlows::subsidies},         {basic_, &ResidentsFlows::basic},
                 {account_, &ResidentsFlows::account},             {overdraft_, &ResidentsFlows::overdraft},
                 {refunds_, &ResidentsFlows::refunds},             {transfers_, &ResidentsFlows::transfers_out},
                 {fund_, &ResidentsFlows::fund},                   {central_, &ResidentsFlows::central},
                 {local_, &ResidentsFlows::local}};
  cost_gdp_ = o.year("residents_cost_gdp", "share", "(residents_central_cost + residents_local_cost) / gdp");
  minimum_ = o.year("residents_minimum", kMoney, "central minimum basic pension per person and month in force");
  average_ = o.year("residents_average_benefit", kMoney, "residents' pensions (basic and account) per beneficiary and month");
  ratio_ = o.year("residents_benefit_ratio", "ratio",
                  "residents' pension per beneficiary-year / the employees' scheme's average_pension");
  if (p_.member) {
    const std::string who = fmt::format("a member at grade {:g} from {} to {}, pension age in {}", p_.member_grade,
                                        p_.member_first, p_.member_retire - 1, p_.member_retire);
    member_basic_ = o.scalar("residents_member_basic", kMoney, "first month's basic pension (minimum, top-up, bonus); " + who);
    member_account_ = o.scalar("residents_member_account", kMoney, "first month's account pension (balance / divisor); " + who);
    member_pension_ = o.scalar("residents_member_pension", kMoney, "first month's pension, basic and account; " + who);
    member_replacement_ = o.scalar("residents_member_replacement", "share",
                                   "12 x residents_member_pension / the average wage of the year before; " + who);
  }
}

void ResidentsModel::start(ResidentsState& s) const {
  const auto n = static_cast<std::size_t>(ages_);
  auto spread = [&](const std::vector<double>& v, std::vector<Lane>& out) {
    out.resize(n);
    for (std::size_t a = 0; a < n; ++a) out[a] = splat(v[a]);
  };
  for (std::size_t x = 0; x < 2; ++x) {
    spread(initial_participants_[x], s.participants[x]);
    spread(initial_beneficiaries_[x], s.beneficiaries[x]);
    spread(initial_balance_[x], s.balance[x]);
    spread(initial_pension_[x], s.pension[x]);
    spread(initial_remaining_[x], s.remaining[x]);
    for (auto* v : {&s.next_participants, &s.next_beneficiaries, &s.next_balance, &s.next_pension, &s.next_remaining})
      (*v)[x].assign(n, splat(0.0));
  }
  s.minimum = splat(p_.minimum.at(start_year_));
  s.top_up = splat(p_.top_up.at(start_year_));
  s.prev_wage = splat(base_wage_);
  s.flows = ResidentsFlows{};
  s.member_balance = s.member_basic = s.member_account = s.member_replacement = splat(0.0);
}

void ResidentsModel::advance(ResidentsState& s) {
  std::swap(s.participants, s.next_participants);
  std::swap(s.beneficiaries, s.next_beneficiaries);
  std::swap(s.balance, s.next_balance);
  std::swap(s.pension, s.next_pension);
  std::swap(s.remaining, s.next_remaining);
}

void ResidentsModel::step(int t, int year, const ResidentsYear& in, const DemographyState& national,
                          const RegionsState& regions, ResidentsState& s) const {
  const Lane zero = splat(0.0);
  const int w = ages_ - 1;
  const auto n = static_cast<std::size_t>(ages_);
  regions_->employees_at_year_end(t, national, regions, s.employees);

  // January: the minimum and the top-up by their paths to the last point (a constant: its level in
  // start_year), then by the rule.
  if (year <= std::max(p_.minimum.points().back().first, start_year_)) {
    s.minimum = splat(p_.minimum.at(year));
    s.top_up = splat(p_.top_up.at(year));
  } else {
    // Never cut in nominal terms (D8.7).
    const Lane f = lane_max(1 + p_.index_prices * in.prev_inflation + p_.index_wages * in.prev_wage_growth, splat(1.0));
    s.minimum *= f;
    s.top_up *= f;
  }
  const Lane index = p_.grades_wage_indexed ? s.prev_wage / base_wage_ : splat(1.0);
  const double subsidy = p_.subsidy.at(year), subsidy_high = p_.subsidy_high.at(year);
  const Lane contribution = mean_grade_ * index;
  const Lane subsidy_mean = ((1 - high_share_) * subsidy + high_share_ * subsidy_high) * index;
  const Lane g = lane_max(in.gross_return, zero), hg = lane_sqrt(g);

  ResidentsFlows f{};  // every Lane zero
  Lane bonus_exposure = zero;
  const double* bonus = &bonus_[static_cast<std::size_t>(t) * n];
  for (std::size_t x = 0; x < 2; ++x) {
    const auto& next = national.next[x];
    const auto& survival = national.survival[x];
    auto& np = s.next_participants[x];
    auto& nb = s.next_beneficiaries[x];
    // Year-end stocks: shares of those outside the employees' scheme.
    for (int j = 0; j <= w; ++j) {
      const auto i = static_cast<std::size_t>(j);
      const Lane outside = lane_max(next[i] - s.employees[x][i], zero);
      np[i] = j >= p_.first_age && j < p_.pension_age ? calib_.participation * student_factor(j) * outside : zero;
      nb[i] = j >= p_.pension_age ? calib_.beneficiary_share * outside : zero;
      s.next_balance[x][i] = s.next_pension[x][i] = s.next_remaining[x][i] = zero;
    }
    for (int a = 0; a <= w; ++a) {
      const int j = std::min(a + 1, w);
      if (j < p_.first_age) continue;
      const auto ia = static_cast<std::size_t>(a), ij = static_cast<std::size_t>(j);
      if (j <= p_.pension_age) {
        // Participants of working age: contributions mid-year on the mean of
        // the two stocks (the cohort reaching pension_age for the whole
        // year, D8.2), deaths refunded mid-year, the balances of those who
        // joined the employees' scheme moved with them at year end.
        const Lane start = s.participants[x][ia];
        const Lane end = np[ij];
        const Lane exposure = p_.contribution_density * (j < p_.pension_age ? 0.5 * (start + end) : start);
        const Lane paid = contribution * exposure, sub = subsidy_mean * exposure;
        f.contributions += paid;
        f.subsidies += sub;
        const Lane death = 1 - survival[ij];
        const Lane balance = s.balance[x][ia];
        f.refunds += balance * death * hg;
        const Lane grown = balance * (1 - death) * g + (paid + sub) * hg;
        if (j < p_.pension_age) {
          const Lane expected = start * (1 - death);
          const Lane moved = lane_max(expected - end, zero);
          const Lane share = select(expected > 0, moved / expected, zero);
          f.transfers_out += grown * share;
          s.next_balance[x][ij] = grown - grown * share;
        } else {
          // Reaching pension_age: the account pension is awarded at year end.
          s.next_pension[x][ij] = 12 * grown / p_.divisor;
          s.next_remaining[x][ij] = grown;
        }
        continue;
      }
      // Beneficiaries: account pensions paid from the balance while it
      // lasts, then by local budgets; the basic pension on the mean of the
      // two stocks (the open group's end stock split by the start stocks).
      const Lane survive = survival[ij];
      const Lane pension = s.pension[x][ia], remaining = s.remaining[x][ia];
      const Lane paid = pension * 0.5 * (1 + survive);
      f.refunds += remaining * (1 - survive) * hg;
      const Lane from_fund = lane_min(paid, lane_max(remaining * survive * hg, zero));
      f.account += paid;
      f.overdraft += paid - from_fund;
      s.next_pension[x][ij] += pension * survive;
      s.next_remaining[x][ij] += lane_max(remaining * survive * g - from_fund * hg, zero);
      Lane end = nb[ij];
      if (j == w) {
        const Lane total = s.beneficiaries[x][static_cast<std::size_t>(w - 1)] + s.beneficiaries[x][static_cast<std::size_t>(w)];
        end = select(total > 0, end * s.beneficiaries[x][ia] / total, zero);
      }
      const Lane exposure = 0.5 * (s.beneficiaries[x][ia] + end);
      f.beneficiary_years += exposure;
      bonus_exposure += bonus[ia] * exposure;
    }
    for (std::size_t i = 0; i < n; ++i) {
      f.participants += np[i] + nb[i];
      f.contributors += p_.contribution_density * np[i];
      f.beneficiaries += nb[i];
      f.fund += s.next_balance[x][i] + s.next_remaining[x][i];
    }
  }
  const Lane minimum_paid = 12 * s.minimum * f.beneficiary_years;
  f.basic = minimum_paid + 12 * s.top_up * f.beneficiary_years + 12 * p_.bonus_per_year * bonus_exposure;
  f.central = p_.central_share * minimum_paid;
  f.local = f.basic - f.central + f.subsidies + f.overdraft;
  s.flows = f;

  if (p_.member) {
    if (year >= p_.member_first && year < p_.member_retire) {
      const double sub = p_.member_grade >= p_.subsidy_high_from ? subsidy_high : subsidy;
      s.member_balance = s.member_balance * g + (p_.member_grade + sub) * index * hg;
    } else if (year == p_.member_retire) {
      const int years = p_.member_retire - p_.member_first;
      const bool eligible = years >= p_.min_years;
      s.member_basic = eligible ? s.minimum + s.top_up + p_.bonus_per_year * (years - p_.min_years) : zero;
      s.member_account = eligible ? s.member_balance / p_.divisor : zero;
      s.member_replacement = 12 * (s.member_basic + s.member_account) / s.prev_wage;
    }
  }
  s.prev_wage = in.wage;
}

void ResidentsModel::record(int t, int l, const ResidentsState& s, double gdp, double employees_pension,
                            PathRecord& rec) const {
  const ResidentsFlows& f = s.flows;
  for (const auto& [slot, field] : flow_slots_) rec.at(slot, t) = (f.*field)[l];
  rec.at(cost_gdp_, t) = (f.central[l] + f.local[l]) / gdp;
  rec.at(minimum_, t) = s.minimum[l];
  const double years = f.beneficiary_years[l];
  const double per_year = years > 0 ? (f.basic[l] + f.account[l]) / years : 0.0;
  rec.at(average_, t) = per_year / 12;
  rec.at(ratio_, t) = employees_pension > 0 ? per_year / employees_pension : 0.0;
}

void ResidentsModel::finish(const ResidentsState& s, int l, PathRecord& rec) const {
  if (!p_.member) return;
  rec.scalars[member_basic_] = s.member_basic[l];
  rec.scalars[member_account_] = s.member_account[l];
  rec.scalars[member_pension_] = s.member_basic[l] + s.member_account[l];
  rec.scalars[member_replacement_] = s.member_replacement[l];
}

}  // namespace pfsim
