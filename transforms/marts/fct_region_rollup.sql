-- Every fact under each of its region's ancestors: "which zones of 浙江省 reported
-- 发明专利授权量 for 2022" is `where ancestor = '浙江省' and region_level = 'zone'`.
with recursive chain(region, ancestor, depth) as (
    select name, name, 0 from dim_region
    union all
    select chain.region, r.parent, chain.depth + 1
    from chain join dim_region r on r.name = chain.ancestor
    where r.parent is not null and chain.depth < 6
)
select chain.ancestor, chain.depth, r.level as region_level, f.*
from fct_facts f
join chain on chain.region = f.region
join dim_region r on r.name = f.region
