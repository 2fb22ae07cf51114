// Output safety (io/output_file.h, docs/config.md "Output files"): outputs
// are checked before anything is simulated, written under exclusive
// temporary names that never follow a planted link, renamed only when
// complete, and never over a directory, device, link or input; stale
// temporary files of dead processes are removed. HDF5 readers of single
// values refuse attributes that hold more.
#include <catch2/catch.hpp>
#include <hdf5.h>

#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "io/hdf5_file.h"
#include "io/output_file.h"

namespace {

namespace fs = std::filesystem;
namespace h5 = pfsim::h5;

fs::path scratch(const std::string& name) {
  const fs::path dir = fs::path(PFSIM_TEST_TMP) / "test_output_file" / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  REQUIRE(out.good());
}

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

// The message of the InputError `f` throws ("" if it throws none).
template <class F>
std::string input_error_of(F&& f) {
  try {
    f();
  } catch (const pfsim::InputError& e) {
    return e.what();
  }
  return "";
}

std::string host() {
  char buf[256] = {};
  REQUIRE(::gethostname(buf, sizeof buf - 1) == 0);
  std::string h(buf);
  for (char& c : h)
    if (c == '/' || c == '-') c = '_';
  return h;
}

// A process id that no process has: a child that has exited and been reaped.
pid_t dead_pid() {
  const pid_t child = ::fork();
  if (child == 0) ::_exit(0);
  int status = 0;
  ::waitpid(child, &status, 0);
  return child;
}

}  // namespace

TEST_CASE("an output that is empty, a directory, a device, a link or an input is refused before anything is written") {
  const auto dir = scratch("refused");
  const std::vector<std::string> none;
  CHECK(input_error_of([&] { pfsim::check_output_file("", none, "-o"); }).find("empty") != std::string::npos);
  CHECK(input_error_of([&] { pfsim::check_output_file((dir / "sub/").string(), none, "-o"); }).find("names a directory") !=
        std::string::npos);
  fs::create_directories(dir / "d.h5");
  CHECK(input_error_of([&] { pfsim::check_output_file((dir / "d.h5").string(), none, "-o"); }).find("is a directory") !=
        std::string::npos);
  // A FIFO (a device node behaves alike; only root may make one, and
  // /dev/null itself is not to be risked).
  REQUIRE(::mkfifo((dir / "fifo.h5").c_str(), 0600) == 0);
  CHECK(input_error_of([&] { pfsim::check_output_file((dir / "fifo.h5").string(), none, "-o"); }).find("is a FIFO") !=
        std::string::npos);
  struct stat st {};
  REQUIRE(::lstat((dir / "fifo.h5").c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));

  // A link planted at the output's name, to a file that must stay as it is.
  write_text(dir / "victim", "keep me");
  fs::create_symlink(dir / "victim", dir / "link.h5");
  const auto link_error = input_error_of([&] { pfsim::check_output_file((dir / "link.h5").string(), none, "--output"); });
  CHECK(link_error.find("--output '") == 0);
  CHECK(link_error.find("is a symbolic link") != std::string::npos);
  CHECK(read_text(dir / "victim") == "keep me");

  // An input, under another name (a hard link): compared by device and inode.
  write_text(dir / "config.toml", "x = 1\n");
  fs::create_hard_link(dir / "config.toml", dir / "alias.h5");
  const auto input_error = input_error_of(
      [&] { pfsim::check_output_file((dir / "alias.h5").string(), {(dir / "config.toml").string()}, "-o"); });
  CHECK(input_error.find("is an input of this command") != std::string::npos);
  CHECK(read_text(dir / "config.toml") == "x = 1\n");

  // A directory where no file can be created: the system's reason is given.
  const auto proc_error = input_error_of([&] { pfsim::check_output_file("/proc/self/x.h5", none, "-o"); });
  CHECK(proc_error.find("cannot create a file in '/proc/self'") != std::string::npos);

  // A regular file is fine, and so is a missing directory (it is created);
  // nothing is left behind by the check.
  write_text(dir / "old.h5", "old results");
  CHECK_NOTHROW(pfsim::check_output_file((dir / "old.h5").string(), {(dir / "config.toml").string()}, "-o"));
  CHECK_NOTHROW(pfsim::check_output_file((dir / "new" / "deeper" / "x.h5").string(), none, "-o"));
  CHECK(fs::is_directory(dir / "new" / "deeper"));
  CHECK(fs::is_empty(dir / "new" / "deeper"));
  CHECK(names_in(dir) == std::vector<std::string>{"alias.h5", "config.toml", "d.h5", "fifo.h5", "link.h5", "new", "old.h5", "victim"});
}

TEST_CASE("stale temporary files of dead processes on this host are removed, and no others") {
  const auto dir = scratch("stale");
  const std::string prefix = "x.h5.tmp-" + host() + "-";
  const std::string dead = prefix + std::to_string(dead_pid()) + "-0123456789abcdef";
  const std::string alive = prefix + std::to_string(::getppid()) + "-0123456789abcdef";
  const std::string other_host = "x.h5.tmp-elsewhere-" + std::to_string(dead_pid()) + "-0123456789abcdef";
  const std::string not_ours = prefix + std::to_string(dead_pid()) + "-notrandomhex";
  const std::string other_output = "y.h5.tmp-" + host() + "-" + std::to_string(dead_pid()) + "-0123456789abcdef";
  for (const auto& n : {dead, alive, other_host, not_ours, other_output}) write_text(dir / n, "");
  // A link with a stale name is not removed (nor followed).
  const std::string dead_link = prefix + std::to_string(dead_pid()) + "-fedcba9876543210";
  write_text(dir / "target", "keep");
  fs::create_symlink(dir / "target", dir / dead_link);

  pfsim::check_output_file((dir / "x.h5").string(), {}, "-o");
  const auto left = names_in(dir);
  CHECK(std::find(left.begin(), left.end(), dead) == left.end());
  for (const auto& n : {alive, other_host, not_ours, other_output, dead_link}) {
    INFO(n);
    CHECK(std::find(left.begin(), left.end(), n) != left.end());
  }
  CHECK(read_text(dir / "target") == "keep");
}

TEST_CASE("temporary names are fresh, next to the output, and taken names are skipped") {
  const auto dir = scratch("temporary");
  const auto out = (dir / "r.h5").string();
  std::vector<std::string> tried;
  const auto name = pfsim::create_temporary(out, [&](const std::string& n) {
    tried.push_back(n);
    return tried.size() == 3;  // the first two names are "taken"
  });
  REQUIRE(tried.size() == 3);
  CHECK(name == tried.back());
  CHECK(tried[0] != tried[1]);
  CHECK(tried[1] != tried[2]);
  for (const auto& n : tried) {
    CHECK(fs::path(n).parent_path() == dir);
    CHECK(fs::path(n).filename().string().rfind("r.h5.tmp-" + host() + "-" + std::to_string(::getpid()) + "-", 0) == 0);
  }
  CHECK_THROWS_AS(pfsim::create_temporary(out, [](const std::string&) { return false; }), pfsim::IoError);
}

TEST_CASE("an HDF5 file is created exclusively: a planted link is neither followed nor replaced") {
  const auto dir = scratch("exclusive");
  fs::create_symlink(dir / "elsewhere.h5", dir / "planted.h5");  // dangling: O_EXCL still refuses it
  auto f = h5::File::create_new((dir / "planted.h5").string());
  CHECK_FALSE(f.id() >= 0);
  CHECK_FALSE(fs::exists(dir / "elsewhere.h5"));
  CHECK(fs::is_symlink(dir / "planted.h5"));
  auto g = h5::File::create_new((dir / "fresh.h5").string());
  CHECK(g.id() >= 0);
  g.close();
  CHECK(fs::is_regular_file(dir / "fresh.h5"));
}

TEST_CASE("an atomic write leaves the complete file or nothing, and no temporary file") {
  const auto dir = scratch("atomic");
  const auto out = (dir / "r.h5").string();
  h5::write_file_atomically(out, [](hid_t root) { h5::attr(root, "answer", std::int64_t{42}); });
  CHECK(names_in(dir) == std::vector<std::string>{"r.h5"});
  {
    auto f = h5::File::open_read(out);
    CHECK(h5::read_int_attr(f.id(), "answer") == 42);
  }
  // A failure while filling: the old file stays, no temporary file.
  CHECK_THROWS_WITH(h5::write_file_atomically(out, [](hid_t root) {
                      h5::attr(root, "answer", std::int64_t{43});
                      throw pfsim::IoError("disk on fire");
                    }),
                    "disk on fire");
  CHECK(names_in(dir) == std::vector<std::string>{"r.h5"});
  {
    auto f = h5::File::open_read(out);
    CHECK(h5::read_int_attr(f.id(), "answer") == 42);
  }
  // The final name became a FIFO while the file was written: not replaced.
  const auto fifo = (dir / "fifo.h5").string();
  CHECK_THROWS_AS(h5::write_file_atomically(fifo, [&](hid_t) { REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0); }),
                  pfsim::IoError);
  struct stat st {};
  REQUIRE(::lstat(fifo.c_str(), &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));
  CHECK(names_in(dir) == std::vector<std::string>{"fifo.h5", "r.h5"});
}

TEST_CASE("a text output is written whole by the same rules") {
  const auto dir = scratch("text");
  const auto out = (dir / "fit.toml").string();
  pfsim::write_text_file(out, "drift = 1\n", {}, "--output");
  CHECK(read_text(out) == "drift = 1\n");
  write_text(dir / "victim", "keep");
  fs::create_symlink(dir / "victim", dir / "link.toml");
  CHECK_THROWS_AS(pfsim::write_text_file((dir / "link.toml").string(), "x", {}, "--output"), pfsim::InputError);
  CHECK(read_text(dir / "victim") == "keep");
  CHECK(names_in(dir) == std::vector<std::string>{"fit.toml", "link.toml", "victim"});
}

TEST_CASE("readers of one value refuse an attribute that holds several, and say why HDF5 failed") {
  const auto dir = scratch("attributes");
  const auto path = (dir / "a.h5").string();
  h5::write_file_atomically(path, [](hid_t root) {
    h5::attr(root, "many", std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9});
    h5::attr(root, "text", std::string("hello"));
    h5::attr(root, "one", 2.5);
  });
  auto f = h5::File::open_read(path);
  CHECK_THROWS_AS(h5::read_int_attr(f.id(), "many"), pfsim::IoError);
  CHECK_THROWS_AS(h5::read_double_attr(f.id(), "many"), pfsim::IoError);
  CHECK_THROWS_AS(h5::read_string_attr(f.id(), "many"), pfsim::IoError);
  CHECK_THROWS_AS(h5::read_int_attr(f.id(), "text"), pfsim::IoError);
  CHECK(h5::read_string_attr(f.id(), "text") == "hello");
  CHECK(h5::read_double_attr(f.id(), "one") == 2.5);
  try {
    (void)h5::read_doubles(f.id(), "missing");
    FAIL("reading a missing dataset must throw");
  } catch (const pfsim::IoError& e) {
    const std::string m = e.what();
    CHECK(m.find("HDF5 error at 'missing': ") == 0);
    CHECK(m.size() > std::string("HDF5 error at 'missing': ").size());
  }
}

TEST_CASE("error messages quote long or binary text only in part") {
  const std::string megabyte(1 << 20, 'k');
  const auto e = pfsim::excerpt(megabyte, 60);
  CHECK(e.size() < 100);
  CHECK(e.find("(1048576 bytes)") != std::string::npos);
  CHECK(pfsim::excerpt(std::string("a\0b\x1b[2Jc", 8)) == "a?b?[2Jc");
  CHECK(pfsim::excerpt("short") == "short");
  const pfsim::InputError err({"f.toml", 3, 1}, megabyte, "unknown key");
  CHECK(std::string(err.what()).size() < 300);
}
