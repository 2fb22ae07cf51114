#pragma once
// Validated, immutable parameters of every model, as io::load_config builds
// them. Models read nothing else: no files, no TOML.
#include <Eigen/Dense>
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/time_path.h"
#include "models/scheme/retirement_schedule.h"

namespace pfsim {

enum Sex : int { kMale = 0, kFemale = 1 };

// ---- economy (model.md section 1) -------------------------------------------
enum class ShockDistribution { normal, student_t };
enum class GeneratorKind { var1, bootstrap };

struct EconomyRegime {
  std::string name;
  std::vector<TimePath> mean;        // per variable, annual log rate
  Eigen::VectorXd volatility;        // innovation sd per variable
  Eigen::MatrixXd correlation;       // innovation correlation
};

struct EconomyParams {
  GeneratorKind generator = GeneratorKind::var1;
  std::vector<std::string> variables;
  int inflation = -1;                // index of `inflation`
  int real_wage = -1;                // index of `real_wage`
  std::vector<int> assets;           // indexes of asset-class log total returns
  std::vector<EconomyRegime> regimes;
  Eigen::MatrixXd transition;        // regimes x regimes, rows sum to 1
  int initial_regime = -1;           // -1: drawn from the stationary distribution
  Eigen::MatrixXd persistence;       // A
  Eigen::VectorXd initial;           // z_{y0-1}
  ShockDistribution shocks = ShockDistribution::normal;
  double dof = 0;                    // Student-t degrees of freedom
  Eigen::MatrixXd history;           // bootstrap: rows = years, columns = variables
  int block_length = 1;

  // Parameter uncertainty ([uncertainty], model.md section 1): sd of each
  // path's shift of a variable's mean path (log rate), by variable; empty or
  // zero: none.
  std::vector<double> mean_shift_sd;
  bool shocks_on = true;             // false: every path follows the central economy ([shocks] economic = false)

  // Nominal GDP ([economy.gdp], model.md D8.6): the base year's GDP carried
  // forward with the average wage and the working-age population, divided by
  // the labour share's change. Off: no `gdp` metric.
  bool gdp_on = false;
  double gdp_base = 0;               // GDP of start_year - 1
  TimePath labour_share{1.0};        // relative; only its ratio to start_year - 1 matters

  int index_of(const std::string& name) const;
  bool is_asset(const std::string& name) const;
};

// ---- demography (model.md section 2) ------------------------------------------
enum class MortalityModel { lee_carter, li_lee, improvement };

struct DemographyParams {
  int omega = 100;                                  // open age group
  std::array<std::vector<double>, 2> base_population;
  bool base_is_mid_year = true;                     // advanced half a year to 1 January y0
  int jump_off_year = 2023;
  std::array<std::vector<double>, 2> jump_off_mx;   // central death rates
  MortalityModel mortality = MortalityModel::lee_carter;
  std::array<std::vector<double>, 2> lc_beta;       // sum 1
  std::array<double, 2> lc_drift{0, 0};             // annual
  std::array<double, 2> lc_sigma{0, 0};             // annual
  double lc_rho = 0;                                // corr of male and female innovations
  // Li-Lee (model.md D2.10): ln m = ln m[jump-off] + B (K - K_J) + b_x (k_x - k_x,J).
  std::vector<double> ll_B;                         // common age pattern, sum 1
  std::array<std::vector<double>, 2> ll_b;          // sex-specific age patterns, sum 1
  double ll_drift = 0, ll_sigma = 0;                // K: random walk, annual
  double ll_drift_sd = 0;                           // sd of each path's drift ([uncertainty] mortality_drift), annual
  double ll_drift_sampling_sd = 0;                  // the fitted drift's standard error, for reports
  std::array<double, 2> ll_persistence{0, 0};       // k_x: AR(1) towards 0, annual
  std::array<double, 2> ll_deviation_sigma{0, 0};   // annual innovation sd of k_x
  double ll_deviation_rho = 0;                      // corr of the sexes' k innovations
  std::array<double, 2> ll_deviation_start{0, 0};   // k_x in the jump-off year
  std::array<std::vector<double>, 2> improvement;   // annual improvement rates by age
  TimePath target_tfr;
  double tfr_persistence = 0;
  double tfr_volatility = 0;
  double tfr_level_sd = 0;                          // sd of each path's shift of ln T* ([uncertainty])
  bool shocks_on = true;                            // false: no mortality, fertility or migration innovations ([shocks])
  double initial_tfr = 1;                           // TFR of the year before y0
  // Fertility age pattern (shares summing to 1) for each year start_year-1..end_year;
  // indexed by year - (start_year - 1).
  std::vector<std::vector<double>> fertility_pattern;
  TimePath sex_ratio_at_birth;                      // boys per girl
  TimePath net_migration;                           // persons per year (the median with uncertainty)
  // Stochastic net migration (model.md D2.11): total = net_migration + sd_y u_y,
  // u a standardised AR(1) with this persistence; none when sd is zero.
  bool migration_stochastic = false;
  TimePath migration_sd{0.0};                       // persons per year
  double migration_persistence = 0;
  std::array<std::vector<double>, 2> migration_profile;  // sums to 1 over both sexes
};

// ---- scheme (model.md section 3) --------------------------------------------
enum class CreditingRule { wage_growth, fixed, fund_return };
enum class AccountFunding { notional, funded };
enum class SubsidyRule { none, wage_indexed, expenditure_share };

struct SchemeParams {
  double average_wage_base = 0;         // w_{y0-1}
  double compliance = 1;                // lambda
  double contribution_density = 1;      // d: contributors = members x d
  double calib_contributors = 0;        // at 1 January y0
  SourceLocation calib_contributors_origin;  // where the config sets it, for errors
  double calib_pensioners = 0;
  double calib_average_pension = 0;     // per year, in payment during y0-1
  // Starting pensioners' account part and remaining balances rebuilt from
  // the contribution history; false: their whole pension is pooled.
  bool starting_pensioner_accounts = true;
  int member_zero_below = 16;
  int member_plateau_from = 25;
  TimePath coverage{1.0};
  double pensioner_mortality_multiplier = 1;
  TimePath pooling_rate;
  TimePath account_rate;
  RetirementRule male, female_cadre, female_worker;
  double female_cadre_share = 0.5;
  TimePath min_contribution_years;
  double indexed_wage_ratio = 1;        // I
  double contribution_years_mean = 30;  // at the pre-reform ages
  double contribution_years_sd = 8;
  // Awards use the mean contribution years of those who draw a pension (the
  // distribution truncated at the minimum); false: of all who reach the age.
  bool award_years_of_eligible = true;
  int reference_age_male_months = 720;  // pre-reform ages, for the added years
  int reference_age_female_months = 630;
  double transitional_rate = 0;
  TimePath transitional_share{0.0};
  std::map<int, double> divisors;       // age (years) -> months
  TimePath indexation_history;          // step; used up to its last year
  int indexation_history_last = 0;
  double index_wage = 0, index_price = 0, index_constant = 0, index_floor = -1e9, index_cap = 1e9;
  AccountFunding funding = AccountFunding::notional;
  CreditingRule crediting = CreditingRule::wage_growth;
  double crediting_fixed = 0;
  double crediting_floor = 0;
  TimePath history_account_rate;        // step, from 1997
  TimePath history_crediting;           // step
  TimePath history_wage_growth;         // step, nominal
  // Alternatively a level series (for example the NBS average wage) whose
  // growth, rescaled to average_wage_base in y0 - 1, gives the history.
  TimePath history_average_wage;
  bool history_from_levels = false;
  double history_density = 1;
  SubsidyRule subsidy = SubsidyRule::none;
  double subsidy_amount = 0;            // in y0, for wage_indexed
  double subsidy_share = 0;
  bool backstop = false;
  double backstop_floor_months = 0;
  double admin_cost_share = 0;
};

// ---- funds and strategies (model.md section 4) -------------------------------
// A strategy whose weights follow the fund's state on 1 January
// (model.md D4.7): piecewise linear in the state between points.
enum class RuleState { months_covered, drawdown, funded_share, years_to_depletion };
struct StrategyRule {
  bool on = false;
  RuleState state = RuleState::months_covered;
  int horizon = 1;                                // funded_share: years of net outflow
  std::vector<double> at;                         // the state at each point, increasing
  std::vector<std::vector<double>> weights;       // per point, per asset of the strategy; each sums to 1
};

inline constexpr std::size_t kMaxDynamicAssets = 16;

struct Strategy {
  std::vector<int> assets;              // economy variable indexes
  std::vector<TimePath> weights;        // per asset, by calendar year (a fixed mix or glide path)
  double fee = 0;
  StrategyRule rule;                    // with rule.on, the weights follow the rule instead
  int liquidity_asset = -1;             // index into assets of the liquidity reserve's asset; -1: none
  double liquidity_cover = 0;           // the reserve: cover x the next year's net outflow
  double rebalance_band = -1;           // < 0: back to the target every year; else only beyond the band
  double rebalance_cost = 0;            // per unit of turnover (buys plus sells, a share of the fund)
  std::vector<double> limits;           // per asset, the legal maximum (1: none), applied last
  bool dynamic() const { return rule.on || liquidity_asset >= 0 || rebalance_band >= 0; }
};

struct FundParams {
  std::string name;
  double initial_balance = 0;
  Strategy strategy;
  Strategy benchmark;                   // empty assets: none
  int debt_rate_variable = -1;          // economy variable charged on a negative balance; -1: zero rate
  // Strategic reserve only: inflows and the rule for transfers to the basic fund.
  TimePath inflow{0.0};                 // nominal per year, in start-year money if wage indexed
  bool inflow_wage_indexed = false;     // inflow grows with the average wage from start_year
  double transfer_below_months = 0;     // transfer when the basic fund covers fewer months than this
  double transfer_max_share = 0;        // at most this share of the reserve per year
};

// ---- regions and the level of pooling (model.md section 6) -------------------
enum class PoolingRegime : int { provincial = 0, central_adjustment = 1, national = 2 };
const char* regime_name(PoolingRegime r);

// One region (a province or a group of provinces): the national scheme with
// the region's own values, its share of the national population, and its
// internal migration.
struct RegionParams {
  std::string name;
  std::vector<double> population_share;        // by age 0..omega, both sexes; the regions' shares sum to 1 at each age
  double international_migration_share = 1;    // of national net international migration
  double fertility_factor = 1;                 // births = factor x the national age rates x the region's women
  double wage_level = 1;                       // w_r / w in start_year - 1 (applied to scheme.average_wage_base)
  TimePath wage_drift{0.0};                    // annual change of ln(w_r / w)
  bool has_wage_drift = false;
  // The region's own wage shock: ln(w_r / w) moves by drift + d_y - d_{y-1},
  // d an AR(1) from 0 with this sd and persistence (stream region_wages).
  double wage_shock_sd = 0, wage_shock_persistence = 0;
  double out_migration = 0;                    // share leaving each year at the age profile's peak
  std::vector<double> destinations;            // by region index, sum 1 (0 for the region itself)
  double fund_balance = 0;                     // pooled fund at 1 January of start_year (regional regimes)
  double subsidy_share = 1;                    // of the national subsidy rule's amount
  double local_share = 0;                      // of the region's own backstop, paid by its local budget (pooling.local_share unless given)
  SchemeParams scheme;                         // the national scheme with the region's values
};

struct PoolingParams {
  // Regimes by year (a step path: each holds from its year; before the
  // first, the first). Never returns from national to a regional regime.
  std::vector<std::pair<int, PoolingRegime>> regime{{0, PoolingRegime::national}};
  TimePath adjustment_ratio{0.0};              // central adjustment: the levy's ratio (step)
  double adjustment_wage_share = 0.9;          // of the region's average wage
  bool pool_balances = true;                   // at the switch to national pooling: regional balances join the national fund; false: the regions keep them
  double local_share = 0;                      // share of a backstop paid by local budgets (the rest by the centre)
  double transfer_rate = 0.12;                 // pooled-fund transfer per year contributed, of the contribution base
  int transfer_from_year = 1998;
  std::array<int, 2> transfer_age_limit{50, 40};  // from this age (men, women) the relation stays behind
  PoolingRegime at(int year) const {
    PoolingRegime r = regime.front().second;
    for (const auto& [y, v] : regime)
      if (year >= y) r = v;
    return r;
  }
};

// ---- representative workers and the supplementary tiers (model.md section 7) --
// A funded defined-contribution tier of a representative worker: an
// occupational or enterprise annuity, or the private pension.
struct SupplementaryTier {
  bool on = false;
  TimePath employer{0.0}, member{0.0};  // shares of the contribution base per year (annuities)
  bool employer_notional = false;    // occupational annuity of a budget-funded unit: the employer part is notional
  TimePath notional_rate{0.0};       // its crediting rate per year (unless notional_at_crediting)
  bool notional_at_crediting = true; // the notional part credited at the basic accounts' crediting rate
  TimePath amount{0.0};              // private pension: yuan per year (nominal), at most `cap`
  double cap = 0;
  double tax = 0;                    // on withdrawal: the pension is paid net of it
  bool level_annuity = false;        // paid as a level annuity (else balance / the account divisor)
  double annuity_rate = 0;           // its pricing rate
  int from_year = 0;                 // first year of contributions
  Strategy strategy;                 // the funded part's investment (fixed mix or glide path)
  TimePath history_return{0.0};      // the funded part's return before start_year
};

struct WorkersParams {
  bool on = false;
  std::vector<int> cohorts;          // birth years (born on 1 January)
  std::vector<int> groups;           // 0 men, 1 women cadres, 2 women workers
  std::vector<double> careers;       // wage / the average wage, the whole career
  int entry_age = 22;                // contributes from 1 January of the year of this birthday
  double base_floor = 0.6, base_cap = 3.0;  // the contribution base: the wage within these multiples of the average
  double threshold = 0.4;            // P(total replacement rate below it)
  bool public_sector = false;        // the annuity is the occupational (true) or the enterprise annuity
  SupplementaryTier annuity, private_pension;
};

// The urban and rural residents' basic pension (model.md section 8).
struct ResidentsParams {
  bool on = false;
  int first_age = 16;                // participants from this age (1 January)
  int pension_age = 60;              // pensions from 1 January after the 60th birthday
  int min_years = 15;
  int launch_year = 2011;            // first year of contributions to the accounts
  int student_last_age = 21;         // ages first_age..this: a share in education, not participating
  double students = 0.5;
  double contribution_density = 1.0; // share of working-age participants who pay in a year
  double calib_participants = 0, calib_beneficiaries = 0;  // on 1 January of start_year
  double calib_fund = -1;            // < 0: the history's own result
  SourceLocation calib_origin;       // where the config sets participants, for errors
  SourceLocation fund_origin;        // ... and fund
  std::vector<double> grades;        // yuan per year
  std::vector<double> grade_shares;  // sum to 1
  bool grades_wage_indexed = false;  // grades and subsidies rise with the average wage from start_year
  TimePath subsidy{30.0}, subsidy_high{60.0};  // yuan per contributor per year (nominal)
  double subsidy_high_from = 500;    // grades from this pay subsidy_high
  TimePath minimum;                  // central minimum pension, yuan per month, to its last point
  TimePath top_up{0.0};              // average local top-up, yuan per month, to the minimum's last point
  double index_prices = 1.0, index_wages = 0.0;  // after it: 1 + ip pi_{y-1} + iw G_{y-1} each January
  double bonus_per_year = 0;         // yuan per month for each year of contributions beyond min_years
  double divisor = 139;              // months, at pension_age
  double central_share = 0.8;        // share of the central minimum the central budget pays
  Strategy strategy;                 // the accounts' investment
  double history_contribution = 0;   // yuan per participant and year (with subsidy) before start_year
  double history_return = 0.025;     // the accounts' return before start_year
  // A representative member ([residents.member]): a grade from first_year to
  // retire_year - 1, the pension in retire_year.
  bool member = false;
  double member_grade = 100;
  int member_first = 0, member_retire = 0;
};

// An aggregate occupational or enterprise annuity plan (model.md section 9).
struct AnnuityPlanParams {
  bool on = false;
  double members = 0, assets = 0;      // on 1 January of start_year
  double benefits = 0;                 // paid in the year before start_year (sizes the assets in payment)
  TimePath coverage{1.0};              // members / the employees' scheme's contributors, relative to start_year
  TimePath employer{0.0}, member{0.0}; // contribution rates of the base
  double wage_ratio = 1;               // members' contribution base / the average wage
  double employer_funded = 1;          // share of the employer part funded (the rest notional)
  double notional = 0;                 // notional balances on 1 January of start_year
  double divisor = 139;                // months: payments are 12 / divisor of the assets in payment
  double retiring_ratio = 1;           // a retiring member's balance / the average member's
  // The private pension: a yearly amount per contributing member (nominal,
  // at most cap) instead of wage shares; withdrawals taxed.
  TimePath amount{0.0};
  double cap = 0;
  double tax = 0;
  Strategy strategy;
  SourceLocation origin;               // where the config sets members, for errors
};

struct ModelParams {
  int start_year = 2024;
  int end_year = 2100;
  EconomyParams economy;
  DemographyParams demography;
  SchemeParams scheme;
  FundParams basic_fund;
  bool has_reserve = false;
  FundParams reserve;                   // strategic reserve (NSSF-like), optional
  FundParams account_fund;              // invested personal accounts, when funding = funded
  std::vector<int> return_horizons{1, 5, 10, 20};  // plus the whole horizon
  std::vector<double> risk_levels{0.01, 0.05};
  std::vector<int> pyramid_years;                  // population by age and sex at 31 December
  // Regions: empty for a single national pool (today's model); else each
  // region's scheme and population, their internal migration and pooling.
  std::vector<RegionParams> regions;
  std::vector<double> migration_age_profile;       // relative intensity by age 0..omega, peak 1
  PoolingParams pooling;
  WorkersParams workers;                // representative workers' replacement rates (optional)
  ResidentsParams residents;            // the residents' scheme (optional)
  AnnuityPlanParams enterprise_annuity, occupational_annuity, private_pension;  // aggregate plans (optional)
  bool discount_at_fund_return = true;  // actuarial balance: the path's fund return, or
  double discount_rate = 0;             // a fixed annual rate

  int years() const { return end_year - start_year + 1; }
};

}  // namespace pfsim
