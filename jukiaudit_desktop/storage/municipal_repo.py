"""Repository of the 市町村 part (資料5): activities with the municipalities named, follow-ups, the tally of
self-check items scored under 3."""

from __future__ import annotations

from collections import defaultdict

from ..core.municipal import LowScoreReason, MunicipalActivity, MunicipalActivityKind, MunicipalFollowup
from .database import Database


def insert_activity(db: Database, activity: MunicipalActivity, agency_ids: list[int]) -> int:
    cur = db.execute(
        "INSERT INTO municipal_activity (fiscal_year, kind, auditor, targets, target_count, period, content) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (activity.fiscal_year, activity.kind.value, activity.auditor, activity.targets, activity.target_count,
         activity.period, activity.content))
    activity_id = int(cur.lastrowid)
    db.conn.executemany("INSERT INTO municipal_activity_agency (activity_id, agency_id) VALUES (?, ?)",
                        [(activity_id, a) for a in agency_ids])
    return activity_id


def list_activities(db: Database, fiscal_year: int) -> list[MunicipalActivity]:
    named: dict[int, list[str]] = defaultdict(list)
    for activity_id, code in db.query(
            "SELECT m.activity_id, a.code FROM municipal_activity_agency m JOIN agency a ON a.id = m.agency_id "
            "ORDER BY a.code"):
        named[int(activity_id)].append(str(code))
    order = {k.value: i for i, k in enumerate(MunicipalActivityKind)}
    rows = db.query("SELECT id, fiscal_year, kind, auditor, targets, target_count, period, content "
                    "FROM municipal_activity WHERE fiscal_year = ? ORDER BY id", (fiscal_year,))
    activities = [MunicipalActivity(int(y), MunicipalActivityKind(k), a, t, None if n is None else int(n), p, c,
                                    tuple(named[int(i)]), int(i)) for i, y, k, a, t, n, p, c in rows]
    return sorted(activities, key=lambda x: (order[x.kind.value], x.id or 0))


def insert_followup(db: Database, fiscal_year: int, agency_id: int, source: str, subject: str, status: str,
                    note: str) -> int:
    cur = db.execute("INSERT INTO municipal_followup (fiscal_year, agency_id, source, subject, status, note) "
                     "VALUES (?, ?, ?, ?, ?, ?)", (fiscal_year, agency_id, source, subject, status, note))
    return int(cur.lastrowid)


def list_followups(db: Database, fiscal_year: int) -> list[MunicipalFollowup]:
    rows = db.query("SELECT f.fiscal_year, a.code, a.name, f.source, f.subject, f.status, f.note "
                    "FROM municipal_followup f JOIN agency a ON a.id = f.agency_id WHERE f.fiscal_year = ? "
                    "ORDER BY a.code, f.id", (fiscal_year,))
    return [MunicipalFollowup(int(y), c, n, s, subj, st, note) for y, c, n, s, subj, st, note in rows]


def low_score_tally(db: Database, fiscal_year: int) -> list[LowScoreReason]:
    """Items scored 1 or 2 in the year's 市町村 self-checks, by category: how many, at how many municipalities,
    and the reasons written (most frequent first)."""
    rows = db.query(
        "SELECT i.category, a.agency_id, coalesce(s.self_comment, '') FROM audit_score s "
        "JOIN audit a ON a.id = s.audit_id JOIN agency g ON g.id = a.agency_id "
        "JOIN checklist_item i ON i.id = s.item_id "
        "WHERE a.fiscal_year = ? AND a.audit_type = '自己点検' AND g.kind = '市町村' "
        "AND (s.self_score = 1 OR s.self_score = 2) ORDER BY i.ordinal", (fiscal_year,))
    items: dict[str, int] = defaultdict(int)
    places: dict[str, set[int]] = defaultdict(set)
    reasons: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for category, agency_id, comment in rows:
        items[category] += 1
        places[category].add(int(agency_id))
        if comment:
            reasons[category][comment] += 1
    tally = [LowScoreReason(c, items[c], len(places[c]),
                            tuple(sorted(reasons[c], key=lambda r: -reasons[c][r]))) for c in items]
    return sorted(tally, key=lambda r: (-r.items, r.category))
