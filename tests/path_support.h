#pragma once
// Helpers of the tests that run the whole model path by path: a config that
// includes the China baseline and adds to it, one path's record, and the
// check that one model reports another's every metric with the same bits.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <string>

#include "io/config.h"
#include "models/pension_model.h"

namespace pfsim::test {

inline const std::string kBaselineConfig = PFSIM_SOURCE_DIR "/configs/china_baseline.toml";

// PFSIM_TEST_TMP/name: the config `base` included, then `body`.
inline std::string write_variant_of(const std::string& base, const std::string& name, const std::string& body) {
  const std::string path = std::string(PFSIM_TEST_TMP) + "/" + name;
  std::ofstream out(path);
  out << "include = [\"" << base << "\"]\n" << body;
  out.close();
  REQUIRE(out.good());
  return path;
}

// PFSIM_TEST_TMP/name: the baseline included, then `body`.
inline std::string write_baseline_variant(const std::string& name, const std::string& body) {
  return write_variant_of(kBaselineConfig, name, body);
}

inline PathRecord simulate_one(const PensionModel& m, std::uint64_t seed, std::uint64_t path) {
  Workspace ws;
  PathRecord rec;
  m.prepare(ws, rec);
  m.simulate(seed, path, false, ws, rec);
  return rec;
}

// Every year metric and scalar of `a` is in `b` with the same bits on these paths.
inline void require_same_bits(const PensionModel& a, const PensionModel& b, std::uint64_t seed,
                              std::initializer_list<std::uint64_t> paths) {
  for (std::uint64_t path : paths) {
    const PathRecord ra = simulate_one(a, seed, path), rb = simulate_one(b, seed, path);
    for (std::size_t i = 0; i < a.year_metrics().size(); ++i) {
      const auto j = b.year_metric(a.year_metrics()[i].name);
      for (int t = 0; t < a.years(); ++t) {
        INFO(a.year_metrics()[i].name << " " << a.params().start_year + t << ", path " << path);
        REQUIRE(ra.at(i, t) == rb.at(j, t));
      }
    }
    for (std::size_t i = 0; i < a.scalar_metrics().size(); ++i) {
      INFO(a.scalar_metrics()[i].name << ", path " << path);
      const double x = ra.scalars[i], y = rb.scalars[b.scalar_metric(a.scalar_metrics()[i].name)];
      REQUIRE((x == y || (std::isnan(x) && std::isnan(y))));
    }
  }
}

// Loading the baseline plus `body` (as file `name`) fails before any
// simulation with an InputError at `key` that names the file and says `fragment`.
inline void expect_config_error(const std::string& name, const std::string& body, const std::string& key,
                                const std::string& fragment) {
  const auto path = write_baseline_variant(name, body);
  bool thrown = false;
  try {
    (void)load_config(path);
  } catch (const InputError& e) {
    thrown = true;
    INFO(e.what());
    CHECK(e.key() == key);
    CHECK_THAT(std::string(e.what()), Catch::Contains(name));
    CHECK_THAT(std::string(e.what()), Catch::Contains(fragment));
  }
  INFO(body);
  CHECK(thrown);
}

// The config (the baseline plus `body`, as file `name`) loads, and building
// its model fails before any simulation with an InputError at `key` that
// names the file: a calibration no population can meet.
inline void expect_model_error(const std::string& name, const std::string& body, const std::string& key) {
  const auto cfg = load_config(write_baseline_variant(name, body));
  bool thrown = false;
  try {
    const PensionModel m(cfg.model);
  } catch (const InputError& e) {
    thrown = true;
    INFO(e.what());
    CHECK(e.key() == key);
    CHECK_THAT(std::string(e.what()), Catch::Contains(name));
  }
  CHECK(thrown);
}

}  // namespace pfsim::test
