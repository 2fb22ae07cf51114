// [uncertainty]: parameter uncertainty drawn once per path (docs/model.md
// D1.8; docs/config.md).
#include <cmath>

#include <fmt/format.h>

#include "io/config_sections.h"

namespace pfsim {

void read_uncertainty(ConfigTable& top, ModelParams& m) {
  // [shocks]: the year-to-year innovations of a group, on (default) or off.
  if (auto sh = top.table("shocks")) {
    m.economy.shocks_on = sh->boolean("economic", true);
    m.demography.shocks_on = sh->boolean("demographic", true);
  }
  auto u = top.table("uncertainty");
  if (!u) return;
  const bool enabled = u->boolean("enabled", true);
  auto& e = m.economy;
  auto& d = m.demography;
  e.mean_shift_sd.assign(e.variables.size(), 0.0);
  if (auto em = u->table("economy_mean")) {
    for (const auto& key : em->keys()) {
      const int k = e.index_of(key);
      if (k < 0)
        em->fail(key, fmt::format("'{}' is not an economy variable; allowed: {}", key, fmt::join(e.variables, ", ")));
      e.mean_shift_sd[static_cast<std::size_t>(k)] = em->number(key, Range::between(0, 0.5));
    }
    if (e.generator == GeneratorKind::bootstrap)
      for (double sd : e.mean_shift_sd)
        if (sd > 0) em->fail(em->keys().front(), "mean shifts need the var1 generator (a bootstrap has no mean path)");
  }
  d.tfr_level_sd = u->number("fertility_level", Range::between(0, 2), 0.0);
  const double drift_share = u->number("mortality_drift", Range::between(0, 5), 0.0);
  if (drift_share > 0 && d.mortality != MortalityModel::li_lee)
    u->fail("mortality_drift", "drift uncertainty needs demography.mortality.model = \"li_lee\" (set mortality_drift = 0 "
                               "with another mortality model)");
  d.ll_drift_sd = std::abs(d.ll_drift) * drift_share;
  if (!enabled) {
    e.mean_shift_sd.assign(e.variables.size(), 0.0);
    d.tfr_level_sd = 0;
    d.ll_drift_sd = 0;
  }
}

}  // namespace pfsim
