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

namespace pfsim {

namespace fs = std::filesystem;

namespace {

toml::table parse_file(const std::string& path) {
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

// Resolves `include = [...]` (paths relative to the including file), depth-first.
toml::table load_with_includes(const std::string& path, int depth) {
  if (depth > 8) throw InputError({path, 0, 0}, "include", "includes nest more than 8 deep (a cycle?)");
  toml::table main = parse_file(path);
  toml::table merged;
  if (auto* inc = main.get("include")) {
    std::vector<std::string> files;
    if (auto* s = inc->as_string()) {
      files.push_back(s->get());
    } else if (auto* a = inc->as_array()) {
      for (std::size_t i = 0; i < a->size(); ++i) {
        auto* s2 = a->get(i)->as_string();
        if (!s2) throw InputError(location_of(*a->get(i)), "include", "expected a file name (a string)");
        files.push_back(s2->get());
      }
    } else {
      throw InputError(location_of(*inc), "include", "expected a file name or an array of file names");
    }
    for (const auto& f : files) {
      const fs::path p = fs::path(f).is_absolute() ? fs::path(f) : fs::path(path).parent_path() / f;
      if (!fs::exists(p)) throw InputError(location_of(*inc), "include", fmt::format("included file '{}' does not exist", p.string()));
      overlay(merged, load_with_includes(p.lexically_normal().string(), depth + 1));
    }
    main.erase("include");
  }
  if (merged.empty()) return main;
  overlay(merged, std::move(main));
  return merged;
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
  std::vector<std::string> parts;
  std::stringstream ss(key);
  std::string part;
  while (std::getline(ss, part, '.')) {
    if (part.empty()) throw InputError({origin, 0, 0}, key, "empty component in the key path");
    parts.push_back(part);
  }
  toml::table* t = &root;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    auto* n = t->get(parts[i]);
    if (!n) {
      t->insert(parts[i], toml::table{});
      n = t->get(parts[i]);
    }
    if (!n->is_table())
      throw InputError({origin, 0, 0}, key, fmt::format("'{}' is not a table in the config", parts[i]));
    t = n->as_table();
  }
  parsed.get("v")->visit([&](auto&& concrete) { t->insert_or_assign(parts.back(), std::move(concrete)); });
}

}  // namespace

namespace {
RunConfig build(toml::table& root, const std::string& path);
}  // namespace

RunConfig load_config(const std::string& path, const std::vector<std::string>& overrides) {
  toml::table root = load_with_includes(path, 0);
  for (const auto& o : overrides) apply_override(root, o);
  return build(root, path);
}

RunConfig load_config_text(const std::string& resolved, const std::string& source) {
  toml::table root;
  try {
    root = toml::parse(resolved, std::string_view(source));
  } catch (const toml::parse_error& e) {
    throw InputError({source, static_cast<int>(e.source().begin.line), 0}, "", fmt::format("recorded config: {}", e.description()));
  }
  return build(root, source);
}

namespace {
RunConfig build(toml::table& root, const std::string& path) {
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
  read_scheme(top, cfg.model);
  read_funds(top, cfg.model);
  read_output(top, cfg);
  registry.check(root);
  return cfg;
}
}  // namespace

}  // namespace pfsim
