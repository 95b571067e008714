-- Roll-ups whose numerator and denominator do not cover the same units (分子分母覆盖不一致的汇总).
-- A rate above the unit its figures are filed for (a prefecture's beds per 1,000 from its counties' population)
-- is right only if every part counted in the numerator is counted in the denominator too. A gap is a region
-- that has one side of a rate and lacks a side that is filed per region (a county with beds but no population
-- row, e.g. because its rows were quarantined). The gap spoils every ancestor up to, not including, the first
-- one that files that figure itself (whose own figure covers the gap). marts.indicator_values publishes no
-- value for the spoiled ancestors and gives this table's reason instead of a plausible-looking wrong rate.
-- Facility sums (beds, staff) cover every facility of a region by construction: a part without facilities
-- counts 0, so only the filed side can be missing.
CREATE OR REPLACE TABLE staging.region_coverage AS
WITH rates AS (
    SELECT indicator_code,
           CASE WHEN source = 'public_health' THEN indicator_code || ':numerator' ELSE numerator END AS numerator_measure,
           CASE WHEN source = 'public_health' THEN indicator_code || ':denominator' ELSE denominator END AS denominator_measure
    FROM marts.indicators
    WHERE level = 'region' AND denominator IS NOT NULL
),
filed_measures AS (
    SELECT DISTINCT measure FROM staging.region_filed
),
-- (present, absent): a region with `present` must have `absent` too, `absent` being filed per region
sides AS (
    SELECT indicator_code, numerator_measure AS present, denominator_measure AS absent FROM rates
    WHERE denominator_measure IN (SELECT measure FROM filed_measures)
    UNION ALL
    SELECT indicator_code, denominator_measure, numerator_measure FROM rates
    WHERE numerator_measure IN (SELECT measure FROM filed_measures)
),
gaps AS (
    SELECT s.indicator_code, p.region_code, p.year, s.present, s.absent
    FROM sides AS s
    JOIN staging.region_measures AS p ON p.measure = s.present
    -- only the measures that can be absent: the planner hashes this side (all 33 M rows at national scale otherwise)
    ANTI JOIN (FROM staging.region_measures WHERE measure IN (SELECT absent FROM sides)) AS a
      ON a.region_code = p.region_code AND a.year = p.year AND a.measure = s.absent
),
-- the nearest ancestor that files the missing figure itself covers the gap from there up
covered AS (
    SELECT g.indicator_code, g.region_code, g.year, g.present, g.absent,
           min(a.depth) FILTER (WHERE f.region_code IS NOT NULL) AS cover_depth,
           any_value(a.ancestor_code) FILTER (WHERE a.depth = 1) AS parent_code
    FROM gaps AS g
    JOIN staging.region_ancestors AS a ON a.region_code = g.region_code AND a.depth > 0
    LEFT JOIN staging.region_filed AS f ON f.region_code = a.ancestor_code AND f.year = g.year AND f.measure = g.absent
    GROUP BY ALL
),
spoiled AS (
    SELECT a.ancestor_code AS region_code, c.year, c.indicator_code, c.region_code AS gap_code,
           coalesce(r.region_name, '') AS gap_name, c.present, c.absent,
           row_number() OVER (PARTITION BY a.ancestor_code, c.year, c.indicator_code ORDER BY c.region_code) AS n
    FROM covered AS c
    JOIN staging.region_ancestors AS a ON a.region_code = c.region_code AND a.depth > 0
    LEFT JOIN staging.regions AS r ON r.region_code = c.region_code
    -- a gap inside a part that is a gap itself is said by that part (a county without population, not its villages)
    LEFT JOIN gaps AS p
      ON p.region_code = c.parent_code AND p.year = c.year AND p.indicator_code = c.indicator_code AND p.absent = c.absent
    WHERE (c.cover_depth IS NULL OR a.depth < c.cover_depth)
      AND (p.region_code IS NULL OR c.parent_code = a.ancestor_code)
)
SELECT
    region_code, year, indicator_code,
    count(*) AS gap_units,
    list(gap_code ORDER BY gap_code) AS gap_codes,
    format('分子分母覆盖的单位不一致，不发布汇总值：{}{}。 Numerator and denominator cover different units, so no value is published: {}{}.',
           string_agg(format('{} {} 有 {} 无 {}', gap_name, gap_code, present, absent), '；' ORDER BY gap_code)
               FILTER (WHERE n <= 5),
           CASE WHEN count(*) > 5 THEN format(' 等 {} 个单位', count(*)) ELSE '' END,
           string_agg(format('{} {} has {} but no {}', gap_name, gap_code, present, absent), '; ' ORDER BY gap_code)
               FILTER (WHERE n <= 5),
           CASE WHEN count(*) > 5 THEN format(' and {} more', count(*) - 5) ELSE '' END) AS reason
FROM spoiled
GROUP BY region_code, year, indicator_code;

COMMENT ON TABLE staging.region_coverage IS '分子分母覆盖不一致 Roll-ups whose numerator and denominator do not cover the same units: no value is published for them (marts.indicator_values.reason)';
COMMENT ON COLUMN staging.region_coverage.region_code IS '区划代码 Region whose rate is a roll-up over parts that do not match';
COMMENT ON COLUMN staging.region_coverage.year IS '年份 Year';
COMMENT ON COLUMN staging.region_coverage.indicator_code IS '指标代码 Indicator (marts.indicators)';
COMMENT ON COLUMN staging.region_coverage.gap_units IS '缺口单位数 Parts that have one side of the rate and lack the other';
COMMENT ON COLUMN staging.region_coverage.gap_codes IS '缺口单位 Region codes of those parts';
COMMENT ON COLUMN staging.region_coverage.reason IS '原因 Why no value is published, naming the parts (Chinese, then English)';
