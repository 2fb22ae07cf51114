#include "models/params.h"

#include <algorithm>

namespace pfsim {

int EconomyParams::index_of(const std::string& name) const {
  const auto it = std::find(variables.begin(), variables.end(), name);
  return it == variables.end() ? -1 : static_cast<int>(it - variables.begin());
}

bool EconomyParams::is_asset(const std::string& name) const {
  const int i = index_of(name);
  return i >= 0 && std::find(assets.begin(), assets.end(), i) != assets.end();
}

}  // namespace pfsim
