-- What is filed per region each year (地区填报度量), long form: region_code, year, measure, value: population
-- and the reported numerators and denominators (staging.region_filed), for every region in force and each of
-- its ancestors. One rule: a region's own figure is used where it has one; otherwise its nearest
-- descendants' figures are summed, so nothing is counted twice.
-- Its own table so that a changed facility report does not roll the population up the tree again;
-- staging.region_measures holds it beside the facility sums.
CREATE OR REPLACE TABLE staging.region_filed_measures AS
WITH filed AS (
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
SELECT region_code, year, measure, sum(value) AS value FROM nearest GROUP BY ALL;

COMMENT ON TABLE staging.region_filed_measures IS '地区填报度量 Population and the reported numerators and denominators of each region and its ancestors, per year: a region''s own figure where it files one, else the sum of its nearest descendants'' figures';
