#include "models/pension_model.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "core/error.h"

namespace pfsim {

namespace {
const char* kMoney = "currency units (nominal)";

std::vector<MetricSpec> fixed_year_metrics() {
  std::vector<MetricSpec> m(kYearMetricCount);
  auto set = [&](YearMetric k, const char* name, const char* unit, const char* what) { m[k] = {name, unit, what}; };
  set(kFundBalance, "fund_balance", kMoney, "basic pension fund balance at 31 December, after any backstop transfer");
  set(kFundBalanceReal, "fund_balance_real", "currency units of the start year", "fund_balance / CPI (CPI = 1 in the year before start_year)");
  set(kShadowBalanceReal, "shadow_balance_real", "currency units of the start year", "real balance of the same fund run without the backstop (may be negative)");
  set(kMonthsCovered, "months_covered", "months", "12 x fund_balance / benefits of the year");
  set(kIncome, "income", kMoney, "contributions plus the subsidy rule (not investment income, not the backstop)");
  set(kExpenditure, "expenditure", kMoney, "benefits + refunds + transfers out + administrative costs");
  set(kSurplus, "surplus", kMoney, "income - expenditure");
  set(kContributionsPooling, "contributions_pooling", kMoney, "pooling contributions (employers)");
  set(kContributionsAccount, "contributions_account", kMoney, "personal account contributions (individuals)");
  set(kSubsidy, "subsidy", kMoney, "fiscal subsidy by its rule");
  set(kBackstop, "backstop", kMoney, "transfer that lifts the balance to its floor at year end");
  set(kBenefitsBasic, "benefits_basic", kMoney, "basic pensions paid (pooling), indexed");
  set(kBenefitsTransitional, "benefits_transitional", kMoney, "transitional pensions for pre-1997 service paid (pooling), indexed");
  set(kBenefitsAccount, "benefits_account", kMoney, "account pensions paid, including the overdraft");
  set(kOverdraft, "overdraft", kMoney, "account pensions paid by pooling after the balance ran out");
  set(kRefunds, "refunds", kMoney, "account balances of members and pensioners who died, paid to heirs");
  set(kTransfersOut, "transfers_out", kMoney, "account balances refunded to retirees without the minimum contribution years");
  set(kAdminCosts, "admin_costs", kMoney, "administrative costs");
  set(kContributors, "contributors", "persons", "contributors at 31 December");
  set(kMembers, "members", "persons", "insured members of working status at 31 December");
  set(kPensioners, "pensioners", "persons", "pensioners at 31 December");
  set(kNewPensioners, "new_pensioners", "persons", "pensions awarded during the year");
  set(kSystemDependency, "system_dependency", "ratio", "pensioners / contributors at 31 December");
  set(kReplacementRate, "replacement_rate", "ratio", "average pension in payment / average wage of the year");
  set(kAveragePension, "average_pension", kMoney, "benefits / pensioner-years");
  set(kAccountLiability, "account_liability", kMoney, "members' and pensioners' personal account balances at 31 December");
  set(kEmptyAccountGap, "empty_account_gap", kMoney, "account liability minus the assets that back it (notional accounts: all of it)");
  set(kBurdenEmployers, "burden_employers", "share", "pooling contributions / (contributions + subsidy + backstop)");
  set(kBurdenIndividuals, "burden_individuals", "share", "account contributions / (contributions + subsidy + backstop)");
  set(kBurdenState, "burden_state", "share", "(subsidy + backstop) / (contributions + subsidy + backstop)");
  set(kReserveBalance, "reserve_balance", kMoney, "strategic reserve balance at 31 December (0 without a reserve)");
  set(kReserveTransfer, "reserve_transfer", kMoney, "transfer from the strategic reserve to the basic fund at year end");
  set(kAccountFundBalance, "account_fund_balance", kMoney, "invested personal-account fund at 31 December (0 for notional accounts)");
  set(kPortfolioReturn, "portfolio_return", "rate", "basic fund's return R_y, net of fees");
  set(kBenchmarkReturn, "benchmark_return", "rate", "policy benchmark portfolio's return (0 without a benchmark)");
  set(kCpi, "cpi", "index", "consumer price index at year end, 1 at the end of the year before start_year");
  set(kAverageWage, "average_wage", kMoney, "social average wage of the year");
  set(kInflation, "inflation", "rate", "CPI_y / CPI_{y-1} - 1");
  set(kRealWageGrowth, "real_wage_growth", "rate", "exp(z_real_wage) - 1");
  set(kNominalWageGrowth, "nominal_wage_growth", "rate", "exp(z_inflation + z_real_wage) - 1");
  set(kIndexation, "indexation", "rate", "increase of pensions in payment in January");
  set(kCreditingRate, "crediting_rate", "rate", "personal account crediting rate");
  set(kPopulation, "population", "persons", "total population at 31 December");
  set(kPopulation0To14, "population_0_14", "persons", "aged 0-14 at 31 December");
  set(kPopulation15To64, "population_15_64", "persons", "aged 15-64 at 31 December");
  set(kPopulation65Plus, "population_65_plus", "persons", "aged 65 and over at 31 December");
  set(kOldAgeDependency, "old_age_dependency", "ratio", "population 65+ / 15-64 at 31 December");
  set(kTfr, "tfr", "children per woman", "total fertility rate of the year");
  set(kBirths, "births", "persons", "births during the year");
  set(kDeaths, "deaths", "persons", "deaths during the year");
  set(kE0Male, "e0_male", "years", "period life expectancy at birth, men");
  set(kE0Female, "e0_female", "years", "period life expectancy at birth, women");
  set(kE60Male, "e60_male", "years", "period life expectancy at 60, men");
  set(kE60Female, "e60_female", "years", "period life expectancy at 60, women");
  return m;
}
}  // namespace

PensionModel::PensionModel(const ModelParams& params)
    : p_(params),
      economy_(params.economy, params.start_year, params.end_year),
      demography_(params.demography, params.start_year, params.end_year),
      scheme_(params.scheme, demography_, params.start_year, params.end_year),
      strategy_(params.basic_fund.strategy, params.start_year, params.end_year) {
  if (!params.basic_fund.benchmark.assets.empty())
    benchmark_ = StrategyModel(params.basic_fund.benchmark, params.start_year, params.end_year);
  if (params.has_reserve) {
    reserve_strategy_ = StrategyModel(params.reserve.strategy, params.start_year, params.end_year);
    reserve_inflow_ = params.reserve.inflow.sample(params.start_year, params.end_year);
  }
  if (params.scheme.funding == AccountFunding::funded)
    account_strategy_ = StrategyModel(params.account_fund.strategy, params.start_year, params.end_year);
  year_metrics_ = fixed_year_metrics();
  for (int k : p_.economy.assets)
    year_metrics_.push_back({"return_" + p_.economy.variables[static_cast<std::size_t>(k)], "rate",
                             "annual total return of the asset class, exp(z) - 1"});
  scalar_metrics_ = {
      {"depletion_year", "year", "first year whose pre-backstop balance is below zero; +inf: never"},
      {"actuarial_balance", "share of PV payroll", "(F0 + PV income - PV cost - PV ending fund of one year's cost) / PV payroll"},
      {"actuarial_balance_no_subsidy", "share of PV payroll", "actuarial balance with income = contributions only"},
      {"pv_backstop", kMoney, "present value at start of backstop transfers, discounted at the fund's return (or run.discount_rate)"},
      {"terminal_real_shadow_balance", "currency units of the start year", "real shadow balance at the end of the horizon"},
      {"max_drawdown", "share", "maximum drawdown of the fund's cumulative real return index"},
      {"tracking_error", "rate", "sd over years of the fund's return minus its benchmark's"},
  };
  horizons_.clear();
  for (int h : p_.return_horizons)
    if (h < p_.years()) horizons_.push_back(h);
  horizons_.push_back(p_.years());
  for (int h : horizons_) {
    const std::string s = std::to_string(h);
    scalar_metrics_.push_back({"return_nominal_" + s + "y", "rate", "annualised nominal fund return over the first " + s + " years"});
    scalar_metrics_.push_back({"return_real_" + s + "y", "rate", "annualised real fund return over the first " + s + " years"});
    scalar_metrics_.push_back({"excess_over_wage_" + s + "y", "rate", "annualised fund return relative to nominal wage growth, first " + s + " years"});
    scalar_metrics_.push_back({"excess_over_crediting_" + s + "y", "rate", "annualised fund return relative to the account crediting rate, first " + s + " years"});
  }
  pyramid_begin_ = scalar_metrics_.size();
  const int ages = demography_.ages();
  for (int y : p_.pyramid_years)
    for (const char* sex : {"male", "female"})
      for (int a = 0; a < ages; ++a)
        scalar_metrics_.push_back({fmt::format("pyramid_{}_{}_{}", y, sex, a), "persons",
                                   fmt::format("{} aged {} at 31 December {}", sex, a, y)});
}

void PensionModel::prepare(Workspace& ws, PathRecord& rec) const {
  auto size = [&](PathRecord& r) {
    r.years = years();
    r.year_values.assign(year_metrics_.size() * static_cast<std::size_t>(years()), 0.0);
    r.scalars.assign(scalar_metrics_.size(), 0.0);
  };
  size(rec);
  for (int l = 0; l < kLanes; ++l) {
    size(ws.records[static_cast<std::size_t>(l)]);
    ws.gross_return[static_cast<std::size_t>(l)].assign(static_cast<std::size_t>(years()), 1.0);
    ws.cpi[static_cast<std::size_t>(l)].assign(static_cast<std::size_t>(years()), 1.0);
  }
}

void PensionModel::simulate(std::uint64_t seed, std::uint64_t path, bool central, Workspace& ws,
                            PathRecord& rec) const {
  std::array<std::uint64_t, kLanes> paths;
  paths.fill(path);
  simulate(seed, paths, central, ws, ws.records);
  rec = ws.records[0];
}

void PensionModel::simulate(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central,
                            Workspace& ws, std::array<PathRecord, kLanes>& recs) const {
  const int H = years();
  const auto& ep = p_.economy;
  const auto& fp = p_.basic_fund;
  const auto& sp = p_.scheme;
  for (int l = 0; l < kLanes; ++l) economy_.simulate(seed, paths[l], central, ws.economy[static_cast<std::size_t>(l)]);
  demography_.start(ws.demography);
  scheme_.start(ws.scheme);

  const bool funded = sp.funding == AccountFunding::funded;
  const bool reserve_on = p_.has_reserve;
  for (auto& st : ws.funds) {
    st = PathFunds{};
    st.balance = st.shadow = fp.initial_balance;
    st.reserve = st.shadow_reserve = reserve_on ? p_.reserve.initial_balance : 0.0;
    st.account_fund = funded ? p_.account_fund.initial_balance : 0.0;
    st.prev_g = std::exp(ep.initial(ep.inflation) + ep.initial(ep.real_wage)) - 1;
    st.prev_pi = std::exp(ep.initial(ep.inflation)) - 1;
    st.depletion = std::numeric_limits<double>::infinity();
  }
  const int w = demography_.params().omega;

  // Per lane and year: the economy's rates.
  struct Rates {
    double pi, g_real, g, gross, bench, debt, account_gross;
  };
  std::array<Rates, kLanes> rates;

  for (int t = 0; t < H; ++t) {
    const int year = p_.start_year + t;
    SchemeEconomyLanes se;
    for (int l = 0; l < kLanes; ++l) {
      const auto lu = static_cast<std::size_t>(l);
      const double* z = &ws.economy[lu].z(t, 0);
      const double* ez = &ws.economy[lu].growth(t, 0);
      Rates& r = rates[lu];
      r.pi = ez[ep.inflation] - 1;
      r.g_real = ez[ep.real_wage] - 1;
      r.g = std::exp(z[ep.inflation] + z[ep.real_wage]) - 1;
      r.gross = strategy_.gross_return(t, ez);
      r.bench = benchmark_.empty() ? 1.0 : benchmark_.gross_return(t, ez);
      r.debt = fp.debt_rate_variable >= 0 ? ez[fp.debt_rate_variable] : 1.0;
      r.account_gross = funded ? account_strategy_.gross_return(t, ez) : r.gross;
      se.wage_growth[l] = r.g;
      se.inflation[l] = r.pi;
      se.prev_wage_growth[l] = ws.funds[lu].prev_g;
      se.prev_inflation[l] = ws.funds[lu].prev_pi;
      se.fund_return[l] = r.account_gross - 1;
    }

    demography_.step(seed, paths, central, year, ws.demography);
    scheme_.step(year, se, ws.demography, ws.scheme, ws.flows);

    // Demographic summaries at 31 December (the stocks of 1 January y + 1).
    const auto& nx = ws.demography.next;
    Lane pops = splat(0.0), youngs = splat(0.0), works = splat(0.0), olds = splat(0.0);
    for (int x = 0; x < 2; ++x)
      for (int a = 0; a <= w; ++a) {
        const Lane v = nx[x][static_cast<std::size_t>(a)];
        pops += v;
        if (a < 15) youngs += v;
        else if (a < 65) works += v;
        else olds += v;
      }

    for (int l = 0; l < kLanes; ++l) {
      const auto lu = static_cast<std::size_t>(l);
      PathFunds& st = ws.funds[lu];
      PathRecord& rec = recs[l];
      const Rates& r = rates[lu];
      const double pi = r.pi, g = r.g, gross = r.gross, bench = r.bench, debt = r.debt, account_gross = r.account_gross;
      const double* ez = &ws.economy[lu].growth(t, 0);
      st.cpi *= 1 + pi;
      const double cpi = st.cpi;
      const SchemeFlows f = lane(ws.flows, l);
      if (t == 0) st.first_wage = f.average_wage;

      const double contributions = f.contributions_pooling + f.contributions_account;
      const double benefits = f.benefits();
      // Notional accounts: everything passes through the basic fund. Funded
      // accounts: the account fund takes account contributions and pays account
      // pensions up to the balances, refunds and transfers out; the basic fund
      // pays the overdraft.
      const double account_outflow = f.benefits_account - f.overdraft + f.refunds + f.transfers_out;
      const double net = funded ? f.contributions_pooling + f.subsidy - f.benefits_pooled() - f.overdraft - f.admin_costs
                                : contributions + f.subsidy - f.expenditure();
      const double floor = sp.backstop_floor_months / 12.0 * benefits;
      FundYear fy = fund_step(st.balance, net, gross, debt, false, 0.0);
      FundYear sh = fund_step(st.shadow, net, gross, debt, false, 0.0);
      double transfer = 0;
      double reserve_inflow = 0;
      if (reserve_on) {
        const auto& rp = p_.reserve;
        const double rg = reserve_strategy_.gross_return(t, ez);
        const double inflow = reserve_inflow_[static_cast<std::size_t>(t)] * (rp.inflow_wage_indexed ? f.average_wage / st.first_wage : 1.0);
        const double target = rp.transfer_below_months / 12.0 * benefits;
        auto reserve_year = [&](double& res, FundYear& basic) {
          res = fund_step(res, inflow, rg, rg, false, 0.0).end;
          double tr = 0;
          if (basic.before_floor < target) tr = std::min(target - basic.before_floor, rp.transfer_max_share * std::max(res, 0.0));
          res -= tr;
          basic.before_floor += tr;
          basic.end = basic.before_floor;
          return tr;
        };
        transfer = reserve_year(st.reserve, fy);
        reserve_inflow = inflow;
        reserve_year(st.shadow_reserve, sh);
      }
      if (sp.backstop && fy.end < floor) {
        fy.backstop = floor - fy.end;
        fy.end = floor;
      }
      if (funded)
        st.account_fund = fund_step(st.account_fund, f.contributions_account - account_outflow, account_gross, account_gross, false, 0.0).end;
      if (fy.before_floor < 0 && !std::isfinite(st.depletion)) st.depletion = year;
      st.balance = fy.end;
      st.shadow = sh.end;

      // Actuarial balance: mid-year flows, discounted at the fund return.
      const double dgross = p_.discount_at_fund_return ? gross : 1 + p_.discount_rate;
      const double mid = st.discount / std::sqrt(dgross);
      st.pv_income += (contributions + f.subsidy) * mid;
      st.pv_reserve_inflow += reserve_inflow * mid;
      st.pv_contrib += contributions * mid;
      st.pv_cost += f.expenditure() * mid;
      st.pv_payroll += f.payroll * mid;
      st.discount /= dgross;
      st.pv_backstop += fy.backstop * st.discount;
      if (t == H - 1) st.last_cost_pv = f.expenditure() * st.discount;

      st.wealth_real *= gross / (1 + pi);
      st.peak = std::max(st.peak, st.wealth_real);
      st.max_dd = std::max(st.max_dd, 1 - st.wealth_real / st.peak);
      const double rel = gross - bench;
      st.te_sum += rel;
      st.te_sum2 += rel * rel;
      ws.gross_return[lu][static_cast<std::size_t>(t)] = gross;
      ws.cpi[lu][static_cast<std::size_t>(t)] = cpi;

      const double pop = pops[l], work = works[l], old = olds[l];
      const double balance = st.balance;
      const double funding = contributions + f.subsidy + fy.backstop;
      auto put = [&](YearMetric m, double v) { rec.at(m, t) = v; };
      put(kFundBalance, balance);
      put(kFundBalanceReal, balance / cpi);
      put(kShadowBalanceReal, st.shadow / cpi);
      put(kMonthsCovered, benefits > 0 ? 12.0 * balance / benefits : 0.0);
      put(kIncome, f.income());
      put(kExpenditure, f.expenditure());
      put(kSurplus, f.income() - f.expenditure());
      put(kContributionsPooling, f.contributions_pooling);
      put(kContributionsAccount, f.contributions_account);
      put(kSubsidy, f.subsidy);
      put(kBackstop, fy.backstop);
      put(kBenefitsBasic, f.benefits_basic);
      put(kBenefitsTransitional, f.benefits_transitional);
      put(kBenefitsAccount, f.benefits_account);
      put(kOverdraft, f.overdraft);
      put(kRefunds, f.refunds);
      put(kTransfersOut, f.transfers_out);
      put(kAdminCosts, f.admin_costs);
      put(kContributors, f.contributors);
      put(kMembers, f.members);
      put(kPensioners, f.pensioners);
      put(kNewPensioners, f.new_pensioners);
      put(kSystemDependency, f.contributors > 0 ? f.pensioners / f.contributors : 0.0);
      const double avg_pension = f.pensioner_years > 0 ? benefits / f.pensioner_years : 0.0;
      put(kAveragePension, avg_pension);
      put(kReplacementRate, f.average_wage > 0 ? avg_pension / f.average_wage : 0.0);
      put(kAccountLiability, f.account_liability);
      put(kEmptyAccountGap, f.account_liability - st.account_fund);
      put(kReserveBalance, st.reserve);
      put(kReserveTransfer, transfer);
      put(kAccountFundBalance, st.account_fund);
      put(kBurdenEmployers, funding > 0 ? f.contributions_pooling / funding : 0.0);
      put(kBurdenIndividuals, funding > 0 ? f.contributions_account / funding : 0.0);
      put(kBurdenState, funding > 0 ? (f.subsidy + fy.backstop) / funding : 0.0);
      put(kPortfolioReturn, gross - 1);
      put(kBenchmarkReturn, bench - 1);
      put(kCpi, cpi);
      put(kAverageWage, f.average_wage);
      put(kInflation, pi);
      put(kRealWageGrowth, r.g_real);
      put(kNominalWageGrowth, g);
      put(kIndexation, f.indexation);
      put(kCreditingRate, f.crediting_rate);
      put(kPopulation, pop);
      put(kPopulation0To14, youngs[l]);
      put(kPopulation15To64, work);
      put(kPopulation65Plus, old);
      put(kOldAgeDependency, work > 0 ? old / work : 0.0);
      put(kTfr, ws.demography.tfr[l]);
      put(kBirths, ws.demography.births[l]);
      put(kDeaths, ws.demography.deaths[l]);
      put(kE0Male, ws.demography.e0[kMale][l]);
      put(kE0Female, ws.demography.e0[kFemale][l]);
      put(kE60Male, ws.demography.e60[kMale][l]);
      put(kE60Female, ws.demography.e60[kFemale][l]);
      for (std::size_t k = 0; k < ep.assets.size(); ++k)
        rec.at(kYearMetricCount + k, t) = ez[ep.assets[k]] - 1;

      if (!std::isfinite(balance) || !std::isfinite(st.shadow) || !std::isfinite(benefits) || !std::isfinite(pop))
        throw SimulationError(paths[l], year, "the fund or population became non-finite");

      for (std::size_t k = 0; k < p_.pyramid_years.size(); ++k)
        if (p_.pyramid_years[k] == year)
          for (int x = 0; x < 2; ++x)
            for (int a = 0; a <= w; ++a)
              rec.scalars[pyramid_begin_ + (k * 2 + static_cast<std::size_t>(x)) * static_cast<std::size_t>(w + 1) + static_cast<std::size_t>(a)] =
                  nx[x][static_cast<std::size_t>(a)][l];
      st.prev_g = g;
      st.prev_pi = pi;
    }
    DemographyModel::advance(ws.demography);
    SchemeModel::advance(ws.scheme);
  }

  for (int l = 0; l < kLanes; ++l) finish_path(ws, l, recs[l]);
}

void PensionModel::finish_path(const Workspace& ws, int l, PathRecord& rec) const {
  const int H = years();
  const auto lu = static_cast<std::size_t>(l);
  const PathFunds& st = ws.funds[lu];
  const auto& fp = p_.basic_fund;
  const bool funded = p_.scheme.funding == AccountFunding::funded;
  const bool reserve_on = p_.has_reserve;
  const double cpi = st.cpi;
  // The system's assets at the start: the basic fund, the reserve and invested accounts.
  const double assets0 = fp.initial_balance + (reserve_on ? p_.reserve.initial_balance : 0.0) +
                         (funded ? p_.account_fund.initial_balance : 0.0);
  rec.scalars[kDepletionYear] = st.depletion;
  rec.scalars[kActuarialBalance] =
      st.pv_payroll > 0 ? (assets0 + st.pv_income + st.pv_reserve_inflow - st.pv_cost - st.last_cost_pv) / st.pv_payroll : 0.0;
  rec.scalars[kActuarialBalanceNoSubsidy] =
      st.pv_payroll > 0 ? (assets0 + st.pv_contrib - st.pv_cost - st.last_cost_pv) / st.pv_payroll : 0.0;
  rec.scalars[kPvBackstop] = st.pv_backstop;
  rec.scalars[kTerminalRealShadowBalance] = st.shadow / cpi;
  rec.scalars[kMaxDrawdown] = st.max_dd;
  rec.scalars[kTrackingError] =
      H > 1 ? std::sqrt(std::max(0.0, (st.te_sum2 - st.te_sum * st.te_sum / H) / (H - 1))) : 0.0;

  // Annualised returns over the first h years.
  for (std::size_t hi = 0; hi < horizons_.size(); ++hi) {
    const int h = horizons_[hi];
    double fund = 1, wage = 1, credit = 1;
    for (int t = 0; t < h; ++t) {
      fund *= ws.gross_return[lu][static_cast<std::size_t>(t)];
      wage *= 1 + rec.at(kNominalWageGrowth, t);
      credit *= 1 + rec.at(kCreditingRate, t);
    }
    const double inv = 1.0 / h;
    rec.scalars[return_scalar(hi, 0)] = std::pow(fund, inv) - 1;
    rec.scalars[return_scalar(hi, 1)] = std::pow(fund / ws.cpi[lu][static_cast<std::size_t>(h - 1)], inv) - 1;
    rec.scalars[return_scalar(hi, 2)] = std::pow(fund / wage, inv) - 1;
    rec.scalars[return_scalar(hi, 3)] = std::pow(fund / credit, inv) - 1;
  }
}

}  // namespace pfsim
