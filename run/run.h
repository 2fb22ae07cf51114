#pragma once
// Running a study from settings to a written file. The commands of pfsim
// and pfsim-mpi are thin layers over these functions: a request (the
// options, declared once), its config with every override checked, the
// plan of the sample, the statistics and the results file, merging shards,
// scenarios and goal seek.
#include <atomic>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "core/path_sample.h"
#include "io/config.h"
#include "models/pension_model.h"
#include "run/sample_producer.h"

namespace pfsim {

// The largest worker thread count (--threads): TBB's arenas take up to
// 65536; more than a few times a machine's cores only adds overhead.
inline constexpr int kMaxThreads = 4096;

// The options of `pfsim run`, `pfsim seek` and `pfsim-mpi run`. Numbers
// are signed so that a negative value is reported as given.
struct RunRequest {
  std::string config;
  std::vector<std::string> overrides;  // --set key=value, in order
  std::optional<std::int64_t> paths;
  std::optional<std::int64_t> seed;
  std::optional<std::int64_t> block_size;
  int threads = 0;                     // 0: all cores
  std::string output;
  bool output_given = false;           // -o was given (an empty -o is an error, not "no -o")
  bool quiet = false;
  bool no_summary = false;
  std::string shard;                   // "k/N": shard k (1-based) of N
  std::string checkpoint;              // directory for checkpoint chunks
  std::string memory_limit;            // --memory-limit (overrides run.memory_limit)
  std::string spill_dir;               // --spill-dir (overrides run.spill_dir)
  std::string write_solution;          // seek: results file of a run at the solution
  bool sensitivity = false;            // `pfsim sensitivity`: the config must have [sensitivity]
  bool gather = false;                 // pfsim-mpi: gather the sample on rank 0 instead of distributed statistics
};

// The request's config: --set overrides, then --paths and --seed as the
// overrides run.paths and run.seed (so that every file records the run's
// own config), the block size and the memory options. Throws InputError for
// any bad value, before anything is simulated.
RunConfig load_request(const RunRequest& request);

// Throws InputError unless 0 <= threads <= kMaxThreads.
void check_threads(std::int64_t threads);

// The results file: -o, else output.file, else results/<run.name>.h5.
std::string output_path(const RunRequest& request, const RunConfig& cfg, const std::string& suffix = "");

// Checks the request's output before anything is simulated
// (io/output_file.h): where it was given is named in errors. `inputs` are
// files it must not be besides the config's.
void check_output(const RunRequest& request, const RunConfig& cfg, const std::string& output,
                  const std::vector<std::string>& inputs = {});

// The path range of shard "k/N" (1 <= k <= N <= total): [floor((k-1) total / N), floor(k total / N)).
struct PathRange {
  std::uint64_t first = 0, count = 0;
};
PathRange shard_range(const std::string& spec, std::uint64_t total);

// --memory-limit and --spill-dir over run.memory_limit and run.spill_dir.
void apply_memory_options(const std::string& limit, const std::string& spill_dir, RunSettings& run);

// The statistics of a sample and its results file, written atomically.
// Throws Interrupted when *stop is set.
void write_run(const RunConfig& cfg, const PensionModel& model, const PathSample& sample, const std::string& output,
               int threads, const std::atomic<bool>* stop);

// The summary `pfsim run` prints after writing a results file:
// run.summary_years, or the years chosen from the run (io/summary.h).
void show_summary(const std::string& results, const std::vector<int>& years, std::ostream& out);

// `pfsim run`: a single run, a shard, a checkpointed run or a scenario
// study, from the request to the written file. Progress and notes go to
// `err`, the summary to `out`. Returns the exit status; throws the typed
// errors of core/error.h.
int run_command(const RunRequest& request, const std::atomic<bool>* stop, std::ostream& out, std::ostream& err);

// `pfsim seek`: the lever value at which the config's [goal_seek] target holds.
int seek_command(const RunRequest& request, const std::atomic<bool>* stop, std::ostream& out);
// `pfsim optimize`: the variables of the config's [optimize] that best meet
// its objective within its constraints; the optimum against the config's
// values out of sample, as a scenario file with /optimize.
int optimize_command(const RunRequest& request, const std::atomic<bool>* stop, std::ostream& out);

// `pfsim merge`: partial files of `pfsim run --shard` into one results file.
struct MergeRequest {
  std::vector<std::string> parts;
  std::string output;
  int threads = 0;
  bool quiet = false;
  std::string memory_limit;
  std::string spill_dir;
};
int merge_command(const MergeRequest& request, const std::atomic<bool>* stop, std::ostream& out, std::ostream& err);

// `pfsim validate`: every check without simulating.
int validate_command(const std::string& config, const std::vector<std::string>& overrides, std::ostream& out);

}  // namespace pfsim
