#pragma once
// Counter-based random streams (Random123 Philox4x32-10).
//
// Every draw of pfsim has an address: the Philox key is the 64-bit run seed,
// and the 128-bit counter holds the path id (64 bits), the stream (16 bits),
// the step (16 bits: 0 for initial draws, 1 + year - start_year afterwards)
// and a block index (32 bits) that advances as the stream is consumed. A path
// is therefore a pure function of (seed, path id), and each model draws from
// its own named range: adding a draw to one model never shifts the numbers of
// another, or of another year.
#include <Random123/philox.h>

#include <array>
#include <cstdint>
#include <limits>

namespace pfsim {

// Named counter ranges. Values are part of the results' reproducibility
// contract: never renumber an existing stream, only add new ones.
enum class Stream : std::uint16_t {
  economy_shocks = 1,     // eps of the VAR(1)
  economy_regime = 2,     // Markov regime transitions
  economy_mixing = 3,     // chi-square draw of Student-t shocks
  economy_bootstrap = 4,  // block starts of the historical bootstrap
  mortality = 10,         // Lee-Carter kappa innovations
  fertility = 11,         // log-TFR innovations
  migration = 12,         // net migration innovations
  region_wages = 13,      // regions' relative wage shocks (region r: the r-th normal of the year's stream)
  parameters = 20,        // per-path parameter draws; the step is the parameter's id (models/uncertainty.h)
  bootstrap = 30,         // resampling of finished paths for standard errors (the path field is the resample)
};

class RandomStream {
 public:
  using result_type = std::uint32_t;
  using Philox = r123::Philox4x32_R<10>;

  RandomStream(std::uint64_t seed, std::uint64_t path, Stream stream, std::uint32_t step) {
    key_ = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
    ctr_ = {{0u, (static_cast<std::uint32_t>(stream) << 16) | (step & 0xFFFFu),
             static_cast<std::uint32_t>(path), static_cast<std::uint32_t>(path >> 32)}};
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }

  result_type operator()() {
    if (pos_ == 4) refill();
    return buf_[pos_++];
  }

  // Uniform on the open interval (0, 1), 53 bits.
  double uniform() {
    const std::uint64_t hi = (*this)() >> 5;  // 27 bits
    const std::uint64_t lo = (*this)() >> 6;  // 26 bits
    return (static_cast<double>((hi << 26) | lo) + 0.5) * 0x1.0p-53;
  }

  // The raw Philox4x32-10 bijection, exposed for known-answer tests.
  static std::array<std::uint32_t, 4> philox(const std::array<std::uint32_t, 4>& ctr,
                                             const std::array<std::uint32_t, 2>& key) {
    Philox p;
    Philox::ctr_type c = {{ctr[0], ctr[1], ctr[2], ctr[3]}};
    Philox::key_type k = {{key[0], key[1]}};
    const auto r = p(c, k);
    return {r[0], r[1], r[2], r[3]};
  }

 private:
  void refill() {
    buf_ = gen_(ctr_, key_);
    ++ctr_[0];
    pos_ = 0;
  }

  Philox gen_;
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type buf_{};
  int pos_ = 4;
};

}  // namespace pfsim
