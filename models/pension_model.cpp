#include "models/pension_model.h"

#include <cmath>

#include "core/error.h"

namespace pfsim {

PensionModel::PensionModel(const ModelParams& params)
    : p_(params),
      economy_(params.economy, params.start_year, params.end_year),
      demography_(params.demography, params.start_year, params.end_year),
      regions_(p_, demography_),
      funds_(params, outputs_),
      pooling_(p_, regions_, outputs_),
      valuation_(params, funds_.initial_assets(), outputs_),
      performance_(params, outputs_),
      scheme_outputs_(outputs_),
      economy_outputs_(params.economy, outputs_),
      population_(demography_, params.pyramid_years, outputs_),
      parameters_(params, outputs_),
      workers_(p_, demography_, outputs_),
      gdp_(p_, demography_, outputs_),
      residents_(p_, demography_, regions_, outputs_),
      annuities_(p_, regions_, outputs_) {
  population_.register_pyramids(outputs_);
  // The pensions in payment before the first year: what a dynamic strategy
  // knows of the benefits on 1 January of start_year.
  double benefits = 0;
  for (int r = 0; r < regions_.count(); ++r)
    benefits += regions_.scheme(r).calibration().pensioners * regions_.scheme(r).params().calib_average_pension;
  funds_.set_first_benefits(benefits);
}

void PensionModel::prepare(Workspace& ws, PathRecord& rec) const {
  auto size = [&](PathRecord& r) {
    r.years = years();
    r.year_values.assign(year_metrics().size() * static_cast<std::size_t>(years()), 0.0);
    r.scalars.assign(scalar_metrics().size(), 0.0);
  };
  size(rec);
  for (auto& r : ws.records) size(r);
  for (auto& s : ws.performance) performance_.prepare(s);
}

void PensionModel::simulate(std::uint64_t seed, std::uint64_t path, bool central, Workspace& ws,
                            PathRecord& rec) const {
  std::array<std::uint64_t, kLanes> paths;
  paths.fill(path);
  simulate(seed, paths, central, ws, ws.records);
  rec = ws.records[0];
}

PathRecord PensionModel::central_path() const {
  Workspace ws;
  PathRecord rec;
  prepare(ws, rec);
  simulate(0, 0, true, ws, rec);
  return rec;
}

void PensionModel::start(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central,
                         Workspace& ws) const {
  for (int l = 0; l < kLanes; ++l) {
    const auto lu = static_cast<std::size_t>(l);
    economy_.simulate(seed, paths[lu], central, ws.economy[lu]);
    economy_outputs_.start(ws.prices[lu]);
    funds_.start(ws.funds[lu]);
    valuation_.start(ws.valuation[lu]);
    performance_.start(ws.performance[lu]);
    if (!workers_.empty()) workers_.start(ws.workers[lu]);
    if (!gdp_.empty()) gdp_.start(ws.gdp[lu]);
    if (!annuities_.empty()) annuities_.start(ws.annuities[lu]);
  }
  if (!residents_.empty()) residents_.start(ws.residents);
  demography_.start(ws.demography);
  regions_.start(ws.demography, ws.regions);
  for (auto& s : ws.pooling) pooling_.start(s);
}

SchemeEconomyLanes PensionModel::scheme_economy(int t, Workspace& ws, std::array<EconomyYear, kLanes>& econ,
                                                std::array<FundReturns, kLanes>& returns) const {
  SchemeEconomyLanes se;
  for (int l = 0; l < kLanes; ++l) {
    const auto lu = static_cast<std::size_t>(l);
    econ[lu] = economy_outputs_.year(ws.economy[lu], t);
    returns[lu] = funds_.returns(t, econ[lu].ez, ws.funds[lu]);
    se.wage_growth[l] = econ[lu].wage_growth;
    se.inflation[l] = econ[lu].inflation;
    se.prev_wage_growth[l] = ws.prices[lu].prev_wage_growth;
    se.prev_inflation[l] = ws.prices[lu].prev_inflation;
    se.fund_return[l] = returns[lu].account - 1;
  }
  se.wage_factor = splat(1.0);
  return se;
}

void PensionModel::simulate(std::uint64_t seed, const std::array<std::uint64_t, kLanes>& paths, bool central,
                            Workspace& ws, std::array<PathRecord, kLanes>& recs) const {
  start(seed, paths, central, ws);
  std::array<EconomyYear, kLanes> econ;
  std::array<FundReturns, kLanes> returns;
  for (int t = 0; t < years(); ++t) {
    const int year = p_.start_year + t;
    // The cohort parts, kLanes paths at a time: demography, then the scheme
    // on the population of 1 January of y and y + 1.
    const SchemeEconomyLanes se = scheme_economy(t, ws, econ, returns);
    demography_.rates(seed, paths, central, year, ws.demography);
    regions_.step(seed, paths, central, year, se, ws.demography, ws.regions, ws.flows);
    if (!residents_.empty()) {
      ResidentsYear ry;
      for (int l = 0; l < kLanes; ++l) ry.gross_return[l] = residents_.fund_return(t, econ[static_cast<std::size_t>(l)].ez);
      ry.prev_inflation = se.prev_inflation;
      ry.prev_wage_growth = se.prev_wage_growth;
      ry.wage = ws.flows.average_wage;
      residents_.step(t, year, ry, ws.demography, ws.regions, ws.residents);
    }
    const PopulationTotals population = population_.totals(ws.demography);
    // The parts that run per path: funds, valuation, performance, metrics.
    for (int l = 0; l < kLanes; ++l) {
      const auto lu = static_cast<std::size_t>(l);
      lane_year(t, paths[lu], l, econ[lu], returns[lu], population, ws, recs[lu]);
    }
    DemographyModel::advance(ws.demography);
    RegionsModel::advance(ws.regions);
    ResidentsModel::advance(ws.residents);
  }
  for (int l = 0; l < kLanes; ++l) finish(ws, l, recs[static_cast<std::size_t>(l)]);
}

void PensionModel::lane_year(int t, std::uint64_t path, int l, const EconomyYear& econ, const FundReturns& returns,
                             const PopulationTotals& population, Workspace& ws, PathRecord& rec) const {
  const int year = p_.start_year + t;
  const auto lu = static_cast<std::size_t>(l);
  PriceState& prices = ws.prices[lu];
  FundsState& funds = ws.funds[lu];
  prices.cpi *= 1 + econ.inflation;
  const SchemeFlows f = lane(ws.flows, l);

  PoolingState& pooling = ws.pooling[lu];
  PoolingYear& py = ws.pooling_year;
  pooling_.step(t, year, l, ws.regions, returns.basic, returns.debt, pooling, py);
  if (!py.regional && py.withdrawn != 0) {  // balances the regions keep at the switch to national pooling
    funds.balance -= py.withdrawn;
    funds.shadow -= py.withdrawn;
  }
  const FundsYearResult fy = funds_.step(t, year, econ.ez, returns, f, funds, py.regional ? &py.basic : nullptr);
  if (!py.regional) pooling_.after_national(year, fy.basic.before_floor < 0, pooling);
  valuation_.step(t, f, fy.reserve_inflow, fy.basic.backstop, returns.basic, ws.valuation[lu]);
  // The fund holds assets in year t unless it was depleted in an earlier year.
  performance_.step(t, returns.basic, returns.benchmark, econ.inflation, prices.cpi, econ.wage_growth, f.crediting_rate,
                    funds.depletion >= year, ws.performance[lu]);

  economy_outputs_.record(t, econ, prices.cpi, rec);
  scheme_outputs_.record(t, f, rec);
  funds_.record(t, fy, funds, returns, f, prices.cpi, rec);
  population_.record(t, year, ws.demography, population, l, rec);
  pooling_.record(t, year, l, ws.regions, py, pooling, prices.cpi, fy.basic.backstop, rec);
  double gdp = 0;
  if (!gdp_.empty()) {
    gdp = gdp_.step(year, f.average_wage, population.working[l], ws.gdp[lu]);
    gdp_.record(t, ws.gdp[lu], rec);
  }
  if (!residents_.empty()) {
    residents_.record(t, l, ws.residents, gdp, average_pension(f), rec);
    if (!std::isfinite(ws.residents.flows.fund[l]) || !std::isfinite(ws.residents.flows.local[l]))
      throw SimulationError(path, year, "the residents' scheme became non-finite");
  }
  if (!annuities_.empty()) {
    const double working = f.members + f.new_pensioners;
    annuities_.step(t, year, {f.contributors, working > 0 ? f.new_pensioners / working : 0.0, f.average_wage,
                              f.crediting_rate, econ.ez}, ws.annuities[lu], rec);
    for (const auto& plan : ws.annuities[lu].plan)
      if (!std::isfinite(plan.active) || !std::isfinite(plan.in_payment) || !std::isfinite(plan.notional))
        throw SimulationError(path, year, "an annuity plan's assets became non-finite");
  }
  if (!workers_.empty())
    workers_.step(t, year, {f.average_wage, f.crediting_rate, p_.scheme.account_rate.at(year), econ.ez}, ws.workers[lu]);

  if (!std::isfinite(funds.balance) || !std::isfinite(funds.shadow) || !std::isfinite(f.benefits()) ||
      !std::isfinite(population.total[l]))
    throw SimulationError(path, year, "the fund or population became non-finite");
  prices.prev_wage_growth = econ.wage_growth;
  prices.prev_inflation = econ.inflation;
}

void PensionModel::finish(const Workspace& ws, int l, PathRecord& rec) const {
  const auto lu = static_cast<std::size_t>(l);
  funds_.finish(ws.funds[lu], ws.prices[lu].cpi, rec);
  valuation_.finish(ws.valuation[lu], rec);
  performance_.finish(ws.performance[lu], rec);
  parameters_.record(ws.economy[lu], ws.demography, l, rec);
  pooling_.finish(ws.pooling[lu], rec);
  if (!workers_.empty()) workers_.finish(ws.workers[lu], rec);
  if (!residents_.empty()) residents_.finish(ws.residents, l, rec);
}

}  // namespace pfsim
