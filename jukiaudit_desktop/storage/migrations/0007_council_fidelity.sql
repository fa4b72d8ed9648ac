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
-- 管理簿 inspection per audit: which registers the agency keeps, since when, the last entry, its own 突合.
CREATE TABLE audit_register_check (
    audit_id         INTEGER NOT NULL REFERENCES audit(id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('業務端末使用管理簿', '帳票管理簿', 'ドキュメント管理簿', '媒体管理簿', '照合情報認証管理簿')),
    kept             INTEGER NOT NULL CHECK (kept IN (0, 1)),
    since            TEXT,
    last_entry       TEXT,
    check_frequency  TEXT NOT NULL DEFAULT '',   -- the agency's own 突合 with the operation log
    last_checked     TEXT,
    checked_by       TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    updated_at       TEXT NOT NULL,
    PRIMARY KEY (audit_id, kind)
);
-- 市町村 (資料5): the J-LIS audits and seminars of a year, the municipalities named, the follow-up list.
CREATE TABLE municipal_activity (
    id            INTEGER PRIMARY KEY,
    fiscal_year   INTEGER NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('実機調査', 'リモート監査', 'リモートヒアリング', 'セミナー')),
    auditor       TEXT NOT NULL,
    targets       TEXT NOT NULL,   -- as stated: 全市町村, 3町3村 (箕輪町ほか)
    target_count  INTEGER CHECK (target_count IS NULL OR target_count >= 0),  -- NULL: all municipalities
    period        TEXT NOT NULL DEFAULT '',   -- as stated: R7.11～R8.2
    content       TEXT NOT NULL DEFAULT ''
);
CREATE TABLE municipal_activity_agency (
    activity_id  INTEGER NOT NULL REFERENCES municipal_activity(id) ON DELETE CASCADE,
    agency_id    INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    PRIMARY KEY (activity_id, agency_id)
);
CREATE TABLE municipal_followup (
    id           INTEGER PRIMARY KEY,
    fiscal_year  INTEGER NOT NULL,
    agency_id    INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    source       TEXT NOT NULL,   -- 自己点検 / 実機調査 / リモート監査 / リモートヒアリング
    subject      TEXT NOT NULL,   -- the low score or the auditor's remark followed up
    status       TEXT NOT NULL DEFAULT '',
    note         TEXT NOT NULL DEFAULT ''
);
-- Who filled in a self-check form and the responsible person's confirmation (記入者 / 責任者確認 / 確認日).
CREATE TABLE selfcheck_signoff (
    audit_id     INTEGER PRIMARY KEY REFERENCES audit(id) ON DELETE CASCADE,
    filled_by    TEXT NOT NULL DEFAULT '',
    approved_by  TEXT NOT NULL DEFAULT '',
    approved_on  TEXT
);
