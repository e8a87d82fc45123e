-- The indicator dictionary (transforms/reference/indicators.csv): canonical name,
-- synonyms, unit_base, category, measure and plausible ranges per region level.
select *
from read_csv('{reference_dir}/indicators.csv', header = true, all_varchar = true)
