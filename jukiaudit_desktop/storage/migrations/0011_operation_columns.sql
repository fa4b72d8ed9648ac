-- Issue 12: the reconciliation's input of each imported operation log as compact columns (a cache derived from
-- its rows; format in storage/operation_columns.py). Logs imported before get theirs when first reconciled.
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
