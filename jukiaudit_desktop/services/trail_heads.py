"""The trail head kept outside the database: a small file the office keeps (`trail export-head`), read back
by `verify-trail --head`, and the head printed on every issued sheet, checked by `verify-sheet`: each must
still be part of the chain (a deleted tail or a chain rebuilt with the key leaves it out)."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path

from ..core.errors import InputError
from ..security.atomic import write_atomic
from ..storage import reports_repo, trail
from ..storage.database import Database
from ..storage.trail import TrailHead

# The head as the sheet's PDF keywords carry it (reports.findings_sheet_pdf: "…; trail=SEQ:MAC16").
_PRINTED_HEAD = re.compile(rb"; trail=(\d+:[0-9a-f]{16})")


def write_head_file(path: Path, head: TrailHead, db_path: Path) -> None:
    data = {"format": "jukiaudit-trail-head-1", "database": Path(db_path).name, "seq": head.seq, "mac": head.mac,
            "exported_at": datetime.now().astimezone().isoformat(timespec="seconds")}
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def read_head_file(path: Path) -> TrailHead:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != "jukiaudit-trail-head-1":
            raise ValueError("format")
        return TrailHead(int(data["seq"]), str(data["mac"]))
    except FileNotFoundError:
        raise InputError(f"{path}: 証跡の先頭のファイルが見つかりません。") from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputError(f"{path}: 証跡の先頭のファイルではありません(trail export-head で作成したものを指定)。") from None


def check_sheet_head(db: Database, doc_number: str, pdf_path: Path | None) -> trail.TrailProblem | None:
    """The head a sheet printed — read from the PDF itself when there is one (outside the database), else
    the issue record's — checked against the chain."""
    printed = None
    if pdf_path is not None:
        match = _PRINTED_HEAD.search(Path(pdf_path).read_bytes())
        printed = match.group(1).decode("ascii") if match else None
    if printed is None:
        issued = reports_repo.issued_by_number(db, doc_number)
        printed = issued.trail_head if issued is not None else None
    return None if printed is None else trail.head_in_chain(db, printed)
