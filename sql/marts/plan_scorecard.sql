-- Plan scorecard (规划达标计分卡): per plan, jurisdiction, year and domain (and 'all'), how many norms are met.
-- A norm is met in a year when every unit in its scope that can be judged meets it, not met when any unit
-- misses it, not applicable when its condition leaves out every unit in scope (no county over 500,000
-- residents), and not evaluable when no unit can be judged otherwise. Unit-level counts are given beside.
CREATE OR REPLACE TABLE marts.plan_scorecard AS
WITH per_norm AS (
    SELECT
        r.plan_id, r.norm_id, n.domain, r.year,
        count(*) FILTER (WHERE r.status = 'met') AS units_met,
        count(*) FILTER (WHERE r.status = 'not_met') AS units_not_met,
        count(*) FILTER (WHERE r.status = 'not_evaluable' AND r.applies) AS units_not_evaluable,
        count(*) FILTER (WHERE NOT r.applies) AS units_not_applicable
    FROM marts.norm_results AS r
    JOIN (SELECT DISTINCT norm_id, domain FROM marts.norms) AS n USING (norm_id)
    GROUP BY ALL
),
judged AS (
    SELECT *,
           CASE WHEN units_not_met > 0 THEN 'not_met' WHEN units_met > 0 THEN 'met'
                WHEN units_not_evaluable > 0 THEN 'not_evaluable' ELSE 'not_applicable' END AS norm_status
    FROM per_norm
)
SELECT
    j.plan_id, p.jurisdiction_code, j.year, coalesce(j.domain, 'all') AS domain,
    count(*) AS norms_judged,
    count(*) FILTER (WHERE norm_status = 'met') AS norms_met,
    count(*) FILTER (WHERE norm_status = 'not_met') AS norms_not_met,
    count(*) FILTER (WHERE norm_status = 'not_evaluable') AS norms_not_evaluable,
    count(*) FILTER (WHERE norm_status = 'not_applicable') AS norms_not_applicable,
    sum(units_met)::BIGINT AS units_met,
    sum(units_not_met)::BIGINT AS units_not_met,
    sum(units_not_evaluable)::BIGINT AS units_not_evaluable,
    sum(units_not_applicable)::BIGINT AS units_not_applicable
FROM judged AS j
JOIN marts.plans AS p USING (plan_id)
GROUP BY GROUPING SETS ((j.plan_id, p.jurisdiction_code, j.year, j.domain), (j.plan_id, p.jurisdiction_code, j.year))
ORDER BY j.plan_id, j.year, domain;

COMMENT ON TABLE marts.plan_scorecard IS '规划达标计分卡 Plan scorecard: norms met, not met and not evaluable per plan, year and domain (domain all = every domain)';
COMMENT ON COLUMN marts.plan_scorecard.plan_id IS '规划编号 Plan id';
COMMENT ON COLUMN marts.plan_scorecard.jurisdiction_code IS '辖区代码 Jurisdiction of the plan';
COMMENT ON COLUMN marts.plan_scorecard.year IS '年份 Year of the data';
COMMENT ON COLUMN marts.plan_scorecard.domain IS '领域 resources, workforce, public_health_outcomes, primary_care, emergency_care, tcm, other, or all';
COMMENT ON COLUMN marts.plan_scorecard.norms_judged IS '标准数 Trackable norms with at least one unit in scope that year';
COMMENT ON COLUMN marts.plan_scorecard.norms_met IS '达标标准数 Norms every judged unit meets';
COMMENT ON COLUMN marts.plan_scorecard.norms_not_met IS '未达标标准数 Norms at least one unit misses';
COMMENT ON COLUMN marts.plan_scorecard.norms_not_evaluable IS '无法评价标准数 Norms no unit could be judged on (no data, denominator zero)';
COMMENT ON COLUMN marts.plan_scorecard.norms_not_applicable IS '不适用标准数 Norms whose condition leaves out every unit in scope that year';
COMMENT ON COLUMN marts.plan_scorecard.units_met IS '达标单位数 Unit results met';
COMMENT ON COLUMN marts.plan_scorecard.units_not_met IS '未达标单位数 Unit results not met';
COMMENT ON COLUMN marts.plan_scorecard.units_not_evaluable IS '无法评价单位数 Unit results not evaluable for want of data';
COMMENT ON COLUMN marts.plan_scorecard.units_not_applicable IS '不适用单位数 Units the norm''s condition leaves out (marts.norm_results.applies = false)';
