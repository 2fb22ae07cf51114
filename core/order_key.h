#pragma once
// Unsigned integer keys that order as floating-point values do: the sign
// bit set for positives, every bit flipped for negatives (-0.0 orders just
// below +0.0, +inf above every finite value). Key is the unsigned integer of
// Value's size. Branch-free, so that loops over a column vectorise.
#include <bit>
#include <type_traits>

namespace pfsim {

template <class Key, class Value>
Key order_key(Value v) {
  using Signed = std::make_signed_t<Key>;
  constexpr int kTop = static_cast<int>(sizeof(Key)) * 8 - 1;
  constexpr Key kSign = Key{1} << kTop;
  const Key u = std::bit_cast<Key>(v);
  return u ^ (static_cast<Key>(static_cast<Signed>(u) >> kTop) | kSign);
}

template <class Value, class Key>
Value key_value(Key k) {
  constexpr Key kSign = Key{1} << (sizeof(Key) * 8 - 1);
  return std::bit_cast<Value>((k & kSign) ? static_cast<Key>(k & ~kSign) : static_cast<Key>(~k));
}

}  // namespace pfsim
