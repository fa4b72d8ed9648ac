-- Issue 12: imports as batches one can list and remove; rows skipped because they were stored already;
-- reconciliation runs made out of date by a removed import; what a row counts under its profile's count rule.
CREATE TABLE import_batch (          -- one import: the files chosen together, stored in one transaction
    id           INTEGER PRIMARY KEY,
    agency_id    INTEGER NOT NULL REFERENCES agency(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('oplog', 'register')),
    profile      TEXT NOT NULL,
    imported_at  TEXT NOT NULL,
    imported_by  TEXT NOT NULL       -- the signed-in user of the computer
);
ALTER TABLE import_file ADD COLUMN batch_id INTEGER REFERENCES import_batch(id);
ALTER TABLE import_file ADD COLUMN skipped_count INTEGER NOT NULL DEFAULT 0;  -- rows stored already, not added
ALTER TABLE reconciliation ADD COLUMN stale TEXT;  -- why the run is out of date (an import it used was removed)
ALTER TABLE operation ADD COLUMN counted INTEGER;  -- 照会件数 under the profile's count rule; NULL = count
INSERT INTO import_batch (id, agency_id, kind, profile, imported_at, imported_by)
    SELECT id, agency_id, kind, profile, imported_at, '' FROM import_file;
UPDATE import_file SET batch_id = id;
