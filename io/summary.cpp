#include "io/summary.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include <fmt/format.h>

#include "core/error.h"
#include "io/hdf5_file.h"
#include "io/results_format.h"

namespace pfsim {

namespace {

std::size_t prob_index(const std::vector<double>& probs, double p) {
  for (std::size_t i = 0; i < probs.size(); ++i)
    if (std::abs(probs[i] - p) < 1e-12) return i;
  throw IoError(fmt::format("the run has no {:.0f}% quantile (set run.quantiles)", p * 100));
}

struct Scale {
  double factor;
  const char* label;
};
Scale money_scale(double magnitude, const std::string& currency) {
  (void)currency;
  if (magnitude >= 1e12) return {1e12, "trn"};
  if (magnitude >= 1e9) return {1e9, "bn"};
  if (magnitude >= 1e6) return {1e6, "mn"};
  return {1, ""};
}

std::string pct(double p) { return fmt::format("{:5.1f}%", 100 * p); }

}  // namespace

namespace {
void print_checked(const std::string& path, const SummaryYears& wanted, std::ostream& out);
}  // namespace

void print_summary(const std::string& path, const SummaryYears& wanted, std::ostream& out) {
  // A file that pfsim did not write whole (or that was edited) is bad
  // input: every dataset read is checked for presence, type and shape.
  std::ostringstream text;
  try {
    print_checked(path, wanted, text);
  } catch (const IoError& e) {
    throw InputError({path, 0, 0}, "", fmt::format("not a readable pfsim results file: {}", e.what()));
  }
  out << text.str();
}

namespace {
// Throws IoError unless `v` has `n` values.
template <class T>
const std::vector<T>& sized(const std::vector<T>& v, std::size_t n, const std::string& name) {
  if (v.size() != n) throw IoError(fmt::format("'{}' has {} values; expected {}", name, v.size(), n));
  return v;
}

void print_checked(const std::string& path, const SummaryYears& wanted, std::ostream& out) {
  auto file = h5::File::open_read(path);
  const hid_t root = file.id();
  if (!h5::has_attr(root, format::kFormatAttr) || h5::read_string_attr(root, format::kFormatAttr) != format::kResults)
    throw InputError({path, 0, 0}, "", "not a pfsim results file");
  const auto version = h5::read_int_attr(root, format::kFormatVersionAttr);
  if (version != format::kResultsVersion)
    throw InputError({path, 0, 0}, "", fmt::format("results format version {} is not supported (this pfsim reads {})", version, format::kResultsVersion));
  const auto years = h5::read_ints(root, format::kYears);
  if (years.empty()) throw IoError(fmt::format("'{}' is empty", format::kYears));
  for (std::size_t t = 1; t < years.size(); ++t)
    if (years[t] != years[t - 1] + 1) throw IoError(fmt::format("'{}' are not consecutive years", format::kYears));
  const std::size_t ny = years.size();
  const auto n_paths = h5::read_int_attr(root, "n_paths");
  const auto currency = h5::read_string_attr(root, "currency");
  out << fmt::format("pfsim results: {}  ({} paths, seed {}, {}-{})\n", h5::read_string_attr(root, "name"), n_paths,
                     h5::read_int_attr(root, "seed"), years.front(), years.back());

  std::vector<int> show = wanted.table;
  if (wanted.table_is_default) show.push_back(years.back());
  std::vector<std::size_t> cols;
  for (int y : show) {
    const auto it = std::find(years.begin(), years.end(), y);
    if (it != years.end()) cols.push_back(static_cast<std::size_t>(it - years.begin()));
  }
  std::sort(cols.begin(), cols.end());
  cols.erase(std::unique(cols.begin(), cols.end()), cols.end());

  auto metrics = h5::open_group(root, format::kMetrics);
  // Quantiles [probability, year] with the probabilities as an attribute.
  auto read_q = [&](const std::string& name, std::vector<double>& probs) {
    auto g = h5::open_group(metrics, name);
    probs = h5::read_doubles_attr(g, "probabilities");
    std::vector<hsize_t> dims;
    auto q = h5::read_doubles(g, "quantiles", &dims);
    if (dims != std::vector<hsize_t>{probs.size(), ny})
      throw IoError(fmt::format("'{}/{}/quantiles' does not have the shape ({} probabilities, {} years)", format::kMetrics,
                                name, probs.size(), ny));
    return q;
  };
  std::vector<double> probs;
  const auto bal = read_q("fund_balance_real", probs);
  const auto i5 = prob_index(probs, 0.05), i50 = prob_index(probs, 0.5), i95 = prob_index(probs, 0.95);
  std::vector<double> probs2;
  const auto months = read_q("months_covered", probs2);
  if (probs2 != probs) throw IoError("'months_covered' has other quantile probabilities than 'fund_balance_real'");
  double mag = 0;
  for (auto c : cols) mag = std::max(mag, std::abs(bal[i50 * ny + c]));
  const auto sc = money_scale(mag, currency);

  out << fmt::format("\nReal fund balance ({} {} of {}) and months of expenditure covered, at 31 December\n",
                     sc.label, currency, years.front() - 1);
  out << fmt::format("{:>6} {:>10} {:>10} {:>10}   {:>8} {:>8} {:>8}\n", "year", "median", "5%", "95%", "median", "5%", "95%");
  for (auto c : cols)
    out << fmt::format("{:>6} {:>10.2f} {:>10.2f} {:>10.2f}   {:>8.1f} {:>8.1f} {:>8.1f}\n", years[c],
                       bal[i50 * ny + c] / sc.factor, bal[i5 * ny + c] / sc.factor, bal[i95 * ny + c] / sc.factor,
                       months[i50 * ny + c], months[i5 * ny + c], months[i95 * ny + c]);

  auto risk = h5::open_group(root, format::kRisk);
  const auto dep = sized(h5::read_doubles(risk, "depletion_probability"), ny, "depletion_probability");
  const auto lo = sized(h5::read_doubles(risk, "depletion_probability_lower"), ny, "depletion_probability_lower");
  const auto hi = sized(h5::read_doubles(risk, "depletion_probability_upper"), ny, "depletion_probability_upper");
  const double conf = h5::has_attr(root, "confidence") ? h5::read_double_attr(root, "confidence") : 0.95;
  out << fmt::format("\nProbability of depletion at or before ({:g}% Wilson interval)\n", 100 * conf);
  std::vector<int> dep_years = wanted.depletion;
  dep_years.push_back(years.back());
  for (int y : dep_years) {
    const auto it = std::find(years.begin(), years.end(), y);
    if (it == years.end()) continue;
    const auto t = static_cast<std::size_t>(it - years.begin());
    out << fmt::format("  {:>6}  {}  [{}, {}]\n", y, pct(dep[t]), pct(lo[t]), pct(hi[t]));
  }

  const auto horizons = h5::read_ints(risk, "horizons");
  out << "\nPreservation and appreciation of the basic fund (annualised return over the first h years)\n";
  out << fmt::format("  {:>4}  {:>24}  {:>24}  {:>24}\n", "h", "P(real return >= 0)", "P(>= wage growth)", "P(>= crediting rate)");
  const char* names[] = {"preservation_probability", "beats_wage_probability", "beats_crediting_probability"};
  std::vector<std::vector<double>> p(3), pl(3), pu(3);
  for (int k = 0; k < 3; ++k) {
    const std::string name = names[k];
    p[static_cast<std::size_t>(k)] = sized(h5::read_doubles(risk, name), horizons.size(), name);
    pl[static_cast<std::size_t>(k)] = sized(h5::read_doubles(risk, name + "_lower"), horizons.size(), name + "_lower");
    pu[static_cast<std::size_t>(k)] = sized(h5::read_doubles(risk, name + "_upper"), horizons.size(), name + "_upper");
  }
  for (std::size_t h = 0; h < horizons.size(); ++h) {
    out << fmt::format("  {:>4}", horizons[h]);
    for (std::size_t k = 0; k < 3; ++k)
      out << fmt::format("  {} [{},{}]", pct(p[k][h]), pct(pl[k][h]), pct(pu[k][h]));
    out << "\n";
  }

  const auto levels = h5::read_doubles(risk, "levels");
  const auto nl = levels.size();
  const auto tv = sized(h5::read_doubles(risk, "terminal_real_shadow_balance_var"), nl, "terminal_real_shadow_balance_var");
  const auto te = sized(h5::read_doubles(risk, "terminal_real_shadow_balance_es"), nl, "terminal_real_shadow_balance_es");
  const auto tse = sized(h5::read_doubles(risk, "terminal_real_shadow_balance_es_se"), nl, "terminal_real_shadow_balance_es_se");
  const auto av = sized(h5::read_doubles(risk, "actuarial_balance_var"), nl, "actuarial_balance_var");
  const auto ae = sized(h5::read_doubles(risk, "actuarial_balance_es"), nl, "actuarial_balance_es");
  const auto ase = sized(h5::read_doubles(risk, "actuarial_balance_es_se"), nl, "actuarial_balance_es_se");
  double tmag = 0;
  for (double v : tv) tmag = std::max(tmag, std::abs(v));
  const auto ts = money_scale(tmag, currency);
  out << fmt::format("\nShortfall risk, worst alpha of paths: VaR = alpha-quantile, ES = mean below it (+- 1 s.e.)\n");
  out << fmt::format("  {:>6}  {:>36}  {:>36}\n", "alpha", fmt::format("terminal real shadow balance ({} {})", ts.label, currency),
                     "actuarial balance (% of PV payroll)");
  for (std::size_t i = 0; i < levels.size(); ++i)
    out << fmt::format("  {:>6}  VaR {:>9.2f}  ES {:>9.2f} +- {:<7.2f}  VaR {:>8.2f}%  ES {:>8.2f}% +- {:<5.2f}\n",
                       pct(levels[i]), tv[i] / ts.factor, te[i] / ts.factor, tse[i] / ts.factor, 100 * av[i],
                       100 * ae[i], 100 * ase[i]);

  if (!h5::exists(root, format::kComparison)) return;
  auto cmp = h5::open_group(root, format::kComparison);
  std::vector<std::string> scenario_names;
  {
    std::string all = h5::read_string_attr(cmp, "names"), line;
    std::istringstream in(all);
    while (std::getline(in, line)) scenario_names.push_back(line);
  }
  const auto cyears = h5::read_ints(cmp, "depletion_years");
  const auto ns = scenario_names.size(), cells = ns * cyears.size();
  const auto cp = sized(h5::read_doubles(cmp, "depletion_probability"), cells, "depletion_probability");
  const auto cd = sized(h5::read_doubles(cmp, "depletion_difference"), cells, "depletion_difference");
  const auto cse = sized(h5::read_doubles(cmp, "depletion_difference_se"), cells, "depletion_difference_se");
  const auto cse_ind = sized(h5::read_doubles(cmp, "depletion_difference_se_independent"), cells, "depletion_difference_se_independent");
  const auto med = sized(h5::read_doubles(cmp, "median_terminal_real_balance"), ns, "median_terminal_real_balance");
  const auto es = sized(h5::read_doubles(cmp, "expected_shortfall_terminal_real_shadow_balance"), ns,
                        "expected_shortfall_terminal_real_shadow_balance");
  const auto reference = h5::read_string_attr(h5::open_group(root, format::kScenarios), "reference");
  double mmag = 0;
  for (double v : med) mmag = std::max(mmag, std::abs(v));
  for (double v : es) mmag = std::max(mmag, std::abs(v));
  const auto ms = money_scale(mmag, currency);
  out << fmt::format("\nScenarios on common random numbers (reference: {}); difference = scenario - reference, +- paired s.e. "
                     "(s.e. on independent paths in brackets)\n", reference);
  std::size_t width = 10;
  for (const auto& n : scenario_names) width = std::max(width, n.size());
  out << fmt::format("  {:<{}}", "scenario", width);
  for (int y : cyears) out << fmt::format("  {:>8} {:>26}", fmt::format("P({})", y), "difference");
  out << fmt::format("  {:>14}  {:>14}\n", fmt::format("median {}", years.back()), fmt::format("ES {}", years.back()));
  out << fmt::format("  (median real balance and expected shortfall of the real shadow balance at the horizon, {} {} of {})\n", ms.label, currency, years.front() - 1);
  for (std::size_t i = 0; i < scenario_names.size(); ++i) {
    out << fmt::format("  {:<{}}", scenario_names[i], width);
    for (std::size_t k = 0; k < cyears.size(); ++k) {
      const auto j = i * cyears.size() + k;
      out << fmt::format("  {:>8}", pct(cp[j]));
      if (scenario_names[i] == reference) out << fmt::format(" {:>26}", "-");
      else out << fmt::format(" {:>26}", fmt::format("{:+.1f}% +- {:.1f} ({:.1f})", 100 * cd[j], 100 * cse[j], 100 * cse_ind[j]));
    }
    out << fmt::format("  {:>10.2f} {:<3}  {:>10.2f} {:<3}\n", med[i] / ms.factor, ms.label, es[i] / ms.factor, ms.label);
  }
}

}  // namespace

}  // namespace pfsim
