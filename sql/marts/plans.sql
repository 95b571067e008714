-- Plan norms (规划标准), from expectations/norms/*.yaml (config.plans, written by the config asset).
CREATE OR REPLACE TABLE marts.plans AS
SELECT plan_id, name_zh, name_en, jurisdiction_code, issued::DATE AS issued,
       period_start::INTEGER AS period_start, period_end::INTEGER AS period_end, source_document
FROM config.plans
ORDER BY plan_id;

COMMENT ON TABLE marts.plans IS '规划 The plans whose norms are tracked, with their jurisdiction and source document';
COMMENT ON COLUMN marts.plans.plan_id IS '规划编号 Plan id';
COMMENT ON COLUMN marts.plans.name_zh IS '规划名称 Plan title in Chinese';
COMMENT ON COLUMN marts.plans.name_en IS 'Plan title in English';
COMMENT ON COLUMN marts.plans.jurisdiction_code IS '辖区代码 Region code of the jurisdiction the plan governs';
COMMENT ON COLUMN marts.plans.issued IS '印发日期 Date the plan was issued';
COMMENT ON COLUMN marts.plans.period_start IS '规划起始年 First year of the plan period';
COMMENT ON COLUMN marts.plans.period_end IS '规划终止年 Last year of the plan period';
COMMENT ON COLUMN marts.plans.source_document IS '来源文件 File name of the plan text';
COMMENT ON COLUMN marts.norms.plan_id IS '规划编号 Plan id (marts.plans)';
