// Statistics computed where the paths are (core/distributed_stats.h) equal
// one process's, bit for bit, however the paths are split; the fixed
// summation tree (core/block_tree.h) is what makes the moments so.
#include <catch2/catch.hpp>

#include <barrier>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <thread>
#include <vector>

#include "core/block_tree.h"
#include "core/distributed_stats.h"
#include "core/distribution.h"
#include "core/path_sample.h"
#include "core/statistics.h"
#include "models/risk_report.h"
#include "io/config.h"
#include "run/sample_producer.h"
#include "run/summarize.h"

using namespace pfsim;

namespace {

// k processes as threads: each collective step meets at a barrier, every
// thread reads every thread's contribution, and meets again before any
// contribution is overwritten.
struct Meeting {
  explicit Meeting(int k) : sync(k), slots(static_cast<std::size_t>(k)) {}
  std::barrier<> sync;
  std::vector<std::vector<std::uint64_t>> slots;
};

class ThreadCollective final : public Collective {
 public:
  ThreadCollective(Meeting& m, int rank) : m_(m), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return static_cast<int>(m_.slots.size()); }
  void sum(std::span<std::uint64_t> v) override { reduce(v, [](auto a, auto b) { return a + b; }); }
  void min(std::span<std::uint64_t> v) override { reduce(v, [](auto a, auto b) { return std::min(a, b); }); }
  void max(std::span<std::uint64_t> v) override { reduce(v, [](auto a, auto b) { return std::max(a, b); }); }
  std::vector<std::uint64_t> gather(std::span<const std::uint64_t> mine) override {
    m_.slots[static_cast<std::size_t>(rank_)].assign(mine.begin(), mine.end());
    m_.sync.arrive_and_wait();
    std::vector<std::uint64_t> all;
    if (rank_ == 0)
      for (const auto& s : m_.slots) all.insert(all.end(), s.begin(), s.end());
    m_.sync.arrive_and_wait();
    return all;
  }
  void broadcast(std::span<std::uint64_t> v) override {
    if (rank_ == 0) m_.slots[0].assign(v.begin(), v.end());
    m_.sync.arrive_and_wait();
    if (rank_ != 0) {
      if (m_.slots[0].size() != v.size()) throw std::logic_error("broadcast of another size");
      std::copy(m_.slots[0].begin(), m_.slots[0].end(), v.begin());
    }
    m_.sync.arrive_and_wait();
  }

 private:
  template <class Op>
  void reduce(std::span<std::uint64_t> v, Op op) {
    m_.slots[static_cast<std::size_t>(rank_)].assign(v.begin(), v.end());
    m_.sync.arrive_and_wait();
    std::vector<std::uint64_t> out = m_.slots[0];
    for (std::size_t r = 1; r < m_.slots.size(); ++r)
      for (std::size_t i = 0; i < out.size(); ++i) out[i] = op(out[i], m_.slots[r][i]);
    m_.sync.arrive_and_wait();
    std::copy(out.begin(), out.end(), v.begin());
  }
  Meeting& m_;
  int rank_;
};

// Runs body(collective, first, end) on k threads, one per process of n paths.
template <class Body>
void on_processes(int k, std::uint64_t n, Body body) {
  Meeting meeting(k);
  std::vector<std::thread> threads;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(k));
  for (int r = 0; r < k; ++r)
    threads.emplace_back([&, r] {
      ThreadCollective c(meeting, r);
      const auto [first, end] = rank_range(n, k, r);
      try {
        body(c, first, end);
      } catch (...) {
        errors[static_cast<std::size_t>(r)] = std::current_exception();
      }
    });
  for (auto& t : threads) t.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void check_same(const Distribution& a, const Distribution& b) {
  REQUIRE(a.columns == b.columns);
  for (std::size_t c = 0; c < a.columns; ++c) {
    INFO("column " << c);
    CHECK(a.finite[c] == b.finite[c]);
    CHECK(same_bits(a.mean[c], b.mean[c]));
    CHECK(same_bits(a.sd[c], b.sd[c]));
    CHECK(same_bits(a.se[c], b.se[c]));
  }
  for (std::size_t i = 0; i < a.quantile.size(); ++i) {
    INFO("quantile entry " << i << ": " << a.quantile[i] << " against " << b.quantile[i]);
    CHECK(same_bits(a.quantile[i], b.quantile[i]));
    CHECK(same_bits(a.lower[i], b.lower[i]));
    CHECK(same_bits(a.upper[i], b.upper[i]));
  }
}

Distribution make(std::size_t columns, std::span<const double> probs) {
  Distribution d;
  d.columns = columns;
  d.probabilities.assign(probs.begin(), probs.end());
  d.mean.assign(columns, -1.0);
  d.sd = d.se = d.mean;
  d.finite.assign(columns, 99);
  d.quantile.assign(columns * probs.size(), -1.0);
  d.lower = d.upper = d.quantile;
  return d;
}

const double kNaN = std::numeric_limits<double>::quiet_NaN();
const double kInf = std::numeric_limits<double>::infinity();

// Adversarial columns of n paths: float year columns and double scalar
// columns (NaN and +inf only where a scalar may hold them).
struct Columns {
  std::vector<std::vector<float>> f;
  std::vector<std::vector<double>> d;
};
Columns adversarial(std::uint64_t n) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> z;
  std::uniform_real_distribution<double> u(-300, 300);
  Columns c;
  c.f.resize(6);
  c.d.resize(9);
  for (std::uint64_t i = 0; i < n; ++i) {
    const double x = z(rng), e = u(rng);
    c.f[0].push_back(5.0f);                                                           // all equal
    c.f[1].push_back(i % 10 == 3 ? (i % 20 == 3 ? -0.0f : 0.0f) : static_cast<float>(1e12 * std::exp(0.4 * x)));  // a tenth at zero
    c.f[2].push_back(static_cast<float>(std::round(2 * x) / 2));                     // heavy ties
    c.f[3].push_back(static_cast<float>((i % 2 ? 1 : -1) * std::pow(10.0, e / 10)));  // +-1e-30..1e30
    c.f[4].push_back(i % 10 ? 1.0f : static_cast<float>(x));                         // nine tenths one value
    c.f[5].push_back(std::nextafter(1.0f, 2.0f) + static_cast<float>(i % 3) * 1.1920929e-7f);  // a few ulps apart
    c.d[0].push_back((i % 2 ? 1 : -1) * std::pow(10.0, e));                           // +-1e-300..1e300
    c.d[1].push_back(i % 3 == 0 ? kNaN : x);                                          // a third undefined
    c.d[2].push_back(i % 7 == 0 ? kInf : 2030 + std::floor(40 * std::abs(x)));       // years and "never"
    c.d[3].push_back(kNaN);                                                           // all undefined
    c.d[4].push_back(i == n / 2 ? 3.25 : kNaN);                                       // one defined value
    c.d[5].push_back(kInf);                                                           // all "never"
    c.d[6].push_back(i % 5 == 0 ? kNaN : (i % 5 == 1 ? kInf : x * 1e9));             // both
    c.d[7].push_back(-1e-310 * (1 + static_cast<double>(i % 4)));                    // subnormal
    c.d[8].push_back(x * 1e6);
  }
  return c;
}

}  // namespace

TEST_CASE("the summation tree: cover tiles a range with aligned nodes, and one block is the eight-way sum") {
  const auto nodes = tree::cover(3, 11);
  REQUIRE(nodes.size() == 4);
  CHECK(nodes[0] == tree::Node{0, 3});
  CHECK(nodes[1] == tree::Node{2, 1});
  CHECK(nodes[2] == tree::Node{1, 4});
  CHECK(nodes[3] == tree::Node{0, 10});
  for (std::uint64_t b0 = 0; b0 < 40; ++b0)
    for (std::uint64_t b1 = b0; b1 < 40; ++b1) {
      std::uint64_t at = b0;
      for (const auto& node : tree::cover(b0, b1)) {
        CHECK(node.first() == at);
        CHECK(node.first() % (std::uint64_t{1} << node.level) == 0);
        at = node.end();
      }
      CHECK(at == b1);
    }
  // Up to one block, the moments are those of stats::moments (path i into
  // the i mod 8th of eight sums): results of small runs do not move.
  std::mt19937_64 rng(3);
  std::lognormal_distribution<double> ln(0, 2);
  std::vector<double> v;
  for (std::uint64_t i = 0; i < tree::kBlock; ++i) v.push_back(ln(rng));
  const auto one = tree::local_moments(std::span<const double>(v), 0, [](double) { return true; });
  const auto flat = stats::moments(v);
  CHECK(same_bits(one.moments.mean, flat.mean));
  CHECK(same_bits(one.moments.sd, flat.sd));
  // Three blocks: the root is (block 0 + block 1) + block 2, as written out.
  for (std::uint64_t i = 0; i < 2 * tree::kBlock - 5; ++i) v.push_back(ln(rng));  // the last block short
  const auto block = [&](std::size_t b) {
    const auto part = std::span<const double>(v).subspan(b * tree::kBlock, std::min<std::size_t>(tree::kBlock, v.size() - b * tree::kBlock));
    return stats::lane_sums<1>(part, [](double x) { return std::array<double, 1>{x}; })[0];
  };
  const double sum = (block(0) + block(1)) + block(2);
  const auto three = tree::local_moments(std::span<const double>(v), 0, [](double) { return true; });
  CHECK(same_bits(three.moments.mean, sum / static_cast<double>(v.size())));
  CHECK(three.moments.mean != stats::moments(v).mean);  // the order differs from one flat sum here
  CHECK(three.moments.mean == Approx(stats::moments(v).mean).epsilon(1e-14));
  CHECK(three.moments.sd == Approx(stats::moments(v).sd).epsilon(1e-12));
}

TEST_CASE("distributed statistics of adversarial columns equal one process's on 1 to 4 processes, bit for bit") {
  // 4.3 blocks: every split has a part block, and with 4 processes each
  // holds one or two blocks. The columns need up to a few levels of
  // histograms and final buckets of up to kGatherAt values.
  const std::uint64_t n = GENERATE(as<std::uint64_t>{}, 4 * tree::kBlock + 300, 9 * tree::kBlock + 1);
  const std::vector<double> probs{0.0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0};
  const auto cols = adversarial(n);
  PathSample sample({cols.f.size(), 1, cols.d.size()}, 0, n);
  for (std::size_t j = 0; j < cols.f.size(); ++j)
    std::copy(cols.f[j].begin(), cols.f[j].end(), sample.year_column(j, 0).begin());
  for (std::size_t j = 0; j < cols.d.size(); ++j)
    std::copy(cols.d[j].begin(), cols.d[j].end(), sample.scalar_column(j).begin());
  const auto year = summarize_year_metrics(sample, probs, 0.95, 2);
  const auto scalar = summarize_scalars(sample, probs, 0.95, 2);
  // The one-process route is the general one for these: a check that it
  // saw what the test means (+inf counts among the defined values only).
  CHECK(scalar[3].finite[0] == 0);
  CHECK(std::isnan(scalar[3].quantile[0]));
  CHECK(scalar[4].quantile[5] == 3.25);
  CHECK(scalar[5].quantile[5] == kInf);
  CHECK(std::isnan(scalar[5].mean[0]));
  CHECK(year[0].quantile[5] == 5.0);
  CHECK(year[0].sd[0] == 0.0);

  for (int k = 1; k <= 4; ++k) {
    INFO(k << " processes, " << n << " paths");
    std::vector<Distribution> fy(cols.f.size()), fd(cols.d.size());
    std::vector<std::uint64_t> sent(static_cast<std::size_t>(k));
    on_processes(k, n, [&](Collective& c, std::uint64_t first, std::uint64_t end) {
      std::vector<Distribution> my(cols.f.size(), make(1, probs)), md(cols.d.size(), make(1, probs));
      std::vector<std::span<const float>> f;
      for (const auto& col : cols.f) f.push_back(std::span<const float>(col).subspan(first, end - first));
      distributed_columns<float>(c, f, first, n, probs, 0.95, [&](std::size_t j, const ColumnParts& p) {
        write_column(p, probs, 0.95, my[j], 0);
      });
      std::vector<std::span<const double>> d;
      for (const auto& col : cols.d) d.push_back(std::span<const double>(col).subspan(first, end - first));
      distributed_columns<double>(c, d, first, n, probs, 0.95, [&](std::size_t j, const ColumnParts& p) {
        write_column(p, probs, 0.95, md[j], 0);
      });
      sent[static_cast<std::size_t>(c.rank())] = c.bytes_sent;
      if (c.rank() == k - 1) {  // every process has the results; check the last one's
        fy = my;
        fd = md;
      }
    });
    for (std::size_t j = 0; j < cols.f.size(); ++j) {
      INFO("float column " << j);
      check_same(year[j], fy[j]);
    }
    for (std::size_t j = 0; j < cols.d.size(); ++j) {
      INFO("double column " << j);
      check_same(scalar[j], fd[j]);
    }
  }
}

TEST_CASE("distributed lower-tail risk equals one process's, and the expected shortfall its definition") {
  const std::uint64_t n = 5 * tree::kBlock + 17;
  std::mt19937_64 rng(11);
  std::normal_distribution<double> z;
  std::vector<double> col;
  for (std::uint64_t i = 0; i < n; ++i) col.push_back(i % 9 == 0 ? -2.0 : std::round(8 * z(rng)) / 8);  // ties at the cut
  const std::vector<double> levels{0.01, 0.05, 0.111, 0.5, 1.0};
  SingleProcess one;
  const auto ref = lower_tail_risks(one, col, 0, n, levels);
  // Against the definition: VaR the type-7 quantile; ES the mean of the k
  // smallest; its standard error from their variance.
  std::vector<double> sorted = col;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t l = 0; l < levels.size(); ++l) {
    std::vector<double> copy = col;
    const auto flat = stats::lower_tail_risk(copy, levels[l]);
    CHECK(same_bits(ref[l].value_at_risk, flat.value_at_risk));
    const std::size_t k = stats::tail_count(n, levels[l]);
    long double s = 0;
    for (std::size_t i = 0; i < k; ++i) s += sorted[i];
    CHECK(ref[l].expected_shortfall == Approx(static_cast<double>(s / k)).epsilon(1e-13));
    CHECK(ref[l].expected_shortfall_se == Approx(flat.expected_shortfall_se).epsilon(1e-9));
  }
  for (int k = 2; k <= 4; ++k) {
    INFO(k << " processes");
    std::vector<stats::TailRisk> got;
    on_processes(k, n, [&](Collective& c, std::uint64_t first, std::uint64_t end) {
      const auto r = lower_tail_risks(c, std::span<const double>(col).subspan(first, end - first), first, n, levels);
      if (c.rank() == 0) got = r;
    });
    REQUIRE(got.size() == ref.size());
    for (std::size_t l = 0; l < ref.size(); ++l) {
      CHECK(same_bits(got[l].value_at_risk, ref[l].value_at_risk));
      CHECK(same_bits(got[l].expected_shortfall, ref[l].expected_shortfall));
      CHECK(same_bits(got[l].expected_shortfall_se, ref[l].expected_shortfall_se));
    }
  }
}

TEST_CASE("processes hold block-aligned ranges that tile the paths, empty ones included") {
  for (std::uint64_t n : {0ull, 1ull, 1000ull, 1024ull, 5000ull, 1'000'003ull})
    for (int k = 1; k <= 9; ++k) {
      std::uint64_t at = 0;
      for (int r = 0; r < k; ++r) {
        const auto [f, e] = rank_range(n, k, r);
        CHECK(f == at);
        CHECK(e >= f);
        CHECK((f % tree::kBlock == 0 || f == n));
        at = e;
      }
      CHECK(at == n);
    }
  // More processes than blocks: the empty ones take part and change nothing.
  const std::uint64_t n = tree::kBlock + 5;
  std::vector<double> col;
  for (std::uint64_t i = 0; i < n; ++i) col.push_back(std::sin(static_cast<double>(i)));
  const std::vector<double> probs{0.05, 0.5, 0.95};
  Distribution ref = make(1, probs), got = make(1, probs);
  summarize_column(col, probs, 0.95, ref, 0);
  on_processes(5, n, [&](Collective& c, std::uint64_t first, std::uint64_t end) {
    const std::vector<std::span<const double>> d{std::span<const double>(col).subspan(first, end - first)};
    Distribution mine = make(1, probs);
    distributed_columns<double>(c, d, first, n, probs, 0.95, [&](std::size_t, const ColumnParts& p) { write_column(p, probs, 0.95, mine, 0); });
    if (c.rank() == 4) got = mine;
  });
  check_same(ref, got);
}

TEST_CASE("a run's summary where the paths are equals one process's, pyramids and risks included, whatever the batch of columns") {
  // The baseline with its three pyramids (float scalars) on 3 processes;
  // a memory limit of 40 kB makes batches of two float columns (a quarter
  // of it over the largest range's 1,024 paths), far from the default
  // 256 MiB, which holds every column at once.
  auto cfg = load_config(PFSIM_SOURCE_DIR "/configs/china_baseline.toml", {"run.paths=2500"});
  const PensionModel model(cfg.model);
  REQUIRE(model.shape().float_scalars == 606);
  const std::uint64_t n = 2500;
  EngineOptions eo;
  const auto whole = simulate_paths(model, 4, 0, n, eo);
  const auto ref = summarize_run(model, whole, cfg, 2);
  for (const std::uint64_t limit : {std::uint64_t{0}, std::uint64_t{40'000}}) {
    INFO("memory limit " << limit);
    auto c2 = cfg;
    c2.run.memory_limit = limit;
    RunSummary got;
    on_processes(3, n, [&](Collective& c, std::uint64_t first, std::uint64_t end) {
      const auto local = simulate_paths(model, 4, first, end - first, eo);
      auto s = summarize_distributed(model, local, n, c2, c, 1);
      if (c.rank() == 1) got = std::move(s);
    });
    REQUIRE(got.year.size() == ref.year.size());
    REQUIRE(got.scalar.size() == ref.scalar.size());
    for (std::size_t m = 0; m < ref.year.size(); ++m) {
      INFO(model.year_metrics()[m].name);
      check_same(ref.year[m], got.year[m]);
    }
    for (std::size_t s = 0; s < ref.scalar.size(); ++s) {
      INFO(model.scalar_metrics()[s].name);
      check_same(ref.scalar[s], got.scalar[s]);
    }
    CHECK(got.risk.paths == n);
    REQUIRE(got.risk.actuarial_balance.size() == ref.risk.actuarial_balance.size());
    for (std::size_t i = 0; i < ref.risk.actuarial_balance.size(); ++i) {
      CHECK(same_bits(got.risk.actuarial_balance[i].expected_shortfall, ref.risk.actuarial_balance[i].expected_shortfall));
      CHECK(same_bits(got.risk.actuarial_balance[i].value_at_risk, ref.risk.actuarial_balance[i].value_at_risk));
    }
  }
}
