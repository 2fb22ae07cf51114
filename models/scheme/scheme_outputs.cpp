#include "models/scheme/scheme_outputs.h"

#include "models/units.h"

namespace pfsim {

SchemeOutputs::SchemeOutputs(OutputRegistry& o) {
  using units::kMoney;
  income_ = o.year("income", kMoney, "contributions plus the subsidy rule (not investment income, not the backstop)");
  expenditure_ = o.year("expenditure", kMoney, "benefits + refunds + transfers out + administrative costs");
  surplus_ = o.year("surplus", kMoney, "income - expenditure");
  pooling_ = o.year("contributions_pooling", kMoney, "pooling contributions (employers)");
  account_ = o.year("contributions_account", kMoney, "personal account contributions (individuals)");
  subsidy_ = o.year("subsidy", kMoney, "fiscal subsidy by its rule");
  basic_ = o.year("benefits_basic", kMoney, "basic pensions paid (pooling), indexed");
  transitional_ = o.year("benefits_transitional", kMoney, "transitional pensions for pre-1997 service paid (pooling), indexed");
  account_benefits_ = o.year("benefits_account", kMoney, "account pensions paid, including the overdraft");
  overdraft_ = o.year("overdraft", kMoney, "account pensions paid by pooling after the balance ran out");
  refunds_ = o.year("refunds", kMoney, "account balances of members and pensioners who died, paid to heirs");
  transfers_out_ = o.year("transfers_out", kMoney, "account balances refunded to retirees without the minimum contribution years");
  admin_ = o.year("admin_costs", kMoney, "administrative costs");
  contributors_ = o.year("contributors", "persons", "contributors at 31 December");
  members_ = o.year("members", "persons", "insured members of working status at 31 December");
  pensioners_ = o.year("pensioners", "persons", "pensioners at 31 December");
  new_pensioners_ = o.year("new_pensioners", "persons", "pensions awarded during the year");
  dependency_ = o.year("system_dependency", "ratio", "pensioners / contributors at 31 December");
  replacement_ = o.year("replacement_rate", "ratio", "average pension in payment / average wage of the year");
  average_pension_ = o.year("average_pension", kMoney, "benefits / pensioner-years");
  liability_ = o.year("account_liability", kMoney, "members' and pensioners' personal account balances at 31 December");
  average_wage_ = o.year("average_wage", kMoney, "social average wage of the year");
  indexation_ = o.year("indexation", "rate", "increase of pensions in payment in January");
  crediting_ = o.year("crediting_rate", "rate", "personal account crediting rate");
}

void SchemeOutputs::record(int t, const SchemeFlows& f, PathRecord& rec) const {
  rec.at(income_, t) = f.income();
  rec.at(expenditure_, t) = f.expenditure();
  rec.at(surplus_, t) = f.income() - f.expenditure();
  rec.at(pooling_, t) = f.contributions_pooling;
  rec.at(account_, t) = f.contributions_account;
  rec.at(subsidy_, t) = f.subsidy;
  rec.at(basic_, t) = f.benefits_basic;
  rec.at(transitional_, t) = f.benefits_transitional;
  rec.at(account_benefits_, t) = f.benefits_account;
  rec.at(overdraft_, t) = f.overdraft;
  rec.at(refunds_, t) = f.refunds;
  rec.at(transfers_out_, t) = f.transfers_out;
  rec.at(admin_, t) = f.admin_costs;
  rec.at(contributors_, t) = f.contributors;
  rec.at(members_, t) = f.members;
  rec.at(pensioners_, t) = f.pensioners;
  rec.at(new_pensioners_, t) = f.new_pensioners;
  rec.at(dependency_, t) = f.contributors > 0 ? f.pensioners / f.contributors : 0.0;
  const double average_pension = pfsim::average_pension(f);
  rec.at(average_pension_, t) = average_pension;
  rec.at(replacement_, t) = f.average_wage > 0 ? average_pension / f.average_wage : 0.0;
  rec.at(liability_, t) = f.account_liability;
  rec.at(average_wage_, t) = f.average_wage;
  rec.at(indexation_, t) = f.indexation;
  rec.at(crediting_, t) = f.crediting_rate;
}

}  // namespace pfsim
