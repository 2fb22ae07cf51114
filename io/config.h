#pragma once
// Loading and validating a run's configuration. Every check runs here,
// before any simulation; the result is immutable.
#include <cstdint>
#include <string>
#include <vector>

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
};

struct RunConfig {
  std::string source;        // the config file as given
  std::string resolved;      // the merged config (includes and --set applied), TOML
  RunSettings run;
  ModelParams model;
};

// overrides: "key.path=value" (value in TOML syntax; a bare word is a string).
// Throws InputError.
RunConfig load_config(const std::string& path, const std::vector<std::string>& overrides = {});

// Rebuilds a run's configuration from the resolved text a results or partial
// file records; relative data files resolve against `source`'s directory.
RunConfig load_config_text(const std::string& resolved, const std::string& source);

}  // namespace pfsim
