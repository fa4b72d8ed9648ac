-- Issue 17: subject analytics. Which 処理結果 values an imported log counts as success (from its profile);
-- watch-lists of subjects (keyed hash and display name only); per-operator authorised 事務; samples of
-- operations drawn for checking 申請書・根拠書類 on site.

ALTER TABLE import_file ADD COLUMN success_results TEXT;   -- JSON list; NULL = ["正常"]

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
    drawn_at     TEXT NOT NULL
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
