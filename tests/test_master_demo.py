"""The master demo step loads the seed's real lists (checked against the seed text itself) and a home for the samples."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import shared_data

from jukiaudit_desktop.core.errors import InputError, JukiAuditError
from jukiaudit_desktop.core.master import AgencyKind, BasisKind
from jukiaudit_desktop.services import demo, master_data, settings
from jukiaudit_desktop.services.master_demo import SAMPLE_AGENCY_CODE
from jukiaudit_desktop.storage import trail

SHARED = shared_data.SHARED
SEED = SHARED / "seed" / "nagano-2026-01-council-materials.md"
DEMO_OPLOG = Path(__file__).resolve().parents[1] / "resources" / "demo" / "oplog_sample_cp932.csv"
needs_shared = pytest.mark.requires(SEED.exists(), f"the council materials are not available at {SEED}")
# A row of 資料1's tables: name, summary, 担当課, count (tab separated).
_SEED_ROW = re.compile(r"^([^\t]+)\t([^\t]+)\t([^\t]+)\t([\d,]+)$")


def seed_rows() -> tuple[list[tuple[str, str, int]], list[tuple[str, str, int]]]:
    """(法定事務, 条例事務) as (name, 担当課, R6 count), read from the seed's two tables."""
    tables: dict[str, list[tuple[str, str, int]]] = {"法定": [], "条例": []}
    current = None
    for line in SEED.read_text(encoding="utf-8").splitlines():
        if line.startswith("法定事務 33事務"):
            current = "法定"
        elif line.startswith("条例事務 15事務"):
            current = "条例"
        elif current and (m := _SEED_ROW.match(line)):
            tables[current].append((m[1], m[3], int(m[4].replace(",", ""))))
        elif current and line.startswith("<b>"):
            current = None
    return tables["法定"], tables["条例"]


@needs_shared
def test_every_seed_jimu_is_loaded_with_its_division_basis_and_r6_count(demo_db) -> None:
    houtei, jourei = seed_rows()
    assert (len(houtei), len(jourei)) == (33, 15)
    catalogue = {j.name: j for j in master_data.list_jimu(demo_db)}
    year, usage = master_data.latest_usage(demo_db)
    assert year == 2024  # 令和6年度
    for rows, basis in ((houtei, BasisKind.LAW), (jourei, BasisKind.ORDINANCE)):
        for name, division, count in rows:
            jimu = catalogue[name]
            assert jimu.division == division
            assert jimu.bases[0].basis is basis
            assert usage[jimu.code] == count
    assert sum(usage.values()) == sum(c for *_, c in houtei + jourei)


@needs_shared
def test_every_division_the_seed_names_is_an_agency_allowed_its_jimu(demo_db) -> None:
    agencies = {a.name: a for a in master_data.list_agencies(demo_db)}
    houtei, jourei = seed_rows()
    catalogue = {j.name: j for j in master_data.list_jimu(demo_db)}
    for name, division, _count in houtei + jourei:
        for part in re.sub(r"^.*\((.+)\)$", r"\1", division).split():
            names = [a for a in agencies if a.endswith("地域振興局")] if part == "各地域振興局" else [part]
            for agency_name in names:
                assert agencies[agency_name].code in catalogue[name].agency_codes, (name, agency_name)
    audited = ["こども・家庭課", "県民の学び支援課", "食品・生活衛生課", "農業政策課", "交通指導課", "監査委員事務局",
               "国際交流課", "佐久地域振興局", "松本地域振興局", "北アルプス地域振興局", "山岳高原観光課",
               "長野地域振興局", "消防課", "広報・共創推進課", "職員総務課", "児童相談・養育支援室", "地域福祉課",
               "建築住宅課", "公営住宅室", "諏訪地域振興局", "木曾地域振興局", "観光誘客課", "南信州地域振興局"]
    seed_text = SEED.read_text(encoding="utf-8")
    for name in audited:
        assert name in seed_text and name in agencies
    assert agencies["市町村課"].kind is AgencyKind.UNYO_KIKAN
    assert agencies["デジタルインフラ整備室"].kind is AgencyKind.UNYO_KIKAN
    assert agencies["監査委員事務局"].kind is AgencyKind.SHIKKO_KIKAN
    assert agencies["監査委員事務局"].parent_name == "監査委員"
    assert sum(a.kind is AgencyKind.CHIIKI_SHINKOKYOKU for a in agencies.values()) == 10


def test_r8_additions_are_new_agencies_with_law_jimu_from_r8(demo_db) -> None:
    agencies = {a.code: a for a in master_data.list_agencies(demo_db)}
    new = {(a.parent_name, a.name) for a in agencies.values() if a.first_use_year == 2026}
    assert new == {("企業局", "水道事業課"), ("健康福祉部", "介護支援課"), ("建設部", "河川課")}
    catalogue = {j.name: j for j in master_data.list_jimu(demo_db)}
    for law, code in (("地方自治法", "K13"), ("社会福祉士及び介護福祉士法", "K22"), ("採石法", "K23"),
                      ("砂利採取法", "K23")):
        jimu = catalogue[law]
        assert jimu.bases[0].basis is BasisKind.LAW and jimu.bases[0].table_name == "別表第五"
        assert jimu.bases[0].valid_from == date(2026, 4, 1)
        assert jimu.code in master_data.authorised_jimu_codes(demo_db, code, date(2026, 4, 1))
        assert jimu.code not in master_data.authorised_jimu_codes(demo_db, code, date(2026, 3, 31))


def test_water_works_division_is_two_agencies(demo_db) -> None:
    """資料1: a 水道事業課 used 水道法 in R6; 資料4: 企業局 水道事業課 is new in R8 (地方自治法)."""
    water = [a for a in master_data.list_agencies(demo_db) if a.name == "水道事業課"]
    assert [(a.code, a.parent_name, a.first_use_year) for a in water] == [("K13", "企業局", 2026), ("K28", None, None)]
    catalogue = {j.name: j for j in master_data.list_jimu(demo_db)}
    assert catalogue["水道法"].agency_codes == ("K28",) and catalogue["地方自治法"].agency_codes == ("K13",)


def test_placeholders_are_marked_and_can_be_renamed_or_deleted(demo_db) -> None:
    placeholders = [a for a in master_data.list_agencies(demo_db) if a.placeholder]
    assert [a.display_name for a in placeholders] == [f"事務利用機関(名称未掲載){x}【仮】" for x in "ABC"]
    renamed = replace(placeholders[0], name="税務課 収納対策室")
    master_data.update_agency(demo_db, renamed)
    assert not master_data.require_agency(demo_db, "K24").placeholder
    master_data.delete_agency(demo_db, "K25")  # with the R7 self-check and the 第6期 audit entered for it
    assert [a.code for a in master_data.list_agencies(demo_db) if a.placeholder] == ["K26"]
    with pytest.raises(InputError, match="削除できません"):
        master_data.delete_agency(demo_db, "C09")
    assert trail.verify(demo_db) == []


def test_jumin_kansa_seikyu_is_law_from_the_decentralisation_act_and_ordinance_until_the_amendment(demo_db) -> None:
    """資料3: the 一括法 (施行 令和7年8月16日) makes it a 別表第六 事務; the 条例 basis ends when the amendment takes
    effect (公布の日, assumed 2026-03-19). Both are valid in between — the overlap is why the 条例 is amended."""
    jimu = next(j for j in master_data.list_jimu(demo_db) if j.name == "住民監査請求に関する事務")
    ordinance, law = sorted(jimu.bases, key=lambda b: b.basis is BasisKind.LAW)
    assert ordinance.basis is BasisKind.ORDINANCE and law.basis is BasisKind.LAW
    assert law.table_name == "別表第六" and law.valid_from == date(2025, 8, 16)
    assert ordinance.valid_to == date(2026, 3, 18) and ordinance.provisional and law.provisional
    agency = jimu.agency_codes[0]
    assert master_data.authorised_jimu_codes(demo_db, agency, date(2025, 8, 15)) == {ordinance.code}
    for day in (date(2025, 8, 16), date(2025, 9, 10), date(2026, 3, 18)):
        assert master_data.authorised_jimu_codes(demo_db, agency, day) == {ordinance.code, law.code}
    assert master_data.authorised_jimu_codes(demo_db, agency, date(2026, 3, 19)) == {law.code}


def test_child_guidance_office_has_its_assumed_jimu_and_the_stated_58_is_recorded(demo_db) -> None:
    welfare = next(j for j in master_data.list_jimu(demo_db) if j.name == "児童福祉法")
    assert "K21" in welfare.agency_codes and welfare.assumed_agency_codes == ("K21",)
    stated = settings.get(demo_db, master_data.STATED_JIMU_COUNT)
    assert (stated["stated"], stated["listed"]) == (58, len(master_data.list_jimu(demo_db)) - 4)  # R8 additions
    assert "58" in stated["note"] and "48" in stated["note"]


def test_sample_agency_covers_every_terminal_and_operator_of_its_demo_log(demo_db) -> None:
    rows = list(csv.DictReader(io.StringIO(DEMO_OPLOG.read_bytes().decode("cp932"))))
    terminals = {t.code for t in master_data.list_terminals(demo_db, SAMPLE_AGENCY_CODE)}
    operators = {o.operator_code: o for o in master_data.list_operators(demo_db, SAMPLE_AGENCY_CODE)}
    assert {r["端末ID"] for r in rows} == terminals == {"T001", "T002", "T003"}
    invalid = {r["操作者ID"] for r in rows
               if not operators[r["操作者ID"]].valid_on(date.fromisoformat(r["操作日時"][:10].replace("/", "-")))}
    assert invalid == {"K10008"}  # revoked on 2025-04-01: the planted unknown_operator


def test_demo_loads_only_into_an_empty_database_and_is_all_or_nothing(db, monkeypatch) -> None:
    def broken_step(_db) -> None:
        raise RuntimeError("step failed")

    monkeypatch.setattr(demo, "DEMO_STEPS", [*demo.DEMO_STEPS, ("壊れた手順", broken_step)])
    with pytest.raises(RuntimeError, match="step failed"):
        demo.load_demo(db)
    assert master_data.list_agencies(db) == [] and master_data.list_jimu(db) == []
    assert [e.action for e in trail.entries(db)] == ["database.create"]


def test_demo_is_refused_on_a_database_that_has_data(demo_db) -> None:
    before = len(trail.entries(demo_db))
    with pytest.raises(JukiAuditError, match="既にデータがあります"):
        demo.load_demo(demo_db)
    assert len(trail.entries(demo_db)) == before and trail.verify(demo_db) == []
