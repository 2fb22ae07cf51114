#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/statistics.h"
#include "io/config_sections.h"
#include "io/csv.h"
#include "models/demography/fertility_pattern.h"
#include "models/demography/lee_carter.h"
#include "models/demography/li_lee.h"

namespace pfsim {

namespace {

// age,male,female with ages 0..omega consecutive (the last the open group);
// every value in (0, max] when positive, else [0, max].
std::array<std::vector<double>, 2> read_age_sex(const std::string& file, bool positive, double max) {
  const auto csv = CsvTable::read(file);
  const auto ca = csv.column("age"), cm = csv.column("male"), cf = csv.column("female");
  std::array<std::vector<double>, 2> out;
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    const double age = csv.number(r, ca);
    if (age != static_cast<double>(r))
      throw InputError({file, csv.line(r), 0}, "age", fmt::format("ages must run 0, 1, 2, ... without gaps; found {} in row {}", age, r + 1));
    for (int s = 0; s < 2; ++s) {
      const double v = csv.number(r, s == 0 ? cm : cf);
      if (!(v >= 0) || (positive && !(v > 0)) || !(v <= max))
        throw InputError({file, csv.line(r), 0}, s == 0 ? "male" : "female",
                         fmt::format("{} is out of range; allowed: {} <= {:g}", v, positive ? "0 < x" : "0 <= x", max));
      out[s].push_back(v);
    }
  }
  if (out[0].size() < 61) throw InputError({file, 0, 0}, "age", "the table must cover ages 0 to at least 60");
  return out;
}

std::array<double, 2> read_by_sex(ConfigTable& t, std::string_view key, Range range, std::array<double, 2> fallback) {
  const auto* n = t.node(key);
  if (!n) return fallback;
  if (auto v = as_number(*n)) {
    if (!range.contains(*v)) t.fail(key, fmt::format("{} is out of range; allowed: {}", *v, range.describe()));
    return {*v, *v};
  }
  auto sub = *t.table(key);
  return {sub.number("male", range), sub.number("female", range)};
}

// The log-rate history of both sexes within fit_years (ages x years each).
struct MortalityHistory {
  std::string file;
  std::vector<int> years;
  double period = 5;
  std::array<Eigen::MatrixXd, 2> log_m;
};

MortalityHistory read_history(ConfigTable& mt, int omega) {
  MortalityHistory h;
  h.file = mt.file_path("history", mt.string("history"));
  const auto years = mt.numbers("fit_years", Range::between(1800, 2500));
  if (years.size() != 2 || years[0] >= years[1]) mt.fail("fit_years", "expected [first, last] with first < last");
  h.period = mt.number("period_length", Range::above(0), 5.0);
  const auto& file = h.file;
  const auto csv = CsvTable::read(file);
  const auto cy = csv.column("year"), cs = csv.column("sex"), ca = csv.column("age"), cm = csv.column("mx");
  std::array<std::map<int, std::vector<double>>, 2> cols;
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    const int y = csv.whole(r, cy, 1000, 3000);
    if (y < years[0] || y > years[1]) continue;
    const auto& sx = csv.text(r, cs);
    if (sx != "male" && sx != "female")
      throw InputError({file, csv.line(r), 0}, "sex", fmt::format("\"{}\" is not allowed; allowed: male, female", sx));
    const int s = sx == "male" ? 0 : 1;
    const int age = csv.whole(r, ca, 0, 1000);
    const double mx = csv.number(r, cm);
    if (!(mx > 0)) throw InputError({file, csv.line(r), 0}, "mx", fmt::format("{} is out of range; allowed: mx > 0", mx));
    auto& col = cols[s][y];
    if (age != static_cast<int>(col.size()))
      throw InputError({file, csv.line(r), 0}, "age", "ages of each year and sex must run 0, 1, 2, ... in order");
    col.push_back(std::log(mx));
  }
  for (int s = 0; s < 2; ++s) {
    if (cols[s].size() < 2) mt.fail("fit_years", fmt::format("fewer than two history years of {} rates in that range", s ? "female" : "male"));
    h.log_m[s].resize(omega + 1, static_cast<Eigen::Index>(cols[s].size()));
    std::vector<int> ys;
    Eigen::Index j = 0;
    for (const auto& [y, v] : cols[s]) {
      if (static_cast<int>(v.size()) != omega + 1)
        throw InputError({file, 0, 0}, "age", fmt::format("year {} has ages 0..{}, the base population 0..{}", y, v.size() - 1, omega));
      for (int a = 0; a <= omega; ++a) h.log_m[s](a, j) = v[static_cast<std::size_t>(a)];
      ys.push_back(y);
      ++j;
    }
    if (s == 0) h.years = ys;
    else if (ys != h.years) mt.fail("history", fmt::format("{}: the men's and women's rates cover different years", file));
  }
  return h;
}

double correlation(const Eigen::VectorXd& a, const Eigen::VectorXd& b) {
  const Eigen::ArrayXd x = a.array() - a.mean(), y = b.array() - b.mean();
  const double sxx = x.square().sum(), syy = y.square().sum();
  return sxx > 0 && syy > 0 ? (x * y).sum() / std::sqrt(sxx * syy) : 0.0;
}

// Li-Lee (docs/model.md D2.10): the fit on the period history; K's drift and
// sigma from annual indices pinned to annual e0 when `annual_e0` is given;
// the deviations' AR(1) annualised; every fitted value can be overridden.
void read_li_lee(ConfigTable& mt, ModelParams& m, const MortalityHistory& h) {
  auto& p = m.demography;
  p.mortality = MortalityModel::li_lee;
  LiLeeFit fit;
  try {
    fit = fit_li_lee(h.log_m, h.years, h.period);
  } catch (const std::invalid_argument& e) {
    mt.fail("history", fmt::format("{}: {}", h.file, e.what()));
  }
  p.ll_B.assign(fit.B.data(), fit.B.data() + fit.B.size());
  for (int x = 0; x < 2; ++x) p.ll_b[x].assign(fit.b[x].data(), fit.b[x].data() + fit.b[x].size());
  double drift = fit.drift, sigma = fit.sigma;
  int n_diffs = fit.n_diffs;
  if (mt.has("annual_e0")) {
    auto ae = *mt.table("annual_e0");
    const auto file = ae.file_path("file", ae.string("file"));
    const auto male_col = ae.string("male", {}, "e0_male"), female_col = ae.string("female", {}, "e0_female");
    const auto span = ae.numbers("years", Range::between(1800, 2500));
    if (span.size() != 2 || span[0] >= span[1] - 1) ae.fail("years", "expected [first, last] with at least three years");
    const auto csv = CsvTable::read(file);
    const auto cy = csv.column("year"), cm = csv.column(male_col), cf = csv.column(female_col);
    std::map<int, double> pinned;
    for (std::size_t r = 0; r < csv.rows(); ++r) {
      const int y = csv.whole(r, cy, 1000, 3000);
      if (y < span[0] || y > span[1]) continue;
      const double e_m = csv.number(r, cm), e_f = csv.number(r, cf);
      if (!(e_m > 0 && e_m < 150 && e_f > 0 && e_f < 150))
        throw InputError({file, csv.line(r), 0}, e_m > 0 && e_m < 150 ? female_col : male_col, "e0 must be in (0, 150)");
      try {
        pinned[y] = pin_common_index(fit.alpha, fit.B, 0.5 * (e_m + e_f));
      } catch (const std::invalid_argument& e) {
        throw InputError({file, csv.line(r), 0}, male_col, e.what());
      }
    }
    for (int y = static_cast<int>(span[0]); y <= static_cast<int>(span[1]); ++y)
      if (!pinned.count(y)) ae.fail("years", fmt::format("{} has no row for {} (the years must be consecutive)", file, y));
    Eigen::VectorXd diffs(static_cast<Eigen::Index>(pinned.size() - 1));
    Eigen::Index i = 0;
    for (auto it = std::next(pinned.begin()); it != pinned.end(); ++it, ++i) diffs(i) = it->second - std::prev(it)->second;
    drift = diffs.mean();
    sigma = std::sqrt((diffs.array() - drift).square().sum() / static_cast<double>(diffs.size() - 1));
    n_diffs = static_cast<int>(diffs.size());
  }
  p.ll_drift = mt.number("drift", Range::between(-1000, 1000), drift);
  p.ll_sigma = mt.number("sigma", Range::between(0, 1000), sigma);
  // The drift's sampling error, for fit-mortality; its uncertainty in the
  // projection is [uncertainty] mortality_drift (read_uncertainty).
  p.ll_drift_sampling_sd = p.ll_sigma / std::sqrt(static_cast<double>(n_diffs));

  const bool given = mt.has("persistence");
  const auto persistence = read_by_sex(mt, "persistence", {0, 1, false, true}, {-1, -1});
  std::array<Eigen::VectorXd, 2> residuals;
  for (int x = 0; x < 2; ++x) {
    double phi = persistence[x];
    if (!given) {
      if (!(fit.persistence[x] > 0 && fit.persistence[x] < 1))
        mt.fail("persistence",
                fmt::format("the {} deviation from the common trend is not mean-reverting over fit_years (persistence "
                            "{:.4g} per {:g}-year period); coherent projection needs 0 <= persistence < 1: give "
                            "persistence (annual) for both sexes",
                            x == kMale ? "men's" : "women's", fit.persistence[x], h.period));
      phi = annual_persistence(fit.persistence[x], h.period);
    }
    p.ll_persistence[x] = phi;
    residuals[x] = ar1_residuals(fit.k[x], std::pow(phi, h.period));
    const double sd_h = std::sqrt(residuals[x].squaredNorm() / static_cast<double>(std::max<Eigen::Index>(1, residuals[x].size() - 1)));
    p.ll_deviation_sigma[x] = annual_sigma(sd_h, phi, h.period);
    p.ll_deviation_start[x] = fit.k[x](fit.k[x].size() - 1);
  }
  p.ll_deviation_sigma = read_by_sex(mt, "deviation_sigma", Range::between(0, 1000), p.ll_deviation_sigma);
  p.ll_deviation_rho = mt.number("deviation_correlation", Range::between(-1, 1), correlation(residuals[0], residuals[1]));
}

void read_mortality(ConfigTable& d, ModelParams& m, int omega) {
  auto& p = m.demography;
  auto mt = *d.table("mortality", true);
  const auto model = mt.string("model", {"lee_carter", "li_lee", "improvement"});
  p.jump_off_mx = read_age_sex(mt.file_path("jump_off", mt.string("jump_off")), true, 10.0);
  if (static_cast<int>(p.jump_off_mx[0].size()) != omega + 1)
    mt.fail("jump_off", fmt::format("the table has ages 0..{}, the base population 0..{}", p.jump_off_mx[0].size() - 1, omega));
  p.jump_off_year = static_cast<int>(mt.integer("jump_off_year", 1900, m.start_year - 1, m.start_year - 1));
  if (model == "improvement") {
    p.mortality = MortalityModel::improvement;
    // A number, { male = , female = }, or { file = "x.csv" } with age,male,female rates by age.
    const auto* node = mt.node("improvement");
    if (node && node->is_table() && node->as_table()->contains("file")) {
      auto t = *mt.table("improvement");
      const auto file = t.file_path("file", t.string("file"));
      const auto csv = CsvTable::read(file);
      const auto ca = csv.column("age"), cm = csv.column("male"), cf = csv.column("female");
      for (int s = 0; s < 2; ++s) p.improvement[s].assign(static_cast<std::size_t>(omega + 1), 0.0);
      for (std::size_t r = 0; r < csv.rows(); ++r) {
        const int a = csv.whole(r, ca, 0, 1000);
        if (a < 0 || a > omega) throw InputError({file, csv.line(r), 0}, "age", fmt::format("age {} is outside 0..{}", a, omega));
        for (int s = 0; s < 2; ++s) {
          const double v = csv.number(r, s == 0 ? cm : cf);
          if (!(v >= -0.1 && v <= 0.1))
            throw InputError({file, csv.line(r), 0}, s == 0 ? "male" : "female", fmt::format("{} is out of range; allowed: -0.1 <= x <= 0.1", v));
          p.improvement[s][static_cast<std::size_t>(a)] = v;
        }
      }
    } else {
      const auto imp = read_by_sex(mt, "improvement", Range::between(-0.1, 0.1), {0.0, 0.0});
      for (int s = 0; s < 2; ++s) p.improvement[s].assign(static_cast<std::size_t>(omega + 1), imp[s]);
    }
    return;
  }
  const auto history = read_history(mt, omega);
  if (model == "li_lee") {
    read_li_lee(mt, m, history);
    return;
  }
  p.mortality = MortalityModel::lee_carter;
  std::array<LeeCarterFit, 2> fit;
  for (int s = 0; s < 2; ++s) {
    try {
      fit[s] = fit_lee_carter(history.log_m[s], history.years, history.period);
    } catch (const std::invalid_argument& e) {
      mt.fail("history", fmt::format("{}: {}", history.file, e.what()));
    }
    p.lc_beta[s].assign(fit[s].beta.data(), fit[s].beta.data() + fit[s].beta.size());
    p.lc_drift[s] = fit[s].drift;
    p.lc_sigma[s] = fit[s].sigma;
  }
  p.lc_rho = kappa_correlation(fit[0], fit[1]);
  p.lc_drift = read_by_sex(mt, "drift", Range::between(-100, 100), p.lc_drift);
  p.lc_sigma = read_by_sex(mt, "sigma", Range::between(0, 100), p.lc_sigma);
  p.lc_rho = mt.number("correlation", Range::between(-1, 1), p.lc_rho);
}

void read_fertility(ConfigTable& d, ModelParams& m) {
  auto& p = m.demography;
  auto ft = *d.table("fertility", true);
  p.target_tfr = read_time_path(ft, "target_tfr", Range::between(0.05, 10), Interpolation::linear);
  p.initial_tfr = ft.number("initial_tfr", Range::between(0.05, 10), p.target_tfr.at(m.start_year - 1));
  p.tfr_persistence = ft.number("persistence", {0, 1, false, true}, 0.0);
  p.tfr_volatility = ft.number("volatility", Range::between(0, 2), 0.0);
  p.sex_ratio_at_birth = read_time_path(ft, "sex_ratio_at_birth", Range::between(0.8, 1.5), Interpolation::linear);

  auto pat = *ft.table("age_pattern", true);
  const auto format = pat.string("format", {"five_year", "single_age"});
  const auto file = pat.file_path("file", pat.string("file"));
  const auto csv = CsvTable::read(file);
  const auto n_ages = static_cast<std::size_t>(p.omega + 1);
  const int first = m.start_year - 1;
  if (format == "single_age") {
    const auto ca = csv.column("age");
    const auto cp = csv.column(pat.string("column", {}, "proportion"));
    std::vector<double> h(n_ages, 0.0);
    double sum = 0;
    for (std::size_t r = 0; r < csv.rows(); ++r) {
      const int a = csv.whole(r, ca, 0, 1000);
      const double v = csv.number(r, cp);
      if (a < 15 || a > 49) throw InputError({file, csv.line(r), 0}, "age", "fertility ages are 15 to 49");
      if (!(v >= 0)) throw InputError({file, csv.line(r), 0}, "proportion", "shares must be >= 0");
      h[static_cast<std::size_t>(a)] = v;
      sum += v;
    }
    if (std::abs(sum - 1) > 1e-6) pat.fail("file", fmt::format("{}: the shares sum to {}, not 1", file, sum));
    p.fertility_pattern.assign(static_cast<std::size_t>(m.end_year - first + 1), h);
    return;
  }
  // Five-year groups by year (WPP's pasfr, percent), 15-19 .. 45-49 kept and
  // renormalised, split to single ages; a year without data uses the first
  // data year after it, or the last data year.
  const auto cy = csv.column("year"), cg = csv.column("age_group"), cp = csv.column(pat.string("column", {}, "pasfr_percent"));
  std::map<int, std::vector<double>> groups;
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    const int y = csv.whole(r, cy, 1000, 3000);
    const auto& g = csv.text(r, cg);
    int lo = 0;  // "15-19" -> 15; anything else is skipped below
    std::from_chars(g.data(), g.data() + g.size(), lo);
    if (lo < 15 || lo > 45) continue;
    auto& v = groups[y];
    v.resize(7, 0.0);
    v[static_cast<std::size_t>((lo - 15) / 5)] = csv.number(r, cp);
  }
  if (groups.empty()) pat.fail("file", fmt::format("{}: no rows with age groups 15-19 to 45-49", file));
  for (int y = first; y <= m.end_year; ++y) {
    auto it = groups.lower_bound(y);
    if (it == groups.end()) it = std::prev(groups.end());
    const auto single = split_five_year_shares(it->second);
    std::vector<double> h(n_ages, 0.0);
    for (std::size_t a = 0; a < single.size() && 15 + a < n_ages; ++a) h[15 + a] = single[a];
    p.fertility_pattern.push_back(h);
  }
}

void read_migration(ConfigTable& d, ModelParams& m) {
  auto& p = m.demography;
  auto mt = *d.table("migration", true);
  p.net_migration = read_time_path(mt, "total", Range::between(-1e9, 1e9), Interpolation::linear);
  if (mt.has("uncertainty")) {
    // A central band [lower, upper] of probability `probability` in each year
    // gives the year's sd: (upper - lower) / (2 z), z the normal quantile of (1 + probability) / 2.
    auto u = *mt.table("uncertainty");
    const double prob = u.number("probability", {0, 1, true, true}, 0.95);
    const double z = stats::normal_quantile(0.5 * (1 + prob));
    const auto lower = read_time_path(u, "lower", Range::between(-1e9, 1e9), Interpolation::linear);
    const auto upper = read_time_path(u, "upper", Range::between(-1e9, 1e9), Interpolation::linear);
    std::vector<std::pair<int, double>> sd;
    for (int y = m.start_year; y <= m.end_year; ++y) {
      const double width = upper.at(y) - lower.at(y);
      if (!(width >= 0))
        u.fail("upper", fmt::format("the band's upper end ({:.6g}) is below its lower end ({:.6g}) in {}", upper.at(y), lower.at(y), y));
      sd.emplace_back(y, width / (2 * z));
    }
    p.migration_sd = TimePath(std::move(sd), Interpolation::linear);
    p.migration_persistence = u.number("persistence", {0, 1, false, true}, 0.0);
    p.migration_stochastic = true;
  }
  auto prof = *mt.table("profile", true);
  const auto file = prof.file_path("file", prof.string("file"));
  const int year = static_cast<int>(prof.integer("year", 1900, 2500));
  const auto csv = CsvTable::read(file);
  const auto cy = csv.column("year"), ca = csv.column("age"), cm = csv.column("male"), cf = csv.column("female");
  for (int s = 0; s < 2; ++s) p.migration_profile[s].assign(static_cast<std::size_t>(p.omega + 1), 0.0);
  double sum = 0;
  for (std::size_t r = 0; r < csv.rows(); ++r) {
    if (csv.whole(r, cy, 1000, 3000) != year) continue;
    const int a = csv.whole(r, ca, 0, 1000);
    if (a < 0 || a > p.omega) throw InputError({file, csv.line(r), 0}, "age", fmt::format("age {} is outside 0..{}", a, p.omega));
    p.migration_profile[0][static_cast<std::size_t>(a)] = csv.number(r, cm);
    p.migration_profile[1][static_cast<std::size_t>(a)] = csv.number(r, cf);
    sum += csv.number(r, cm) + csv.number(r, cf);
  }
  if (sum == 0) prof.fail("year", fmt::format("{} has no non-zero rows for year {}", file, year));
  for (int s = 0; s < 2; ++s)
    for (auto& v : p.migration_profile[s]) v /= sum;
}

}  // namespace

void read_demography(ConfigTable& top, ModelParams& m) {
  auto d = *top.table("demography", true);
  auto& p = m.demography;
  auto base = *d.table("base_population", true);
  // At most 1e10 people of one age and sex: more than the world has.
  p.base_population = read_age_sex(base.file_path("file", base.string("file")), false, 1e10);
  p.omega = static_cast<int>(p.base_population[0].size()) - 1;
  if (d.has("open_age") && d.integer("open_age", 60, 130) != p.omega)
    d.fail("open_age", fmt::format("the base population's last age (the open group) is {}", p.omega));
  std::string date;
  if (const auto* n = base.node("date"); n && n->is_date()) {
    const auto dt = n->as_date()->get();
    date = fmt::format("{:04}-{:02}-{:02}", dt.year, dt.month, dt.day);
  } else {
    date = base.string("date");
  }
  const std::string mid = fmt::format("{}-07-01", m.start_year - 1), jan = fmt::format("{}-01-01", m.start_year);
  if (date == mid) p.base_is_mid_year = true;
  else if (date == jan) p.base_is_mid_year = false;
  else base.fail("date", fmt::format("\"{}\" is not supported; allowed: \"{}\" (advanced half a year) or \"{}\"", date, mid, jan));
  read_mortality(d, m, p.omega);
  read_fertility(d, m);
  read_migration(d, m);
}

}  // namespace pfsim
