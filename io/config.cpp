#include "io/config.h"

#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/error.h"
#include "io/config_sections.h"
#include "io/config_table.h"
#include "io/config_study.h"

namespace pfsim {

namespace fs = std::filesystem;

namespace {

toml::table parse_file(const std::string& path) {
  // A directory, FIFO or device would read as nothing, block or never end.
  std::error_code ec;
  const auto st = fs::status(path, ec);
  if (fs::exists(st) && !fs::is_regular_file(st))
    throw InputError({path, 0, 0}, "", fs::is_directory(st) ? "is a directory, not a config file" : "is not a regular file");
  std::ifstream probe(path);
  if (!probe) throw InputError({path, 0, 0}, "", "cannot open the config file");
  try {
    return toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    throw InputError({path, static_cast<int>(src.begin.line), static_cast<int>(src.begin.column)}, "",
                     fmt::format("TOML syntax error: {}", e.description()));
  }
}

// dst <- src, recursively; src wins on conflicts. Nodes are moved, never
// copied: toml++ keeps a node's source position only through a move, and
// every error message needs it.
void overlay(toml::table& dst, toml::table&& src) {
  for (auto&& [k, v] : src) {
    auto* existing = dst.get(k.str());
    if (existing && existing->is_table() && v.is_table()) {
      overlay(*existing->as_table(), std::move(*v.as_table()));
    } else {
      v.visit([&, key = k](auto&& concrete) { dst.insert_or_assign(key, std::move(concrete)); });
    }
  }
}

// A config or included file: it must be a regular file (a directory or a
// device is an error at the include that names it).
void require_regular_file(const fs::path& p, const SourceLocation& where, const std::string& what) {
  std::error_code ec;
  const auto st = fs::status(p, ec);
  if (!fs::exists(st)) throw InputError(where, "include", fmt::format("{} '{}' does not exist", what, p.string()));
  if (!fs::is_regular_file(st))
    throw InputError(where, "include", fmt::format("{} '{}' is {}; expected a TOML file", what, p.string(),
                                                  fs::is_directory(st) ? "a directory" : "not a regular file"));
}

// Resolves `include = [...]` (paths relative to the including file),
// depth-first. `chain` holds the files being read, outermost first (a file
// that includes one of them is a cycle); `files` collects every file read.
toml::table load_with_includes(const std::string& path, std::vector<std::string>& chain, std::vector<std::string>& files) {
  toml::table main = parse_file(path);
  files.push_back(path);
  toml::table merged;
  if (auto* inc = main.get("include")) {
    std::vector<std::pair<std::string, SourceLocation>> names;
    if (auto* s = inc->as_string()) {
      names.emplace_back(s->get(), location_of(*inc));
    } else if (auto* a = inc->as_array()) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        auto* s2 = a->get(i)->as_string();
        if (!s2) throw InputError(location_of(*a->get(i)), "include", "expected a file name (a string)");
        names.emplace_back(s2->get(), location_of(*a->get(i)));
      }
    } else {
      throw InputError(location_of(*inc), "include", "expected a file name or an array of file names");
    }
    for (const auto& [f, where] : names) {
      const fs::path p = (fs::path(f).is_absolute() ? fs::path(f) : fs::path(path).parent_path() / f).lexically_normal();
      require_regular_file(p, where, "included file");
      std::error_code ec;
      for (const auto& outer : chain)
        if (fs::equivalent(outer, p, ec)) {
          std::string cycle;
          for (const auto& c : chain) cycle += c + " -> ";
          throw InputError(where, "include", fmt::format("'{}' is already being read: an include cycle ({}{})", p.string(), cycle, p.string()));
        }
      if (chain.size() >= 8) throw InputError(where, "include", "includes nest more than 8 deep");
      chain.push_back(p.string());
      overlay(merged, load_with_includes(p.string(), chain, files));
      chain.pop_back();
    }
    main.erase("include");
  }
  if (merged.empty()) return main;
  overlay(merged, std::move(main));
  return merged;
}

toml::table load_with_includes(const std::string& path, std::vector<std::string>& files) {
  std::vector<std::string> chain{path};
  return load_with_includes(path, chain, files);
}

// One component of a key path: a key and the array indexes after it
// ("points[1][0]": key "points", indexes 1 and 0).
struct PathStep {
  std::string key;
  std::vector<std::size_t> index;
};

std::vector<PathStep> parse_key_path(const std::string& key, const std::string& origin) {
  std::vector<PathStep> steps;
  std::stringstream ss(key);
  std::string part;
  while (std::getline(ss, part, '.')) {
    PathStep step;
    const auto bracket = part.find('[');
    step.key = part.substr(0, bracket);
    if (step.key.empty()) throw InputError({origin, 0, 0}, key, "empty component in the key path");
    for (auto at = bracket; at != std::string::npos && at < part.size();) {
      const auto close = part.find(']', at);
      const std::string digits = close == std::string::npos ? std::string() : part.substr(at + 1, close - at - 1);
      if (part[at] != '[' || digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string::npos)
        throw InputError({origin, 0, 0}, key, fmt::format("'{}': expected key[index]..., an index being a whole number", part));
      step.index.push_back(static_cast<std::size_t>(std::stoul(digits)));
      at = close + 1;
    }
    steps.push_back(std::move(step));
  }
  if (steps.empty()) throw InputError({origin, 0, 0}, key, "empty key path");
  return steps;
}

// The element `index` of the array `n` (the path so far in `where`).
toml::node& element(toml::node& n, std::size_t index, const std::string& key, std::string& where, const std::string& origin) {
  auto* a = n.as_array();
  if (!a) throw InputError({origin, 0, 0}, key, fmt::format("'{}' is not an array in the config", where));
  if (index >= a->size())
    throw InputError({origin, 0, 0}, key, fmt::format("'{}' has {} elements: no index {}", where, a->size(), index));
  where += fmt::format("[{}]", index);
  return *a->get(index);
}

// The table at `steps` (every step a table, or an array element that is
// one); missing tables are created when `create` (not inside arrays).
toml::table& table_at(toml::table& root, const std::vector<PathStep>& steps, std::size_t count, bool create,
                      const std::string& key, const std::string& origin) {
  toml::table* t = &root;
  std::string where;
  for (std::size_t i = 0; i < count; ++i) {
    const auto& step = steps[i];
    where += (where.empty() ? "" : ".") + step.key;
    auto* n = t->get(step.key);
    if (!n) {
      if (!create || !step.index.empty()) throw InputError({origin, 0, 0}, key, fmt::format("'{}' is not set in the config", where));
      // A new table carries the override as its source, for error messages.
      auto holder = toml::parse("[v]", std::string_view(origin));
      t->insert(step.key, std::move(*holder.get("v")->as_table()));
      n = t->get(step.key);
    }
    for (std::size_t k : step.index) n = &element(*n, k, key, where, origin);
    if (!n->is_table()) throw InputError({origin, 0, 0}, key, fmt::format("'{}' is not a table in the config", where));
    t = n->as_table();
  }
  return *t;
}

// Sets key.path (creating tables on the way) to the value `v` of `parsed`.
// An element of an array is addressed by its index: points[1][0].
void set_value(toml::table& root, const std::string& key, toml::table& parsed, const std::string& origin) {
  const auto steps = parse_key_path(key, origin);
  toml::table& t = table_at(root, steps, steps.size() - 1, true, key, origin);
  const auto& last = steps.back();
  if (last.index.empty()) {
    parsed.get("v")->visit([&](auto&& concrete) { t.insert_or_assign(last.key, std::move(concrete)); });
    return;
  }
  std::string where = last.key;
  auto* n = t.get(last.key);
  if (!n) throw InputError({origin, 0, 0}, key, fmt::format("'{}' is not set in the config", where));
  for (std::size_t i = 0; i + 1 < last.index.size(); ++i) n = &element(*n, last.index[i], key, where, origin);
  (void)element(*n, last.index.back(), key, where, origin);  // checks the index
  auto& array = *n->as_array();
  const auto at = array.cbegin() + static_cast<std::ptrdiff_t>(last.index.back());
  parsed.get("v")->visit([&](auto&& concrete) { array.replace(at, std::move(concrete)); });
}

void apply_override(toml::table& root, const std::string& spec) {
  const auto eq = spec.find('=');
  const std::string origin = "--set " + spec;
  if (eq == std::string::npos || eq == 0)
    throw InputError({origin, 0, 0}, "", "expected key.path=value");
  const std::string key = spec.substr(0, eq);
  const std::string value = spec.substr(eq + 1);
  toml::table parsed;
  try {
    parsed = toml::parse("v = " + value, std::string_view(origin));
  } catch (const toml::parse_error&) {
    // A bare word is a string: --set economy.generator=bootstrap
    try {
      parsed = toml::parse("v = \"" + value + "\"", std::string_view(origin));
    } catch (const toml::parse_error& e) {
      throw InputError({origin, 0, 0}, key, fmt::format("cannot read the value: {}", e.description()));
    }
  }
  set_value(root, key, parsed, origin);
}

// Scales the numeric entries of the table at `table_path`, other than those
// in `kept` (one key, or several separated by commas), so that all of them
// sum to 1 (an equity share changed, the rest in proportion).
void rebalance(toml::table& root, const std::string& table_path, const std::string& kept_keys, const std::string& origin) {
  std::set<std::string> kept;
  {
    std::stringstream ks(kept_keys);
    std::string k;
    while (std::getline(ks, k, ',')) kept.insert(k);
  }
  const auto steps = parse_key_path(table_path, origin);
  toml::table* t = nullptr;
  try {
    t = &table_at(root, steps, steps.size(), false, table_path, origin);
  } catch (const InputError&) {
    throw InputError({origin, 0, 0}, table_path, "rebalance: not a table of the config");
  }
  double fixed = 0, others = 0;
  for (auto&& [k, v] : *t) {
    const auto x = as_number(v);
    if (!x) throw InputError(location_of(v), table_path + "." + std::string(k.str()), "rebalance needs fixed weights (numbers), not paths");
    (kept.count(std::string(k.str())) ? fixed : others) += *x;
  }
  if (others <= 0) throw InputError({origin, 0, 0}, table_path, "rebalance: the other weights sum to 0");
  const double factor = (1 - fixed) / others;
  std::vector<std::pair<std::string, double>> updates;
  for (auto&& [k, v] : *t)
    if (!kept.count(std::string(k.str()))) updates.emplace_back(std::string(k.str()), *as_number(v) * factor);
  for (const auto& [k, x] : updates) t->insert_or_assign(k, x);}

}  // namespace

namespace {
RunConfig build(toml::table& root, const std::string& path, std::vector<std::string> inputs);
}  // namespace

RunConfig load_variant(const std::string& path, const std::vector<std::string>& overrides,
                       const std::vector<ValueOverride>& values) {
  std::vector<std::string> inputs;
  toml::table root = load_with_includes(path, inputs);
  for (const auto& o : overrides) apply_override(root, o);
  for (const auto& v : values) {
    toml::table parsed;
    try {
      parsed = toml::parse(v.document, std::string_view(v.origin));
    } catch (const toml::parse_error& e) {
      throw InputError({v.origin, 0, 0}, v.key, fmt::format("cannot read the value: {}", e.description()));
    }
    set_value(root, v.key, parsed, v.origin);
    if (!v.rebalance.empty()) {
      const auto dot = v.key.rfind('.');
      rebalance(root, v.rebalance, v.kept.empty() ? v.key.substr(dot + 1) : v.kept, v.origin);
    }
  }
  // A variant is a single run: its scenarios and goal seek are the parent's business.
  root.erase("scenarios");
  root.erase("goal_seek");
  root.erase("sensitivity");
  root.erase("optimize");
  return build(root, path, std::move(inputs));
}

RunConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  std::vector<std::string> inputs;
  toml::table root = load_with_includes(path, inputs);
  for (const auto& o : overrides) apply_override(root, o);
  auto cfg = build(root, path, std::move(inputs));
  cfg.overrides = overrides;
  // Every scenario and goal-seek variant is loaded and checked now, before any simulation.
  for (auto& sc : cfg.scenarios) {
    sc.config = std::make_shared<RunConfig>(load_variant(path, overrides, sc.values));
    const auto& m = sc.config->model;
    if (m.start_year != cfg.model.start_year || m.end_year != cfg.model.end_year ||
        m.economy.variables != cfg.model.economy.variables || m.return_horizons != cfg.model.return_horizons ||
        m.pyramid_years != cfg.model.pyramid_years)
      throw InputError({sc.values.empty() ? path : sc.values.front().origin, 0, 0}, "scenarios.define." + sc.name,
                       "a scenario may not change the horizon, the economy's variables, return_horizons or "
                       "pyramid_years: scenarios are compared path by path");
  }
  if (cfg.goal_seek.enabled)
    for (double v : {cfg.goal_seek.lower, cfg.goal_seek.upper}) (void)load_variant(path, overrides, cfg.goal_seek.at(v));
  if (cfg.optimize.enabled)
    for (const auto* corner : {&cfg.optimize.lower, &cfg.optimize.upper}) (void)load_variant(path, overrides, cfg.optimize.at(*corner));
  return cfg;
}

std::vector<std::string> all_warnings(const RunConfig& cfg) {
  std::vector<std::string> out = cfg.warnings;
  for (const auto& sc : cfg.scenarios)
    if (sc.config)
      for (const auto& w : sc.config->warnings)
        if (std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
  return out;
}

RunConfig load_config_text(const std::string& resolved, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(resolved, std::string_view(source));
  } catch (const toml::parse_error& e) {
    throw InputError({source, static_cast<int>(e.source().begin.line), 0}, "", fmt::format("recorded config: {}", e.description()));
  }
  return build(root, source, {});
}

namespace {
RunConfig build(toml::table& root, const std::string& path, std::vector<std::string> inputs) {
  RunConfig cfg;
  cfg.source = path;
  {
    std::ostringstream out;
    out << root;
    cfg.resolved = out.str();
  }
  KeyRegistry registry;
  ConfigTable top(root, "", registry);
  read_run(top, cfg);
  read_economy(top, cfg.model);
  read_demography(top, cfg.model);
  read_uncertainty(top, cfg.model);
  read_scheme(top, cfg.model);
  read_funds(top, cfg.model);
  read_regions(top, cfg.model);
  read_workers(top, cfg.model);
  read_residents(top, cfg.model);
  read_annuities(top, cfg.model);
  read_output(top, cfg);
  read_studies(top, cfg);
  registry.check(root);
  cfg.inputs = std::move(inputs);
  for (const auto& f : registry.data_files()) cfg.inputs.push_back(f);
  cfg.warnings = registry.warnings();
  return cfg;
}
}  // namespace

}  // namespace pfsim
