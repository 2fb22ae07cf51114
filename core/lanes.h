#pragma once
// Paths as SIMD lanes. The cohort arithmetic of the demography and the
// scheme runs on kLanes paths side by side: each value is a Lane holding the
// same quantity for kLanes different paths, and every operation acts lane by
// lane. The compiler maps a Lane onto the machine's vector registers (one
// AVX-512 register, two AVX2 or four SSE2 registers).
//
// A lane's arithmetic is exactly the scalar arithmetic of its path: lanes
// never mix (no horizontal operations in the model), and branches of the
// scalar formulation are written as selects that evaluate both sides and keep
// one, so a path's results do not depend on which paths share its group, nor
// on the vector width (docs/performance.md). Values in the discarded side of
// a select may be infinite or NaN; they are never kept.
//
// GCC vector extensions are used rather than a SIMD library: they are part
// of the compiler pfsim requires, give every arithmetic operator and
// comparison lane-wise, and let the compiler pick the register width;
// Debian 12's packages offer no portable SIMD library for C++20 (std::simd
// arrives with later compilers).
#include <bit>
#include <cmath>
#include <cstdint>

namespace pfsim {

inline constexpr int kLanes = 8;

using Lane = double __attribute__((vector_size(kLanes * sizeof(double))));
using LaneMask = std::int64_t __attribute__((vector_size(kLanes * sizeof(double))));

inline Lane splat(double x) {
  Lane v;
  for (int l = 0; l < kLanes; ++l) v[l] = x;
  return v;
}

// mask ? a : b, lane by lane.
inline Lane select(LaneMask mask, Lane a, Lane b) { return mask ? a : b; }

// std::max(a, b) and std::min(a, b), lane by lane, with their tie and NaN
// behaviour: max returns a unless a < b; min returns a unless b < a.
inline Lane lane_max(Lane a, Lane b) { return a < b ? b : a; }
inline Lane lane_min(Lane a, Lane b) { return b < a ? b : a; }
// std::clamp(v, lo, hi).
inline Lane lane_clamp(Lane v, Lane lo, Lane hi) { return v < lo ? lo : (hi < v ? hi : v); }

// a * b + c with one rounding, lane by lane. The compiler turns the loop
// into one vector fused multiply-add where the target has FMA; elsewhere
// std::fma computes the same exactly rounded value in software (slowly), so
// results do not depend on the instruction set.
inline Lane lane_fma(Lane a, Lane b, Lane c) {
  Lane r;
  for (int l = 0; l < kLanes; ++l) r[l] = std::fma(a[l], b[l], c[l]);
  return r;
}

inline Lane lane_sqrt(Lane x) {
  for (int l = 0; l < kLanes; ++l) x[l] = std::sqrt(x[l]);
  return x;
}

// exp lane by lane without a libm call per element: x = n ln2 + r with
// |r| <= ln2/2 (Cody-Waite split of ln2), exp(r) by its Taylor polynomial to
// degree 13 (truncation below 2e-17 relative), and 2^n put into the exponent
// bits. Relative error within a few ulp of std::exp for |x| <= 700
// (tests/test_lanes.cpp). Inputs must lie in [-700, 700] (pfsim passes log
// death rates and minus death rates, far inside): a branch to clamp them would
// cost more than the exp. libm's exp is not vectorised without -ffast-math,
// which pfsim never uses in model code.
inline Lane lane_exp(Lane x) {
  constexpr double kLog2e = 1.4426950408889634;
  constexpr double kLn2Hi = 6.93147180369123816490e-01;
  constexpr double kLn2Lo = 1.90821492927058770002e-10;
  constexpr double kRound = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  // kk holds round(x log2 e) in its low mantissa bits; its integer image
  // gives 2^k by integer adds and shifts.
  const Lane kk = x * kLog2e + kRound;
  const Lane k = kk - kRound;
  const Lane r = (x - k * kLn2Hi) - k * kLn2Lo;
  // Horner's scheme with fused multiply-adds: one rounding a step.
  constexpr double kCoefficients[] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                      1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,     1.0 / 120.0,
                                      1.0 / 24.0,        1.0 / 6.0,        0.5,             1.0,
                                      1.0};
  Lane p = splat(1.0 / 6227020800.0);  // 1/13!
  for (double c : kCoefficients) p = lane_fma(p, r, splat(c));
  LaneMask bits = std::bit_cast<LaneMask>(kk);
  bits = (bits - 0x4338000000000000LL + 1023) << 52;  // kRound's bit pattern is 0x4338000000000000
  return p * std::bit_cast<Lane>(bits);
}

}  // namespace pfsim
