-- Region-level indicators (地区指标值): every region-level indicator of the catalog for every
-- township, county and prefecture and every year with data, and for every village the indicators a
-- norm judges villages on. Rates are computed from the region's
-- summed numerator and denominator, never by averaging the rates of its parts. A count (a norm's "at
-- least one …"; marts.measures.zero_when_absent) is 0 where there is none, not missing.
-- A rate whose numerator and denominator cover different parts of the region (staging.region_coverage: a
-- county with beds but no population row under a prefecture that files none itself) has no value: `reason`
-- says which parts, so a missing figure never turns into a plausible-looking wrong rate.
CREATE OR REPLACE TABLE marts.indicator_values AS
-- The distinct region-years first, then their level: grouping the 33 M rows on two keys, not on three after a
-- join, took 3.0 s with the join instead of 4.4 s at national scale.
WITH region_years AS (
    SELECT m.region_code, a.level, m.year
    FROM (SELECT DISTINCT region_code, year FROM staging.region_measures) AS m
    JOIN staging.region_ancestors AS a ON a.region_code = m.region_code AND a.depth = 0
    WHERE a.level IN ('township', 'county', 'prefecture', 'village')
),
village_indicators AS (
    SELECT DISTINCT indicator_code FROM marts.norms WHERE trackable AND scope_level = 'village'
),
indicators AS (
    SELECT
        indicator_code, unit, unit_multiplier, denominator IS NULL AS is_count,
        numerator IN (SELECT measure FROM marts.measures WHERE zero_when_absent) AS is_zero_when_absent,
        CASE WHEN source = 'public_health' THEN indicator_code || ':numerator' ELSE numerator END AS numerator_measure,
        CASE WHEN source = 'public_health' THEN indicator_code || ':denominator' ELSE denominator END AS denominator_measure
    FROM marts.indicators
    WHERE level = 'region'
),
-- Which indicators a region gets: every one for townships, counties and prefectures; a village only those
-- judged on villages. Two products, not one join on "not a village or a village indicator": that condition
-- was tested on every village × every indicator (261 million pairs at national scale) to keep a few.
pairs AS (
    SELECT ry.*, i.* FROM (FROM region_years WHERE level <> 'village') AS ry CROSS JOIN indicators AS i
    UNION ALL
    SELECT ry.*, i.* FROM (FROM region_years WHERE level = 'village') AS ry
    CROSS JOIN (FROM indicators WHERE indicator_code IN (SELECT indicator_code FROM village_indicators)) AS i
),
-- A value needs its numerator, except a count that is 0 where there is none (zero_when_absent). So the other
-- indicators start from the numerators there are (a join on the measure, against the 50 indicators), and only
-- the zero-when-absent ones from every region and year.
numerators AS (
    SELECT ry.*, i.*, m.value AS numerator
    FROM staging.region_measures AS m
    JOIN indicators AS i ON i.numerator_measure = m.measure
    JOIN region_years AS ry ON ry.region_code = m.region_code AND ry.year = m.year
    WHERE NOT i.is_zero_when_absent AND m.value IS NOT NULL
      AND (ry.level <> 'village' OR i.indicator_code IN (SELECT indicator_code FROM village_indicators))
    UNION ALL
    SELECT p.*, coalesce(m.value, 0) AS numerator
    FROM pairs AS p
    -- Only the measures the join can match: the planner hashes the right side of these joins, and all of
    -- region_measures (33 M rows at national scale) made them 8.5 of the model's 9 s.
    LEFT JOIN (FROM staging.region_measures
               WHERE measure IN (SELECT numerator_measure FROM indicators WHERE is_zero_when_absent)) AS m
      ON m.region_code = p.region_code AND m.year = p.year AND m.measure = p.numerator_measure
    WHERE p.is_zero_when_absent
),
computed AS (
    SELECT n.region_code, n.level, n.year, n.indicator_code, n.unit, n.unit_multiplier, n.is_count, n.numerator,
           CASE WHEN n.denominator_measure IN (SELECT measure FROM marts.measures WHERE zero_when_absent)
                THEN coalesce(den.value, 0) ELSE den.value END AS denominator
    FROM numerators AS n
    LEFT JOIN (FROM staging.region_measures WHERE measure IN (SELECT denominator_measure FROM indicators)) AS den
      ON den.region_code = n.region_code AND den.year = n.year AND den.measure = n.denominator_measure
)
SELECT
    c.region_code, c.level, c.year, c.indicator_code, c.numerator, c.denominator,
    CASE WHEN c.is_count THEN c.numerator
         WHEN g.reason IS NOT NULL THEN NULL
         ELSE rate(c.numerator, c.denominator, c.unit_multiplier) END AS value,
    c.unit,
    CASE WHEN c.is_count THEN NULL
         WHEN c.denominator IS NULL THEN '无分母数据 No denominator figure'
         WHEN g.reason IS NOT NULL THEN g.reason
         WHEN c.denominator = 0 THEN '分母为零 Denominator zero' END AS reason
FROM computed AS c
LEFT JOIN staging.region_coverage AS g USING (region_code, year, indicator_code)
WHERE c.numerator IS NOT NULL;
-- Not sorted: ordering ten million rows took 6 s of every national build; a query that needs an order says
-- ORDER BY.

COMMENT ON TABLE marts.indicator_values IS '地区指标值 Region indicator values: one row per region (township, county, prefecture), year and indicator; rates from summed numerators and denominators';
COMMENT ON COLUMN marts.indicator_values.region_code IS '区划代码 Region code in force (GB/T 2260); data filed under retired codes is included';
COMMENT ON COLUMN marts.indicator_values.level IS '区划级别 Region level: township, county or prefecture (village for the indicators a norm judges villages on)';
COMMENT ON COLUMN marts.indicator_values.year IS '年份 Year';
COMMENT ON COLUMN marts.indicator_values.indicator_code IS '指标代码 Indicator code (marts.indicators)';
COMMENT ON COLUMN marts.indicator_values.numerator IS '分子 Numerator, summed over the region (over the parts that have it, when reason says the parts do not match)';
COMMENT ON COLUMN marts.indicator_values.denominator IS '分母 Denominator, the region''s own figure or the sum of its nearest parts; empty for counts';
COMMENT ON COLUMN marts.indicator_values.value IS '指标值 Value = numerator / denominator × the unit''s multiplier (the numerator for counts); empty when the denominator is missing or zero, or when numerator and denominator cover different parts of the region (see reason)';
COMMENT ON COLUMN marts.indicator_values.unit IS '单位 Unit code (marts.indicators)';
COMMENT ON COLUMN marts.indicator_values.reason IS '原因 Why value is empty: no denominator figure, denominator zero, or numerator and denominator covering different parts of the region (which parts lack which figure); empty when there is a value';
