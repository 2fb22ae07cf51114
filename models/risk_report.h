#pragma once
// Pension-specific risk figures from the per-path sample (model.md section 5):
// the depletion curve, preservation and appreciation of the fund, lower-tail
// risk; every probability with its Wilson interval, every expected shortfall
// with its standard error.
#include <optional>
#include <vector>

#include "core/distributed_stats.h"
#include "core/path_sample.h"
#include "core/statistics.h"
#include "models/pension_model.h"

namespace pfsim {

struct ProbabilityCurve {
  std::vector<double> probability, lower, upper;
  std::vector<std::uint64_t> count;
};

struct RiskReport {
  std::uint64_t paths = 0;
  ProbabilityCurve depletion;              // P(depletion year <= y), by year
  std::vector<int> horizons;
  // By horizon, over the paths whose fund held assets through it (their
  // number is return_paths; none: NaN, with the interval [0, 1]).
  std::vector<std::uint64_t> return_paths;
  ProbabilityCurve preservation;           // P(annualised real return >= 0), by horizon
  ProbabilityCurve beats_wage;             // P(return >= nominal wage growth)
  ProbabilityCurve beats_crediting;        // P(return >= account crediting rate)
  std::vector<double> levels;
  std::vector<stats::TailRisk> terminal_real_shadow_balance;  // by level
  std::vector<stats::TailRisk> actuarial_balance;             // by level
};

RiskReport build_risk_report(const PensionModel& model, const PathSample& sample, double confidence);
// The same for a sample split between processes (core/distributed_stats.h):
// `sample` is this process's range, end_path the last process's end; every
// process calls it and gets the report.
RiskReport build_risk_report(const PensionModel& model, const PathSample& sample, double confidence, Collective& c,
                             std::uint64_t end_path);

// Lower-tail risk (stats::lower_tail_risk's definitions) of a column split
// between processes at each level: the VaR from the exact order statistics,
// the expected shortfall as the mean of the values below the k-th smallest
// (k = ceil(alpha n)) summed in the block tree's order, plus the copies of
// the k-th smallest that make k values.
std::vector<stats::TailRisk> lower_tail_risks(Collective& c, std::span<const double> col, std::uint64_t first_path,
                                              std::uint64_t end_path, std::span<const double> levels);

// The first year at which a cumulative probability by year (column t is
// first_year + t) reaches `level`; nullopt when it never does. The summary
// and the scenario comparison show the depletion curve at the years it
// reaches 5%, 50% and 95%.
std::optional<int> first_year_reaching(const std::vector<double>& cumulative, int first_year, double level);
inline constexpr double kCrossingLevels[] = {0.05, 0.5, 0.95};

}  // namespace pfsim
