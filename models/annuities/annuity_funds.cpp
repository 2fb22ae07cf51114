#include "models/annuities/annuity_funds.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "models/units.h"

namespace pfsim {

AnnuityFundsModel::AnnuityFundsModel(const ModelParams& params, const RegionsModel& regions, OutputRegistry& o) {
  double contributors = 0;
  for (int r = 0; r < regions.count(); ++r) contributors += regions.scheme(r).calibration().contributors;
  const AnnuityPlanParams* given[kPlans] = {&params.enterprise_annuity, &params.occupational_annuity,
                                            &params.private_pension};
  const char* prefix[kPlans] = {"enterprise_annuity", "occupational_annuity", "private_pension"};
  const char* key[kPlans] = {"enterprise", "occupational", "private"};
  const char* what[kPlans] = {"the enterprise annuity", "the occupational annuity", "the private pension"};
  for (int k = 0; k < kPlans; ++k) {
    PlanModel& m = plans_[static_cast<std::size_t>(k)];
    m.p = *given[k];
    m.on = m.p.on;
    if (!m.on) continue;
    if (!(contributors > 0) || m.p.members > contributors)
      throw InputError(m.p.origin, fmt::format("annuities.{}.members", key[k]),
                       fmt::format("{:.6g} members exceed the employees' scheme's {:.6g} contributors on 1 January {}",
                                   m.p.members, contributors, params.start_year));
    m.strategy = StrategyModel(m.p.strategy, params.start_year, params.end_year);
    m.share = m.p.members / contributors;
    const double base_coverage = m.p.coverage.at(params.start_year);
    for (int y = params.start_year; y <= params.end_year; ++y) {
      m.coverage.push_back(m.p.coverage.at(y) / base_coverage);
      m.funded_rate.push_back(m.p.member.at(y) + m.p.employer_funded * m.p.employer.at(y));
      m.notional_rate.push_back((1 - m.p.employer_funded) * m.p.employer.at(y));
      m.amount.push_back(k == private_pension ? std::min(m.p.amount.at(y), m.p.cap) : 0.0);
    }
    const std::string pre = prefix[k];
    m.members = o.year(pre + "_members", "persons", fmt::format("members of {} at 31 December", what[k]));
    m.assets = o.year(pre + "_assets", units::kMoney,
                      fmt::format("funded assets of {} at 31 December: members' balances and those in payment", what[k]));
    m.contributions = o.year(pre + "_contributions", units::kMoney,
                             k == private_pension ? "contributions to the private pension: the yearly amount, within the cap"
                                                  : fmt::format("funded contributions to {} (employers and members)", what[k]));
    m.benefits = o.year(pre + "_benefits", units::kMoney,
                        k == private_pension ? "private pensions paid, after the tax on withdrawal"
                                             : fmt::format("pensions paid by {}", what[k]));
    if (k == private_pension)
      m.tax = o.year(pre + "_tax", units::kMoney, "tax withheld from private pensions paid (the withdrawal tax)");
    m.returns = o.year(pre + "_return", "rate", fmt::format("return of {}'s assets, net of its fee", what[k]));
    if (k == occupational) {
      m.notional = o.year(pre + "_notional", units::kMoney,
                          "notional employer balances of budget-funded units at 31 December, credited at the basic accounts' rate");
      m.budget = o.year(pre + "_budget", units::kMoney,
                        "budgets' funding of the notional balances of members who retired during the year");
    }
  }
}

void AnnuityFundsModel::start(AnnuityFundsState& s) const {
  for (std::size_t k = 0; k < kPlans; ++k) {
    const PlanModel& m = plans_[k];
    AnnuityPlanState& st = s.plan[k];
    st = AnnuityPlanState{};
    if (!m.on) continue;
    st.members = m.p.members;
    st.in_payment = m.p.benefits * m.p.divisor / 12;
    st.active = m.p.assets - st.in_payment;
    st.notional = m.p.notional;
  }
}

void AnnuityFundsModel::step(int t, int year, const AnnuityYear& in, AnnuityFundsState& s, PathRecord& rec) const {
  (void)year;
  const auto tu = static_cast<std::size_t>(t);
  for (std::size_t k = 0; k < kPlans; ++k) {
    const PlanModel& m = plans_[k];
    if (!m.on) continue;
    AnnuityPlanState& st = s.plan[k];
    const double g = std::max(m.strategy.gross_return(t, in.ez), 0.0), hg = std::sqrt(g);
    // Members: a share of the contributors; contributions mid-year on the
    // mean of the two stocks.
    const double members = m.share * m.coverage[tu] * in.contributors;
    const double exposure = 0.5 * (st.members + members);
    const double base = m.p.wage_ratio * in.average_wage * exposure;
    const double funded = m.funded_rate[tu] * base + m.amount[tu] * exposure, notional = m.notional_rate[tu] * base;
    const double retiring = std::clamp(in.retiring_share * m.p.retiring_ratio, 0.0, 1.0);
    // Members' balances: credited, then the retiring members' part moves to
    // payment at year end; the notional part is funded by budgets then.
    const double active = st.active * g + funded * hg;
    const double moved = active * retiring;
    const double gc = std::max(1 + in.crediting, 0.0);
    const double notional_end = st.notional * gc + notional * std::sqrt(gc);
    const double budget = notional_end * retiring;
    // In payment: 12 / divisor of the balance a year, paid mid-year; never
    // more than the balance holds then (a fall of the assets below
    // (12 / D)^2 with a short divisor).
    const double paid = std::min(st.in_payment * 12 / m.p.divisor, st.in_payment * hg);
    const double in_payment = std::max(0.0, st.in_payment * g - paid * hg) + moved + budget;
    st.members = members;
    st.active = active - moved;
    st.notional = notional_end - budget;
    st.in_payment = in_payment;
    rec.at(m.members, t) = members;
    rec.at(m.assets, t) = st.active + st.in_payment;
    rec.at(m.contributions, t) = funded;
    rec.at(m.benefits, t) = paid * (1 - m.p.tax);
    if (k == private_pension) rec.at(m.tax, t) = paid * m.p.tax;
    rec.at(m.returns, t) = g - 1;
    if (k == occupational) {
      rec.at(m.notional, t) = st.notional;
      rec.at(m.budget, t) = budget;
    }
  }
}

}  // namespace pfsim
