#pragma once
// Parameter uncertainty: each path draws its own long-run parameters once,
// from normal priors (docs/model.md section 1, D1.8). Every parameter has its
// own address in the `parameters` stream (the step field holds its id), so
// switching one prior on or off never changes another's draw.
#include <cstdint>

#include "core/normal.h"
#include "core/rng.h"

namespace pfsim {

enum ParameterId : std::uint32_t {
  kEconomyMeanFirst = 1,  // + variable index: shift of that variable's mean path
  kFertilityLevel = 100,  // shift of ln target TFR
  kMortalityDrift = 101,  // Li-Lee drift of K
};

// The path's standard normal draw for parameter `id`.
inline double parameter_draw(std::uint64_t seed, std::uint64_t path, std::uint32_t id) {
  RandomStream r(seed, path, Stream::parameters, id);
  return standard_normal(r);
}

}  // namespace pfsim

#include <string>
#include <vector>

#include "models/demography/demography.h"
#include "models/economy/economy.h"
#include "models/outputs.h"
#include "models/params.h"

namespace pfsim {

// Records each path's drawn parameters as per-path scalars, one for every
// prior in use: param_mean_shift_<variable>, param_fertility_level,
// param_mortality_drift. Without priors it registers nothing.
class ParameterOutputs {
 public:
  ParameterOutputs(const ModelParams& params, OutputRegistry& outputs);
  void record(const EconomyPath& economy, const DemographyState& demography, int lane, PathRecord& rec) const;

 private:
  std::vector<std::pair<int, std::size_t>> mean_shift_;  // (variable, scalar)
  std::size_t fertility_ = 0, drift_ = 0;
  bool fertility_on_ = false, drift_on_ = false;
};

}  // namespace pfsim
