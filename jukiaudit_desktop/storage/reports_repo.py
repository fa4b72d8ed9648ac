"""SQL for reports: issued documents (numbers, hashes, reprints) and the figures the reports summarise."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .database import Database


@dataclass(frozen=True)
class IssuedDocument:
    id: int
    doc_number: str
    kind: str
    audit_id: int | None
    content_sha256: str
    trail_head: str
    issued_at: str
    pdf: bytes | None = None         # the issued file, byte for byte (None: issued before files were kept)
    issued_on: str | None = None     # 発行日 chosen at issue (None: the day of issued_at)


_ISSUED_COLUMNS = "id, doc_number, kind, audit_id, content_sha256, trail_head, issued_at, pdf, issued_on"


def _issued(row: tuple[Any, ...]) -> IssuedDocument:
    return IssuedDocument(int(row[0]), str(row[1]), str(row[2]), row[3], str(row[4]), str(row[5]), str(row[6]),
                          None if row[7] is None else bytes(row[7]), row[8])


def find_issued(db: Database, kind: str, audit_id: int | None, content_sha256: str) -> IssuedDocument | None:
    row = db.execute(
        f"SELECT {_ISSUED_COLUMNS} FROM issued_document WHERE kind = ? AND audit_id IS ? AND content_sha256 = ?",
        (kind, audit_id, content_sha256),
    ).fetchone()
    return None if row is None else _issued(row)


def issued_by_number(db: Database, doc_number: str) -> IssuedDocument | None:
    row = db.execute(f"SELECT {_ISSUED_COLUMNS} FROM issued_document WHERE doc_number = ?", (doc_number,)).fetchone()
    return None if row is None else _issued(row)


def insert_issued(db: Database, doc_number: str, kind: str, audit_id: int | None, content_sha256: str,
                  trail_head: str, issued_at: str, pdf: bytes | None = None,
                  issued_on: str | None = None) -> IssuedDocument:
    cursor = db.execute(
        "INSERT INTO issued_document (doc_number, kind, audit_id, content_sha256, trail_head, issued_at, "
        "pdf, issued_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (doc_number, kind, audit_id, content_sha256, trail_head, issued_at, pdf, issued_on),
    )
    return IssuedDocument(int(cursor.lastrowid), doc_number, kind, audit_id, content_sha256, trail_head, issued_at,
                          pdf, issued_on)


_SERIAL_SETTING = "reports.doc_serial"


def sheets_issued_since(db: Database, audit_id: int, since: str) -> list[str]:
    """Document numbers of the audit's findings sheets issued at or after `since` (they may show a finding made
    then)."""
    return [str(n) for (n,) in db.query(
        "SELECT doc_number FROM issued_document WHERE kind = 'findings_sheet' AND audit_id = ? AND issued_at >= ? "
        "ORDER BY id", (audit_id, since))]


def last_serial(db: Database) -> int:
    """The last 通し番号 given (it only goes up: a number is never given twice)."""
    value = db.scalar("SELECT value FROM setting WHERE name = ?", (_SERIAL_SETTING,))
    return 0 if value is None else int(value)


def take_serial(db: Database, serial: int) -> None:
    db.execute("INSERT INTO setting (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = "
               "max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))", (_SERIAL_SETTING, str(serial)))


def keep_file(db: Database, issued_id: int, pdf: bytes) -> None:
    """Keep the file of a number issued before files were kept (its reprint is the file from now on)."""
    db.execute("UPDATE issued_document SET pdf = ? WHERE id = ? AND pdf IS NULL", (pdf, issued_id))


def issued_count(db: Database, kind: str, audit_id: int) -> int:
    return int(db.scalar("SELECT count(*) FROM issued_document WHERE kind = ? AND audit_id = ?", (kind, audit_id)))


def head_title(db: Database, agency_id: int) -> str | None:
    title = db.scalar("SELECT head_title FROM agency WHERE id = ?", (agency_id,))
    return None if title is None else str(title)


def set_head_title(db: Database, agency_id: int, title: str) -> None:
    db.execute("UPDATE agency SET head_title = ? WHERE id = ?", (title, agency_id))


def audit_reconciliation(db: Database, audit_id: int) -> int | None:
    """The reconciliation run the audit's sheet reports (None: not chosen yet)."""
    run_id = db.scalar("SELECT reconciliation_id FROM audit WHERE id = ?", (audit_id,))
    return None if run_id is None else int(run_id)


def set_audit_reconciliation(db: Database, audit_id: int, run_id: int | None) -> None:
    db.execute("UPDATE audit SET reconciliation_id = ? WHERE id = ?", (run_id, audit_id))


def set_audit_reconciliation_of(db: Database, audit_id: int, discrepancy_id: int) -> None:
    """The audit's sheet reports the run a discrepancy raised as its finding comes from."""
    db.execute("UPDATE audit SET reconciliation_id = (SELECT reconciliation_id FROM discrepancy WHERE id = ?) "
               "WHERE id = ?", (discrepancy_id, audit_id))


def latest_run_overlapping(db: Database, agency_id: int, first: str, last: str) -> int | None:
    """The agency's latest run whose period overlaps the days first..last (an open end overlaps everything)."""
    run_id = db.scalar(
        "SELECT id FROM reconciliation WHERE agency_id = ? AND (period_from IS NULL OR period_from <= ?) "
        "AND (period_to IS NULL OR period_to >= ?) ORDER BY id DESC LIMIT 1", (agency_id, last, first))
    return None if run_id is None else int(run_id)


def usage_by_jimu(db: Database, fiscal_year: int) -> list[tuple[str, str, str, int]]:
    """(code, name, 担当課, count) of each 事務 with figures for one year, in catalogue order; entered figures
    win over log-derived ones."""
    rows = db.query(
        "SELECT j.code, j.name, coalesce(j.division, ''), coalesce("
        "  (SELECT count FROM jimu_usage u WHERE u.jimu_id = j.id AND u.fiscal_year = ? AND u.source = 'entered'),"
        "  (SELECT count FROM jimu_usage u WHERE u.jimu_id = j.id AND u.fiscal_year = ? AND u.source = 'oplog'))"
        " FROM jimu j WHERE EXISTS (SELECT 1 FROM jimu_usage u WHERE u.jimu_id = j.id AND u.fiscal_year = ?)"
        " ORDER BY j.id", (fiscal_year, fiscal_year, fiscal_year))
    return [(str(c), str(n), str(d), int(k)) for c, n, d, k in rows]


def usage_totals_by_year(db: Database) -> list[tuple[int, int]]:
    """(fiscal year, total uses) for every year with figures: the reported total where one is recorded, else
    the sum over 事務 (entered figures winning over log-derived ones)."""
    rows = db.query(
        "WITH per_jimu AS (SELECT fiscal_year, sum(count) AS total FROM jimu_usage u WHERE source = 'entered' "
        "  OR NOT EXISTS (SELECT 1 FROM jimu_usage e WHERE e.jimu_id = u.jimu_id AND e.fiscal_year = u.fiscal_year"
        "  AND e.source = 'entered') GROUP BY fiscal_year) "
        "SELECT fiscal_year, total FROM usage_year_total "
        "UNION ALL SELECT fiscal_year, total FROM per_jimu "
        "WHERE fiscal_year NOT IN (SELECT fiscal_year FROM usage_year_total) ORDER BY fiscal_year")
    return [(int(y), int(n)) for y, n in rows]


def latest_usage_detail_year(db: Database, up_to: int) -> int | None:
    year = db.scalar("SELECT max(fiscal_year) FROM jimu_usage WHERE fiscal_year <= ?", (up_to,))
    return None if year is None else int(year)


def stated_total(db: Database, fiscal_year: int) -> int | None:
    total = db.scalar("SELECT total FROM usage_year_total WHERE fiscal_year = ?", (fiscal_year,))
    return None if total is None else int(total)


def set_stated_total(db: Database, fiscal_year: int, total: int, source: str) -> None:
    db.execute("INSERT INTO usage_year_total (fiscal_year, total, source) VALUES (?, ?, ?) ON CONFLICT (fiscal_year) "
               "DO UPDATE SET total = excluded.total, source = excluded.source", (fiscal_year, total, source))
