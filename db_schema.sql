-- JukiAudit Desktop: schema of a fresh database at the current version.
-- Older databases are brought here by jukiaudit_desktop/storage/migrations/NNNN_*.sql, one step each.
-- Dates are ISO 8601 text (YYYY-MM-DD, local time YYYY-MM-DDTHH:MM:SS); shown in 和暦 by the GUI.
-- Sections belong to areas of the product; each area edits only its own section.

PRAGMA user_version = 11;

-- ===== foundation: settings and the tamper-evident trail =====

CREATE TABLE setting (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL              -- JSON
);

CREATE TABLE trail (
    seq    INTEGER PRIMARY KEY,      -- 1, 2, 3 … without gaps
    at     TEXT NOT NULL,
    action TEXT NOT NULL,            -- e.g. agency.add, import.oplog, finding.add, sheet.print
    detail TEXT NOT NULL,            -- JSON; never identifiers in clear
    mac    TEXT NOT NULL,            -- HMAC-SHA256 over the previous mac and this row
    binds  TEXT                      -- JSON: digests of the rows the change left behind (storage/bindings.py)
);

-- ===== master data =====

CREATE TABLE agency (
    id              INTEGER PRIMARY KEY,
    code            TEXT NOT NULL UNIQUE,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('本庁課', '地域振興局', '運用機関', '執行機関', '市町村')),
    parent_name     TEXT,            -- 部局 or 執行機関 it belongs to, as the seed names it
    first_use_year  INTEGER,         -- fiscal year (西暦) of first use of 住基ネット; new agency rule
    active          INTEGER NOT NULL DEFAULT 1,
    head_title      TEXT,            -- the head's title, the 通知書's addressee (「○○課長 様」)
    placeholder     INTEGER NOT NULL DEFAULT 0   -- 仮: counted in the material, not named there
);

CREATE TABLE jimu (                  -- one 事務; its legal basis may change over time (see jimu_basis)
    id             INTEGER PRIMARY KEY,
    code           TEXT NOT NULL UNIQUE,  -- catalogue code: the log code of its first basis, e.g. 別表5-10
    name           TEXT NOT NULL,
    division       TEXT,             -- 担当課, as the 事務 list writes it
    summary        TEXT              -- 利用事務の概要
);

CREATE TABLE jimu_basis (            -- 法 別表第五/第六 or 条例 別表, with validity dates
    id          INTEGER PRIMARY KEY,
    jimu_id     INTEGER NOT NULL REFERENCES jimu(id) ON DELETE CASCADE,
    code        TEXT NOT NULL,       -- code operation logs use under this basis: 別表5-10, 別表6-3, 条例3-2
    basis       TEXT NOT NULL CHECK (basis IN ('法', '条例')),
    table_name  TEXT NOT NULL,       -- 別表第五, 別表第六, 第3条別表
    number      TEXT NOT NULL,       -- 第十号, 第2号
    valid_from  TEXT,                -- NULL = since ever
    valid_to    TEXT,                -- NULL = still valid; inclusive
    provisional INTEGER NOT NULL DEFAULT 0,  -- 号 number is 仮 (not checked against the statute)
    UNIQUE (code, valid_from)
);
CREATE INDEX jimu_basis_by_code ON jimu_basis (code);

CREATE TABLE jimu_agency (           -- which agencies may use which 事務 (authorised 事務 list)
    jimu_id    INTEGER NOT NULL REFERENCES jimu(id) ON DELETE CASCADE,
    agency_id  INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    assumed    INTEGER NOT NULL DEFAULT 0,   -- inferred, not stated in the material
    PRIMARY KEY (jimu_id, agency_id)
);

CREATE TABLE jimu_usage (            -- usage counts per 事務 and fiscal year (seed 資料1, or from logs)
    jimu_id      INTEGER NOT NULL REFERENCES jimu(id) ON DELETE CASCADE,
    fiscal_year  INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    source       TEXT NOT NULL DEFAULT 'entered',   -- entered | oplog
    PRIMARY KEY (jimu_id, fiscal_year, source)
);

CREATE TABLE terminal (
    id         INTEGER PRIMARY KEY,
    agency_id  INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    code       TEXT NOT NULL,        -- 端末ID as in the logs
    location   TEXT,
    UNIQUE (agency_id, code)
);

CREATE TABLE operator (              -- 操作者 / 照合ID register
    id             INTEGER PRIMARY KEY,
    agency_id      INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    operator_code  TEXT NOT NULL,    -- 操作者ID as in the logs
    name           TEXT,
    registered_on  TEXT,
    revoked_on     TEXT,             -- inclusive last day of validity is the day before
    UNIQUE (agency_id, operator_code)
);

-- ===== import: operation logs and 業務端末使用管理簿 =====

CREATE TABLE import_batch (          -- one import: the files chosen together, stored in one transaction
    id           INTEGER PRIMARY KEY,
    agency_id    INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('oplog', 'register')),
    profile      TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL       -- the signed-in user of the computer
);

CREATE TABLE import_file (
    id           INTEGER PRIMARY KEY,
    agency_id    INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('oplog', 'register')),
    file_name    TEXT NOT NULL,      -- basename, as reported in discrepancies
    sha256       TEXT NOT NULL,
    encoding     TEXT NOT NULL,
    profile      TEXT NOT NULL,
    row_count    INTEGER NOT NULL,
    imported_at  TEXT NOT NULL,
    success_results TEXT,            -- JSON list of 処理結果 values counted as success; NULL = ["正常"]
    batch_id     INTEGER REFERENCES import_batch(id),
    skipped_count INTEGER NOT NULL DEFAULT 0,  -- rows stored already, not added
    UNIQUE (agency_id, kind, sha256)
);

CREATE TABLE operation (             -- one row of an operation log
    id            INTEGER PRIMARY KEY,
    file_id       INTEGER NOT NULL REFERENCES import_file(id) ON DELETE CASCADE,
    line          INTEGER NOT NULL,  -- physical line in the source file (header = 1)
    agency_id     INTEGER NOT NULL,
    at            TEXT NOT NULL,     -- YYYY-MM-DDTHH:MM:SS
    terminal      TEXT NOT NULL,
    operator      TEXT NOT NULL,
    op_kind       TEXT,              -- 処理区分
    jimu_code     TEXT,
    count         INTEGER NOT NULL,
    result        TEXT,
    subject_hash  TEXT,              -- keyed hash of 個人番号 / 住民票コード; never the clear value
    subject_mask  TEXT,
    counted       INTEGER            -- 照会件数 under the profile's count rule (NULL: count, the default rule)
);
CREATE INDEX operation_by_terminal_time ON operation (agency_id, terminal, at);

CREATE TABLE register_entry (        -- one row of 業務端末使用管理簿
    id          INTEGER PRIMARY KEY,
    file_id     INTEGER REFERENCES import_file(id) ON DELETE CASCADE,   -- NULL: typed in
    line        INTEGER,             -- physical line (CSV) or sheet row (xlsx)
    agency_id   INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    start_at    TEXT NOT NULL,       -- YYYY-MM-DDTHH:MM (end after midnight: end_at on the next day)
    end_at      TEXT NOT NULL,
    terminal    TEXT NOT NULL,
    operator    TEXT NOT NULL,
    jimu_code   TEXT,
    count       INTEGER
);
CREATE INDEX register_by_terminal_time ON register_entry (agency_id, terminal, start_at);

-- The reconciliation's input of each imported operation log as compact columns, derived from its rows
-- (format in storage/operation_columns.py).
CREATE TABLE operation_columns (     -- one segment of a file's operations (ids in one window), as columns
    file_id   INTEGER NOT NULL REFERENCES import_file(id) ON DELETE CASCADE,
    segment   INTEGER NOT NULL,      -- id // 2^20 of the segment's operations (0 for a file without any)
    rows      INTEGER NOT NULL,
    first_id  INTEGER,               -- the first and last operation.id; NULL when rows = 0
    last_id   INTEGER,
    first_at  INTEGER,               -- the earliest and latest unixepoch(at); NULL when rows = 0
    last_at   INTEGER,
    at        BLOB NOT NULL,         -- per operation, as the base (int64) and offsets of 1, 2, 4 or 8 bytes:
    ids       BLOB NOT NULL,         -- unixepoch(at) (first: a period is chosen by it alone), operation.id,
    counted   BLOB NOT NULL,         -- coalesce(counted, count), subject (the hash's first 15 hex digits,
    subject   BLOB NOT NULL,         -- -1 without one), failed (1: 処理結果 given and not a success value of
    failed    BLOB NOT NULL,         -- the file), and the indexes into terminals, operators, jimu_codes
    terminal  BLOB NOT NULL,
    operator  BLOB NOT NULL,
    jimu      BLOB NOT NULL,
    terminals TEXT NOT NULL,         -- JSON list of the segment's 端末ID, in order of first appearance
    operators TEXT NOT NULL,         -- JSON list of its 操作者ID, likewise
    jimu_codes TEXT NOT NULL,        -- JSON list of its 事務 codes ("" for none), likewise
    PRIMARY KEY (file_id, segment)
);

-- ===== reconciliation =====

CREATE TABLE reconciliation (
    id           INTEGER PRIMARY KEY,
    agency_id    INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    period_from  TEXT,
    period_to    TEXT,
    settings     TEXT NOT NULL,      -- JSON: tolerance, business hours …
    skipped      TEXT NOT NULL,      -- JSON list of kinds not checked, with the reason
    run_at       TEXT NOT NULL,
    stale        TEXT                -- why the run is out of date (an import it used was removed)
);

CREATE TABLE discrepancy (
    id                 INTEGER PRIMARY KEY,
    reconciliation_id  INTEGER NOT NULL,   -- reconciliation(id); deleted with it by the trigger below
    ordinal            INTEGER NOT NULL,   -- deterministic order within the run
    kind               TEXT NOT NULL,
    operation_ids      TEXT NOT NULL,      -- JSON list of operation.id
    register_ids       TEXT NOT NULL,      -- JSON list of register_entry.id
    detail             TEXT NOT NULL,      -- JSON
    -- OR, not IN: with cipher_memory_security an IN list costs an mlocked temporary table per row
    status             TEXT NOT NULL DEFAULT 'open' CHECK (status = 'open' OR status = 'explained' OR status = 'raised'),
    explanation        TEXT
);
CREATE INDEX discrepancy_by_run ON discrepancy (reconciliation_id, kind);
-- A trigger instead of a foreign key: a run stores up to ~10^5 rows at once and the per-row parent lookup
-- costs a quarter of the time of storing it.
CREATE TRIGGER reconciliation_deletes_discrepancies AFTER DELETE ON reconciliation
BEGIN
    DELETE FROM discrepancy WHERE reconciliation_id = old.id;
END;

-- ===== audits: checklists, sessions, scores, evidence, findings =====

CREATE TABLE checklist_template (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL,
    target      TEXT NOT NULL DEFAULT '県' CHECK (target IN ('県', '市町村')),
    scoring     TEXT NOT NULL,       -- JSON: {"labels": {"3": "…", "2": "…", "1": "…"}, "na_label": "該当なし"}
    description TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (name, version)
);

CREATE TABLE checklist_item (
    id           INTEGER PRIMARY KEY,
    template_id  INTEGER NOT NULL REFERENCES checklist_template(id) ON DELETE CASCADE,
    ordinal      INTEGER NOT NULL,
    code         TEXT NOT NULL,
    category     TEXT NOT NULL,
    question     TEXT NOT NULL,
    viewpoint    TEXT,
    method       TEXT,               -- 聞き取り / 書類確認 / 現地確認 / ログ解析
    evidence     TEXT,
    criteria     TEXT,
    UNIQUE (template_id, code)
);

CREATE TABLE audit (
    id              INTEGER PRIMARY KEY,
    agency_id       INTEGER NOT NULL REFERENCES agency(id),
    fiscal_year     INTEGER NOT NULL,
    audit_type      TEXT NOT NULL CHECK (audit_type IN ('自己点検', '内部監査', '外部監査')),
    template_id     INTEGER REFERENCES checklist_template(id),
    status          TEXT NOT NULL DEFAULT '計画'
                    CHECK (status IN ('計画', '通知済', '実施中', '結果通知済', '改善確認中', '完了')),
    start_date      TEXT,
    end_date        TEXT,
    place           TEXT,
    auditors        TEXT,            -- JSON list of names
    attendees       TEXT,            -- JSON list of the audited side's attendees
    previous_id     INTEGER REFERENCES audit(id),
    is_history      INTEGER NOT NULL DEFAULT 0,  -- entered for years before the app was used
    reconciliation_id INTEGER REFERENCES reconciliation(id)  -- the run its sheet reports (a snapshot)
);
CREATE INDEX audit_by_year ON audit (fiscal_year, audit_type);
CREATE INDEX audit_by_agency ON audit (agency_id, fiscal_year);

CREATE TABLE audit_score (
    audit_id     INTEGER NOT NULL REFERENCES audit(id) ON DELETE CASCADE,
    item_id      INTEGER NOT NULL REFERENCES checklist_item(id),
    self_score   INTEGER CHECK (self_score IN (0, 1, 2, 3)),       -- 0 = 該当なし
    verified     INTEGER CHECK (verified IN (0, 1, 2, 3)),
    note         TEXT,
    self_comment TEXT,
    updated_at   TEXT,
    PRIMARY KEY (audit_id, item_id)
);

CREATE TABLE evidence (
    id          INTEGER PRIMARY KEY,
    audit_id    INTEGER NOT NULL REFERENCES audit(id) ON DELETE CASCADE,
    item_id     INTEGER REFERENCES checklist_item(id),
    file_name   TEXT NOT NULL,
    mime        TEXT,
    sha256      TEXT NOT NULL,
    size        INTEGER NOT NULL,
    note        TEXT,
    content     BLOB NOT NULL,       -- inside the SQLCipher file, so encrypted at rest with the database
    added_at    TEXT NOT NULL
);
CREATE INDEX evidence_by_audit ON evidence (audit_id, item_id);

CREATE TABLE finding (
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
    created_at      TEXT NOT NULL
);
CREATE INDEX finding_by_audit ON finding (audit_id);

CREATE TABLE followup (              -- 改善報告
    id           INTEGER PRIMARY KEY,
    finding_id   INTEGER NOT NULL REFERENCES finding(id) ON DELETE CASCADE,
    reported_on  TEXT NOT NULL,
    status       TEXT NOT NULL,
    note         TEXT
);

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

CREATE TABLE audit_register_check (  -- 管理簿 inspection per audit (issue 16)
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

-- ===== reports =====

CREATE TABLE issued_document (       -- every printed / saved sheet: reprints keep the number and hash
    id           INTEGER PRIMARY KEY,
    doc_number   TEXT NOT NULL UNIQUE,
    kind         TEXT NOT NULL,      -- findings_sheet | annual_report | plan
    audit_id     INTEGER REFERENCES audit(id),
    content_sha256 TEXT NOT NULL,
    trail_head   TEXT NOT NULL,
    issued_at    TEXT NOT NULL,
    pdf          BLOB,               -- the issued file, byte for byte (reissue, verify-sheet)
    issued_on    TEXT                -- 発行日 chosen at issue (NULL: the day of issued_at)
);

CREATE TABLE trusted_signer (        -- certificates of the inspectors whose signatures the office trusts
    id           INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,   -- SHA-256 of the certificate (DER), lower-case hex
    subject      TEXT NOT NULL,
    certificate  BLOB NOT NULL,          -- DER
    added_at     TEXT NOT NULL
);

CREATE TABLE usage_year_total (      -- yearly total uses as reported to the council (seed 資料1), where
    fiscal_year  INTEGER PRIMARY KEY,-- no per-事務 figures exist or the reported total is the official one
    total        INTEGER NOT NULL CHECK (total >= 0),
    source       TEXT NOT NULL       -- where the figure comes from, e.g. 資料1(令和8年1月21日審議会)
);

-- ===== planning =====

CREATE TABLE audit_period (          -- 期: 第6期 R5–R7 …
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    first_year  INTEGER NOT NULL,    -- fiscal years, 西暦
    last_year   INTEGER NOT NULL
);

CREATE TABLE plan_entry (
    id           INTEGER PRIMARY KEY,
    fiscal_year  INTEGER NOT NULL,
    agency_id    INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    audit_type   TEXT NOT NULL CHECK (audit_type IN ('内部監査', '外部監査')),
    pinned       INTEGER NOT NULL DEFAULT 0,
    reason       TEXT,
    UNIQUE (fiscal_year, agency_id)
);

CREATE TABLE plan_year (             -- the parameters a year's plan was made with (checked against later)
    fiscal_year      INTEGER PRIMARY KEY,
    external_budget  INTEGER NOT NULL CHECK (external_budget >= 0),   -- 外部監査の機関数/年
    saved_at         TEXT NOT NULL
);

-- ===== packages: sealed exchange between installations (peers, stable identities) =====

CREATE TABLE peer (                  -- another installation whose packages this one accepts / seals to
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    fingerprint  TEXT NOT NULL UNIQUE,
    sign_key     BLOB NOT NULL,      -- Ed25519 public key (raw)
    box_key      BLOB NOT NULL,      -- X25519 public key (raw)
    is_office    INTEGER NOT NULL DEFAULT 0,
    added_at     TEXT NOT NULL
);

CREATE TABLE package_received (      -- every package imported, by the SHA-256 of the whole file
    sha256       TEXT PRIMARY KEY,
    sender       TEXT NOT NULL,      -- the sender's fingerprint
    imported_at  TEXT NOT NULL
);

CREATE TABLE package_sync (          -- an audit as last exchanged with a peer: the base of a 3-way merge
    audit_uuid        TEXT NOT NULL,
    peer_fingerprint  TEXT NOT NULL,
    content           TEXT NOT NULL, -- canonical JSON of the audit as both sides had it
    exchanged_at      TEXT NOT NULL,
    PRIMARY KEY (audit_uuid, peer_fingerprint)
);

-- A UUID per audit, finding, follow-up and evidence file: the same record on every machine.
ALTER TABLE audit ADD COLUMN uuid TEXT;
CREATE UNIQUE INDEX audit_by_uuid ON audit (uuid);
CREATE TRIGGER audit_gets_uuid AFTER INSERT ON audit WHEN new.uuid IS NULL
BEGIN
    UPDATE audit SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

ALTER TABLE finding ADD COLUMN uuid TEXT;
CREATE UNIQUE INDEX finding_by_uuid ON finding (uuid);
CREATE TRIGGER finding_gets_uuid AFTER INSERT ON finding WHEN new.uuid IS NULL
BEGIN
    UPDATE finding SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

ALTER TABLE followup ADD COLUMN uuid TEXT;
CREATE UNIQUE INDEX followup_by_uuid ON followup (uuid);
CREATE TRIGGER followup_gets_uuid AFTER INSERT ON followup WHEN new.uuid IS NULL
BEGIN
    UPDATE followup SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

ALTER TABLE evidence ADD COLUMN uuid TEXT;
CREATE UNIQUE INDEX evidence_by_uuid ON evidence (uuid);
CREATE TRIGGER evidence_gets_uuid AFTER INSERT ON evidence WHEN new.uuid IS NULL
BEGIN
    UPDATE evidence SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

ALTER TABLE reconciliation ADD COLUMN uuid TEXT;
CREATE UNIQUE INDEX reconciliation_by_uuid ON reconciliation (uuid);
CREATE TRIGGER reconciliation_gets_uuid AFTER INSERT ON reconciliation WHEN new.uuid IS NULL
BEGIN
    UPDATE reconciliation SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

CREATE TABLE issued_origin (          -- a sheet issued on another installation (hash computed with its audit id)
    issued_id   INTEGER PRIMARY KEY REFERENCES issued_document(id) ON DELETE CASCADE,
    audit_id    INTEGER NOT NULL,    -- the audit's id on the issuing installation
    issuer      TEXT NOT NULL,       -- the sender line the sheet was issued with
    sender      TEXT NOT NULL        -- fingerprint of the installation the package came from
);

-- ===== subject analytics: watch-lists, per-operator 事務, samples for 根拠書類 =====

CREATE TABLE watchlist_entry (       -- a subject to report whenever it is looked up; never the clear number
    id            INTEGER PRIMARY KEY,
    agency_id     INTEGER REFERENCES agency(id) ON DELETE CASCADE,   -- NULL: the office's list (every agency)
    subject_hash  TEXT NOT NULL,     -- core.identifiers.keyed_hash of 個人番号 / 住民票コード
    kind          TEXT NOT NULL CHECK (kind = '個人番号' OR kind = '住民票コード'),
    label         TEXT NOT NULL,     -- 表示名, e.g. 著名人A, 職員の家族(申出)
    added_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX watchlist_by_subject ON watchlist_entry (coalesce(agency_id, 0), subject_hash);

CREATE TABLE operator_jimu (         -- 事務 an operator is authorised for; none listed = the agency's list
    operator_id  INTEGER NOT NULL REFERENCES operator(id) ON DELETE CASCADE,
    jimu_id      INTEGER NOT NULL REFERENCES jimu(id) ON DELETE CASCADE,
    PRIMARY KEY (operator_id, jimu_id)
);

CREATE TABLE sample (                -- operations drawn for checking 申請書・根拠書類
    id           INTEGER PRIMARY KEY,
    agency_id    INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    period_from  TEXT,
    period_to    TEXT,
    size         INTEGER NOT NULL,
    seed         INTEGER NOT NULL,
    drawn_at     TEXT NOT NULL,
    strata       TEXT            -- JSON {"事務コード": operations in the period when drawn}; NULL: drawn before
);

CREATE TABLE sample_line (
    sample_id     INTEGER NOT NULL REFERENCES sample(id) ON DELETE CASCADE,
    ordinal       INTEGER NOT NULL,
    operation_id  INTEGER NOT NULL REFERENCES operation(id),
    result        TEXT CHECK (result = '確認済' OR result = '不備'),   -- NULL: not checked yet
    note          TEXT,
    finding_id    INTEGER REFERENCES finding(id),
    PRIMARY KEY (sample_id, ordinal)
);

CREATE TABLE plan_settings (         -- the inspector's settings a year's plan was made with
    fiscal_year      INTEGER PRIMARY KEY,
    external_budget  INTEGER CHECK (external_budget IS NULL OR external_budget >= 0),  -- NULL: not set
    internal_counts  TEXT NOT NULL DEFAULT '{}',   -- JSON {"2026": 9}: regular internal audits per year
    prefer_overdue   INTEGER NOT NULL DEFAULT 0    -- agencies with overdue findings first
);

-- ===== 市町村 (資料5, issue 16) =====

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

CREATE TABLE selfcheck_signoff (     -- 記入者 / 責任者確認 / 確認日 of a self-check form (issue 16)
    audit_id     INTEGER PRIMARY KEY REFERENCES audit(id) ON DELETE CASCADE,
    filled_by    TEXT NOT NULL DEFAULT '',
    approved_by  TEXT NOT NULL DEFAULT '',
    approved_on  TEXT
);
