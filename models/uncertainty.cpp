#include "models/uncertainty.h"

namespace pfsim {

ParameterOutputs::ParameterOutputs(const ModelParams& p, OutputRegistry& o) {
  const auto& e = p.economy;
  for (std::size_t k = 0; k < e.mean_shift_sd.size(); ++k)
    if (e.mean_shift_sd[k] > 0)
      mean_shift_.emplace_back(static_cast<int>(k),
                               o.scalar("param_mean_shift_" + e.variables[k], "log rate",
                                        "this path's shift of the mean path of " + e.variables[k] + " ([uncertainty])"));
  fertility_on_ = p.demography.tfr_level_sd > 0;
  if (fertility_on_)
    fertility_ = o.scalar("param_fertility_level", "log TFR", "this path's shift of ln target TFR ([uncertainty])");
  drift_on_ = p.demography.ll_drift_sd > 0;
  if (drift_on_)
    drift_ = o.scalar("param_mortality_drift", "K per year", "this path's drift of the Li-Lee common index K ([uncertainty])");
}

void ParameterOutputs::record(const EconomyPath& economy, const DemographyState& demography, int lane,
                              PathRecord& rec) const {
  for (const auto& [k, i] : mean_shift_) rec.scalars[i] = economy.mean_shift(k);
  if (fertility_on_) rec.scalars[fertility_] = demography.tfr_shift[lane];
  if (drift_on_) rec.scalars[drift_] = demography.drift[lane];
}

}  // namespace pfsim
