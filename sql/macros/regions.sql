-- Region-code resolution (区划代码对照), written once: a figure filed under a retired code counts for the code
-- in force (staging.region_codes follows replaced_by to the end of the chain). Loaded as TEMP macros into every
-- warehouse connection by pipelines.resources.load_macros; a model hands the filed table by name.

-- The rows of `filed` with region_code resolved to the code in force, and the code as filed kept beside it
-- (filed_region_code); a code no region list knows resolves to nothing, for the quality suite to name.
CREATE OR REPLACE TEMP MACRO with_region_in_force(filed) AS TABLE
    SELECT f.* EXCLUDE (region_code), f.region_code AS filed_region_code, c.current_code AS region_code
    FROM query_table(filed) AS f
    LEFT JOIN staging.region_codes AS c ON c.region_code = f.region_code;
