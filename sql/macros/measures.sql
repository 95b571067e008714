-- How measures become indicators (指标计算规则): the one place for the rate formula and the facility filter.
-- Loaded as TEMP macros into every warehouse connection by pipelines.resources.load_macros.

-- A rate: numerator / denominator × the unit's multiplier (1000 for per 1,000 …); none without a denominator above 0.
CREATE OR REPLACE TEMP MACRO rate(numerator, denominator, unit_multiplier) AS
    CASE WHEN denominator > 0 THEN numerator / denominator * unit_multiplier END;

-- The numerator that gives a rate's value at a denominator (the rate read backwards); a count (no
-- denominator) is its own numerator.
CREATE OR REPLACE TEMP MACRO numerator_for(value, denominator, unit_multiplier) AS
    value / unit_multiplier * coalesce(denominator, unit_multiplier);

-- Whether a facility passes a measure's facility filter (marts.measures, from expectations/indicators.yaml):
-- a type in facility_types, the ownership, a grade in grades, a grade level of at least min_grade_level; an
-- empty filter field asks nothing. Null when the facility lacks a field the filter asks for.
CREATE OR REPLACE TEMP MACRO passes_facility_filter(facility_type, ownership, grade, grade_level,
                                                    want_types, want_ownership, want_grades, want_min_grade_level) AS
    list_contains(coalesce(want_types, [facility_type]), facility_type)
    AND (want_ownership IS NULL OR ownership = want_ownership)
    AND (want_grades IS NULL OR list_contains(want_grades, grade))
    AND (want_min_grade_level IS NULL OR grade_level::INTEGER >= want_min_grade_level);
