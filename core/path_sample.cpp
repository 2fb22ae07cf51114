#include "core/path_sample.h"

namespace pfsim {

PathSample::PathSample(std::size_t year_metrics, int years, std::size_t scalars, std::uint64_t first_path,
                       std::uint64_t paths)
    : metrics_(year_metrics), years_(years), scalars_(scalars), first_(first_path), paths_(paths),
      year_(year_metrics * static_cast<std::size_t>(years) * static_cast<std::size_t>(paths)),
      scalar_(scalars * static_cast<std::size_t>(paths)) {}

void PathSample::store(std::uint64_t path, const PathRecord& rec) {
  const auto p = static_cast<std::size_t>(path - first_);
  const auto n = static_cast<std::size_t>(paths_);
  for (std::size_t m = 0; m < metrics_; ++m)
    for (int t = 0; t < years_; ++t) year_[offset(m, t) + p] = static_cast<float>(rec.at(m, t));
  for (std::size_t s = 0; s < scalars_; ++s) scalar_[s * n + p] = rec.scalars[s];
}

void PathSample::store_block(std::uint64_t first, std::size_t count, const std::vector<float>& year_rows,
                             const std::vector<double>& scalar_rows) {
  const auto p0 = static_cast<std::size_t>(first - first_);
  const std::size_t width = metrics_ * static_cast<std::size_t>(years_);
  for (std::size_t c = 0; c < width; ++c) {
    float* dst = &year_[c * static_cast<std::size_t>(paths_) + p0];
    for (std::size_t k = 0; k < count; ++k) dst[k] = year_rows[k * width + c];
  }
  for (std::size_t sc = 0; sc < scalars_; ++sc) {
    double* dst = &scalar_[sc * static_cast<std::size_t>(paths_) + p0];
    for (std::size_t k = 0; k < count; ++k) dst[k] = scalar_rows[k * scalars_ + sc];
  }
}

}  // namespace pfsim
