-- Health personnel (卫生人员): one row per person and year, in a facility of the registry.
-- A person is known by staff_id or, failing that, by the keyed hash of the ID number (never the number
-- itself). The rules (a person key, registry, one row per person and year) are in expectations/quality/staff.yaml.
CREATE OR REPLACE TEMP TABLE staff_checked AS
SELECT s.* EXCLUDE (staff_id, id_number), coalesce(s.staff_id, 'id:' || s.id_number) AS person_key
FROM raw.staff AS s;
