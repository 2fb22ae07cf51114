// [regions] and [pooling] (docs/config.md, "Regions and pooling"; docs/model.md section 6).
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "io/config_sections.h"

namespace pfsim {

namespace {

constexpr double kSumTolerance = 1e-9;

// A value by single age 0..omega: a number, or [[age, value], ...] with
// integer ages increasing strictly, linear between points and flat beyond.
std::vector<double> read_age_path(ConfigTable& t, std::string_view key, int omega, Range values, double fallback) {
  const auto n = static_cast<std::size_t>(omega + 1);
  const auto* node = t.node(key);
  if (!node) return std::vector<double>(n, fallback);
  if (auto v = as_number(*node)) {
    if (!values.contains(*v)) t.fail(key, fmt::format("{} is out of range; allowed: {}", *v, values.describe()));
    return std::vector<double>(n, *v);
  }
  const auto* a = node->as_array();
  if (!a || a->empty()) t.fail(key, "expected a number or a path [[age, value], ...] by single age");
  std::vector<std::pair<int, double>> pts;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto& item = *a->get(i);
    const std::string where = fmt::format("{}[{}]", t.key_path(key), i);
    const auto* pair = item.as_array();
    if (!pair || pair->size() != 2) throw InputError(location_of(item), where, "expected an [age, value] pair");
    const auto* age = pair->get(0)->as_integer();
    const auto v = as_number(*pair->get(1));
    if (!age || age->get() < 0 || age->get() > omega)
      throw InputError(location_of(item), where, fmt::format("the age must be an integer from 0 to {} (the open age)", omega));
    if (!v || !values.contains(*v))
      throw InputError(location_of(item), where, fmt::format("the value must be a number; allowed: {}", values.describe()));
    if (!pts.empty() && age->get() <= pts.back().first)
      throw InputError(location_of(item), where, "ages must increase strictly");
    pts.emplace_back(static_cast<int>(age->get()), *v);
  }
  std::vector<double> out(n);
  for (std::size_t a2 = 0; a2 < n; ++a2) {
    const int age = static_cast<int>(a2);
    if (age <= pts.front().first) {
      out[a2] = pts.front().second;
    } else if (age >= pts.back().first) {
      out[a2] = pts.back().second;
    } else {
      const auto hi = std::find_if(pts.begin(), pts.end(), [&](const auto& p) { return p.first >= age; });
      const auto lo = std::prev(hi);
      const double w = static_cast<double>(age - lo->first) / static_cast<double>(hi->first - lo->first);
      out[a2] = lo->second + w * (hi->second - lo->second);
    }
  }
  return out;
}

bool valid_region_name(const std::string& name) {
  if (name.empty() || name.size() > 40) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

PoolingRegime parse_regime(const std::string& where, const std::string& s, const SourceLocation& loc) {
  if (s == "provincial") return PoolingRegime::provincial;
  if (s == "central_adjustment") return PoolingRegime::central_adjustment;
  if (s == "national") return PoolingRegime::national;
  throw InputError(loc, where, fmt::format("\"{}\" is not a regime; allowed: \"provincial\", \"central_adjustment\", \"national\"", s));
}

void read_pooling(ConfigTable& top, ModelParams& m) {
  auto pool = top.table("pooling");
  if (!pool) {
    for (auto& r : m.regions)
      if (r.local_share < 0) r.local_share = m.pooling.local_share;
    return;
  }
  if (m.regions.empty())
    pool->fail_here("[pooling] needs [regions]: with a single national pool there is nothing to pool");
  PoolingParams& p = m.pooling;
  const auto* node = pool->node("regime");
  if (!node) pool->fail("regime", "required: \"provincial\", \"central_adjustment\", \"national\", or a path [[year, regime], ...]");
  p.regime.clear();
  if (const auto* s = node->as_string()) {
    p.regime.emplace_back(0, parse_regime(pool->key_path("regime"), s->get(), pool->where("regime")));
  } else if (const auto* a = node->as_array()) {
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto& item = *a->get(i);
      const std::string where = fmt::format("{}[{}]", pool->key_path("regime"), i);
      const auto* pair = item.as_array();
      if (!pair || pair->size() != 2 || !pair->get(0)->as_integer() || !pair->get(1)->as_string())
        throw InputError(location_of(item), where, "expected a [year, \"regime\"] pair");
      const auto raw_year = pair->get(0)->as_integer()->get();
      if (raw_year < 1900 || raw_year > 2500)
        throw InputError(location_of(item), where, fmt::format("year {} is out of range; allowed: 1900 to 2500", raw_year));
      const int year = static_cast<int>(raw_year);
      if (!p.regime.empty() && year <= p.regime.back().first)
        throw InputError(location_of(item), where, "years must increase strictly");
      const auto regime = parse_regime(where, pair->get(1)->as_string()->get(), location_of(item));
      if (!p.regime.empty() && p.regime.back().second == PoolingRegime::national && regime != PoolingRegime::national)
        throw InputError(location_of(item), where,
                         "a regime path may not return from national pooling to a regional regime (the national "
                         "fund cannot be split back into regional funds)");
      p.regime.emplace_back(year, regime);
    }
    if (p.regime.empty()) pool->fail("regime", "a regime path needs at least one [year, regime] point");
  } else {
    pool->fail("regime", "expected a regime name or a path [[year, regime], ...]");
  }
  bool adjustment = false;
  for (int y = m.start_year; y <= m.end_year; ++y) {
    adjustment = adjustment || p.at(y) == PoolingRegime::central_adjustment;
  }
  if (adjustment)
    p.adjustment_ratio = read_time_path(*pool, "adjustment_ratio", Range::between(0, 1), Interpolation::step);
  else if (pool->has("adjustment_ratio"))
    pool->warn("adjustment_ratio", "no year of the run is under central_adjustment: the ratio is not used");
  p.adjustment_wage_share = pool->number("adjustment_wage_share", Range::between(0, 2), 0.9);
  p.pool_balances = pool->string("historical_balances", {"pooled", "kept"}, "pooled") == "pooled";
  p.local_share = pool->number("local_share", Range::between(0, 1), 0.0);
  for (auto& r : m.regions)
    if (r.local_share < 0) r.local_share = p.local_share;
  if (auto tr = pool->table("transfers")) {
    p.transfer_rate = tr->number("rate", Range::between(0, 1), 0.12);
    p.transfer_from_year = static_cast<int>(tr->integer("from_year", 1950, 2500, 1998));
    p.transfer_age_limit[kMale] = static_cast<int>(tr->integer("age_limit_male", 0, 200, 50));
    p.transfer_age_limit[kFemale] = static_cast<int>(tr->integer("age_limit_female", 0, 200, 40));
  }
  // Regional funds at the start: their sum is the national fund.
  if (p.at(m.start_year) != PoolingRegime::national) {
    double sum = 0;
    for (const auto& r : m.regions) sum += r.fund_balance;
    const double national = m.basic_fund.initial_balance;
    if (std::abs(sum - national) > kSumTolerance * std::max(1.0, std::abs(national)))
      pool->fail("regime", fmt::format("the regime of {} is regional, so the regions' fund_balance must sum to "
                                       "funds.basic.initial_balance = {:.6g}; they sum to {:.6g}",
                                       m.start_year, national, sum));
  }
}

}  // namespace

void read_regions(ConfigTable& top, ModelParams& m) {
  auto regions = top.table("regions");
  if (!regions) {
    read_pooling(top, m);
    return;
  }
  // (each region's local_share defaults to pooling.local_share: read_pooling settles it)
  const int omega = m.demography.omega;
  const auto names = regions->strings("names");
  if (names.empty() || names.size() > 64) regions->fail("names", "give 1 to 64 region names");
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!valid_region_name(names[i]))
      regions->fail("names", fmt::format("\"{}\" is not a valid region name: use lower-case letters, digits and _ "
                                         "(at most 40), since it names the region's outputs (metric@{})",
                                         names[i], names[i]));
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), names[i]) != names.begin() + static_cast<std::ptrdiff_t>(i))
      regions->fail("names", fmt::format("\"{}\" is named twice", names[i]));
  }
  const bool many = names.size() > 1;
  m.migration_age_profile = read_age_path(*regions, "migration_age_profile", omega, Range::between(0, 1), 1.0);

  std::map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < names.size(); ++i) index[names[i]] = i;
  std::vector<SourceLocation> where(names.size());
  std::vector<std::optional<ConfigTable>> tables;
  for (const auto& name : names) {
    auto t = regions->table(name);
    if (!t && many) regions->fail_here(fmt::format("region \"{}\" is named in regions.names but has no [regions.{}] table", name, name));
    tables.push_back(std::move(t));
  }
  for (const auto& key : regions->keys())
    if (key != "names" && key != "migration_age_profile" && !index.count(key))
      regions->fail(key, fmt::format("\"{}\" is not in regions.names ({})", key, fmt::join(names, ", ")));

  double pensioners_total = 0;
  std::vector<bool> subsidy_given(names.size(), false);
  for (std::size_t i = 0; i < names.size(); ++i) {
    RegionParams r;
    r.name = names[i];
    r.scheme = m.scheme;
    r.destinations.assign(names.size(), 0.0);
    r.population_share.assign(static_cast<std::size_t>(omega + 1), 1.0);
    r.scheme.calib_contributors_origin = regions->where();
    if (auto& t = tables[i]) {
      where[i] = t->where();
      if (many && !t->has("population_share"))
        t->fail_here(fmt::format("regions.{}.population_share is required with more than one region", r.name));
      r.population_share = read_age_path(*t, "population_share", omega, Range::between(0, 1), 1.0);
      r.international_migration_share = t->number("international_migration_share", Range::between(0, 1),
                                                   many ? std::optional<double>{} : 1.0);
      r.fertility_factor = t->number("fertility_factor", Range::between(0.1, 5), 1.0);
      r.wage_level = t->number("wage_level", {0, 20, true, false}, 1.0);
      r.has_wage_drift = t->has("wage_drift");
      r.wage_drift = read_time_path(*t, "wage_drift", Range::between(-0.2, 0.2), Interpolation::linear, TimePath(0.0));
      if (auto shock = t->table("wage_shock")) {
        r.wage_shock_sd = shock->number("sd", Range::between(0, 0.2));
        r.wage_shock_persistence = shock->number("persistence", {0, 1, false, true}, 0.0);
      }
      SchemeParams& s = r.scheme;
      s.average_wage_base = m.scheme.average_wage_base * r.wage_level;
      s.coverage = read_time_path(*t, "coverage", Range::between(0, 10), Interpolation::linear, m.scheme.coverage);
      s.contribution_density = t->number("contribution_density", {0, 1, true, false}, m.scheme.contribution_density);
      s.compliance = t->number("compliance", {0, 2, true, false}, m.scheme.compliance);
      if (auto mem = t->table("members")) {
        s.member_zero_below = static_cast<int>(mem->integer("zero_below", 0, 60, m.scheme.member_zero_below));
        s.member_plateau_from = static_cast<int>(mem->integer("plateau_from", s.member_zero_below, 70, m.scheme.member_plateau_from));
      }
      if (auto cal = t->table("calibration", many)) {
        s.calib_contributors = cal->number("contributors", Range::above(0), many ? std::optional<double>{} : m.scheme.calib_contributors);
        s.calib_contributors_origin = cal->where("contributors");
        s.calib_pensioners = cal->number("pensioners", Range::above(0), many ? std::optional<double>{} : m.scheme.calib_pensioners);
        s.calib_average_pension = cal->number("average_pension", Range::above(0), m.scheme.calib_average_pension * r.wage_level);
      } else {
        s.calib_average_pension = m.scheme.calib_average_pension * r.wage_level;
      }
      r.fund_balance = t->number("fund_balance", Range::any(), many ? 0.0 : m.basic_fund.initial_balance);
      r.local_share = t->number("local_share", Range::between(0, 1), -1.0);
      subsidy_given[i] = t->has("subsidy_share");
      r.subsidy_share = t->number("subsidy_share", Range::between(0, 1), 1.0);
      r.out_migration = t->number("out_migration", Range::between(0, 0.5), 0.0);
      if (auto d = t->table("destinations")) {
        d->accept_all();
        double sum = 0;
        for (const auto& key : d->keys()) {
          if (!index.count(key)) d->fail(key, fmt::format("\"{}\" is not a region; allowed: {}", key, fmt::join(names, ", ")));
          if (key == r.name) d->fail(key, "a region is not a destination of its own migrants");
          const double share = d->number(key, Range::between(0, 1));
          r.destinations[index[key]] = share;
          sum += share;
        }
        if (std::abs(sum - 1) > kSumTolerance) d->fail_here(fmt::format("the destinations' shares sum to {:.12g}; they must sum to 1", sum));
      } else if (r.out_migration > 0) {
        t->fail("out_migration", fmt::format("with out_migration > 0, give [regions.{}.destinations]: where the migrants go", r.name));
      }
    } else {
      r.fund_balance = m.basic_fund.initial_balance;
      r.scheme.calib_average_pension = m.scheme.calib_average_pension;
    }
    if (r.scheme.subsidy == SubsidyRule::wage_indexed) r.scheme.subsidy_amount = m.scheme.subsidy_amount;  // share applied below
    pensioners_total += r.scheme.calib_pensioners;
    m.regions.push_back(std::move(r));
  }
  // The national subsidy rule's amount is shared out: by subsidy_share, or
  // by the regions' pensioners.
  double subsidy_sum = 0;
  for (std::size_t i = 0; i < m.regions.size(); ++i) {
    auto& r = m.regions[i];
    if (!subsidy_given[i]) r.subsidy_share = many ? r.scheme.calib_pensioners / pensioners_total : 1.0;
    subsidy_sum += r.subsidy_share;
    if (r.scheme.subsidy == SubsidyRule::wage_indexed) r.scheme.subsidy_amount = m.scheme.subsidy_amount * r.subsidy_share;
  }
  if (std::abs(subsidy_sum - 1) > kSumTolerance)
    regions->fail_here(fmt::format("the regions' subsidy_share sum to {:.12g}; they must sum to 1", subsidy_sum));
  // Shares of the nation sum to 1.
  double migration_sum = 0;
  for (const auto& r : m.regions) migration_sum += r.international_migration_share;
  if (std::abs(migration_sum - 1) > kSumTolerance)
    regions->fail_here(fmt::format("the regions' international_migration_share sum to {:.12g}; they must sum to 1", migration_sum));
  for (int a = 0; a <= omega; ++a) {
    double sum = 0;
    for (const auto& r : m.regions) sum += r.population_share[static_cast<std::size_t>(a)];
    if (std::abs(sum - 1) > kSumTolerance)
      regions->fail_here(fmt::format("the regions' population_share sum to {:.12g} at age {}; they must sum to 1 at every age", sum, a));
  }
  if (many) {
    double contributors = 0, pensioners = 0;
    for (const auto& r : m.regions) {
      contributors += r.scheme.calib_contributors;
      pensioners += r.scheme.calib_pensioners;
    }
    auto differs = [](double a, double b) { return std::abs(a - b) > 1e-6 * std::max(std::abs(a), std::abs(b)); };
    if (differs(contributors, m.scheme.calib_contributors) || differs(pensioners, m.scheme.calib_pensioners))
      regions->warn("names", fmt::format("the regions' calibration sums to {:.6g} contributors and {:.6g} pensioners; "
                                         "scheme.calibration gives {:.6g} and {:.6g} (the regions' values are used)",
                                         contributors, pensioners, m.scheme.calib_contributors, m.scheme.calib_pensioners));
  }
  read_pooling(top, m);
}

}  // namespace pfsim
