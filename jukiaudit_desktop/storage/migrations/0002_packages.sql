-- Sealed packages between installations (issue 18): peers, received packages, stable identities.

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
UPDATE audit SET uuid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX audit_by_uuid ON audit (uuid);
CREATE TRIGGER audit_gets_uuid AFTER INSERT ON audit WHEN new.uuid IS NULL
BEGIN
    UPDATE audit SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

ALTER TABLE finding ADD COLUMN uuid TEXT;
UPDATE finding SET uuid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX finding_by_uuid ON finding (uuid);
CREATE TRIGGER finding_gets_uuid AFTER INSERT ON finding WHEN new.uuid IS NULL
BEGIN
    UPDATE finding SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

ALTER TABLE followup ADD COLUMN uuid TEXT;
UPDATE followup SET uuid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX followup_by_uuid ON followup (uuid);
CREATE TRIGGER followup_gets_uuid AFTER INSERT ON followup WHEN new.uuid IS NULL
BEGIN
    UPDATE followup SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;

ALTER TABLE evidence ADD COLUMN uuid TEXT;
UPDATE evidence SET uuid = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX evidence_by_uuid ON evidence (uuid);
CREATE TRIGGER evidence_gets_uuid AFTER INSERT ON evidence WHEN new.uuid IS NULL
BEGIN
    UPDATE evidence SET uuid = lower(hex(randomblob(16))) WHERE id = new.id;
END;
