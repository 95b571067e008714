-- Indicator catalog (指标目录), from expectations/indicators.yaml (config.indicators, written by the config asset).
CREATE OR REPLACE TABLE marts.indicators AS
SELECT indicator_code, name_zh, name_en, unit, unit_multiplier::DOUBLE AS unit_multiplier, level, domain,
       numerator, denominator, source, higher_is_better, description
FROM config.indicators
ORDER BY indicator_code;

COMMENT ON TABLE marts.indicators IS '指标目录 Indicators the plans'' norms use, and how each is computed (expectations/indicators.yaml)';
COMMENT ON COLUMN marts.indicators.indicator_code IS '指标代码 Stable indicator code';
COMMENT ON COLUMN marts.indicators.name_zh IS '指标名称 Chinese name';
COMMENT ON COLUMN marts.indicators.name_en IS 'Indicator name in English';
COMMENT ON COLUMN marts.indicators.unit IS '单位 Unit code';
COMMENT ON COLUMN marts.indicators.unit_multiplier IS '倍数 Multiplier applied to numerator / denominator (1000 for per 1,000, 100 for percent …)';
COMMENT ON COLUMN marts.indicators.level IS '评价层级 region or facility';
COMMENT ON COLUMN marts.indicators.domain IS '领域 resources, workforce, public_health_outcomes, primary_care, emergency_care, tcm, other';
COMMENT ON COLUMN marts.indicators.numerator IS '分子 Numerator measure';
COMMENT ON COLUMN marts.indicators.denominator IS '分母 Denominator measure; empty for counts';
COMMENT ON COLUMN marts.indicators.source IS '来源 Where the figures come from: public_health when reported, otherwise computed from the registry';
COMMENT ON COLUMN marts.indicators.higher_is_better IS '越高越好 Whether a higher value is better';
COMMENT ON COLUMN marts.indicators.description IS '说明 How the indicator is computed';
