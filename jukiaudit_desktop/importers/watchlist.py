"""Watch-list CSV (種別,番号,表示名) → validated entries; the numbers live only in memory until hashed."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from ..core.errors import InputError
from ..core.identifiers import IdentifierKind, check_identifier
from .encoding import decode
from .tables import refuse_control_characters
from .values import normalize

HEADER = ("種別", "番号", "表示名")
LABEL_LIMIT = 100


@dataclass(frozen=True)
class WatchedNumber:
    """One line of the file: the kind, the number (digits only; never stored), the 表示名, and its line."""

    kind: IdentifierKind
    number: str
    label: str
    line: int


def parse_entry(kind_text: str, number_text: str, label_text: str, where: str = "") -> WatchedNumber:
    """One entry, checked as the importer checks identifiers: the right number of digits and, for a 個人番号,
    its check digit (a 住民票コード's unconfirmed check digit is not a reason to refuse)."""
    try:
        kind = IdentifierKind(normalize(kind_text))
    except ValueError:
        raise InputError("種別は「個人番号」か「住民票コード」にしてください。", f"{where}1" if where else None) from None
    number = normalize(number_text).replace("-", "").replace(" ", "")
    acceptable, _warning = check_identifier(kind, number)
    if not acceptable:
        raise InputError(f"{kind.value}として正しくありません({kind.length} 桁の数字、検査用数字を確認してください。"
                         "値は表示しません)。", f"{where}2" if where else None)
    label = normalize(label_text)
    if not label or len(label) > LABEL_LIMIT:
        raise InputError(f"表示名を 1～{LABEL_LIMIT} 文字で書いてください(例: 著名人A)。", f"{where}3" if where else None)
    return WatchedNumber(kind, number, label, 0)


def read_watchlist(data: bytes, file_name: str) -> list[WatchedNumber]:
    """Every data line of the file (a first line 種別,番号,表示名 is a header); any mistake stops the whole file."""
    text = decode(data, file_name).text
    entries: list[WatchedNumber] = []
    for line, cells in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not any(c.strip() for c in cells):
            continue
        if line == 1 and tuple(normalize(c) for c in cells) == HEADER:
            continue
        refuse_control_characters(cells, f"{file_name}:{line}")
        if len(cells) != len(HEADER):
            raise InputError(f"列が {len(cells)} 個あります。種別,番号,表示名 の 3 列にしてください。", f"{file_name}:{line}")
        entry = parse_entry(cells[0], cells[1], cells[2], where=f"{file_name}:{line}:")
        entries.append(WatchedNumber(entry.kind, entry.number, entry.label, line))
    if not entries:
        raise InputError("注視対象者が 1 件もありません(種別,番号,表示名 の行を書いてください)。", file_name)
    return entries
