#include "core/error.h"

#include <fmt/format.h>

namespace pfsim {

namespace {
std::string format_input_error(const SourceLocation& w, const std::string& key,
                               const std::string& message) {
  std::string out = w.file.empty() ? std::string("<input>") : w.file;
  if (w.line > 0) {
    out += fmt::format(":{}", w.line);
    if (w.column > 0) out += fmt::format(":{}", w.column);
  }
  out += ": error: ";
  if (!key.empty()) out += fmt::format("'{}': ", key);
  out += message;
  return out;
}
}  // namespace

InputError::InputError(SourceLocation where, std::string key, std::string message)
    : std::runtime_error(format_input_error(where, key, message)),
      where_(std::move(where)),
      key_(std::move(key)),
      detail_(std::move(message)) {}

InputError::InputError(std::string message) : std::runtime_error(message), detail_(std::move(message)) {}

SimulationError::SimulationError(std::uint64_t path, int year, const std::string& message)
    : std::runtime_error(fmt::format("path {}, year {}: {}", path, year, message)),
      path_(path),
      year_(year) {}

}  // namespace pfsim
