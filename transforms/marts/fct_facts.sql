-- One fact per (region, entity, indicator, measure, period, target): the figure as all pages
-- print it. status: single (one source), agreed (all values within rounding, 0.5%),
-- conflict (sources disagree). A conflict keeps every distinct value and its sources
-- visible (value_sources); value is null then, never a silent pick.
with grouped as (
    select
        region, entity, indicator, measure, period, target, unit_base,
        count(distinct doc)                                  as n_docs,
        min(value_base)                                      as min_value,
        max(value_base)                                      as max_value,
        list(distinct value_base order by value_base)        as distinct_values,
        list(distinct doc || ': ' || cast(value_base as varchar) order by doc || ': ' || cast(value_base as varchar)) as value_sources,
        list(indicator_id order by indicator_id)             as indicator_ids,
        list(distinct doc order by doc)                      as docs,
        arg_min(run_id, landed_at)                           as first_run,
        arg_max(run_id, landed_at)                           as last_run
    from stg_indicators
    where indicator is not null   -- a figure nothing on its page names is a row of indicators, not a fact
    group by region, entity, indicator, measure, period, target, unit_base
)
select
    region, entity, indicator, measure, period, target,
    case when max_value - min_value <= 0.005 * greatest(abs(max_value), abs(min_value))
         then max_value end                                  as value,
    unit_base, n_docs, distinct_values, value_sources, indicator_ids, docs, first_run, last_run,
    case when max_value - min_value > 0.005 * greatest(abs(max_value), abs(min_value)) then 'conflict'
         when n_docs > 1 then 'agreed'
         else 'single' end                                   as status
from grouped
