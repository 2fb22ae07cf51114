#include "io/results_writer.h"

#include <chrono>
#include <set>
#include <cstdio>
#include <ctime>
#include <filesystem>

#include <fmt/format.h>

#include "core/error.h"
#include "io/config_table.h"
#include "io/hdf5_file.h"
#include "io/results_format.h"
#include "models/units.h"
#include "pfsim/version.h"

namespace pfsim {


void check_output_paths(const RunConfig& cfg, const PensionModel& model) {
  std::set<std::string> names;
  for (const auto& m : model.year_metrics()) names.insert(m.name);
  for (const auto& name : cfg.run.full_paths)
    if (!names.count(name))
      throw InputError({cfg.source, 0, 0}, "output.paths",
                       fmt::format("'{}' is not a year metric; did you mean '{}'? (see docs/results-format.md)", name,
                                   nearest_key(name, names)));
  // The text attributes of a file's root (the resolved config, the
  // overrides, names) share one HDF5 object header of at most 64 KiB.
  std::size_t text = cfg.resolved.size() + cfg.source.size() + cfg.run.name.size() + cfg.run.currency.size();
  for (const auto& o : cfg.overrides) text += o.size() + 1;
  for (const auto& sc : cfg.scenarios) text += sc.name.size() + 1;
  if (text > kMaxRecordedText)
    throw InputError({cfg.source, 0, 0}, "",
                     fmt::format("the config as resolved (includes and --set applied) comes to {} bytes of text; a results "
                                 "file records it in HDF5 attributes that hold at most {} bytes: move long series into "
                                 "CSV data files", text, kMaxRecordedText));
}

namespace {

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void write_distribution(hid_t g, const Distribution& d, const std::vector<double>& central) {
  const hsize_t p = d.probabilities.size(), c = d.columns;
  const bool scalar = c == 1;
  auto dims = [&](bool per_prob) -> std::vector<hsize_t> {
    if (scalar) return per_prob ? std::vector<hsize_t>{p} : std::vector<hsize_t>{1};
    return per_prob ? std::vector<hsize_t>{p, c} : std::vector<hsize_t>{c};
  };
  h5::write(g, "mean", d.mean, dims(false));
  h5::write(g, "sd", d.sd, dims(false));
  h5::write(g, "se", d.se, dims(false));
  h5::write(g, "finite_count", d.finite, dims(false));
  h5::write(g, "quantiles", d.quantile, dims(true));
  {
    auto ds = h5::Handle(H5Dopen2(g, "quantiles", H5P_DEFAULT), H5Dclose);
    h5::attr(ds, "probabilities", d.probabilities);
  }
  h5::write(g, "quantiles_lower", d.lower, dims(true));
  h5::write(g, "quantiles_upper", d.upper, dims(true));
  h5::write(g, "central", central, dims(false));
  h5::attr(g, "probabilities", d.probabilities);
}

void write_probability(hid_t g, const std::string& name, const ProbabilityCurve& c) {
  h5::write(g, name, c.probability);
  h5::write(g, name + "_lower", c.lower);
  h5::write(g, name + "_upper", c.upper);
  h5::write(g, name + "_count", c.count);
}

void write_tail(hid_t g, const std::string& name, const std::vector<stats::TailRisk>& v) {
  std::vector<double> var, es, se;
  for (const auto& t : v) {
    var.push_back(t.value_at_risk);
    es.push_back(t.expected_shortfall);
    se.push_back(t.expected_shortfall_se);
  }
  h5::write(g, name + "_var", var);
  h5::write(g, name + "_es", es);
  h5::write(g, name + "_es_se", se);
}

}  // namespace

FullPathColumns full_path_columns(const PathSample& sample) {
  return [&sample](std::size_t metric, std::vector<float>& scratch) {
    const auto years = static_cast<std::size_t>(sample.years());
    return sample.year_columns(metric * years, years, scratch);
  };
}

void write_run_contents(hid_t g_root, const RunConfig& cfg, const PensionModel& model, const FullPathColumns& full,
                        const RunSummary& s, int threads) {
  const auto& m = model.params();
  auto metrics = h5::create_group(g_root, format::kMetrics);
  const auto& specs = model.year_metrics();
  const int Y = model.years();
  for (std::size_t i = 0; i < specs.size(); ++i) {
    auto g = h5::create_group(metrics, specs[i].name);
    std::vector<double> central(static_cast<std::size_t>(Y));
    for (int t = 0; t < Y; ++t) central[static_cast<std::size_t>(t)] = s.central.at(i, t);
    write_distribution(g, s.year[i], central);
    h5::attr(g, "unit", units::label(specs[i].unit, cfg.run.currency, m.start_year));
    h5::attr(g, "description", specs[i].description);
  }
  auto scalars = h5::create_group(g_root, format::kScalars);
  const auto& sspecs = model.scalar_metrics();
  for (std::size_t i = 0; i < sspecs.size(); ++i) {
    if (model.is_pyramid_cell(i)) continue;  // written by sex and age under /demography/pyramids
    auto g = h5::create_group(scalars, sspecs[i].name);
    write_distribution(g, s.scalar[i], {s.central.scalars[i]});
    h5::attr(g, "unit", units::label(sspecs[i].unit, cfg.run.currency, m.start_year));
    h5::attr(g, "description", sspecs[i].description);
  }

  if (!model.pyramid_years().empty()) {
    // /demography/pyramids/<year>: mean, central and quantiles by sex and age.
    auto demo = h5::create_group(g_root, format::kDemography);
    auto pyr = h5::create_group(demo, format::kPyramids);
    const auto ages = static_cast<hsize_t>(model.demography().ages());
    const auto np = static_cast<hsize_t>(s.scalar.empty() ? 0 : s.scalar[0].probabilities.size());
    for (std::size_t k = 0; k < model.pyramid_years().size(); ++k) {
      auto g = h5::create_group(pyr, std::to_string(model.pyramid_years()[k]));
      std::vector<double> mean, central, q(np * 2 * ages);
      for (hsize_t c = 0; c < 2 * ages; ++c) {
        const std::size_t i = model.pyramid_begin() + k * 2 * ages + c;
        mean.push_back(s.scalar[i].mean[0]);
        central.push_back(s.central.scalars[i]);
        for (hsize_t p = 0; p < np; ++p) q[p * 2 * ages + c] = s.scalar[i].quantile[p];
      }
      h5::write(g, "mean", mean, {2, ages});
      h5::write(g, "central", central, {2, ages});
      h5::write(g, "quantiles", q, {np, 2, ages});
      h5::attr(g, "probabilities", s.scalar.empty() ? std::vector<double>{} : s.scalar[0].probabilities);
      h5::attr(g, "description", std::string("population at 31 December by sex (0 male, 1 female) and single age (the last the open group), persons"));
    }
  }

  auto risk = h5::create_group(g_root, format::kRisk);
  write_probability(risk, "depletion_probability", s.risk.depletion);
  std::vector<std::int32_t> horizons(s.risk.horizons.begin(), s.risk.horizons.end());
  h5::write(risk, "horizons", horizons);
  h5::write(risk, "return_paths", s.risk.return_paths);
  write_probability(risk, "preservation_probability", s.risk.preservation);
  write_probability(risk, "beats_wage_probability", s.risk.beats_wage);
  write_probability(risk, "beats_crediting_probability", s.risk.beats_crediting);
  h5::write(risk, "levels", s.risk.levels);
  write_tail(risk, "terminal_real_shadow_balance", s.risk.terminal_real_shadow_balance);
  write_tail(risk, "actuarial_balance", s.risk.actuarial_balance);

  auto cal = h5::create_group(g_root, format::kCalibration);
  // With regions: the nation's totals are the regions' sums, and each
  // region's calibration is a vector in the order of m.regions.
  const int regions = model.regions().count();
  SchemeCalibration c;
  std::vector<double> member_level, pensioner_factor, contributors, pensioners;
  for (int r = 0; r < regions; ++r) {
    const auto& rc = model.scheme(r).calibration();
    c.contributors += rc.contributors;
    c.pensioners += rc.pensioners;
    c.account_balances += rc.account_balances;
    c.pensioner_balances += rc.pensioner_balances;
    c.pensioner_account_pension += rc.pensioner_account_pension;
    member_level.push_back(rc.member_level);
    pensioner_factor.push_back(rc.pensioner_factor);
    contributors.push_back(rc.contributors);
    pensioners.push_back(rc.pensioners);
  }
  if (regions == 1) {
    h5::attr(cal, "member_level", member_level.front());
    h5::attr(cal, "pensioner_factor", pensioner_factor.front());
  }
  if (!m.regions.empty()) {
    std::vector<std::string> names;
    for (const auto& region : m.regions) names.push_back(region.name);
    h5::lines_attr(cal, "regions", names);
    h5::attr(cal, "region_member_level", member_level);
    h5::attr(cal, "region_pensioner_factor", pensioner_factor);
    h5::attr(cal, "region_contributors", contributors);
    h5::attr(cal, "region_pensioners", pensioners);
  }
  if (!model.workers().empty()) {
    // The representative workers, their years of retirement and the threshold of replacement_below.
    const auto& w = model.workers();
    std::vector<std::string> names;
    std::vector<double> retire;
    for (std::size_t i = 0; i < w.count(); ++i) {
      names.push_back(w.name(i));
      retire.push_back(w.retirement_year(i));
    }
    h5::lines_attr(cal, "workers", names);
    h5::attr(cal, "worker_retirement_year", retire);
    h5::attr(cal, "workers_threshold", w.threshold());
  }
  if (!model.residents().empty()) {
    // The residents' scheme's calibration (model.md D8.1, D8.3).
    const auto& rc = model.residents().calibration();
    h5::attr(cal, "residents_participation", rc.participation);
    h5::attr(cal, "residents_beneficiary_share", rc.beneficiary_share);
    h5::attr(cal, "residents_participants", rc.participants);
    h5::attr(cal, "residents_beneficiaries", rc.beneficiaries);
    h5::attr(cal, "residents_fund", rc.fund);
    h5::attr(cal, "residents_history_contribution", rc.history_contribution);
  }
  {
    // Each plan's members / the employees' scheme's contributors on 1 January (model.md D9.1).
    const std::pair<AnnuityFundsModel::Plan, const char*> plans[] = {
        {AnnuityFundsModel::enterprise, "enterprise_annuity_member_share"},
        {AnnuityFundsModel::occupational, "occupational_annuity_member_share"},
        {AnnuityFundsModel::private_pension, "private_pension_member_share"}};
    for (const auto& [plan, name] : plans)
      if (model.annuities().has(plan)) h5::attr(cal, name, model.annuities().member_share(plan));
  }
  h5::attr(cal, "contributors", c.contributors);
  h5::attr(cal, "pensioners", c.pensioners);
  h5::attr(cal, "account_balances", c.account_balances);
  h5::attr(cal, "pensioner_balances", c.pensioner_balances);
  h5::attr(cal, "pensioner_account_pension", c.pensioner_account_pension);
  const auto& d = m.demography;
  if (d.mortality == MortalityModel::li_lee) {
    h5::attr(cal, "li_lee_drift", d.ll_drift);
    h5::attr(cal, "li_lee_sigma", d.ll_sigma);
    h5::attr(cal, "li_lee_drift_sd", d.ll_drift_sd);
    h5::attr(cal, "li_lee_persistence", std::vector<double>{d.ll_persistence[0], d.ll_persistence[1]});
    h5::attr(cal, "li_lee_deviation_sigma", std::vector<double>{d.ll_deviation_sigma[0], d.ll_deviation_sigma[1]});
    h5::attr(cal, "li_lee_deviation_rho", d.ll_deviation_rho);
    h5::attr(cal, "li_lee_deviation_start", std::vector<double>{d.ll_deviation_start[0], d.ll_deviation_start[1]});
  } else {
    h5::attr(cal, "lee_carter_drift", std::vector<double>{d.lc_drift[0], d.lc_drift[1]});
    h5::attr(cal, "lee_carter_sigma", std::vector<double>{d.lc_sigma[0], d.lc_sigma[1]});
    h5::attr(cal, "lee_carter_rho", d.lc_rho);
  }

  if (!cfg.run.full_paths.empty()) {
    auto paths = h5::create_group(g_root, format::kPaths);
    for (const auto& name : cfg.run.full_paths) {
      std::size_t idx = specs.size();
      for (std::size_t i = 0; i < specs.size(); ++i)
        if (specs[i].name == name) idx = i;
      const auto n = static_cast<std::size_t>(s.risk.paths);
      const auto years = static_cast<std::size_t>(Y);
      std::vector<float> scratch;  // the metric's columns, when the sample is on disk
      const auto cols = full(idx, scratch);
      if (cols.size() != n * years) throw std::logic_error("write_run_contents: per-path columns of another size");
      h5::write_float_matrix(paths, name, n, years, 4, threads, [&](hsize_t r0, hsize_t count, float* out) {
        for (std::size_t k = 0; k < count; ++k)
          for (std::size_t t = 0; t < years; ++t) out[k * years + t] = cols[t * n + r0 + k];
      });
    }
  }
}

void write_provenance(hid_t root, const RunConfig& cfg) {
  const auto& m = cfg.model;
  h5::attr(root, "pfsim_version", std::string(kVersion));
  h5::attr(root, "git_sha", std::string(kGitSha));
  h5::attr(root, "created_utc", utc_now());
  h5::attr(root, "seed", static_cast<std::int64_t>(cfg.run.seed));
  h5::attr(root, "seed_is_default", static_cast<std::int64_t>(cfg.run.seed_is_default ? 1 : 0));
  h5::attr(root, "name", cfg.run.name);
  h5::attr(root, "currency", cfg.run.currency);
  h5::attr(root, "config_file", cfg.source);
  h5::attr(root, "config", cfg.resolved);
  h5::lines_attr(root, "overrides", cfg.overrides);
  h5::attr(root, "start_year", static_cast<std::int64_t>(m.start_year));
  h5::attr(root, "end_year", static_cast<std::int64_t>(m.end_year));
  h5::attr(root, "confidence", cfg.run.confidence);
}

namespace {
void write_file(const std::string& path, const RunConfig& cfg, const PensionModel& model, const FullPathColumns& full,
                const RunSummary& summary, int threads, const std::function<void(hid_t)>& extra) {
  h5::write_file_atomically(path, [&](hid_t root) {
    const auto& m = model.params();
    h5::attr(root, format::kFormatAttr, std::string(format::kResults));
    h5::attr(root, format::kFormatVersionAttr, static_cast<std::int64_t>(format::kResultsVersion));
    write_provenance(root, cfg);
    h5::attr(root, "n_paths", static_cast<std::int64_t>(summary.risk.paths));  // every process's paths
    h5::attr(root, "first_path", std::int64_t{0});

    std::vector<std::int32_t> years;
    for (int y = m.start_year; y <= m.end_year; ++y) years.push_back(y);
    h5::write(root, format::kYears, years);

    write_run_contents(root, cfg, model, full, summary, threads);
    if (extra) extra(root);
  });
}

}  // namespace

void write_results(const std::string& path, const RunConfig& cfg, const PensionModel& model,
                   const PathSample& sample, const RunSummary& summary, int threads,
                   const std::function<void(hid_t)>& extra) {
  if (sample.first_path() != 0 || sample.paths() != summary.risk.paths)
    throw std::logic_error("write_results: the summary is not of this sample");
  write_file(path, cfg, model, full_path_columns(sample), summary, threads, extra);
}

void write_results(const std::string& path, const RunConfig& cfg, const PensionModel& model,
                   const FullPathColumns& full, const RunSummary& summary, int threads) {
  write_file(path, cfg, model, full, summary, threads, {});
}

}  // namespace pfsim
