-- Issue 16: faithful to the council's materials.
-- Placeholder agencies (counted in the material, not named there) are marked 仮.
ALTER TABLE agency ADD COLUMN placeholder INTEGER NOT NULL DEFAULT 0;
-- A basis whose 号 number is not the statute's (demo numbering in listing order) is marked 仮.
ALTER TABLE jimu_basis ADD COLUMN provisional INTEGER NOT NULL DEFAULT 0;
-- An authorisation read from the material by inference rather than stated there.
ALTER TABLE jimu_agency ADD COLUMN assumed INTEGER NOT NULL DEFAULT 0;
-- The inspector's settings a year's plan was made with (never the council's principles).
CREATE TABLE plan_settings (
    fiscal_year      INTEGER PRIMARY KEY,
    external_budget  INTEGER CHECK (external_budget IS NULL OR external_budget >= 0),  -- NULL: not set
    internal_counts  TEXT NOT NULL DEFAULT '{}',   -- JSON {"2026": 9}: regular internal audits per year
    prefer_overdue   INTEGER NOT NULL DEFAULT 0    -- agencies with overdue findings first
);
-- Plans saved before keep the budget they were made with.
INSERT INTO plan_settings (fiscal_year, external_budget) SELECT fiscal_year, external_budget FROM plan_year;
