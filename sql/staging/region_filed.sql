-- Figures filed per region (按地区填报的数字), long form: population figures and the reported numerators and
-- denominators of public-health statistics, each under the region (code in force) it was filed for.
-- staging.region_measures rolls them up; staging.region_coverage checks that a rate's parts cover the same units.
CREATE OR REPLACE TABLE staging.region_filed AS
UNPIVOT (
    SELECT region_code, year, resident_population::DOUBLE AS resident_population,
           population_65_plus::DOUBLE AS population_65_plus, live_births::DOUBLE AS live_births
    FROM staging.population
) ON COLUMNS(* EXCLUDE (region_code, year)) INTO NAME measure VALUE value
UNION ALL
SELECT region_code, year, indicator_code || ':numerator', coalesce(numerator, value)
FROM staging.public_health WHERE coalesce(numerator, value) IS NOT NULL
UNION ALL
SELECT region_code, year, indicator_code || ':denominator', denominator FROM staging.public_health WHERE denominator IS NOT NULL;

COMMENT ON TABLE staging.region_filed IS '按地区填报的数字 Figures filed per region: population and reported public-health numerators and denominators, one row per region, year and measure';
COMMENT ON COLUMN staging.region_filed.region_code IS '区划代码 Region the figure was filed for (code in force)';
COMMENT ON COLUMN staging.region_filed.year IS '年份 Year';
COMMENT ON COLUMN staging.region_filed.measure IS '度量 Measure (marts.measures), or <indicator>:numerator / <indicator>:denominator for reported figures';
COMMENT ON COLUMN staging.region_filed.value IS '数值 The figure as filed';
