#include "io/config_table.h"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

namespace pfsim {

bool Range::contains(double x) const {
  if (!(x == x)) return false;
  if (min_open ? !(x > min) : !(x >= min)) return false;
  if (max_open ? !(x < max) : !(x <= max)) return false;
  return true;
}

std::string Range::describe() const {
  const bool has_min = min > -1e299, has_max = max < 1e299;
  if (has_min && has_max)
    return fmt::format("{} {} x {} {}", min, min_open ? "<" : "<=", max_open ? "<" : "<=", max);
  if (has_min) return fmt::format("x {} {}", min_open ? ">" : ">=", min);
  if (has_max) return fmt::format("x {} {}", max_open ? "<" : "<=", max);
  return "any number";
}

SourceLocation location_of(const toml::node& n) {
  const auto& src = n.source();
  SourceLocation w;
  if (src.path) w.file = *src.path;
  w.line = static_cast<int>(src.begin.line);
  w.column = static_cast<int>(src.begin.column);
  return w;
}

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a number";
    case toml::node_type::boolean: return "a boolean";
    default: return "a date or time";
  }
}

std::optional<double> as_number(const toml::node& n) {
  if (auto i = n.as_integer()) return static_cast<double>(i->get());
  if (auto f = n.as_floating_point()) return f->get();
  return std::nullopt;
}

namespace {
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::string nearest_key(const std::string& key, const std::set<std::string>& candidates) {
  std::string best;
  std::size_t best_d = static_cast<std::size_t>(-1);
  for (const auto& c : candidates) {
    const auto d = edit_distance(key, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

void KeyRegistry::check(const toml::table& root) const { check_table(root, ""); }

void KeyRegistry::check_table(const toml::table& t, const std::string& path) const {
  const auto it = known_.find(&t);
  if (it == known_.end() || free_.count(&t)) return;  // not read as a table, or a free map
  // Source order, so the first error is the first in the file.
  std::vector<std::pair<const toml::key*, const toml::node*>> entries;
  for (auto&& [k, v] : t) entries.emplace_back(&k, &v);
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
    const auto& sa = a.first->source();
    const auto& sb = b.first->source();
    return std::tie(sa.begin.line, sa.begin.column) < std::tie(sb.begin.line, sb.begin.column);
  });
  for (const auto& [k, v] : entries) {
    const std::string key(k->str());
    const std::string full = path.empty() ? key : path + "." + key;
    if (!it->second.count(key)) {
      SourceLocation w;
      const auto& src = k->source();
      if (src.path) w.file = *src.path;
      w.line = static_cast<int>(src.begin.line);
      w.column = static_cast<int>(src.begin.column);
      if (w.line == 0) w = location_of(*v);
      if (w.file.empty()) w.file = "--set (command line)";
      std::string msg = "unknown key";
      if (!it->second.empty() && key.size() <= 64) {  // a longer name is no misspelling
        const auto near = nearest_key(key, it->second);
        msg += fmt::format("; did you mean '{}'?", path.empty() ? near : path + "." + near);
        std::string all;
        for (const auto& c : it->second) all += (all.empty() ? "" : ", ") + c;
        msg += fmt::format(" (valid keys here: {})", all);
      }
      throw InputError(w, full, msg);
    }
    if (auto sub = v->as_table()) check_table(*sub, full);
    if (auto arr = v->as_array())
      for (std::size_t i = 0; i < arr->size(); ++i)
        if (auto st = arr->get(i)->as_table()) check_table(*st, fmt::format("{}[{}]", full, i));
  }
}

ConfigTable::ConfigTable(const toml::table& t, std::string path, KeyRegistry& registry)
    : table_(&t), path_(std::move(path)), registry_(&registry) {
  registry_->visit(table_, path_);
}

std::string ConfigTable::key_path(std::string_view key) const {
  return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const toml::node* ConfigTable::node(std::string_view key) {
  registry_->declare(table_, path_, std::string(key));
  return table_->get(key);
}

bool ConfigTable::has(std::string_view key) { return node(key) != nullptr; }

std::vector<std::string> ConfigTable::keys() const {
  std::vector<std::string> out;
  for (auto&& [k, v] : *table_) out.emplace_back(k.str());
  return out;
}

SourceLocation ConfigTable::where(std::string_view key) const {
  const auto* n = table_->get(key);
  return n ? location_of(*n) : location_of(*table_);
}

void ConfigTable::fail(std::string_view key, const std::string& message) const {
  throw InputError(where(key), key_path(key), message);
}

void ConfigTable::fail_here(const std::string& message) const {
  throw InputError(where(), path_, message);
}

void ConfigTable::warn(std::string_view key, const std::string& message) const {
  registry_->warn(format_warning(where(key), key_path(key), message));
}

namespace {
[[noreturn]] void missing(const ConfigTable& t, std::string_view key, const std::string& what) {
  throw InputError(t.where(), t.key_path(key), fmt::format("required value is missing ({})", what));
}
}  // namespace

double ConfigTable::number(std::string_view key, Range range, std::optional<double> fallback) {
  const auto* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    missing(*this, key, "a number, " + range.describe());
  }
  const auto v = as_number(*n);
  if (!v) fail(key, fmt::format("expected a number ({}), found {}", range.describe(), type_name(*n)));
  if (!range.contains(*v)) fail(key, fmt::format("{} is out of range; allowed: {}", *v, range.describe()));
  return *v;
}

long long ConfigTable::integer(std::string_view key, long long min, long long max, std::optional<long long> fallback) {
  const auto* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    missing(*this, key, fmt::format("an integer, {} <= x <= {}", min, max));
  }
  const auto* i = n->as_integer();
  if (!i) fail(key, fmt::format("expected an integer ({} <= x <= {}), found {}", min, max, type_name(*n)));
  const long long v = i->get();
  if (v < min || v > max) fail(key, fmt::format("{} is out of range; allowed: {} <= x <= {}", v, min, max));
  return v;
}

bool ConfigTable::boolean(std::string_view key, std::optional<bool> fallback) {
  const auto* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    missing(*this, key, "true or false");
  }
  const auto* b = n->as_boolean();
  if (!b) fail(key, fmt::format("expected true or false, found {}", type_name(*n)));
  return b->get();
}

std::string ConfigTable::string(std::string_view key, const std::vector<std::string>& allowed,
                                std::optional<std::string> fallback) {
  std::string choices;
  for (const auto& a : allowed) choices += (choices.empty() ? "" : ", ") + ("\"" + a + "\"");
  const auto* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    missing(*this, key, allowed.empty() ? "a string" : "one of " + choices);
  }
  const auto* s = n->as_string();
  if (!s) fail(key, fmt::format("expected a string{}, found {}", allowed.empty() ? "" : " (one of " + choices + ")", type_name(*n)));
  std::string v = s->get();
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), v) == allowed.end()) {
    const auto near = nearest_key(v, {allowed.begin(), allowed.end()});
    fail(key, fmt::format("\"{}\" is not allowed; allowed: {} (did you mean \"{}\"?)", v, choices, near));
  }
  return v;
}

std::vector<double> ConfigTable::numbers(std::string_view key, Range range, std::optional<std::vector<double>> fallback) {
  const auto* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    missing(*this, key, "an array of numbers");
  }
  const auto* a = n->as_array();
  if (!a) fail(key, fmt::format("expected an array of numbers, found {}", type_name(*n)));
  std::vector<double> out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto v = as_number(*a->get(i));
    if (!v) throw InputError(location_of(*a->get(i)), fmt::format("{}[{}]", key_path(key), i),
                             fmt::format("expected a number, found {}", type_name(*a->get(i))));
    if (!range.contains(*v))
      throw InputError(location_of(*a->get(i)), fmt::format("{}[{}]", key_path(key), i),
                       fmt::format("{} is out of range; allowed: {}", *v, range.describe()));
    out.push_back(*v);
  }
  return out;
}

std::vector<std::string> ConfigTable::strings(std::string_view key, std::optional<std::vector<std::string>> fallback) {
  const auto* n = node(key);
  if (!n) {
    if (fallback) return *fallback;
    missing(*this, key, "an array of strings");
  }
  const auto* a = n->as_array();
  if (!a) fail(key, fmt::format("expected an array of strings, found {}", type_name(*n)));
  std::vector<std::string> out;
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto* s = a->get(i)->as_string();
    if (!s) throw InputError(location_of(*a->get(i)), fmt::format("{}[{}]", key_path(key), i),
                             fmt::format("expected a string, found {}", type_name(*a->get(i))));
    out.push_back(s->get());
  }
  return out;
}

std::optional<ConfigTable> ConfigTable::table(std::string_view key, bool required) {
  const auto* n = node(key);
  if (!n) {
    if (required) missing(*this, key, "a table");
    return std::nullopt;
  }
  const auto* t = n->as_table();
  if (!t) fail(key, fmt::format("expected a table, found {}", type_name(*n)));
  return ConfigTable(*t, key_path(key), *registry_);
}

std::vector<ConfigTable> ConfigTable::tables(std::string_view key) {
  std::vector<ConfigTable> out;
  const auto* n = node(key);
  if (!n) return out;
  const auto* a = n->as_array();
  if (!a) fail(key, fmt::format("expected an array of tables ([[{}]]), found {}", key_path(key), type_name(*n)));
  for (std::size_t i = 0; i < a->size(); ++i) {
    const auto* t = a->get(i)->as_table();
    if (!t) throw InputError(location_of(*a->get(i)), fmt::format("{}[{}]", key_path(key), i), "expected a table");
    out.emplace_back(*t, fmt::format("{}[{}]", key_path(key), i), *registry_);
  }
  return out;
}

std::string ConfigTable::file_path(std::string_view key, const std::string& name) const {
  namespace fs = std::filesystem;
  const auto w = where(key);
  std::string path = name;
  if (!fs::path(name).is_absolute()) {
    fs::path base = w.file.empty() || w.file.rfind("--set", 0) == 0 ? fs::current_path() : fs::path(w.file).parent_path();
    path = (base / name).lexically_normal().string();
  }
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (!fs::exists(st)) throw InputError(w, key_path(key), fmt::format("data file '{}' does not exist", path));
  if (!fs::is_regular_file(st))
    throw InputError(w, key_path(key), fmt::format("data file '{}' is {}; expected a CSV file", path,
                                                   fs::is_directory(st) ? "a directory" : "not a regular file"));
  registry_->add_data_file(path);
  return path;
}

void ConfigTable::accept_all() { registry_->accept_all(table_); }

}  // namespace pfsim
