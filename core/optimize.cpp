#include "core/optimize.h"

#include <nlopt.h>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/error.h"

namespace pfsim {

namespace {

// The search runs on the unit cube (each variable scaled to its range), so
// one tolerance and one initial step serve variables of any size.
struct Search {
  const OptimizeProblem* problem;
  const OptimizeFunction* f;
  OptimizeResult* result;

  std::vector<double> point(const double* u) const {
    std::vector<double> x(problem->lower.size());
    for (std::size_t k = 0; k < x.size(); ++k)
      x[k] = problem->lower[k] + std::clamp(u[k], 0.0, 1.0) * (problem->upper[k] - problem->lower[k]);
    return x;
  }
  // The evaluation of the point u (cached: COBYLA asks for the objective and
  // the constraints of one point separately).
  const OptimizeEvaluation& at(const double* u) {
    const auto x = point(u);
    if (!result->evaluations.empty() && result->evaluations.back().x == x) return result->evaluations.back();
    OptimizeEvaluation e;
    e.x = x;
    std::tie(e.objective, e.constraints) = (*f)(x);
    e.feasible = std::all_of(e.constraints.begin(), e.constraints.end(), [](double c) { return c <= 0; });
    result->evaluations.push_back(std::move(e));
    return result->evaluations.back();
  }
};

double objective(unsigned n, const double* u, double* /*grad*/, void* data) {
  auto* s = static_cast<Search*>(data);
  (void)n;
  return s->at(u).objective;
}

void constraints(unsigned m, double* out, unsigned /*n*/, const double* u, double* /*grad*/, void* data) {
  auto* s = static_cast<Search*>(data);
  const auto& e = s->at(u);
  for (unsigned i = 0; i < m; ++i) out[i] = e.constraints[i];
}

}  // namespace

OptimizeResult minimize(const OptimizeProblem& p, const OptimizeFunction& f) {
  const auto n = static_cast<unsigned>(p.lower.size());
  OptimizeResult result;
  if (n == 0) throw std::invalid_argument("minimize: no variables");
  std::unique_ptr<nlopt_opt_s, decltype(&nlopt_destroy)> opt(nlopt_create(NLOPT_LN_COBYLA, n), &nlopt_destroy);
  if (!opt) throw std::runtime_error("NLopt could not create a COBYLA search");
  Search search{&p, &f, &result};
  // A stop request ends the search at the next evaluation.
  OptimizeFunction guarded = [&](const std::vector<double>& x) {
    if (p.stop && p.stop->load()) {
      result.interrupted = true;
      nlopt_force_stop(opt.get());
      return std::pair<double, std::vector<double>>{HUGE_VAL, std::vector<double>(p.constraints, HUGE_VAL)};
    }
    return f(x);
  };
  search.f = &guarded;
  const std::vector<double> lo(n, 0.0), hi(n, 1.0), step(n, 0.25), tol(n, p.tolerance);
  nlopt_set_lower_bounds(opt.get(), lo.data());
  nlopt_set_upper_bounds(opt.get(), hi.data());
  nlopt_set_min_objective(opt.get(), objective, &search);
  if (p.constraints > 0) {
    const std::vector<double> ctol(p.constraints, 0.0);
    nlopt_add_inequality_mconstraint(opt.get(), static_cast<unsigned>(p.constraints), constraints, &search, ctol.data());
  }
  nlopt_set_xtol_abs(opt.get(), tol.data());
  nlopt_set_maxeval(opt.get(), p.max_evaluations);
  nlopt_set_initial_step(opt.get(), step.data());
  std::vector<double> u(n);
  for (unsigned k = 0; k < n; ++k)
    u[k] = p.upper[k] > p.lower[k] ? std::clamp((p.start[k] - p.lower[k]) / (p.upper[k] - p.lower[k]), 0.0, 1.0) : 0.0;
  double value = 0;
  const nlopt_result r = nlopt_optimize(opt.get(), u.data(), &value);
  switch (r) {
    case NLOPT_MAXEVAL_REACHED: result.status = "the evaluation budget (max_evaluations) was used"; break;
    case NLOPT_XTOL_REACHED: result.status = "the steps fell below the tolerance"; break;
    case NLOPT_FTOL_REACHED: result.status = "the objective stopped improving"; break;
    case NLOPT_SUCCESS: result.status = "converged"; break;
    case NLOPT_FORCED_STOP: result.status = "stopped"; break;
    case NLOPT_ROUNDOFF_LIMITED: result.status = "limited by rounding"; break;
    default: result.status = "NLopt stopped with code " + std::to_string(static_cast<int>(r)); break;
  }
  if (result.interrupted) throw Interrupted();
  for (std::size_t i = 0; i < result.evaluations.size(); ++i) {
    const auto& e = result.evaluations[i];
    if (e.feasible && (result.best < 0 || e.objective < result.evaluations[static_cast<std::size_t>(result.best)].objective))
      result.best = static_cast<int>(i);
  }
  return result;
}

}  // namespace pfsim
