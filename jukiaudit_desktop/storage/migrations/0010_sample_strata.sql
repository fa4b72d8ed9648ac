-- Issue 17: a sample keeps the strata it was drawn from (operations per 事務 code in its period when drawn), so
-- the window and the sheet show the population of the draw even after later imports, without counting again.
ALTER TABLE sample ADD COLUMN strata TEXT;   -- JSON {"事務コード": operations, "": those without}; NULL: drawn before
