#pragma once
// Readers of the config's top-level tables, one per model; each validates
// everything it reads (docs/config.md is the reference).
#include "io/config.h"
#include "io/config_table.h"

namespace pfsim {

void read_run(ConfigTable& top, RunConfig& cfg);
void read_economy(ConfigTable& top, ModelParams& m);
void read_demography(ConfigTable& top, ModelParams& m);
void read_scheme(ConfigTable& top, ModelParams& m);
void read_funds(ConfigTable& top, ModelParams& m);
void read_output(ConfigTable& top, RunConfig& cfg);
// [regions] and [pooling], after scheme and funds (each region starts from the national scheme).
void read_regions(ConfigTable& top, ModelParams& m);
// [uncertainty]: per-path parameter priors, after economy and demography.
void read_uncertainty(ConfigTable& top, ModelParams& m);
// [workers]: representative workers and their supplementary tiers, after scheme.
void read_workers(ConfigTable& top, ModelParams& m);
// [residents]: the residents' scheme, after economy (it needs [economy.gdp]).
void read_residents(ConfigTable& top, ModelParams& m);
// [annuities]: the aggregate enterprise annuity, occupational annuity and private pension plans, after scheme.
void read_annuities(ConfigTable& top, ModelParams& m);
// Fails at `weights` when the asset classes named "equity..." weigh more
// than `cap` in any year of a fixed mix or glide path.
void check_equity_cap(ConfigTable& t, const ModelParams& m, const Strategy& s, double cap, const std::string& fund);

// A fixed mix or glide path of weights (table `key` of `f`) for `fund`,
// summing to 1 in every year of the run.
void read_weights(ConfigTable& f, std::string_view key, const ModelParams& m, Strategy& s, const std::string& fund);

// A time path: a number, [[year, value], ...], { points = [...], interpolation = "linear"|"step" },
// or { file = "x.csv", column = "c", year_column = "year", interpolation = ..., scale = 1 }.
TimePath read_time_path(ConfigTable& t, std::string_view key, Range values, Interpolation default_how,
                        std::optional<TimePath> fallback = std::nullopt);

}  // namespace pfsim
