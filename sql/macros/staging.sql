-- How a checked source becomes staging (暂存): the one place for the split of rows from their problems.
-- Loaded as TEMP macros into every warehouse connection by pipelines.resources.load_macros. A model hands the
-- table by name ('intermediate.staff_validated'); pipelines.lineage reads that name as a dependency.

-- Whether a row's problems set the whole row aside: one of outcome row (what identifies the row is unusable).
-- A bad cell alone (outcome cell) is already null; a flag keeps the value.
CREATE OR REPLACE TEMP MACRO sets_row_aside(problems) AS
    list_contains(list_transform(problems, lambda p: p.outcome), 'row');

-- The rows to stage: every row of the validated table no problem sets aside, without the bookkeeping columns.
CREATE OR REPLACE TEMP MACRO staged_rows(validated) AS TABLE
    SELECT * EXCLUDE (_problems, _raw, _sheet) FROM query_table(validated) WHERE NOT sets_row_aside(_problems);

-- Every problem of the validated table at its grain, one row each: where it is (file, sheet, row, column as the
-- file wrote it), the rule, what was done, and the reason and fix in Chinese and English; the row as received
-- (identifiers already removed at ingest) where the row is set aside.
CREATE OR REPLACE TEMP MACRO rejected_problems(source_name, validated) AS TABLE
    WITH problems AS (
        SELECT c._file, c._sheet, c._row, coalesce(c._raw, to_json(v)) AS _raw, unnest(c._problems) AS p,
               sets_row_aside(c._problems) AS row_set_aside
        FROM query_table(validated) AS c, (SELECT c.* EXCLUDE (_file, _sheet, _row, _problems, _raw)) AS v
        WHERE len(c._problems) > 0
    )
    SELECT
        source_name AS source,
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
    LEFT JOIN raw.input_files AS f ON f.source = source_name AND f.file = problems._file;
