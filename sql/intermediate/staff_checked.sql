-- Health personnel (卫生人员): one row per person and year, in a facility of the registry.
-- A person is known by staff_id or, failing that, by the keyed hash of the ID number (never the number
-- itself). An ID number Excel damaged (or one failing its check digit) cannot identify anyone: the person is
-- still counted, under a key of their own row, and the cell is flagged (never dropped, never merged with
-- another row). The rules (a person key, registry, one row per person and year) are in
-- expectations/quality/staff.yaml.
-- A physician's 执业类别 not filed is the category of their practice scope (data/reference/practice_scopes.csv:
-- 公共卫生类别专业 is of 公共卫生, 中医专业 of 中医). A tidy export's one-word specialty
-- (data/reference/specialties.csv) stands for the structured fields of the workforce form where the file does
-- not give them: practice scope, 执业类别 (physicians only) and department.
CREATE OR REPLACE VIEW intermediate.staff_checked AS
SELECT
    s.* EXCLUDE (staff_id, id_number, practice_scopes, practice_category, department),
    coalesce(
        s.staff_id,
        'id:' || s.id_number,
        CASE WHEN list_has_any(list_transform(s._problems, lambda p: p.rule), ['id_damaged', 'id_check_digit'])
             THEN 'row:' || s._file || ':' || coalesce(s._sheet, '') || ':' || s._row END
    ) AS person_key,
    -- a code list's empty cell is '' (no scope), not a scope named ''
    coalesce(s.practice_scopes, CASE WHEN nullif(sp.practice_scope, '') IS NOT NULL THEN [sp.practice_scope] END, []) AS practice_scopes,
    coalesce(
        s.practice_category,
        CASE WHEN c.is_physician = 'true' THEN scope.practice_category END,
        CASE WHEN c.is_physician = 'true' THEN nullif(sp.practice_category, '') END
    ) AS practice_category,
    coalesce(s.department, nullif(sp.department, '')) AS department
FROM raw.staff AS s
LEFT JOIN ref.staff_categories AS c ON c.code = s.category
LEFT JOIN ref.specialties AS sp ON sp.code = s.specialty
LEFT JOIN ref.practice_scopes AS scope ON scope.code = s.practice_scopes[1];

COMMENT ON VIEW intermediate.staff_checked IS '卫生人员（检查中） staff as received, codes resolved and keys formed, with the problems the input contract found on each row; the quality suite runs next (intermediate.staff_validated)';
