#pragma once
// The two error types of pfsim. InputError is raised for bad input before any
// simulation starts and carries where the problem is; SimulationError stops a
// run whose numbers went wrong and names the path and year.
#include <cstdint>
#include <stdexcept>
#include <string>

namespace pfsim {

struct SourceLocation {
  std::string file;  // config file, CSV file, or "--set"
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;
};

class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string key, std::string message);
  const SourceLocation& where() const { return where_; }
  const std::string& key() const { return key_; }
  const std::string& detail() const { return detail_; }

 private:
  SourceLocation where_;
  std::string key_;
  std::string detail_;
};

class SimulationError : public std::runtime_error {
 public:
  SimulationError(std::uint64_t path, int year, const std::string& message);
  std::uint64_t path() const { return path_; }
  int year() const { return year_; }

 private:
  std::uint64_t path_;
  int year_;
};

}  // namespace pfsim
