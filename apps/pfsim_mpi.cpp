// pfsim-mpi: `pfsim run` across MPI ranks. Each rank simulates a contiguous
// range of path ids with oneTBB inside; rank 0 gathers the per-path samples in
// path order and computes every statistic from the whole sample, so the
// results are the same bits as one process (docs/hpc.md). Everything but the
// ranks' ranges and the transfers is pfsim's own run pipeline (run/run.h).
#include <mpi.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "apps/options.h"
#include "core/error.h"
#include "io/results_writer.h"
#include "run/exit_status.h"
#include "run/run.h"
#include "run/sample_producer.h"

namespace {

using namespace pfsim;

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

  const std::uint64_t n = cfg.run.paths;
  const auto K = static_cast<std::uint64_t>(size);
  auto first_of = [&](std::uint64_t r) { return r * n / K; };
  SamplePlan plan;  // this rank's range, in memory
  plan.first = first_of(static_cast<std::uint64_t>(rank));
  plan.count = first_of(static_cast<std::uint64_t>(rank) + 1) - plan.first;
  plan.engine.threads = request.threads;
  plan.engine.block_size = cfg.run.block_size;
  plan.engine.progress = !request.quiet && rank == 0;
  const double t0 = MPI_Wtime();
  PathSample part;
  const int simulated = guarded([&] {
    part = produce_sample(model, cfg, plan);
    return static_cast<int>(kExitOk);
  }, std::cerr, fmt::format("pfsim-mpi: rank {}", rank));
  if (simulated != kExitOk) MPI_Abort(MPI_COMM_WORLD, simulated);
  const double t1 = MPI_Wtime();

  // Gather: rank 0 receives every rank's buffers and places them by path id.
  int status = kExitOk;
  if (rank == 0) {
    bool gathered = false;
    status = guarded([&] {
      // The whole sample in memory, or beyond run.memory_limit in a spill file
      // (then rank 0 holds one rank's range at a time).
      const std::uint64_t bytes = sample_bytes(model, n);
      const auto storage = resolve_storage(cfg.run, output, bytes);
      if (!request.quiet) std::cerr << "pfsim-mpi: " << describe_storage(storage, bytes) << "\n";
      SampleBuilder whole(model.shape(), 0, n, storage);
      whole.add(part);
      part = PathSample();
      for (int r = 1; r < size; ++r) {
        const std::uint64_t f = first_of(static_cast<std::uint64_t>(r));
        PathSample p(model.shape(), f, first_of(static_cast<std::uint64_t>(r) + 1) - f);
        receive_all(p.year_buffer(), MPI_FLOAT, r, 1);
        receive_all(p.scalar_buffer(), MPI_DOUBLE, r, 2);
        whole.add(p);
      }
      gathered = true;
      const double t2 = MPI_Wtime();
      write_run(cfg, model, whole.finish(), output, request.threads, nullptr);
      if (!request.quiet) {
        std::cerr << fmt::format("pfsim-mpi: {} ranks, simulated in {:.2f} s, gathered in {:.2f} s, statistics and output {:.2f} s\n",
                                 size, t1 - t0, t2 - t1, MPI_Wtime() - t2);
        std::cerr << fmt::format("pfsim-mpi: wrote {}\n", output);
        show_summary(output, cfg.run.summary_years, std::cout);
      }
      return static_cast<int>(kExitOk);
    }, std::cerr, "pfsim-mpi");
    if (!gathered) MPI_Abort(MPI_COMM_WORLD, status);  // the other ranks still wait to send
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
