#include "models/risk_report.h"

#include <cmath>
#include <limits>
#include <stdexcept>

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

std::vector<stats::TailRisk> lower_tail_risks(Collective& c, std::span<const double> col, std::uint64_t first_path,
                                              std::uint64_t end_path, std::span<const double> levels) {
  using Col = std::span<const double>;
  const std::vector<Col> one{col};
  const auto facts = dist::column_facts<double>(c, one);
  const std::uint64_t n = facts[0].defined;
  if (n == 0 || facts[0].finite != n) throw std::invalid_argument("lower tail risk of a column with NaN or infinite values");
  const std::size_t L = levels.size();
  std::vector<Col> cols(L, col);
  std::vector<dist::ColumnFacts> fs(L, facts[0]);
  std::vector<std::vector<std::size_t>> ranks(L);
  std::vector<std::size_t> k(L);
  for (std::size_t l = 0; l < L; ++l) {
    k[l] = stats::tail_count(n, levels[l]);
    ranks[l] = stats::type7_ranks(n, levels[l]);
    ranks[l].push_back(k[l] - 1);
    std::sort(ranks[l].begin(), ranks[l].end());
    ranks[l].erase(std::unique(ranks[l].begin(), ranks[l].end()), ranks[l].end());
  }
  const auto keys = dist::select<double>(c, cols, fs, ranks);
  const auto value = [&](std::size_t l, std::size_t r) {
    const auto it = std::find(ranks[l].begin(), ranks[l].end(), r);
    return key_value<double>(keys[l][static_cast<std::size_t>(it - ranks[l].begin())]);
  };
  // The tail: the values below the k-th smallest, in the tree's order, and
  // as many copies of the k-th smallest as make k.
  std::vector<std::uint64_t> cut(L);
  for (std::size_t l = 0; l < L; ++l) cut[l] = order_key<std::uint64_t>(value(l, k[l] - 1));
  const auto below = [&](std::size_t l, double x) { return order_key<std::uint64_t>(x) < cut[l]; };
  const auto sums = dist::tree_sums<1>(c, std::span<const Col>(cols), first_path, end_path, below,
                                       [](std::size_t) { return tree::identity_term(); });
  std::vector<double> es(L);
  for (std::size_t l = 0; l < L; ++l) {
    const double ties = static_cast<double>(k[l] - sums[l].count);
    es[l] = (sums[l].value[0] + ties * value(l, k[l] - 1)) / static_cast<double>(k[l]);
  }
  const auto dev = dist::tree_sums<2>(c, std::span<const Col>(cols), first_path, end_path, below,
                                      [&](std::size_t l) { return tree::deviation_terms(es[l]); });
  std::vector<stats::TailRisk> out;
  const double nd = static_cast<double>(n);
  for (std::size_t l = 0; l < L; ++l) {
    const double alpha = levels[l];
    const double var = stats::quantile_at(n, alpha, [&](std::size_t r) { return value(l, r); });
    const double ties = static_cast<double>(k[l] - dev[l].count);
    const double d = value(l, k[l] - 1) - es[l];
    double var_tail = 0;
    if (k[l] > 1) {
      const double kd = static_cast<double>(k[l]);
      const double ss = dev[l].value[0] + ties * (d * d), s = dev[l].value[1] + ties * d;
      const double sd = std::sqrt(std::max(0.0, (ss - s * s / kd) / (kd - 1.0)));
      var_tail = sd * sd;
    }
    const double gap = es[l] - var;
    out.push_back({var, es[l], std::sqrt((var_tail + (1.0 - alpha) * gap * gap) / (nd * alpha))});
  }
  return out;
}

RiskReport build_risk_report(const PensionModel& model, const PathSample& sample, double confidence, Collective& c,
                             std::uint64_t end_path) {
  RiskReport r;
  const int start = model.params().start_year;
  // Columns one at a time, in memory or read from a spilled sample.
  std::vector<double> scratch;
  const auto column = [&](std::size_t s) { return sample.scalar_columns(s, 1, scratch); };

  // Integer counts, added over the processes in one step: the paths, the
  // first-depletion years, and per horizon the paths holding assets and
  // those meeting each return test.
  const auto years = static_cast<std::size_t>(model.years());
  const std::vector<int> horizons = model.horizons();
  std::vector<std::uint64_t> counts(1 + years + 4 * horizons.size(), 0);
  counts[0] = sample.paths();
  for (double y : column(model.scalar_metric("depletion_year"))) {
    if (!std::isfinite(y)) continue;  // +inf: never
    const double t = y - start;
    if (!(t >= 0 && t < static_cast<double>(years)))  // a run never makes one; a damaged file is refused before
      throw std::out_of_range("build_risk_report: a depletion year outside the run's years");
    ++counts[1 + static_cast<std::size_t>(t)];
  }
  for (std::size_t h = 0; h < horizons.size(); ++h) {
    // The four return scalars of a horizon are defined on the same paths.
    std::uint64_t* k = &counts[1 + years + 4 * h];
    const auto real = column(model.return_scalar(h, 1));
    k[0] = count_defined(real);
    k[1] = count_at_least(real, 0.0);
    k[2] = count_at_least(column(model.return_scalar(h, 2)), 0.0);
    k[3] = count_at_least(column(model.return_scalar(h, 3)), 0.0);
  }
  c.sum(counts);

  const std::uint64_t n = counts[0];
  r.paths = n;
  std::uint64_t cumulative = 0;
  for (std::size_t t = 0; t < years; ++t) {
    cumulative += counts[1 + t];
    add_probability(r.depletion, cumulative, n, confidence);
  }
  r.horizons = horizons;
  for (std::size_t h = 0; h < horizons.size(); ++h) {
    const std::uint64_t* k = &counts[1 + years + 4 * h];
    r.return_paths.push_back(k[0]);
    add_probability(r.preservation, k[1], k[0], confidence);
    add_probability(r.beats_wage, k[2], k[0], confidence);
    add_probability(r.beats_crediting, k[3], k[0], confidence);
  }

  r.levels = model.params().risk_levels;
  const auto tail = [&](const char* name) {
    return lower_tail_risks(c, column(model.scalar_metric(name)), sample.first_path(), end_path, r.levels);
  };
  if (!r.levels.empty()) {
    r.terminal_real_shadow_balance = tail("terminal_real_shadow_balance");
    r.actuarial_balance = tail("actuarial_balance");
  }
  return r;
}

RiskReport build_risk_report(const PensionModel& model, const PathSample& sample, double confidence) {
  SingleProcess one;
  return build_risk_report(model, sample, confidence, one, sample.first_path() + sample.paths());
}

std::optional<int> first_year_reaching(const std::vector<double>& cumulative, int first_year, double level) {
  for (std::size_t t = 0; t < cumulative.size(); ++t)
    if (cumulative[t] >= level) return first_year + static_cast<int>(t);
  return std::nullopt;
}

}  // namespace pfsim
