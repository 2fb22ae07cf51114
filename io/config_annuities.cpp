// [annuities]: the aggregate enterprise and occupational annuity plans (docs/config.md; model.md section 9).
#include <fmt/format.h>

#include "io/config_sections.h"

namespace pfsim {

namespace {

void read_plan(ConfigTable& t, const ModelParams& m, AnnuityPlanParams& p, const std::string& name, bool occupational) {
  p.on = true;
  p.members = t.number("members", Range::above(0));
  p.origin = t.where("members");
  p.assets = t.number("assets", Range::at_least(0));
  p.benefits = t.number("benefits", Range::at_least(0), 0.0);
  p.coverage = read_time_path(t, "coverage", Range::between(0, 20), Interpolation::linear, TimePath(1.0));
  p.employer = read_time_path(t, "employer", Range::between(0, 0.3), Interpolation::step);
  p.member = read_time_path(t, "member", Range::between(0, 0.3), Interpolation::step);
  p.wage_ratio = t.number("wage_ratio", Range::between(0.1, 10), 1.0);
  if (occupational) {
    p.employer_funded = t.number("employer_funded", Range::between(0, 1), 1.0);
    p.notional = t.number("notional", Range::at_least(0), 0.0);
    if (p.notional > 0 && p.employer_funded == 1.0)
      t.fail("notional", "notional balances need a notional employer part: employer_funded below 1");
  }
  p.divisor = t.number("divisor", Range::between(12, 600), 139.0);
  p.retiring_ratio = t.number("retiring_ratio", Range::between(0, 10), 1.0);
  read_weights(t, "weights", m, p.strategy, name);
  p.strategy.fee = t.number("fee", Range::between(0, 0.1), 0.0);
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
  if (!e && !o) t->fail_here("give [annuities.enterprise], [annuities.occupational] or both");
  if (e) read_plan(*e, m, m.enterprise_annuity, "annuities.enterprise", false);
  if (o) read_plan(*o, m, m.occupational_annuity, "annuities.occupational", true);
}

}  // namespace pfsim
