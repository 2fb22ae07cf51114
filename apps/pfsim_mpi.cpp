// pfsim-mpi: `pfsim run` across MPI ranks. Each rank simulates a contiguous,
// block-aligned range of path ids with oneTBB inside and keeps its own
// sample (in memory, or spilled beyond run.memory_limit). The statistics
// are computed where the paths are (core/distributed_stats.h): the ranks
// exchange counts, partial sums of the fixed summation tree and histograms,
// and only the few values that pin each order statistic move; rank 0 writes
// the results file. The results are the same bits as one process
// (docs/hpc.md). Per-path output (output.paths) is the one thing gathered:
// those metrics' columns. With --gather, rank 0 instead receives every
// rank's whole sample in path order and summarises it as `pfsim run` does.
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <iostream>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "apps/options.h"
#include "core/distributed_stats.h"
#include "core/error.h"
#include "core/spill_file.h"
#include "io/results_writer.h"
#include "run/exit_status.h"
#include "run/run.h"
#include "run/sample_producer.h"
#include "run/summarize.h"

namespace {

using namespace pfsim;

std::atomic<bool> g_stop{false};
extern "C" void on_signal(int) { g_stop = true; }

// MPI counts are int: large buffers go in pieces of at most 2^30 elements.
constexpr std::size_t kPiece = std::size_t{1} << 30;
template <class T>
void send_all(T& v, MPI_Datatype type, int tag) {
  for (std::size_t off = 0; off < v.size(); off += kPiece)
    MPI_Send(v.data() + off, static_cast<int>(std::min(kPiece, v.size() - off)), type, 0, tag, MPI_COMM_WORLD);
}
template <class T>
void receive_all(T& v, MPI_Datatype type, int from, int tag) {
  for (std::size_t off = 0; off < v.size(); off += kPiece)
    MPI_Recv(v.data() + off, static_cast<int>(std::min(kPiece, v.size() - off)), type, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

// The collective steps of core/distributed_stats.h over MPI_COMM_WORLD.
class MpiCollective final : public Collective {
 public:
  MpiCollective() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum(std::span<std::uint64_t> v) override { reduce(v, MPI_SUM); }
  void min(std::span<std::uint64_t> v) override { reduce(v, MPI_MIN); }
  void max(std::span<std::uint64_t> v) override { reduce(v, MPI_MAX); }
  std::vector<std::uint64_t> gather(std::span<const std::uint64_t> mine) override {
    const auto count = static_cast<long long>(mine.size());
    std::vector<long long> counts(static_cast<std::size_t>(size_));
    MPI_Gather(&count, 1, MPI_LONG_LONG, counts.data(), 1, MPI_LONG_LONG, 0, MPI_COMM_WORLD);
    long long total = 0;
    for (auto k : counts) total += k;
    int too_many = rank_ == 0 && total > (1LL << 30) ? 1 : 0;
    MPI_Bcast(&too_many, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (too_many) throw std::runtime_error("pfsim-mpi: a gathered exchange of more than 2^30 values");
    std::vector<int> ints(counts.begin(), counts.end()), displs(ints.size(), 0);
    for (std::size_t r = 1; r < ints.size(); ++r) displs[r] = displs[r - 1] + ints[r - 1];
    std::vector<std::uint64_t> all(rank_ == 0 ? static_cast<std::size_t>(total) : 0);
    MPI_Gatherv(mine.data(), static_cast<int>(count), MPI_UINT64_T, all.data(), ints.data(), displs.data(), MPI_UINT64_T, 0,
                MPI_COMM_WORLD);
    if (rank_ != 0) bytes_sent += mine.size() * sizeof(std::uint64_t) + sizeof(long long);
    return all;
  }
  void broadcast(std::span<std::uint64_t> v) override {
    for (std::size_t off = 0; off < v.size(); off += kPiece)
      MPI_Bcast(v.data() + off, static_cast<int>(std::min(kPiece, v.size() - off)), MPI_UINT64_T, 0, MPI_COMM_WORLD);
    bytes_sent += v.size() * sizeof(std::uint64_t) * static_cast<std::uint64_t>(broadcast_children(rank_, size_));
  }

 private:
  void reduce(std::span<std::uint64_t> v, MPI_Op op) {
    for (std::size_t off = 0; off < v.size(); off += kPiece)
      MPI_Allreduce(MPI_IN_PLACE, v.data() + off, static_cast<int>(std::min(kPiece, v.size() - off)), MPI_UINT64_T, op,
                    MPI_COMM_WORLD);
    // A reduction sends about twice the vector (reduce-scatter and allgather).
    if (size_ > 1) bytes_sent += 2 * v.size() * sizeof(std::uint64_t);
  }
  int rank_ = 0, size_ = 1;
};

// The per-path columns [years][n] of each year metric output.paths names,
// on rank 0 (empty elsewhere): every rank sends its range's.
std::map<std::size_t, std::vector<float>> gather_full_paths(const PensionModel& model, const RunConfig& cfg,
                                                           const PathSample& part, std::uint64_t n, int size, int rank,
                                                           std::uint64_t& bytes_sent) {
  std::map<std::size_t, std::vector<float>> out;
  const auto years = static_cast<std::size_t>(model.years());
  const auto& specs = model.year_metrics();
  for (const auto& name : cfg.run.full_paths) {
    std::size_t idx = 0;
    while (idx < specs.size() && specs[idx].name != name) ++idx;
    std::vector<float> scratch;
    const auto mine = part.year_columns(idx * years, years, scratch);  // [years][own paths]
    if (rank != 0) {
      std::vector<float> copy(mine.begin(), mine.end());
      send_all(copy, MPI_FLOAT, 3);
      bytes_sent += copy.size() * sizeof(float);
      continue;
    }
    auto& all = out[idx];
    all.assign(years * static_cast<std::size_t>(n), 0.0f);
    for (int r = 0; r < size; ++r) {
      const auto [f, e] = rank_range(n, size, r);
      const auto k = static_cast<std::size_t>(e - f);
      std::vector<float> got;
      if (r == 0) {
        got.assign(mine.begin(), mine.end());
      } else {
        got.resize(years * k);
        receive_all(got, MPI_FLOAT, r, 3);
      }
      for (std::size_t t = 0; t < years; ++t)
        std::copy(got.begin() + static_cast<std::ptrdiff_t>(t * k), got.begin() + static_cast<std::ptrdiff_t>((t + 1) * k),
                  all.begin() + static_cast<std::ptrdiff_t>(t * n + f));
    }
  }
  return out;
}

std::string megabytes(double bytes) { return fmt::format("{:.1f} MB", bytes / 1e6); }

int run(int rank, int size, const RunRequest& request) {
  // Every rank loads and checks the config and builds the model; only rank 0
  // reports a problem. The statuses are those of pfsim (run/exit_status.h).
  RunConfig cfg;
  std::string output;
  std::unique_ptr<PensionModel> model_ptr;
  const int loaded = guarded([&] {
    cfg = load_request(request);
    if (!cfg.scenarios.empty())
      throw InputError({request.config, 0, 0}, "scenarios", "pfsim-mpi runs single configs; run scenarios with pfsim run");
    output = output_path(request, cfg);
    model_ptr = std::make_unique<PensionModel>(cfg.model);
    check_output_paths(cfg, *model_ptr);
    return static_cast<int>(kExitOk);
  }, std::cerr, "pfsim-mpi", "", rank == 0);
  if (loaded != kExitOk) return loaded;
  if (rank == 0)
    for (const auto& w : cfg.warnings) std::cerr << w << "\n";
  // The output is rank 0's: it checks it (io/output_file.h) and tells the others.
  int checked = kExitOk;
  if (rank == 0)
    checked = guarded([&] {
      check_output(request, cfg, output);
      return static_cast<int>(kExitOk);
    }, std::cerr, "pfsim-mpi");
  MPI_Bcast(&checked, 1, MPI_INT, 0, MPI_COMM_WORLD);
  if (checked != kExitOk) return checked;
  const PensionModel& model = *model_ptr;
  const bool gather = request.gather;
  // "auto" (half of the node's memory) is shared by the ranks on the node:
  // each takes its part of it, not half of the node each.
  if (cfg.run.memory_limit == 0) {
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node);
    int on_node = 1;
    MPI_Comm_size(node, &on_node);
    MPI_Comm_free(&node);
    cfg.run.memory_limit = std::max<std::uint64_t>(1, available_memory() / 2 / static_cast<std::uint64_t>(on_node));
  }

  const std::uint64_t n = cfg.run.paths;
  const auto range = rank_range(n, size, rank);
  const std::uint64_t first = range.first, end = range.second;
  SamplePlan plan;  // this rank's range, in memory or spilled
  plan.first = first;
  plan.count = end - first;
  plan.engine.threads = request.threads;
  plan.engine.block_size = cfg.run.block_size;
  plan.engine.progress = !request.quiet && rank == 0;
  plan.engine.stop = &g_stop;
  const double t0 = MPI_Wtime();
  PathSample part;
  const int simulated = guarded([&] {
    if (!gather) {
      const std::uint64_t bytes = sample_bytes(model, plan.count);
      plan.storage = resolve_storage(cfg.run, output, bytes);
      if (!request.quiet) std::cerr << fmt::format("pfsim-mpi: rank {}: {}\n", rank, describe_storage(plan.storage, bytes));
    }
    part = produce_sample(model, cfg, plan);
    return static_cast<int>(kExitOk);
  }, std::cerr, fmt::format("pfsim-mpi: rank {}", rank));
  // A rank that cannot go on stops them all: no results file is written.
  if (simulated != kExitOk) MPI_Abort(MPI_COMM_WORLD, simulated);
  const double t1 = MPI_Wtime();

  int status = kExitOk;
  if (!gather) {
    MpiCollective c;
    RunSummary summary;
    const int summarised = guarded([&] {
      summary = summarize_distributed(model, part, n, cfg, c, request.threads, &g_stop);
      return static_cast<int>(kExitOk);
    }, std::cerr, fmt::format("pfsim-mpi: rank {}", rank));
    if (summarised != kExitOk) MPI_Abort(MPI_COMM_WORLD, summarised);
    // Per-path output (output.paths): those metrics' columns alone go to rank 0.
    std::map<std::size_t, std::vector<float>> full;
    const int collected = guarded([&] {
      full = gather_full_paths(model, cfg, part, n, size, rank, c.bytes_sent);
      return static_cast<int>(kExitOk);
    }, std::cerr, fmt::format("pfsim-mpi: rank {}", rank));
    if (collected != kExitOk) MPI_Abort(MPI_COMM_WORLD, collected);
    const double t2 = MPI_Wtime();
    // What the statistics and the per-path output moved between the ranks.
    std::uint64_t sent = c.bytes_sent, most = c.bytes_sent;
    MPI_Allreduce(MPI_IN_PLACE, &sent, 1, MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD);
    MPI_Allreduce(MPI_IN_PLACE, &most, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    part = PathSample();
    if (rank == 0) {
      status = guarded([&] {
        const FullPathColumns columns = [&](std::size_t metric, std::vector<float>&) {
          const auto& v = full.at(metric);
          return std::span<const float>(v);
        };
        write_results(output, cfg, model, columns, summary, request.threads);
        if (!request.quiet) {
          std::cerr << fmt::format("pfsim-mpi: {} ranks, simulated in {:.2f} s, statistics where the paths are in {:.2f} s "
                                   "({} sent between ranks in all, at most {} by one rank, output.paths included), output {:.2f} s\n",
                                   size, t1 - t0, t2 - t1, megabytes(static_cast<double>(sent)),
                                   megabytes(static_cast<double>(most)), MPI_Wtime() - t2);
          std::cerr << fmt::format("pfsim-mpi: wrote {}\n", output);
          show_summary(output, cfg.run.summary_years, std::cout);
        }
        return static_cast<int>(kExitOk);
      }, std::cerr, "pfsim-mpi");
    }
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    return status;
  }

  // Gather: rank 0 receives every rank's buffers and places them by path id.
  if (rank == 0) {
    bool gathered = false;
    status = guarded([&] {
      // The whole sample in memory, or beyond run.memory_limit in a spill file
      // (then rank 0 holds one rank's range at a time).
      const std::uint64_t bytes = sample_bytes(model, n);
      const auto storage = resolve_storage(cfg.run, output, bytes);
      if (!request.quiet) std::cerr << "pfsim-mpi: " << describe_storage(storage, bytes) << "\n";
      SampleBuilder whole(model.shape(), 0, n, storage);
      if (part.paths()) whole.add(part);
      part = PathSample();
      for (int r = 1; r < size; ++r) {
        const auto [f, e] = rank_range(n, size, r);
        if (e == f) continue;
        PathSample p(model.shape(), f, e - f);
        receive_all(p.year_buffer(), MPI_FLOAT, r, 1);
        receive_all(p.scalar_buffer(), MPI_DOUBLE, r, 2);
        whole.add(p);
      }
      gathered = true;
      const double t2 = MPI_Wtime();
      write_run(cfg, model, whole.finish(), output, request.threads, &g_stop);
      if (!request.quiet) {
        std::cerr << fmt::format("pfsim-mpi: {} ranks, simulated in {:.2f} s, gathered in {:.2f} s, statistics and output {:.2f} s\n",
                                 size, t1 - t0, t2 - t1, MPI_Wtime() - t2);
        std::cerr << fmt::format("pfsim-mpi: wrote {}\n", output);
        show_summary(output, cfg.run.summary_years, std::cout);
      }
      return static_cast<int>(kExitOk);
    }, std::cerr, "pfsim-mpi");
    if (!gathered) MPI_Abort(MPI_COMM_WORLD, status);  // the other ranks still wait to send
  } else if (part.paths()) {
    send_all(part.year_buffer(), MPI_FLOAT, 1);
    send_all(part.scalar_buffer(), MPI_DOUBLE, 2);
    part = PathSample();  // the rank's share is no longer needed
  }
  MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  // SIGINT and SIGTERM (mpirun passes them on) stop the simulation and the
  // statistics at the next check; the ranks then abort without a results file.
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  CLI::App cli{"pfsim-mpi: pfsim run across MPI ranks (mpirun -np K pfsim-mpi run CONFIG)"};
  cli.require_subcommand(1);
  RunRequest request;
  auto* run_cmd = cli.add_subcommand("run", "simulate a config across the ranks and write one results file (rank 0)");
  pfsim::app::add_run_options(*run_cmd, request, pfsim::app::RunKind::mpi_run);
  int code = 0;
  try {
    cli.parse(argc, argv);
    code = run(rank, size, request);
  } catch (const CLI::ParseError& e) {
    code = pfsim::app::parse_error_status(cli, e, rank == 0);
  }
  MPI_Finalize();
  return code;
}
