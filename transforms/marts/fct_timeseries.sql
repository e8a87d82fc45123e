-- Outcomes (not targets) of each (region, indicator, measure) ordered by period:
-- "GDP of 杭州高新区(滨江) by period".
select region, entity, indicator, measure, period, value, unit_base, status, n_docs, docs
from fct_facts
where not target and period is not null
order by region, entity, indicator, measure, period
