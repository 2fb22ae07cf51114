#pragma once
// Sums over paths in a fixed order that does not depend on how the paths are
// split between threads, shards or MPI ranks (docs/model.md D5.6a).
//
// Path ids are cut into blocks of kBlock consecutive ids (block b holds ids
// [b kBlock, (b + 1) kBlock)). A block's sum is the eight-way interleaved sum
// of its kept values in path order (stats::lane_sums); blocks are combined in
// a fixed binary tree over block numbers: node (h, i) covers blocks
// [i 2^h, (i + 1) 2^h) and is the sum of its two children, a node without
// kept values being absent (it adds nothing, not even 0.0). A process that
// holds a block-aligned range of paths reports the sums of the tree's nodes
// that cover its range exactly (cover(), node_sums()); the root of every
// process's nodes together (NodeIndex::root()) is the same bits as one
// process summing all the paths (local_root()).
#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <utility>
#include <vector>

#include "core/statistics.h"

namespace pfsim::tree {

inline constexpr std::uint64_t kBlock = 1024;

// Blocks needed for paths [0, paths).
inline std::uint64_t blocks(std::uint64_t paths) { return (paths + kBlock - 1) / kBlock; }

struct Node {
  int level = 0;
  std::uint64_t index = 0;
  std::uint64_t first() const { return index << level; }
  std::uint64_t end() const { return (index + 1) << level; }
  friend bool operator==(const Node&, const Node&) = default;
};

// The largest aligned nodes that tile blocks [b0, b1), in increasing order.
inline std::vector<Node> cover(std::uint64_t b0, std::uint64_t b1) {
  std::vector<Node> out;
  for (std::uint64_t b = b0; b < b1;) {
    int h = 0;
    while (h < 62 && (b & ((std::uint64_t{1} << (h + 1)) - 1)) == 0 && b + (std::uint64_t{2} << h) <= b1) ++h;
    out.push_back({h, b >> h});
    b += std::uint64_t{1} << h;
  }
  return out;
}

// K sums and how many values they hold (0: absent).
template <std::size_t K>
struct Sum {
  std::array<double, K> value{};
  std::uint64_t count = 0;
};

template <std::size_t K>
Sum<K> combine(const Sum<K>& a, const Sum<K>& b) {
  if (a.count == 0) return b;
  if (b.count == 0) return a;
  Sum<K> s;
  for (std::size_t k = 0; k < K; ++k) s.value[k] = a.value[k] + b.value[k];
  s.count = a.count + b.count;
  return s;
}

namespace detail {
// Node (h, i) from leaves(block) for blocks below `end` (others absent).
template <std::size_t K, class Leaf>
Sum<K> eval(int h, std::uint64_t i, std::uint64_t end, const Leaf& leaf) {
  if ((i << h) >= end) return {};
  if (h == 0) return leaf(i);
  return combine(eval<K>(h - 1, 2 * i, end, leaf), eval<K>(h - 1, 2 * i + 1, end, leaf));
}
}  // namespace detail

// The sums of the nodes cover(b0, b1), each from leaf(block) for the blocks
// it holds.
template <std::size_t K, class Leaf>
std::vector<Sum<K>> node_sums(std::span<const Node> nodes, std::uint64_t b1, const Leaf& leaf) {
  std::vector<Sum<K>> out;
  out.reserve(nodes.size());
  for (const Node& n : nodes) out.push_back(detail::eval<K>(n.level, n.index, b1, leaf));
  return out;
}

// The nodes that several processes' ranges cover between them (tiling
// [0, blocks)), indexed for finding the root from their sums.
class NodeIndex {
 public:
  explicit NodeIndex(std::vector<Node> nodes) : nodes_(std::move(nodes)), order_(nodes_.size()) {
    for (std::size_t i = 0; i < order_.size(); ++i) order_[i] = i;
    std::sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return less(nodes_[a], nodes_[b]); });
  }
  // The root from sums[i], the sum of nodes[i].
  template <std::size_t K>
  Sum<K> root(std::span<const Sum<K>> sums, std::uint64_t blocks) const {
    if (blocks == 0) return {};
    return at<K>(static_cast<int>(std::bit_width(blocks - 1)), 0, sums, blocks);
  }

 private:
  static bool less(const Node& a, const Node& b) { return a.level != b.level ? a.level < b.level : a.index < b.index; }
  template <std::size_t K>
  Sum<K> at(int h, std::uint64_t i, std::span<const Sum<K>> sums, std::uint64_t blocks) const {
    if ((i << h) >= blocks) return {};
    const Node want{h, i};
    const auto it = std::lower_bound(order_.begin(), order_.end(), want,
                                     [&](std::size_t k, const Node& w) { return less(nodes_[k], w); });
    if (it != order_.end() && nodes_[*it] == want) return sums[*it];
    if (h == 0) return {};
    return combine(at<K>(h - 1, 2 * i, sums, blocks), at<K>(h - 1, 2 * i + 1, sums, blocks));
  }
  std::vector<Node> nodes_;
  std::vector<std::size_t> order_;
};

// The sums of K terms f(x) over the values of `col` (path ids first_path
// onwards) for which keep(x) holds, block by block: entry j is block
// first_path / kBlock + j.
template <std::size_t K, class T, class Keep, class F>
std::vector<Sum<K>> leaf_sums(std::span<const T> col, std::uint64_t first_path, Keep keep, F f) {
  const std::uint64_t end_path = first_path + col.size();
  if (col.empty()) return {};
  const std::uint64_t b0 = first_path / kBlock, b1 = blocks(end_path);
  std::vector<Sum<K>> leaves(b1 - b0);
  std::vector<double> kept;
  for (std::uint64_t b = b0; b < b1; ++b) {
    const std::uint64_t lo = std::max(b * kBlock, first_path), hi = std::min((b + 1) * kBlock, end_path);
    const auto part = col.subspan(lo - first_path, hi - lo);
    auto& s = leaves[b - b0];
    for (T x : part) s.count += keep(static_cast<double>(x)) ? 1 : 0;
    if (s.count == part.size()) {
      if (s.count) s.value = stats::lane_sums<K>(part, f);
      continue;
    }
    kept.clear();
    for (T x : part)
      if (keep(static_cast<double>(x))) kept.push_back(static_cast<double>(x));
    if (s.count) s.value = stats::lane_sums<K>(std::span<const double>(kept), f);
  }
  return leaves;
}

// A leaf function over leaf_sums' result for a range starting at block b0.
template <std::size_t K>
auto leaves_from(const std::vector<Sum<K>>& leaves, std::uint64_t b0) {
  return [&leaves, b0](std::uint64_t b) { return b < b0 || b - b0 >= leaves.size() ? Sum<K>{} : leaves[b - b0]; };
}

// The whole tree of one process's values (blocks outside them absent).
template <std::size_t K, class T, class Keep, class F>
Sum<K> local_root(std::span<const T> col, std::uint64_t first_path, Keep keep, F f) {
  if (col.empty()) return {};
  const auto leaves = leaf_sums<K>(col, first_path, keep, f);
  const std::uint64_t b1 = blocks(first_path + col.size());
  const int top = b1 > 1 ? static_cast<int>(std::bit_width(b1 - 1)) : 0;
  return detail::eval<K>(top, 0, b1, leaves_from<K>(leaves, first_path / kBlock));
}


// Moments in the tree's order: the corrected two-pass algorithm of
// stats::moments, its two sums each a tree sum. n == 1 gives the value and
// NaN sd and se; n == 0 gives NaN throughout.
inline stats::Moments finish_moments(std::uint64_t n, double mean, const Sum<2>& deviations) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  if (n == 0) return {nan, nan, nan};
  if (n == 1) return {mean, nan, nan};
  const double nd = static_cast<double>(n);
  const auto [ss, s] = deviations.value;
  const double variance = std::max(0.0, (ss - s * s / nd) / (nd - 1.0));
  const double sd = std::sqrt(variance);
  return {mean, sd, sd / std::sqrt(nd)};
}
inline double mean_of(const Sum<1>& sum) {
  return sum.count ? sum.value[0] / static_cast<double>(sum.count) : std::numeric_limits<double>::quiet_NaN();
}
inline auto identity_term() {
  return [](double x) { return std::array<double, 1>{x}; };
}
inline auto deviation_terms(double mean) {
  return [mean](double x) {
    const double d = x - mean;
    return std::array<double, 2>{d * d, d};
  };
}

struct CountedMoments {
  stats::Moments moments;
  std::uint64_t count = 0;
};
// The moments of the values of `col` (path ids first_path onwards) that
// keep(x) holds for, in one process.
template <class T, class Keep>
CountedMoments local_moments(std::span<const T> col, std::uint64_t first_path, Keep keep) {
  const auto sum = local_root<1>(col, first_path, keep, identity_term());
  const double mean = mean_of(sum);
  Sum<2> dev;
  if (sum.count > 1) dev = local_root<2>(col, first_path, keep, deviation_terms(mean));
  return {finish_moments(sum.count, mean, dev), sum.count};
}

}  // namespace pfsim::tree
