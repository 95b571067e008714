-- Health personnel (卫生人员): one row per person and year, in a facility of the registry.
-- A person is known by staff_id or, failing that, by the keyed hash of the ID number (never the number
-- itself). The other rules (registry, one row per person and year) are in expectations/quality/staff.yaml.
CREATE OR REPLACE TEMP TABLE staff_checked AS
WITH keyed AS (
    SELECT s.* EXCLUDE (staff_id, id_number), coalesce(s.staff_id, 'id:' || s.id_number) AS person_key
    FROM raw.staff AS s
)
SELECT
    * EXCLUDE (_problems),
    list_concat(_problems, occurred([
        CASE WHEN person_key IS NULL THEN problem('staff_id', 'required',
            '人员编码 (staff_id) and 身份证号 (id_number) are both empty: one of them is required') END
    ])) AS _problems
FROM keyed;
