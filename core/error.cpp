#include "core/error.h"

#include <fmt/format.h>

namespace pfsim {

std::string excerpt(const std::string& text, std::size_t max) {
  std::string out;
  for (std::size_t i = 0; i < text.size() && i < max; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  if (text.size() > max) out += fmt::format("... ({} bytes)", text.size());
  return out;
}

namespace {
std::string format_located(const SourceLocation& w, const std::string& key, const std::string& message,
                           const char* kind) {
  std::string out = w.file.empty() ? std::string("<input>") : excerpt(w.file, 4096);
  if (w.line > 0) {
    out += fmt::format(":{}", w.line);
    if (w.column > 0) out += fmt::format(":{}", w.column);
  }
  out += fmt::format(": {}: ", kind);
  if (!key.empty()) out += fmt::format("'{}': ", excerpt(key, 120));
  out += message;
  return out;
}
std::string format_input_error(const SourceLocation& w, const std::string& key, const std::string& message) {
  return format_located(w, key, message, "error");
}
}  // namespace

std::string format_warning(const SourceLocation& where, const std::string& key, const std::string& message) {
  return format_located(where, key, message, "warning");
}

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
