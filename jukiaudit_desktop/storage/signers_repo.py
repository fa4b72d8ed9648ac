"""SQL for the inspectors' certificates the office trusts (verify-signature says 信頼済み / 未登録 by them)."""

from __future__ import annotations

from dataclasses import dataclass

from .database import Database


@dataclass(frozen=True)
class TrustedSigner:
    id: int
    sha256: str
    subject: str
    certificate_der: bytes
    added_at: str


def add(db: Database, sha256: str, subject: str, certificate_der: bytes, added_at: str) -> TrustedSigner:
    cursor = db.execute("INSERT INTO trusted_signer (sha256, subject, certificate, added_at) VALUES (?, ?, ?, ?)",
                        (sha256, subject, certificate_der, added_at))
    return TrustedSigner(int(cursor.lastrowid), sha256, subject, certificate_der, added_at)


_COLUMNS = "id, sha256, subject, certificate, added_at"


def _signer(row: tuple[object, ...]) -> TrustedSigner:
    return TrustedSigner(int(row[0]), str(row[1]), str(row[2]), bytes(row[3]), str(row[4]))  # type: ignore[call-overload]


def find(db: Database, sha256: str) -> TrustedSigner | None:
    row = db.execute(f"SELECT {_COLUMNS} FROM trusted_signer WHERE sha256 = ?", (sha256,)).fetchone()
    return None if row is None else _signer(row)


def list_all(db: Database) -> list[TrustedSigner]:
    return [_signer(r) for r in db.query(f"SELECT {_COLUMNS} FROM trusted_signer ORDER BY id")]
