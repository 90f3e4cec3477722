"""Lifetime projection of pension rights, and what moving or switching scheme costs (养老保险权益测算与转移接续损失).

A contribution history (or plan) is a list of segments — years in a region under a scheme at a base index — from a
start year to the statutory retirement year. The projection runs on matrices (people × years), so one worker and a
million go through the same code. Rules applied:

- personal account: 8 % of the base each employee year, credited with the published 记账利率 for the year, then the
  assumed rate (`pension.employee.account_interest_assumption`); resident accounts: tier + subsidy, assumed interest;
- where the pension is paid (国办发〔2009〕66号 art. 6): the hukou province if the relationship is there at the end;
  else the last province with 10 counted years; else the hukou province. Years in a temporary account (men ≥ 50,
  women ≥ 40 starting in a non-hukou province, art. 5) do not count toward the 10 years;
- benefit (国发〔2005〕38号): the paying place's 计发基数 in the retirement year × (1 + average index) ÷ 2 × years × 1 %,
  plus account ÷ 计发月数; both grow with the wage-growth assumption beyond the last published figure;
- too few employee years at the statutory age (社会保险法 art. 16): the employee account and years move to the resident
  scheme (人社部发〔2014〕17号 art. 6; the pooled part stays behind) and the resident pension is paid if the combined
  years reach 15;
- portability loss (the paper's IV.3): the projected pension compared with the same history
  * without moves — every year in one place (`reference_region`, default the place of the question) paying the same
    yuan base, so the account is unchanged and only the rules on where and how the pension is paid differ;
  * without switches — resident years replaced by employee years at the floor index (60 %) in the same place, which
    costs more: the extra contributions are reported beside the loss;
  * without either (`portability_loss_monthly`).

Simplifications (documented, not law): contributions count by whole calendar years before the retirement year;
interest is credited on the opening balance each year; resident basic pensions are not grown.

parameters/projection, tests/rules/projection. Modules: schema (the history as an input), tables (yearly tables
and the history as matrices), arithmetic (the projection), variables.
"""

from gigcover.rules.projection import schema, variables
from gigcover.rules.projection.arithmetic import _accumulate
from gigcover.rules.projection.columns import HistoryColumns

__all__ = ["HistoryColumns", "_accumulate", "schema", "variables"]
