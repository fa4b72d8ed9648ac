"""Master data: agencies (事務利用機関), the 事務 catalogue with its legal bases, terminals and operators."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from .errors import InputError


class AgencyKind(StrEnum):
    HONCHO_KA = "本庁課"
    CHIIKI_SHINKOKYOKU = "地域振興局"
    UNYO_KIKAN = "運用機関"
    SHIKKO_KIKAN = "執行機関"
    SHICHOSON = "市町村"


class BasisKind(StrEnum):
    LAW = "法"
    ORDINANCE = "条例"


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: AgencyKind = AgencyKind.HONCHO_KA
    parent_name: str | None = None
    first_use_year: int | None = None
    active: bool = True
    id: int | None = None


@dataclass(frozen=True)
class JimuBasis:
    """One legal basis of a 事務 for a span of time; `code` is how operation logs name the 事務 under it."""

    code: str
    basis: BasisKind
    table_name: str
    number: str
    valid_from: date | None = None
    valid_to: date | None = None  # inclusive
    id: int | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def citation(self) -> str:
        """住民基本台帳法別表第五第十号 / 条例第3条別表第2号."""
        prefix = "住民基本台帳法" if self.basis is BasisKind.LAW else "条例"
        return f"{prefix}{self.table_name}{self.number}"


@dataclass(frozen=True)
class Jimu:
    """One 事務 of the catalogue: its stable code, name, 担当課 and the agencies allowed to use it."""

    code: str
    name: str
    division: str | None = None
    summary: str | None = None
    bases: tuple[JimuBasis, ...] = ()
    agency_codes: tuple[str, ...] = field(default=())
    id: int | None = None

    def basis_on(self, day: date) -> JimuBasis | None:
        return next((b for b in self.bases if b.valid_on(day)), None)


@dataclass(frozen=True)
class Terminal:
    agency_code: str
    code: str
    location: str | None = None
    id: int | None = None


@dataclass(frozen=True)
class Operator:
    agency_code: str
    operator_code: str
    name: str | None = None
    registered_on: date | None = None
    revoked_on: date | None = None  # the ID is no longer valid from this day on
    id: int | None = None

    def valid_on(self, day: date) -> bool:
        return (self.registered_on is None or self.registered_on <= day) and (
            self.revoked_on is None or day < self.revoked_on
        )


_KANJI_DIGITS = "〇一二三四五六七八九"
_LAW_TABLES = {"5": "別表第五", "6": "別表第六"}
_JIMU_CODE = re.compile(r"^(?:別表(?P<table>[56])|条例(?P<article>\d{1,2}))-(?P<number>\d{1,3})$")


def kanji_number(n: int) -> str:
    """1 → 一, 10 → 十, 25 → 二十五, 104 → 百四 (the way 号 are written in statutes)."""
    if not 0 < n < 1000:
        raise ValueError(f"{n} is out of range")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    text = ""
    if hundreds:
        text += ("" if hundreds == 1 else _KANJI_DIGITS[hundreds]) + "百"
    if tens:
        text += ("" if tens == 1 else _KANJI_DIGITS[tens]) + "十"
    if ones:
        text += _KANJI_DIGITS[ones]
    return text


def basis_from_code(code: str, valid_from: date | None = None, valid_to: date | None = None) -> JimuBasis:
    """別表5-10 → 法 別表第五 第十号; 別表6-3 → 法 別表第六 第三号; 条例3-2 → 条例 第3条別表 第2号."""
    match = _JIMU_CODE.match(code.strip())
    if match is None:
        raise InputError(
            f"事務コード「{code}」の形が違います。別表5-10(別表第五第十号)、別表6-3、条例3-2 のように書いてください。"
        )
    number = int(match["number"])
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise InputError(f"事務コード {code}: 有効期間の終了日が開始日より前です。")
    if match["table"]:
        return JimuBasis(code.strip(), BasisKind.LAW, _LAW_TABLES[match["table"]], f"第{kanji_number(number)}号",
                         valid_from, valid_to)
    return JimuBasis(code.strip(), BasisKind.ORDINANCE, f"第{match['article']}条別表", f"第{number}号",
                     valid_from, valid_to)
