-- Yearly facility statistics (机构年报): one row per facility and year, for a facility in the registry.
CREATE OR REPLACE TEMP TABLE facility_stats_checked AS
WITH numbered AS (
    SELECT s.*, row_number() OVER w AS nth, first_value(s._file || ' row ' || s._row) OVER w AS first_seen
    FROM raw.facility_stats AS s
    WINDOW w AS (PARTITION BY s.facility_id, s.year ORDER BY s._file, s._row)
)
SELECT
    * EXCLUDE (nth, first_seen, _problems),
    list_concat(_problems, occurred([
        CASE WHEN facility_id NOT IN (SELECT facility_id FROM staging.facilities) THEN problem('facility_id', 'unknown_facility',
            format('机构代码 (facility_id) {} is not in the facility registry', facility_id)) END,
        CASE WHEN facility_id IS NOT NULL AND year IS NOT NULL AND nth > 1 THEN problem('facility_id', 'duplicate',
            format('statistics of {} for {} are already given at {}', facility_id, year, first_seen)) END
    ])) AS _problems
FROM numbered;
