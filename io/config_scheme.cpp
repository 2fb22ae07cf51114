#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "io/config_sections.h"
#include "io/csv.h"

namespace pfsim {

namespace {

RetirementRule read_rule(ConfigTable& r, std::string_view key, double* share) {
  auto t = *r.table(key, true);
  RetirementRule rule;
  const auto old_age = t.number("old_age", Range::between(40, 80));
  rule.old_age_months = static_cast<int>(std::lround(old_age * 12));
  const auto cap = t.number("cap", Range::between(old_age, 80), old_age);
  rule.cap_months = static_cast<int>(std::lround(cap * 12));
  rule.months_per_step = static_cast<int>(t.integer("months_per_step", 0, 120, 0));
  if (rule.months_per_step > 0 || t.has("first_birth")) {
    const auto fb = t.string("first_birth");
    int y = 0, mo = 0;
    if (std::sscanf(fb.c_str(), "%d-%d", &y, &mo) != 2 || mo < 1 || mo > 12 || y < 1900 || y > 2100)
      t.fail("first_birth", fmt::format("\"{}\" is not a birth month; expected \"YYYY-MM\"", fb));
    rule.first_birth_year = y;
    rule.first_birth_month = mo;
  }
  if (share) *share = t.number("share", Range::between(0, 1));
  return rule;
}

}  // namespace

void read_weights(ConfigTable& f, std::string_view key, const ModelParams& m, Strategy& s, const std::string& fund) {
  auto w = *f.table(key, true);
  const auto& e = m.economy;
  for (const auto& k : w.keys()) {
    if (!e.is_asset(k)) {
      std::vector<std::string> assets;
      for (int i : e.assets) assets.push_back(e.variables[static_cast<std::size_t>(i)]);
      std::string all;
      for (const auto& a : assets) all += (all.empty() ? "" : ", ") + a;
      w.fail(k, fmt::format("'{}' is not an asset class of the economy; did you mean '{}'? (asset classes: {})", k,
                            nearest_key(k, {assets.begin(), assets.end()}), all));
    }
    s.assets.push_back(e.index_of(k));
    s.weights.push_back(read_time_path(w, k, Range::between(0, 1), Interpolation::linear));
  }
  if (s.assets.empty()) w.fail_here(fmt::format("fund '{}' needs at least one weight", fund));
  for (int y = m.start_year; y <= m.end_year; ++y) {
    double sum = 0;
    for (const auto& p : s.weights) sum += p.at(y);
    if (std::abs(sum - 1) > 1e-9)
      w.fail_here(fmt::format("fund '{}': the weights sum to {:.10g} in {}, not 1", fund, sum, y));
  }
}

void read_scheme(ConfigTable& top, ModelParams& m) {
  auto s = *top.table("scheme", true);
  auto& p = m.scheme;
  p.average_wage_base = s.number("average_wage", Range::above(0));
  p.compliance = s.number("compliance", {0, 2, true, false});
  p.contribution_density = s.number("contribution_density", {0, 1, true, false}, 1.0);
  p.coverage = read_time_path(s, "coverage", Range::between(0, 10), Interpolation::linear, TimePath(1.0));
  p.pensioner_mortality_multiplier = s.number("pensioner_mortality_multiplier", Range::between(0.1, 3), 1.0);

  auto cal = *s.table("calibration", true);
  p.calib_contributors = cal.number("contributors", Range::above(0));
  p.calib_contributors_origin = cal.where("contributors");
  p.calib_pensioners = cal.number("pensioners", Range::above(0));
  p.calib_average_pension = cal.number("average_pension", Range::above(0));
  p.starting_pensioner_accounts = cal.string("pensioner_accounts", {"rebuilt", "none"}, "rebuilt") == "rebuilt";

  if (auto mem = s.table("members")) {
    p.member_zero_below = static_cast<int>(mem->integer("zero_below", 0, 60, 16));
    p.member_plateau_from = static_cast<int>(mem->integer("plateau_from", p.member_zero_below, 70, 25));
  }

  auto rates = *s.table("contribution_rate", true);
  p.pooling_rate = read_time_path(rates, "pooling", Range::between(0, 1), Interpolation::step);
  p.account_rate = read_time_path(rates, "account", Range::between(0, 1), Interpolation::step);

  auto ret = *s.table("retirement", true);
  p.male = read_rule(ret, "male", nullptr);
  double share_cadre = 0, share_worker = 0;
  p.female_cadre = read_rule(ret, "female_cadre", &share_cadre);
  p.female_worker = read_rule(ret, "female_worker", &share_worker);
  if (std::abs(share_cadre + share_worker - 1) > 1e-9)
    ret.fail("female_worker", fmt::format("the shares of women cadres ({}) and workers ({}) must sum to 1", share_cadre, share_worker));
  p.female_cadre_share = share_cadre;
  p.min_contribution_years = read_time_path(ret, "min_contribution_years", Range::between(0, 50), Interpolation::step, TimePath(15.0));
  p.reference_age_male_months = p.male.old_age_months;
  p.reference_age_female_months = static_cast<int>(std::lround(share_cadre * p.female_cadre.old_age_months +
                                                               share_worker * p.female_worker.old_age_months));

  auto ben = *s.table("benefit", true);
  p.indexed_wage_ratio = ben.number("indexed_wage_ratio", Range::between(0.1, 5));
  auto cy = *ben.table("contribution_years", true);
  p.contribution_years_mean = cy.number("mean", Range::between(0, 60));
  p.contribution_years_sd = cy.number("sd", Range::between(0, 30), 0.0);
  p.award_years_of_eligible = cy.string("award", {"eligible", "all"}, "eligible") == "eligible";
  if (auto tr = ben.table("transitional")) {
    p.transitional_rate = tr->number("rate", Range::between(0, 0.1));
    p.transitional_share = read_time_path(*tr, "share", Range::between(0, 1), Interpolation::linear);
  }
  {
    const auto file = ben.file_path("account_divisors", ben.string("account_divisors"));
    const auto csv = CsvTable::read(file);
    const auto ca = csv.column("age"), cm = csv.column("months");
    for (std::size_t r = 0; r < csv.rows(); ++r) {
      const double months = csv.number(r, cm);
      if (!(months > 0)) throw InputError({file, csv.line(r), 0}, "months", "divisors must be > 0");
      p.divisors[csv.whole(r, ca, 0, 150)] = months;
    }
    if (p.divisors.size() < 2) ben.fail("account_divisors", "the divisor table needs at least two ages");
  }

  auto idx = *s.table("indexation", true);
  if (idx.has("history")) {
    p.indexation_history = read_time_path(idx, "history", Range::between(-0.5, 0.5), Interpolation::step);
    p.indexation_history_last = p.indexation_history.points().back().first;
  } else {
    p.indexation_history_last = m.start_year - 1;
  }
  auto rule = *idx.table("rule", true);
  p.index_wage = rule.number("wage", Range::between(-2, 2), 0.0);
  p.index_price = rule.number("price", Range::between(-2, 2), 0.0);
  p.index_constant = rule.number("constant", Range::between(-0.5, 0.5), 0.0);
  p.index_floor = rule.number("floor", Range::between(-1, 1), -1.0);
  p.index_cap = rule.number("cap", Range::between(p.index_floor, 1), 1.0);

  auto acc = *s.table("accounts", true);
  const auto funding = acc.string("funding", {"notional", "funded"}, "notional");
  p.funding = funding == "funded" ? AccountFunding::funded : AccountFunding::notional;
  auto cr = *acc.table("crediting", true);
  const auto rule_s = cr.string("rule", {"wage_growth", "fixed", "fund_return"});
  p.crediting = rule_s == "fixed" ? CreditingRule::fixed : rule_s == "fund_return" ? CreditingRule::fund_return : CreditingRule::wage_growth;
  if (p.crediting == CreditingRule::fixed) p.crediting_fixed = cr.number("rate", Range::between(-0.5, 0.5));
  else p.crediting_floor = cr.number("floor", Range::between(-1, 1), -1.0);
  auto hist = *acc.table("history", true);
  p.history_account_rate = read_time_path(hist, "rates", Range::between(0, 1), Interpolation::step);
  p.history_crediting = read_time_path(hist, "crediting", Range::between(-0.5, 0.5), Interpolation::step);
  if (hist.has("wage_growth") == hist.has("average_wage"))
    hist.fail(hist.has("wage_growth") ? "average_wage" : "wage_growth",
              "give the wage history once: either wage_growth (nominal growth rates) or average_wage "
              "(a level series such as the NBS average wage, whose growth is used)");
  if (hist.has("wage_growth")) {
    p.history_wage_growth = read_time_path(hist, "wage_growth", Range::between(-0.5, 0.5), Interpolation::step);
  } else {
    p.history_from_levels = true;
    p.history_average_wage = read_time_path(hist, "average_wage", Range::above(0), Interpolation::linear);
    const auto& pts = p.history_average_wage.points();
    const int first = 1997, last = m.start_year - 1;
    if (p.history_average_wage.is_constant() || pts.front().first > first || pts.back().first < last)
      hist.fail("average_wage", fmt::format("the series must cover {} to {} (the personal accounts' history up to start_year - 1); "
                                            "it has {}", first, last,
                                            p.history_average_wage.is_constant()
                                                ? std::string("one value")
                                                : fmt::format("{} to {}", pts.front().first, pts.back().first)));
  }
  p.history_density = hist.number("density", Range::between(0, 1), 1.0);

  auto sub = *s.table("subsidy", true);
  const auto sr = sub.string("rule", {"none", "wage_indexed", "expenditure_share"});
  if (sr == "wage_indexed") {
    p.subsidy = SubsidyRule::wage_indexed;
    p.subsidy_amount = sub.number("amount", Range::at_least(0));
  } else if (sr == "expenditure_share") {
    p.subsidy = SubsidyRule::expenditure_share;
    p.subsidy_share = sub.number("share", Range::between(0, 1));
  } else {
    p.subsidy = SubsidyRule::none;
  }
  p.backstop = sub.boolean("backstop", false);
  p.backstop_floor_months = sub.number("backstop_floor_months", Range::between(0, 600), 0.0);
  p.admin_cost_share = sub.number("admin_cost_share", Range::between(0, 0.5), 0.0);
}

namespace {

// Weights (fixed or glide paths), fee, limits checked in every year, an
// optional benchmark, and the rate charged on a negative balance.
// The index in s.assets of the economy's asset `name`, appended (with a
// zero weight in every year and at every rule point) when the strategy does
// not hold it yet.
std::size_t held_asset(Strategy& s, int var) {
  const auto it = std::find(s.assets.begin(), s.assets.end(), var);
  if (it != s.assets.end()) return static_cast<std::size_t>(it - s.assets.begin());
  s.assets.push_back(var);
  s.weights.emplace_back(0.0);
  for (auto& w : s.rule.weights) w.push_back(0.0);
  return s.assets.size() - 1;
}

// [funds.NAME.rule]: weights as a piecewise-linear function of one state
// of the fund on 1 January (model.md D4.7).
void read_strategy_rule(ConfigTable& t, const ModelParams& m, Strategy& s) {
  auto r = *t.table("rule");
  auto& rule = s.rule;
  rule.on = true;
  const auto state = r.string("state", {"months_covered", "drawdown", "funded_share", "years_to_depletion"});
  rule.state = state == "months_covered" ? RuleState::months_covered
               : state == "drawdown"     ? RuleState::drawdown
               : state == "funded_share" ? RuleState::funded_share
                                         : RuleState::years_to_depletion;
  if (rule.state == RuleState::funded_share) rule.horizon = static_cast<int>(r.integer("horizon", 1, 100));
  else if (r.has("horizon")) r.fail("horizon", "applies to state = \"funded_share\" only");
  const auto* node = r.node("points");
  const auto* points = node ? node->as_array() : nullptr;
  if (!points || points->empty())
    r.fail("points", "required: [[state, { asset = weight, ... }], ...], the state increasing");
  std::vector<std::pair<double, std::vector<std::pair<int, double>>>> read;
  for (std::size_t i = 0; i < points->size(); ++i) {
    const auto& item = *points->get(i);
    const std::string where = fmt::format("{}[{}]", r.key_path("points"), i);
    const auto* pair = item.as_array();
    const auto x = pair && pair->size() == 2 ? as_number(*pair->get(0)) : std::nullopt;
    const auto* weights = pair && pair->size() == 2 ? pair->get(1)->as_table() : nullptr;
    if (!x || !weights) throw InputError(location_of(item), where, "expected [state, { asset = weight, ... }]");
    if (!std::isfinite(*x) || *x < 0 || (rule.state == RuleState::drawdown && *x > 1))
      throw InputError(location_of(item), where,
                       rule.state == RuleState::drawdown ? "the drawdown must be from 0 to 1" : "the state must be 0 or more");
    if (!read.empty() && *x <= read.back().first)
      throw InputError(location_of(item), where, fmt::format("the states must increase strictly ({} follows {})", *x, read.back().first));
    std::vector<std::pair<int, double>> w;
    double sum = 0;
    for (auto&& [k, v] : *weights) {
      const std::string key(k.str());
      const auto value = as_number(v);
      if (!m.economy.is_asset(key))
        throw InputError(location_of(v), where + "." + key, fmt::format("'{}' is not an asset class of the economy", key));
      if (!value || *value < 0 || *value > 1)
        throw InputError(location_of(v), where + "." + key, "a weight must be a number from 0 to 1");
      w.emplace_back(m.economy.index_of(key), *value);
      sum += *value;
    }
    if (std::abs(sum - 1) > 1e-9)
      throw InputError(location_of(item), where, fmt::format("the weights sum to {:.10g}, not 1", sum));
    read.emplace_back(*x, std::move(w));
  }
  for (const auto& [x, w] : read) {
    rule.at.push_back(x);
    rule.weights.emplace_back(s.assets.size(), 0.0);
    for (const auto& [var, value] : w) rule.weights.back()[held_asset(s, var)] = value;
  }
  // The fixed paths are the first point's (not used while the rule is on).
  s.weights.clear();
  for (std::size_t k = 0; k < s.assets.size(); ++k) s.weights.emplace_back(rule.weights.front()[k]);
}

FundParams read_fund(ConfigTable& t, const std::string& name, const ModelParams& m) {
  FundParams f;
  f.name = name;
  f.initial_balance = t.number("initial_balance", Range::any(), name == "basic" ? std::optional<double>{} : 0.0);
  if (t.has("rule")) {
    if (t.has("weights")) {
      // A config that includes another may add a rule to a fund whose
      // weights are given there: the weights are checked, and not used.
      Strategy unused;
      read_weights(t, "weights", m, unused, name);
      t.warn("weights", fmt::format("not used: [funds.{}.rule] decides the weights", name));
    }
    read_strategy_rule(t, m, f.strategy);
  } else {
    read_weights(t, "weights", m, f.strategy, name);
  }
  if (auto liq = t.table("liquidity")) {
    std::vector<std::string> assets;
    for (int i : m.economy.assets) assets.push_back(m.economy.variables[static_cast<std::size_t>(i)]);
    const auto asset = liq->string("asset", assets);
    f.strategy.liquidity_asset = static_cast<int>(held_asset(f.strategy, m.economy.index_of(asset)));
    f.strategy.liquidity_cover = liq->number("cover", {0, 10, true, false});
  }
  if (auto rb = t.table("rebalance")) {
    f.strategy.rebalance_band = rb->number("band", Range::between(0, 1));
    f.strategy.rebalance_cost = rb->number("cost", Range::between(0, 0.1), 0.0);
  }
  if (f.strategy.assets.size() > kMaxDynamicAssets && f.strategy.dynamic())
    t.fail_here(fmt::format("a dynamic strategy holds at most {} asset classes", kMaxDynamicAssets));
  f.strategy.fee = t.number("fee", Range::between(0, 0.1), 0.0);
  f.strategy.limits.assign(f.strategy.assets.size(), 1.0);
  if (auto lim = t.table("limits")) {
    for (const auto& k : lim->keys()) {
      const double cap = lim->number(k, Range::between(0, 1));
      const int var = m.economy.index_of(k);
      if (var < 0 || !m.economy.is_asset(k)) lim->fail(k, fmt::format("'{}' is not an asset class of the economy", k));
      const auto it = std::find(f.strategy.assets.begin(), f.strategy.assets.end(), var);
      if (it == f.strategy.assets.end()) continue;  // not held: the limit holds trivially
      const auto index = static_cast<std::size_t>(it - f.strategy.assets.begin());
      f.strategy.limits[index] = cap;
      if (f.strategy.rule.on) {
        // Said at the point that breaks the limit.
        const auto* points = t.raw()["rule"]["points"].as_array();
        for (std::size_t i = 0; i < f.strategy.rule.at.size(); ++i)
          if (f.strategy.rule.weights[i][index] > cap + 1e-12)
            throw InputError(location_of(*points->get(i)), fmt::format("funds.{}.rule.points[{}]", name, i),
                             fmt::format("holds {:.4g} of {}, above its limit {:.4g} ({})", f.strategy.rule.weights[i][index],
                                         k, cap, lim->key_path(k)));
        continue;
      }
      const auto& path = f.strategy.weights[index];
      for (int y = m.start_year; y <= m.end_year; ++y)
        if (path.at(y) > cap + 1e-12)
          lim->fail(k, fmt::format("fund '{}' holds {:.4g} of {} in {}, above its limit {:.4g}", name, path.at(y), k, y, cap));
    }
    double room = 0;
    for (double cap : f.strategy.limits) room += cap;
    if (f.strategy.dynamic() && room < 1 - 1e-12)
      lim->fail_here(fmt::format("the limits of the assets held sum to {:.6g}: a dynamic strategy needs room for the "
                                 "whole fund (at least 1)", room));
  }
  const auto& e = m.economy;
  if (name != "basic") {
    // Only the basic fund has a benchmark and can go negative (the reserve
    // transfers at most its balance; the account fund pays at most the balances).
    for (const char* key : {"benchmark", "debt_rate"})
      if (t.has(key)) t.fail(key, fmt::format("applies to [funds.basic] only"));
    return f;
  }
  if (t.has("benchmark")) read_weights(t, "benchmark", m, f.benchmark, name + " (benchmark)");
  if (t.has("debt_rate")) {
    // "none": a negative balance is carried at 0%, neither earning nor
    // charged (model.md section 3.1: the debt rate is explicit, and may be none).
    auto allowed = e.variables;
    allowed.push_back("none");
    const auto rate = t.string("debt_rate", allowed);
    f.debt_rate_variable = rate == "none" ? -1 : e.index_of(rate);
  } else if (e.index_of("short_rate") >= 0) {
    f.debt_rate_variable = e.index_of("short_rate");
  } else if (e.index_of("deposit") >= 0) {
    f.debt_rate_variable = e.index_of("deposit");
  }
  return f;
}

}  // namespace

void read_funds(ConfigTable& top, ModelParams& m) {
  auto funds = *top.table("funds", true);
  auto basic = *funds.table("basic", true);
  m.basic_fund = read_fund(basic, "basic", m);
  if (auto r = funds.table("reserve")) {
    m.has_reserve = true;
    m.reserve = read_fund(*r, "reserve", m);
    m.reserve.inflow = read_time_path(*r, "inflow", Range::at_least(0), Interpolation::linear, TimePath(0.0));
    m.reserve.inflow_wage_indexed = r->boolean("inflow_wage_indexed", false);
    if (auto tr = r->table("transfer")) {
      m.reserve.transfer_below_months = tr->number("below_months", Range::between(0, 600));
      m.reserve.transfer_max_share = tr->number("max_share", Range::between(0, 1));
    }
  }
  auto acc = funds.table("accounts");
  if (m.scheme.funding == AccountFunding::funded) {
    if (!acc) funds.fail_here("scheme.accounts.funding = \"funded\" needs a [funds.accounts] table (the invested account fund)");
    m.account_fund = read_fund(*acc, "accounts", m);
  } else if (acc) {
    funds.fail("accounts", "[funds.accounts] is used only with scheme.accounts.funding = \"funded\"");
  }
}

}  // namespace pfsim
