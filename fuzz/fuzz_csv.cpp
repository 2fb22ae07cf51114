// fuzz_csv: pfsim's CSV reader, pfsim::CsvTable (io/csv.h), and the readers
// that take a config's data from CSV files.
//
// Input: one mode byte, then the CSV file's bytes.
//   every mode:   CsvTable::read, then header, has_column, column (also of a
//                 missing name), text, line and number on every cell;
//                 read_time_path (io/config_sections.h) on
//                 { file = <the CSV>, column = <its 2nd column> };
//   mode >= 0x80: the whole config loader: configs/china_baseline.toml with
//                 data file number (mode & 0x7f) % 9 of configs/data/china
//                 replaced by the CSV (the others are the shipped files).
// Expected: success, or one of pfsim's errors.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "io/config.h"
#include "io/config_sections.h"
#include "io/config_table.h"
#include "io/csv.h"

namespace {

namespace fs = std::filesystem;

// The data files configs/china_baseline.toml reads (the order is the mode's).
const std::vector<std::string> kDataFiles = {
    "population_2023.csv", "mx_history_single_age_interpolated.csv", "mortality_2023.csv", "tfr.csv",
    "pasfr_5y.csv", "srb.csv", "net_migration.csv", "net_migration_by_age_sex.csv", "account_divisors.csv"};

struct Setup {
  std::string csv;      // the plain CSV
  std::string cfg_dir;  // cfg/main.toml, cfg/data/china/*.csv
  std::string cfg;
};

const Setup& setup() {
  static const Setup s = [] {
    const std::string dir = pfsim::fuzz::temp_dir();
    Setup r{dir + "/data.csv", dir + "/cfg", dir + "/cfg/main.toml"};
    fs::create_directories(r.cfg_dir + "/data/china");
    fs::copy_file(fs::path(pfsim::fuzz::kSourceDir) / "configs/china_baseline.toml", r.cfg);
    return r;
  }();
  return s;
}

void exercise_table(const pfsim::CsvTable& t) {
  const auto& header = t.header();
  for (const auto& h : header) {
    if (!t.has_column(h)) __builtin_trap();  // the reader disagrees with itself
    PFSIM_FUZZ_EXPECTED((void)t.column(h))
  }
  PFSIM_FUZZ_EXPECTED((void)t.column("no such column"))
  (void)t.has_column("");
  for (std::size_t r = 0; r < t.rows(); ++r) {
    (void)t.line(r);
    for (std::size_t c = 0; c < header.size(); ++c) {
      (void)t.text(r, c);
      PFSIM_FUZZ_EXPECTED((void)t.number(r, c))
    }
  }
}

void time_path_from(const pfsim::CsvTable& t, const Setup& s) {
  if (t.header().size() < 2) return;
  toml::table root;
  root.insert("x", toml::table{{"file", s.csv}, {"column", t.header()[1]}, {"year_column", t.header()[0]}});
  pfsim::KeyRegistry registry;
  pfsim::ConfigTable top(root, "", registry);
  PFSIM_FUZZ_EXPECTED((void)pfsim::read_time_path(top, "x", pfsim::Range::any(), pfsim::Interpolation::linear))
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)setup();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto& s = setup();
  const std::uint8_t mode = data[0];
  const std::string_view csv(reinterpret_cast<const char*>(data + 1), size - 1);
  pfsim::fuzz::write_file(s.csv, csv);
  PFSIM_FUZZ_EXPECTED({
    const auto t = pfsim::CsvTable::read(s.csv);
    exercise_table(t);
    time_path_from(t, s);
  })

  if (mode & 0x80) {
    const std::size_t k = (mode & 0x7f) % kDataFiles.size();
    const fs::path data_dir = fs::path(s.cfg_dir) / "data/china";
    for (std::size_t i = 0; i < kDataFiles.size(); ++i) {
      const fs::path f = data_dir / kDataFiles[i];
      std::error_code ec;
      fs::remove(f, ec);
      if (i == k) pfsim::fuzz::write_file(f.string(), csv);
      else fs::create_symlink(fs::path(pfsim::fuzz::kSourceDir) / "configs/data/china" / kDataFiles[i], f);
    }
    PFSIM_FUZZ_EXPECTED(auto cfg = pfsim::load_config(s.cfg); (void)cfg)
  }
  return 0;
}
