// pfsim-mpi: `pfsim run` across MPI ranks. Each rank simulates a contiguous
// range of path ids with oneTBB inside; rank 0 gathers the per-path samples in
// path order and computes every statistic from the whole sample, so the
// results are the same bits as one process (docs/hpc.md).
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>
#include <optional>

#include <fmt/format.h>

#include "core/error.h"
#include "io/config.h"
#include "io/results_writer.h"
#include "io/sample_storage.h"
#include "io/summary.h"
#include "models/simulation.h"
#include "pfsim/version.h"

namespace {

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

int run(int rank, int size, const std::string& config, const std::vector<std::string>& sets,
        std::optional<std::uint64_t> paths, std::optional<std::uint64_t> seed, int threads,
        std::optional<std::uint64_t> block, std::string output, bool quiet) {
  using namespace pfsim;
  auto overrides = sets;
  if (paths) overrides.push_back(fmt::format("run.paths={}", *paths));
  if (seed) overrides.push_back(fmt::format("run.seed={}", *seed));
  RunConfig cfg;
  try {
    cfg = load_config(config, overrides);
    if (!cfg.scenarios.empty())
      throw InputError({config, 0, 0}, "scenarios", "pfsim-mpi runs single configs; run scenarios with pfsim run");
  } catch (const InputError& e) {
    if (rank == 0) std::cerr << e.what() << "\n";
    return 2;
  }
  if (block) cfg.run.block_size = *block;
  if (output.empty()) output = cfg.run.output_file.empty() ? "results/" + cfg.run.name + ".h5" : cfg.run.output_file;
  const std::uint64_t n = cfg.run.paths;
  const auto K = static_cast<std::uint64_t>(size);
  auto first_of = [&](std::uint64_t r) { return r * n / K; };
  const std::uint64_t first = first_of(static_cast<std::uint64_t>(rank));
  const std::uint64_t count = first_of(static_cast<std::uint64_t>(rank) + 1) - first;

  std::unique_ptr<PensionModel> model_ptr;
  try {
    model_ptr = std::make_unique<PensionModel>(cfg.model);
    check_output_paths(cfg, *model_ptr);
  } catch (const InputError& e) {
    if (rank == 0) std::cerr << e.what() << "\n";
    return 2;
  }
  const PensionModel& model = *model_ptr;
  EngineOptions eo;
  eo.threads = threads;
  eo.block_size = cfg.run.block_size;
  eo.progress = !quiet && rank == 0;
  const double t0 = MPI_Wtime();
  PathSample part;
  try {
    part = simulate_paths(model, cfg.run.seed, first, count, eo);
  } catch (const std::exception& e) {
    std::cerr << fmt::format("pfsim-mpi: rank {}: {}\n", rank, e.what());
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  const double t1 = MPI_Wtime();

  // Gather: rank 0 receives every rank's buffers and places them by path id.
  int status = 0;
  if (rank == 0) {
    // The whole sample in memory, or beyond run.memory_limit in a spill file
    // (then rank 0 holds one rank's range at a time).
    SampleStorage storage;
    const std::uint64_t bytes = sample_bytes(model, n);
    try {
      storage = resolve_storage(cfg.run, output, bytes);
    } catch (const std::exception& e) {
      std::cerr << e.what() << "\n";
      MPI_Abort(MPI_COMM_WORLD, 2);
    }
    if (!quiet) std::cerr << "pfsim-mpi: " << describe_storage(storage, bytes) << "\n";
    SampleBuilder whole(model.year_metrics().size(), model.years(), model.scalar_metrics().size(), 0, n, storage);
    auto place = [&](PathSample& p) { whole.add(p); };
    place(part);
    part = PathSample();
    for (int r = 1; r < size; ++r) {
      const std::uint64_t f = first_of(static_cast<std::uint64_t>(r));
      PathSample p(model.year_metrics().size(), model.years(), model.scalar_metrics().size(), f,
                   first_of(static_cast<std::uint64_t>(r) + 1) - f);
      receive_all(p.year_buffer(), MPI_FLOAT, r, 1);
      receive_all(p.scalar_buffer(), MPI_DOUBLE, r, 2);
      place(p);
    }
    const double t2 = MPI_Wtime();
    try {
      const auto sample = whole.finish();
      const auto summary = summarize_run(model, sample, cfg, threads);
      write_results(output, cfg, model, sample, summary, threads);
    } catch (const std::exception& e) {
      std::cerr << "pfsim-mpi: error: " << e.what() << "\n";
      status = 1;
    }
    if (!quiet && status == 0) {
      std::cerr << fmt::format("pfsim-mpi: {} ranks, simulated in {:.2f} s, gathered in {:.2f} s, statistics and output {:.2f} s\n",
                               size, t1 - t0, t2 - t1, MPI_Wtime() - t2);
      std::cerr << fmt::format("pfsim-mpi: wrote {}\n", output);
      print_summary(output, cfg.run.summary_years, std::cout);
    }
  } else {
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
  CLI::App cli{"pfsim-mpi: pfsim run across MPI ranks (mpirun -np K pfsim-mpi run CONFIG)"};
  cli.require_subcommand(1);
  std::string config, output;
  std::vector<std::string> sets;
  std::optional<std::uint64_t> paths, seed, block;
  int threads = 0;
  bool quiet = false;
  auto* run_cmd = cli.add_subcommand("run", "simulate a config across the ranks and write one results file (rank 0)");
  run_cmd->add_option("config", config, "config file (TOML)")->required()->check(CLI::ExistingFile);
  run_cmd->add_option("--paths,-n", paths, "number of paths (overrides run.paths)");
  run_cmd->add_option("--seed,-s", seed, "random seed (overrides run.seed)");
  run_cmd->add_option("--threads,-t", threads, "worker threads per rank (0: all cores)");
  run_cmd->add_option("--block-size", block, "paths per parallel task (never changes results)");
  run_cmd->add_option("--output,-o", output, "results file (overrides output.file)");
  run_cmd->add_option("--set", sets, "override a config key: key.path=value (repeatable)");
  run_cmd->add_flag("--quiet,-q", quiet, "no progress bar, no summary");
  int code = 0;
  try {
    cli.parse(argc, argv);
    code = run(rank, size, config, sets, paths, seed, threads, block, output, quiet);
  } catch (const CLI::ParseError& e) {
    code = rank == 0 ? cli.exit(e) : 2;
  }
  MPI_Finalize();
  return code;
}
