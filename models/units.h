#pragma once
// Unit labels of the model's outputs, one spelling for each unit.
namespace pfsim::units {
inline constexpr const char* kMoney = "currency units (nominal)";
inline constexpr const char* kRealMoney = "currency units of the start year";
}  // namespace pfsim::units
