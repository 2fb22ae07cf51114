#pragma once
// What the scheme part reports for a path each year: its income and
// expenditure by kind, members, contributors and pensioners, the average
// pension and replacement rate, the account liability, and the rates it
// applied (average wage, indexation, crediting).
#include "core/metrics.h"
#include "models/outputs.h"
#include "models/scheme/scheme.h"

namespace pfsim {

class SchemeOutputs {
 public:
  explicit SchemeOutputs(OutputRegistry& outputs);
  void record(int t, const SchemeFlows& f, PathRecord& rec) const;

 private:
  std::size_t income_, expenditure_, surplus_, pooling_, account_, subsidy_, basic_, transitional_, account_benefits_,
      overdraft_, refunds_, transfers_out_, admin_, contributors_, members_, pensioners_, new_pensioners_, dependency_,
      replacement_, average_pension_, liability_, average_wage_, indexation_, crediting_;
};

}  // namespace pfsim
