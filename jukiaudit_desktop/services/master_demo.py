"""Demo step 「マスタデータ」: the seed's agencies and 事務 catalogue, plus the sample agency's terminals and operators."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..core.master import Agency, AgencyKind, Jimu, Operator, Terminal, basis_from_code
from ..paths import resource
from ..storage import agencies, jimu, operators, terminals, trail
from ..storage.database import Database
from . import settings
from .master_data import AGENCY_SET_ASSUMPTION, STATED_JIMU_COUNT

DEMO_FILE = ("demo", "master_seed.json")
# The agency whose terminals (T001–T003) and operators (K10000–K10007) match /work/shared/samples:
# 長野地域振興局. Import and reconcile demos load the sample files into this agency.
SAMPLE_AGENCY_CODE = "C09"
USAGE_SOURCE = "entered"


def _day(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def demo_master_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource(*DEMO_FILE).read_text(encoding="utf-8"))
    return data


def load(db: Database) -> None:
    """Insert the demo master data. Runs inside the demo loader's transaction."""
    data = demo_master_data()
    agency_ids: dict[str, int] = {}
    for row in data["agencies"]:
        added = agencies.insert(db, Agency(row["code"], row["name"], AgencyKind(row["kind"]), row["parent_name"],
                                           row["first_use_year"], placeholder=row["placeholder"]))
        assert added.id is not None
        agency_ids[added.code] = added.id
    jimu_ids: dict[str, int] = {}
    provisional = bool(data["bases_provisional"])  # the demo numbers 号 in listing order
    for row in data["jimu"]:
        bases = tuple(basis_from_code(b["code"], _day(b.get("valid_from")), _day(b.get("valid_to")), provisional)
                      for b in row["bases"])
        jimu_id = jimu.insert(db, Jimu(row["code"], row["name"], row["division"], row["summary"], bases))
        jimu.set_agencies(db, jimu_id, [agency_ids[c] for c in row["agencies"]])
        for code in row.get("assumed_agencies", ()):
            jimu.add_agency(db, jimu_id, agency_ids[code], assumed=True)
        for year, count in row["usage"].items():
            jimu.set_usage(db, jimu_id, int(year), count, USAGE_SOURCE)
        jimu_ids[row["code"]] = jimu_id
    sample = data["sample_agency"]
    sample_id = agency_ids[sample["code"]]
    for code in sample["jimu"]:
        jimu.add_agency(db, jimu_ids[code], sample_id)
    for row in sample["terminals"]:
        terminals.insert(db, sample_id, Terminal(sample["code"], row["code"], row["location"]))
    for row in sample["operators"]:
        operators.insert(db, sample_id, Operator(sample["code"], row["operator_code"], row["name"],
                                                 _day(row["registered_on"]), _day(row["revoked_on"])))
    settings.set_value(db, STATED_JIMU_COUNT, data["stated_jimu_count"])
    settings.set_value(db, AGENCY_SET_ASSUMPTION, data["agency_set_assumption"])
    trail.record(db, "master.demo", agencies=len(agency_ids), jimu=len(jimu_ids), sample_agency=sample["code"])
