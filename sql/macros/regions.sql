-- The region tree's rules (地区), written once: region-code resolution (区划代码对照: a figure filed under a
-- retired code counts for the code in force; staging.region_codes follows replaced_by to the end of the chain),
-- and how facility figures are summed up the tree. Loaded as TEMP macros into every warehouse connection by
-- pipelines.resources.load_macros; a model hands the table (or its own CTE) by name.

-- The rows of `filed` with region_code resolved to the code in force, and the code as filed kept beside it
-- (filed_region_code); a code no region list knows resolves to nothing, for the quality suite to name.
CREATE OR REPLACE TEMP MACRO with_region_in_force(filed) AS TABLE
    SELECT f.* EXCLUDE (region_code), f.region_code AS filed_region_code, c.current_code AS region_code
    FROM query_table(filed) AS f
    LEFT JOIN staging.region_codes AS c ON c.region_code = f.region_code;

-- Facility figures (facility_id, year, measure, value) summed over the facilities of every region in force and
-- each of its ancestors: how every facility-based region measure is rolled up the tree (the staff counts, the
-- report figures, the registry counts). A region without facilities that have the figure has no row.
CREATE OR REPLACE TEMP MACRO summed_up_the_tree(facility_figures) AS TABLE
    SELECT a.ancestor_code AS region_code, m.year, m.measure, sum(m.value) AS value
    FROM query_table(facility_figures) AS m
    JOIN staging.facilities AS f ON f.facility_id = m.facility_id
    JOIN staging.region_ancestors AS a ON a.region_code = f.region_code
    GROUP BY ALL;

-- The regions a facility's figures are summed into by summed_up_the_tree: its region in force and each of that
-- region's ancestors. A partial rebuild (pipelines/partial_rebuild.py) rebuilds these regions' rows when the
-- facilities' figures change.
CREATE OR REPLACE TEMP MACRO regions_summing(facility_ids) AS TABLE
    SELECT DISTINCT a.ancestor_code AS region_code
    FROM (SELECT unnest(facility_ids) AS facility_id) AS k  -- first: a macro is bound when created, before the tables exist
    JOIN staging.facilities AS f USING (facility_id)
    JOIN staging.region_ancestors AS a ON a.region_code = f.region_code;
