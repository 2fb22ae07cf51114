#include "io/study_writer.h"

#include <algorithm>
#include <cstdint>

#include "io/hdf5_file.h"
#include "io/results_format.h"

namespace pfsim {

namespace {

std::string group_name(const std::string& scenario) {
  std::string g = scenario;
  for (char& c : g)
    if (c == '/') c = '|';
  return g;
}

void write_paired(hid_t g, const std::string& name, const PairedSeries& p) {
  auto sub = h5::create_group(g, name);
  h5::write(sub, "mean", p.mean);
  h5::write(sub, "se", p.se);
  h5::write(sub, "se_independent", p.se_independent);
  h5::write(sub, "lower", p.lower);
  h5::write(sub, "upper", p.upper);
}

// /sensitivity: the tornado, one row per assumption or shock group, columns
// low and high (a group has only `low`, switched off; its `high` is NaN).
void write_sensitivity(hid_t root, const RunConfig& cfg, const std::vector<ScenarioResult>& outs) {
  const auto& spec = cfg.sensitivity;
  const auto& ref = outs.front();
  auto find = [&](const std::string& name) -> const ScenarioResult* {
    for (const auto& o : outs)
      if (o.name == name) return &o;
    return nullptr;
  };
  const auto t = static_cast<std::size_t>(spec.year - cfg.model.start_year);
  const auto ab = std::find(kComparedScalars.begin(), kComparedScalars.end(), "actuarial_balance") - kComparedScalars.begin();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> dp, dp_se, dm, dm_se, da, da_se;
  std::vector<std::string> names, kinds, lows, highs;
  for (const auto& item : spec.items) {
    names.push_back(item.name);
    kinds.push_back(item.group ? "group" : "assumption");
    lows.push_back(item.low_text);
    highs.push_back(item.high_text);
    for (const std::string& run : {item.low, item.high}) {
      const ScenarioResult* o = run.empty() ? nullptr : find(run);
      dp.push_back(o ? o->depletion.mean[t] : nan);
      dp_se.push_back(o ? o->depletion.se[t] : nan);
      dm.push_back(o ? o->median_depletion_difference : nan);
      dm_se.push_back(o ? o->median_depletion_difference_se : nan);
      da.push_back(o ? o->scalar_differences[static_cast<std::size_t>(ab)].second.mean[0] : nan);
      da_se.push_back(o ? o->scalar_differences[static_cast<std::size_t>(ab)].second.se[0] : nan);
    }
  }
  auto g = h5::create_group(root, "sensitivity");
  h5::attr(g, "year", static_cast<std::int64_t>(spec.year));
  h5::lines_attr(g, "names", names);
  h5::lines_attr(g, "kinds", kinds);
  h5::lines_attr(g, "low", lows);
  h5::lines_attr(g, "high", highs);
  h5::attr(g, "bootstrap_resamples", static_cast<std::int64_t>(kBootstrapResamples));
  const auto dep = ref.model->scalar_metric("depletion_year");
  h5::attr(g, "reference_depletion_probability", ref.summary.risk.depletion.probability[t]);
  h5::attr(g, "reference_depletion_year_median", ref.summary.scalar[dep].quantile_at(0.5));
  h5::attr(g, "reference_actuarial_balance_mean", ref.summary.scalar[ref.model->scalar_metric("actuarial_balance")].mean);
  const std::vector<hsize_t> shape{names.size(), 2};
  h5::write(g, "depletion_probability_difference", dp, shape);
  h5::write(g, "depletion_probability_difference_se", dp_se, shape);
  h5::write(g, "depletion_year_median_difference", dm, shape);
  h5::write(g, "depletion_year_median_difference_se", dm_se, shape);
  h5::write(g, "actuarial_balance_difference", da, shape);
  h5::write(g, "actuarial_balance_difference_se", da_se, shape);
}

}  // namespace

void write_scenarios(const std::string& output, const RunConfig& cfg, const std::vector<ScenarioResult>& outs,
                     const PathSample& reference_sample, const std::vector<int>& comparison_years, int threads,
                     const std::function<void(hid_t)>& extra) {
  const auto& ref = outs.front();
  write_results(output, *ref.cfg, *ref.model, reference_sample, ref.summary, threads, [&](hid_t root) {
    auto all = h5::create_group(root, format::kScenarios);
    std::string order;
    for (const auto& o : outs) order += (order.empty() ? "" : "\n") + o.name;
    h5::attr(all, "names", order);
    h5::attr(all, "reference", ref.name);
    for (const auto& o : outs) {
      auto g = h5::create_group(all, group_name(o.name));
      h5::attr(g, "name", o.name);
      h5::attr(g, "config", o.cfg->resolved);
      auto cfg_no_paths = *o.cfg;
      cfg_no_paths.run.full_paths.clear();  // full paths are written for the reference only
      write_run_contents(g, cfg_no_paths, *o.model, FullPathColumns{}, o.summary, threads);
      if (&o == &ref) continue;
      auto diff = h5::create_group(g, "difference");
      for (const auto& [name, p] : o.differences) write_paired(diff, name, p);
      write_paired(diff, "depletion_probability", o.depletion);
      auto sdiff = h5::create_group(diff, format::kScalars);
      for (const auto& [name, p] : o.scalar_differences) write_paired(sdiff, name, p);
    }
    // The comparison table: one entry per scenario, in order.
    auto cmp = h5::create_group(root, format::kComparison);
    h5::attr(cmp, "names", order);
    const std::vector<std::int32_t> years(comparison_years.begin(), comparison_years.end());
    h5::write(cmp, "depletion_years", years);
    std::vector<double> p, lo, hi, dp, dse, dse_ind, med, es;
    for (const auto& o : outs) {
      for (int y : years) {
        const auto t = static_cast<std::size_t>(y - cfg.model.start_year);
        p.push_back(o.summary.risk.depletion.probability[t]);
        lo.push_back(o.summary.risk.depletion.lower[t]);
        hi.push_back(o.summary.risk.depletion.upper[t]);
        dp.push_back(&o == &ref ? 0.0 : o.depletion.mean[t]);
        dse.push_back(&o == &ref ? 0.0 : o.depletion.se[t]);
        dse_ind.push_back(&o == &ref ? 0.0 : o.depletion.se_independent[t]);
      }
      const auto& term = o.summary.year[o.model->year_metric("fund_balance_real")];
      med.push_back(term.quantile_at(0.5, term.columns - 1));
      es.push_back(o.summary.risk.terminal_real_shadow_balance.empty() ? 0.0 : o.summary.risk.terminal_real_shadow_balance.back().expected_shortfall);
    }
    const hsize_t ns = outs.size(), ny = years.size();
    h5::write(cmp, "depletion_probability", p, {ns, ny});
    h5::write(cmp, "depletion_probability_lower", lo, {ns, ny});
    h5::write(cmp, "depletion_probability_upper", hi, {ns, ny});
    h5::write(cmp, "depletion_difference", dp, {ns, ny});
    h5::write(cmp, "depletion_difference_se", dse, {ns, ny});
    h5::write(cmp, "depletion_difference_se_independent", dse_ind, {ns, ny});
    // The depletion year of each scenario, and the paired differences of
    // the compared scalars ([scalar][scenario], 0 for the reference).
    std::vector<double> dmed, d05, d95, sd, sse;
    const auto depletion = ref.model->scalar_metric("depletion_year");
    for (const auto& o : outs) {
      const auto& d = o.summary.scalar[depletion];
      dmed.push_back(d.quantile_at(0.5));
      d05.push_back(d.quantile_at(0.05));
      d95.push_back(d.quantile_at(0.95));
    }
    std::string scalar_names;
    for (std::size_t k = 0; k < kComparedScalars.size(); ++k) {
      scalar_names += (k ? "\n" : "") + kComparedScalars[k];
      for (const auto& o : outs) {
        const bool is_ref = &o == &ref;
        sd.push_back(is_ref ? 0.0 : o.scalar_differences[k].second.mean[0]);
        sse.push_back(is_ref ? 0.0 : o.scalar_differences[k].second.se[0]);
      }
    }
    h5::write(cmp, "depletion_year_median", dmed);
    h5::write(cmp, "depletion_year_p05", d05);
    h5::write(cmp, "depletion_year_p95", d95);
    h5::attr(cmp, "scalar_differences", scalar_names);
    h5::write(cmp, "scalar_difference", sd, {kComparedScalars.size(), ns});
    h5::write(cmp, "scalar_difference_se", sse, {kComparedScalars.size(), ns});
    h5::write(cmp, "median_terminal_real_balance", med);
    h5::write(cmp, "expected_shortfall_terminal_real_shadow_balance", es);
    h5::attr(cmp, "expected_shortfall_level", cfg.model.risk_levels.back());
    if (cfg.sensitivity.enabled) write_sensitivity(root, cfg, outs);
    if (extra) extra(root);
  });
}

void write_goal_seek(const std::string& output, const RunConfig& cfg, const GoalSeekOutcome& out,
                     const std::vector<GoalSeekEvaluation>& evaluations) {
  const auto& g = cfg.goal_seek;
  std::vector<double> lv, val, lo, hi;
  for (const auto& e : evaluations) {
    lv.push_back(e.lever);
    val.push_back(e.value);
    lo.push_back(e.lower);
    hi.push_back(e.upper);
  }
  h5::write_file_atomically(output, [&](hid_t root) {
    h5::attr(root, format::kFormatAttr, std::string(format::kGoalSeek));
    h5::attr(root, format::kFormatVersionAttr, static_cast<std::int64_t>(format::kGoalSeekVersion));
    write_provenance(root, cfg);
    h5::attr(root, "n_paths", static_cast<std::int64_t>(cfg.run.paths));
    h5::attr(root, "lever", g.lever);
    h5::lines_attr(root, "lever_keys", g.levers);
    h5::attr(root, "from_year", static_cast<std::int64_t>(g.from_year));
    h5::attr(root, "target", out.description);
    h5::attr(root, "metric", g.metric);
    h5::attr(root, "year", static_cast<std::int64_t>(g.year));
    h5::attr(root, "statistic", g.statistic);
    h5::attr(root, "quantile", g.quantile);
    h5::attr(root, "threshold", g.threshold);
    h5::attr(root, "at_most", static_cast<std::int64_t>(g.at_most ? 1 : 0));
    h5::attr(root, "holds_above", static_cast<std::int64_t>(out.holds_above ? 1 : 0));
    h5::attr(root, "unit", out.unit);
    h5::attr(root, "value", out.lever);
    h5::attr(root, "value_lower", out.lower);
    h5::attr(root, "value_upper", out.upper);
    h5::write(root, "lever_values", lv);
    h5::write(root, "statistic", val);
    h5::write(root, "statistic_lower", lo);
    h5::write(root, "statistic_upper", hi);
  });
}

}  // namespace pfsim
