#include "run/summarize.h"

#include <tbb/task_arena.h>

#include <algorithm>

#include "core/error.h"

namespace pfsim {

RunSummary summarize_run(const PensionModel& model, const PathSample& sample, const RunConfig& cfg, int threads,
                         const std::atomic<bool>* stop) {
  RunSummary s;
  s.year = summarize_year_metrics(sample, cfg.run.quantiles, cfg.run.confidence, threads, stop);
  s.scalar = summarize_scalars(sample, cfg.run.quantiles, cfg.run.confidence, threads, stop);
  s.risk = build_risk_report(model, sample, cfg.run.confidence);
  s.central = model.central_path();
  return s;
}

template <class Value>
void distributed_columns(Collective& c, std::span<const std::span<const Value>> cols, std::uint64_t first_path,
                         std::uint64_t n, std::span<const double> probabilities, double confidence,
                         const std::function<void(std::size_t, const ColumnParts&)>& write) {
  const std::size_t m = cols.size();
  const auto facts = dist::column_facts<Value>(c, cols);
  const auto finite = [](std::size_t, double x) { return std::isfinite(x); };
  const auto s1 = dist::tree_sums<1>(c, cols, first_path, n, finite, [](std::size_t) { return tree::identity_term(); });
  std::vector<double> means(m);
  for (std::size_t j = 0; j < m; ++j) means[j] = tree::mean_of(s1[j]);
  const auto s2 = dist::tree_sums<2>(c, cols, first_path, n, finite,
                                     [&](std::size_t j) { return tree::deviation_terms(means[j]); });
  std::vector<std::vector<std::size_t>> ranks(m);
  for (std::size_t j = 0; j < m; ++j)
    if (facts[j].defined) ranks[j] = stats::quantile_ranks(facts[j].defined, probabilities, confidence);
  const auto keys = dist::select<Value>(c, cols, facts, ranks);
  std::vector<double> at;
  for (std::size_t j = 0; j < m; ++j) {
    at.clear();
    for (auto k : keys[j]) at.push_back(key_value<double>(k));
    const tree::CountedMoments moments{tree::finish_moments(s1[j].count, means[j], s2[j]), s1[j].count};
    write(j, {moments, facts[j].defined, ranks[j], at, facts[j].infinite > 0, facts[j].top});
  }
}
template void distributed_columns<float>(Collective&, std::span<const std::span<const float>>, std::uint64_t, std::uint64_t,
                                         std::span<const double>, double,
                                         const std::function<void(std::size_t, const ColumnParts&)>&);
template void distributed_columns<double>(Collective&, std::span<const std::span<const double>>, std::uint64_t,
                                          std::uint64_t, std::span<const double>, double,
                                          const std::function<void(std::size_t, const ColumnParts&)>&);

namespace {
// Bytes of one batch of values: a spilled sample's read group (a quarter of
// the memory limit, at most 256 MiB; a batch's order keys take twice a float
// batch's bytes); the least over the processes, so every process cuts the
// columns alike.
std::uint64_t batch_bytes(Collective& c, std::uint64_t memory_limit) {
  const bool unlimited = memory_limit == 0 || memory_limit == kMemoryUnlimited;
  std::uint64_t b = SampleStorage{unlimited ? SampleStorage::kUnlimited : memory_limit, {}}.read_bytes();
  c.min(std::span<std::uint64_t>(&b, 1));
  return b;
}

// Columns per batch: about `bytes` of the largest process's values (at
// least one column), the same on every process.
std::size_t batch_columns(std::uint64_t n, int procs, std::uint64_t bytes, std::size_t value_bytes, std::size_t columns) {
  std::uint64_t most = 1;
  for (int r = 0; r < procs; ++r) {
    const auto [f, e] = rank_range(n, procs, r);
    most = std::max<std::uint64_t>(most, e - f);
  }
  const std::uint64_t fit = bytes / (most * value_bytes);
  return static_cast<std::size_t>(std::clamp<std::uint64_t>(fit, 1, std::max<std::size_t>(columns, 1)));
}
}  // namespace

RunSummary summarize_distributed(const PensionModel& model, const PathSample& local, std::uint64_t n,
                                 const RunConfig& cfg, Collective& c, int threads, const std::atomic<bool>* stop) {
  const auto range = rank_range(n, c.size(), c.rank());
  const std::uint64_t first = range.first, end = range.second;  // plain variables: lambdas use them
  if (local.first_path() != first || local.paths() != end - first)
    throw std::logic_error("summarize_distributed: the sample is not this process's range");
  const auto stopped = [stop] { return stop != nullptr && stop->load(std::memory_order_relaxed); };
  const auto& probs = cfg.run.quantiles;
  const double conf = cfg.run.confidence;
  const auto paths = static_cast<std::size_t>(local.paths());
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  RunSummary s;

  const auto years = static_cast<std::size_t>(local.years());
  for (std::size_t m = 0; m < local.year_metrics(); ++m) s.year.push_back(make_distribution(years, probs));
  for (std::size_t k = 0; k < local.scalars(); ++k) s.scalar.push_back(make_distribution(1, probs));
  // Float columns: the year columns, then the float scalars (after the
  // double scalars in s.scalar).
  const std::size_t year_cols = local.year_metrics() * years, float_cols = year_cols + local.float_scalars();
  const std::uint64_t budget = batch_bytes(c, cfg.run.memory_limit);
  const std::size_t yb = batch_columns(n, c.size(), budget, sizeof(float), float_cols);
  std::vector<float> fscratch;
  for (std::size_t c0 = 0; c0 < float_cols; c0 += yb) {
    if (stopped()) throw Interrupted();
    const std::size_t count = std::min(yb, float_cols - c0);
    const auto values = local.year_columns(c0, count, fscratch);
    std::vector<std::span<const float>> cols;
    for (std::size_t j = 0; j < count; ++j) cols.push_back(values.subspan(j * paths, paths));
    arena.execute([&] {
      distributed_columns<float>(c, cols, first, n, probs, conf, [&](std::size_t j, const ColumnParts& parts) {
        const std::size_t col = c0 + j;
        if (col < year_cols)
          write_column(parts, probs, conf, s.year[col / years], col % years);
        else
          write_column(parts, probs, conf, s.scalar[local.double_scalars() + col - year_cols], 0);
      });
    });
  }

  const std::size_t doubles = local.double_scalars();
  const std::size_t sb = batch_columns(n, c.size(), budget, sizeof(double), doubles);
  std::vector<double> dscratch;
  for (std::size_t s0 = 0; s0 < doubles; s0 += sb) {
    if (stopped()) throw Interrupted();
    const std::size_t count = std::min(sb, doubles - s0);
    const auto values = local.scalar_columns(s0, count, dscratch);
    std::vector<std::span<const double>> cols;
    for (std::size_t j = 0; j < count; ++j) cols.push_back(values.subspan(j * paths, paths));
    arena.execute([&] {
      distributed_columns<double>(c, cols, first, n, probs, conf, [&](std::size_t j, const ColumnParts& parts) {
        write_column(parts, probs, conf, s.scalar[s0 + j], 0);
      });
    });
  }
  if (stopped()) throw Interrupted();
  arena.execute([&] { s.risk = build_risk_report(model, local, conf, c, n); });
  s.central = model.central_path();
  return s;
}

}  // namespace pfsim
