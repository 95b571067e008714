-- Generic last step of every staging model. {source}_checked (built by staging/{source}.sql, with the
-- problems of the contract and of the quality suite on each row) is split: a row is staged unless a problem
-- sets the whole row aside (outcome row: what identifies it cannot be used). A bad cell alone (outcome cell)
-- is already null; a flag keeps the value. Every problem, at its grain, is kept in staging.{source}_rejected.
CREATE OR REPLACE TABLE staging.{source} AS
SELECT * EXCLUDE (_problems, _raw, _sheet)
FROM {source}_checked
WHERE NOT list_contains(list_transform(_problems, lambda p: p.outcome), 'row');

CREATE OR REPLACE TABLE staging.{source}_rejected AS
WITH problems AS (
    SELECT c._file, c._sheet, c._row, coalesce(c._raw, to_json(v)) AS _raw, unnest(c._problems) AS p,
           list_contains(list_transform(c._problems, lambda q: q.outcome), 'row') AS row_set_aside
    FROM {source}_checked AS c, (SELECT c.* EXCLUDE (_file, _sheet, _row, _problems, _raw)) AS v
    WHERE len(c._problems) > 0
)
SELECT
    '{source}' AS source,
    _file AS file,
    _sheet AS sheet,
    _row AS row_number,
    p."column" AS "column",
    coalesce(nullif(p.header, ''), json_extract_string(f.headers, '$.' || p."column"), p."column") AS header,
    p.value AS value,
    p.rule AS rule,
    p.outcome AS outcome,
    row_set_aside,
    '第' || _row || '行 ' || p.zh || ' (row ' || _row || ': ' || p.en || ')' AS reason,
    p.fix_zh || ' (' || p.fix_en || ')' AS fix,
    CASE WHEN row_set_aside THEN _raw END AS raw_values
FROM problems
LEFT JOIN raw.input_files AS f ON f.source = '{source}' AND f.file = problems._file;
