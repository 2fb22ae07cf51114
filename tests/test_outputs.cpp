#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>

#include <toml++/toml.h>

#include "io/config.h"
#include "io/hdf5_file.h"
#include "models/risk_report.h"
#include "run/summarize.h"
#include "run/sample_producer.h"
#include "path_support.h"

using namespace pfsim;

namespace {
const std::string kBaseline = PFSIM_SOURCE_DIR "/configs/china_baseline.toml";
std::filesystem::path tmp_dir() {
  const auto d = std::filesystem::path(PFSIM_TEST_TMP) / "outputs";
  std::filesystem::create_directories(d);
  return d;
}
}  // namespace

TEST_CASE("population pyramids add up to the population of their year, path by path and on average") {
  auto cfg = load_config(kBaseline, {"run.paths=50", "output.pyramid_years=[2030, 2060]"});
  const PensionModel m(cfg.model);
  EngineOptions eo;
  const auto sample = simulate_paths(m, 3, 0, 50, eo);
  const int ages = m.demography().ages();
  for (std::size_t k = 0; k < 2; ++k) {
    const int t = (k == 0 ? 2030 : 2060) - 2024;
    for (std::uint64_t p = 0; p < 50; ++p) {
      double sum = 0;
      // The cells are float scalars, after the double scalars.
      const std::size_t j0 = m.pyramid_begin() - sample.double_scalars() + k * 2 * static_cast<std::size_t>(ages);
      for (int c = 0; c < 2 * ages; ++c) sum += sample.float_scalar_column(j0 + static_cast<std::size_t>(c))[p];
      // The population metric and the cells are stored as float: each
      // within 2^-24 (6e-8) relative, so the positive cells' sum too.
      CHECK(sum == Approx(sample.year_column(m.year_metric("population"), t)[p]).epsilon(2.5e-7));
    }
  }
  const auto out = (tmp_dir() / "pyramids.h5").string();
  const auto s = summarize_run(m, sample, cfg, 0);
  write_results(out, cfg, m, sample, s, 2);
  auto f = h5::File::open_read(out);
  std::vector<hsize_t> dims;
  const auto mean = h5::read_doubles(f.id(), "demography/pyramids/2060/mean", &dims);
  REQUIRE(dims == std::vector<hsize_t>{2, static_cast<hsize_t>(ages)});
  double total = 0;
  for (double v : mean) total += v;
  const auto pop = h5::read_doubles(f.id(), "metrics/population/mean");
  CHECK(total == Approx(pop[2060 - 2024]).epsilon(1e-6));
  CHECK_FALSE(h5::exists(f.id(), "scalars/pyramid_2060_male_0"));
}

TEST_CASE("fit-mortality writes a fragment that, included, fixes the fitted Lee-Carter parameters") {
  const auto dir = tmp_dir();
  const std::string config = std::string(PFSIM_SOURCE_DIR) + "/configs/china_two_regime.toml";
  const auto fragment = (dir / "lee_carter.toml").string();
  const std::string cmd = std::string(PFSIM_BINARY) + " fit-mortality " + config + " -o " + fragment + " > " +
                          (dir / "fit.out").string() + " 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto base = load_config(config);
  REQUIRE(base.model.demography.mortality == MortalityModel::lee_carter);
  // A config that includes the original and then the fragment, with a changed history window
  // that would otherwise give other values: the fragment's values win.
  const auto cfg_path = (dir / "with_fragment.toml").string();
  std::ofstream(cfg_path) << "include = [\"" << config << "\", \"" << fragment << "\"]\n"
                          << "[demography.mortality]\nfit_years = [1988, 2023]\n";
  const auto cfg = load_config(cfg_path);
  for (int s = 0; s < 2; ++s) {
    CHECK(cfg.model.demography.lc_drift[s] == base.model.demography.lc_drift[s]);
    CHECK(cfg.model.demography.lc_sigma[s] == base.model.demography.lc_sigma[s]);
  }
  CHECK(cfg.model.demography.lc_rho == base.model.demography.lc_rho);
  const auto refit = load_config(config, {"demography.mortality.fit_years=[1988, 2023]"});
  CHECK(refit.model.demography.lc_drift[0] != base.model.demography.lc_drift[0]);
}

TEST_CASE("fit-mortality writes a Li-Lee fragment that, included, fixes the fitted parameters") {
  const auto dir = tmp_dir();
  const auto fragment = (dir / "li_lee.toml").string();
  const std::string cmd = std::string(PFSIM_BINARY) + " fit-mortality " + kBaseline + " -o " + fragment + " > " +
                          (dir / "fit_ll.out").string() + " 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto base = load_config(kBaseline);
  const auto& b = base.model.demography;
  REQUIRE(b.mortality == MortalityModel::li_lee);
  const auto cfg_path = (dir / "with_li_lee.toml").string();
  const std::string window = "[demography.mortality]\nfit_years = [1988, 2023]\n"
                             "annual_e0 = { file = \"" + std::string(PFSIM_SOURCE_DIR) +
                             "/configs/data/china/e0.csv\", years = [1990, 2023] }\n";
  std::ofstream(cfg_path) << "include = [\"" << kBaseline << "\", \"" << fragment << "\"]\n" << window;
  const auto cfg = load_config(cfg_path);
  const auto& d = cfg.model.demography;
  CHECK(d.ll_drift == b.ll_drift);
  CHECK(d.ll_sigma == b.ll_sigma);
  CHECK(d.ll_drift_sd == Approx(b.ll_drift_sd).epsilon(1e-15));
  for (int x = 0; x < 2; ++x) {
    CHECK(d.ll_persistence[x] == b.ll_persistence[x]);
    CHECK(d.ll_deviation_sigma[x] == b.ll_deviation_sigma[x]);
  }
  CHECK(d.ll_deviation_rho == b.ll_deviation_rho);
  // Without the fragment, the other window gives other values.
  const auto other = (dir / "window_only.toml").string();
  std::ofstream(other) << "include = [\"" << kBaseline << "\"]\n" << window;
  const auto refit = load_config(other);
  CHECK(refit.model.demography.ll_drift != b.ll_drift);
  CHECK(refit.model.demography.ll_deviation_sigma[0] != b.ll_deviation_sigma[0]);
}

TEST_CASE("pfsim calibrate estimates a VAR(1) from an annual CSV and writes a fragment a config can include") {
  // z_t = mu + a (z_{t-1} - mu) + u_t for two variables, 400 years.
  const auto dir = tmp_dir();
  const auto csv = (dir / "history.csv").string();
  {
    std::ofstream out(csv);
    out << "year,inflation,real_wage\n";
    std::mt19937_64 rng(5);
    std::normal_distribution<double> n(0.0, 1.0);
    double x = 0.02, y = 0.03;
    for (int t = 0; t < 400; ++t) {
      x = 0.02 + 0.6 * (x - 0.02) + 0.01 * n(rng);
      y = 0.03 + 0.3 * (y - 0.03) + 0.015 * n(rng);
      out << 1700 + t << "," << x << "," << y << "\n";
    }
  }
  const auto fragment = (dir / "economy_fit.toml").string();
  const std::string cmd = std::string(PFSIM_BINARY) + " calibrate " + csv + " -o " + fragment + " > " + (dir / "cal.out").string() + " 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  const auto t = toml::parse_file(fragment);
  const double mean_inflation = t["economy"]["mean"]["inflation"].value_or(-1.0);
  CHECK(std::abs(mean_inflation - 0.02) < 0.005);
  const auto* a = t["economy"]["persistence"]["matrix"].as_array();
  REQUIRE(a != nullptr);
  const double a11 = a->get(0)->as_array()->get(0)->value_or(-1.0);
  const double a22 = a->get(1)->as_array()->get(1)->value_or(-1.0);
  // OLS s.e. of an AR coefficient is about sqrt((1 - a^2) / n): 0.04 and 0.048 here; 4 s.e.
  CHECK(std::abs(a11 - 0.6) < 4 * 0.04);
  CHECK(std::abs(a22 - 0.3) < 4 * 0.048);
  CHECK(std::abs(t["economy"]["volatility"]["real_wage"].value_or(-1.0) - 0.015) < 4 * 0.015 / std::sqrt(2 * 396.0));
}

TEST_CASE("deterministic mortality improvement can be given by age and sex from a file") {
  const auto dir = tmp_dir();
  std::ifstream in(kBaseline);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (std::size_t at; (at = text.find("\"data/china/")) != std::string::npos;)
    text.replace(at, 12, "\"" PFSIM_SOURCE_DIR "/configs/data/china/");
  const auto b = text.find("[demography.mortality]"), e = text.find("[demography.fertility]");
  REQUIRE(b != std::string::npos);
  REQUIRE(e != std::string::npos);
  const auto csv = (dir / "improvement.csv").string();
  {
    std::ofstream out(csv);
    out << "age,male,female\n";
    for (int a = 0; a <= 100; ++a) out << a << "," << (a < 60 ? 0.02 : 0.01) << ",0.015\n";
  }
  text.replace(b, e - b, "[demography.mortality]\nmodel = \"improvement\"\njump_off = \"" PFSIM_SOURCE_DIR
                         "/configs/data/china/mortality_2023.csv\"\nimprovement = { file = \"" + csv + "\" }\n\n");
  // The baseline's drift prior belongs to its Li-Lee model.
  const auto drift = text.find("mortality_drift = 0.45");
  REQUIRE(drift != std::string::npos);
  text.replace(drift, 22, "mortality_drift = 0.0");
  const auto path = (dir / "improvement.toml").string();
  std::ofstream(path) << text;
  const auto cfg = load_config(path);
  const auto& d = cfg.model.demography;
  REQUIRE(d.mortality == MortalityModel::improvement);
  CHECK(d.improvement[kMale][30] == 0.02);
  CHECK(d.improvement[kMale][70] == 0.01);
  CHECK(d.improvement[kFemale][70] == 0.015);
  // The rates of 2030 are the jump-off rates improved for 7 years.
  const PensionModel m(cfg.model);
  DemographyState ds;
  m.demography().start(ds);
  for (int y = 2024; y <= 2030; ++y) {
    m.demography().step(1, 0, true, y, ds);
    if (y < 2030) DemographyModel::advance(ds);
  }
  CHECK(ds.mx[kMale][70][0] == Approx(d.jump_off_mx[kMale][70] * std::pow(0.99, 7)).epsilon(1e-12));
  CHECK(ds.mx[kMale][30][0] == Approx(d.jump_off_mx[kMale][30] * std::pow(0.98, 7)).epsilon(1e-12));
}

TEST_CASE("full paths are compressed in parallel into the chunks HDF5's own filters write") {
  // 2,007 rows of 77 columns: chunks of 851 rows, the last one partial.
  const hsize_t rows = 2007, cols = 77;
  std::vector<float> m(rows * cols);
  std::mt19937 rng(5);
  std::lognormal_distribution<float> d(0.0f, 1.0f);
  for (auto& v : m) v = rng() % 7 == 0 ? 0.0f : 1e9f * d(rng);
  const auto fill = [&](hsize_t r0, hsize_t count, float* out) {
    std::copy(m.begin() + static_cast<std::ptrdiff_t>(r0 * cols), m.begin() + static_cast<std::ptrdiff_t>((r0 + count) * cols), out);
  };
  for (const int level : {0, 4}) {
    INFO("gzip level " << level);
    const auto out = (tmp_dir() / "chunks.h5").string();
    {
      auto f = h5::File::create(out);
      h5::write_float_matrix(f.id(), "one", rows, cols, level, 1, fill);
      h5::write_float_matrix(f.id(), "two", rows, cols, level, 2, fill);
      // The reference: the same layout and filters, written through HDF5's pipeline.
      h5::Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
      const hsize_t chunk[2] = {851, cols}, dims[2] = {rows, cols};
      H5Pset_chunk(plist, 2, chunk);
      if (level > 0) {
        H5Pset_shuffle(plist);
        H5Pset_deflate(plist, static_cast<unsigned>(level));
      }
      h5::Handle sp(H5Screate_simple(2, dims, nullptr), H5Sclose);
      h5::Handle ds(H5Dcreate2(f.id(), "reference", H5T_IEEE_F32LE, sp, H5P_DEFAULT, plist, H5P_DEFAULT), H5Dclose);
      REQUIRE(H5Dwrite(ds, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, m.data()) >= 0);
    }
    auto f = h5::File::open_read(out);
    std::vector<hsize_t> dims;
    for (const char* name : {"one", "two"}) {
      INFO(name);
      CHECK(h5::read_floats(f.id(), name, &dims) == m);
      CHECK(dims == std::vector<hsize_t>{rows, cols});
    }
    // Chunk by chunk, the stored (compressed) bytes are the reference's.
    const auto raw = [&](const char* name, hsize_t r0) {
      h5::Handle ds(H5Dopen2(f.id(), name, H5P_DEFAULT), H5Dclose);
      const hsize_t offset[2] = {r0, 0};
      hsize_t size = 0;
      REQUIRE(H5Dget_chunk_storage_size(ds, offset, &size) >= 0);
      std::vector<unsigned char> bytes(size);
      std::uint32_t mask = 0;
      REQUIRE(H5Dread_chunk(ds, H5P_DEFAULT, offset, &mask, bytes.data()) >= 0);
      CHECK(mask == 0);
      return bytes;
    };
    for (hsize_t r0 = 0; r0 < rows; r0 += 851) {
      INFO("chunk at row " << r0);
      const auto ref = raw("reference", r0);
      CHECK((level == 0 || ref.size() < 851 * cols * sizeof(float)));
      CHECK(raw("one", r0) == ref);
      CHECK(raw("two", r0) == ref);
    }
  }
}

TEST_CASE("the output registry gives each part its slots and refuses a name twice") {
  OutputRegistry o;
  const auto a = o.year("a", "rate", "first");
  const auto b = o.year("b", "rate", "second");
  const auto s = o.scalar("s", "year", "a scalar");
  CHECK(a == 0);
  CHECK(b == 1);
  CHECK(s == 0);
  CHECK(o.year_index("b") == 1);
  CHECK(o.scalar_index("s") == 0);
  CHECK(o.has_year("a"));
  CHECK_FALSE(o.has_year("s"));
  CHECK_THROWS_AS(o.year_index("nope"), std::out_of_range);
  CHECK_THROWS_AS(o.year("a", "", ""), std::logic_error);
  CHECK_THROWS_AS(o.scalar("b", "", ""), std::logic_error);  // names are unique across year metrics and scalars
  CHECK(o.shape(7) == SampleShape{2, 7, 1});
  CHECK(o.shape(7).bytes_per_path() == 2 * 7 * sizeof(float) + 1 * sizeof(double));
  // Float scalars come last and take 4 bytes a path.
  const auto f = o.float_scalar("f", "persons", "a float scalar");
  CHECK(f == 1);
  CHECK(o.scalar_index("f") == 1);
  CHECK(o.shape(7) == SampleShape{2, 7, 2, 1});
  CHECK(o.shape(7).bytes_per_path() == (2 * 7 + 1) * sizeof(float) + 1 * sizeof(double));
  CHECK_THROWS_AS(o.scalar("late", "", ""), std::logic_error);
  CHECK_THROWS_AS(o.undefined_scalar("late", "", ""), std::logic_error);
}

TEST_CASE("a sample holds each pyramid cell as the record's value rounded to float, every other scalar exactly") {
  auto cfg = load_config(kBaseline, {"run.paths=9", "output.pyramid_years=[2030, 2100]"});
  const PensionModel m(cfg.model);
  EngineOptions eo;
  const auto sample = simulate_paths(m, 5, 100, 9, eo);
  const std::size_t doubles = sample.double_scalars();
  REQUIRE(doubles == m.pyramid_begin());
  REQUIRE(sample.float_scalars() == 2 * 2 * static_cast<std::size_t>(m.demography().ages()));
  std::size_t rounded = 0;
  for (std::uint64_t p : {100u, 104u, 108u}) {
    const auto rec = test::simulate_one(m, 5, p);
    const auto i = static_cast<std::size_t>(p - 100);
    for (std::size_t s = 0; s < doubles; ++s) {
      const double x = sample.scalar_column(s)[i], y = rec.scalars[s];
      CHECK((x == y || (std::isnan(x) && std::isnan(y))));
    }
    for (std::size_t j = 0; j < sample.float_scalars(); ++j) {
      const double exact = rec.scalars[doubles + j];
      CHECK(sample.float_scalar_column(j)[i] == static_cast<float>(exact));
      rounded += static_cast<double>(static_cast<float>(exact)) != exact ? 1 : 0;
    }
  }
  CHECK(rounded > 0);  // the cells are not whole floats: the rounding is real
}

TEST_CASE("the path model's shape is its registered outputs, each name once") {
  const auto cfg = load_config(std::string(PFSIM_SOURCE_DIR) + "/configs/china_baseline.toml");
  const PensionModel m(cfg.model);
  // The pyramid cells are the float scalars, the last of the scalars.
  CHECK(m.shape() == SampleShape{m.year_metrics().size(), m.years(), m.scalar_metrics().size(),
                                 m.pyramid_years().size() * 2 * static_cast<std::size_t>(m.demography().ages())});
  CHECK(m.pyramid_begin() == m.shape().double_scalars());
  std::set<std::string> names;
  for (const auto& s : m.year_metrics()) names.insert(s.name);
  for (const auto& s : m.scalar_metrics()) names.insert(s.name);
  CHECK(names.size() == m.year_metrics().size() + m.scalar_metrics().size());
  // The pyramid cells, 2 sexes x (omega + 1) ages a year, are the scalars
  // named pyramid_*; every other scalar is written under /scalars.
  std::size_t cells = 0;
  for (std::size_t i = 0; i < m.scalar_metrics().size(); ++i) {
    const bool named = m.scalar_metrics()[i].name.rfind("pyramid_", 0) == 0;
    CHECK(m.is_pyramid_cell(i) == named);
    cells += m.is_pyramid_cell(i) ? 1 : 0;
  }
  CHECK(!m.pyramid_years().empty());
  CHECK(cells == m.pyramid_years().size() * 2 * static_cast<std::size_t>(m.demography().ages()));
}

TEST_CASE("first_year_reaching gives the first year a cumulative probability reaches a level") {
  const std::vector<double> p{0.0, 0.04, 0.05, 0.49, 0.5, 0.96, 1.0};  // 2024..2030
  CHECK(first_year_reaching(p, 2024, 0.05) == 2026);  // reaching includes equality
  CHECK(first_year_reaching(p, 2024, 0.5) == 2028);
  CHECK(first_year_reaching(p, 2024, 0.95) == 2029);
  CHECK(first_year_reaching(p, 2024, 0.0) == 2024);
  CHECK_FALSE(first_year_reaching({0.0, 0.1}, 2024, 0.5).has_value());
}
