"""Master data: agencies (事務利用機関), the 事務 catalogue, terminals and operators."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AgencyKind(StrEnum):
    HONCHO_KA = "本庁課"
    CHIIKI_SHINKOKYOKU = "地域振興局"
    UNYO_KIKAN = "運用機関"
    SHIKKO_KIKAN = "執行機関"
    SHICHOSON = "市町村"


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: AgencyKind = AgencyKind.HONCHO_KA
    parent_name: str | None = None
    first_use_year: int | None = None
    active: bool = True
    id: int | None = None
