#include "fuzz_common.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace pfsim::fuzz {

namespace {
std::string make_temp_dir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/pfsim-fuzz-XXXXXX";
  if (!::mkdtemp(tmpl.data())) {
    std::perror("pfsim fuzz: mkdtemp");
    std::abort();
  }
  static const std::string dir = tmpl;  // the one directory of this process
  std::atexit([] {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  });
  return tmpl;
}
}  // namespace

const std::string& temp_dir() {
  static const std::string dir = make_temp_dir();
  return dir;
}

void write_file(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) {
    std::fprintf(stderr, "pfsim fuzz: cannot write %s\n", path.c_str());
    std::abort();
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace pfsim::fuzz
