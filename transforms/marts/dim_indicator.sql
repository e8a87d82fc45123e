-- The indicator names the extractor gives, as transforms.gazetteer.indicator_names derives
-- them from transforms/reference/: each dictionary indicator (indicators.csv), each with a
-- flow and/or tier qualifier (新增, 国家级: indicator_forms.csv), and each level one with
-- each measure suffix (增速 growth, 占比 share, 排名 rank, 增加额 growth). One row per name,
-- the first indicator giving it; synonyms (|-separated) on an indicator's own name only.
select name, base, qualifier, measure, unit_base, category, synonyms
from reference_indicator_names
