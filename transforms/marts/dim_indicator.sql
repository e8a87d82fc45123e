-- The indicator names the extractor gives (transforms.gazetteer.indicator_names derives the
-- same; tests/test_marts.py checks they agree): each dictionary indicator
-- (transforms/reference/indicators.csv), each with a flow and/or tier qualifier (新增,
-- 国家级: indicator_forms.csv), and each level one with each measure suffix (增速 growth,
-- 占比 share, 排名 rank, 增加额 growth). One row per name, the first indicator giving it.
with indicators as (
    select row_number() over () as ord, *
    from read_csv('{reference_dir}/indicators.csv', header = true, all_varchar = true)
),
forms as (
    select * from read_csv('{reference_dir}/indicator_forms.csv', header = true, all_varchar = true)
),
qualifiers as (
    select '' as qualifier
    union all select form from forms where kind in ('flow', 'tier')
    union all select f.form || t.form from forms f, forms t where f.kind = 'flow' and t.kind = 'tier'
),
qualified as (
    select i.ord, q.qualifier || i.name as name, i.name as base, q.qualifier, i.measure, i.unit_base,
           i.category, case when q.qualifier = '' then i.synonyms end as synonyms
    from indicators i, qualifiers q
),
named as (
    select ord, name, base, qualifier, measure, unit_base, category, synonyms from qualified
    union all
    select q.ord, q.name || s.form, q.base, q.qualifier, s.measure,
           case when s.measure = 'rank' then '名' when s.form = '增加额' then q.unit_base else '%' end,
           q.category, null
    from qualified q, forms s
    where s.kind = 'suffix' and q.measure = 'level'
)
select name, base, qualifier, measure, unit_base, category, synonyms
from named
qualify row_number() over (partition by name order by ord, length(qualifier), measure) = 1
