-- Helpers shared by the staging models (temporary: they never reach the published warehouse).
-- A problem is the reason one input row cannot be staged: the column, the rule and a message a statistician can act on.
CREATE OR REPLACE TEMP MACRO problem(col, rule, message) AS {'column': col, 'rule': rule, 'message': message};
-- The problems of a row that actually occurred.
CREATE OR REPLACE TEMP MACRO occurred(candidates) AS list_filter(candidates, lambda p: p IS NOT NULL);
