-- What each region's reports say each year (地区报表度量), long form: region_code, year, measure, value, for
-- every region in force and each of its ancestors: everything but the staff counts
-- (staging.region_staff_measures); staging.region_measures holds both.
-- Facility report figures and registry counts add up over every facility in the region; region attributes
-- (staging.region_attributes) are the region's own. Figures filed per region (population,
-- reported numerators and denominators) follow one rule: a region's own figure is used where it has
-- one; otherwise its nearest descendants' figures are summed, so nothing is counted twice.
CREATE OR REPLACE TABLE staging.region_report_measures AS
WITH facility_figures AS (
    SELECT facility_id, year, measure, value FROM staging.facility_report_measures
    WHERE measure NOT IN (SELECT measure FROM marts.measures WHERE role = 'flag' OR measure = 'grade_level')
    UNION ALL
    SELECT facility_id, year, measure, value FROM staging.registry_counts
),
facility_totals AS (
    SELECT a.ancestor_code AS region_code, m.year, m.measure, sum(m.value) AS value
    FROM facility_figures AS m
    JOIN staging.facilities AS f ON f.facility_id = m.facility_id
    JOIN staging.region_ancestors AS a ON a.region_code = f.region_code
    GROUP BY ALL
),
filed AS (
    SELECT region_code, year, measure, value FROM staging.region_filed
),
-- A figure reported as a value alone (life expectancy) describes its own region only: it is never summed.
own_only AS (
    SELECT indicator_code || ':numerator' AS measure
    FROM marts.indicators
    WHERE source = 'public_health' AND denominator IS NULL
),
-- How far up the tree each filed figure counts: below its nearest ancestor that files the same figure
-- (from there on, that ancestor's own figure is used instead).
-- Materialised so the planner joins each figure to its ancestors first: joining the figures to one another
-- on year and measure first (which it may choose) multiplies them into hundreds of millions of rows.
filed_ancestors AS MATERIALIZED (
    SELECT f.region_code, f.year, f.measure, a.ancestor_code, a.depth
    FROM filed AS f
    JOIN staging.region_ancestors AS a ON a.region_code = f.region_code AND a.depth > 0
),
covered AS (
    SELECT fa.region_code, fa.year, fa.measure, min(fa.depth) AS cover_depth
    FROM filed_ancestors AS fa
    JOIN filed AS g ON g.region_code = fa.ancestor_code AND g.year = fa.year AND g.measure = fa.measure
    GROUP BY ALL
),
nearest AS (
    SELECT a.ancestor_code AS region_code, f.year, f.measure, f.value
    FROM filed AS f
    JOIN staging.region_ancestors AS a ON a.region_code = f.region_code
    LEFT JOIN covered AS c ON c.region_code = f.region_code AND c.year = f.year AND c.measure = f.measure
    WHERE (c.cover_depth IS NULL OR a.depth < c.cover_depth)
      AND (a.depth = 0 OR f.measure NOT IN (SELECT measure FROM own_only))
)
SELECT region_code, year, measure, value FROM facility_totals
UNION ALL
SELECT region_code, year, measure, value FROM staging.region_attributes
UNION ALL
SELECT region_code, year, measure, sum(value) FROM nearest GROUP BY ALL;

COMMENT ON TABLE staging.region_report_measures IS '地区报表度量 Every figure of the facility reports and the registry summed up each region and its ancestors, per year, with the regions'' attributes, population and reported figures; the staff counts are in staging.region_staff_measures';
