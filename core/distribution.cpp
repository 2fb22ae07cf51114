#include "core/distribution.h"

#include "core/parallel.h"

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <stdexcept>
#include <bit>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <type_traits>

#include "core/big_buffer.h"
#include "core/block_tree.h"
#include "core/order_key.h"
#include "core/engine.h"
#include "core/statistics.h"

namespace pfsim {

Distribution make_distribution(std::size_t columns, std::span<const double> probabilities) {
  Distribution d;
  d.columns = columns;
  d.probabilities.assign(probabilities.begin(), probabilities.end());
  d.mean.assign(columns, 0.0);
  d.sd.assign(columns, 0.0);
  d.se.assign(columns, 0.0);
  d.finite.assign(columns, 0);
  d.quantile.assign(columns * probabilities.size(), 0.0);
  d.lower = d.quantile;
  d.upper = d.quantile;
  return d;
}

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// LSD radix sort of keys that order as the values do (for floats and
// doubles: the sign bit flipped for positives, every bit for negatives), in
// passes of 11 bits. Linear in n, several times faster than comparison-based
// selection of the ~30 order statistics a column needs. A pass whose digit is
// the same for every key is skipped (the high bits of a column of similar
// magnitudes often are). `tmp` is scratch of the same size.
template <class Key>
void radix_sort(std::vector<Key>& keys, std::vector<Key>& tmp) {
  constexpr int kBits = 11;
  constexpr Key kMask = (Key{1} << kBits) - 1;
  constexpr int kPasses = (static_cast<int>(sizeof(Key)) * 8 + kBits - 1) / kBits;
  std::vector<std::uint32_t> count(std::size_t{1} << kBits);
  const auto n = static_cast<std::uint32_t>(keys.size());
  for (int pass = 0; pass < kPasses; ++pass) {
    const int shift = pass * kBits;
    std::fill(count.begin(), count.end(), 0u);
    for (Key k : keys) ++count[static_cast<std::size_t>((k >> shift) & kMask)];
    if (n > 0 && count[static_cast<std::size_t>((keys[0] >> shift) & kMask)] == n) continue;
    std::uint32_t sum = 0;
    for (auto& c : count) {
      const std::uint32_t v = c;
      c = sum;
      sum += v;
    }
    for (Key k : keys) tmp[count[static_cast<std::size_t>((k >> shift) & kMask)]++] = k;
    keys.swap(tmp);
  }
}

// Per-thread scratch for summarizing columns, kept across columns: at 10^6
// paths a column's buffers take 24 MB, and fresh memory for every column
// cost more in page faults than the statistics themselves.
struct ColumnScratch {
  BigBuffer<double> values;
  BigBuffer<std::uint32_t> keys32;
  BigBuffer<std::uint64_t> keys64;
};
ColumnScratch& column_scratch() {
  thread_local ColumnScratch scratch;
  return scratch;
}

// Scratch of one level of select_keys, per thread and kept across columns.
// A deque: a deeper level may be added while a shallower one is in use.
template <class Key>
struct SelectLevel {
  std::vector<std::uint32_t> start, slot;
  std::vector<std::uint8_t> needed;
  std::vector<std::size_t> chosen, local_ranks;
  std::vector<Key> part, gathered;
};
template <class Key>
SelectLevel<Key>& select_level(std::size_t depth) {
  thread_local std::deque<SelectLevel<Key>> levels;
  if (levels.size() <= depth) levels.resize(depth + 1);
  return levels[depth];
}

// The order statistics at `ranks` (0-based, non-decreasing) of `keys`, whose
// least and greatest are kmin and kmax, without sorting them all (a radix
// select). Buckets split [kmin, kmax] by the key bits below the bits every
// key shares (so a column whose values share sign, exponent and leading
// digits still spreads over all buckets), about eight keys a bucket and at
// most 2^16 buckets (the counts stay in L1/L2). A histogram finds the bucket
// of each rank; one pass gathers the keys of those buckets (a few dozen of
// thousands), and each is searched the same way in turn, or sorted when
// small. Each level narrows the keys' range by at least 6 bits, so the
// depth is bounded; equal keys end it at once. The result is exactly the
// sorted keys' entries at `ranks`.
template <class Key>
void select_keys(std::span<const Key> keys, Key kmin, Key kmax, std::span<const std::size_t> ranks, std::span<Key> out,
                 std::size_t depth = 0) {
  const std::size_t n = keys.size();
  if (kmin == kmax) {  // all keys equal
    std::fill(out.begin(), out.end(), kmin);
    return;
  }
  auto& w = select_level<Key>(depth);
  if (n <= 256 || (depth == 0 && n < 8192)) {  // measured: below these a whole sort is faster
    w.part.assign(keys.begin(), keys.end());
    if (n <= 256) {
      std::sort(w.part.begin(), w.part.end());
    } else {
      w.gathered.resize(n);
      radix_sort(w.part, w.gathered);
    }
    for (std::size_t i = 0; i < ranks.size(); ++i) out[i] = w.part[ranks[i]];
    return;
  }
  const int top_bits = std::clamp(static_cast<int>(std::bit_width(n)) - 3, 6, 16);
  const int spread = static_cast<int>(std::bit_width(static_cast<Key>(kmin ^ kmax)));
  const int shift = std::max(0, spread - top_bits);
  const Key base = kmin >> shift;
  const std::size_t buckets = static_cast<std::size_t>((kmax >> shift) - base) + 1;
  const auto bucket = [&](Key k) { return static_cast<std::size_t>((k >> shift) - base); };
  auto& start = w.start;
  start.assign(buckets + 1, 0);
  for (Key k : keys) ++start[bucket(k) + 1];
  for (std::size_t b = 1; b <= buckets; ++b) start[b] += start[b - 1];
  // The buckets holding the ranks, in increasing order, and where each one's
  // keys go among the gathered keys.
  w.needed.assign(buckets, 0);
  w.slot.resize(buckets);
  w.chosen.clear();
  std::uint32_t gathered = 0;
  for (std::size_t r : ranks) {
    const auto b = static_cast<std::size_t>(std::upper_bound(start.begin(), start.end(), static_cast<std::uint32_t>(r)) -
                                            start.begin()) - 1;
    if (!w.needed[b]) {
      w.needed[b] = 1;
      w.chosen.push_back(b);
      w.slot[b] = gathered;
      gathered += start[b + 1] - start[b];
    }
  }
  // Gather without a branch: every key is written at the next free place,
  // which advances only for a key of a chosen bucket.
  w.gathered.resize(gathered + std::size_t{1});
  std::size_t j = 0;
  for (Key k : keys) {
    w.gathered[j] = k;
    j += w.needed[bucket(k)];
  }
  w.part.resize(gathered);
  for (std::size_t i = 0; i < gathered; ++i) {
    const Key k = w.gathered[i];
    w.part[w.slot[bucket(k)]++] = k;
  }
  // Each chosen bucket in turn: its ranks are consecutive in `ranks`.
  std::size_t i = 0;
  for (std::size_t b : w.chosen) {
    const std::size_t lo = start[b], size = start[b + 1] - start[b];
    const std::span<const Key> sub{w.part.data() + (w.slot[b] - size), size};
    const std::size_t i0 = i;
    w.local_ranks.clear();
    for (; i < ranks.size() && ranks[i] < lo + size; ++i) w.local_ranks.push_back(ranks[i] - lo);
    const auto [smin, smax] = std::minmax_element(sub.begin(), sub.end());
    // The next level works in its own scratch: this level's stays valid.
    select_keys<Key>(sub, *smin, *smax, w.local_ranks, out.subspan(i0, w.local_ranks.size()), depth + 1);
  }
}

// The keys of a column in one pass, with the least and greatest key. False
// when a value is an infinity or NaN (its bits without the sign are at least
// those of infinity).
template <class Key, class Value>
bool column_keys(std::span<const Value> col, Key* keys, Key& kmin, Key& kmax) {
  constexpr Key kMagnitude = ~Key{0} >> 1;
  const Key kInfinity = std::bit_cast<Key>(std::numeric_limits<Value>::infinity());
  Key lo = ~Key{0}, hi = 0, magnitude = 0;
  for (std::size_t i = 0; i < col.size(); ++i) {
    const Key k = order_key<Key>(col[i]);
    keys[i] = k;
    lo = std::min(lo, k);
    hi = std::max(hi, k);
    magnitude = std::max(magnitude, static_cast<Key>(std::bit_cast<Key>(col[i]) & kMagnitude));
  }
  kmin = lo;
  kmax = hi;
  return magnitude < kInfinity;
}

// A column of finite values: moments in path order (floats widened to
// double), order statistics selected from radix keys; the same results as
// summarize_column on the same values. False (nothing written) when a value
// is not finite.
template <class Value, class Key>
bool summarize_finite_column(std::span<const Value> col, std::uint64_t first_path, BigBuffer<Key>& keys,
                             std::span<const double> probabilities, double confidence, Distribution& out,
                             std::size_t column) {
  const std::size_t n = col.size();
  keys.resize(n);
  Key kmin = 0, kmax = 0;
  if (!column_keys(col, keys.data(), kmin, kmax)) return false;
  const auto ranks = stats::quantile_ranks(n, probabilities, confidence);
  std::vector<Key> picked(ranks.size());
  select_keys<Key>({keys.data(), n}, kmin, kmax, ranks, picked);
  std::vector<double> at(ranks.size());
  for (std::size_t i = 0; i < ranks.size(); ++i) at[i] = key_value<Value>(picked[i]);
  const auto finite = tree::local_moments(col, first_path, [](double) { return true; });
  write_column({finite, n, ranks, at, false, 0.0}, probabilities, confidence, out, column);
  return true;
}

// A float column; one with an infinity or NaN (rare: a year metric is never
// infinite in practice) takes the general route.
void summarize_float_column(std::span<const float> col, std::uint64_t first_path, std::span<const double> probabilities,
                            double confidence, Distribution& out, std::size_t column) {
  auto& w = column_scratch();
  if (summarize_finite_column(col, first_path, w.keys32, probabilities, confidence, out, column)) return;
  w.values.resize(col.size());
  std::copy(col.begin(), col.end(), w.values.data());
  summarize_column({w.values.data(), col.size()}, probabilities, confidence, out, column, first_path);
}
}  // namespace

void write_column(const ColumnParts& parts, std::span<const double> probabilities, double confidence,
                  Distribution& out, std::size_t column) {
  out.finite[column] = parts.finite.count;
  out.mean[column] = parts.finite.moments.mean;
  out.sd[column] = parts.finite.moments.sd;
  out.se[column] = parts.finite.moments.se;
  if (parts.defined == 0) {
    for (std::size_t p = 0; p < probabilities.size(); ++p) {
      const std::size_t i = p * out.columns + column;
      out.quantile[i] = out.lower[i] = out.upper[i] = kNaN;
    }
    return;
  }
  // Infinite values are +inf ("never"): ordered above every finite value,
  // and a finite stand-in for them in the interpolation, so that it never
  // meets inf - inf; a result above every finite value is +inf again.
  const double stand_in = 2 * parts.top + 1;
  const auto q = stats::quantiles_with_ci_at(parts.defined, probabilities, confidence, [&](std::size_t r) {
    const auto it = std::lower_bound(parts.ranks.begin(), parts.ranks.end(), r);
    if (it == parts.ranks.end() || *it != r) throw std::logic_error("write_column: an order statistic not selected");
    const double v = parts.at_ranks[static_cast<std::size_t>(it - parts.ranks.begin())];
    return std::isinf(v) ? stand_in : v;
  });
  const auto back = [&](double v) { return parts.has_inf && v > parts.top ? std::numeric_limits<double>::infinity() : v; };
  for (std::size_t p = 0; p < probabilities.size(); ++p) {
    const std::size_t i = p * out.columns + column;
    out.quantile[i] = back(q[p].value);
    out.lower[i] = back(q[p].lower);
    out.upper[i] = back(q[p].upper);
  }
}

void summarize_column(std::span<const double> values, std::span<const double> probabilities, double confidence,
                      Distribution& out, std::size_t column, std::uint64_t first_path) {
  // NaN marks a path on which the value is undefined (MetricSpec::
  // may_be_undefined): every statistic is over the other paths; the moments
  // are over the finite ones, whose number is the finite count (+inf counts
  // among the defined values for quantiles only).
  const auto finite = tree::local_moments(values, first_path, [](double x) { return std::isfinite(x); });
  std::vector<std::uint64_t> keys;
  keys.reserve(values.size());
  double top = 0;
  bool has_inf = false;
  for (double v : values) {
    if (std::isnan(v)) continue;
    keys.push_back(order_key<std::uint64_t>(v));
    if (std::isfinite(v)) top = std::max(top, std::abs(v));
    else has_inf = true;
  }
  std::vector<std::size_t> ranks;
  std::vector<double> at;
  if (!keys.empty()) {
    ranks = stats::quantile_ranks(keys.size(), probabilities, confidence);
    const auto [kmin, kmax] = std::minmax_element(keys.begin(), keys.end());
    std::vector<std::uint64_t> picked(ranks.size());
    select_keys<std::uint64_t>(keys, *kmin, *kmax, ranks, picked);
    for (auto k : picked) at.push_back(key_value<double>(k));
  }
  write_column({finite, keys.size(), ranks, at, has_inf, top}, probabilities, confidence, out, column);
}

std::vector<Distribution> summarize_year_metrics(const PathSample& sample, std::span<const double> probabilities,
                                                 double confidence, int threads, const std::atomic<bool>* stop) {
  const auto stopped = [stop] { return stop != nullptr && stop->load(std::memory_order_relaxed); };
  const int years = sample.years();
  const auto n = static_cast<std::size_t>(sample.paths());
  std::vector<Distribution> out;
  for (std::size_t m = 0; m < sample.year_metrics(); ++m)
    out.push_back(make_distribution(static_cast<std::size_t>(years), probabilities));
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  // In memory one group holds every column; on disk, groups of columns are
  // read in turn. Either way each column is summarised on its own.
  sample.for_each_year_group([&](std::size_t c0, std::size_t count, std::span<const float> values) {
    arena.execute([&] {
      parallel_for_index(count, [&](std::size_t j) {
        if (stopped()) return;
        const std::size_t c = c0 + j;
        const std::size_t m = c / static_cast<std::size_t>(years);
        const std::size_t t = c % static_cast<std::size_t>(years);
        summarize_float_column(values.subspan(j * n, n), sample.first_path(), probabilities, confidence, out[m], t);
      });
    });
    if (stopped()) throw Interrupted();
  });
  if (stopped()) throw Interrupted();
  return out;
}

std::vector<Distribution> summarize_scalars(const PathSample& sample, std::span<const double> probabilities,
                                            double confidence, int threads, const std::atomic<bool>* stop) {
  const auto stopped = [stop] { return stop != nullptr && stop->load(std::memory_order_relaxed); };
  const auto n = static_cast<std::size_t>(sample.paths());
  std::vector<Distribution> out;
  for (std::size_t s = 0; s < sample.scalars(); ++s) out.push_back(make_distribution(1, probabilities));
  tbb::task_arena arena(threads > 0 ? threads : tbb::task_arena::automatic);
  sample.for_each_scalar_group([&](std::size_t s0, std::size_t count, std::span<const double> columns) {
    arena.execute([&] {
      parallel_for_index(count, [&](std::size_t j) {
        if (stopped()) return;
        const auto col = columns.subspan(j * n, n);
        if (summarize_finite_column(col, sample.first_path(), column_scratch().keys64, probabilities, confidence,
                                    out[s0 + j], 0))
          return;
        summarize_column(col, probabilities, confidence, out[s0 + j], 0, sample.first_path());  // +inf or NaN
      });
    });
    if (stopped()) throw Interrupted();
  });
  // The float scalars (finite, as the sample requires), after the doubles.
  const std::size_t doubles = sample.double_scalars();
  sample.for_each_float_scalar_group([&](std::size_t c0, std::size_t count, std::span<const float> values) {
    arena.execute([&] {
      parallel_for_index(count, [&](std::size_t j) {
        if (stopped()) return;
        summarize_float_column(values.subspan(j * n, n), sample.first_path(), probabilities, confidence,
                               out[doubles + c0 + j], 0);
      });
    });
    if (stopped()) throw Interrupted();
  });
  if (stopped()) throw Interrupted();
  return out;
}

double Distribution::quantile_at(double p, std::size_t column) const {
  const auto it = std::find(probabilities.begin(), probabilities.end(), p);
  if (it == probabilities.end()) throw std::out_of_range("no quantile at this probability");
  return quantile.at(static_cast<std::size_t>(it - probabilities.begin()) * columns + column);
}

}  // namespace pfsim
