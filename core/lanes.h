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

// One vector register of doubles: AVX-512 8, AVX 4, SSE2 2 (wider groups
// than the registers made the compiler spill). Results do not depend on it.
#if defined(__AVX512F__)
inline constexpr int kLanes = 8;
#elif defined(__AVX__)
inline constexpr int kLanes = 4;
#else
inline constexpr int kLanes = 2;
#endif

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

// exp lane by lane without a libm call per element: x = (8 n + j) ln2/8 + r
// with |r| <= ln2/16 (Cody-Waite split of ln2/8), exp(x) = 2^n 2^(j/8) e^r,
// 2^(j/8) from an eight-entry table that fills one Lane (one permute
// instruction), e^r - 1 by its Taylor polynomial to degree 8 (truncation
// below 2e-18 relative, Horner's scheme with std::fma), and 2^n put into the
// exponent bits. Relative error within a few ulp of std::exp for
// |x| <= 700 (tests/test_lanes.cpp). Inputs must lie in [-700, 700] (pfsim
// passes log death rates and minus death rates, far inside): a branch to
// clamp them would cost more than the exp. libm's exp is not vectorised
// without -ffast-math, which pfsim never uses in model code.
inline Lane lane_exp(Lane x) {
  constexpr double k8Log2e = 11.541560327111707;               // 8 / ln 2
  constexpr double kLn2Hi8 = 6.93147180369123816490e-01 / 8;   // ln 2 / 8, high part: k kLn2Hi8 is exact
  constexpr double kLn2Lo8 = 1.90821492927058770002e-10 / 8;   // the rest of ln 2 / 8
  constexpr double kRound = 6755399441055744.0;  // 1.5 * 2^52: adding it rounds to an integer
  constexpr std::int64_t kRoundBits = 0x4338000000000000LL;
  // 2^(j/8), correctly rounded.
  static constexpr double kTable[8] = {1.0, 1.0905077326652577, 1.189207115002721, 1.2968395546510096,
                                       1.4142135623730951, 1.5422108254079407, 1.681792830507429, 1.8340080864093424};
  // kk holds k = round(8 x / ln 2) in its low mantissa bits.
  const Lane kk = x * k8Log2e + kRound;
  const Lane k = kk - kRound;
  const Lane r = (x - k * kLn2Hi8) - k * kLn2Lo8;
  const LaneMask ki = std::bit_cast<LaneMask>(kk) - kRoundBits;
  const LaneMask j = ki & 7;
  Lane t;
  if constexpr (kLanes == 8) {
    Lane table;
    for (int l = 0; l < 8; ++l) table[l] = kTable[l];
#if defined(__clang__)
    for (int l = 0; l < 8; ++l) t[l] = table[j[l] & 7];  // clang has no run-time-index __builtin_shuffle
#else
    t = __builtin_shuffle(table, j);  // one permute instruction
#endif
  } else {
    for (int l = 0; l < kLanes; ++l) t[l] = kTable[j[l]];
  }
  // e^r - 1 = r (1 + r/2 + r^2/6 + ... + r^7/8!).
  Lane q = lane_fma(splat(1.0 / 40320.0), r, splat(1.0 / 5040.0));
  q = lane_fma(q, r, splat(1.0 / 720.0));
  q = lane_fma(q, r, splat(1.0 / 120.0));
  q = lane_fma(q, r, splat(1.0 / 24.0));
  q = lane_fma(q, r, splat(1.0 / 6.0));
  q = lane_fma(q, r, splat(0.5));
  q = lane_fma(q, r, splat(1.0));
  const Lane em1 = q * r;
  const Lane scale = std::bit_cast<Lane>(((ki >> 3) + 1023) << 52);
  return lane_fma(t, em1, t) * scale;
}

}  // namespace pfsim
