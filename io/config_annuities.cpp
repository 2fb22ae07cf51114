// [annuities]: the aggregate enterprise annuity, occupational annuity and
// private pension plans (docs/config.md; model.md section 9).
#include <fmt/format.h>

#include "io/config_sections.h"

namespace pfsim {

void check_equity_cap(ConfigTable& t, const ModelParams& m, const Strategy& s, double cap, const std::string& fund) {
  for (int y = m.start_year; y <= m.end_year; ++y) {
    double equity = 0;
    for (std::size_t k = 0; k < s.assets.size(); ++k)
      if (m.economy.variables[static_cast<std::size_t>(s.assets[k])].find("equity") != std::string::npos)
        equity += s.weights[k].at(y);
    if (equity > cap + 1e-12)
      t.fail("weights", fmt::format("fund '{}': the equity classes (names with \"equity\") weigh {:.6g} in {}, above "
                                    "equity_cap {:g}", fund, equity, y, cap));
  }
}

namespace {

enum class Kind { enterprise, occupational, private_pension };

void read_plan(ConfigTable& t, const ModelParams& m, AnnuityPlanParams& p, const std::string& name, Kind kind) {
  p.on = true;
  p.members = t.number("members", Range::between(1, 2e9));
  p.origin = t.where("members");
  p.assets = t.number("assets", Range::between(0, 1e17));
  p.benefits = t.number("benefits", Range::between(0, 1e16), 0.0);
  p.coverage = read_time_path(t, "coverage", Range::between(0, 20), Interpolation::linear, TimePath(1.0));
  if (!(p.coverage.at(m.start_year) > 0))
    t.fail("coverage", fmt::format("the path is relative to start_year {}, so it must be above 0 there", m.start_year));
  if (kind == Kind::private_pension) {
    p.amount = read_time_path(t, "amount", Range::between(0, 1e7), Interpolation::step);
    p.cap = t.number("cap", Range::between(0, 1e7), 12000.0);
    p.tax = t.number("tax", Range::between(0, 1), 0.03);
  } else {
    p.employer = read_time_path(t, "employer", Range::between(0, 0.3), Interpolation::step);
    p.member = read_time_path(t, "member", Range::between(0, 0.3), Interpolation::step);
    p.wage_ratio = t.number("wage_ratio", Range::between(0.1, 10), 1.0);
  }
  if (kind == Kind::occupational) {
    p.employer_funded = t.number("employer_funded", Range::between(0, 1), 1.0);
    p.notional = t.number("notional", Range::between(0, 1e17), 0.0);
    if (p.notional > 0 && p.employer_funded == 1.0)
      t.fail("notional", "notional balances need a notional employer part: employer_funded below 1");
  }
  p.divisor = t.number("divisor", Range::between(12, 600), 139.0);
  p.retiring_ratio = t.number("retiring_ratio", Range::between(0, 10), 1.0);
  read_weights(t, "weights", m, p.strategy, name);
  p.strategy.fee = t.number("fee", Range::between(0, 0.1), 0.0);
  // Annuities invest within the 40% equity cap of 2021 (MOHRSS Notice No. 95 of 2020).
  if (kind != Kind::private_pension)
    check_equity_cap(t, m, p.strategy, t.number("equity_cap", Range::between(0, 1), 0.4), name);
  if (p.benefits * p.divisor / 12 > p.assets)
    t.fail("benefits", fmt::format("{:.6g} a year would need {:.6g} in payment (benefits x divisor / 12), more than the "
                                   "assets {:.6g}", p.benefits, p.benefits * p.divisor / 12, p.assets));
}

}  // namespace

void read_annuities(ConfigTable& top, ModelParams& m) {
  auto t = top.table("annuities");
  if (!t) return;
  auto e = t->table("enterprise");
  auto o = t->table("occupational");
  auto pr = t->table("private");
  if (!e && !o && !pr) t->fail_here("give [annuities.enterprise], [annuities.occupational], [annuities.private] or several");
  if (e) read_plan(*e, m, m.enterprise_annuity, "annuities.enterprise", Kind::enterprise);
  if (o) read_plan(*o, m, m.occupational_annuity, "annuities.occupational", Kind::occupational);
  if (pr) read_plan(*pr, m, m.private_pension, "annuities.private", Kind::private_pension);
}

}  // namespace pfsim
