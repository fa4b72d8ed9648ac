"""Which agencies each registered 端末ID and 操作者ID belongs to (for the import's wrong-agency guard)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .database import Database


@dataclass(frozen=True)
class Owners:
    terminals: dict[str, frozenset[int]]  # 端末ID → agency ids
    operators: dict[str, frozenset[int]]  # 操作者ID → agency ids
    agencies: dict[int, tuple[str, str]]  # agency id → (code, name)
    with_master: frozenset[int]  # agencies with at least one terminal or operator


def load(db: Database) -> Owners:
    def owners(sql: str) -> dict[str, frozenset[int]]:
        found: dict[str, set[int]] = defaultdict(set)
        for code, agency_id in db.query(sql):
            found[str(code)].add(int(agency_id))
        return {code: frozenset(ids) for code, ids in found.items()}

    terminals = owners("SELECT code, agency_id FROM terminal")
    operators = owners("SELECT operator_code, agency_id FROM operator")
    names = {int(i): (str(code), str(name)) for i, code, name in db.query("SELECT id, code, name FROM agency")}
    with_master = frozenset(a for ids in (*terminals.values(), *operators.values()) for a in ids)
    return Owners(terminals, operators, names, with_master)
