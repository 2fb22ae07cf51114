#include "apps/commands.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "core/error.h"
#include "io/config.h"
#include "io/csv.h"
#include "io/output_file.h"
#include "models/economy/calibrate.h"
#include "run/exit_status.h"

namespace pfsim::app {

int fit_mortality(const std::string& config, const std::string& output) {
  return guarded([&]() -> int {
    const auto cfg = load_config(config);
    const auto& d = cfg.model.demography;
    std::string fragment;
    if (d.mortality == MortalityModel::li_lee) {
      const double relative = d.ll_drift != 0 ? d.ll_drift_sd / std::abs(d.ll_drift) : 0.0;
      std::cout << fmt::format("Li-Lee fit of {} (annual figures; common index K with sum(B) = 1, deviations k with sum(b) = 1)\n", config);
      std::cout << fmt::format("  common index K: drift {:.6f} (standard error {:.6f}, {:.3f} of it), sigma {:.6f}\n",
                               d.ll_drift, d.ll_drift_sampling_sd,
                               d.ll_drift != 0 ? d.ll_drift_sampling_sd / std::abs(d.ll_drift) : 0.0, d.ll_sigma);
      std::cout << fmt::format("  drift uncertainty in use ([uncertainty] mortality_drift): sd {:.6f}, {:.3f} of the drift\n",
                               d.ll_drift_sd, relative);
      std::cout << fmt::format("  {:8} {:>12} {:>12} {:>12}\n", "", "persistence", "sigma", "k jump-off");
      for (int x = 0; x < 2; ++x)
        std::cout << fmt::format("  {:8} {:>12.6f} {:>12.6f} {:>12.6f}\n", x == kMale ? "male" : "female",
                                 d.ll_persistence[x], d.ll_deviation_sigma[x], d.ll_deviation_start[x]);
      std::cout << fmt::format("  correlation of the deviations' innovations: {:.6f}\n", d.ll_deviation_rho);
      fragment = fmt::format("# Li-Lee parameters fitted by pfsim from {}.\n"
                             "# Include it in a config (include = [\"{}\"]) to fix these values; the age\n"
                             "# patterns are refitted from the config's mortality history at every load.\n"
                             "[demography.mortality]\n"
                             "drift = {:.17g}\nsigma = {:.17g}\n"
                             "persistence = {{ male = {:.17g}, female = {:.17g} }}\n"
                             "deviation_sigma = {{ male = {:.17g}, female = {:.17g} }}\n"
                             "deviation_correlation = {:.17g}\n",
                             config, output, d.ll_drift, d.ll_sigma, d.ll_persistence[0], d.ll_persistence[1],
                             d.ll_deviation_sigma[0], d.ll_deviation_sigma[1], d.ll_deviation_rho);
    } else if (d.mortality == MortalityModel::lee_carter) {
      std::cout << fmt::format("Lee-Carter fit of {} (annual figures; kappa index with sum(beta) = 1)\n", config);
      std::cout << fmt::format("  {:8} {:>12} {:>12}\n", "", "drift", "sigma");
      std::cout << fmt::format("  {:8} {:>12.6f} {:>12.6f}\n", "male", d.lc_drift[0], d.lc_sigma[0]);
      std::cout << fmt::format("  {:8} {:>12.6f} {:>12.6f}\n", "female", d.lc_drift[1], d.lc_sigma[1]);
      std::cout << fmt::format("  correlation of the sexes' innovations: {:.6f}\n", d.lc_rho);
      fragment = fmt::format("# Lee-Carter drift, volatility and correlation fitted by pfsim from {}.\n"
                             "# Include it in a config (include = [\"{}\"]) to fix these values; beta is\n"
                             "# refitted from the config's mortality history at every load.\n"
                             "[demography.mortality]\n"
                             "drift = {{ male = {:.17g}, female = {:.17g} }}\n"
                             "sigma = {{ male = {:.17g}, female = {:.17g} }}\n"
                             "correlation = {:.17g}\n",
                             config, output, d.lc_drift[0], d.lc_drift[1], d.lc_sigma[0], d.lc_sigma[1], d.lc_rho);
    } else {
      throw InputError({config, 0, 0}, "demography.mortality.model",
                       "the config's mortality model is \"improvement\"; fit-mortality needs \"lee_carter\" or \"li_lee\"");
    }
    if (!output.empty()) {
      write_text_file(output, fragment, cfg.inputs, "--output");
      std::cout << fmt::format("wrote {}\n", output);
    }
    return kExitOk;
  }, std::cerr);
}

int calibrate(const std::string& csv_path, const std::string& output, const std::string& year_column) {
  return guarded([&]() -> int {
    const auto csv = CsvTable::read(csv_path);
    const auto yc = csv.column(year_column);
    std::vector<std::string> names;
    std::vector<std::size_t> cols;
    for (std::size_t c = 0; c < csv.header().size(); ++c)
      if (c != yc) {
        names.push_back(csv.header()[c]);
        cols.push_back(c);
      }
    Eigen::MatrixXd data(static_cast<Eigen::Index>(csv.rows()), static_cast<Eigen::Index>(cols.size()));
    for (std::size_t r = 0; r < csv.rows(); ++r) {
      if (r > 0 && csv.number(r, yc) != csv.number(r - 1, yc) + 1)
        throw InputError({csv_path, csv.line(r), 0}, year_column, "years must be consecutive (annual rows)");
      for (std::size_t k = 0; k < cols.size(); ++k)
        data(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(k)) = csv.number(r, cols[k]);
    }
    Var1Estimate est;
    try {
      est = estimate_var1(data, names);
    } catch (const std::invalid_argument& e) {
      throw InputError({csv_path, 0, 0}, "", e.what());
    }
    std::cout << var1_report(est);
    if (!output.empty()) {
      write_text_file(output, var1_to_toml(est, csv_path), {csv_path}, "--output");
      std::cout << fmt::format("wrote {} (add it to a config with include = [\"{}\"])\n", output, output);
    }
    return kExitOk;
  }, std::cerr);
}

int python_command(const std::vector<std::string>& args) {
  std::string python = "python3";
  if (const char* env = std::getenv("PFSIM_PYTHON"); env && *env) python = env;
  else if (::access("/usr/bin/python3", X_OK) == 0) python = "/usr/bin/python3";
  std::string dir = PFSIM_PYTHON_DIR;
  if (const char* env = std::getenv("PFSIM_PYTHON_DIR"); env && *env) dir = env;
  std::string path = dir;
  if (const char* old = std::getenv("PYTHONPATH"); old && *old) path += std::string(":") + old;
  ::setenv("PYTHONPATH", path.c_str(), 1);
  ::setenv("PYTHONDONTWRITEBYTECODE", "1", 1);  // nothing written into the source tree
  std::vector<std::string> argv_s{python, "-m", "pfsim"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::cout.flush();
  ::execvp(python.c_str(), argv.data());
  std::cerr << fmt::format("pfsim: error: cannot start the Python interpreter '{}': {} (set PFSIM_PYTHON to one with numpy, "
                           "h5py, matplotlib, pandas and xarray; docs/python.md)\n", python, std::strerror(errno));
  return kExitFailure;
}

}  // namespace pfsim::app
