#include "io/summary.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <optional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "io/hdf5_file.h"
#include "io/results_format.h"
#include "models/risk_report.h"

namespace pfsim {

namespace {

using Json = nlohmann::ordered_json;

// Throws IoError unless `v` has `n` values.
template <class T>
const std::vector<T>& sized(const std::vector<T>& v, std::size_t n, const std::string& name) {
  if (v.size() != n) throw IoError(fmt::format("'{}' has {} values; expected {}", name, v.size(), n));
  return v;
}

// One distribution group (/metrics/<name> or /scalars/<name>), checked.
struct Dist {
  std::string unit;
  std::vector<double> probs, mean, se, finite, q, lo, hi;  // q, lo, hi: [probability][column]
  std::size_t cols = 0;

  std::size_t row(double p) const {
    for (std::size_t i = 0; i < probs.size(); ++i)
      if (std::abs(probs[i] - p) < 1e-12) return i;
    throw IoError(fmt::format("the run has no {:g}% quantile (run.quantiles)", p * 100));
  }
  double at(double p, std::size_t c = 0) const { return q[row(p) * cols + c]; }
  double lower(double p, std::size_t c = 0) const { return lo[row(p) * cols + c]; }
  double upper(double p, std::size_t c = 0) const { return hi[row(p) * cols + c]; }
};

Dist read_dist(hid_t parent, const std::string& kind, const std::string& name, std::size_t cols) {
  auto g = h5::open_group(parent, name);
  const std::string where = kind + "/" + name;
  Dist d;
  d.cols = cols;
  d.unit = h5::read_string_attr(g, "unit");
  d.probs = h5::read_doubles_attr(g, "probabilities");
  d.mean = sized(h5::read_doubles(g, "mean"), cols, where + "/mean");
  d.se = sized(h5::read_doubles(g, "se"), cols, where + "/se");
  d.finite = sized(h5::read_doubles(g, "finite_count"), cols, where + "/finite_count");
  // Year metrics are [probability, year], scalars [probability].
  const bool by_year = kind == format::kMetrics;
  const auto shape = by_year ? std::vector<hsize_t>{d.probs.size(), cols} : std::vector<hsize_t>{d.probs.size()};
  for (auto [field, into] : {std::pair{"quantiles", &d.q}, {"quantiles_lower", &d.lo}, {"quantiles_upper", &d.hi}}) {
    std::vector<hsize_t> dims;
    *into = h5::read_doubles(g, field, &dims);
    if (dims != shape)
      throw IoError(by_year ? fmt::format("'{}/{}' does not have the shape ({} probabilities, {} years)", where, field, d.probs.size(), cols)
                            : fmt::format("'{}/{}' does not have the shape ({} probabilities)", where, field, d.probs.size()));
  }
  return d;
}

// A probability with its interval and count, by year or by horizon.
struct Curve {
  std::vector<double> p, lo, hi, count;
};
Curve read_curve(hid_t risk, const std::string& name, std::size_t n) {
  return {sized(h5::read_doubles(risk, name), n, name), sized(h5::read_doubles(risk, name + "_lower"), n, name + "_lower"),
          sized(h5::read_doubles(risk, name + "_upper"), n, name + "_upper"),
          sized(h5::read_doubles(risk, name + "_count"), n, name + "_count")};
}

struct Tail {
  std::vector<double> var, es, es_se;
};
Tail read_tail(hid_t risk, const std::string& name, std::size_t n) {
  return {sized(h5::read_doubles(risk, name + "_var"), n, name + "_var"), sized(h5::read_doubles(risk, name + "_es"), n, name + "_es"),
          sized(h5::read_doubles(risk, name + "_es_se"), n, name + "_es_se")};
}

struct Comparison {
  std::vector<std::string> names;
  std::string reference, currency;
  std::vector<int> years;
  std::vector<double> p, lo, hi, diff, diff_se, diff_se_ind;  // [scenario][year]
  std::vector<double> median_balance, es_shadow;              // [scenario]
  std::vector<double> median_shadow;                          // [scenario]: terminal real shadow balance
  double es_level = 0;
  // Present in files that carry the scenarios' depletion years and the
  // paired differences of their scalars.
  std::vector<double> dep_median, dep_p05, dep_p95;  // [scenario]
  std::vector<std::string> scalar_names, scalar_units;
  std::vector<std::vector<double>> scalar_diff, scalar_diff_se;  // [scalar][scenario]
};

// The tornado of a sensitivity file (/sensitivity): per item, columns low
// and high ([item][2]; a shock group has only low).
struct Sensitivity {
  int year = 0;
  std::vector<std::string> names, kinds, low, high;
  double ref_p = 0, ref_median = 0, ref_actuarial = 0;
  std::vector<double> dp, dp_se, dm, dm_se, da, da_se;
};

// The regions of a run with [regions] (results-format.md, "Regions"): per
// region the indicator depleted@R (its mean is P(depleted by y)) and the
// depletion year; for the nation whether any region is depleted, and the regime.
struct Regions {
  std::vector<std::string> names;
  std::vector<Dist> depleted, depletion_year;
  Dist any, regime;
};

// The representative workers of a run with [workers] (results-format.md,
// "Representative workers"): per worker each tier's replacement rate, the
// total, and the indicator below the threshold.
struct Workers {
  static constexpr const char* kTiers[4] = {"basic", "account", "annuity", "private"};
  std::vector<std::string> names;
  std::vector<double> retirement_year;
  double threshold = 0;
  bool has[4] = {true, true, false, false};
  std::vector<std::array<Dist, 4>> tier;  // [worker][tier]
  std::vector<Dist> total, below;
};

// The residents' scheme of a run with [residents] (results-format.md, "The
// residents' scheme"): by year its beneficiaries, fund and fiscal cost, and
// the representative member's pension when there is one.
struct Residents {
  static constexpr const char* kMetrics[5] = {"residents_beneficiaries", "residents_fund", "residents_central_cost",
                                              "residents_local_cost", "residents_cost_gdp"};
  std::array<Dist, 5> metric;
  std::optional<Dist> member_pension, member_replacement;
  int member_year = 0;
};

// The aggregate annuity plans of a run with [annuities] (results-format.md,
// "The annuity plans"): by year each plan's members, assets and benefits.
struct Annuities {
  static constexpr const char* kPlans[3] = {"enterprise_annuity", "occupational_annuity", "private_pension"};
  static constexpr const char* kFields[3] = {"members", "assets", "benefits"};
  bool has[3] = {false, false, false};
  std::array<std::array<Dist, 3>, 3> metric;
};

// An optimisation file's /optimize (results-format.md).
struct Optimization {
  std::vector<std::string> variables, constraints;
  std::string objective, goal, status;
  std::int64_t in_seed = 0, out_seed = 0, evaluations = 0;
  std::vector<double> start, optimum, in_sample, current, at_optimum;
  // Each statistic's Monte Carlo interval (absent from files of earlier versions).
  bool intervals = false;
  std::vector<double> in_lower, in_upper, current_lower, current_upper, optimum_lower, optimum_upper;
};

// Everything the summary shows, read and checked before anything is printed.
struct Results {
  std::string name, config_file, version, created;
  std::vector<std::string> overrides;
  std::int64_t n_paths = 0, seed = 0;
  double confidence = 0.95;
  std::vector<int> years;
  Dist balance, shadow, months, burden_state, burden_employers, burden_individuals;
  Dist depletion_year, actuarial, pv_backstop, tracking, drawdown;
  std::optional<Dist> active;
  Curve depletion;
  std::vector<int> horizons;
  Curve preservation, beats_wage, beats_crediting;
  // Paths whose fund held assets through each horizon (the figures' basis);
  // empty in files written before returns were measured that way.
  std::vector<double> return_paths;
  std::vector<double> levels;
  Tail shadow_tail, actuarial_tail;
  std::optional<Comparison> comparison;
  std::optional<Sensitivity> sensitivity;
  std::optional<Regions> regions;
  std::optional<Workers> workers;
  std::optional<Residents> residents;
  std::optional<Annuities> annuities;
  std::optional<Optimization> optimization;

  std::size_t col(int year) const { return static_cast<std::size_t>(year - years.front()); }
};

Results read_results(const std::string& path) {
  auto file = h5::File::open_read(path);
  const hid_t root = file.id();
  if (!h5::has_attr(root, format::kFormatAttr) || h5::read_string_attr(root, format::kFormatAttr) != format::kResults)
    throw InputError({path, 0, 0}, "", "not a pfsim results file");
  const auto version = h5::read_int_attr(root, format::kFormatVersionAttr);
  if (version != format::kResultsVersion)
    throw InputError({path, 0, 0}, "", fmt::format("results format version {} is not supported (this pfsim reads {})", version, format::kResultsVersion));
  Results r;
  for (auto y : h5::read_ints(root, format::kYears)) r.years.push_back(y);
  if (r.years.empty()) throw IoError(fmt::format("'{}' is empty", format::kYears));
  for (std::size_t t = 1; t < r.years.size(); ++t)
    if (r.years[t] != r.years[t - 1] + 1) throw IoError(fmt::format("'{}' are not consecutive years", format::kYears));
  const std::size_t ny = r.years.size();
  r.name = h5::read_string_attr(root, "name");
  r.config_file = h5::read_string_attr(root, "config_file");
  r.version = h5::read_string_attr(root, "pfsim_version");
  r.created = h5::read_string_attr(root, "created_utc");
  r.overrides = h5::read_lines_attr(root, "overrides");
  r.n_paths = h5::read_int_attr(root, "n_paths");
  r.seed = h5::read_int_attr(root, "seed");
  r.confidence = h5::read_double_attr(root, "confidence");

  auto metrics = h5::open_group(root, format::kMetrics);
  r.balance = read_dist(metrics, format::kMetrics, "fund_balance_real", ny);
  r.shadow = read_dist(metrics, format::kMetrics, "shadow_balance_real", ny);
  r.months = read_dist(metrics, format::kMetrics, "months_covered", ny);
  r.burden_state = read_dist(metrics, format::kMetrics, "burden_state", ny);
  r.burden_employers = read_dist(metrics, format::kMetrics, "burden_employers", ny);
  r.burden_individuals = read_dist(metrics, format::kMetrics, "burden_individuals", ny);
  auto scalars = h5::open_group(root, format::kScalars);
  r.depletion_year = read_dist(scalars, format::kScalars, "depletion_year", 1);
  r.actuarial = read_dist(scalars, format::kScalars, "actuarial_balance", 1);
  r.pv_backstop = read_dist(scalars, format::kScalars, "pv_backstop", 1);
  r.tracking = read_dist(scalars, format::kScalars, "tracking_error", 1);
  r.drawdown = read_dist(scalars, format::kScalars, "max_drawdown", 1);
  if (h5::exists(scalars, "active_return")) {
    r.active = read_dist(scalars, format::kScalars, "active_return", 1);
    for (double p : {0.05, 0.5, 0.95}) r.active->row(p);
  }
  // The summary's rows need the median and the 5-95% band.
  for (const Dist* d : {&r.balance, &r.shadow, &r.months, &r.depletion_year, &r.actuarial, &r.pv_backstop, &r.tracking, &r.drawdown})
    for (double p : {0.05, 0.5, 0.95}) d->row(p);

  auto risk = h5::open_group(root, format::kRisk);
  r.depletion = read_curve(risk, "depletion_probability", ny);
  for (auto h : h5::read_ints(risk, "horizons")) {
    if (h < 1 || static_cast<std::size_t>(h) > ny)
      throw IoError(fmt::format("'risk/horizons' holds {}, not a horizon of 1 to {} years", h, ny));
    r.horizons.push_back(h);
  }
  r.preservation = read_curve(risk, "preservation_probability", r.horizons.size());
  if (h5::exists(risk, "return_paths")) r.return_paths = sized(h5::read_doubles(risk, "return_paths"), r.horizons.size(), "risk/return_paths");
  r.beats_wage = read_curve(risk, "beats_wage_probability", r.horizons.size());
  r.beats_crediting = read_curve(risk, "beats_crediting_probability", r.horizons.size());
  r.levels = h5::read_doubles(risk, "levels");
  r.shadow_tail = read_tail(risk, "terminal_real_shadow_balance", r.levels.size());
  r.actuarial_tail = read_tail(risk, "actuarial_balance", r.levels.size());

  if (h5::exists(root, format::kCalibration) && h5::has_attr(h5::open_group(root, format::kCalibration), "regions")) {
    Regions g;
    g.names = h5::read_lines_attr(h5::open_group(root, format::kCalibration), "regions");
    for (const auto& name : g.names) {
      g.depleted.push_back(read_dist(metrics, format::kMetrics, "depleted@" + name, ny));
      g.depletion_year.push_back(read_dist(scalars, format::kScalars, "depletion_year@" + name, 1));
      for (double p : {0.05, 0.5, 0.95}) g.depletion_year.back().row(p);
    }
    g.any = read_dist(metrics, format::kMetrics, "any_region_depleted", ny);
    g.regime = read_dist(metrics, format::kMetrics, "pooling_regime", ny);
    r.regions = std::move(g);
  }
  if (h5::exists(root, format::kCalibration) && h5::has_attr(h5::open_group(root, format::kCalibration), "workers")) {
    const auto cal = h5::open_group(root, format::kCalibration);
    Workers w;
    w.names = h5::read_lines_attr(cal, "workers");
    w.retirement_year = sized(h5::read_doubles_attr(cal, "worker_retirement_year"), w.names.size(),
                              "calibration/worker_retirement_year");
    w.threshold = h5::read_double_attr(cal, "workers_threshold");
    for (std::size_t k = 2; k < 4; ++k)
      w.has[k] = !w.names.empty() && h5::exists(scalars, fmt::format("replacement_{}@{}", Workers::kTiers[k], w.names[0]));
    for (const auto& name : w.names) {
      auto& tiers = w.tier.emplace_back();
      for (std::size_t k = 0; k < 4; ++k)
        if (w.has[k]) {
          tiers[k] = read_dist(scalars, format::kScalars, fmt::format("replacement_{}@{}", Workers::kTiers[k], name), 1);
          tiers[k].row(0.5);
        }
      w.total.push_back(read_dist(scalars, format::kScalars, "replacement_total@" + name, 1));
      for (double p : {0.05, 0.5, 0.95}) w.total.back().row(p);
      w.below.push_back(read_dist(scalars, format::kScalars, "replacement_below@" + name, 1));
    }
    r.workers = std::move(w);
  }
  if (h5::exists(metrics, "residents_fund")) {
    Residents rs;
    for (std::size_t k = 0; k < 5; ++k) {
      rs.metric[k] = read_dist(metrics, format::kMetrics, Residents::kMetrics[k], ny);
      for (double p : {0.05, 0.5, 0.95}) rs.metric[k].row(p);
    }
    if (h5::exists(scalars, "residents_member_pension")) {
      rs.member_pension = read_dist(scalars, format::kScalars, "residents_member_pension", 1);
      rs.member_replacement = read_dist(scalars, format::kScalars, "residents_member_replacement", 1);
      for (const Dist* d : {&*rs.member_pension, &*rs.member_replacement})
        for (double p : {0.05, 0.5, 0.95}) d->row(p);
    }
    r.residents = std::move(rs);
  }
  {
    Annuities an;
    for (std::size_t k = 0; k < 3; ++k) {
      an.has[k] = h5::exists(metrics, std::string(Annuities::kPlans[k]) + "_assets");
      if (!an.has[k]) continue;
      for (std::size_t f = 0; f < 3; ++f) {
        an.metric[k][f] = read_dist(metrics, format::kMetrics,
                                    fmt::format("{}_{}", Annuities::kPlans[k], Annuities::kFields[f]), ny);
        for (double p : {0.05, 0.5, 0.95}) an.metric[k][f].row(p);
      }
    }
    if (an.has[0] || an.has[1] || an.has[2]) r.annuities = std::move(an);
  }
  if (h5::exists(root, "optimize")) {
    auto g = h5::open_group(root, "optimize");
    Optimization o;
    o.variables = h5::read_lines_attr(g, "variables");
    o.constraints = h5::read_lines_attr(g, "constraints");
    o.objective = h5::read_string_attr(g, "objective");
    o.goal = h5::read_string_attr(g, "goal");
    o.status = h5::read_string_attr(g, "status");
    o.in_seed = h5::read_int_attr(g, "in_sample_seed");
    o.out_seed = h5::read_int_attr(g, "out_of_sample_seed");
    o.evaluations = static_cast<std::int64_t>(h5::read_doubles(g, "evaluations_objective").size());
    const auto nv = o.variables.size(), nc = o.constraints.size();
    o.start = sized(h5::read_doubles(g, "start"), nv, "optimize/start");
    o.optimum = sized(h5::read_doubles(g, "optimum"), nv, "optimize/optimum");
    o.in_sample = sized(h5::read_doubles(g, "in_sample"), 1 + nc, "optimize/in_sample");
    o.current = sized(h5::read_doubles(g, "out_of_sample_current"), 1 + nc, "optimize/out_of_sample_current");
    o.at_optimum = sized(h5::read_doubles(g, "out_of_sample_optimum"), 1 + nc, "optimize/out_of_sample_optimum");
    o.intervals = h5::exists(g, "in_sample_lower");
    if (o.intervals) {
      const auto interval = [&](const char* name) {
        return sized(h5::read_doubles(g, name), 1 + nc, std::string("optimize/") + name);
      };
      o.in_lower = interval("in_sample_lower");
      o.in_upper = interval("in_sample_upper");
      o.current_lower = interval("out_of_sample_current_lower");
      o.current_upper = interval("out_of_sample_current_upper");
      o.optimum_lower = interval("out_of_sample_optimum_lower");
      o.optimum_upper = interval("out_of_sample_optimum_upper");
    }
    r.optimization = std::move(o);
  }
  if (h5::exists(root, format::kComparison)) {
    auto cmp = h5::open_group(root, format::kComparison);
    Comparison c;
    c.names = h5::read_lines_attr(cmp, "names");
    c.reference = h5::read_string_attr(h5::open_group(root, format::kScenarios), "reference");
    c.currency = h5::read_string_attr(root, "currency");
    for (auto y : h5::read_ints(cmp, "depletion_years")) c.years.push_back(y);
    const auto ns = c.names.size(), cells = ns * c.years.size();
    for (auto [name, into] : {std::pair{"depletion_probability", &c.p}, {"depletion_probability_lower", &c.lo},
                              {"depletion_probability_upper", &c.hi}, {"depletion_difference", &c.diff},
                              {"depletion_difference_se", &c.diff_se}, {"depletion_difference_se_independent", &c.diff_se_ind}})
      *into = sized(h5::read_doubles(cmp, name), cells, name);
    c.es_level = h5::read_double_attr(cmp, "expected_shortfall_level");
    auto all = h5::open_group(root, format::kScenarios);
    for (const auto& name : c.names) {
      std::string group = name;
      std::replace(group.begin(), group.end(), '/', '|');
      auto g = h5::open_group(all, group);
      auto sg = h5::open_group(g, format::kScalars);
      c.median_shadow.push_back(read_dist(sg, group + "/" + format::kScalars, "terminal_real_shadow_balance", 1).at(0.5));
    }
    c.median_balance = sized(h5::read_doubles(cmp, "median_terminal_real_balance"), ns, "median_terminal_real_balance");
    c.es_shadow = sized(h5::read_doubles(cmp, "expected_shortfall_terminal_real_shadow_balance"), ns,
                        "expected_shortfall_terminal_real_shadow_balance");
    if (h5::exists(cmp, "depletion_year_median")) {
      c.dep_median = sized(h5::read_doubles(cmp, "depletion_year_median"), ns, "depletion_year_median");
      c.dep_p05 = sized(h5::read_doubles(cmp, "depletion_year_p05"), ns, "depletion_year_p05");
      c.dep_p95 = sized(h5::read_doubles(cmp, "depletion_year_p95"), ns, "depletion_year_p95");
      c.scalar_names = h5::read_lines_attr(cmp, "scalar_differences");
      std::vector<hsize_t> dims;
      const auto d = h5::read_doubles(cmp, "scalar_difference", &dims);
      const auto se = h5::read_doubles(cmp, "scalar_difference_se");
      const auto k = c.scalar_names.size();
      sized(d, k * ns, "scalar_difference");
      sized(se, k * ns, "scalar_difference_se");
      for (const auto& name : c.scalar_names) c.scalar_units.push_back(h5::read_string_attr(h5::open_group(scalars, name), "unit"));
      for (std::size_t i = 0; i < k; ++i) {
        c.scalar_diff.emplace_back(d.begin() + static_cast<std::ptrdiff_t>(i * ns), d.begin() + static_cast<std::ptrdiff_t>((i + 1) * ns));
        c.scalar_diff_se.emplace_back(se.begin() + static_cast<std::ptrdiff_t>(i * ns), se.begin() + static_cast<std::ptrdiff_t>((i + 1) * ns));
      }
    }
    r.comparison = std::move(c);
  }
  if (h5::exists(root, "sensitivity")) {
    auto g = h5::open_group(root, "sensitivity");
    Sensitivity t;
    t.year = static_cast<int>(h5::read_int_attr(g, "year"));
    t.names = h5::read_lines_attr(g, "names");
    t.kinds = h5::read_lines_attr(g, "kinds");
    t.low = h5::read_lines_attr(g, "low");
    t.high = h5::read_lines_attr(g, "high");
    const auto n = t.names.size();
    if (n == 0 || t.kinds.size() != n || t.low.size() != n || t.high.size() != n)
      throw IoError("/sensitivity: names, kinds, low and high must list the same items");
    t.ref_p = h5::read_double_attr(g, "reference_depletion_probability");
    t.ref_median = h5::read_double_attr(g, "reference_depletion_year_median");
    t.ref_actuarial = h5::read_double_attr(g, "reference_actuarial_balance_mean");
    for (auto [name, into] : {std::pair{"depletion_probability_difference", &t.dp}, {"depletion_probability_difference_se", &t.dp_se},
                              {"depletion_year_median_difference", &t.dm}, {"depletion_year_median_difference_se", &t.dm_se},
                              {"actuarial_balance_difference", &t.da}, {"actuarial_balance_difference_se", &t.da_se}})
      *into = sized(h5::read_doubles(g, name), 2 * n, name);
    r.sensitivity = std::move(t);
  }
  return r;
}


// ---- the years shown --------------------------------------------------------

// A row of the depletion table: a year and why it is shown.
struct DepletionRow {
  int year;
  std::string why;
};

std::vector<int> sorted_unique(std::vector<int> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

struct Selection {
  std::vector<DepletionRow> depletion;
  std::vector<int> table;   // the balance table
  std::vector<int> burden;  // who pays
};

Selection select_years(const Results& r, const SummaryRequest& request, const std::string& path) {
  Selection s;
  const int first = r.years.front(), last = r.years.back();
  for (int y : request.years)
    if (y < first || y > last)
      throw InputError({path, 0, 0}, request.years_key,
                       fmt::format("year {} is outside the run; allowed: {}-{}", y, first, last));
  if (!request.years.empty()) {
    const auto years = sorted_unique(request.years);
    for (int y : years) s.depletion.push_back({y, ""});
    s.table = s.burden = years;
    return s;
  }
  std::vector<int> crossings;
  for (double p : kCrossingLevels)
    if (const auto y = first_year_reaching(r.depletion.p, first, p)) {
      const std::string why = fmt::format("first year with P >= {:g}%", 100 * p);
      if (!s.depletion.empty() && s.depletion.back().year == *y) s.depletion.back().why += ", " + fmt::format("{:g}%", 100 * p);
      else s.depletion.push_back({*y, why});
      crossings.push_back(*y);
    }
  if (s.depletion.empty() || s.depletion.back().year != last) s.depletion.push_back({last, "the horizon"});
  else s.depletion.back().why += "; the horizon";
  std::vector<int> table{first, last};
  for (int y = (first / 10 + 1) * 10; y < last; y += 10) table.push_back(y);
  s.table = sorted_unique(table);
  std::vector<int> burden{first, last};
  burden.insert(burden.end(), crossings.begin(), crossings.end());
  s.burden = sorted_unique(burden);
  return s;
}

// ---- numbers as text ---------------------------------------------------------

struct Scale {
  double factor;
  std::string prefix;  // "trn ", "bn ", ...
};
Scale money_scale(double magnitude) {
  if (magnitude >= 1e12) return {1e12, "trn "};
  if (magnitude >= 1e9) return {1e9, "bn "};
  if (magnitude >= 1e6) return {1e6, "mn "};
  return {1, ""};
}
Scale money_scale(std::initializer_list<double> values) {
  double m = 0;
  for (double v : values)
    if (std::isfinite(v)) m = std::max(m, std::abs(v));
  return money_scale(m);
}

std::string pct(double p) { return fmt::format("{:5.1f}%", 100 * p); }
std::string year_text(double y) { return std::isfinite(y) ? fmt::format("{:.0f}", y) : std::string("never"); }
// A band of depletion-year quantiles; an end among the paths that never
// deplete reads "never".
std::string band_text(double lo, double hi) { return year_text(lo) + "-" + year_text(hi); }

Json num(double v) { return std::isfinite(v) ? Json(v) : Json(nullptr); }

Json dist_json(const Dist& d, std::size_t c = 0) {
  return Json{{"median", num(d.at(0.5, c))}, {"median_lower", num(d.lower(0.5, c))}, {"median_upper", num(d.upper(0.5, c))},
              {"p05", num(d.at(0.05, c))}, {"p95", num(d.at(0.95, c))}, {"mean", num(d.mean[c])}, {"se", num(d.se[c])}};
}

Json curve_json(const Curve& c, std::size_t i) {
  return Json{{"p", num(c.p[i])}, {"lower", num(c.lo[i])}, {"upper", num(c.hi[i])}};
}

// ---- JSON ------------------------------------------------------------------------

// The tornado's rows, widest swing of P(depletion) first.
std::vector<std::size_t> tornado_order(const Sensitivity& t) {
  std::vector<std::size_t> order(t.names.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto swing = [&](std::size_t i) {
    const double a = t.dp[2 * i], b = t.dp[2 * i + 1];
    return std::isfinite(b) ? std::abs(b - a) : std::abs(a);
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return swing(a) > swing(b); });
  return order;
}

Json sensitivity_json(const Sensitivity& t) {
  Json items = Json::array();
  for (std::size_t i : tornado_order(t)) {
    Json one{{"name", t.names[i]}, {"kind", t.kinds[i]}};
    for (int k = 0; k < 2; ++k) {
      const auto x = 2 * i + static_cast<std::size_t>(k);
      if (k == 1 && t.kinds[i] == "group") continue;
      one[k == 0 ? "low" : "high"] = Json{{"setting", k == 0 ? t.low[i] : t.high[i]},
                                          {"depletion_probability", Json{{"difference", num(t.dp[x])}, {"se", num(t.dp_se[x])}}},
                                          {"depletion_year_median", Json{{"difference", num(t.dm[x])}, {"se", num(t.dm_se[x])}}},
                                          {"actuarial_balance", Json{{"difference", num(t.da[x])}, {"se", num(t.da_se[x])}}}};
    }
    items.push_back(one);
  }
  return Json{{"year", t.year},
              {"reference", Json{{"depletion_probability", num(t.ref_p)}, {"depletion_year_median", num(t.ref_median)},
                                 {"actuarial_balance_mean", num(t.ref_actuarial)}}},
              {"items", items}};
}

void print_sensitivity(const Sensitivity& t, std::ostream& out) {
  out << fmt::format("\nSensitivity (one at a time, on common random numbers): change against the reference, +- paired s.e.\n"
                     "  reference: P(depleted by {}) {}, median depletion year {}, actuarial balance {:.2f}% of PV payroll\n",
                     t.year, pct(t.ref_p), year_text(t.ref_median), 100 * t.ref_actuarial);
  std::size_t width = 12;
  for (const auto& n : t.names) width = std::max(width, n.size());
  std::size_t sw = 8;
  for (std::size_t i = 0; i < t.names.size(); ++i) sw = std::max({sw, t.low[i].size(), t.high[i].size()});
  out << fmt::format("  {:<{}}  {:<{}}  {:>20}  {:>16}  {:>18}\n", "assumption", width, "setting", sw,
                     fmt::format("P({}) pp", t.year), "median year", "actuarial bal. pp");
  for (std::size_t i : tornado_order(t)) {
    for (int k = 0; k < 2; ++k) {
      if (k == 1 && t.kinds[i] == "group") continue;
      const auto x = 2 * i + static_cast<std::size_t>(k);
      out << fmt::format("  {:<{}}  {:<{}}  {:>20}  {:>16}  {:>18}\n", k == 0 ? t.names[i] : "", width, k == 0 ? t.low[i] : t.high[i], sw,
                         fmt::format("{:+.1f} +- {:.1f}", 100 * t.dp[x], 100 * t.dp_se[x]),
                         fmt::format("{:+.0f} +- {:.1f}", t.dm[x], t.dm_se[x]),
                         fmt::format("{:+.2f} +- {:.3f}", 100 * t.da[x], 100 * t.da_se[x]));
    }
  }
  out << "  (rows in order of the swing in P; the median year's s.e. is a paired bootstrap, 0 when every resample gave the same\n"
         "  whole-year change; a group row switches that group of shocks off)\n";
}

const char* regime_text(double code) {
  if (code == 0) return "provincial";
  if (code == 1) return "central_adjustment";
  return "national";
}

Json regions_json(const Results& r, const Selection& s) {
  const Regions& g = *r.regions;
  auto by_year = [&](const Dist& d) {
    Json rows = Json::array();
    for (const auto& row : s.depletion) {
      const auto t = r.col(row.year);
      rows.push_back(Json{{"year", row.year}, {"probability", num(d.mean[t])}, {"se", num(d.se[t])}});
    }
    return rows;
  };
  Json regions = Json::array();
  for (std::size_t i = 0; i < g.names.size(); ++i)
    regions.push_back(Json{{"name", g.names[i]}, {"depleted", by_year(g.depleted[i])}, {"depletion_year", dist_json(g.depletion_year[i])}});
  Json regimes = Json::array();
  for (std::size_t t = 0; t < r.years.size(); ++t)
    if (t == 0 || g.regime.mean[t] != g.regime.mean[t - 1])
      regimes.push_back(Json{{"from", r.years[t]}, {"regime", regime_text(g.regime.mean[t])}});
  return Json{{"regimes", regimes}, {"regions", regions}, {"any_region_depleted", by_year(g.any)}};
}

void print_regions(const Results& r, const Selection& s, std::ostream& out) {
  const Regions& g = *r.regions;
  std::vector<std::string> regimes;
  for (std::size_t t = 0; t < r.years.size(); ++t)
    if (t == 0 || g.regime.mean[t] != g.regime.mean[t - 1]) {
      std::size_t end = t;
      while (end + 1 < r.years.size() && g.regime.mean[end + 1] == g.regime.mean[t]) ++end;
      regimes.push_back(fmt::format("{} {}-{}", regime_text(g.regime.mean[t]), r.years[t], r.years[end]));
    }
  std::size_t width = 10;
  for (const auto& n : g.names) width = std::max(width, n.size());
  out << fmt::format("\nRegions ({}; pooling: {})\n", g.names.size(), fmt::join(regimes, ", "));
  out << "  P(the region's fund depleted by the end of year) +- s.e.; under national pooling a region's fund is the nation's\n";
  out << fmt::format("  {:<{}}", "region", width);
  for (const auto& row : s.depletion) out << fmt::format("  {:>14}", row.year);
  out << fmt::format("  {:>22}\n", "depletion year (5-95%)");
  auto line = [&](const std::string& name, const Dist& d, const Dist* year) {
    out << fmt::format("  {:<{}}", name, width);
    for (const auto& row : s.depletion) {
      const auto t = r.col(row.year);
      out << fmt::format("  {:>7} +- {:>3.1f}", pct(d.mean[t]), 100 * d.se[t]);
    }
    if (year) out << fmt::format("  {:>22}", year_text(year->at(0.5)) + " (" + band_text(year->at(0.05), year->at(0.95)) + ")");
    out << "\n";
  };
  for (std::size_t i = 0; i < g.names.size(); ++i) line(g.names[i], g.depleted[i], &g.depletion_year[i]);
  line("any region", g.any, nullptr);
}

Json workers_json(const Workers& w) {
  Json list = Json::array();
  for (std::size_t i = 0; i < w.names.size(); ++i) {
    Json tiers = Json::object();
    for (std::size_t k = 0; k < 4; ++k)
      if (w.has[k]) tiers[Workers::kTiers[k]] = dist_json(w.tier[i][k]);
    list.push_back(Json{{"name", w.names[i]}, {"retirement_year", static_cast<int>(w.retirement_year[i])},
                        {"tiers", tiers}, {"total", dist_json(w.total[i])},
                        {"below", Json{{"probability", num(w.below[i].mean[0])}, {"se", num(w.below[i].se[0])}}}});
  }
  return Json{{"threshold", num(w.threshold)}, {"workers", list}};
}

void print_workers(const Workers& w, std::ostream& out) {
  out << "\nReplacement rates of representative workers at retirement: the first year's pension / the own wage of the year\n"
         "before, medians over paths (the total also 5-95%), and P(total below the threshold) +- s.e.\n";
  std::size_t width = 6;
  for (const auto& n : w.names) width = std::max(width, n.size());
  out << fmt::format("  {:<{}}  {:>7}", "worker", width, "retires");
  for (std::size_t k = 0; k < 4; ++k)
    if (w.has[k]) out << fmt::format("  {:>7}", Workers::kTiers[k]);
  out << fmt::format("  {:>7}  {:>13}  {:>16}\n", "total", "5-95%", fmt::format("P(< {:g}%)", 100 * w.threshold));
  for (std::size_t i = 0; i < w.names.size(); ++i) {
    out << fmt::format("  {:<{}}  {:>7.0f}", w.names[i], width, w.retirement_year[i]);
    for (std::size_t k = 0; k < 4; ++k)
      if (w.has[k]) out << fmt::format("  {:>7}", pct(w.tier[i][k].at(0.5)));
    const Dist& t = w.total[i];
    out << fmt::format("  {:>7}  {:>13}  {:>16}\n", pct(t.at(0.5)),
                       fmt::format("{:.1f}-{:.1f}%", 100 * t.at(0.05), 100 * t.at(0.95)),
                       fmt::format("{} +- {:.1f}", pct(w.below[i].mean[0]), 100 * w.below[i].se[0]));
  }
}

Json residents_json(const Results& r, const Selection& s) {
  const Residents& rs = *r.residents;
  Json rows = Json::array();
  for (int y : s.table) {
    const auto t = r.col(y);
    Json row{{"year", y}};
    const char* keys[5] = {"beneficiaries", "fund", "central_cost", "local_cost", "cost_gdp"};
    for (std::size_t k = 0; k < 5; ++k) row[keys[k]] = dist_json(rs.metric[k], t);
    rows.push_back(row);
  }
  Json j{{"years", rows}};
  if (rs.member_pension)
    j["member"] = Json{{"pension", dist_json(*rs.member_pension)}, {"replacement", dist_json(*rs.member_replacement)}};
  return j;
}

void print_residents(const Results& r, const Selection& s, std::ostream& out) {
  const Residents& rs = *r.residents;
  out << "\nThe residents' scheme: medians over paths (5-95%); money in bn " << rs.metric[1].unit << "\n";
  out << fmt::format("  {:>4}  {:>12}  {:>22}  {:>22}  {:>22}  {:>15}\n", "year", "beneficiaries", "accounts fund",
                     "central budget", "local budgets", "cost % of GDP");
  const auto band = [](const Dist& d, std::size_t t, double scale) {
    return fmt::format("{:.1f} ({:.1f}-{:.1f})", d.at(0.5, t) / scale, d.at(0.05, t) / scale, d.at(0.95, t) / scale);
  };
  for (int y : s.table) {
    const auto t = r.col(y);
    out << fmt::format("  {:>4}  {:>11.1f}M  {:>22}  {:>22}  {:>22}  {:>14.2f}%\n", y, rs.metric[0].at(0.5, t) / 1e6,
                       band(rs.metric[1], t, 1e9), band(rs.metric[2], t, 1e9), band(rs.metric[3], t, 1e9),
                       100 * rs.metric[4].at(0.5, t));
  }
  if (rs.member_pension)
    out << fmt::format("  the representative member's first monthly pension: {:.1f} ({:.1f}-{:.1f}), {} of the average "
                       "wage\n", rs.member_pension->at(0.5), rs.member_pension->at(0.05), rs.member_pension->at(0.95),
                       pct(rs.member_replacement->at(0.5)));
}

Json annuities_json(const Results& r, const Selection& s) {
  const Annuities& an = *r.annuities;
  Json j = Json::object();
  for (std::size_t k = 0; k < 3; ++k) {
    if (!an.has[k]) continue;
    Json rows = Json::array();
    for (int y : s.table) {
      const auto t = r.col(y);
      Json row{{"year", y}};
      for (std::size_t f = 0; f < 3; ++f) row[Annuities::kFields[f]] = dist_json(an.metric[k][f], t);
      rows.push_back(row);
    }
    j[Annuities::kPlans[k]] = rows;
  }
  return j;
}

void print_annuities(const Results& r, const Selection& s, std::ostream& out) {
  const Annuities& an = *r.annuities;
  const char* names[3] = {"enterprise annuity", "occupational annuity", "private pension"};
  for (std::size_t k = 0; k < 3; ++k) {
    if (!an.has[k]) continue;
    out << fmt::format("\nThe {} plan: medians over paths (5-95%); money in bn {}\n", names[k], an.metric[k][1].unit);
    out << fmt::format("  {:>4}  {:>10}  {:>28}  {:>26}\n", "year", "members", "assets", "benefits");
    for (int y : s.table) {
      const auto t = r.col(y);
      const auto band = [&](const Dist& d) {
        return fmt::format("{:.1f} ({:.1f}-{:.1f})", d.at(0.5, t) / 1e9, d.at(0.05, t) / 1e9, d.at(0.95, t) / 1e9);
      };
      out << fmt::format("  {:>4}  {:>9.2f}M  {:>28}  {:>26}\n", y, an.metric[k][0].at(0.5, t) / 1e6,
                         band(an.metric[k][1]), band(an.metric[k][2]));
    }
  }
}

Json to_json(const std::string& path, const Results& r, const Selection& s) {
  Json j;
  j["format"] = "pfsim-summary";
  j["format_version"] = 1;
  j["file"] = path;
  j["run"] = Json{{"name", r.name}, {"config_file", r.config_file}, {"overrides", r.overrides}, {"seed", r.seed},
                  {"n_paths", r.n_paths}, {"start_year", r.years.front()}, {"end_year", r.years.back()},
                  {"confidence", r.confidence}, {"pfsim_version", r.version}, {"created_utc", r.created}};
  j["units"] = Json{{"real_money", r.balance.unit}, {"nominal_money", r.pv_backstop.unit}};
  const auto& d = r.depletion_year;
  Json rows = Json::array();
  for (const auto& row : s.depletion) {
    const auto t = r.col(row.year);
    auto one = curve_json(r.depletion, t);
    one["year"] = row.year;
    if (!row.why.empty()) one["why"] = row.why;
    rows.push_back(one);
  }
  j["depletion"] = Json{{"median_year", num(d.at(0.5))}, {"p05_year", num(d.at(0.05))}, {"p95_year", num(d.at(0.95))},
                        {"share_depleted", num(d.finite[0] / static_cast<double>(r.n_paths))}, {"probability", rows}};
  Json table = Json::array();
  for (int y : s.table) {
    const auto t = r.col(y);
    table.push_back(Json{{"year", y},
                         {"real_balance", Json{{"median", num(r.balance.at(0.5, t))}, {"p05", num(r.balance.at(0.05, t))}, {"p95", num(r.balance.at(0.95, t))}}},
                         {"real_shadow_balance", Json{{"median", num(r.shadow.at(0.5, t))}, {"p05", num(r.shadow.at(0.05, t))}, {"p95", num(r.shadow.at(0.95, t))}}},
                         {"months_covered", Json{{"median", num(r.months.at(0.5, t))}, {"p05", num(r.months.at(0.05, t))}, {"p95", num(r.months.at(0.95, t))}}}});
  }
  j["balance"] = table;
  Json burden = Json::array();
  for (int y : s.burden) {
    const auto t = r.col(y);
    burden.push_back(Json{{"year", y}, {"state", num(r.burden_state.mean[t])}, {"employers", num(r.burden_employers.mean[t])},
                          {"individuals", num(r.burden_individuals.mean[t])}});
  }
  j["who_pays"] = burden;
  j["actuarial_balance"] = dist_json(r.actuarial);
  j["pv_backstop"] = dist_json(r.pv_backstop);
  j["investment"] = Json{{"tracking_error", dist_json(r.tracking)}, {"max_drawdown", dist_json(r.drawdown)}};
  if (r.active) j["investment"]["active_return"] = dist_json(*r.active);
  Json pres = Json::array();
  for (std::size_t h = 0; h < r.horizons.size(); ++h)
    pres.push_back(Json{{"horizon", r.horizons[h]}, {"real_return_nonnegative", curve_json(r.preservation, h)},
                        {"beats_wage_growth", curve_json(r.beats_wage, h)}, {"beats_crediting_rate", curve_json(r.beats_crediting, h)},
                        {"paths", r.return_paths.empty() ? Json(nullptr) : Json(static_cast<std::int64_t>(r.return_paths[h]))}});
  j["preservation"] = pres;
  Json tail = Json::array();
  for (std::size_t i = 0; i < r.levels.size(); ++i)
    tail.push_back(Json{{"level", r.levels[i]},
                        {"terminal_real_shadow_balance", Json{{"var", num(r.shadow_tail.var[i])}, {"es", num(r.shadow_tail.es[i])}, {"es_se", num(r.shadow_tail.es_se[i])}}},
                        {"actuarial_balance", Json{{"var", num(r.actuarial_tail.var[i])}, {"es", num(r.actuarial_tail.es[i])}, {"es_se", num(r.actuarial_tail.es_se[i])}}}});
  j["shortfall"] = tail;
  if (r.comparison) {
    const auto& c = *r.comparison;
    Json sc = Json::array();
    for (std::size_t i = 0; i < c.names.size(); ++i) {
      Json one{{"name", c.names[i]}, {"reference", c.names[i] == c.reference}};
      Json by_year = Json::array();
      for (std::size_t k = 0; k < c.years.size(); ++k) {
        const auto x = i * c.years.size() + k;
        by_year.push_back(Json{{"year", c.years[k]}, {"p", num(c.p[x])}, {"lower", num(c.lo[x])}, {"upper", num(c.hi[x])},
                               {"difference", num(c.diff[x])}, {"difference_se", num(c.diff_se[x])},
                               {"difference_se_independent", num(c.diff_se_ind[x])}});
      }
      one["depletion_probability"] = by_year;
      one["median_terminal_real_balance"] = num(c.median_balance[i]);
      one["expected_shortfall_terminal_real_shadow_balance"] = num(c.es_shadow[i]);
      if (!c.dep_median.empty()) {
        one["depletion_year"] = Json{{"median", num(c.dep_median[i])}, {"p05", num(c.dep_p05[i])}, {"p95", num(c.dep_p95[i])}};
        Json diffs = Json::object();
        for (std::size_t k = 0; k < c.scalar_names.size(); ++k)
          diffs[c.scalar_names[k]] = Json{{"mean", num(c.scalar_diff[k][i])}, {"se", num(c.scalar_diff_se[k][i])}};
        one["paired_differences"] = diffs;
      }
      sc.push_back(one);
    }
    j["scenarios"] = Json{{"reference", c.reference}, {"expected_shortfall_level", c.es_level}, {"scenarios", sc}};
  }
  if (r.sensitivity) j["sensitivity"] = sensitivity_json(*r.sensitivity);
  if (r.regions) j["regions"] = regions_json(r, s);
  if (r.workers) j["workers"] = workers_json(*r.workers);
  if (r.residents) j["residents"] = residents_json(r, s);
  if (r.annuities) j["annuities"] = annuities_json(r, s);
  if (r.optimization) {
    const auto& o = *r.optimization;
    Json vars = Json::array();
    for (std::size_t k = 0; k < o.variables.size(); ++k)
      vars.push_back(Json{{"key", o.variables[k]}, {"config", num(o.start[k])}, {"optimum", num(o.optimum[k])}});
    auto values = [](const std::vector<double>& v) {
      Json a = Json::array();
      for (double x : v) a.push_back(num(x));
      return a;
    };
    j["optimization"] = Json{{"objective", o.objective}, {"goal", o.goal}, {"constraints", o.constraints},
                             {"status", o.status}, {"evaluations", o.evaluations}, {"variables", vars},
                             {"in_sample_seed", o.in_seed}, {"out_of_sample_seed", o.out_seed},
                             {"in_sample", values(o.in_sample)}, {"out_of_sample_config", values(o.current)},
                             {"out_of_sample_optimum", values(o.at_optimum)}};
    if (o.intervals) {
      auto& jo = j["optimization"];
      jo["in_sample_lower"] = values(o.in_lower);
      jo["in_sample_upper"] = values(o.in_upper);
      jo["out_of_sample_config_lower"] = values(o.current_lower);
      jo["out_of_sample_config_upper"] = values(o.current_upper);
      jo["out_of_sample_optimum_lower"] = values(o.optimum_lower);
      jo["out_of_sample_optimum_upper"] = values(o.optimum_upper);
    }
  }
  return j;
}

// ---- text ------------------------------------------------------------------------

void print_text(const Results& r, const Selection& s, std::ostream& out) {
  out << fmt::format("pfsim results: {}  ({} paths, seed {}, {}-{})\n", r.name, r.n_paths, r.seed, r.years.front(), r.years.back());
  out << fmt::format("  config {}; {}\n", r.config_file,
                     r.overrides.empty() ? std::string("no overrides") : "overrides: " + fmt::format("{}", fmt::join(r.overrides, ", ")));
  const std::string conf = fmt::format("{:g}%", 100 * r.confidence);

  // Depletion: the headline.
  const auto& d = r.depletion_year;
  const double share = d.finite[0] / static_cast<double>(r.n_paths);
  out << "\nDepletion of the basic fund (balance below zero at 31 December, before any backstop)\n";
  if (d.finite[0] == 0)
    out << fmt::format("  no path depletes by {}\n", r.years.back());
  else
    out << fmt::format("  depletion year: median {}, 5-95% {}; {} of paths deplete by {}\n", year_text(d.at(0.5)),
                       band_text(d.at(0.05), d.at(0.95)), pct(share), r.years.back());
  out << fmt::format("  P(depleted by the end of year), {} Wilson interval\n", conf);
  for (const auto& row : s.depletion) {
    const auto t = r.col(row.year);
    out << fmt::format("    {:>6}  {}  [{}, {}]{}\n", row.year, pct(r.depletion.p[t]), pct(r.depletion.lo[t]), pct(r.depletion.hi[t]),
                       row.why.empty() ? "" : "   " + row.why);
  }

  // The fund in real terms.
  double mag = 0;
  for (int y : s.table) mag = std::max(mag, std::abs(r.balance.at(0.5, r.col(y))));
  const auto sc = money_scale(mag);
  out << fmt::format("\nReal fund balance and shadow balance (without the backstop; below zero: the deficit), {}{},\n"
                     "and months of benefits covered (12 x balance / the year's benefits), at 31 December\n", sc.prefix, r.balance.unit);
  out << fmt::format("  {:>6} {:>10} {:>10} {:>10}   {:>12}   {:>8} {:>8} {:>8}\n", "", "balance", "", "", "shadow", "months", "", "");
  out << fmt::format("  {:>6} {:>10} {:>10} {:>10}   {:>12}   {:>8} {:>8} {:>8}\n", "year", "median", "5%", "95%", "median", "median", "5%", "95%");
  for (int y : s.table) {
    const auto c = r.col(y);
    out << fmt::format("  {:>6} {:>10.2f} {:>10.2f} {:>10.2f}   {:>12.2f}   {:>8.1f} {:>8.1f} {:>8.1f}\n", y, r.balance.at(0.5, c) / sc.factor,
                       r.balance.at(0.05, c) / sc.factor, r.balance.at(0.95, c) / sc.factor, r.shadow.at(0.5, c) / sc.factor,
                       r.months.at(0.5, c), r.months.at(0.05, c), r.months.at(0.95, c));
  }

  // Who pays.
  out << "\nWho pays: mean share of contributions + subsidy + backstop\n";
  out << fmt::format("  {:>6} {:>8} {:>10} {:>12}\n", "year", "state", "employers", "individuals");
  for (int y : s.burden) {
    const auto t = r.col(y);
    out << fmt::format("  {:>6} {:>8} {:>10} {:>12}\n", y, pct(r.burden_state.mean[t]), pct(r.burden_employers.mean[t]),
                       pct(r.burden_individuals.mean[t]));
  }
  const auto& b = r.pv_backstop;
  const auto bs = money_scale({b.at(0.5), b.at(0.95), b.mean[0]});
  out << fmt::format("  present value of the backstop on 1 January {} ({}{}): median {:.2f} [{:.2f}, {:.2f}], 5-95% {:.2f} to {:.2f}, "
                     "mean {:.2f} +- {:.2f}\n", r.years.front(), bs.prefix, b.unit, b.at(0.5) / bs.factor, b.lower(0.5) / bs.factor,
                     b.upper(0.5) / bs.factor, b.at(0.05) / bs.factor, b.at(0.95) / bs.factor, b.mean[0] / bs.factor, b.se[0] / bs.factor);

  // Investment.
  out << "\nInvestment of the basic fund (medians, 5-95% in brackets)\n";
  out << fmt::format("  tracking error {:.2f}% [{:.2f}% to {:.2f}%]", 100 * r.tracking.at(0.5), 100 * r.tracking.at(0.05), 100 * r.tracking.at(0.95));
  if (r.active)
    out << fmt::format(", active return {:+.2f}% [{:+.2f}% to {:+.2f}%]", 100 * r.active->at(0.5), 100 * r.active->at(0.05), 100 * r.active->at(0.95));
  out << fmt::format(", maximum drawdown {:.1f}% [{:.1f}% to {:.1f}%]\n", 100 * r.drawdown.at(0.5), 100 * r.drawdown.at(0.05), 100 * r.drawdown.at(0.95));
  out << "  preservation and appreciation: P(annualised return over the first h years ...)\n";
  if (!r.return_paths.empty()) {
    // Measured while the fund holds assets: each horizon over the paths
    // whose fund lasted through it.
    out << fmt::format("  {:>4}  {:>24}  {:>24}  {:>24}  {:>8}\n", "h", "real return >= 0", ">= wage growth", ">= crediting rate", "paths");
    for (std::size_t h = 0; h < r.horizons.size(); ++h) {
      out << fmt::format("  {:>4}", r.horizons[h]);
      if (r.return_paths[h] == 0) {
        out << fmt::format("  no path's fund holds assets for {} years\n", r.horizons[h]);
        continue;
      }
      for (const Curve* c : {&r.preservation, &r.beats_wage, &r.beats_crediting})
        out << fmt::format("  {} [{},{}]", pct(c->p[h]), pct(c->lo[h]), pct(c->hi[h]));
      out << fmt::format("  {:>8.0f}\n", r.return_paths[h]);
    }
    out << "  (paths: those whose fund held assets through the first h years; returns end with the year of depletion)\n";
  } else {
  out << fmt::format("  {:>4}  {:>24}  {:>24}  {:>24}\n", "h", "real return >= 0", ">= wage growth", ">= crediting rate");
  // A horizon that reaches past some paths' depletion measures, on those
  // paths, the strategy's returns after the fund ran out: say how many.
  double past_depletion = 0;
  for (std::size_t h = 0; h < r.horizons.size(); ++h) {
    const double depleted = r.depletion.p[static_cast<std::size_t>(r.horizons[h]) - 1];  // horizons checked: 1..years
    out << fmt::format("  {:>4}", r.horizons[h]);
    for (const Curve* c : {&r.preservation, &r.beats_wage, &r.beats_crediting})
      out << fmt::format("  {} [{},{}]", pct(c->p[h]), pct(c->lo[h]), pct(c->hi[h]));
    out << (depleted > 0 ? fmt::format("  *{}", pct(depleted)) : std::string()) << "\n";
    past_depletion = std::max(past_depletion, depleted);
  }
  if (past_depletion > 0)
    out << "  * share of paths whose fund is depleted within the first h years: on those paths the figure includes the\n"
           "    strategy's returns after the fund ran out, not returns earned on assets\n";
  }

  // Actuarial balance and shortfall.
  const auto& a = r.actuarial;
  out << fmt::format("\nActuarial balance (share of PV payroll): median {:.2f}% [{:.2f}%, {:.2f}%], 5-95% {:.2f}% to {:.2f}%, mean {:.2f}% +- {:.2f}\n",
                     100 * a.at(0.5), 100 * a.lower(0.5), 100 * a.upper(0.5), 100 * a.at(0.05), 100 * a.at(0.95), 100 * a.mean[0], 100 * a.se[0]);
  double tmag = 0;
  for (double v : r.shadow_tail.var) tmag = std::max(tmag, std::abs(v));
  const auto ts = money_scale(tmag);
  out << "Shortfall risk, worst alpha of paths: VaR = alpha-quantile, ES = mean below it (+- 1 s.e.); the terminal real shadow\n"
         "balance is the cumulative shortfall the backstop fills by the horizon (below zero), not an investment loss\n";
  out << fmt::format("  {:>6}  {:>40}  {:>36}\n", "alpha", fmt::format("terminal real shadow balance ({}{})", ts.prefix, r.balance.unit),
                     "actuarial balance (% of PV payroll)");
  for (std::size_t i = 0; i < r.levels.size(); ++i)
    out << fmt::format("  {:>6}  VaR {:>9.2f}  ES {:>9.2f} +- {:<7.2f}      VaR {:>8.2f}%  ES {:>8.2f}% +- {:<5.2f}\n", pct(r.levels[i]),
                       r.shadow_tail.var[i] / ts.factor, r.shadow_tail.es[i] / ts.factor, r.shadow_tail.es_se[i] / ts.factor,
                       100 * r.actuarial_tail.var[i], 100 * r.actuarial_tail.es[i], 100 * r.actuarial_tail.es_se[i]);

  if (!r.comparison) return;
  const auto& c = *r.comparison;
  const auto ms = money_scale([&] {
    double m = 0;
    for (double v : c.median_shadow) m = std::max(m, std::abs(v));
    for (double v : c.es_shadow) m = std::max(m, std::abs(v));
    return m;
  }());
  out << fmt::format("\nScenarios on common random numbers (reference: {}); difference = scenario - reference, +- paired s.e. "
                     "(s.e. on independent paths in brackets)\n", c.reference);
  std::size_t width = 10;
  for (const auto& n : c.names) width = std::max(width, n.size());
  out << fmt::format("  {:<{}}", "scenario", width);
  if (!c.dep_median.empty()) out << fmt::format("  {:>16}", "depletion year");
  for (int y : c.years) out << fmt::format("  {:>8} {:>26}", fmt::format("P({})", y), "difference");
  out << fmt::format("  {:>16}  {:>14}\n", fmt::format("shadow {}", r.years.back()), fmt::format("ES {}", r.years.back()));
  for (std::size_t i = 0; i < c.names.size(); ++i) {
    out << fmt::format("  {:<{}}", c.names[i], width);
    if (!c.dep_median.empty())
      out << fmt::format("  {:>16}", fmt::format("{} ({})", year_text(c.dep_median[i]), band_text(c.dep_p05[i], c.dep_p95[i])));
    for (std::size_t k = 0; k < c.years.size(); ++k) {
      const auto x = i * c.years.size() + k;
      out << fmt::format("  {:>8}", pct(c.p[x]));
      if (c.names[i] == c.reference) out << fmt::format(" {:>26}", "-");
      else out << fmt::format(" {:>26}", fmt::format("{:+.1f}% +- {:.1f} ({:.1f})", 100 * c.diff[x], 100 * c.diff_se[x], 100 * c.diff_se_ind[x]));
    }
    out << fmt::format("  {:>12.2f} {:<3}  {:>10.2f} {:<3}\n", c.median_shadow[i] / ms.factor, ms.prefix, c.es_shadow[i] / ms.factor, ms.prefix);
  }
  out << fmt::format("  (depletion year: median (5-95%); the real shadow balance at the horizon: median and expected shortfall at {}, "
                     "{}{})\n", fmt::format("{:g}%", 100 * c.es_level), ms.prefix, r.balance.unit);
  if (c.scalar_names.empty()) return;
  // Each scalar in its unit: years, money scaled, rates and shares in
  // percentage points.
  std::vector<std::function<std::string(double, double)>> shown;
  for (std::size_t k = 0; k < c.scalar_names.size(); ++k) {
    const auto& unit = c.scalar_units[k];
    if (unit == "year") {
      shown.emplace_back([](double m, double e) { return fmt::format("{:+.2f} +- {:.2f} y", m, e); });
    } else if (unit.rfind(c.currency, 0) == 0) {
      double dmag = 0;
      for (double v : c.scalar_diff[k]) dmag = std::max(dmag, std::abs(v));
      const auto ds = money_scale(dmag);
      shown.emplace_back([ds](double m, double e) { return fmt::format("{:+.2f} +- {:.2f} {}", m / ds.factor, e / ds.factor, ds.prefix); });
    } else {
      shown.emplace_back([](double m, double e) { return fmt::format("{:+.2f} +- {:.2f} pp", 100 * m, 100 * e); });
    }
  }
  out << fmt::format("  paired differences against the reference, mean +- paired s.e. (pp: percentage points; money in {}; a depletion\n"
                     "  year of never counts as the year after the horizon)\n", r.pv_backstop.unit);
  out << fmt::format("  {:<{}}", "scenario", width);
  for (const auto& n : c.scalar_names) out << fmt::format("  {:>22}", n);
  out << "\n";
  for (std::size_t i = 0; i < c.names.size(); ++i) {
    if (c.names[i] == c.reference) continue;
    out << fmt::format("  {:<{}}", c.names[i], width);
    for (std::size_t k = 0; k < c.scalar_names.size(); ++k) out << fmt::format("  {:>22}", shown[k](c.scalar_diff[k][i], c.scalar_diff_se[k][i]));
    out << "\n";
  }
}

// ---- goal-seek files ----------------------------------------------------------------

struct GoalSeekFile {
  std::string lever, target, config_file, version, created;
  std::vector<std::string> overrides;
  std::int64_t n_paths = 0, seed = 0;
  double value = 0, lower = 0, upper = 0, confidence = 0.95;
  std::optional<bool> holds_above;  // absent in files of older pfsim versions
  std::vector<double> levers, statistic, stat_lower, stat_upper;
};

GoalSeekFile read_goal_seek(hid_t root) {
  const auto version = h5::read_int_attr(root, format::kFormatVersionAttr);
  if (version != format::kGoalSeekVersion)
    throw IoError(fmt::format("goal-seek format version {} is not supported (this pfsim reads {})", version, format::kGoalSeekVersion));
  GoalSeekFile g;
  g.lever = h5::read_string_attr(root, "lever");
  g.target = h5::read_string_attr(root, "target");
  g.n_paths = h5::read_int_attr(root, "n_paths");
  g.seed = h5::read_int_attr(root, "seed");
  g.value = h5::read_double_attr(root, "value");
  g.lower = h5::read_double_attr(root, "value_lower");
  g.upper = h5::read_double_attr(root, "value_upper");
  auto optional_string = [&](const char* name) { return h5::has_attr(root, name) ? h5::read_string_attr(root, name) : std::string(); };
  g.config_file = optional_string("config_file");
  g.version = optional_string("pfsim_version");
  g.created = optional_string("created_utc");
  g.overrides = h5::read_lines_attr(root, "overrides");
  if (h5::has_attr(root, "confidence")) g.confidence = h5::read_double_attr(root, "confidence");
  if (h5::has_attr(root, "holds_above")) g.holds_above = h5::read_int_attr(root, "holds_above") != 0;
  g.levers = h5::read_doubles(root, "lever_values");
  const auto n = g.levers.size();
  if (n == 0) throw IoError("'lever_values' is empty");
  g.statistic = sized(h5::read_doubles(root, "statistic"), n, "statistic");
  g.stat_lower = sized(h5::read_doubles(root, "statistic_lower"), n, "statistic_lower");
  g.stat_upper = sized(h5::read_doubles(root, "statistic_upper"), n, "statistic_upper");
  return g;
}

Json goal_seek_json(const std::string& path, const GoalSeekFile& g) {
  Json evals = Json::array();
  for (std::size_t i = 0; i < g.levers.size(); ++i)
    evals.push_back(Json{{"lever", num(g.levers[i])}, {"statistic", num(g.statistic[i])}, {"lower", num(g.stat_lower[i])},
                         {"upper", num(g.stat_upper[i])}});
  Json j;
  j["format"] = "pfsim-goal-seek-summary";
  j["format_version"] = 1;
  j["file"] = path;
  j["run"] = Json{{"config_file", g.config_file}, {"overrides", g.overrides}, {"seed", g.seed}, {"n_paths", g.n_paths},
                  {"confidence", g.confidence}, {"pfsim_version", g.version}, {"created_utc", g.created}};
  j["lever"] = g.lever;
  j["target"] = g.target;
  j["solution"] = Json{{"value", num(g.value)}, {"lower", num(g.lower)}, {"upper", num(g.upper)},
                       {"holds", g.holds_above ? Json(*g.holds_above ? "at and above" : "at and below") : Json(nullptr)}};
  j["evaluations"] = evals;
  return j;
}

void print_goal_seek(const GoalSeekFile& g, std::ostream& out) {
  out << fmt::format("pfsim goal seek: {} for {}  ({} paths, seed {})\n", g.lever, g.target, g.n_paths, g.seed);
  if (!g.config_file.empty())
    out << fmt::format("  config {}; {}\n", g.config_file,
                       g.overrides.empty() ? std::string("no overrides") : "overrides: " + fmt::format("{}", fmt::join(g.overrides, ", ")));
  out << fmt::format("\n  solution: {} = {:.6g}, {:g}% Monte Carlo interval [{:.6g}, {:.6g}]", g.lever, g.value, 100 * g.confidence,
                     g.lower, g.upper);
  if (g.holds_above) out << fmt::format("; the target holds {} it", *g.holds_above ? "at and above" : "at and below");
  out << fmt::format("\n\n  evaluations, in order of the lever ({} runs on the same paths):\n", g.levers.size());
  out << fmt::format("  {:>14}  {:>14}  {:>30}\n", "lever", "statistic", fmt::format("{:g}% interval", 100 * g.confidence));
  for (std::size_t i = 0; i < g.levers.size(); ++i)
    out << fmt::format("  {:>14.6g}  {:>14.6g}  {:>30}{}\n", g.levers[i], g.statistic[i],
                       fmt::format("[{:.6g}, {:.6g}]", g.stat_lower[i], g.stat_upper[i]), g.levers[i] == g.value ? "   <- solution" : "");
}

}  // namespace

void print_summary(const std::string& path, const SummaryRequest& request, std::ostream& out) {
  // A file that pfsim did not write whole (or that was edited) is bad
  // input: every dataset read is checked for presence, type and shape.
  try {
    std::string kind;
    {
      auto file = h5::File::open_read(path);
      if (h5::has_attr(file.id(), format::kFormatAttr)) kind = h5::read_string_attr(file.id(), format::kFormatAttr);
      if (kind == format::kGoalSeek) {
        const auto g = read_goal_seek(file.id());
        if (request.json) out << goal_seek_json(path, g).dump(2) << "\n";
        else print_goal_seek(g, out);
        return;
      }
    }
    const Results r = read_results(path);
    const auto s = select_years(r, request, path);
    if (request.json) {
      out << to_json(path, r, s).dump(2) << "\n";
    } else {
      print_text(r, s, out);
      if (r.regions) print_regions(r, s, out);
      if (r.workers) print_workers(*r.workers, out);
      if (r.residents) print_residents(r, s, out);
      if (r.annuities) print_annuities(r, s, out);
      if (r.optimization) {
        const auto& o = *r.optimization;
        out << fmt::format("\nOptimisation ({} evaluations on seed {}; {}): {} the {}\n", o.evaluations, o.in_seed, o.status,
                           o.goal, o.objective);
        for (std::size_t k = 0; k < o.variables.size(); ++k)
          out << fmt::format("  {} = {:.6g} (the config: {:.6g})\n", o.variables[k], o.optimum[k], o.start[k]);
        out << fmt::format("  {:<60} {:>26} {:>26} {:>26}\n", "", "in sample", "out: optimum", "out: config");
        for (std::size_t i = 0; i <= o.constraints.size(); ++i) {
          out << fmt::format("  {:<60} {:>26.6g} {:>26.6g} {:>26.6g}\n", i == 0 ? std::string("objective") : o.constraints[i - 1],
                             o.in_sample[i], o.at_optimum[i], o.current[i]);
          if (!o.intervals) continue;
          const auto range = [](double a, double b) { return fmt::format("[{:.5g}, {:.5g}]", a, b); };
          out << fmt::format("  {:<60} {:>26} {:>26} {:>26}\n", fmt::format("  {:g}% interval", 100 * r.confidence),
                             range(o.in_lower[i], o.in_upper[i]), range(o.optimum_lower[i], o.optimum_upper[i]),
                             range(o.current_lower[i], o.current_upper[i]));
        }
        out << fmt::format("  (out of sample: seed {}; the scenarios above compare the optimum with the config there, paired)\n", o.out_seed);
      }
      if (r.sensitivity) print_sensitivity(*r.sensitivity, out);
    }
  } catch (const IoError& e) {
    throw InputError({path, 0, 0}, "", fmt::format("not a readable pfsim results file: {}", e.what()));
  }
}

}  // namespace pfsim
