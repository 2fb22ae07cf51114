#pragma once
// Exact statistics of a sample split between processes (MPI ranks), found
// where the paths are: no process ever holds the others' values.
//
// Each process holds a block-aligned range of the path ids (rank_range) and
// takes part in collective steps (Collective) that move counts and partial
// sums, never the sample:
// - counts and the least and greatest value of each column: sums, minima
//   and maxima of integers, exact in any order;
// - moments: the sums of the nodes of the fixed summation tree over path
//   blocks that cover the process's range (core/block_tree.h), combined by
//   process 0 in the tree's order, so the bits are those of one process;
// - order statistics: a histogram of the order keys (core/order_key.h) of
//   each column, summed over the processes and refined level by level only
//   in the buckets that hold a wanted rank, each such bucket first narrowed
//   to the least and greatest key in it, until a bucket holds one key value
//   or at most kGatherAt values; then only those values move. A level has
//   up to 2^kSelectBits buckets an interval, fewer for fewer values.
// Every process calls the same functions with the same arguments (its own
// range's values aside) in the same order, and every process gets the
// results. What has to be combined in order (the tree's nodes, the last
// buckets' values) goes to process 0, which sends back only the results, so
// that no process receives every other's parts but process 0.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "core/block_tree.h"
#include "core/order_key.h"
#include "core/parallel.h"

namespace pfsim {

class Collective {
 public:
  virtual ~Collective() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Element-wise over the processes; the result on every process.
  virtual void sum(std::span<std::uint64_t> values) = 0;
  virtual void min(std::span<std::uint64_t> values) = 0;
  virtual void max(std::span<std::uint64_t> values) = 0;
  // Every process's values (any number each), concatenated in rank order,
  // on process 0; empty on the others.
  virtual std::vector<std::uint64_t> gather(std::span<const std::uint64_t> mine) = 0;
  // Process 0's values, on every process (the others' spans are overwritten;
  // they must have the same size).
  virtual void broadcast(std::span<std::uint64_t> values) = 0;
  // Bytes this process has sent to others in these steps: a reduction
  // counts twice its vector (a reduce-scatter and an allgather), a gather
  // its own values, a broadcast its values once for each process it passes
  // them to in a binomial tree.
  std::uint64_t bytes_sent = 0;
};

// How many processes rank r of k passes a broadcast from 0 to in a binomial
// tree: r + 2^j for every j with 2^j > r and r + 2^j < k.
inline int broadcast_children(int r, int k) {
  int children = 0;
  for (long long step = 1; step < k; step *= 2)
    if (step > r && r + step < k) ++children;
  return children;
}

// One process: the collective steps return what they are given.
class SingleProcess final : public Collective {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void sum(std::span<std::uint64_t>) override {}
  void min(std::span<std::uint64_t>) override {}
  void max(std::span<std::uint64_t>) override {}
  std::vector<std::uint64_t> gather(std::span<const std::uint64_t> mine) override { return {mine.begin(), mine.end()}; }
  void broadcast(std::span<std::uint64_t>) override {}
};

// The paths [first, end) of process r of k for n paths: whole blocks of the
// summation tree, as even as blocks allow.
inline std::pair<std::uint64_t, std::uint64_t> rank_range(std::uint64_t n, int k, int r) {
  const std::uint64_t nb = tree::blocks(n), kk = static_cast<std::uint64_t>(k);
  const auto at = [&](std::uint64_t i) { return std::min(n, (static_cast<std::uint64_t>(i) * nb / kk) * tree::kBlock); };
  return {at(static_cast<std::uint64_t>(r)), at(static_cast<std::uint64_t>(r) + 1)};
}

namespace dist {

inline constexpr int kSelectBits = 11;
inline constexpr std::uint64_t kGatherAt = 32;

// The key of a value for ordering: its double's order key (a float widened
// to double orders as the float).
template <class Value>
std::uint64_t key_of(Value v) {
  return order_key<std::uint64_t>(static_cast<double>(v));
}

// What every process needs to know of a column before the moments and the
// order statistics.
struct ColumnFacts {
  std::uint64_t defined = 0;   // not NaN
  std::uint64_t finite = 0;
  std::uint64_t infinite = 0;  // +-inf
  std::uint64_t kmin = 0, kmax = 0;  // least and greatest key of the defined values
  double top = 0;              // largest finite magnitude
};

template <class Value>
std::vector<ColumnFacts> column_facts(Collective& c, std::span<const std::span<const Value>> cols) {
  const std::size_t m = cols.size();
  std::vector<std::uint64_t> lo(m, ~std::uint64_t{0}), hi(2 * m, 0), counts(3 * m, 0);
  parallel_for_index(m, [&](std::size_t j) {
    std::uint64_t kmin = ~std::uint64_t{0}, kmax = 0, top = 0, defined = 0, finite = 0;
    for (Value v : cols[j]) {
      if (std::isnan(v)) continue;
      ++defined;
      const std::uint64_t k = key_of(v);
      kmin = std::min(kmin, k);
      kmax = std::max(kmax, k);
      if (std::isfinite(v)) {
        ++finite;
        top = std::max(top, std::bit_cast<std::uint64_t>(std::abs(static_cast<double>(v))));
      }
    }
    lo[j] = kmin;
    hi[2 * j] = kmax;
    hi[2 * j + 1] = top;  // a non-negative double's bits order as it does
    counts[3 * j] = defined;
    counts[3 * j + 1] = finite;
    counts[3 * j + 2] = defined - finite;
  });
  c.min(lo);
  c.max(hi);
  c.sum(counts);
  std::vector<ColumnFacts> out(m);
  for (std::size_t j = 0; j < m; ++j)
    out[j] = {counts[3 * j], counts[3 * j + 1], counts[3 * j + 2], lo[j], hi[2 * j], std::bit_cast<double>(hi[2 * j + 1])};
  return out;
}

// The tree sums of K terms over each column's kept values across the
// processes: keep(j, x) and terms(j) (a callable x -> std::array<double, K>)
// for column j. cols[j] holds paths [first_path, ...) of n in all.
template <std::size_t K, class Value, class Keep, class Terms>
std::vector<tree::Sum<K>> tree_sums(Collective& c, std::span<const std::span<const Value>> cols, std::uint64_t first_path,
                                    std::uint64_t n, Keep keep, Terms terms) {
  const std::size_t m = cols.size();
  const int size = c.size();
  std::vector<std::vector<tree::Node>> nodes(static_cast<std::size_t>(size));
  for (int r = 0; r < size; ++r) {
    const auto [f, e] = rank_range(n, size, r);
    nodes[static_cast<std::size_t>(r)] = tree::cover(f / tree::kBlock, tree::blocks(e));
  }
  const auto& mine = nodes[static_cast<std::size_t>(c.rank())];
  constexpr std::size_t kWords = K + 1;
  std::vector<std::uint64_t> local(m * mine.size() * kWords);
  const std::uint64_t b1 = tree::blocks(first_path + (m ? cols[0].size() : 0));
  parallel_for_index(m, [&](std::size_t j) {
    const auto leaves = tree::leaf_sums<K>(cols[j], first_path, [&](double x) { return keep(j, x); }, terms(j));
    const auto sums = tree::node_sums<K>(mine, b1, tree::leaves_from<K>(leaves, first_path / tree::kBlock));
    for (std::size_t i = 0; i < sums.size(); ++i) {
      std::uint64_t* w = &local[(j * mine.size() + i) * kWords];
      w[0] = sums[i].count;
      for (std::size_t k = 0; k < K; ++k) w[1 + k] = std::bit_cast<std::uint64_t>(sums[i].value[k]);
    }
  });
  const auto all = c.gather(local);
  // Process 0 combines every process's nodes in the tree's order and tells
  // the others the roots.
  std::vector<std::uint64_t> roots(m * kWords, 0);
  if (c.rank() == 0) {
    std::vector<tree::Node> every;
    std::vector<std::size_t> start;
    std::size_t at = 0;
    for (const auto& ns : nodes) {
      start.push_back(at);
      at += m * ns.size() * kWords;
      every.insert(every.end(), ns.begin(), ns.end());
    }
    if (at != all.size()) throw std::logic_error("tree_sums: the processes sent other node sums than their ranges have");
    const tree::NodeIndex index(every);
    std::vector<tree::Sum<K>> sums(every.size());
    for (std::size_t j = 0; j < m; ++j) {
      std::size_t e = 0;
      for (std::size_t r = 0; r < nodes.size(); ++r)
        for (std::size_t i = 0; i < nodes[r].size(); ++i, ++e) {
          const std::uint64_t* w = &all[start[r] + (j * nodes[r].size() + i) * kWords];
          sums[e].count = w[0];
          for (std::size_t k = 0; k < K; ++k) sums[e].value[k] = std::bit_cast<double>(w[1 + k]);
        }
      const auto root = index.root<K>(sums, tree::blocks(n));
      roots[j * kWords] = root.count;
      for (std::size_t k = 0; k < K; ++k) roots[j * kWords + 1 + k] = std::bit_cast<std::uint64_t>(root.value[k]);
    }
  }
  c.broadcast(roots);
  std::vector<tree::Sum<K>> out(m);
  for (std::size_t j = 0; j < m; ++j) {
    out[j].count = roots[j * kWords];
    for (std::size_t k = 0; k < K; ++k) out[j].value[k] = std::bit_cast<double>(roots[j * kWords + 1 + k]);
  }
  return out;
}

// The keys at `ranks[j]` (0-based among the defined values, increasing) of
// each column j, whose facts are `facts[j]`.
template <class Value>
std::vector<std::vector<std::uint64_t>> select(Collective& c, std::span<const std::span<const Value>> cols,
                                               std::span<const ColumnFacts> facts,
                                               std::span<const std::vector<std::size_t>> ranks) {
  // An interval of keys holding wanted ranks, and, once cut into buckets,
  // its bucket grid. `parent` and `bucket` say which bucket of which
  // interval of the previous level it lies in (none for a whole column).
  struct Interval {
    std::uint64_t lo, hi, below, count;
    std::size_t column;
    std::vector<std::size_t> which;  // indices into ranks[column]
    std::uint64_t from = 0;          // the count of the interval it was cut from (0: a whole column)
    std::size_t parent = 0, bucket = 0;
    int shift = 0;                   // its grid: bucket b holds keys with (key >> shift) - (lo >> shift) == b
    std::size_t buckets = 0, offset = 0;
  };
  const std::size_t m = cols.size();
  std::vector<std::vector<std::uint64_t>> out(m);
  std::vector<Interval> open, small;
  const auto place = [&](Interval&& iv) {
    if (iv.lo == iv.hi) {
      for (std::size_t w : iv.which) out[iv.column][w] = iv.lo;
    } else if (iv.count <= kGatherAt) {
      small.push_back(std::move(iv));
    } else {
      open.push_back(std::move(iv));
    }
  };
  for (std::size_t j = 0; j < m; ++j) {
    out[j].assign(ranks[j].size(), 0);
    if (ranks[j].empty()) continue;
    if (facts[j].defined == 0 || ranks[j].back() >= facts[j].defined)
      throw std::logic_error("select: a rank beyond the column's values");
    Interval iv{facts[j].kmin, facts[j].kmax, 0, facts[j].defined, j, {}};
    for (std::size_t w = 0; w < ranks[j].size(); ++w) iv.which.push_back(w);
    place(std::move(iv));
  }
  // Level 0 reads whole columns: its open intervals are whole columns, and
  // so are its small ones. Each later level reads only the keys the level
  // before kept (those of its open intervals), and finds a key's interval
  // through its parent's bucket: a table, not a search.
  std::vector<Interval> parents;                     // the previous level's open intervals
  std::vector<std::vector<std::uint64_t>> parent_keys;  // this process's keys in each
  std::vector<std::vector<std::uint64_t>> found;     // this process's keys in each small interval
  std::size_t collected = 0;                         // small[0, collected) have their keys in `found`
  for (int level = 0; !open.empty() || collected < small.size(); ++level) {
    std::size_t cells = 0;
    for (Interval& iv : open) {
      // About sqrt(c) buckets for c values: the bytes of the histogram and
      // those of the values it leaves in a bucket are then about equal.
      // A whole column, or an interval that kept over a quarter of its
      // parent's values (values crowded into a few buckets: a fund at zero
      // on a tenth of the paths, a long tail), is cut into about c / 32
      // buckets (at most 2^kSelectBits), which ends crowding in fewer
      // levels.
      const bool crowded = iv.from == 0 || iv.count > iv.from / 4;
      const int width = static_cast<int>(std::bit_width(iv.count));
      const int bits = std::clamp(crowded ? width - 5 : (width - 1) / 2, 1, kSelectBits);
      const int spread = static_cast<int>(std::bit_width(iv.lo ^ iv.hi));
      iv.shift = std::max(0, spread - bits);
      iv.buckets = static_cast<std::size_t>((iv.hi >> iv.shift) - (iv.lo >> iv.shift)) + 1;
      iv.offset = cells;
      cells += iv.buckets;
    }
    std::vector<std::uint64_t> hist(cells, 0);
    // The least and greatest key this process saw in each bucket: a wanted
    // bucket's interval is narrowed to the values in it (all equal ends it).
    std::vector<std::uint64_t> bmin(cells, ~std::uint64_t{0}), bmax(cells, 0);
    found.resize(small.size());
    std::vector<std::vector<std::uint64_t>> kept(open.size());
    // A key of an open interval: counted in its bucket, and kept for the
    // next level.
    const auto count_in = [&](std::size_t i, std::uint64_t k) {
      const Interval& iv = open[i];
      const std::size_t at = iv.offset + static_cast<std::size_t>((k >> iv.shift) - (iv.lo >> iv.shift));
      ++hist[at];
      bmin[at] = std::min(bmin[at], k);
      bmax[at] = std::max(bmax[at], k);
    };
    if (level == 0) {
      std::vector<std::size_t> open_of(m, ~std::size_t{0}), small_of(m, ~std::size_t{0});
      for (std::size_t i = 0; i < open.size(); ++i) open_of[open[i].column] = i;
      for (std::size_t i = 0; i < small.size(); ++i) small_of[small[i].column] = i;
      parallel_for_index(m, [&](std::size_t j) {
        if (open_of[j] != ~std::size_t{0}) {
          // A plain histogram of the column (every defined key lies in it).
          const Interval& iv = open[open_of[j]];
          const std::uint64_t base = iv.lo >> iv.shift;
          std::uint64_t* h = hist.data() + iv.offset;
          std::uint64_t* lo = bmin.data() + iv.offset;
          std::uint64_t* hi = bmax.data() + iv.offset;
          for (Value v : cols[j]) {
            if (std::isnan(v)) continue;
            const std::uint64_t k = key_of(v);
            const std::size_t b = (k >> iv.shift) - base;
            ++h[b];
            lo[b] = std::min(lo[b], k);
            hi[b] = std::max(hi[b], k);
          }
        } else if (small_of[j] != ~std::size_t{0}) {
          for (Value v : cols[j])
            if (!std::isnan(v)) found[small_of[j]].push_back(key_of(v));
        }
      });
    } else {
      // Each parent's bucket -> the interval of this level in it (at most
      // one: intervals of this level are single buckets of their parents,
      // narrowed): open i as i, small i as -2 - i, none as -1.
      std::vector<std::vector<std::int64_t>> table(parents.size());
      for (std::size_t p = 0; p < parents.size(); ++p) table[p].assign(parents[p].buckets, -1);
      for (std::size_t i = 0; i < open.size(); ++i) table[open[i].parent][open[i].bucket] = static_cast<std::int64_t>(i);
      for (std::size_t i = collected; i < small.size(); ++i)
        table[small[i].parent][small[i].bucket] = -2 - static_cast<std::int64_t>(i);
      // Parents in parallel: an interval of this level has one parent, so
      // its counts, kept keys and found keys have one writer.
      parallel_for_index(parents.size(), [&](std::size_t p) {
        const Interval& par = parents[p];
        const std::uint64_t base = par.lo >> par.shift;
        const auto& t = table[p];
        const auto visit = [&](std::uint64_t k) {
          const std::int64_t e = t[static_cast<std::size_t>((k >> par.shift) - base)];
          if (e == -1) return;
          if (e >= 0) {
            const auto i = static_cast<std::size_t>(e);
            if (k < open[i].lo || k > open[i].hi) return;
            count_in(i, k);
            kept[i].push_back(k);
          } else {
            const auto i = static_cast<std::size_t>(-2 - e);
            if (k >= small[i].lo && k <= small[i].hi) found[i].push_back(k);
          }
        };
        if (level == 1) {
          for (Value v : cols[par.column])
            if (!std::isnan(v)) visit(key_of(v));
        } else {
          for (std::uint64_t k : parent_keys[p]) visit(k);
        }
      });
    }
    collected = small.size();
    if (open.empty()) break;
    c.sum(hist);
    // Cut each open interval at the buckets holding its wanted ranks, and
    // narrow each such bucket to the least and greatest key in it over the
    // processes.
    std::vector<Interval> children;
    std::vector<std::uint64_t> tight_lo, tight_hi;
    for (std::size_t i = 0; i < open.size(); ++i) {
      const Interval& iv = open[i];
      const std::uint64_t base = iv.lo >> iv.shift;
      std::uint64_t below = iv.below;
      std::size_t w = 0;
      for (std::size_t b = 0; b < iv.buckets && w < iv.which.size(); ++b) {
        const std::uint64_t count = hist[iv.offset + b];
        Interval child{std::max(iv.lo, (base + b) << iv.shift), std::min(iv.hi, ((base + b + 1) << iv.shift) - 1), below,
                       count, iv.column, {}, iv.count, i, b};
        for (; w < iv.which.size() && ranks[iv.column][iv.which[w]] < below + count; ++w) child.which.push_back(iv.which[w]);
        below += count;
        if (child.which.empty()) continue;
        tight_lo.push_back(bmin[iv.offset + b]);
        tight_hi.push_back(bmax[iv.offset + b]);
        children.push_back(std::move(child));
      }
      if (w != iv.which.size()) throw std::logic_error("select: the processes' counts do not add up");
    }
    c.min(tight_lo);
    c.max(tight_hi);
    parents.swap(open);
    open.clear();
    parent_keys.swap(kept);
    for (std::size_t i = 0; i < children.size(); ++i) {
      if (tight_lo[i] > tight_hi[i] || tight_lo[i] < children[i].lo || tight_hi[i] > children[i].hi)
        throw std::logic_error("select: a wanted bucket's values outside it");
      children[i].lo = tight_lo[i];
      children[i].hi = tight_hi[i];
      place(std::move(children[i]));
    }
  }
  // The values of the small intervals move: each process sends its own.
  std::vector<std::uint64_t> counts, keys;
  for (const auto& f : found) {
    counts.push_back(f.size());
    keys.insert(keys.end(), f.begin(), f.end());
  }
  const auto all_counts = c.gather(counts);
  const auto all_keys = c.gather(keys);
  // Process 0 orders each small interval's values and tells the others the
  // keys at the ranks.
  std::size_t picks = 0;
  for (const auto& iv : small) picks += iv.which.size();
  std::vector<std::uint64_t> picked(picks, 0);
  if (c.rank() == 0) {
    const std::size_t procs = static_cast<std::size_t>(c.size());
    if (all_counts.size() != procs * small.size()) throw std::logic_error("select: the processes hold other intervals");
    std::vector<std::size_t> at(procs, 0);  // where each process's keys start
    for (std::size_t r = 0, s = 0; r < procs; ++r) {
      at[r] = s;
      for (std::size_t i = 0; i < small.size(); ++i) s += all_counts[r * small.size() + i];
    }
    std::vector<std::uint64_t> gathered;
    std::size_t p = 0;
    for (std::size_t i = 0; i < small.size(); ++i) {
      gathered.clear();
      for (std::size_t r = 0; r < procs; ++r) {
        const auto k = static_cast<std::size_t>(all_counts[r * small.size() + i]);
        gathered.insert(gathered.end(), all_keys.begin() + static_cast<std::ptrdiff_t>(at[r]),
                        all_keys.begin() + static_cast<std::ptrdiff_t>(at[r] + k));
        at[r] += k;
      }
      if (gathered.size() != small[i].count) throw std::logic_error("select: the processes' values do not add up");
      std::sort(gathered.begin(), gathered.end());
      for (std::size_t w : small[i].which) picked[p++] = gathered[ranks[small[i].column][w] - small[i].below];
    }
  }
  c.broadcast(picked);
  std::size_t p = 0;
  for (const auto& iv : small)
    for (std::size_t w : iv.which) out[iv.column][w] = picked[p++];
  return out;
}

}  // namespace dist
}  // namespace pfsim
