#pragma once
// Strict reading of TOML tables (toml++). Every accessor declares its key as
// known, present or not; after loading, any key that nothing declared is an
// error with file:line:column, the key path and the nearest valid key. Every
// value error names file, line, key and what is allowed.
#include <toml++/toml.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/error.h"

namespace pfsim {

struct Range {
  double min = -1e300;
  double max = 1e300;
  bool min_open = false;  // min < x rather than min <= x
  bool max_open = false;
  static Range at_least(double v) { return {v, 1e300, false, false}; }
  static Range above(double v) { return {v, 1e300, true, false}; }
  static Range between(double lo, double hi) { return {lo, hi, false, false}; }
  static Range any() { return {}; }
  bool contains(double x) const;
  std::string describe() const;
};

class KeyRegistry {
 public:
  void declare(const toml::table* t, const std::string& path, const std::string& key) {
    paths_[t] = path;
    known_[t].insert(key);
  }
  void visit(const toml::table* t, const std::string& path) {
    paths_[t] = path;
    known_[t];
  }
  void accept_all(const toml::table* t) { free_.insert(t); }
  void add_data_file(const std::string& path) { data_files_.push_back(path); }
  const std::vector<std::string>& data_files() const { return data_files_; }
  void warn(std::string message) { warnings_.push_back(std::move(message)); }
  const std::vector<std::string>& warnings() const { return warnings_; }
  // Throws InputError for the first undeclared key, in source order.
  void check(const toml::table& root) const;

 private:
  void check_table(const toml::table& t, const std::string& path) const;
  std::map<const toml::table*, std::set<std::string>> known_;
  std::map<const toml::table*, std::string> paths_;
  std::set<const toml::table*> free_;
  std::vector<std::string> data_files_;
  std::vector<std::string> warnings_;
};

SourceLocation location_of(const toml::node& n);
std::string nearest_key(const std::string& key, const std::set<std::string>& candidates);

class ConfigTable {
 public:
  ConfigTable(const toml::table& t, std::string path, KeyRegistry& registry);

  const std::string& path() const { return path_; }
  std::string key_path(std::string_view key) const;
  bool has(std::string_view key);
  const toml::node* node(std::string_view key);  // declares the key
  std::vector<std::string> keys() const;          // in source order
  SourceLocation where() const { return location_of(*table_); }
  SourceLocation where(std::string_view key) const;

  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  [[noreturn]] void fail_here(const std::string& message) const;
  // Records a warning at the key (a value within range but implausible).
  void warn(std::string_view key, const std::string& message) const;

  double number(std::string_view key, Range range, std::optional<double> fallback = std::nullopt);
  long long integer(std::string_view key, long long min, long long max, std::optional<long long> fallback = std::nullopt);
  bool boolean(std::string_view key, std::optional<bool> fallback = std::nullopt);
  std::string string(std::string_view key, const std::vector<std::string>& allowed = {},
                     std::optional<std::string> fallback = std::nullopt);
  std::vector<double> numbers(std::string_view key, Range range, std::optional<std::vector<double>> fallback = std::nullopt);
  std::vector<std::string> strings(std::string_view key, std::optional<std::vector<std::string>> fallback = std::nullopt);
  std::optional<ConfigTable> table(std::string_view key, bool required = false);
  std::vector<ConfigTable> tables(std::string_view key);  // array of tables; empty when absent
  // A data file named by `key`, relative to the directory of the file the
  // key is written in; it must exist and be a regular file (InputError at
  // the key otherwise).
  std::string file_path(std::string_view key, const std::string& name) const;
  // Every key of this table is valid (a map whose keys the caller checks).
  void accept_all();

  const toml::table& raw() const { return *table_; }
  KeyRegistry& registry() const { return *registry_; }

 private:
  const toml::table* table_;
  std::string path_;
  KeyRegistry* registry_;
};

// A TOML value's type as a user reads it.
std::string type_name(const toml::node& n);
// Value of a number node (integer or float); nullopt when not a number.
std::optional<double> as_number(const toml::node& n);

}  // namespace pfsim
