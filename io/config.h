#pragma once
// Loading and validating a run's configuration. Every check runs here,
// before any simulation; the result is immutable.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "models/params.h"

namespace pfsim {

// Used when neither the config nor the command line gives a seed; recorded
// in every results file like any other seed.
inline constexpr std::uint64_t kDefaultSeed = 20240913;

struct RunSettings {
  std::string name = "pfsim";
  std::string currency = "CNY";
  std::uint64_t paths = 1000;
  std::uint64_t seed = kDefaultSeed;
  bool seed_is_default = true;
  std::vector<double> quantiles{0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99};
  double confidence = 0.95;
  std::uint64_t block_size = 64;
  std::string output_file;                  // resolved relative to the working directory
  std::vector<std::string> full_paths;      // year metrics written path by path
  std::vector<int> summary_years;           // years shown by `pfsim summary`
  // Memory for the per-path sample before it goes to a spill file
  // (run.memory_limit): 0 = auto (half the machine's or cgroup's memory),
  // kMemoryUnlimited = never spill.
  std::uint64_t memory_limit = 0;
  std::string spill_dir;                    // run.spill_dir; empty: $TMPDIR, else the output file's directory
  SourceLocation spill_dir_origin;          // where spill_dir was set, for errors
};

inline constexpr std::uint64_t kMemoryUnlimited = ~std::uint64_t{0};

// Parses a memory size: "auto" (0), "unlimited" (kMemoryUnlimited), or a
// positive number with a unit: B, kB, MB, GB, TB (powers of 1000) or KiB,
// MiB, GiB, TiB (powers of 1024), e.g. "4GB", "512 MiB", "1.5 GiB". Returns
// false and says what is allowed in `error`.
bool parse_memory_size(const std::string& text, std::uint64_t& bytes, std::string& error);

// One override of a variant: key.path set to the value `v` of a TOML document.
struct ValueOverride {
  std::string key;
  std::string document;   // "v = ..." or "[v]\n..."
  std::string origin;     // where it was written, for errors
  std::string rebalance;  // a weights table to rescale so it sums to 1, or empty
  std::string kept;       // with rebalance: the keys it keeps, comma-separated (empty: the last part of key)
};

struct RunConfig;

// A named scenario: the config with some keys changed (docs/config.md, [scenarios]).
struct Scenario {
  std::string name;
  std::vector<ValueOverride> values;
  std::shared_ptr<const RunConfig> config;  // loaded and validated with the base config
};

// Goal seek on one lever (docs/config.md, [goal_seek]).
struct GoalSeekSpec {
  bool enabled = false;
  std::vector<std::string> levers;  // key paths, all set to the lever's value
  int from_year = 0;                // > 0: the lever applies from this year, the config's value before
  std::vector<double> base;         // with from_year: each key's value in the config
  std::string lever;        // the key paths joined with ", " (for messages and files)
  std::string rebalance;    // weights table to rescale, or empty
  double lower = 0, upper = 0, tolerance = 1e-4;
  std::string metric;       // "depletion_probability" or a year metric
  int year = 0;
  std::string statistic;    // "probability", "mean" or "quantile"
  double quantile = 0.5;
  bool at_most = true;      // target: statistic <= threshold (else >=)
  double threshold = 0;
  std::string origin;       // config file, for messages
  // The overrides that set every lever key to `value` (from from_year on).
  std::vector<ValueOverride> at(double value) const;
  // Lever key k's value at `value`, as TOML: the number, or the step path.
  std::string value_text(std::size_t k, double value) const;
};

// One-at-a-time sensitivity (docs/config.md, [sensitivity]): each
// assumption moved low and high, each shock group switched off, as
// scenarios on common random numbers against the unchanged config.
struct SensitivityItem {
  std::string name;          // the assumption's table name, or the group
  bool group = false;        // a shock group switched off (then only `low` is run)
  std::string low, high;     // scenario names
  std::string low_text, high_text;  // what was set, for the file and the summary
};
struct SensitivitySpec {
  bool enabled = false;
  int year = 0;              // P(depletion by year) in the tornado
  std::vector<SensitivityItem> items;
};

// A statistic of one run (docs/config.md, [optimize]): P(depleted by
// year), or the mean, a quantile or the expected shortfall of a year metric
// at a year, over the paths.
struct StatisticSpec {
  std::string metric;          // "depletion_probability" or a year metric
  int year = 0;
  std::string statistic;       // "probability", "mean", "quantile", "expected_shortfall"
  double level = 0.5;          // the quantile's probability, or the expected shortfall's alpha
  std::string describe() const;
};

// Allocation optimisation (docs/config.md, [optimize]): the variables that
// maximise (or minimise) an objective subject to constraints, on common
// random numbers, then checked out of sample.
struct OptimizeConstraint {
  StatisticSpec statistic;
  bool at_most = true;         // statistic <= bound (else >=)
  double bound = 0;
};
struct OptimizeSpec {
  bool enabled = false;
  std::vector<std::string> keys;         // config key paths, one per variable
  std::vector<double> lower, upper, start;  // bounds; the config's values (the search's first point)
  // Weights tables whose other keys are rescaled to sum to 1 after their
  // variables are set (each holds one or more variables; variables outside
  // them are set as they are).
  std::vector<std::string> rebalance;
  StatisticSpec objective;
  bool maximize = true;
  std::vector<OptimizeConstraint> constraints;
  int max_evaluations = 40;
  double tolerance = 1e-3;               // a share of each variable's range
  std::uint64_t out_of_sample_seed = 0;  // the paired check of the optimum against the config's values
  int frontier_constraint = -1;          // the constraint whose bound the frontier moves; -1: no frontier
  std::vector<double> frontier_bounds;
  std::string origin;
  // The overrides that set the variables to x.
  std::vector<ValueOverride> at(const std::vector<double>& x) const;
};

struct RunConfig {
  std::string source;        // the config file as given
  std::string resolved;      // the merged config (includes and --set applied), TOML
  RunSettings run;
  ModelParams model;
  std::vector<std::string> overrides;   // --set, as given
  std::vector<Scenario> scenarios;      // empty: a single run
  std::string reference;                // the scenario differences are taken against
  std::vector<int> compare_years;       // [scenarios] compare_years; empty: chosen from the reference's results
  std::vector<std::string> inputs;      // the config, its includes and its data files: never an output
  GoalSeekSpec goal_seek;
  SensitivitySpec sensitivity;          // with it, `scenarios` holds the generated runs
  OptimizeSpec optimize;
  // Values within range that are probably not meant (file:line: warning:
  // ...); printed before a run or by validate, never fatal.
  std::vector<std::string> warnings;
};

// The config with extra value overrides (a scenario or a goal-seek lever value).
RunConfig load_variant(const std::string& path, const std::vector<std::string>& overrides,
                       const std::vector<ValueOverride>& values);

// overrides: "key.path=value" (value in TOML syntax; a bare word is a string).
// Throws InputError.
RunConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});

// The config's warnings and its scenarios', each once, in order.
std::vector<std::string> all_warnings(const RunConfig& cfg);

// Rebuilds a run's configuration from the resolved text a results or partial
// file records; relative data files resolve against `source`'s directory.
RunConfig load_config_text(const std::string& resolved, const std::string& source);

}  // namespace pfsim
