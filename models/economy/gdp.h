#pragma once
// Nominal GDP ([economy.gdp], model.md D8.6): GDP of the year before
// start_year carried forward with the average wage and the mean working-age
// population (15-64) of the year, divided by the labour share's change:
//   GDP_y = GDP_{y0-1} (w_y / w_{y0-1}) (L_y / L_{y0}) (ls_{y0-1} / ls_y),
// L_y the mean of the working-age population on 1 January of y and y + 1,
// L_{y0} that on 1 January of start_year. The denominator of fiscal costs
// as shares of GDP.
#include "core/metrics.h"
#include "models/demography/demography.h"
#include "models/outputs.h"
#include "models/params.h"

namespace pfsim {

struct GdpState {
  double working = 0;  // working-age population on 1 January of the year
  double gdp = 0;      // of the last year stepped
};

class GdpModel {
 public:
  GdpModel(const ModelParams& params, const DemographyModel& demography, OutputRegistry& outputs);
  bool empty() const { return !on_; }
  void start(GdpState& s) const { s.working = working_; s.gdp = base_; }
  // GDP of `year` from its average wage and the working-age population at its end.
  double step(int year, double average_wage, double working_end, GdpState& s) const;
  void record(int t, const GdpState& s, PathRecord& rec) const { rec.at(slot_, t) = s.gdp; }

 private:
  bool on_ = false;
  double base_ = 0, base_wage_ = 0, working_ = 0, base_share_ = 1;
  TimePath labour_share_;
  std::size_t slot_ = 0;
};

}  // namespace pfsim
