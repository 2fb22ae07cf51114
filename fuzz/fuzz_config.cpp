// fuzz_config: the TOML config loader, pfsim::load_config (io/config.h), with
// its includes and --set overrides.
//
// Input: the main config's text, then optionally
//   "\n#--include--\n" and the text of inc.toml (the main config includes it
//                      with include = ["inc.toml"]; the seeds do),
//   "\n#--set--\n" and one override "key.path=value", any number of times,
// in any order. Written to a per-process directory that also holds data/ (a
// symlink to configs/data), so that the shipped configs' CSV files resolve.
// Expected: a config, or one of pfsim's errors.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_common.h"
#include "io/config.h"

namespace {

constexpr std::string_view kInclude = "\n#--include--\n";
constexpr std::string_view kSet = "\n#--set--\n";

struct Paths {
  std::string main, inc;
};

const Paths& paths() {
  static const Paths p = [] {
    namespace fs = std::filesystem;
    const std::string dir = pfsim::fuzz::temp_dir();
    fs::create_directory_symlink(fs::path(pfsim::fuzz::kSourceDir) / "configs" / "data", fs::path(dir) / "data");
    return Paths{dir + "/main.toml", dir + "/inc.toml"};
  }();
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)paths();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto& p = paths();

  // Split at the separators, in order of appearance.
  std::string main_text;
  std::string inc_text;
  bool has_inc = false;
  std::vector<std::string> overrides;
  enum { kMain, kInc, kOverride } kind = kMain;
  std::size_t pos = 0;
  while (true) {
    const auto a = in.find(kInclude, pos), b = in.find(kSet, pos);
    const auto next = std::min(a, b);
    const std::string part(in.substr(pos, next == std::string_view::npos ? std::string_view::npos : next - pos));
    if (kind == kMain) main_text = part;
    else if (kind == kInc) inc_text = part, has_inc = true;
    else overrides.push_back(part);
    if (next == std::string_view::npos) break;
    kind = next == a ? kInc : kOverride;
    pos = next + (next == a ? kInclude.size() : kSet.size());
  }
  if (overrides.size() > 64) return -1;  // nothing new past a few

  pfsim::fuzz::write_file(p.main, main_text);
  if (has_inc) {
    pfsim::fuzz::write_file(p.inc, inc_text);
  } else {
    std::error_code ec;
    std::filesystem::remove(p.inc, ec);
  }
  PFSIM_FUZZ_EXPECTED(auto cfg = pfsim::load_config(p.main, overrides); (void)cfg)
  return 0;
}
