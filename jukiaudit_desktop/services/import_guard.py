"""The wrong-agency guard: a file whose terminals and operator IDs are registered to another agency is refused.

Rule, over the distinct 端末ID and 操作者ID of one file: refuse when another agency owns more than half of
them, or when the chosen agency owns none of them while another agency owns some. An agency with no terminal
and no operator registered yet cannot be checked: a warning, never a refusal.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from ..core.errors import InputError
from ..storage import master_owners
from ..storage.database import Database


class OtherAgencyError(InputError):
    """The file belongs to another agency (`owner` is its code); importing it anyway needs a confirmation."""

    def __init__(self, message: str, location: str, owner: str) -> None:
        self.owner = owner
        self.message = message
        super().__init__(message, location)


def check_owner(db: Database, agency_id: int, what: str, file_name: str, terminals: Iterable[str],
                operators: Iterable[str]) -> str | None:
    """Raise OtherAgencyError when the file belongs to another agency; return a warning when it cannot tell."""
    owners = master_owners.load(db)
    ids = [owners.terminals.get(t, frozenset()) for t in set(terminals)]
    ids += [owners.operators.get(o, frozenset()) for o in set(operators)]
    if not ids:
        return None
    mine = sum(1 for owned in ids if agency_id in owned)
    others = Counter(a for owned in ids for a in owned if a != agency_id)
    if not others:
        return None
    owner_id, owned = others.most_common(1)[0]
    owner_code, owner_name = owners.agencies[owner_id]
    owner = f"{owner_code} {owner_name}"
    if agency_id not in owners.with_master:
        return (f"この機関には端末・操作者がまだ登録されていないため、{what}の機関を確かめられません"
                f"(このファイルの端末・操作者 {len(ids)} 件のうち {owned} 件は {owner} に登録されています)。")
    if owned * 2 > len(ids) or mine == 0:
        raise OtherAgencyError(
            f"この{what}の端末・操作者は {owner} に登録されています(端末・操作者 {len(ids)} 件のうち {owned} 件、"
            f"取込先の機関に登録があるのは {mine} 件)。取込先の機関を確認してください。", file_name,
            owner_code)
    return None
