-- Health personnel (卫生人员): one row per person and year, in a facility of the registry.
-- A person is known by staff_id or, failing that, by the keyed hash of the ID number (never the number itself).
CREATE OR REPLACE TEMP TABLE staff_checked AS
WITH keyed AS (
    SELECT s.* EXCLUDE (staff_id, id_number), coalesce(s.staff_id, 'id:' || s.id_number) AS person_key
    FROM raw.staff AS s
),
numbered AS (
    SELECT *, row_number() OVER w AS nth, first_value(_file || ' row ' || _row) OVER w AS first_seen
    FROM keyed
    WINDOW w AS (PARTITION BY person_key, year ORDER BY _file, _row)
)
SELECT
    * EXCLUDE (nth, first_seen, _problems),
    list_concat(_problems, occurred([
        CASE WHEN person_key IS NULL THEN problem('staff_id', 'required',
            '人员编码 (staff_id) and 身份证号 (id_number) are both empty: one of them is required') END,
        CASE WHEN facility_id NOT IN (SELECT facility_id FROM staging.facilities) THEN problem('facility_id', 'unknown_facility',
            format('机构代码 (facility_id) {} is not in the facility registry', facility_id)) END,
        -- the column that identifies the person: staff_id, or the ID number when there is no staff_id
        CASE WHEN person_key IS NOT NULL AND year IS NOT NULL AND nth > 1 THEN problem(
            CASE WHEN starts_with(person_key, 'id:') THEN 'id_number' ELSE 'staff_id' END, 'duplicate',
            format('this person ({}) is already listed for {} at {}',
                   CASE WHEN starts_with(person_key, 'id:') THEN '身份证号 id_number' ELSE '人员编码 staff_id ' || person_key END,
                   year, first_seen)) END
    ])) AS _problems
FROM numbered;
