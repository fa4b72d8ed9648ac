"""Master data use cases on a real encrypted database: agencies, 事務 and their bases, terminals, operators."""

from __future__ import annotations

from datetime import date

import pytest

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.master import (
    Agency,
    AgencyKind,
    BasisKind,
    Operator,
    Terminal,
    basis_from_code,
    kanji_number,
)
from jukiaudit_desktop.services import master_data
from jukiaudit_desktop.storage import trail


def actions(db) -> list[str]:
    return [a for (a,) in db.query("SELECT action FROM trail ORDER BY seq")]


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (10, "十"), (13, "十三"), (20, "二十"), (25, "二十五"),
                                         (100, "百"), (104, "百四"), (231, "二百三十一")])
def test_kanji_numbers_are_written_as_in_statutes(n: int, text: str) -> None:
    assert kanji_number(n) == text


def test_codes_name_their_basis() -> None:
    law = basis_from_code("別表5-10")
    assert (law.basis, law.table_name, law.number, law.citation) == (
        BasisKind.LAW, "別表第五", "第十号", "住民基本台帳法別表第五第十号")
    assert basis_from_code("別表6-3").citation == "住民基本台帳法別表第六第三号"
    ordinance = basis_from_code("条例3-2")
    assert (ordinance.basis, ordinance.citation) == (BasisKind.ORDINANCE, "条例第3条別表第2号")
    for bad in ("別表7-1", "5-10", "条例3", "別表5-"):
        with pytest.raises(InputError, match="形が違います"):
            basis_from_code(bad)
    with pytest.raises(InputError, match="終了日が開始日より前"):
        basis_from_code("別表5-1", date(2025, 4, 1), date(2025, 3, 31))


def test_agency_add_update_and_duplicate(db) -> None:
    added = master_data.add_agency(db, Agency(" K99 ", " 試験課 ", AgencyKind.HONCHO_KA, first_use_year=2026))
    assert (added.code, added.name) == ("K99", "試験課")
    master_data.update_agency(db, Agency("K99", "試験二課", AgencyKind.SHIKKO_KIKAN, "教育委員会", 2026, False, added.id))
    assert master_data.require_agency(db, "K99") == Agency("K99", "試験二課", AgencyKind.SHIKKO_KIKAN, "教育委員会",
                                                           2026, False, added.id)
    with pytest.raises(InputError, match="K99 は既に登録"):
        master_data.add_agency(db, Agency("K99", "別の課"))
    with pytest.raises(InputError, match="必須"):
        master_data.add_agency(db, Agency("K98", "  "))
    with pytest.raises(InputError, match="種別「課」は使えません"):
        master_data.parse_agency_kind("課")
    assert actions(db)[-2:] == ["agency.add", "agency.update"]


def test_jimu_add_authorise_and_change_basis_keeps_history(db) -> None:
    for code in ("E04", "K01"):
        master_data.add_agency(db, Agency(code, f"課{code}"))
    master_data.add_jimu(db, "条例3-6", "住民監査請求に関する事務", agency_codes=["E04"])
    changed = master_data.change_basis(db, "条例3-6", "別表6-4", date(2026, 3, 19))
    assert [(b.code, b.valid_from, b.valid_to) for b in changed.bases] == [
        ("条例3-6", None, date(2026, 3, 18)), ("別表6-4", date(2026, 3, 19), None)]
    assert changed.basis_on(date(2026, 3, 18)).basis is BasisKind.ORDINANCE
    assert changed.basis_on(date(2026, 3, 19)).basis is BasisKind.LAW
    assert master_data.authorised_jimu_codes(db, "E04", date(2026, 3, 18)) == {"条例3-6"}
    assert master_data.authorised_jimu_codes(db, "E04", date(2026, 3, 19)) == {"別表6-4"}
    assert master_data.authorised_jimu_codes(db, "E04") == {"条例3-6", "別表6-4"}
    assert master_data.authorised_jimu_codes(db, "K01", date(2026, 3, 19)) == set()
    with pytest.raises(InputError, match="以後に始まる根拠"):
        master_data.change_basis(db, "条例3-6", "別表6-5", date(2026, 3, 1))
    master_data.update_jimu(db, "条例3-6", name="住民監査請求", division="監査委員事務局", summary=None,
                            agency_codes=["E04", "K01"])
    assert master_data.require_jimu(db, "条例3-6").agency_codes == ("E04", "K01")
    with pytest.raises(InputError, match="機関コード K77 は登録されていません"):
        master_data.add_jimu(db, "別表5-1", "恩給法", agency_codes=["K77"])
    assert master_data.list_jimu(db)[-1].code == "条例3-6"  # the failed add left nothing behind
    assert actions(db)[-3:] == ["jimu.add", "jimu.change_basis", "jimu.update"]


def test_terminals_and_operators(db) -> None:
    master_data.add_agency(db, Agency("C09", "長野地域振興局", AgencyKind.CHIIKI_SHINKOKYOKU))
    master_data.add_terminal(db, Terminal("C09", "T001", "端末室"))
    with pytest.raises(InputError, match="T001 は機関 C09 に既に登録"):
        master_data.add_terminal(db, Terminal("C09", "T001"))
    with pytest.raises(InputError, match="K10 は登録されていません"):
        master_data.add_terminal(db, Terminal("K10", "T009"))
    assert [t.code for t in master_data.list_terminals(db, "C09")] == ["T001"]

    master_data.add_operator(db, Operator("C09", "K10000", "北村 一郎", date(2024, 4, 1)))
    with pytest.raises(InputError, match="失効日が登録日より前"):
        master_data.add_operator(db, Operator("C09", "K10001", None, date(2024, 4, 1), date(2024, 3, 1)))
    revoked = master_data.revoke_operator(db, "C09", "K10000", date(2025, 10, 1))
    assert revoked.valid_on(date(2025, 9, 30)) and not revoked.valid_on(date(2025, 10, 1))
    assert master_data.list_operators(db, "C09") == [revoked]
    with pytest.raises(InputError, match="K19999 は機関 C09 に登録されていません"):
        master_data.revoke_operator(db, "C09", "K19999", date(2025, 10, 1))
    assert trail.verify(db) == []
    assert "北村" not in " ".join(d for (d,) in db.query("SELECT detail FROM trail"))  # no personal names in the trail
