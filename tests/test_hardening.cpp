// The pfsim executable under hostile input and faults: bad options and
// outputs are refused before anything is simulated (status 2, the option or
// key named, the value as given); a full disk, a value that is not finite and
// damaged results or partial files end with the documented status, a clear
// message and no file under the final name; nothing crashes or hangs.
#include <catch2/catch.hpp>
#include <hdf5.h>

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "io/config.h"
#include "io/hdf5_file.h"
#include "models/pension_model.h"
#include "tests/cli_support.h"

using namespace cli_support;

namespace {

// The baseline, with absolute data paths, in dir/NAME.toml after `edit`.
fs::path baseline_copy(const fs::path& dir, const std::string& name, const std::string& text) {
  const auto p = dir / (name + ".toml");
  write_text(p, text);
  return p;
}

// A status-2 outcome whose message contains `needle`, with nothing written.
void expect_refused(const Outcome& o, const std::string& needle, const fs::path& output) {
  INFO("stderr:\n" << o.err);
  CHECK(o.status == 2);
  CHECK(contains(o.err, needle));
  CHECK_FALSE(contains(o.err, "simulated in"));
  require_no_results(output);
}

// Edits an HDF5 file in place with `edit(file_id)`.
template <class F>
void edit_h5(const fs::path& p, F&& edit) {
  h5::Handle f(H5Fopen(p.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose);
  REQUIRE(f.valid());
  edit(f.id());
}

void replace_dataset(hid_t file, const std::string& name, const std::vector<double>& values, std::vector<hsize_t> dims) {
  REQUIRE(H5Ldelete(file, name.c_str(), H5P_DEFAULT) >= 0);
  h5::write(file, name, values, std::move(dims));
}

void replace_dataset_ints(hid_t file, const std::string& name, const std::vector<std::int32_t>& values) {
  REQUIRE(H5Ldelete(file, name.c_str(), H5P_DEFAULT) >= 0);
  h5::write(file, name, values);
}

void replace_int_attr(hid_t obj, const std::string& name, std::int64_t value) {
  REQUIRE(H5Adelete(obj, name.c_str()) >= 0);
  h5::attr(obj, name, value);
}

// Shards 1/2 and 2/2 of 40 baseline paths: dir/part1.h5 and dir/part2.h5.
std::vector<fs::path> two_shards(const fs::path& dir) {
  std::vector<fs::path> parts;
  for (int k = 1; k <= 2; ++k) {
    const auto p = dir / ("part" + std::to_string(k) + ".h5");
    const auto o = run_pfsim("run " + quote(kBaseline) + " --paths 40 --quiet --shard " + std::to_string(k) + "/2 -o " +
                                 quote(p.string()),
                             dir, "shard" + std::to_string(k));
    REQUIRE(o.status == 0);
    parts.push_back(p);
  }
  return parts;
}

}  // namespace

TEST_CASE("bad numeric options are refused as given, with what is allowed", "[cli][bad-input][hardening]") {
  const auto dir = scratch("hardening_options");
  const auto output = dir / "x.h5";
  struct Case {
    std::string args, needle;
  };
  const std::vector<Case> cases{
      {"--threads 65537", "--threads 65537: out of range; allowed: 0 (all cores) <= threads <= 4096"},
      {"--threads -1", "--threads -1: out of range"},
      {"--threads 1e3", "--threads 1e3: not a whole number"},
      {"--paths -5", "--paths -5: out of range; allowed: 1 <= paths <= 1000000000"},
      {"--paths 0", "--paths 0: out of range"},
      {"--seed -1", "--seed -1: out of range; allowed: 0 <= seed <= 9223372036854775807"},
      {"--seed 9223372036854775808", "--seed 9223372036854775808: out of range"},
      {"--seed 99999999999999999999999", "--seed 99999999999999999999999: out of range"},
      {"--block-size 0", "--block-size 0: out of range; allowed: 1 <= block size <= 1000000"},
      {"--block-size -1", "--block-size -1: out of range"},
      {"--block-size 1000000000000", "--block-size 1000000000000: out of range"},
  };
  for (const auto& c : cases) {
    SECTION(c.args) {
      const auto o = run_pfsim("run " + quote(kBaseline) + " " + c.args + " --quiet -o " + quote(output.string()), dir, "opt");
      expect_refused(o, c.needle, output);
      CHECK_FALSE(contains(o.err, "179769313486231570"));  // DBL_MAX was printed in full once
      CHECK_FALSE(contains(o.err, "18446744073709551"));   // and wrapped negative values
    }
  }
  SECTION("merge --threads") {
    const auto o = run_pfsim("merge " + quote(kBaseline) + " --threads 65537 -o " + quote(output.string()), dir, "merge");
    expect_refused(o, "--threads 65537: out of range", output);
  }
  SECTION("seek --threads") {
    const auto o = run_pfsim("seek " + quote(kSource + "/configs/examples/goal_seek_contribution.toml") +
                                 " --threads 70000 -o " + quote(output.string()),
                             dir, "seek");
    expect_refused(o, "--threads 70000: out of range", output);
  }
}

TEST_CASE("outputs that are empty, devices, links, directories, inputs or paths out of results/ are refused before simulating",
          "[cli][bad-input][hardening]") {
  const auto dir = scratch("hardening_outputs");
  auto run_to = [&](const std::string& out, const std::string& tag, const std::string& extra = "") {
    return run_pfsim("run " + quote(kBaseline) + " --paths 20 --quiet " + extra + " -o " + quote(out), dir, tag);
  };
  SECTION("empty -o") { expect_refused(run_to("", "empty"), "--output '': the output file name is empty", dir / "x.h5"); }
  SECTION("a FIFO or a device") {
    // Made in the scratch directory (never /dev/null itself, which a
    // regression would replace when the tests run as root).
    const auto fifo = dir / "fifo.h5";
    fs::remove(fifo);
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    const auto o = run_to(fifo.string(), "fifo");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, "--output '" + fifo.string() + "': is a FIFO; pfsim replaces only regular files"));
    struct stat st {};
    REQUIRE(::lstat(fifo.c_str(), &st) == 0);
    CHECK(S_ISFIFO(st.st_mode));
    if (::geteuid() == 0) {  // only root may make a device node: a null device of our own
      const auto dev = dir / "null.h5";
      fs::remove(dev);
      REQUIRE(::mknod(dev.c_str(), S_IFCHR | 0600, ::makedev(1, 3)) == 0);
      const auto d = run_to(dev.string(), "device");
      INFO(d.err);
      CHECK(d.status == 2);
      CHECK(contains(d.err, "is a character device"));
      REQUIRE(::lstat(dev.c_str(), &st) == 0);
      CHECK(S_ISCHR(st.st_mode));
    }
  }
  SECTION("a planted link") {
    write_text(dir / "victim", "keep me");
    fs::remove(dir / "link.h5");
    fs::create_symlink(dir / "victim", dir / "link.h5");
    const auto o = run_to((dir / "link.h5").string(), "link");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, "is a symbolic link"));
    CHECK(read_text(dir / "victim") == "keep me");
  }
  SECTION("a directory") {
    fs::create_directories(dir / "d.h5");
    const auto o = run_to((dir / "d.h5").string(), "dir");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, "is a directory"));
  }
  // `run CFG -o TARGET` refused because TARGET is an input; TARGET unchanged.
  auto expect_input_kept = [&](const fs::path& cfg, const fs::path& target, const std::string& tag) {
    const auto before = read_text(target);
    const auto o = run_pfsim("run " + quote(cfg.string()) + " --paths 20 --quiet -o " + quote(target.string()), dir, tag);
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, "is an input of this command"));
    CHECK(read_text(target) == before);
  };
  SECTION("the config itself") {
    const auto cfg = baseline_copy(dir, "own", baseline_text());
    expect_input_kept(cfg, cfg, "own");
  }
  SECTION("a data file of the config") {
    // A copy of the data file, so that a regression cannot damage the sources.
    const auto data = dir / "tfr.csv";
    fs::copy_file(kSource + "/configs/data/china/tfr.csv", data, fs::copy_options::overwrite_existing);
    const auto cfg = baseline_copy(dir, "data", replace_once(baseline_text(), kSource + "/configs/data/china/tfr.csv", data.string()));
    expect_input_kept(cfg, data, "data");
  }
  SECTION("a directory where nothing can be created") {
    const auto o = run_to("/proc/self/x.h5", "proc");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, "cannot create a file in '/proc/self'"));
  }
  SECTION("run.name with a path") {
    const auto o = run_pfsim("run " + quote(kBaseline) + " --paths 20 --quiet --set 'run.name=\"../../x\"'", dir, "name");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, "'run.name': '../../x' is not a plain file name"));
  }
}

TEST_CASE("merge never writes over one of its own inputs", "[cli][bad-input][hardening]") {
  const auto dir = scratch("hardening_merge_input");
  const auto parts = two_shards(dir);
  const auto before = read_text(parts[0]);
  const auto o = run_pfsim("merge " + quote(parts[0].string()) + " " + quote(parts[1].string()) + " -o " +
                               quote(parts[0].string()),
                           dir, "merge");
  INFO(o.err);
  CHECK(o.status == 2);
  CHECK(contains(o.err, "is an input of this command"));
  CHECK(read_text(parts[0]) == before);
}

TEST_CASE("a stale temporary file of a killed run is removed by the next run of the same output", "[cli][hardening]") {
  const auto dir = scratch("hardening_stale");
  char host[256] = {};
  REQUIRE(::gethostname(host, sizeof host - 1) == 0);
  std::string h(host);
  for (char& c : h)
    if (c == '-' || c == '/') c = '_';
  // pid 2^22 - 1 is beyond Linux's default pid_max on most systems; a kill -9
  // during the final write leaves such a 0-byte file.
  const auto stale = dir / ("x.h5.tmp-" + h + "-4194303-00000000deadbeef");
  write_text(stale, "");
  const auto output = run_baseline(dir, "x", "--paths 20");
  CHECK(fs::exists(output));
  CHECK_FALSE(fs::exists(stale));
}

TEST_CASE("a full disk ends the write with the system's reason, status 1, no results and no temporary file",
          "[cli][hardening]") {
  const auto dir = scratch("hardening_full_disk");
  // RLIMIT_FSIZE with SIGXFSZ ignored: writes past 150 kB fail with EFBIG,
  // as they would on a full disk with ENOSPC.
  const std::string limit = "trap '' XFSZ; ulimit -f 150";
  SECTION("results file") {
    const auto output = dir / "full.h5";
    const auto o = run_pfsim("run " + quote(kBaseline) + " --paths 200 --quiet -o " + quote(output.string()), dir, "run", limit);
    INFO("stderr:\n" << o.err);
    CHECK(o.status == 1);  // not 139: HDF5's exit handler no longer crashes on the failed file
    CHECK(contains(o.err, "pfsim: I/O error: HDF5 error at '"));
    CHECK(contains(o.err, "File too large"));
    require_no_results(output);
  }
  SECTION("checkpoint chunk") {
    const auto output = dir / "ck.h5";
    const auto ck = dir / "ck";
    const auto o = run_pfsim("run " + quote(kBaseline) + " --paths 2000 --quiet --checkpoint " + quote(ck.string()) + " -o " +
                                 quote(output.string()),
                             dir, "checkpoint", limit);
    INFO("stderr:\n" << o.err);
    CHECK(o.status == 1);
    CHECK(contains(o.err, "File too large"));
    require_no_results(output);
    for (const auto& e : fs::directory_iterator(ck)) CHECK_FALSE(contains(e.path().filename().string(), ".tmp-"));
  }
  SECTION("partial file of a shard") {
    const auto output = dir / "part.h5";
    const auto o = run_pfsim("run " + quote(kBaseline) + " --paths 2000 --quiet --shard 1/2 -o " + quote(output.string()), dir,
                             "shard", limit);
    INFO("stderr:\n" << o.err);
    CHECK(o.status == 1);
    CHECK(contains(o.err, "File too large"));
    require_no_results(output);
  }
}

TEST_CASE("figures that are not finite stop the run naming path, year and variable, with nothing written",
          "[cli][hardening]") {
  const auto dir = scratch("hardening_non_finite");
  const auto output = dir / "x.h5";
  const auto o = run_pfsim("run " + quote(kBaseline) + " --paths 20 --quiet --set scheme.average_wage=1e30 -o " +
                               quote(output.string()),
                           dir, "wage");
  INFO("stderr:\n" << o.err);
  CHECK(o.status == 1);
  CHECK(contains(o.err, "pfsim: simulation stopped: path 0, year 20"));
  CHECK(contains(o.err, "(not a finite number a results file can hold)"));
  require_no_results(output);

  // A population cell of 1e300 is bad input, found while loading.
  fs::create_directories(dir / "data");
  const std::string pop = read_text(kSource + "/configs/data/china/population_2023.csv");
  const std::string row = "\n1,";
  REQUIRE(contains(pop, row));
  const auto at = pop.find(row) + row.size();
  const auto comma = pop.find(',', at);
  write_text(dir / "data" / "population.csv", pop.substr(0, at) + "1e300" + pop.substr(comma));
  const auto cfg = baseline_copy(dir, "pop", replace_once(baseline_text(), kSource + "/configs/data/china/population_2023.csv",
                                                          (dir / "data" / "population.csv").string()));
  const auto p = run_pfsim("run " + quote(cfg.string()) + " --paths 20 --quiet -o " + quote(output.string()), dir, "pop");
  expect_refused(p, (dir / "data" / "population.csv").string() + ":3:", output);
  CHECK(contains(p.err, "'male': 1e+300 is out of range; allowed: 0 <= x <= 1e+10"));
}

TEST_CASE("a path that never depletes (depletion_year = +inf) is a result, not an error, in runs, shards and merges",
          "[cli][hardening]") {
  const auto dir = scratch("hardening_never");
  const std::string rich = " --set funds.basic.initial_balance=1e15";
  const auto whole = run_baseline(dir, "whole", "--paths 40" + rich);
  for (int k = 1; k <= 2; ++k) {
    const auto o = run_pfsim("run " + quote(kBaseline) + " --paths 40 --quiet --shard " + std::to_string(k) + "/2" + rich +
                                 " -o " + quote((dir / ("part" + std::to_string(k) + ".h5")).string()),
                             dir, "shard" + std::to_string(k));
    INFO(o.err);
    REQUIRE(o.status == 0);
  }
  const auto merged = dir / "merged.h5";
  const auto m = run_pfsim("merge " + quote((dir / "part1.h5").string()) + " " + quote((dir / "part2.h5").string()) +
                               " --quiet -o " + quote(merged.string()),
                           dir, "merge");
  INFO(m.err);
  REQUIRE(m.status == 0);
  CHECK(differing_datasets(whole, merged).empty());
  auto f = open_file(merged);
  const auto p = h5::read_doubles(f, "risk/depletion_probability");
  REQUIRE_FALSE(p.empty());
  CHECK(p.back() == 0.0);
}

TEST_CASE("summary of a damaged results file is bad input naming the dataset, never a crash or garbage",
          "[cli][hdf5][hardening]") {
  const auto dir = scratch("hardening_summary");
  const auto good = run_baseline(dir, "good", "--paths 20");
  struct Damage {
    std::string name, needle;
    std::function<void(hid_t)> edit;
  };
  const std::vector<Damage> damages{
      {"empty_years", "'years' is empty", [](hid_t f) { replace_dataset_ints(f, "years", {}); }},
      {"short_quantiles", "'metrics/fund_balance_real/quantiles' does not have the shape",
       [](hid_t f) { replace_dataset(f, "metrics/fund_balance_real/quantiles", {1, 2, 3}, {3}); }},
      {"missing_risk", "depletion_probability",
       [](hid_t f) { REQUIRE(H5Ldelete(f, "risk/depletion_probability", H5P_DEFAULT) >= 0); }},
      {"short_risk", "'depletion_probability_lower' has 2 values",
       [](hid_t f) { replace_dataset(f, "risk/depletion_probability_lower", {0, 0}, {2}); }},
      {"array_attribute", "attribute 'seed' is not one whole number",
       [](hid_t f) {
         REQUIRE(H5Adelete(f, "seed") >= 0);
         h5::attr(f, "seed", std::vector<double>(9, 1.0));
       }},
      {"zero_horizon", "'risk/horizons' holds 0, not a horizon of 1 to 77 years",
       [](hid_t f) { replace_dataset_ints(f, "risk/horizons", {1, 5, 0, 20, 77}); }},
      {"other_version", "results format version 99 is not supported",
       [](hid_t f) { replace_int_attr(f, "format_version", 99); }},
  };
  for (const auto& d : damages) {
    SECTION(d.name) {
      const auto bad = dir / (d.name + ".h5");
      fs::copy_file(good, bad, fs::copy_options::overwrite_existing);
      edit_h5(bad, d.edit);
      const auto o = run_pfsim("summary " + quote(bad.string()), dir, d.name);
      INFO("stderr:\n" << o.err << "\nstdout:\n" << o.out);
      CHECK(o.status == 2);
      CHECK(contains(o.err, bad.string() + ": error: "));
      CHECK(contains(o.err, d.needle));
      CHECK(o.out.empty());  // no half-printed table
    }
  }
}

namespace {
// Writes `value` as path 0's value of one scalar in a partial file's
// "scalars" dataset (rows = scalars, columns = paths).
void write_first_path_scalar(hid_t f, const std::string& scalar, double value) {
  const auto cfg = pfsim::load_config(kBaseline);
  const pfsim::PensionModel model(cfg.model);
  const auto row = static_cast<hsize_t>(model.scalar_metric(scalar));
  h5::Handle ds(H5Dopen2(f, "scalars", H5P_DEFAULT), H5Dclose);
  REQUIRE(ds.valid());
  h5::Handle space(H5Dget_space(ds), H5Sclose);
  const hsize_t start[2] = {row, 0}, count[2] = {1, 1};
  REQUIRE(H5Sselect_hyperslab(space, H5S_SELECT_SET, start, nullptr, count, nullptr) >= 0);
  h5::Handle mem(H5Screate_simple(2, count, nullptr), H5Sclose);
  REQUIRE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, &value) >= 0);
}
}  // namespace

TEST_CASE("merge refuses partial files of another format version, with impossible ranges, or holding NaN",
          "[cli][hdf5][hardening]") {
  const auto dir = scratch("hardening_partials");
  const auto parts = two_shards(dir);
  struct Damage {
    std::string name, needle;
    std::function<void(hid_t)> edit;
  };
  const std::vector<Damage> damages{
      {"version", "partial format version 7 is not supported", [](hid_t f) { replace_int_attr(f, "format_version", 7); }},
      {"range", "impossible (damaged file?)", [](hid_t f) { replace_int_attr(f, "first_path", 1000); }},
      {"depletion_year", "'depletion_year' of path 20 is 1000000000, not a year of the run (2024-2100) or +inf: damaged file",
       [](hid_t f) {
         // The risk report once indexed its depletion histogram by this value.
         write_first_path_scalar(f, "depletion_year", 1e9);
       }},
      {"nan_actuarial_balance", "'actuarial_balance' of path", [](hid_t f) {
         // NaN is a value only of the scalars that may be undefined (returns
         // over a horizon the fund did not last); elsewhere it is damage.
         write_first_path_scalar(f, "actuarial_balance", std::numeric_limits<double>::quiet_NaN());
       }},
      {"nan", "is nan, not a year of the run", [](hid_t f) {
         h5::Handle ds(H5Dopen2(f, "scalars", H5P_DEFAULT), H5Dclose);
         REQUIRE(ds.valid());
         const auto dims = h5::dims_of(f, "scalars");
         std::vector<double> all(static_cast<std::size_t>(dims[0] * dims[1]), std::numeric_limits<double>::quiet_NaN());
         REQUIRE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()) >= 0);
       }},
  };
  // In memory, and beyond the memory limit, where the parts are read in place.
  const std::string limit = GENERATE(as<std::string>{}, "", " --memory-limit 1kB");
  for (const auto& d : damages) {
    SECTION(d.name) {
      INFO("options: '" << limit << "'");
      const auto bad = dir / (d.name + ".h5");
      fs::copy_file(parts[1], bad, fs::copy_options::overwrite_existing);
      edit_h5(bad, d.edit);
      const auto output = dir / (d.name + "_merged.h5");
      const auto o = run_pfsim("merge " + quote(parts[0].string()) + " " + quote(bad.string()) + " --quiet -o " +
                                   quote(output.string()) + limit,
                               dir, d.name);
      INFO("stderr:\n" << o.err);
      CHECK(o.status == 2);
      CHECK(contains(o.err, bad.string() + ": error: "));
      CHECK(contains(o.err, d.needle));
      require_no_results(output);
    }
  }
}

TEST_CASE("config files, includes and data files are checked where they are named", "[cli][bad-input][hardening]") {
  const auto dir = scratch("hardening_config_files");
  const auto text = baseline_text();
  SECTION("an include of a directory") {
    fs::create_directories(dir / "incdir");
    const auto cfg = baseline_copy(dir, "incdir", "include = [\"incdir\"]\n" + text);
    const auto o = run_pfsim("validate " + quote(cfg.string()), dir, "incdir");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, cfg.string() + ":1:"));
    CHECK(contains(o.err, "is a directory; expected a TOML file"));
  }
  SECTION("an include cycle") {
    write_text(dir / "a.toml", "include = [\"b.toml\"]\n");
    write_text(dir / "b.toml", "\ninclude = [\"a.toml\"]\n");
    const auto o = run_pfsim("validate " + quote((dir / "a.toml").string()), dir, "cycle");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, (dir / "b.toml").string() + ":2:"));
    CHECK(contains(o.err, "an include cycle"));
  }
  SECTION("a missing data file") {
    const auto cfg = baseline_copy(dir, "missing", replace_once(text, "tfr.csv", "tfr_missing.csv"));
    const auto o = run_pfsim("validate " + quote(cfg.string()), dir, "missing");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, cfg.string() + ":" + std::to_string(line_of(text, "tfr.csv")) + ":"));
    CHECK(contains(o.err, "'demography.fertility.target_tfr.file': data file '"));
    CHECK(contains(o.err, "tfr_missing.csv' does not exist"));
  }
  SECTION("a data file with a byte order mark") {
    const std::string tfr = read_text(kSource + "/configs/data/china/tfr.csv");
    write_text(dir / "tfr_bom.csv", "\xEF\xBB\xBF" + tfr);
    const auto cfg = baseline_copy(dir, "bom", replace_once(text, kSource + "/configs/data/china/tfr.csv", (dir / "tfr_bom.csv").string()));
    const auto o = run_pfsim("validate " + quote(cfg.string()), dir, "bom");
    INFO(o.err);
    CHECK(o.status == 0);
  }
  SECTION("a binary file named as a data file") {
    std::string binary = "\x7f" "ELF\x02\x01\x01";
    binary += std::string(3000, 'A') + "\n" + std::string(10, '\0');
    write_text(dir / "binary.csv", binary);
    const auto cfg = baseline_copy(dir, "binary", replace_once(text, kSource + "/configs/data/china/tfr.csv", (dir / "binary.csv").string()));
    const auto o = run_pfsim("validate " + quote(cfg.string()), dir, "binary");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, "binary.csv:1:5: error: not a text CSV file (control byte 0x02)"));
    CHECK(o.err.size() < 600);
  }
  SECTION("a year or an age beyond any whole number a table can hold") {
    // Found by fuzz_csv: the cell was converted to int without a range check.
    std::string divisors = read_text(kSource + "/configs/data/china/account_divisors.csv");
    const auto at = divisors.find("\n43,");
    REQUIRE(at != std::string::npos);
    divisors.replace(at + 1, 2, "43999999999908");
    write_text(dir / "divisors.csv", divisors);
    const auto cfg = baseline_copy(dir, "divisors", replace_once(text, kSource + "/configs/data/china/account_divisors.csv",
                                                                (dir / "divisors.csv").string()));
    const auto o = run_pfsim("validate " + quote(cfg.string()), dir, "divisors");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, "divisors.csv:"));
    CHECK(contains(o.err, "'age': 43999999999908 is not a whole number from 0 to 150"));

    write_text(dir / "tfr_year.csv", "year,tfr\n2023,1.0\n1e20,1.1\n");
    const auto cfg2 = baseline_copy(dir, "tfr_year", replace_once(text, kSource + "/configs/data/china/tfr.csv", (dir / "tfr_year.csv").string()));
    const auto t = run_pfsim("validate " + quote(cfg2.string()), dir, "tfr_year");
    INFO(t.err);
    CHECK(t.status == 2);
    CHECK(contains(t.err, "tfr_year.csv:3:1: error: 'year': 1e+20 is not a whole number from 1900 to 2500"));
  }
  SECTION("a header that lacks the column quotes the file in short excerpts") {
    write_text(dir / "wide.csv", "year," + std::string(5000, 'z') + "\n2024,1\n");
    const auto cfg = baseline_copy(dir, "wide", replace_once(text, kSource + "/configs/data/china/tfr.csv", (dir / "wide.csv").string()));
    const auto o = run_pfsim("validate " + quote(cfg.string()), dir, "wide");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, "no column 'tfr'"));
    CHECK(o.err.size() < 600);
  }
  SECTION("a megabyte-long key") {
    const auto cfg = baseline_copy(dir, "longkey", text + "\n[run2]\n" + std::string(1 << 20, 'k') + " = 1\n");
    const auto o = run_pfsim("validate " + quote(cfg.string()), dir, "longkey");
    CHECK(o.status == 2);
    CHECK(contains(o.err, "unknown key"));
    CHECK(o.err.size() < 1000);
  }
  SECTION("a calibration target out of reach is named at its line") {
    const auto cfg = baseline_copy(dir, "calibration", replace_once(text, "contributors = 379.25e6", "contributors = 379.25e12"));
    const auto o = run_pfsim("validate " + quote(cfg.string()), dir, "calibration");
    INFO(o.err);
    CHECK(o.status == 2);
    CHECK(contains(o.err, cfg.string() + ":" + std::to_string(line_of(text, "contributors = 379.25e6")) + ":"));
    CHECK(contains(o.err, "'scheme.calibration.contributors': 3.7925e+14 contributors cannot be reached"));
  }
  SECTION("a config that is a directory") {
    fs::create_directories(dir / "cfg.toml");
    const auto o = run_pfsim("validate " + quote((dir / "cfg.toml").string()), dir, "cfgdir");
    CHECK(o.status == 2);
  }
  SECTION("a config whose text does not fit a results file's attributes") {
    const auto cfg = baseline_copy(dir, "huge", replace_once(text, "currency = \"CNY\"", "currency = \"" + std::string(70000, 'X') + "\""));
    const auto output = dir / "huge.h5";
    const auto o = run_pfsim("run " + quote(cfg.string()) + " --paths 20 --quiet -o " + quote(output.string()), dir, "huge");
    expect_refused(o, "bytes of text; a results file records it in HDF5 attributes that hold at most 60000 bytes", output);
    const auto v = run_pfsim("validate " + quote(cfg.string()), dir, "huge_validate");
    CHECK(v.status == 2);
  }
}

TEST_CASE("a goal-seek tolerance finer than the lever can resolve is refused before simulating", "[cli][bad-input][hardening]") {
  const auto dir = scratch("hardening_seek");
  const auto output = dir / "seek.h5";
  const auto o = run_pfsim("seek " + quote(kSource + "/configs/examples/goal_seek_contribution.toml") +
                               " --set goal_seek.tolerance=1e-18 --quiet -o " + quote(output.string()),
                           dir, "tol");
  expect_refused(o, "'goal_seek.tolerance': 1e-18 is finer than bisection can resolve over [0.1, 0.3]; allowed: tolerance >= 2e-13",
                 output);
}

TEST_CASE("every config the project ships loads and passes every check") {
  // The configs in configs/ and configs/examples/, with every scenario,
  // goal-seek and optimisation variant they define (load_config checks them all).
  int loaded = 0;
  for (const char* dir : {"/configs", "/configs/examples"}) {
    for (const auto& entry : fs::directory_iterator(kSource + dir)) {
      if (entry.path().extension() != ".toml") continue;
      INFO(entry.path().string());
      pfsim::RunConfig cfg;
      REQUIRE_NOTHROW(cfg = pfsim::load_config(entry.path().string()));
      CHECK(cfg.model.end_year > cfg.model.start_year);
      ++loaded;
    }
  }
  CHECK(loaded >= 14);  // 4 configs and 10 examples when this was written: none skipped
}

TEST_CASE("a merge beyond its memory limit reads contiguous parts where they are and copies any other, with the same bits",
          "[cli][hdf5][spill]") {
  const auto dir = scratch("merge_in_place");
  const auto parts = two_shards(dir);
  const auto whole = dir / "whole.h5";
  REQUIRE(run_pfsim("run " + quote(kBaseline) + " --paths 40 --quiet -o " + quote(whole.string()), dir, "whole").status == 0);
  const auto merge = [&](const fs::path& second, const std::string& name) {
    const auto out = dir / (name + ".h5");
    const auto o = run_pfsim("merge " + quote(parts[0].string()) + " " + quote(second.string()) + " --memory-limit 1kB -o " +
                                 quote(out.string()),
                             dir, name);
    INFO("stderr:\n" << o.err);
    REQUIRE(o.status == 0);
    const auto diff = differing_datasets(whole, out);
    INFO("differing datasets:\n" << join(diff));
    CHECK(diff.empty());
    return o.err;
  };
  CHECK(contains(merge(parts[1], "in_place"), "the statistics read it from the 2 partial files where they are"));
  // The same values in a chunked dataset (as another HDF5 writer may store
  // them): not the sample's own bytes, so the merge copies them.
  const auto chunked = dir / "chunked.h5";
  fs::copy_file(parts[1], chunked, fs::copy_options::overwrite_existing);
  edit_h5(chunked, [](hid_t f) {
    const auto dims = h5::dims_of(f, "scalars");
    std::vector<double> values(static_cast<std::size_t>(dims[0] * dims[1]));
    h5::read_columns(f, "scalars", true, 0, dims[1], values.data());
    REQUIRE(H5Ldelete(f, "scalars", H5P_DEFAULT) >= 0);
    h5::Handle space(H5Screate_simple(2, dims.data(), nullptr), H5Sclose);
    h5::Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    const hsize_t chunk[2] = {1, dims[1]};
    REQUIRE(H5Pset_chunk(plist, 2, chunk) >= 0);
    h5::Handle ds(H5Dcreate2(f, "scalars", H5T_IEEE_F64LE, space, H5P_DEFAULT, plist, H5P_DEFAULT), H5Dclose);
    REQUIRE(ds.valid());
    REQUIRE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) >= 0);
  });
  CHECK(contains(merge(chunked, "copied"), "spilled to a temporary file"));
}
