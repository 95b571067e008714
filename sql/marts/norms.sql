-- Plan norms (规划标准), from expectations/norms/*.yaml (config.norms, written by the config asset).
CREATE OR REPLACE TABLE marts.norms AS
SELECT norm_id, plan_id, source_document, indicator_code, comparator,
       threshold::DOUBLE AS threshold, threshold_high::DOUBLE AS threshold_high, range_high::DOUBLE AS range_high, tolerance::DOUBLE AS tolerance,
       unit, target_year::INTEGER AS target_year, scope_level, facility_type, condition, domain,
       trackable, untrackable_reason, quote, note, baseline_value::DOUBLE AS baseline_value,
       baseline_year::INTEGER AS baseline_year
FROM config.norms
ORDER BY plan_id, norm_id, target_year;

COMMENT ON TABLE marts.norms IS '规划标准 Every quantitative norm of the plans, one row per norm and milestone, with the exact quote';
COMMENT ON COLUMN marts.norms.norm_id IS '标准编号 Stable norm id';
COMMENT ON COLUMN marts.norms.source_document IS '来源文件 File name of the plan text';
COMMENT ON COLUMN marts.norms.indicator_code IS '指标代码 Indicator the norm is judged on (marts.indicators)';
COMMENT ON COLUMN marts.norms.comparator IS '比较 >=, >, <=, <, between, approximately, or a direction target without a number: increase (持续提升, 逐步提高) / decrease (稳步下降), judged by the trend';
COMMENT ON COLUMN marts.norms.threshold IS '标准值 Threshold (the lower bound for between; empty for increase / decrease)';
COMMENT ON COLUMN marts.norms.threshold_high IS '上限 Upper bound for between';
COMMENT ON COLUMN marts.norms.range_high IS '区间上限 Upper end of a range the plan prints but is judged at its lower end (每万人配置1—2台AED: threshold 1, range_high 2); going above it is not a breach';
COMMENT ON COLUMN marts.norms.tolerance IS '容差 Tolerance for approximately';
COMMENT ON COLUMN marts.norms.unit IS '单位 Unit of the threshold (the indicator''s unit)';
COMMENT ON COLUMN marts.norms.target_year IS '目标年份 Year by which the threshold applies (one row per milestone)';
COMMENT ON COLUMN marts.norms.scope_level IS '评价层级 Level the norm is judged at: prefecture, county, township, village or facility';
COMMENT ON COLUMN marts.norms.facility_type IS '机构类别 Facility type the norm applies to, if any';
COMMENT ON COLUMN marts.norms.condition IS '适用条件 Condition limiting the units the norm applies to (JSON), if any';
COMMENT ON COLUMN marts.norms.domain IS '领域 Domain of the norm';
COMMENT ON COLUMN marts.norms.trackable IS '可追踪 Whether data can track the norm';
COMMENT ON COLUMN marts.norms.untrackable_reason IS '不可追踪原因 Why data cannot track it';
COMMENT ON COLUMN marts.norms.quote IS '原文 Exact quote from the plan text';
COMMENT ON COLUMN marts.norms.note IS '说明 Interpretation note, where the value is not read literally';
COMMENT ON COLUMN marts.norms.baseline_value IS '基线值 Baseline value given by the plan';
COMMENT ON COLUMN marts.norms.baseline_year IS '基线年份 Year of the baseline';
