#include "io/config_study.h"

#include <algorithm>
#include <array>
#include <limits>
#include <filesystem>
#include <cmath>
#include <functional>
#include <optional>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace pfsim {

namespace {

std::string where_text(const toml::node& n) {
  const auto w = location_of(n);
  return fmt::format("{}:{}", w.file, w.line);
}

// The value of a node as a TOML document whose key `v` holds it.
std::string as_document(const toml::node& n) {
  toml::table doc;
  n.visit([&](auto&& concrete) { doc.insert("v", concrete); });
  std::ostringstream out;
  out << doc;
  return out.str();
}

std::string number_text(double v) { return fmt::format("{}", v); }

// The value of `node` with every number of its path moved by `f`: a number,
// [[year, value], ...] or { points = ... }; with `scale_file`, a path read
// from a file gets its `scale` multiplied instead. Empty when the value has
// no numbers to move.
std::optional<std::string> moved_value(const toml::node& node, const std::function<double(double)>& f, double file_factor,
                                       std::string& why) {
  toml::table doc;
  node.visit([&](auto&& concrete) { doc.insert("v", concrete); });
  toml::node& v = *doc.get("v");
  auto move_points = [&](toml::array& pts) {
    for (auto& p : pts) {
      auto* pair = p.as_array();
      if (!pair || pair->size() != 2 || !as_number(*pair->get(1))) return false;
      const double x = *as_number(*pair->get(1));
      pair->replace(pair->begin() + 1, f(x));
    }
    return true;
  };
  if (const auto x = as_number(v)) {
    doc.insert_or_assign("v", f(*x));
  } else if (auto* a = v.as_array()) {
    if (!move_points(*a)) return why = "an array that is not [[year, value], ...]", std::nullopt;
  } else if (auto* t = v.as_table()) {
    if (auto* pts = t->get_as<toml::array>("points")) {
      if (!move_points(*pts)) return why = "points that are not [[year, value], ...]", std::nullopt;
    } else if (t->contains("file")) {
      if (!(file_factor > 0)) return why = "a path read from a file (use scale, which multiplies the file's values)", std::nullopt;
      double scale = 1;
      if (const auto* old = t->get("scale"); old && as_number(*old)) scale = *as_number(*old);
      t->insert_or_assign("scale", scale * file_factor);
      // The override is read as written where [sensitivity] is: a relative
      // data file must still name the file the original value meant.
      if (const auto* file = t->get_as<std::string>("file"); file && !std::filesystem::path(file->get()).is_absolute()) {
        const auto* orig = node.as_table() ? node.as_table()->get("file") : nullptr;
        const auto dir = std::filesystem::path(location_of(orig ? *orig : node).file).parent_path();
        t->insert_or_assign("file", std::filesystem::absolute(dir / file->get()).lexically_normal().string());
      }
    } else {
      return why = "a table without points or file", std::nullopt;
    }
  } else {
    return why = "a " + type_name(v), std::nullopt;
  }
  std::ostringstream out;
  out << doc;
  return out.str();
}

// [sensitivity]: the scenarios it stands for, the reference first.
void read_sensitivity(ConfigTable& top, RunConfig& cfg) {
  auto se = top.table("sensitivity");
  if (!se) return;
  if (top.has("scenarios")) se->fail_here("a config has either [sensitivity] or [scenarios], not both");
  auto& spec = cfg.sensitivity;
  spec.enabled = true;
  spec.year = static_cast<int>(se->integer("year", cfg.model.start_year, cfg.model.end_year));
  const std::string origin = where_text(se->raw());
  std::vector<Scenario> runs{{"reference", {}, nullptr}};
  if (auto as = se->table("assumptions")) {
    for (const auto& name : as->keys()) {
      auto a = as->table(name, true);
      const auto key = a->string("key");
      const int ways = (a->has("values") ? 1 : 0) + (a->has("shift") ? 1 : 0) + (a->has("scale") ? 1 : 0);
      if (ways != 1) a->fail_here("give exactly one of values = [low, high], shift = d (low: - d, high: + d) or scale = f (low: x (1 - f), high: x (1 + f))");
      std::array<std::string, 2> docs, texts;
      const std::string where = fmt::format("{} (sensitivity {})", where_text(a->raw()), name);
      if (a->has("values")) {
        const auto v = a->numbers("values", Range::any());
        if (v.size() != 2) a->fail("values", "expected [low, high]");
        for (int k = 0; k < 2; ++k) {
          docs[k] = fmt::format("v = {:.17g}", v[static_cast<std::size_t>(k)]);
          texts[k] = fmt::format("{} = {:g}", key, v[static_cast<std::size_t>(k)]);
        }
      } else {
        const bool shift = a->has("shift");
        const double d = shift ? a->number("shift", Range::above(0)) : a->number("scale", {0, 1, true, true});
        const auto node = top.raw().at_path(key);
        if (!node) a->fail("key", fmt::format("'{}' is not set in the config; give values = [low, high]", key));
        for (int k = 0; k < 2; ++k) {
          const double sign = k == 0 ? -1.0 : 1.0;
          std::string why;
          const auto doc = shift ? moved_value(*node.node(), [&](double x) { return x + sign * d; }, 0, why)
                                 : moved_value(*node.node(), [&](double x) { return x * (1 + sign * d); }, 1 + sign * d, why);
          if (!doc) a->fail(shift ? "shift" : "scale", fmt::format("'{}' is {}: nothing to {}", key, why, shift ? "shift" : "scale"));
          docs[k] = *doc;
          texts[k] = shift ? fmt::format("{} {:+g}", key, sign * d) : fmt::format("{} x {:g}", key, 1 + sign * d);
        }
      }
      SensitivityItem item{name, false, name + ":low", name + ":high", texts[0], texts[1]};
      runs.push_back({item.low, {{key, docs[0], where, "", ""}}, nullptr});
      runs.push_back({item.high, {{key, docs[1], where, "", ""}}, nullptr});
      spec.items.push_back(std::move(item));
    }
  }
  const auto groups = se->strings("groups", std::vector<std::string>{"economic", "demographic", "parameter"});
  std::set<std::string> seen_groups;
  for (const auto& g : groups) {
    if (!seen_groups.insert(g).second) se->fail("groups", fmt::format("'{}' is listed twice", g));
    std::string key;
    if (g == "economic") key = "shocks.economic";
    else if (g == "demographic") key = "shocks.demographic";
    else if (g == "parameter") key = "uncertainty.enabled";
    else se->fail("groups", fmt::format("'{}' is not a group; allowed: economic, demographic, parameter", g));
    SensitivityItem item{g, true, "no_" + g + (g == "parameter" ? "_uncertainty" : "_shocks"), "", key + " = false", "-"};
    runs.push_back({item.low, {{key, "v = false", origin + " (sensitivity groups)", "", ""}}, nullptr});
    spec.items.push_back(std::move(item));
  }
  if (spec.items.empty()) se->fail_here("list at least one assumption ([sensitivity.assumptions.NAME]) or group");
  cfg.reference = "reference";
  cfg.scenarios = std::move(runs);
}

}  // namespace

std::string GoalSeekSpec::value_text(std::size_t k, double value) const {
  // From a year on: a step path that holds the config's value until the
  // year before and the lever's value from then on.
  if (from_year > 0)
    return fmt::format("{{ points = [[{}, {:.17g}], [{}, {:.17g}]], interpolation = \"step\" }}", from_year - 1, base[k],
                       from_year, value);
  return fmt::format("{:.17g}", value);
}

std::vector<ValueOverride> GoalSeekSpec::at(double value) const {
  std::vector<ValueOverride> out;
  for (std::size_t k = 0; k < levers.size(); ++k)
    out.push_back({levers[k], "v = " + value_text(k, value), origin + " (goal_seek lever = " + number_text(value) + ")", rebalance, ""});
  return out;
}

std::string StatisticSpec::describe() const {
  if (metric == "depletion_probability") return fmt::format("P(depleted by {})", year);
  if (statistic == "mean") return fmt::format("mean of {} in {}", metric, year);
  if (statistic == "quantile") return fmt::format("{:g}% quantile of {} in {}", 100 * level, metric, year);
  return fmt::format("{:g}% expected shortfall of {} in {}", 100 * level, metric, year);
}

namespace {
// The table a variable's key belongs to directly ("a.b[1][1].equity" -> "a.b[1][1]").
std::string table_of(const std::string& key) {
  const auto dot = key.rfind('.');
  return dot == std::string::npos ? std::string() : key.substr(0, dot);
}
}  // namespace

std::vector<ValueOverride> OptimizeSpec::at(const std::vector<double>& x) const {
  std::vector<ValueOverride> out;
  for (std::size_t k = 0; k < keys.size(); ++k)
    out.push_back({keys[k], fmt::format("v = {:.17g}", x[k]), origin + " (optimize " + keys[k] + " = " + number_text(x[k]) + ")",
                   std::string(), std::string()});
  // Each weights table is rescaled once, after the last of its variables is
  // set, keeping all of its variables.
  for (const auto& table : rebalance) {
    std::string kept;
    std::size_t last = 0;
    for (std::size_t k = 0; k < keys.size(); ++k)
      if (table_of(keys[k]) == table) {
        kept += (kept.empty() ? "" : ",") + keys[k].substr(table.size() + 1);
        last = k;
      }
    out[last].rebalance = table;
    out[last].kept = kept;
  }
  return out;
}

namespace {

// A statistic: { metric, year, statistic, quantile | level }.
StatisticSpec read_statistic(ConfigTable& t, const RunConfig& cfg) {
  StatisticSpec s;
  s.metric = t.string("metric");
  s.year = static_cast<int>(t.integer("year", cfg.model.start_year, cfg.model.end_year));
  if (s.metric == "depletion_probability") {
    s.statistic = "probability";
    if (t.has("statistic")) t.fail("statistic", "the depletion probability is a probability: no statistic");
    return s;
  }
  s.statistic = t.string("statistic", {"mean", "median", "quantile", "expected_shortfall"}, "median");
  if (s.statistic == "median") {
    s.statistic = "quantile";
    s.level = 0.5;
  } else if (s.statistic == "quantile") {
    s.level = t.number("quantile", {0, 1, true, true});
  } else if (s.statistic == "expected_shortfall") {
    s.level = t.number("level", {0, 1, true, true});
  }
  return s;
}

// Variables that move a rule's states (KEY.points[i][0]) must keep them
// increasing at every point of the box, not only at its corners (which the
// variants loaded before the search check): the ranges of two variable
// states of one rule must not overlap.
void check_rule_states(std::vector<ConfigTable>& vars, const OptimizeSpec& o) {
  struct State {
    std::string rule;
    std::size_t point, variable;
  };
  std::vector<State> states;
  for (std::size_t k = 0; k < o.keys.size(); ++k) {
    const auto& key = o.keys[k];
    const auto at = key.rfind(".points[");
    if (at == std::string::npos || key.size() < 4 || key.compare(key.size() - 3, 3, "[0]") != 0) continue;
    const std::string digits = key.substr(at + 8, key.size() - 3 - (at + 8) - 1);
    if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) continue;
    states.push_back({key.substr(0, at), std::stoul(digits), k});
  }
  for (const auto& a : states)
    for (const auto& b : states)
      if (a.rule == b.rule && a.point < b.point && !(o.upper[a.variable] < o.lower[b.variable]))
        vars[b.variable].fail("lower", fmt::format("the rule's states must increase at every point of the search: '{}' may "
                                                   "reach {} while '{}' may fall to {} (give ranges that do not overlap)",
                                                   o.keys[a.variable], o.upper[a.variable], o.keys[b.variable],
                                                   o.lower[b.variable]));
}

}  // namespace

// [optimize]: the allocation that best meets the objective (pfsim optimize).
void read_optimize(ConfigTable& top, RunConfig& cfg) {
  auto op = top.table("optimize");
  if (!op) return;
  for (const char* other : {"scenarios", "sensitivity", "goal_seek"})
    if (top.has(other)) op->fail_here(fmt::format("a config has [optimize] or [{}], not both", other));
  auto& o = cfg.optimize;
  o.enabled = true;
  o.origin = where_text(op->raw());
  auto vars = op->tables("variables");
  if (vars.empty() || vars.size() > 8) op->fail("variables", "give 1 to 8 variables: [[optimize.variables]] key, lower, upper");
  for (auto v : vars) {
    const auto key = v.string("key");
    const double lower = v.number("lower", Range::any()), upper = v.number("upper", Range::any());
    if (!(lower < upper) || !std::isfinite(upper - lower)) v.fail("upper", "expected lower < upper, both finite");
    if (std::find(o.keys.begin(), o.keys.end(), key) != o.keys.end()) v.fail("key", fmt::format("'{}' is a variable twice", key));
    const auto node = top.raw().at_path(key);
    const auto value = node ? as_number(*node.node()) : std::nullopt;
    if (!value)
      v.fail("key", fmt::format("a variable needs a key whose value in the config is one number (its start); '{}' is {}", key,
                                node ? type_name(*node.node()) : std::string("not set")));
    o.keys.push_back(key);
    o.lower.push_back(lower);
    o.upper.push_back(upper);
    o.start.push_back(std::clamp(*value, lower, upper));
  }
  if (op->has("rebalance")) {
    // One table or several; each must hold at least one variable directly.
    const auto* node = op->node("rebalance");
    o.rebalance = node->is_array() ? op->strings("rebalance") : std::vector<std::string>{op->string("rebalance")};
    if (o.rebalance.empty()) op->fail("rebalance", "give a weights table, or an array of them");
    for (const auto& table : o.rebalance) {
      if (std::count(o.rebalance.begin(), o.rebalance.end(), table) > 1)
        op->fail("rebalance", fmt::format("'{}' is named twice", table));
      if (std::none_of(o.keys.begin(), o.keys.end(), [&](const std::string& key) { return table_of(key) == table; }))
        op->fail("rebalance", fmt::format("no variable is a key of the table '{}' it rescales (a variable's key must be "
                                          "'{}.ASSET')", table, table));
    }
  }
  check_rule_states(vars, o);
  auto objective = op->table("objective", true);
  o.objective = read_statistic(*objective, cfg);
  o.maximize = objective->string("goal", {"maximize", "minimize"}, "maximize") == "maximize";
  for (auto c : op->tables("constraints")) {
    OptimizeConstraint k;
    k.statistic = read_statistic(c, cfg);
    const bool most = c.has("at_most"), least = c.has("at_least");
    if (most == least) c.fail_here("give exactly one of at_most or at_least");
    k.at_most = most;
    k.bound = c.number(most ? "at_most" : "at_least", Range::any());
    o.constraints.push_back(k);
  }
  o.max_evaluations = static_cast<int>(op->integer("max_evaluations", 2, 10000, 40));
  o.tolerance = op->number("tolerance", {0, 1, true, false}, 1e-3);
  o.out_of_sample_seed = static_cast<std::uint64_t>(
      op->integer("out_of_sample_seed", 0, std::numeric_limits<long long>::max(), static_cast<long long>(cfg.run.seed + 1)));
  if (auto fr = op->table("frontier")) {
    if (o.constraints.empty()) fr->fail_here("a frontier moves a constraint's bound: give [[optimize.constraints]]");
    o.frontier_constraint = static_cast<int>(fr->integer("constraint", 1, static_cast<long long>(o.constraints.size()), 1)) - 1;
    o.frontier_bounds = fr->numbers("bounds", Range::any());
    if (o.frontier_bounds.empty() || o.frontier_bounds.size() > 20) fr->fail("bounds", "give 1 to 20 bounds");
  }
  if (o.out_of_sample_seed == cfg.run.seed)
    op->fail("out_of_sample_seed", "the out-of-sample check needs a seed other than the run's");
}

void read_studies(ConfigTable& top, RunConfig& cfg) {
  read_sensitivity(top, cfg);
  if (auto sc = top.table("scenarios")) {
    std::vector<Scenario> defined;
    if (auto defs = sc->table("define", true)) {
      for (const auto& name : defs->keys()) {
        auto def = defs->table(name, true);
        Scenario s;
        s.name = name;
        for (const auto& key : def->keys()) {
          const auto* node = def->node(key);
          if (node->is_table() && !node->as_table()->is_inline()) {
            // `a.b.c = 1` unquoted is TOML for nested tables: the override
            // would replace the whole table `a`. Name the key path meant.
            // (A quoted key path may take an inline table: a whole rule.)
            std::string dotted = key;
            for (const auto* t = node->as_table(); t && t->size() == 1;) {
              const auto first = t->begin();  // holds what *first refers to
              dotted += "." + std::string(first->first.str());
              t = first->second.as_table();
            }
            def->fail(key, fmt::format("a scenario overrides values by key path, but this is a table of tables (TOML reads "
                                       "the unquoted dotted key {0} = ... as nested tables); quote the key path: \"{0}\" = ...", dotted));
          }
          s.values.push_back({key, as_document(*node), fmt::format("{} (scenario {})", where_text(*node), name), "", ""});
        }
        defined.push_back(std::move(s));
      }
      if (defined.empty()) defs->fail_here("define at least one scenario: [scenarios.define.NAME]");
    }
    if (auto grid = sc->table("grid")) {
      std::vector<std::string> base_names;
      for (const auto& d : defined) base_names.push_back(d.name);
      const auto names = grid->strings("scenarios", base_names);
      if (names.empty()) grid->fail("scenarios", "at least one scenario of [scenarios.define]");
      for (const auto& n : names)
        if (std::find(base_names.begin(), base_names.end(), n) == base_names.end())
          grid->fail("scenarios", fmt::format("'{}' is not a scenario of [scenarios.define]", n));
      const auto key = grid->string("key");
      const auto values = grid->numbers("values", Range::any());
      if (values.empty()) grid->fail("values", "at least one value");
      const auto reb = grid->string("rebalance", {}, "");
      const auto short_key = key.substr(key.rfind('.') + 1);
      std::vector<Scenario> product;
      for (const auto& n : names) {
        const auto& base = *std::find_if(defined.begin(), defined.end(), [&](const Scenario& d) { return d.name == n; });
        for (double v : values) {
          Scenario s = base;
          s.name = fmt::format("{}/{}={}", n, short_key, number_text(v));
          s.values.push_back({key, fmt::format("v = {:.17g}", v), fmt::format("{} (scenario grid)", where_text(grid->raw())), reb, ""});
          product.push_back(std::move(s));
        }
      }
      defined = std::move(product);
    }
    std::set<std::string> seen;
    for (const auto& s : defined)
      if (!seen.insert(s.name).second) sc->fail_here(fmt::format("scenario '{}' is defined twice", s.name));
    cfg.reference = sc->string("reference", {}, defined.front().name);
    if (!seen.count(cfg.reference))
      sc->fail("reference", fmt::format("'{}' is not a scenario; the scenarios are: {}", cfg.reference,
                                        fmt::join(std::vector<std::string>(seen.begin(), seen.end()), ", ")));
    const auto years = sc->numbers("compare_years", Range::between(cfg.model.start_year, cfg.model.end_year), std::vector<double>{});
    for (double y : years) {
      if (y != std::floor(y)) sc->fail("compare_years", fmt::format("{} is not a whole year", y));
      cfg.compare_years.push_back(static_cast<int>(y));
    }
    // The reference first: every other scenario is compared against it.
    std::stable_partition(defined.begin(), defined.end(), [&](const Scenario& s) { return s.name == cfg.reference; });
    cfg.scenarios = std::move(defined);
  }

  if (auto gs = top.table("goal_seek")) {
    auto& g = cfg.goal_seek;
    g.enabled = true;
    g.origin = where_text(gs->raw());
    // One key, or several moved together (for example every retirement
    // age cap): each is set to the lever's value.
    if (const auto* n = gs->node("lever"); n && n->is_array()) {
      g.levers = gs->strings("lever");
      if (g.levers.empty()) gs->fail("lever", "at least one key path");
      const std::set<std::string> unique(g.levers.begin(), g.levers.end());
      if (unique.size() != g.levers.size()) gs->fail("lever", "a key path is listed twice");
    } else {
      g.levers = {gs->string("lever")};
    }
    g.lever = fmt::format("{}", fmt::join(g.levers, ", "));
    const auto range = gs->numbers("range", Range::any());
    if (range.size() != 2 || !(range[0] < range[1])) gs->fail("range", "expected [lower, upper] with lower < upper");
    g.lower = range[0];
    g.upper = range[1];
    // The finest tolerance bisection can honour: a trillionth of the range
    // (40 halvings, each a whole simulation) and well above the spacing of
    // doubles at the range's ends, where the midpoint stops moving.
    const double finest = std::max((g.upper - g.lower) * 1e-12,
                                   64 * std::max(std::nextafter(std::abs(g.lower), HUGE_VAL) - std::abs(g.lower),
                                                 std::nextafter(std::abs(g.upper), HUGE_VAL) - std::abs(g.upper)));
    if (!std::isfinite(g.upper - g.lower)) gs->fail("range", "the range's width must be a finite number");
    g.tolerance = gs->number("tolerance", Range::above(0), (g.upper - g.lower) * 1e-3);
    if (g.tolerance < finest)
      gs->fail("tolerance", fmt::format("{:g} is finer than bisection can resolve over [{:g}, {:g}]; allowed: tolerance >= {:.3g} "
                                        "(a trillionth of the range, and 64 spacings of doubles at its ends)",
                                        g.tolerance, g.lower, g.upper, finest));
    g.rebalance = gs->string("rebalance", {}, "");
    if (!g.rebalance.empty() && g.levers.size() > 1)
      gs->fail("rebalance", "rescaling a weights table needs a single lever key");
    if (gs->has("from_year")) {
      g.from_year = static_cast<int>(gs->integer("from_year", cfg.model.start_year + 1, cfg.model.end_year));
      if (!g.rebalance.empty()) gs->fail("from_year", "a lever from a year on cannot rescale a weights table (rebalance)");
      for (const auto& key : g.levers) {
        const auto node = top.raw().at_path(key);
        const auto v = node ? as_number(*node.node()) : std::nullopt;
        if (!v)
          gs->fail("from_year", fmt::format("a lever from a year on needs a key whose value in the config is one number; '{}' is {}",
                                            key, node ? type_name(*node.node()) : std::string("not set")));
        g.base.push_back(*v);
      }
      g.lever += fmt::format(" from {}", g.from_year);
    }
    auto target = gs->table("target", true);
    g.metric = target->string("metric");
    g.year = static_cast<int>(target->integer("year", cfg.model.start_year, cfg.model.end_year));
    const bool most = target->has("at_most"), least = target->has("at_least");
    if (most == least) target->fail_here("give exactly one of at_most or at_least");
    g.at_most = most;
    g.threshold = target->number(most ? "at_most" : "at_least", Range::any());
    if (g.metric == "depletion_probability") {
      g.statistic = "probability";
      if (target->has("statistic")) target->fail("statistic", "the depletion probability is a probability: no statistic");
      if (!(g.threshold >= 0 && g.threshold <= 1)) target->fail(most ? "at_most" : "at_least", "a probability in [0, 1]");
    } else {
      g.statistic = target->string("statistic", {"mean", "median", "quantile"}, "median");
      if (g.statistic == "median") {
        g.statistic = "quantile";
        g.quantile = 0.5;
      } else if (g.statistic == "quantile") {
        g.quantile = target->number("quantile", {0, 1, true, true});
      }
    }
  }
  read_optimize(top, cfg);
}

}  // namespace pfsim
