-- The gazetteer (transforms/reference/regions.csv, as transforms.gazetteer reads it): one row
-- per region, canonical name, level, parent and aliases. The extractor, the expectations and
-- the marts all read it.
select name, level, parent, aliases
from reference_regions
