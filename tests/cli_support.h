#pragma once
// What the integration tests of the pfsim executable share: scratch
// directories, running pfsim and capturing its output, the baseline config
// and its edits, and reading results files dataset by dataset.
#include <catch2/catch.hpp>
#include <hdf5.h>

#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/hdf5_file.h"

namespace cli_support {

namespace fs = std::filesystem;
namespace h5 = pfsim::h5;

inline const std::string kSource = PFSIM_SOURCE_DIR;
inline const std::string kBinary = PFSIM_BINARY;
inline const std::string kBaseline = kSource + "/configs/china_baseline.toml";

// ---------------------------------------------------------------------------
// Files and processes

// A scratch directory for one test case (test cases may run in parallel
// processes under ctest, so each has its own), emptied once per process: the
// files of every SECTION remain for a look after a failure.
inline fs::path scratch(const std::string& name) {
  static std::set<std::string> emptied;
  const fs::path dir = fs::path(PFSIM_TEST_TMP) / "test_cli" / name;
  if (emptied.insert(name).second) fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

inline std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in.good());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  REQUIRE(out.good());
  out << text;
  REQUIRE(out.good());
}

inline bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

inline std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + needle.size())) ++n;
  return n;
}

// Replaces the one occurrence of `from`: the edit must hit exactly one place
// of the baseline, or the test would silently test something else.
inline std::string replace_once(std::string text, const std::string& from, const std::string& to) {
  INFO("edit of the baseline: '" << from << "'");
  REQUIRE(count_of(text, from) == 1);
  text.replace(text.find(from), from.size(), to);
  return text;
}

// 1-based line of the one line containing `needle`.
inline int line_of(const std::string& text, const std::string& needle) {
  INFO("line of '" << needle << "'");
  REQUIRE(count_of(text, needle) == 1);
  const auto pos = text.find(needle);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n'));
}

// The baseline with its data paths made absolute, so a copy works from any
// directory.
inline std::string baseline_text() {
  const std::string original = read_text(kBaseline);
  std::string text = original;
  const std::string from = "\"data/china/";
  const std::string to = "\"" + kSource + "/configs/data/china/";
  REQUIRE(count_of(text, from) >= 5);
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  REQUIRE(count_of(text, from) == 0);
  return text;
}

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

struct Outcome {
  int status = -1;  // exit status; -1 when killed by a signal or not run
  std::string out;
  std::string err;
};

// Runs `pfsim ARGS` (ARGS already quoted), capturing stdout and stderr;
// with a shell prefix (limits, ignored signals), as `sh -c 'PREFIX; exec pfsim ARGS'`.
inline Outcome run_pfsim(const std::string& args, const fs::path& dir, const std::string& tag,
                         const std::string& shell_prefix = "") {
  const fs::path out = dir / (tag + ".stdout");
  const fs::path err = dir / (tag + ".stderr");
  const std::string pfsim = quote(kBinary) + " " + args;
  const std::string cmd = (shell_prefix.empty() ? pfsim : "sh -c " + quote(shell_prefix + "; exec " + pfsim)) + " >" +
                          quote(out.string()) + " 2>" + quote(err.string());
  const int rc = std::system(cmd.c_str());
  Outcome o;
  if (rc != -1 && WIFEXITED(rc)) o.status = WEXITSTATUS(rc);
  o.out = read_text(out);
  o.err = read_text(err);
  return o;
}

// Names in `dir` that start with `prefix` (leftover temporary files).
inline std::vector<std::string> entries_starting_with(const fs::path& dir, const std::string& prefix) {
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0) found.push_back(name);
  }
  return found;
}

inline void require_no_results(const fs::path& output) {
  CHECK_FALSE(fs::exists(output));
  const auto leftovers = entries_starting_with(output.parent_path(), output.filename().string() + ".tmp-");
  INFO("leftover temporary files: " << leftovers.size() << (leftovers.empty() ? "" : " e.g. " + leftovers.front()));
  CHECK(leftovers.empty());
}

// ---------------------------------------------------------------------------
// Bad input

struct BadInput {
  std::string name;                    // also the file names
  std::string config_text;             // written to DIR/NAME.toml
  std::string extra_args;              // e.g. --set ...
  int line = 0;                        // expected line in the config file; 0: not checked
  std::string key;                     // expected 'key.path' in the message
  std::vector<std::string> needles;    // further text the message must contain
};

// `pfsim run` and `pfsim validate` both reject the config with exit status 2,
// a message "FILE:LINE:COL: error: 'KEY': ..." and no results file.
inline void expect_bad_input(const fs::path& dir, const BadInput& c) {
  const fs::path cfg = dir / (c.name + ".toml");
  const fs::path output = dir / (c.name + ".h5");
  write_text(cfg, c.config_text);
  const auto o = run_pfsim("run " + quote(cfg.string()) + " --paths 20 --threads 1 --quiet -o " + quote(output.string()) +
                           (c.extra_args.empty() ? "" : " " + c.extra_args),
                       dir, c.name + ".run");
  INFO("case " << c.name << "; stderr:\n" << o.err);
  CHECK(o.status == 2);
  if (c.line > 0) CHECK(contains(o.err, cfg.string() + ":" + std::to_string(c.line) + ":"));
  if (!c.key.empty()) CHECK(contains(o.err, ": error: '" + c.key + "': "));
  for (const auto& n : c.needles) {
    INFO("expected text: " << n);
    CHECK(contains(o.err, n));
  }
  require_no_results(output);

  const auto v = run_pfsim("validate " + quote(cfg.string()) + (c.extra_args.empty() ? "" : " " + c.extra_args), dir,
                       c.name + ".validate");
  INFO("validate stderr:\n" << v.err);
  CHECK(v.status == 2);
  CHECK(v.err == o.err);
}

// ---------------------------------------------------------------------------
// HDF5

struct RawDataset {
  std::vector<hsize_t> dims;
  H5T_class_t type_class = H5T_NO_CLASS;
  std::size_t element_size = 0;
  std::vector<unsigned char> bytes;
};

inline h5::Handle open_file(const fs::path& p) {
  INFO("opening " << p.string());
  h5::Handle f(H5Fopen(p.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  REQUIRE(f.valid());
  return f;
}

inline herr_t collect_dataset(hid_t group, const char* name, const H5L_info_t* info, void* data) {
  if (info->type != H5L_TYPE_HARD) return 0;
  const hid_t o = H5Oopen(group, name, H5P_DEFAULT);
  if (o < 0) return -1;
  if (H5Iget_type(o) == H5I_DATASET) static_cast<std::vector<std::string>*>(data)->push_back(std::string("/") + name);
  H5Oclose(o);
  return 0;
}

// Every dataset of the file, as absolute paths, sorted.
inline std::vector<std::string> dataset_paths(hid_t file) {
  std::vector<std::string> names;
  REQUIRE(H5Lvisit(file, H5_INDEX_NAME, H5_ITER_INC, collect_dataset, &names) >= 0);
  std::sort(names.begin(), names.end());
  return names;
}

inline RawDataset read_raw(hid_t file, const std::string& name) {
  INFO("dataset " << name);
  h5::Handle ds(H5Dopen2(file, name.c_str(), H5P_DEFAULT), H5Dclose);
  REQUIRE(ds.valid());
  h5::Handle file_type(H5Dget_type(ds), H5Tclose);
  REQUIRE(file_type.valid());
  h5::Handle mem_type(H5Tget_native_type(file_type, H5T_DIR_ASCEND), H5Tclose);
  REQUIRE(mem_type.valid());
  h5::Handle space(H5Dget_space(ds), H5Sclose);
  REQUIRE(space.valid());
  RawDataset r;
  r.type_class = H5Tget_class(mem_type);
  REQUIRE((r.type_class == H5T_FLOAT || r.type_class == H5T_INTEGER));
  r.element_size = H5Tget_size(mem_type);
  const int rank = H5Sget_simple_extent_ndims(space);
  REQUIRE(rank >= 0);
  r.dims.resize(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, r.dims.data(), nullptr);
  hsize_t n = 1;
  for (auto d : r.dims) n *= d;
  r.bytes.resize(static_cast<std::size_t>(n) * r.element_size);
  if (n > 0) REQUIRE(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, r.bytes.data()) >= 0);
  return r;
}

inline std::vector<std::string> subgroups(hid_t parent, const std::string& name) {
  auto g = h5::open_group(parent, name);
  H5G_info_t info;
  REQUIRE(H5Gget_info(g, &info) >= 0);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const auto len = H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    REQUIRE(len > 0);
    std::string s(static_cast<std::size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, s.data(), s.size(), H5P_DEFAULT);
    s.resize(static_cast<std::size_t>(len));
    out.push_back(s);
  }
  return out;
}

// The datasets of two results files that differ (missing in one, other shape
// or type, other bytes). Root attributes (creation time, ...) are not compared.
inline std::vector<std::string> differing_datasets(const fs::path& a, const fs::path& b) {
  auto fa = open_file(a);
  auto fb = open_file(b);
  const auto na = dataset_paths(fa);
  const auto nb = dataset_paths(fb);
  std::vector<std::string> diff;
  for (const auto& n : na)
    if (!std::binary_search(nb.begin(), nb.end(), n)) diff.push_back(n + " (missing in " + b.filename().string() + ")");
  for (const auto& n : nb)
    if (!std::binary_search(na.begin(), na.end(), n)) diff.push_back(n + " (missing in " + a.filename().string() + ")");
  for (const auto& n : na) {
    if (!std::binary_search(nb.begin(), nb.end(), n)) continue;
    const auto ra = read_raw(fa, n);
    const auto rb = read_raw(fb, n);
    if (ra.dims != rb.dims || ra.type_class != rb.type_class || ra.element_size != rb.element_size) {
      diff.push_back(n + " (shape or type)");
      continue;
    }
    // Bytes: equal doubles are equal, and a NaN equals only a NaN (with the
    // same payload) at the same place.
    if (!ra.bytes.empty() && std::memcmp(ra.bytes.data(), rb.bytes.data(), ra.bytes.size()) != 0) {
      std::size_t first = 0;
      while (first < ra.bytes.size() && ra.bytes[first] == rb.bytes[first]) ++first;
      diff.push_back(n + " (first difference at element " + std::to_string(first / ra.element_size) + ")");
    }
  }
  return diff;
}

inline std::string join(const std::vector<std::string>& v, std::size_t max_items = 25) {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < max_items; ++i) out += "  " + v[i] + "\n";
  if (v.size() > max_items) out += "  ... and " + std::to_string(v.size() - max_items) + " more\n";
  return out;
}

// Runs the baseline with a few paths; returns the results file.
inline fs::path run_baseline(const fs::path& dir, const std::string& tag, const std::string& args) {
  const fs::path output = dir / (tag + ".h5");
  const auto o = run_pfsim("run " + quote(kBaseline) + " " + args + " --quiet -o " + quote(output.string()), dir, tag);
  INFO("pfsim run " << args << "\nstderr:\n" << o.err);
  REQUIRE(o.status == 0);
  REQUIRE(fs::exists(output));
  CHECK(entries_starting_with(dir, output.filename().string() + ".tmp-").empty());
  return output;
}

}  // namespace cli_support
