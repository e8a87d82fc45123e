-- Staging: landed indicator rows with the run they were landed in and the region's place
-- in the hierarchy. One row per indicators row.
select
    i.*,                          -- region_level is the row's own (a town outside the gazetteer is a place)
    r.parent as region_parent,
    runs.started_at as landed_at
from indicators i
left join dim_region r on r.name = i.region
left join runs on runs.run_id = i.run_id
