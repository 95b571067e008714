-- Every region code ever filed → the code in force today (现行区划代码).
-- A code retired by a boundary change points to its successor (replaced_by); chains are followed,
-- so data filed under 许昌县 411023 rolls up under 建安区 411003.
CREATE OR REPLACE TABLE staging.region_codes AS
WITH RECURSIVE chain(region_code, current_code, hops) AS (
    SELECT region_code, region_code, 0 FROM staging.regions
    UNION ALL
    SELECT chain.region_code, r.replaced_by, chain.hops + 1
    FROM chain
    JOIN staging.regions AS r ON r.region_code = chain.current_code
    WHERE r.replaced_by IS NOT NULL AND chain.hops < 10
)
SELECT region_code, arg_max(current_code, hops) AS current_code
FROM chain
GROUP BY region_code;

COMMENT ON TABLE staging.region_codes IS '区划代码对照 Every region code ever filed and the code in force it stands for now (a retired code points to its successor)';
