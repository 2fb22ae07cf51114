#include "models/demography/population_outputs.h"

#include <fmt/format.h>

namespace pfsim {

PopulationOutputs::PopulationOutputs(const DemographyModel& d, const std::vector<int>& pyramid_years, OutputRegistry& o)
    : omega_(d.params().omega), pyramid_years_(pyramid_years) {
  population_ = o.year("population", "persons", "total population at 31 December");
  young_ = o.year("population_0_14", "persons", "aged 0-14 at 31 December");
  working_ = o.year("population_15_64", "persons", "aged 15-64 at 31 December");
  old_ = o.year("population_65_plus", "persons", "aged 65 and over at 31 December");
  dependency_ = o.year("old_age_dependency", "ratio", "population 65+ / 15-64 at 31 December");
  tfr_ = o.year("tfr", "children per woman", "total fertility rate of the year");
  births_ = o.year("births", "persons", "births during the year");
  deaths_ = o.year("deaths", "persons", "deaths during the year");
  migration_ = o.year("net_migration", "persons", "net international migration during the year");
  e0_male_ = o.year("e0_male", "years", "period life expectancy at birth, men");
  e0_female_ = o.year("e0_female", "years", "period life expectancy at birth, women");
  e60_male_ = o.year("e60_male", "years", "period life expectancy at 60, men");
  e60_female_ = o.year("e60_female", "years", "period life expectancy at 60, women");
  e65_male_ = o.year("e65_male", "years", "period life expectancy at 65, men");
  e65_female_ = o.year("e65_female", "years", "period life expectancy at 65, women");
}

void PopulationOutputs::register_pyramids(OutputRegistry& o) {
  pyramid_begin_ = o.scalars().size();
  for (int y : pyramid_years_)
    for (const char* sex : {"male", "female"})
      for (int a = 0; a <= omega_; ++a)
        o.float_scalar(fmt::format("pyramid_{}_{}_{}", y, sex, a), "persons", fmt::format("{} aged {} at 31 December {}", sex, a, y));
}

PopulationTotals PopulationOutputs::totals(const DemographyState& s) const {
  PopulationTotals p;
  p.total = p.young = p.working = p.old = splat(0.0);
  for (int x = 0; x < 2; ++x)
    for (int a = 0; a <= omega_; ++a) {
      const Lane v = s.next[x][static_cast<std::size_t>(a)];
      p.total += v;
      if (a < 15) p.young += v;
      else if (a < 65) p.working += v;
      else p.old += v;
    }
  return p;
}

void PopulationOutputs::record(int t, int year, const DemographyState& s, const PopulationTotals& p, int l,
                               PathRecord& rec) const {
  const double work = p.working[l], old = p.old[l];
  rec.at(population_, t) = p.total[l];
  rec.at(young_, t) = p.young[l];
  rec.at(working_, t) = work;
  rec.at(old_, t) = old;
  rec.at(dependency_, t) = work > 0 ? old / work : 0.0;
  rec.at(tfr_, t) = s.tfr[l];
  rec.at(births_, t) = s.births[l];
  rec.at(deaths_, t) = s.deaths[l];
  rec.at(migration_, t) = s.migrants[l];
  rec.at(e0_male_, t) = s.e0[kMale][l];
  rec.at(e0_female_, t) = s.e0[kFemale][l];
  rec.at(e60_male_, t) = s.e60[kMale][l];
  rec.at(e60_female_, t) = s.e60[kFemale][l];
  rec.at(e65_male_, t) = s.e65[kMale][l];
  rec.at(e65_female_, t) = s.e65[kFemale][l];
  const auto ages = static_cast<std::size_t>(omega_ + 1);
  for (std::size_t k = 0; k < pyramid_years_.size(); ++k)
    if (pyramid_years_[k] == year)
      for (int x = 0; x < 2; ++x)
        for (std::size_t a = 0; a < ages; ++a)
          rec.scalars[pyramid_begin_ + (k * 2 + static_cast<std::size_t>(x)) * ages + a] = s.next[x][a][l];
}

}  // namespace pfsim
