// split_five_year_shares (models/demography/fertility_pattern.h): 5-year fertility shares to
// single ages through a monotone (Fritsch-Carlson) cubic of the cumulative schedule.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

#include "io/csv.h"
#include "models/demography/fertility_pattern.h"

using pfsim::split_five_year_shares;

namespace {

void check_groups_preserved(const std::vector<double>& groups, const std::vector<double>& single) {
  const double total = std::accumulate(groups.begin(), groups.end(), 0.0);
  REQUIRE(single.size() == 5 * groups.size());
  for (std::size_t k = 0; k < groups.size(); ++k) {
    double s = 0;
    for (std::size_t j = 0; j < 5; ++j) s += single[5 * k + j];
    INFO("group " << k);
    CHECK(std::abs(s - groups[k] / total) < 1e-12);
  }
  for (double v : single) CHECK(v >= 0.0);
  CHECK(std::abs(std::accumulate(single.begin(), single.end(), 0.0) - 1.0) < 1e-12);
}

std::string data(const char* file) { return std::string(PFSIM_SOURCE_DIR) + "/configs/data/china/" + file; }

// WPP 2023 pasfr (percent) for 10-14 .. 50-54, as in pasfr_5y.csv.
std::vector<double> pasfr_2023() {
  const auto csv = pfsim::CsvTable::read(data("pasfr_5y.csv"));
  const auto cy = csv.column("year"), cg = csv.column("age_group"), cp = csv.column("pasfr_percent");
  std::vector<double> g;
  for (std::size_t r = 0; r < csv.rows(); ++r)
    if (csv.number(r, cy) == 2023) {
      INFO(csv.text(r, cg));
      REQUIRE(std::atoi(csv.text(r, cg).c_str()) == 10 + 5 * static_cast<int>(g.size()));
      g.push_back(csv.number(r, cp));
    }
  REQUIRE(g.size() == 9);
  return g;
}

}  // namespace

TEST_CASE("group shares are preserved exactly, single-age shares are non-negative and sum to 1",
          "[fertility_pattern]") {
  // Telescoping: each group's five differences of the cumulative sum to C_{k+1} - C_k, and the
  // monotone spline keeps every difference >= 0 (no clipping). 1e-12: a few additions of O(1).
  const std::vector<std::vector<double>> cases = {
      {2.619699, 23.321193, 34.71799, 24.347925, 11.145074, 2.927353, 0.840576},  // WPP 2023, percent
      {0.1, 5, 40, 30, 20, 4, 0.9},
      {0, 0, 10, 80, 10, 0, 0},      // zero groups: flat zero pieces, a sharp peak
      {1, 0, 1, 0, 1, 0, 1},         // alternating: every interior knot is an extremum of the slope
      {1e-9, 1, 1e-9},
      {3.0},                         // one group: linear cumulative, flat
  };
  for (const auto& g : cases) {
    const auto single = split_five_year_shares(g);
    check_groups_preserved(g, single);
  }
  // Zero groups stay exactly zero at every single age.
  const auto z = split_five_year_shares({0, 0, 10, 80, 10, 0, 0});
  for (std::size_t a = 0; a < 10; ++a) CHECK(z[a] == 0.0);
  for (std::size_t a = 25; a < 35; ++a) CHECK(z[a] == 0.0);
  CHECK_THROWS(split_five_year_shares({}));
  CHECK_THROWS(split_five_year_shares({0, 0}));
}

TEST_CASE("a flat schedule splits into flat single ages", "[fertility_pattern]") {
  // Equal groups: a linear cumulative, all secants and slopes equal, so the cubic is that line.
  const auto single = split_five_year_shares(std::vector<double>(7, 2.5));
  REQUIRE(single.size() == 35);
  for (double v : single) CHECK(std::abs(v - 1.0 / 35) < 1e-14);
}

TEST_CASE("WPP 2023 split agrees with the data pack's Hyman-spline split (asfr_2023.csv)", "[fertility_pattern]") {
  // The pack split the nine 2023 groups 10-14..50-54 with R's splinefun(method = "hyman") on the
  // cumulative at 10, 15, ..., 55, then dropped 10-14 and 50-54 and renormalised 15-49. The model
  // (io/config_demography.cpp) keeps 15-19..45-49, renormalises, and splits with a Fritsch-Carlson
  // cubic on knots 15..50. Group totals agree exactly both ways; within groups the two differ
  // because (1) Hyman's filter starts from the slopes of an interpolating C2 spline, while
  // Fritsch-Carlson starts from the mean of adjacent secants, and (2) the model has no knots at 10
  // and 55, so its end slopes are one-sided secants (the model's share at 15 is 0.0023 against the
  // pack's 0.0002; both tiny). Both are shape-preserving, but the secant-mean slopes make the
  // single-age shares less smooth within groups; the differences are largest next to the peak
  // (ages 24-25 and 30: the model's age 24 share is 0.0590 against the pack's 0.0635).
  // Observed maximum absolute difference (single-age share, modal share ~0.072): 4.52e-3 for the
  // model's route, 4.57e-3 splitting all nine groups (both at age 24). Tolerance 9e-3, about twice.
  const auto csv = pfsim::CsvTable::read(data("asfr_2023.csv"));
  const auto ca = csv.column("age"), cp = csv.column("proportion");
  std::vector<double> pack(35, -1.0);
  for (std::size_t r = 0; r < csv.rows(); ++r) pack[static_cast<std::size_t>(csv.number(r, ca)) - 15] = csv.number(r, cp);
  for (double v : pack) REQUIRE(v >= 0.0);

  const auto g9 = pasfr_2023();
  const std::vector<double> g7(g9.begin() + 1, g9.end() - 1);
  const auto model = split_five_year_shares(g7);  // what the config builds for 2023
  check_groups_preserved(g7, model);
  // Group totals of the pack's split equal the model's (the CSV has 10 significant digits).
  for (std::size_t k = 0; k < 7; ++k) {
    double a = 0, b = 0;
    for (std::size_t j = 0; j < 5; ++j) {
      a += pack[5 * k + j];
      b += model[5 * k + j];
    }
    CHECK(std::abs(a - b) < 1e-9);
  }
  double max_model = 0;
  for (std::size_t a = 0; a < 35; ++a) max_model = std::max(max_model, std::abs(model[a] - pack[a]));

  // All nine groups, then drop the ends and renormalise, as the pack did.
  const auto all = split_five_year_shares(g9);
  const double inner = std::accumulate(all.begin() + 5, all.end() - 5, 0.0);
  double max_nine = 0;
  for (std::size_t a = 0; a < 35; ++a) max_nine = std::max(max_nine, std::abs(all[a + 5] / inner - pack[a]));
  INFO("max |model - pack| = " << max_model << ", nine groups: " << max_nine);
  CHECK(max_model < 9e-3);
  CHECK(max_nine < 9e-3);
  // Both routes agree on the modal age, 27 (README of the data pack).
  CHECK(std::max_element(model.begin(), model.end()) - model.begin() + 15 == 27);
}
