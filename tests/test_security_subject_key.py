"""Identifier hashes stay comparable across a key change: the hash key is its own secret inside the
database, unchanged by rekey; the mask shows the last two digits only."""

from __future__ import annotations

from pathlib import Path

from jukiaudit_desktop.core.identifiers import IdentifierKind, keyed_hash, mask
from jukiaudit_desktop.services import backup
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import subject_keys


def test_the_subject_hash_of_one_person_is_the_same_before_and_after_rekey(db_path: Path) -> None:
    db = open_app_database(db_path, create=True)
    old_db_key, before = db.key, keyed_hash(subject_keys.subject_key(db), IdentifierKind.MY_NUMBER, "983205673214")
    db = backup.change_key(db)
    assert db.key != old_db_key
    assert keyed_hash(subject_keys.subject_key(db), IdentifierKind.MY_NUMBER, "983205673214") == before
    db = backup.change_key(db)  # and after a second change
    assert keyed_hash(subject_keys.subject_key(db), IdentifierKind.MY_NUMBER, "983205673214") == before
    db.close()


def test_the_mask_shows_two_digits() -> None:
    assert mask("983205673214") == "**********14"
    assert mask("12345678901") == "*********01"
