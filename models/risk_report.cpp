#include "models/risk_report.h"

#include <cmath>
#include <limits>

namespace pfsim {

namespace {
void add_probability(ProbabilityCurve& c, std::uint64_t hits, std::uint64_t n, double confidence) {
  const auto ci = stats::wilson_interval(hits, n, confidence);
  c.count.push_back(hits);
  c.probability.push_back(n ? static_cast<double>(hits) / static_cast<double>(n) : std::numeric_limits<double>::quiet_NaN());
  c.lower.push_back(ci.lower);
  c.upper.push_back(ci.upper);
}

std::uint64_t count_at_least(std::span<const double> v, double threshold) {
  std::uint64_t k = 0;
  for (double x : v) k += x >= threshold ? 1 : 0;  // NaN (undefined) is never
  return k;
}

std::uint64_t count_defined(std::span<const double> v) {
  std::uint64_t k = 0;
  for (double x : v) k += std::isnan(x) ? 0 : 1;
  return k;
}
}  // namespace

RiskReport build_risk_report(const PensionModel& model, const PathSample& sample, double confidence) {
  RiskReport r;
  const std::uint64_t n = sample.paths();
  r.paths = n;
  const int start = model.params().start_year;

  // Columns one at a time, in memory or read from a spilled sample.
  std::vector<double> scratch;
  const auto column = [&](std::size_t s) { return sample.scalar_columns(s, 1, scratch); };

  // Depletion curve: a histogram of first-depletion years, cumulated.
  std::vector<std::uint64_t> first(static_cast<std::size_t>(model.years()), 0);
  for (double y : column(model.scalar_metric("depletion_year"))) {
    if (!std::isfinite(y)) continue;  // +inf: never
    const double t = y - start;
    if (!(t >= 0 && t < static_cast<double>(first.size())))  // a run never makes one; a damaged file is refused before
      throw std::out_of_range("build_risk_report: a depletion year outside the run's years");
    ++first[static_cast<std::size_t>(t)];
  }
  std::uint64_t cumulative = 0;
  for (std::size_t t = 0; t < first.size(); ++t) {
    cumulative += first[t];
    add_probability(r.depletion, cumulative, n, confidence);
  }

  r.horizons = model.horizons();
  for (std::size_t h = 0; h < r.horizons.size(); ++h) {
    // The four return scalars of a horizon are defined on the same paths.
    const auto real = column(model.return_scalar(h, 1));
    const std::uint64_t held = count_defined(real);
    r.return_paths.push_back(held);
    add_probability(r.preservation, count_at_least(real, 0.0), held, confidence);
    add_probability(r.beats_wage, count_at_least(column(model.return_scalar(h, 2)), 0.0), held, confidence);
    add_probability(r.beats_crediting, count_at_least(column(model.return_scalar(h, 3)), 0.0), held, confidence);
  }

  r.levels = model.params().risk_levels;
  for (double alpha : r.levels) {
    auto col = column(model.scalar_metric("terminal_real_shadow_balance"));
    std::vector<double> a(col.begin(), col.end());
    r.terminal_real_shadow_balance.push_back(stats::lower_tail_risk(a, alpha));
    auto col2 = column(model.scalar_metric("actuarial_balance"));
    std::vector<double> b(col2.begin(), col2.end());
    r.actuarial_balance.push_back(stats::lower_tail_risk(b, alpha));
  }
  return r;
}

std::optional<int> first_year_reaching(const std::vector<double>& cumulative, int first_year, double level) {
  for (std::size_t t = 0; t < cumulative.size(); ++t)
    if (cumulative[t] >= level) return first_year + static_cast<int>(t);
  return std::nullopt;
}

}  // namespace pfsim
