"""Three installations that know each other's public keys: the office and two laptops (issue 18)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from jukiaudit_desktop.services import master_demo, packages
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage.database import Database


@contextmanager
def three_machines(tmp_path: Path) -> Iterator[dict[str, Database]]:
    """Three installations with the same master data, each knowing the others' public keys."""
    dbs: dict[str, Database] = {}
    for name in ("office", "lap_a", "lap_b"):
        db = open_app_database(tmp_path / f"{name}.db", create=True)
        with db.transaction():
            master_demo.load(db)
        packages.ensure_identity(db, name)
        packages.export_identity(db, tmp_path / f"{name}.pub")
        dbs[name] = db
    for me, db in dbs.items():
        for other in dbs:
            if other != me:
                packages.add_peer(db, tmp_path / f"{other}.pub", other, office=other == "office")
    yield dbs
    for db in dbs.values():
        db.close()
