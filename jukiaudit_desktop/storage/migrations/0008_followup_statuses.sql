-- Follow-up statuses the inspector configures (issue 16): the CHECK constraints that fixed the six statuses on
-- finding.status and followup.status go, by rebuilding both tables (SQLite cannot drop a CHECK in place).
-- Columns, their order, ids and values stay exactly as they were, so the rows the trail bound keep their
-- digests. SQLite's procedure: make the new table, copy, drop the old, rename the new; the migration runner
-- turns foreign keys off for it (dropping finding would cascade into followup) and checks them before COMMIT.
-- The other tables' REFERENCES finding / followup name the table, so they point at the new one.

CREATE TABLE finding_0008 (
    id              INTEGER PRIMARY KEY,
    audit_id        INTEGER NOT NULL REFERENCES audit(id) ON DELETE CASCADE,
    item_id         INTEGER REFERENCES checklist_item(id),
    discrepancy_id  INTEGER REFERENCES discrepancy(id),
    finding_class   TEXT NOT NULL CHECK (finding_class IN ('不適切事項', '要改善事項', '注意事項', '意見')),
    severity        TEXT NOT NULL DEFAULT '中' CHECK (severity IN ('高', '中', '低')),
    title           TEXT NOT NULL,
    condition       TEXT,
    criteria        TEXT,
    cause           TEXT,
    effect          TEXT,
    recommendation  TEXT,
    due_date        TEXT,
    status          TEXT NOT NULL,   -- a follow-up status (followup_status; before 0008 one of six fixed ones)
    created_at      TEXT NOT NULL,
    uuid            TEXT
);
INSERT INTO finding_0008 SELECT * FROM finding;
DROP TABLE finding;   -- with its indexes and its uuid trigger, made again below
ALTER TABLE finding_0008 RENAME TO finding;
CREATE INDEX finding_by_audit ON finding (audit_id);
CREATE UNIQUE INDEX finding_by_uuid ON finding (uuid);
CREATE TRIGGER finding_gets_uuid AFTER INSERT ON finding WHEN new.uuid IS NULL
BEGIN
    UPDATE finding SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

CREATE TABLE followup_0008 (         -- 改善報告
    id           INTEGER PRIMARY KEY,
    finding_id   INTEGER NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
    reported_on  TEXT NOT NULL,
    status       TEXT NOT NULL,
    note         TEXT,
    uuid         TEXT
);
INSERT INTO followup_0008 SELECT * FROM followup;
DROP TABLE followup;
ALTER TABLE followup_0008 RENAME TO followup;
CREATE UNIQUE INDEX followup_by_uuid ON followup (uuid);
CREATE TRIGGER followup_gets_uuid AFTER INSERT ON followup WHEN new.uuid IS NULL
BEGIN
    UPDATE followup SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

CREATE TABLE followup_status (       -- the inspector's statuses, best first; none stored: 措置済 / 一部措置 / 未措置
    name       TEXT PRIMARY KEY,
    position   INTEGER NOT NULL UNIQUE,
    closes     INTEGER NOT NULL DEFAULT 0 CHECK (closes IN (0, 1)),     -- the finding is closed (措置済)
    asks_date  INTEGER NOT NULL DEFAULT 0 CHECK (asks_date IN (0, 1))   -- the report gives a 予定日
);

CREATE TABLE followup_plan (         -- a report's 予定日 (when the agency plans to finish); apart from followup
    followup_id  INTEGER PRIMARY KEY REFERENCES followup(id) ON DELETE CASCADE,  -- so its bound rows keep
    planned_on   TEXT NOT NULL                                                    -- their digests
);
