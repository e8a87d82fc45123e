-- The gazetteer (transforms/reference/regions.csv): one row per region, canonical name,
-- level, parent and aliases. The extractor, the expectations and the marts all read it.
select name, level, nullif(parent, '') as parent, aliases
from read_csv('{reference_dir}/regions.csv', header = true, all_varchar = true)
