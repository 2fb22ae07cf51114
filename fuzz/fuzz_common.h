#pragma once
// Shared helpers of pfsim's libFuzzer targets (docs/fuzzing.md).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace pfsim::fuzz {

// The source tree (configs/, configs/data/), compiled in.
inline constexpr const char* kSourceDir = PFSIM_SOURCE_DIR;

// A directory of this process ($TMPDIR or /tmp), made on first use, reused
// by every iteration and removed at exit.
const std::string& temp_dir();

void write_file(const std::string& path, std::string_view bytes);
std::string read_file(const std::string& path);

// Reads the fuzz input front to back; past the end every value is 0.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : p_(data), end_(data + size) {}
  bool empty() const { return p_ >= end_; }
  std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }
  std::uint8_t u8() { return p_ < end_ ? *p_++ : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | (u8() << 8)); }
  std::uint64_t u64() {
    std::uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(u8()) << (8 * i);
    return v;
  }
  std::string take(std::size_t n) {
    n = std::min(n, left());
    std::string s(reinterpret_cast<const char*>(p_), n);
    p_ += n;
    return s;
  }

 private:
  const std::uint8_t* p_;
  const std::uint8_t* end_;
};

}  // namespace pfsim::fuzz

// The expected outcomes of a reader on bad input: pfsim's own error types
// (core/error.h). Anything else (another exception, a crash, a sanitizer
// report) escapes and is a finding.
#define PFSIM_FUZZ_EXPECTED(...)          \
  try {                                   \
    __VA_ARGS__;                          \
  } catch (const ::pfsim::InputError&) {  \
  } catch (const ::pfsim::IoError&) {     \
  } catch (const ::pfsim::SimulationError&) { \
  } catch (const ::pfsim::UnreachableGoal&) { \
  } catch (const ::pfsim::Interrupted&) { \
  }
