#include <Eigen/Eigenvalues>
#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "io/config_sections.h"
#include "io/csv.h"

namespace pfsim {

namespace {

// Variables that are rates of the economy, not asset-class returns.
const std::set<std::string> kNonAssetVariables = {"inflation", "real_wage", "real_gdp", "short_rate", "long_yield"};

void check_variable(const ConfigTable& t, const std::string& key, const EconomyParams& e) {
  if (e.index_of(key) < 0) {
    std::string all;
    for (const auto& v : e.variables) all += (all.empty() ? "" : ", ") + v;
    t.fail(key, fmt::format("'{}' is not an economy variable; did you mean '{}'? (economy.variables: {})", key,
                            nearest_key(key, {e.variables.begin(), e.variables.end()}), all));
  }
}

// A table keyed by variable names: every key must be a variable.
std::map<std::string, const toml::node*> variable_map(ConfigTable& t, const EconomyParams& e) {
  std::map<std::string, const toml::node*> out;
  for (const auto& k : t.keys()) {
    check_variable(t, k, e);
    out[k] = t.node(k);
  }
  return out;
}

// Correlation from { pairs = [[a, b, r], ...] } or { matrix = [[...], ...] }.
Eigen::MatrixXd read_correlation(ConfigTable& t, const EconomyParams& e) {
  const auto n = static_cast<Eigen::Index>(e.variables.size());
  Eigen::MatrixXd r = Eigen::MatrixXd::Identity(n, n);
  if (t.has("matrix")) {
    if (t.has("pairs")) t.fail("pairs", "give either pairs or matrix, not both");
    const auto* a = t.node("matrix")->as_array();
    if (!a || static_cast<Eigen::Index>(a->size()) != n)
      t.fail("matrix", fmt::format("expected {} rows (one per economy variable)", n));
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto* row = a->get(static_cast<std::size_t>(i))->as_array();
      if (!row || static_cast<Eigen::Index>(row->size()) != n)
        throw InputError(location_of(*a->get(static_cast<std::size_t>(i))), fmt::format("{}.matrix[{}]", t.path(), i),
                         fmt::format("expected {} numbers", n));
      for (Eigen::Index j = 0; j < n; ++j) {
        const auto v = as_number(*row->get(static_cast<std::size_t>(j)));
        if (!v) throw InputError(location_of(*row), fmt::format("{}.matrix[{}][{}]", t.path(), i, j), "expected a number");
        r(i, j) = *v;
      }
    }
  } else if (t.has("pairs")) {
    std::set<std::pair<int, int>> given;
    const auto* a = t.node("pairs")->as_array();
    if (!a) t.fail("pairs", "expected an array of [\"a\", \"b\", r] triples");
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto& item = *a->get(i);
      const std::string where = fmt::format("{}.pairs[{}]", t.path(), i);
      const auto* tri = item.as_array();
      if (!tri || tri->size() != 3 || !tri->get(0)->is_string() || !tri->get(1)->is_string() || !as_number(*tri->get(2)))
        throw InputError(location_of(item), where, "expected [\"variable\", \"variable\", correlation]");
      const std::string a1 = tri->get(0)->as_string()->get(), b1 = tri->get(1)->as_string()->get();
      const int ia = e.index_of(a1), ib = e.index_of(b1);
      if (ia < 0 || ib < 0)
        throw InputError(location_of(item), where, fmt::format("'{}' is not an economy variable", ia < 0 ? a1 : b1));
      if (ia == ib) throw InputError(location_of(item), where, "a variable's correlation with itself is 1");
      const double v = *as_number(*tri->get(2));
      if (!(v >= -1 && v <= 1)) throw InputError(location_of(item), where, fmt::format("{} is out of range; allowed: -1 <= r <= 1", v));
      if (!given.insert(std::minmax(ia, ib)).second) throw InputError(location_of(item), where, fmt::format("the pair ({}, {}) is given twice", a1, b1));
      r(ia, ib) = r(ib, ia) = v;
    }
  }
  // Symmetric, unit diagonal, positive semidefinite: an LDL' pass names the
  // first row whose pivot goes negative.
  for (Eigen::Index i = 0; i < n; ++i) {
    if (std::abs(r(i, i) - 1) > 1e-12)
      t.fail_here(fmt::format("correlation matrix: the diagonal entry of row {} ('{}') is {}, not 1", i + 1,
                              e.variables[static_cast<std::size_t>(i)], r(i, i)));
    for (Eigen::Index j = 0; j < i; ++j) {
      if (std::abs(r(i, j) - r(j, i)) > 1e-12)
        t.fail_here(fmt::format("correlation matrix is not symmetric: row {} ('{}'), column {} ('{}')", i + 1,
                                e.variables[static_cast<std::size_t>(i)], j + 1, e.variables[static_cast<std::size_t>(j)]));
      if (std::abs(r(i, j)) > 1)
        t.fail_here(fmt::format("correlation matrix: |r| > 1 in row {} ('{}')", i + 1, e.variables[static_cast<std::size_t>(i)]));
    }
  }
  Eigen::MatrixXd l = Eigen::MatrixXd::Zero(n, n);
  Eigen::VectorXd d = Eigen::VectorXd::Zero(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) {
      double s = r(i, j);
      for (Eigen::Index k = 0; k < j; ++k) s -= l(i, k) * l(j, k) * d(k);
      l(i, j) = d(j) > 1e-12 ? s / d(j) : 0.0;
    }
    double s = r(i, i);
    for (Eigen::Index k = 0; k < i; ++k) s -= l(i, k) * l(i, k) * d(k);
    if (s < -1e-10)
      t.fail_here(fmt::format(
          "correlation matrix is not positive semidefinite: row {} ('{}') is inconsistent with the rows before it "
          "(pivot {:.4g} < 0); lower the correlations of '{}'",
          i + 1, e.variables[static_cast<std::size_t>(i)], s, e.variables[static_cast<std::size_t>(i)]));
    d(i) = std::max(s, 0.0);
    l(i, i) = 1;
  }
  return r;
}

Eigen::MatrixXd read_persistence(ConfigTable& t, const EconomyParams& e) {
  const auto n = static_cast<Eigen::Index>(e.variables.size());
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(n, n);
  if (t.has("matrix")) {
    const auto* m = t.node("matrix")->as_array();
    if (!m || static_cast<Eigen::Index>(m->size()) != n)
      t.fail("matrix", fmt::format("expected {} rows (one per economy variable, in economy.variables order)", n));
    for (Eigen::Index i = 0; i < n; ++i) {
      const auto* row = m->get(static_cast<std::size_t>(i))->as_array();
      if (!row || static_cast<Eigen::Index>(row->size()) != n)
        throw InputError(location_of(*m->get(static_cast<std::size_t>(i))), fmt::format("{}.matrix[{}]", t.path(), i),
                         fmt::format("expected {} numbers", n));
      for (Eigen::Index j = 0; j < n; ++j) {
        const auto v = as_number(*row->get(static_cast<std::size_t>(j)));
        if (!v) throw InputError(location_of(*row), fmt::format("{}.matrix[{}][{}]", t.path(), i, j), "expected a number");
        a(i, j) = *v;
      }
    }
    for (const auto& k : t.keys())
      if (k != "matrix") t.fail(k, "give either a full matrix or diagonal entries by variable, not both");
  } else {
    for (const auto& [k, node] : variable_map(t, e)) {
      const auto v = as_number(*node);
      if (!v) t.fail(k, "expected a number (the diagonal entry of A)");
      if (!(*v > -1 && *v < 1)) t.fail(k, fmt::format("{} is out of range; allowed: -1 < x < 1", *v));
      const int i = e.index_of(k);
      a(i, i) = *v;
    }
  }
  if (n > 0) {
    const double radius = a.eigenvalues().cwiseAbs().maxCoeff();
    if (!(radius < 1))
      t.fail_here(fmt::format("the persistence matrix A has spectral radius {:.6g}; the VAR(1) is stationary only below 1", radius));
  }
  return a;
}

// Economy variables are annual log rates: 0.02 is about 2% a year. A mean
// or starting value beyond 0.3 in size (35% a year, or -26%) is allowed but
// is most often a percentage written as a number (2 for 2%) or a typing
// slip, so the user is told where.
constexpr double kPlausibleLogRate = 0.3;

void warn_if_not_a_log_rate(const ConfigTable& t, const std::string& key, const TimePath& path, const char* what) {
  for (const auto& [year, v] : path.points())
    if (std::abs(v) > kPlausibleLogRate) {
      t.warn(key, fmt::format("a {} of {:g}{} is a log rate of {:+.0f}% a year; rates are annual log rates (0.02 for about 2%): "
                              "is this a percentage?", what, v, path.is_constant() ? "" : fmt::format(" (in {})", year),
                              100 * std::expm1(v)));
      return;
    }
}

std::vector<TimePath> read_means(ConfigTable& t, const EconomyParams& e, const std::vector<TimePath>* base) {
  std::vector<TimePath> out = base ? *base : std::vector<TimePath>(e.variables.size());
  std::vector<bool> given(e.variables.size(), base != nullptr);
  for (const auto& k : t.keys()) {
    check_variable(t, k, e);
    const int i = e.index_of(k);
    out[static_cast<std::size_t>(i)] = read_time_path(t, k, Range::between(-5, 5), Interpolation::linear);
    given[static_cast<std::size_t>(i)] = true;
    warn_if_not_a_log_rate(t, k, out[static_cast<std::size_t>(i)], "mean");
  }
  for (std::size_t i = 0; i < given.size(); ++i)
    if (!given[i]) t.fail_here(fmt::format("no mean for economy variable '{}' (every variable needs one)", e.variables[i]));
  return out;
}

Eigen::VectorXd read_volatility(ConfigTable& t, const EconomyParams& e, const Eigen::VectorXd* base) {
  Eigen::VectorXd out = base ? *base : Eigen::VectorXd::Zero(static_cast<Eigen::Index>(e.variables.size()));
  std::vector<bool> given(e.variables.size(), base != nullptr);
  for (const auto& k : t.keys()) {
    check_variable(t, k, e);
    const int i = e.index_of(k);
    out(i) = t.number(k, Range::between(0, 5));
    given[static_cast<std::size_t>(i)] = true;
  }
  for (std::size_t i = 0; i < given.size(); ++i)
    if (!given[i]) t.fail_here(fmt::format("no volatility for economy variable '{}' (0 for a deterministic one)", e.variables[i]));
  return out;
}

}  // namespace

void read_economy(ConfigTable& top, ModelParams& m) {
  auto econ = *top.table("economy", true);
  auto& e = m.economy;
  const auto gen = econ.string("generator", {"var1", "bootstrap"}, "var1");
  e.generator = gen == "bootstrap" ? GeneratorKind::bootstrap : GeneratorKind::var1;
  e.variables = econ.strings("variables");
  std::set<std::string> seen;
  for (std::size_t i = 0; i < e.variables.size(); ++i) {
    const auto& v = e.variables[i];
    if (!seen.insert(v).second) econ.fail("variables", fmt::format("'{}' is listed twice", v));
    if (!kNonAssetVariables.count(v)) e.assets.push_back(static_cast<int>(i));
  }
  e.inflation = e.index_of("inflation");
  e.real_wage = e.index_of("real_wage");
  if (e.inflation < 0) econ.fail("variables", "'inflation' is required");
  if (e.real_wage < 0) econ.fail("variables", "'real_wage' is required");
  if (e.assets.empty()) econ.fail("variables", "at least one asset class (a variable other than inflation, real_wage, real_gdp, short_rate, long_yield) is required");
  const auto n = static_cast<Eigen::Index>(e.variables.size());

  if (auto shocks = econ.table("shocks")) {
    const auto dist = shocks->string("distribution", {"normal", "student_t"}, "normal");
    if (dist == "student_t") {
      e.shocks = ShockDistribution::student_t;
      e.dof = shocks->number("dof", Range::above(2));
    } else if (shocks->has("dof")) {
      shocks->fail("dof", "degrees of freedom apply only to distribution = \"student_t\"");
    }
  }

  if (e.generator == GeneratorKind::bootstrap) {
    if (econ.has("shocks")) econ.fail("shocks", "the bootstrap resamples historical rows: shocks apply only to generator = \"var1\"");
    auto b = *econ.table("bootstrap", true);
    const auto file = b.file_path("file", b.string("file"));
    e.block_length = static_cast<int>(b.integer("block_length", 1, 1000, 5));
    const auto csv = CsvTable::read(file);
    e.history.resize(static_cast<Eigen::Index>(csv.rows()), n);
    for (Eigen::Index k = 0; k < n; ++k) {
      const auto c = csv.column(e.variables[static_cast<std::size_t>(k)]);
      for (std::size_t r = 0; r < csv.rows(); ++r) e.history(static_cast<Eigen::Index>(r), k) = csv.number(r, c);
    }
    if (csv.rows() < 2) b.fail("file", "the history needs at least 2 rows");
    if (e.block_length > static_cast<int>(csv.rows()))
      b.fail("block_length", fmt::format("block length {} exceeds the {} historical rows", e.block_length, csv.rows()));
    // The bootstrap resamples rows: no VAR parameters. Initial values for the
    // indexation of the first year come from the last historical row.
    e.initial = e.history.row(e.history.rows() - 1).transpose();
    EconomyRegime r;
    r.name = "historical";
    for (Eigen::Index k = 0; k < n; ++k) r.mean.emplace_back(e.history.col(k).mean());
    r.volatility = Eigen::VectorXd::Zero(n);
    r.correlation = Eigen::MatrixXd::Identity(n, n);
    e.regimes.push_back(r);
    e.transition = Eigen::MatrixXd::Ones(1, 1);
    e.persistence = Eigen::MatrixXd::Zero(n, n);
    return;
  }

  EconomyRegime base;
  base.name = "normal";
  auto mean_table = *econ.table("mean", true);
  base.mean = read_means(mean_table, e, nullptr);
  auto vol_table = *econ.table("volatility", true);
  base.volatility = read_volatility(vol_table, e, nullptr);
  if (auto c = econ.table("correlation")) base.correlation = read_correlation(*c, e);
  else base.correlation = Eigen::MatrixXd::Identity(n, n);
  if (auto p = econ.table("persistence")) e.persistence = read_persistence(*p, e);
  else e.persistence = Eigen::MatrixXd::Zero(n, n);

  e.transition = Eigen::MatrixXd::Ones(1, 1);
  if (auto regs = econ.table("regimes")) {
    const auto names = regs->strings("names");
    if (names.size() < 2) regs->fail("names", "at least two regimes (the first is the base tables [economy.mean] etc.)");
    base.name = names[0];
    e.regimes.push_back(base);
    auto defs = econ.table("regime", true);
    for (std::size_t r = 1; r < names.size(); ++r) {
      auto def = defs->table(names[r], true);
      EconomyRegime reg;
      reg.name = names[r];
      if (auto mt = def->table("mean")) reg.mean = read_means(*mt, e, &base.mean);
      else reg.mean = base.mean;
      if (auto vt = def->table("volatility")) reg.volatility = read_volatility(*vt, e, &base.volatility);
      else reg.volatility = base.volatility;
      if (auto ct = def->table("correlation")) reg.correlation = read_correlation(*ct, e);
      else reg.correlation = base.correlation;
      e.regimes.push_back(reg);
    }
    for (const auto& k : defs->keys())
      if (std::find(names.begin() + 1, names.end(), k) == names.end())
        defs->fail(k, fmt::format("'{}' is not among economy.regimes.names after the first", k));
    const auto m_reg = static_cast<Eigen::Index>(names.size());
    const auto* tr = regs->node("transition");
    if (!tr) regs->fail_here("required value is missing: transition = [[...], ...] (rows sum to 1)");
    const auto* rows = tr->as_array();
    if (!rows || static_cast<Eigen::Index>(rows->size()) != m_reg)
      regs->fail("transition", fmt::format("expected {} rows, one per regime", m_reg));
    e.transition.resize(m_reg, m_reg);
    for (Eigen::Index i = 0; i < m_reg; ++i) {
      const auto* row = rows->get(static_cast<std::size_t>(i))->as_array();
      const std::string where = fmt::format("economy.regimes.transition[{}]", i);
      if (!row || static_cast<Eigen::Index>(row->size()) != m_reg)
        throw InputError(location_of(*rows->get(static_cast<std::size_t>(i))), where, fmt::format("expected {} probabilities", m_reg));
      double sum = 0;
      for (Eigen::Index j = 0; j < m_reg; ++j) {
        const auto v = as_number(*row->get(static_cast<std::size_t>(j)));
        if (!v || *v < 0 || *v > 1)
          throw InputError(location_of(*row), where, fmt::format("entry {} is not a probability in [0, 1]", j + 1));
        e.transition(i, j) = *v;
        sum += *v;
      }
      if (std::abs(sum - 1) > 1e-9)
        throw InputError(location_of(*row), where, fmt::format("row of regime '{}' sums to {:.12g}, not 1", names[static_cast<std::size_t>(i)], sum));
    }
    const auto init = regs->string("initial", {}, "stationary");
    if (init != "stationary") {
      const auto it = std::find(names.begin(), names.end(), init);
      if (it == names.end()) regs->fail("initial", fmt::format("\"{}\" is not a regime name or \"stationary\"", init));
      e.initial_regime = static_cast<int>(it - names.begin());
    }
  } else {
    e.regimes.push_back(base);
    if (econ.has("regime")) econ.fail("regime", "regime definitions need [economy.regimes] with names and transition");
  }

  e.initial.resize(n);
  for (Eigen::Index k = 0; k < n; ++k) e.initial(k) = base.mean[static_cast<std::size_t>(k)].at(m.start_year - 1);
  if (auto init = econ.table("initial"))
    for (const auto& [k, node] : variable_map(*init, e)) {
      (void)node;
      e.initial(e.index_of(k)) = init->number(k, Range::between(-5, 5));
      warn_if_not_a_log_rate(*init, k, TimePath(e.initial(e.index_of(k))), "starting value");
    }

  // Nominal GDP (model.md D8.6).
  if (auto gdp = econ.table("gdp")) {
    e.gdp_on = true;
    e.gdp_base = gdp->number("base", Range::between(1, 1e18));
    const auto year = gdp->integer("year", 1900, 2200);
    if (year != m.start_year - 1)
      gdp->fail("year", fmt::format("the base is GDP of the year before start_year: {}, not {}", m.start_year - 1, year));
    e.labour_share = read_time_path(*gdp, "labour_share", Range::between(0.05, 1), Interpolation::linear, TimePath(1.0));
  }
}

}  // namespace pfsim
