-- Issue 18: reconciliation runs and issued sheets travel in sealed packages.
-- A UUID per run: the same run on every machine (an audit names the run its sheet reports by it).
ALTER TABLE reconciliation ADD COLUMN uuid TEXT;
UPDATE reconciliation SET uuid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX reconciliation_by_uuid ON reconciliation (uuid);
CREATE TRIGGER reconciliation_gets_uuid AFTER INSERT ON reconciliation WHEN new.uuid IS NULL
BEGIN
    UPDATE reconciliation SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;
-- A sheet issued on another installation: its content hash was computed there, with that machine's audit id
-- and sender line, so verify-sheet recomputes it with them.
CREATE TABLE issued_origin (
    issued_id   INTEGER PRIMARY KEY REFERENCES issued_document(id) ON DELETE CASCADE,
    audit_id    INTEGER NOT NULL,    -- the audit's id on the issuing installation
    issuer      TEXT NOT NULL,       -- the sender line the sheet was issued with
    sender      TEXT NOT NULL        -- fingerprint of the installation the package came from
);
