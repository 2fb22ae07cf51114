#pragma once
// Derivative-free constrained optimisation for `pfsim optimize`: COBYLA
// (Powell's linear-approximation method) from NLopt, a well-kept library
// packaged in Debian. The objective is evaluated on a fixed sample (common
// random numbers), so it is deterministic though noisy in the variables.
#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace pfsim {

struct OptimizeProblem {
  std::vector<double> lower, upper;  // bounds of each variable
  std::vector<double> start;         // the first point (within the bounds)
  std::size_t constraints = 0;       // how many c_i(x) <= 0 the evaluation returns
  int max_evaluations = 50;
  double tolerance = 1e-3;           // stop when a step moves every variable by less than this share of its range
  const std::atomic<bool>* stop = nullptr;
};

struct OptimizeEvaluation {
  std::vector<double> x;
  double objective = 0;              // minimised
  std::vector<double> constraints;   // feasible when each is <= 0
  bool feasible = false;
};

struct OptimizeResult {
  std::vector<OptimizeEvaluation> evaluations;  // in the order evaluated
  int best = -1;                                // the feasible evaluation with the lowest objective; -1: none
  std::string status;                           // why the search stopped
  bool interrupted = false;
};

// f(x) returns the objective and the constraint values of x. Each distinct
// x is evaluated once.
using OptimizeFunction = std::function<std::pair<double, std::vector<double>>(const std::vector<double>&)>;
OptimizeResult minimize(const OptimizeProblem& problem, const OptimizeFunction& f);

}  // namespace pfsim
