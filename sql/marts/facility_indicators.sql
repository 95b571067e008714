-- Facility indicators (机构指标值), long form: every facility-level indicator of the catalog for every
-- facility and year with its numerator (public-health staff share, nurses per bed, TCM bed share,
-- floor area per served resident, bandwidth …), computed from staging.facility_measures.
CREATE OR REPLACE TABLE marts.facility_indicators AS
WITH indicators AS (
    SELECT indicator_code, unit, unit_multiplier, numerator, denominator
    FROM marts.indicators
    WHERE level = 'facility'
),
computed AS (
    SELECT num.facility_id, num.year, i.indicator_code, i.unit, i.unit_multiplier, i.denominator IS NULL AS is_count,
           num.value AS numerator, den.value AS denominator
    FROM indicators AS i
    JOIN staging.facility_measures AS num ON num.measure = i.numerator
    -- only the denominators' measures: the planner hashes this side, and every facility measure (30 M rows
    -- at national scale) made the join half the model's time
    LEFT JOIN (FROM staging.facility_measures WHERE measure IN (SELECT denominator FROM indicators)) AS den
      ON den.facility_id = num.facility_id AND den.year = num.year AND den.measure = i.denominator
)
SELECT
    facility_id, year, indicator_code, numerator,
    CASE WHEN is_count THEN NULL ELSE denominator END AS denominator,
    CASE WHEN is_count THEN numerator
         ELSE rate(numerator, denominator, unit_multiplier) END AS value,
    unit
FROM computed;
-- Not sorted, unlike the smaller marts: ordering 16 million rows took 10 s of every national build; a query
-- that needs an order says ORDER BY.

COMMENT ON TABLE marts.facility_indicators IS '机构指标值 Facility indicators: one row per facility, year and facility-level indicator of the catalog';
COMMENT ON COLUMN marts.facility_indicators.facility_id IS '机构代码 Facility id (marts.dim_facility)';
COMMENT ON COLUMN marts.facility_indicators.year IS '年份 Year';
COMMENT ON COLUMN marts.facility_indicators.indicator_code IS '指标代码 Indicator code (marts.indicators)';
COMMENT ON COLUMN marts.facility_indicators.numerator IS '分子 Numerator';
COMMENT ON COLUMN marts.facility_indicators.denominator IS '分母 Denominator; empty for counts';
COMMENT ON COLUMN marts.facility_indicators.value IS '指标值 numerator / denominator × the unit''s multiplier; empty when the denominator is zero or missing';
COMMENT ON COLUMN marts.facility_indicators.unit IS '单位 Unit code';
