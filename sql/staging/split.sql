-- Generic last step of every staging model: rows without problems are staged, the others are
-- kept with their reasons. {source} is the source name; {source}_checked is built by staging/{source}.sql.
CREATE OR REPLACE TABLE staging.{source} AS
SELECT * EXCLUDE (_problems, _raw) FROM {source}_checked WHERE len(_problems) = 0;

CREATE OR REPLACE TABLE staging.{source}_rejected AS
SELECT
    '{source}' AS source,
    c._file AS file,
    c._row AS row_number,
    c._problems[1].column AS "column",
    c._problems[1].rule AS rule,
    array_to_string(list_transform(c._problems, lambda p: p.message), '; ') AS reason,
    coalesce(c._raw, to_json(v)) AS raw_values
FROM {source}_checked AS c, (SELECT c.* EXCLUDE (_file, _row, _problems, _raw)) AS v
WHERE len(c._problems) > 0;
