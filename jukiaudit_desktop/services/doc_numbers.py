"""文書番号: the office's own format (e.g. 市町村第{n}号) and a serial that only ever goes up, so a number is
never given twice."""

from __future__ import annotations

from ..core.errors import InputError
from ..storage import reports_repo
from ..storage.database import Database
from . import settings

FORMAT_SETTING = "reports.doc_number_format"
DEFAULT_FORMAT = "JKA-{year}-{audit:04d}-{edition:02d}"
FIELDS = "{n} 通し番号、{year} 年度(西暦)、{audit} 監査 ID、{edition} その監査の版"


def _render(fmt: str, n: int, year: int, audit: int, edition: int) -> str:
    return fmt.format(n=n, year=year, audit=audit, edition=edition)


def check_format(fmt: str) -> str:
    """A format that makes a distinct number for every issue: it holds {n}, or {audit} and {edition}."""
    fmt = fmt.strip()
    try:
        sample = _render(fmt, 1, 2025, 1, 1)
    except (KeyError, IndexError, ValueError) as exc:
        raise InputError(f"文書番号の書式「{fmt}」が正しくありません({exc})。使える項目: {FIELDS}") from None
    distinct = _render(fmt, 2, 2025, 1, 1) != sample or (
        _render(fmt, 1, 2025, 2, 1) != sample and _render(fmt, 1, 2025, 1, 2) != sample)
    if not sample or not distinct:
        raise InputError(f"文書番号の書式には {{n}}、または {{audit}} と {{edition}} を含めてください"
                         f"(同じ番号を二度使わないため)。使える項目: {FIELDS}")
    return fmt


def number_format(db: Database) -> str:
    return str(settings.get(db, FORMAT_SETTING, DEFAULT_FORMAT))


def set_number_format(db: Database, fmt: str) -> None:
    settings.set_value(db, FORMAT_SETTING, check_format(fmt))


def next_number(db: Database, kind: str, fiscal_year: int, audit_id: int) -> tuple[str, int]:
    """The number the next issue gets and its serial (not yet taken: `take` records it at issue)."""
    fmt = number_format(db)
    serial = reports_repo.last_serial(db) + 1
    edition = reports_repo.issued_count(db, kind, audit_id) + 1
    number = _render(fmt, serial, fiscal_year, audit_id, edition)
    while reports_repo.issued_by_number(db, number) is not None:  # e.g. after the format changed
        if "{n" not in fmt:
            raise InputError(f"文書番号 {number} は既に使われています。書式に {{n}} を含めてください。")
        serial += 1
        number = _render(fmt, serial, fiscal_year, audit_id, edition)
    return number, serial
