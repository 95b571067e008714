-- The benchmark's floor: DuckDB alone reads every input file of the inbox ({inbox}) and computes the region
-- indicators (township, county, prefecture and province × year) in one statement: the registry-based
-- rates (beds, physicians, nurses, GPs per resident; ambulances per 30,000) and the reported public-health
-- rates, numerators and denominators summed up the region tree. No typing of bad cells, no quarantine, no
-- validation, no publishing: what the hardware needs to read the same bytes and do the same sums.
-- (Reported rates are scaled per 100 whatever their unit: the cost is the same.)
CREATE TABLE floor_indicator_values AS
WITH RECURSIVE regions AS (
    SELECT region_code, parent_code FROM read_csv('{inbox}/regions*.csv', all_varchar = true)
),
chain(region_code, ancestor) AS (  -- every region with itself and each of its ancestors
    SELECT region_code, region_code FROM regions
    UNION ALL
    SELECT c.region_code, r.parent_code FROM chain AS c JOIN regions AS r ON r.region_code = c.ancestor
    WHERE r.parent_code IS NOT NULL
),
facilities AS (
    SELECT "机构代码" AS facility_id, "区划代码" AS region_code FROM read_csv('{inbox}/facilities*.csv', all_varchar = true)
),
stats AS (
    SELECT "机构代码" AS facility_id, "年份"::INTEGER AS year, "床位数"::BIGINT AS beds, "救护车数"::BIGINT AS ambulances
    FROM read_csv('{inbox}/facility_stats*.csv', all_varchar = true)
),
-- Staff rolls come as tidy exports (staff_*.csv: 人员类别, 专业 as words) and as the workforce form
-- (卫健统2表_<group>_<year>.csv: a title row, the form's codes, the year in the file name).
staff_people AS (
    SELECT "机构代码" AS facility_id, "年份"::INTEGER AS year,
           "人员类别" IN ('执业医师', '执业助理医师') AS physician, "人员类别" = '注册护士' AS nurse,
           "专业" = '全科医学' AS gp_scope  -- the generator writes the one-word specialty (专业)
    FROM read_csv('{inbox}/staff*.csv', all_varchar = true)
    UNION ALL
    SELECT "机构编码", regexp_extract(filename, '_(\d{4})\.csv$', 1)::INTEGER,
           "从事专业类别代码" IN ('11', '12'), "从事专业类别代码" = '21', "医师执业范围代码" = '21'
    -- the columns are given: with skip and a sniffer DuckDB 2.0 took 70 s for these 168 files, 1 s without
    FROM read_csv('{inbox}/卫健统2表_*.csv', skip = 1, header = true, auto_detect = false, delim = ',', quote = '"',
                  filename = true, columns = {'机构编码': 'VARCHAR', '姓名': 'VARCHAR', '身份证件号码': 'VARCHAR',
                  '从事专业类别代码': 'VARCHAR', '医师执业类别代码': 'VARCHAR', '医师执业范围代码': 'VARCHAR', '科室实际名称': 'VARCHAR'})
),
staff AS (
    SELECT facility_id, year, count(*) FILTER (WHERE physician) AS physicians, count(*) FILTER (WHERE nurse) AS nurses,
           count(*) FILTER (WHERE physician AND gp_scope) AS gps
    FROM staff_people
    GROUP BY ALL
),
by_facility AS (
    SELECT facility_id, year, s.beds, s.ambulances, p.physicians, p.nurses, p.gps
    FROM stats AS s FULL JOIN staff AS p USING (facility_id, year)
),
measures AS (
    SELECT c.ancestor AS region_code, b.year,
           sum(beds) AS beds, sum(ambulances) AS ambulances, sum(physicians) AS physicians,
           sum(nurses) AS nurses, sum(gps) AS gps
    FROM by_facility AS b JOIN facilities AS f USING (facility_id) JOIN chain AS c ON c.region_code = f.region_code
    GROUP BY ALL
),
population AS (  -- a region's own figure, else the sum of its counties' (prefectures, provinces)
    SELECT "区划代码" AS region_code, "年份"::INTEGER AS year, "常住人口"::BIGINT AS residents
    FROM read_csv('{inbox}/population*.csv', all_varchar = true)
),
denominators AS (
    SELECT region_code, year, residents FROM population
    UNION ALL
    SELECT c.ancestor, p.year, sum(p.residents)
    FROM population AS p JOIN chain AS c ON c.region_code = p.region_code AND c.ancestor <> p.region_code
    WHERE length(p.region_code) = 6
    GROUP BY ALL
),
registry AS (
    SELECT m.region_code, m.year, u.indicator_code, u.numerator, d.residents AS denominator, u.per
    FROM measures AS m JOIN denominators AS d USING (region_code, year),
    LATERAL (VALUES ('beds_per_1k', m.beds, 1000), ('physicians_per_1k', m.physicians, 1000),
                    ('nurses_per_1k', m.nurses, 1000), ('gps_per_10k', m.gps, 10000),
                    ('ambulances_per_30k', m.ambulances, 30000)) AS u(indicator_code, numerator, per)
),
reported AS (
    SELECT c.ancestor AS region_code, "年份"::INTEGER AS year, "指标代码" AS indicator_code,
           sum("分子"::DOUBLE) AS numerator, sum("分母"::DOUBLE) AS denominator, 100 AS per
    FROM read_csv('{inbox}/public_health*.csv', all_varchar = true) AS h
    JOIN chain AS c ON c.region_code = h."区划代码"
    GROUP BY ALL
)
SELECT region_code, year, indicator_code, numerator, denominator, numerator * per / nullif(denominator, 0) AS value
FROM (SELECT * FROM registry UNION ALL SELECT * FROM reported);
