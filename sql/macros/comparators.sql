-- What a comparator means (比较符的含义): the one place. Norm judgement (norm_candidates, judged by the GX norm
-- suites on its met column), conditions, tracking, shortfalls and coverage gaps all call these macros.
-- Loaded as TEMP macros into every warehouse connection by pipelines.resources.load_macros.

-- The comparators a norm may use. pipelines/catalog.py reads this list to check the catalog, so a name is
-- added here, with its meaning below, or not at all. in_conditions: a norm's condition may use it;
-- trend: a direction target, judged on the slope of the unit's trend, not on a threshold.
CREATE OR REPLACE TEMP MACRO comparators() AS TABLE
    FROM (VALUES ('>=', true, false), ('>', true, false), ('<=', true, false), ('<', true, false),
                 ('between', true, false), ('approximately', false, false),
                 ('increase', false, true), ('decrease', false, true)) AS t(comparator, in_conditions, trend);

CREATE OR REPLACE TEMP MACRO is_direction(comparator) AS comparator IN ('increase', 'decrease');

-- One-sided bounds: their shortfalls all point the same way, so they can be summed.
CREATE OR REPLACE TEMP MACRO is_one_sided(comparator) AS comparator IN ('>=', '>', '<=', '<');

-- What a norm is judged on: the unit's value, or for a direction target the slope of its trend.
CREATE OR REPLACE TEMP MACRO judged_on(comparator, value, trend_slope) AS
    CASE WHEN is_direction(comparator) THEN trend_slope ELSE value END;

-- Whether a value meets the norm: true, false, or null when the value or a bound it needs is missing.
-- 以上/以下 include the number (>=, <=), 超过/低于 do not (>, <); between includes both ends; approximately is
-- within the tolerance either side. A direction target's value is its trend's slope: a flat trend meets neither.
CREATE OR REPLACE TEMP MACRO meets(value, comparator, threshold, threshold_high, tolerance) AS CASE comparator
    WHEN '>=' THEN value >= threshold
    WHEN '>' THEN value > threshold
    WHEN '<=' THEN value <= threshold
    WHEN '<' THEN value < threshold
    WHEN 'between' THEN value BETWEEN threshold AND threshold_high
    WHEN 'approximately' THEN abs(value - threshold) <= tolerance
    WHEN 'increase' THEN value > 0
    WHEN 'decrease' THEN value < 0
END;

-- The value to aim at: the threshold, or for a range the nearer end (the upper end when above it).
CREATE OR REPLACE TEMP MACRO aim(value, comparator, threshold, threshold_high) AS
    CASE WHEN comparator = 'between' AND value > threshold_high THEN threshold_high ELSE threshold END;

-- value − target; for a range the distance outside it (0 inside).
CREATE OR REPLACE TEMP MACRO gap(value, comparator, threshold, threshold_high) AS CASE
    WHEN comparator = 'between' AND value < threshold THEN value - threshold
    WHEN comparator = 'between' AND value > threshold_high THEN value - threshold_high
    WHEN comparator = 'between' THEN 0
    ELSE value - threshold
END;

-- Which way is better: −1 below an upper bound (<, <=), else +1. Used only where the change needed is 0.
CREATE OR REPLACE TEMP MACRO better_sign(comparator) AS CASE WHEN comparator IN ('<', '<=') THEN -1 ELSE 1 END;

-- How many whole things must be added (positive) or removed (negative) to meet the norm, given change: the
-- exact change of the count that reaches the aim. "More than N" is the next whole number above N, "fewer
-- than N" the next below; rounding to 9 decimals first keeps a boundary worked on paper from being lost to
-- floating point. Null for approximately and direction targets, which no whole number settles.
CREATE OR REPLACE TEMP MACRO shortfall(value, comparator, threshold, threshold_high, change) AS CASE
    WHEN comparator = '>' THEN floor(round(change, 9)) + 1
    WHEN comparator = '<' THEN -(floor(round(-change, 9)) + 1)
    WHEN comparator = '<=' OR (comparator = 'between' AND aim(value, comparator, threshold, threshold_high) = threshold_high)
        THEN -ceil(round(-change, 9))
    WHEN comparator IN ('>=', 'between') THEN ceil(round(change, 9))
END;

-- How a comparison reads in a reason: '> 500000', 'between 50000 and 70000'.
CREATE OR REPLACE TEMP MACRO comparison_text(comparator, threshold, threshold_high) AS
    format('{} {:g}{}', comparator, threshold,
           CASE WHEN comparator = 'between' THEN format(' and {:g}', threshold_high) ELSE '' END);

-- How a target reads where a count falls short: '>= 1', '30000 to 100000'.
CREATE OR REPLACE TEMP MACRO target_text(comparator, threshold, threshold_high) AS
    CASE WHEN comparator = 'between' THEN format('{:g} to {:g}', threshold, threshold_high)
         ELSE format('{} {:g}', comparator, threshold) END;
