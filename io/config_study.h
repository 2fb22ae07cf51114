#pragma once
// [scenarios] and [goal_seek]: several runs of one config on common random
// numbers. Reads the specifications; io/config.cpp loads each variant.
#include "io/config.h"
#include "io/config_table.h"

namespace pfsim {

void read_studies(ConfigTable& top, RunConfig& cfg);
// [optimize] (called by read_studies).
void read_optimize(ConfigTable& top, RunConfig& cfg);

}  // namespace pfsim
