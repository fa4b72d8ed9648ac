"""Master data: agencies (事務利用機関), the 事務 catalogue with its legal bases, terminals and operators."""

from __future__ import annotations

import re
from collections.abc import Sequence
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


PLACEHOLDER_MARK = "【仮】"


@dataclass(frozen=True)
class Agency:
    code: str
    name: str
    kind: AgencyKind = AgencyKind.HONCHO_KA
    parent_name: str | None = None
    first_use_year: int | None = None
    active: bool = True
    id: int | None = None
    placeholder: bool = False  # counted in the material but not named there: shown with 仮

    @property
    def display_name(self) -> str:
        """The name as every list and document shows it: a placeholder carries a visible 仮."""
        return marked_name(self.name, self.placeholder)



def marked_name(name: str, placeholder: bool) -> str:
    return f"{name}{PLACEHOLDER_MARK}" if placeholder else name


def counted_names(names: Sequence[str]) -> str:
    """How many, placeholders (仮) counted apart: 「9機関」 or 「9機関(ほか名称未掲載 1)」."""
    unnamed = sum(1 for n in names if n.endswith(PLACEHOLDER_MARK))
    return f"{len(names) - unnamed}機関" + (f"(ほか名称未掲載 {unnamed})" if unnamed else "")


def listed_names(names: Sequence[str]) -> str:
    """Agencies as a council document lists them: the named ones, then the count —
    「消防課、…(9機関)」 or 「消防課、…(9機関(ほか名称未掲載 1))」."""
    return "、".join(n for n in names if not n.endswith(PLACEHOLDER_MARK)) + f"({counted_names(names)})"


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
    provisional: bool = False  # the 号 number follows the material's listing order, not the statute

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def citation(self) -> str:
        """住民基本台帳法別表第五第十号 / 条例第3条別表第2号."""
        prefix = "住民基本台帳法" if self.basis is BasisKind.LAW else "条例"
        mark = "(号は仮)" if self.provisional else ""
        return f"{prefix}{self.table_name}{self.number}{mark}"


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
    assumed_agency_codes: tuple[str, ...] = ()  # of agency_codes, those inferred rather than stated

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
# 別表第三: other prefectures' residents; 別表第五: the governor; 別表第六: the other 執行機関 (住基法第30条の15).
_LAW_TABLES = {"3": "別表第三", "5": "別表第五", "6": "別表第六"}
_JIMU_CODE = re.compile(
    r"^(?:別表(?P<table>[356])|条例(?P<article>\d{1,2}))-(?P<number>\d{1,3})(?:の(?P<branch>\d{1,2}))?$")


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


def code_sort_key(code: str) -> tuple[str, int, int]:
    """別表5-2 before 別表5-10, 別表5-6 before 別表5-6の2; codes of other shapes by text."""
    match = _JIMU_CODE.match(code)
    if match is None:
        return code, 0, 0
    return code.split("-")[0], int(match["number"]), int(match["branch"] or 0)


def basis_from_code(code: str, valid_from: date | None = None, valid_to: date | None = None,
                    provisional: bool = False) -> JimuBasis:
    """別表5-10 → 法 別表第五 第十号; 別表5-6の2 → 第六号の二 (枝番); 別表3-4 → 別表第三 第四号;
    条例3-2 → 条例 第3条別表 第2号."""
    match = _JIMU_CODE.match(code.strip())
    if match is None:
        raise InputError(
            f"事務コード「{code}」の形が違います。別表5-10(別表第五第十号)、別表5-6の2(第六号の二)、別表3-4、"
            "別表6-3、条例3-2 のように書いてください。"
        )
    number = int(match["number"])
    branch = None if match["branch"] is None else int(match["branch"])
    if branch is not None and not 1 < branch < 100:
        raise InputError(f"事務コード「{code}」: 枝番は 2 以上です(第六号の二 = 別表5-6の2)。")
    if valid_from is not None and valid_to is not None and valid_to < valid_from:
        raise InputError(f"事務コード {code}: 有効期間の終了日が開始日より前です。")
    if match["table"]:
        suffix = "" if branch is None else f"の{kanji_number(branch)}"
        return JimuBasis(code.strip(), BasisKind.LAW, _LAW_TABLES[match["table"]],
                         f"第{kanji_number(number)}号{suffix}", valid_from, valid_to, provisional=provisional)
    suffix = "" if branch is None else f"の{branch}"
    return JimuBasis(code.strip(), BasisKind.ORDINANCE, f"第{match['article']}条別表", f"第{number}号{suffix}",
                     valid_from, valid_to, provisional=provisional)
