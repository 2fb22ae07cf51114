#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "io/config_sections.h"
#include "io/csv.h"

namespace pfsim {

namespace {
constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2500;

TimePath points_path(ConfigTable& t, std::string_view key, const toml::array& a, Range values,
                     Interpolation how) {
  std::vector<std::pair<int, double>> pts;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto& item = *a.get(i);
    const auto* pair = item.as_array();
    const std::string where = fmt::format("{}[{}]", t.key_path(key), i);
    if (!pair || pair->size() != 2)
      throw InputError(location_of(item), where, "expected a [year, value] pair");
    const auto* y = pair->get(0)->as_integer();
    const auto v = as_number(*pair->get(1));
    if (!y) throw InputError(location_of(item), where, "the year must be an integer");
    if (!v) throw InputError(location_of(item), where, "the value must be a number");
    const auto year = y->get();
    if (year < kMinYear || year > kMaxYear)
      throw InputError(location_of(item), where, fmt::format("year {} is out of range; allowed: {} to {}", year, kMinYear, kMaxYear));
    if (!pts.empty() && year <= pts.back().first)
      throw InputError(location_of(item), where, fmt::format("years must increase strictly ({} follows {})", year, pts.back().first));
    if (!values.contains(*v))
      throw InputError(location_of(item), where, fmt::format("{} is out of range; allowed: {}", *v, values.describe()));
    pts.emplace_back(static_cast<int>(year), *v);
  }
  if (pts.empty()) t.fail(key, "a path needs at least one [year, value] point");
  return TimePath(std::move(pts), how);
}
}  // namespace

TimePath read_time_path(ConfigTable& t, std::string_view key, Range values, Interpolation default_how,
                        std::optional<TimePath> fallback) {
  const auto* n = t.node(key);
  if (!n) {
    if (fallback) return *fallback;
    throw InputError(t.where(), t.key_path(key),
                     "required value is missing (a number, or a path [[year, value], ...])");
  }
  if (auto v = as_number(*n)) {
    if (!values.contains(*v)) t.fail(key, fmt::format("{} is out of range; allowed: {}", *v, values.describe()));
    return TimePath(*v);
  }
  if (const auto* a = n->as_array()) return points_path(t, key, *a, values, default_how);
  if (n->is_table()) {
    auto sub = *t.table(key);
    const auto how_s = sub.string("interpolation", {"linear", "step"},
                                  default_how == Interpolation::step ? "step" : "linear");
    const auto how = how_s == "step" ? Interpolation::step : Interpolation::linear;
    if (sub.has("points")) {
      if (sub.has("file")) sub.fail("file", "give either points or file, not both");
      const auto* a = sub.node("points")->as_array();
      if (!a) sub.fail("points", "expected an array of [year, value] pairs");
      return points_path(sub, "points", *a, values, how);
    }
    const auto file = sub.file_path("file", sub.string("file"));
    const auto column = sub.string("column");
    const auto year_col = sub.string("year_column", {}, "year");
    const double scale = sub.number("scale", Range::any(), 1.0);
    // Data packs leave a cell empty where a value does not apply (for
    // example no uncertainty band in estimate years); skip_empty skips such rows.
    const bool skip_empty = sub.boolean("skip_empty", false);
    const auto csv = CsvTable::read(file);
    const auto yc = csv.column(year_col);
    const auto vc = csv.column(column);
    std::vector<std::pair<int, double>> pts;
    for (std::size_t r = 0; r < csv.rows(); ++r) {
      if (skip_empty && csv.text(r, vc).empty()) continue;
      const int y = csv.whole(r, yc, kMinYear, kMaxYear);
      const double v = csv.number(r, vc) * scale;
      if (!pts.empty() && y <= pts.back().first)
        throw InputError({file, csv.line(r), 0}, column, "years must increase strictly");
      if (!values.contains(v))
        throw InputError({file, csv.line(r), 0}, column, fmt::format("{} is out of range; allowed: {}", v, values.describe()));
      pts.emplace_back(y, v);
    }
    if (pts.empty()) throw InputError({file, 0, 0}, column, skip_empty ? "the file has no rows with a value" : "the file has no rows");
    return TimePath(std::move(pts), how);
  }
  t.fail(key, fmt::format("expected a number, a path [[year, value], ...] or a table, found {}", type_name(*n)));
}

void read_run(ConfigTable& top, RunConfig& cfg) {
  auto run = top.table("run", true);
  auto& r = cfg.run;
  r.name = run->string("name", {}, "pfsim");
  // The name becomes results/<name>.h5: a plain file name, never a path.
  const bool plain = std::all_of(r.name.begin(), r.name.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x80 || std::isalnum(u) || c == '.' || c == '_' || c == '-';
  });
  if (!plain || r.name.empty() || r.name.size() > 200 || r.name == "." || r.name == ".." || r.name.front() == '-')
    run->fail("name", fmt::format("'{}' is not a plain file name; allowed: 1-200 bytes of letters (any script), digits, '.', '_' and '-', "
                                  "not starting with '-' and not '.' or '..' (use output.file or -o for a path)",
                                  excerpt(r.name, 60)));
  r.currency = run->string("currency", {}, "CNY");
  cfg.model.start_year = static_cast<int>(run->integer("start_year", kMinYear, kMaxYear));
  cfg.model.end_year = static_cast<int>(run->integer("end_year", cfg.model.start_year, cfg.model.start_year + 300));
  r.paths = static_cast<std::uint64_t>(run->integer("paths", 1, 1'000'000'000, 1000));
  if (run->has("seed")) {
    r.seed = static_cast<std::uint64_t>(run->integer("seed", 0, std::numeric_limits<long long>::max()));
    r.seed_is_default = false;
  }
  r.quantiles = run->numbers("quantiles", Range::between(0, 1), r.quantiles);
  if (r.quantiles.empty()) run->fail("quantiles", "at least one probability is required");
  if (!std::is_sorted(r.quantiles.begin(), r.quantiles.end()) ||
      std::adjacent_find(r.quantiles.begin(), r.quantiles.end()) != r.quantiles.end())
    run->fail("quantiles", "probabilities must increase strictly");
  for (double needed : {0.05, 0.5, 0.95})
    if (std::find(r.quantiles.begin(), r.quantiles.end(), needed) == r.quantiles.end())
      run->fail("quantiles", fmt::format("must include {} (the summary's median and 5-95% band)", needed));
  r.confidence = run->number("confidence", {0, 1, true, true}, 0.95);
  r.block_size = static_cast<std::uint64_t>(run->integer("block_size", 1, 1'000'000, 64));
  const auto horizons = run->numbers("return_horizons", Range::at_least(1), std::vector<double>{1, 5, 10, 20});
  cfg.model.return_horizons.clear();
  for (double h : horizons) {
    if (h != std::floor(h)) run->fail("return_horizons", "horizons are whole years");
    if (!cfg.model.return_horizons.empty() && h <= cfg.model.return_horizons.back())
      run->fail("return_horizons", "horizons must increase strictly");
    if (h >= cfg.model.years())
      run->fail("return_horizons", fmt::format("{} is not shorter than the projection ({} years), which is always reported", h, cfg.model.years()));
    cfg.model.return_horizons.push_back(static_cast<int>(h));
  }
  cfg.model.risk_levels = run->numbers("risk_levels", {0, 1, true, true}, std::vector<double>{0.01, 0.05});
  if (run->has("discount_rate")) {
    cfg.model.discount_rate = run->number("discount_rate", {-0.5, 1, true, false});
    cfg.model.discount_at_fund_return = false;
  }
  if (const auto* n = run->node("memory_limit")) {
    const auto* text = n->as_string();
    if (!text)
      run->fail("memory_limit", fmt::format("expected a string such as \"4GB\", \"auto\" or \"unlimited\", found {}", type_name(*n)));
    std::string error;
    if (!parse_memory_size(text->get(), r.memory_limit, error)) run->fail("memory_limit", error);
  }
  if (run->has("spill_dir")) {
    r.spill_dir = run->string("spill_dir");
    if (r.spill_dir.empty()) run->fail("spill_dir", "expected a directory name (omit the key for the default)");
    r.spill_dir_origin = run->where("spill_dir");
  }
  const auto years = run->numbers("summary_years", Range::between(cfg.model.start_year, cfg.model.end_year), std::vector<double>{});
  for (double y : years) {
    if (y != std::floor(y)) run->fail("summary_years", fmt::format("{} is not a whole year", y));
    r.summary_years.push_back(static_cast<int>(y));
  }
}

bool parse_memory_size(const std::string& text, std::uint64_t& bytes, std::string& error) {
  const std::string allowed = "allowed: \"auto\", \"unlimited\" or a size with a unit (B, kB, MB, GB, TB, KiB, MiB, GiB, TiB), e.g. \"4GB\" or \"512 MiB\"";
  if (text == "auto") {
    bytes = 0;
    return true;
  }
  if (text == "unlimited") {
    bytes = kMemoryUnlimited;
    return true;
  }
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  std::string unit = text.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  static const std::vector<std::pair<std::string, double>> units{
      {"B", 1.0},        {"kB", 1e3},           {"KB", 1e3},          {"MB", 1e6},          {"GB", 1e9},
      {"TB", 1e12},      {"KiB", 1024.0},       {"MiB", 1048576.0},   {"GiB", 1073741824.0}, {"TiB", 1099511627776.0}};
  const auto u = std::find_if(units.begin(), units.end(), [&](const auto& p) { return p.first == unit; });
  if (used == 0 || u == units.end() || !std::isfinite(value)) {
    error = fmt::format("'{}' is not a memory size; {}", text, allowed);
    return false;
  }
  const double b = std::floor(value * u->second);
  if (!(b >= 1) || b >= 1.8e19) {
    error = fmt::format("'{}' is out of range; {} (at least 1 B)", text, allowed);
    return false;
  }
  bytes = static_cast<std::uint64_t>(b);
  return true;
}

void read_output(ConfigTable& top, RunConfig& cfg) {
  auto out = top.table("output");
  if (!out) return;
  if (out->has("file")) cfg.run.output_file = out->string("file");
  cfg.run.full_paths = out->strings("paths", std::vector<std::string>{});
  const auto pyramids = out->numbers("pyramid_years", Range::between(cfg.model.start_year, cfg.model.end_year), std::vector<double>{});
  for (double y : pyramids) {
    if (y != std::floor(y)) out->fail("pyramid_years", "years are whole numbers");
    if (!cfg.model.pyramid_years.empty() && static_cast<int>(y) <= cfg.model.pyramid_years.back())
      out->fail("pyramid_years", "years must increase strictly");
    cfg.model.pyramid_years.push_back(static_cast<int>(y));
  }
}

}  // namespace pfsim
