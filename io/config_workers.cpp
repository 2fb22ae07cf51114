// [workers]: representative workers and their supplementary tiers (docs/config.md; model.md section 7).
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "io/config_sections.h"
#include "models/scheme/retirement_schedule.h"

namespace pfsim {

namespace {

// A funded tier's contributions, investment and history.
void read_tier(ConfigTable& t, const ModelParams& m, SupplementaryTier& tier, const std::string& name, int default_from) {
  tier.on = true;
  tier.from_year = static_cast<int>(t.integer("from", 1950, m.end_year, default_from));
  tier.level_annuity = t.string("payout", {"divisor", "level_annuity"}, "divisor") == "level_annuity";
  if (tier.level_annuity) tier.annuity_rate = t.number("annuity_rate", Range::between(-0.05, 0.2));
  else if (t.has("annuity_rate")) t.fail("annuity_rate", "applies with payout = \"level_annuity\" only");
  read_weights(t, "weights", m, tier.strategy, name);
  tier.strategy.fee = t.number("fee", Range::between(0, 0.1), 0.0);
  if (tier.from_year < m.start_year) {
    if (!t.has("history_return"))
      t.fail_here(fmt::format("contributions from {} need history_return: the funded part's return in the years "
                              "before start_year {}", tier.from_year, m.start_year));
    tier.history_return = read_time_path(t, "history_return", Range::between(-0.9, 2), Interpolation::step);
  } else if (t.has("history_return")) {
    t.fail("history_return", fmt::format("not used: contributions start in {}, not before start_year", tier.from_year));
  }
}

}  // namespace

void read_workers(ConfigTable& top, ModelParams& m) {
  auto w = top.table("workers");
  if (!w) return;
  auto& p = m.workers;
  p.on = true;
  for (double c : w->numbers("cohorts", Range::between(1900, 2100))) {
    if (c != std::floor(c)) w->fail("cohorts", fmt::format("{} is not a year", c));
    p.cohorts.push_back(static_cast<int>(c));
  }
  if (p.cohorts.empty() || p.cohorts.size() > 20) w->fail("cohorts", "give 1 to 20 birth years");
  const std::vector<std::string> names{"male", "female_cadre", "female_worker"};
  for (const auto& g : w->strings("groups", names)) {
    const auto it = std::find(names.begin(), names.end(), g);
    if (it == names.end())
      w->fail("groups", fmt::format("'{}' is not a group; allowed: \"male\", \"female_cadre\", \"female_worker\"", g));
    p.groups.push_back(static_cast<int>(it - names.begin()));
  }
  if (p.groups.empty()) w->fail("groups", "give at least one group");
  p.careers = w->numbers("careers", Range::between(0.05, 20), std::vector<double>{0.6, 1.0, 3.0});
  if (p.careers.empty() || p.careers.size() > 10) w->fail("careers", "give 1 to 10 wage multiples");
  {
    auto b = p.cohorts;
    std::sort(b.begin(), b.end());
    if (std::adjacent_find(b.begin(), b.end()) != b.end()) w->fail("cohorts", "a birth year is listed twice");
    auto g = p.groups;
    std::sort(g.begin(), g.end());
    if (std::adjacent_find(g.begin(), g.end()) != g.end()) w->fail("groups", "a group is listed twice");
    auto c = p.careers;
    std::sort(c.begin(), c.end());
    if (std::adjacent_find(c.begin(), c.end()) != c.end()) w->fail("careers", "a career is listed twice");
  }
  p.entry_age = static_cast<int>(w->integer("entry_age", 14, 45, 22));
  p.base_floor = w->number("base_floor", Range::between(0, 1), 0.6);
  p.base_cap = w->number("base_cap", Range::between(1, 10), 3.0);
  p.threshold = w->number("threshold", {0, 2, true, true}, 0.4);
  p.public_sector = w->string("sector", {"enterprise", "public"}, "enterprise") == "public";
  // Every worker retires within the run, and contributes before retiring.
  const RetirementRule* rules[3] = {&m.scheme.male, &m.scheme.female_cadre, &m.scheme.female_worker};
  for (int b : p.cohorts)
    for (int g : p.groups) {
      const double retire = b + retirement_age_months(*rules[g], b, 1) / 12.0;
      if (std::floor(retire) < m.start_year || std::floor(retire) > m.end_year)
        w->fail("cohorts", fmt::format("a {} born in {} retires in {}, outside the run's years {}-{}", names[g], b,
                                       std::floor(retire), m.start_year, m.end_year));
      if (!(retire > b + p.entry_age))
        w->fail("entry_age", fmt::format("a {} born in {} retires at {:.2f}, before entry_age {}", names[g], b, retire - b,
                                         p.entry_age));
    }
  if (auto a = w->table("annuity")) {
    auto& t = p.annuity;
    t.employer = read_time_path(*a, "employer", Range::between(0, 0.3), Interpolation::step);
    t.member = read_time_path(*a, "member", Range::between(0, 0.3), Interpolation::step);
    t.employer_notional = a->boolean("employer_notional", false);
    if (t.employer_notional && !p.public_sector)
      a->fail("employer_notional", "only the occupational annuity (workers.sector = \"public\") has a notional employer part");
    if (a->has("notional_rate")) {
      if (!t.employer_notional) a->fail("notional_rate", "applies with employer_notional = true only");
      t.notional_at_crediting = false;
      t.notional_rate = read_time_path(*a, "notional_rate", Range::between(-0.5, 0.5), Interpolation::step);
    }
    // The occupational annuity began with the October 2014 reform.
    read_tier(*a, m, t, p.public_sector ? "workers.annuity (occupational)" : "workers.annuity (enterprise)",
              p.public_sector ? 2014 : m.start_year);
    // Annuities invest within the 40% equity cap of 2021 (MOHRSS Notice No. 95 of 2020).
    check_equity_cap(*a, m, t.strategy, a->number("equity_cap", Range::between(0, 1), 0.4), "workers.annuity");
  }
  if (auto pr = w->table("private")) {
    auto& t = p.private_pension;
    t.amount = read_time_path(*pr, "amount", Range::at_least(0), Interpolation::step);
    t.cap = pr->number("cap", Range::at_least(0), 12000.0);
    t.tax = pr->number("tax", Range::between(0, 1), 0.03);
    read_tier(*pr, m, t, "workers.private", 2022);
  }
}

}  // namespace pfsim
