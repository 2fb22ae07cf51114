#include "run/summarize.h"

namespace pfsim {

RunSummary summarize_run(const PensionModel& model, const PathSample& sample, const RunConfig& cfg, int threads,
                         const std::atomic<bool>* stop) {
  RunSummary s;
  s.year = summarize_year_metrics(sample, cfg.run.quantiles, cfg.run.confidence, threads, stop);
  s.scalar = summarize_scalars(sample, cfg.run.quantiles, cfg.run.confidence, threads, stop);
  s.risk = build_risk_report(model, sample, cfg.run.confidence);
  s.central = model.central_path();
  return s;
}

}  // namespace pfsim
