#pragma once
// exp over arrays in a form the compiler vectorises (no libm call per
// element): x = n ln2 + r with |r| <= ln2/2 (Cody-Waite split of ln2), exp(r)
// by its Taylor polynomial to degree 13 (truncation below 2e-17 relative), and
// 2^n put into the exponent bits. Relative error within a few ulp of
// std::exp for |x| <= 700 (tests/test_fast_exp.cpp). Inputs must lie in
// [-700, 700] (pfsim passes log death rates and minus death rates, far inside):
// a branch to clamp them would stop the loop from vectorising. Plain IEEE
// arithmetic, so results are the same on every run and thread.
#include <cstdint>
#include <cstring>

namespace pfsim {

inline void exp_array(const double* in, double* out, int n) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kRound = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  for (int i = 0; i < n; ++i) {
    const double x = in[i];
    // kk holds round(x log2 e) in its low mantissa bits; its integer image
    // gives 2^k by integer adds and shifts, which SSE2 does two at a time.
    const double kk = x * kLog2e + kRound;
    const double k = kk - kRound;
    const double r = (x - k * kLn2Hi) - k * kLn2Lo;
    double p = 1.0 / 6227020800.0;  // 1/13!
    p = p * r + 1.0 / 479001600.0;
    p = p * r + 1.0 / 39916800.0;
    p = p * r + 1.0 / 3628800.0;
    p = p * r + 1.0 / 362880.0;
    p = p * r + 1.0 / 40320.0;
    p = p * r + 1.0 / 5040.0;
    p = p * r + 1.0 / 720.0;
    p = p * r + 1.0 / 120.0;
    p = p * r + 1.0 / 24.0;
    p = p * r + 1.0 / 6.0;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    std::int64_t bits;
    std::memcpy(&bits, &kk, sizeof bits);
    bits = (bits - 0x4338000000000000LL + 1023) << 52;  // kRound's bit pattern is 0x4338000000000000
    double scale;
    std::memcpy(&scale, &bits, sizeof scale);
    out[i] = p * scale;
  }
}

}  // namespace pfsim
