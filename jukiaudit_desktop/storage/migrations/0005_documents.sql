-- Issue 10: documents that cannot be quietly altered.
-- An audit's own reconciliation run (its sheet is a snapshot of that run, never of a later one).
ALTER TABLE audit ADD COLUMN reconciliation_id INTEGER REFERENCES reconciliation(id);
-- An issued sheet keeps its file byte for byte (reissue and verification use it) and the 発行日 chosen at issue.
ALTER TABLE issued_document ADD COLUMN pdf BLOB;
ALTER TABLE issued_document ADD COLUMN issued_on TEXT;
-- The title of the agency's head, the 通知書's addressee (「○○課長 様」).
ALTER TABLE agency ADD COLUMN head_title TEXT;
-- Certificates of the inspectors whose signatures the office trusts.
CREATE TABLE trusted_signer (
    id           INTEGER PRIMARY KEY,
    sha256       TEXT NOT NULL UNIQUE,   -- SHA-256 of the certificate (DER), lower-case hex
    subject      TEXT NOT NULL,
    certificate  BLOB NOT NULL,          -- DER
    added_at     TEXT NOT NULL
);
-- Sheets issued before this version were printed with the agency's latest run at that time: pin that run.
UPDATE audit SET reconciliation_id = (
    SELECT r.id FROM reconciliation r
    WHERE r.agency_id = audit.agency_id
      AND substr(r.run_at, 1, 19) <= (SELECT substr(max(d.issued_at), 1, 19) FROM issued_document d
                                      WHERE d.audit_id = audit.id AND d.kind = 'findings_sheet')
    ORDER BY r.id DESC LIMIT 1)
WHERE EXISTS (SELECT 1 FROM issued_document d WHERE d.audit_id = audit.id AND d.kind = 'findings_sheet');
-- The sheet's default sender is now 市町村課長: a database that issued sheets keeps the sender it printed.
INSERT INTO setting (name, value)
SELECT 'reports.issuer', '"住民基本台帳ネットワークシステム セキュリティ責任者"'
WHERE EXISTS (SELECT 1 FROM issued_document) AND NOT EXISTS (SELECT 1 FROM setting WHERE name = 'reports.issuer');
