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
    at        BLOB NOT NULL,         -- little-endian; uint32 offsets from first_at, or int64 (first: a period
    ids       BLOB NOT NULL,         -- is chosen by it alone); uint32 offsets from first_id
    counted   BLOB NOT NULL,         -- int64: coalesce(counted, count)
    subject   BLOB NOT NULL,         -- int64: the subject hash's first 15 hex digits, -1 without one
    failed    BLOB NOT NULL,         -- uint8: 1 = 処理結果 given and not a success value of the file
    terminal  BLOB NOT NULL,         -- uint16 (or uint32 past 65,536 names): index into terminals
    operator  BLOB NOT NULL,         -- likewise into operators
    jimu      BLOB NOT NULL,         -- likewise into jimu_codes
    terminals TEXT NOT NULL,         -- JSON list of the segment's 端末ID, in order of first appearance
    operators TEXT NOT NULL,         -- JSON list of its 操作者ID, likewise
    jimu_codes TEXT NOT NULL,        -- JSON list of its 事務 codes ("" for none), likewise
    PRIMARY KEY (file_id, segment)
);
