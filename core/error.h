#pragma once
// The error vocabulary of pfsim. Each kind maps to one exit status
// (run/exit_status.h, docs/config.md "Exit statuses"):
//   InputError       bad input, found before any simulation starts; carries
//                    where the problem is (file, line, column, key)      2
//   IoError          a file could not be read or written (with errno text)  1
//   SimulationError  a run whose numbers went wrong; names path and year  1
//   UnreachableGoal  a goal seek whose target cannot be met in its range  3
//   Interrupted      SIGINT or SIGTERM stopped the work                   130
#include <cstdint>
#include <stdexcept>
#include <string>

namespace pfsim {

// At most `max` bytes of `text` for an error message, control bytes
// shown as '?', "..." and the length when cut: a message
// never echoes a whole file or a megabyte-long key.
std::string excerpt(const std::string& text, std::size_t max = 60);

struct SourceLocation {
  std::string file;  // config file, CSV file, or "--set"
  int line = 0;      // 1-based; 0 when unknown
  int column = 0;
};

// "file:line:column: warning: 'key': message", the form of an error message,
// for a value that is allowed but probably not meant (a warning never stops
// a run).
std::string format_warning(const SourceLocation& where, const std::string& key, const std::string& message);

class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string key, std::string message);
  // A bad command-line option: the message names the option and its value.
  explicit InputError(std::string message);
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

class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class UnreachableGoal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Interrupted : public std::runtime_error {
 public:
  Interrupted() : std::runtime_error("interrupted") {}
};

}  // namespace pfsim
