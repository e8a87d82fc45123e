-- One fact per (region, entity, indicator, measure, period, target): the figure as all pages
-- print it. status:
--   single     one page, one value;
--   agreed     several pages, all values within rounding (0.5%);
--   conflict   pages disagree, each page printing one value: a real disagreement of sources;
--   ambiguous  one page prints several values under the key: the name does not tell those
--              figures apart (企业数量 for 15 and 210 firms of different kinds), an
--              extraction limit, not a disagreement.
-- A conflict or an ambiguity keeps every distinct value and its page visible
-- (value_sources); value is null then, never a silent pick. Figures nothing on their page
-- names (indicator null) are rows of `indicators`, not facts.
with keyed as (
    select *,
           count(distinct value_base) over (partition by region, entity, indicator, measure, period, target,
                                                         unit_base, doc) as values_on_page
    from stg_indicators
    where indicator is not null
),
grouped as (
    select
        region, entity, indicator, measure, period, target, unit_base,
        count(distinct doc)                                  as n_docs,
        max(values_on_page)                                  as max_values_on_page,
        min(value_base)                                      as min_value,
        max(value_base)                                      as max_value,
        list(distinct value_base order by value_base)        as distinct_values,
        list(distinct doc || ': ' || cast(value_base as varchar) order by doc || ': ' || cast(value_base as varchar)) as value_sources,
        list(indicator_id order by indicator_id)             as indicator_ids,
        list(distinct doc order by doc)                      as docs,
        arg_min(run_id, landed_at)                           as first_run,
        arg_max(run_id, landed_at)                           as last_run
    from keyed
    group by region, entity, indicator, measure, period, target, unit_base
)
select
    region, entity, indicator, measure, period, target,
    case when max_value - min_value <= 0.005 * greatest(abs(max_value), abs(min_value))
         then max_value end                                  as value,
    unit_base, n_docs, distinct_values, value_sources, indicator_ids, docs, first_run, last_run,
    case when max_value - min_value <= 0.005 * greatest(abs(max_value), abs(min_value))
              then (case when n_docs > 1 then 'agreed' else 'single' end)
         when max_values_on_page > 1 then 'ambiguous'
         else 'conflict' end                                 as status
from grouped
