"""PAdES signatures with the inspector's own key: sign a real sheet, validate offline, one changed byte fails."""

from __future__ import annotations

import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.demo_db import DemoTemplate, issued_sheet_template
from support.memory_keyring import MemoryKeyring
from test_reports_sheet import make_audit

from jukiaudit_desktop.cli import main
from jukiaudit_desktop.core.errors import InputError, JukiAuditError
from jukiaudit_desktop.reports.pdf_signing import make_signing_key
from jukiaudit_desktop.services import reports, signing
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage.database import Database

PASSPHRASE = "kansa-2025-secret"


@pytest.fixture(scope="module")
def issued_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoTemplate, Path]:
    """A database with an issued sheet, and the sheet: made once for the module, copied for each test."""
    folder = tmp_path_factory.mktemp("issued")
    return issued_sheet_template(folder, make_audit), folder / "sheet.pdf"


@pytest.fixture
def db(issued_template: tuple[DemoTemplate, Path], db_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Database]:
    """A copy of the database that issued `sheet`."""
    database = open_app_database(issued_template[0].copy_to(db_path))
    yield database
    database.close()


@pytest.fixture
def sheet(issued_template: tuple[DemoTemplate, Path], tmp_path: Path) -> Path:
    """A copy of the issued sheet."""
    path = tmp_path / "sheet.pdf"
    shutil.copy2(issued_template[1], path)
    return path


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "yamada.p12"
    signing.create_signing_key(path, "山田太郎", "市町村課", PASSPHRASE)
    return path


def test_signed_sheet_validates_and_keeps_the_sheet(db: Database, sheet: Path, key: Path, tmp_path: Path) -> None:
    signed = tmp_path / "signed.pdf"
    check = signing.sign_file(sheet, signed, key, PASSPHRASE, reason="監査結果の確認", location="県庁")
    assert check.valid and check.covers_whole_file and "山田太郎" in check.signer
    trusted = signing.check_signature(signed, certificate=signing.certificate_path(key))
    assert trusted.valid and trusted.signatures[0].trusted
    assert signed.read_bytes().startswith(sheet.read_bytes())  # incremental: the issued sheet is intact
    assert reports.verify_sheet(db, signed).matches


@pytest.mark.parametrize("where", [0.3, 0.6, 0.97])
def test_one_changed_byte_fails_validation(sheet: Path, key: Path, tmp_path: Path, where: float) -> None:
    signed = tmp_path / "signed.pdf"
    signing.sign_file(sheet, signed, key, PASSPHRASE, reason="確認", location="")
    data = bytearray(signed.read_bytes())
    data[int(len(data) * where)] ^= 0x01
    tampered = tmp_path / "tampered.pdf"
    tampered.write_bytes(bytes(data))
    check = signing.check_signature(tampered, certificate=signing.certificate_path(key))
    assert not check.valid


def test_another_signers_certificate_is_not_trusted(sheet: Path, key: Path, tmp_path: Path) -> None:
    signed = tmp_path / "signed.pdf"
    signing.sign_file(sheet, signed, key, PASSPHRASE, reason="確認", location="")
    other = tmp_path / "other.crt.pem"
    other.write_bytes(make_signing_key("別人", "", "another-passphrase").certificate_pem)
    check = signing.check_signature(signed, certificate=other)
    assert check.valid and not check.signatures[0].trusted


def test_key_file_is_private_protected_and_never_overwritten(key: Path, sheet: Path, tmp_path: Path) -> None:
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" not in key.read_bytes()
    with pytest.raises(JukiAuditError, match="パスフレーズが違う"):
        signing.sign_file(sheet, tmp_path / "x.pdf", key, "wrong-passphrase", reason="", location="")
    assert not (tmp_path / "x.pdf").exists()
    with pytest.raises(InputError, match="上書きはしません"):
        signing.create_signing_key(key, "山田太郎", "", PASSPHRASE)
    with pytest.raises(InputError, match="8 文字以上"):
        signing.create_signing_key(tmp_path / "short.p12", "山田太郎", "", "short")


def test_unsigned_pdf_is_reported(sheet: Path) -> None:
    check = signing.check_signature(sheet)
    assert not check.valid and "ありません" in check.problem


def test_signing_commands(sheet: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SIGN_PASS", PASSPHRASE)
    key = tmp_path / "cli.p12"
    assert main(["make-signing-key", "--name", "鈴木花子", "--out", str(key), "--key-passphrase-env", "SIGN_PASS"]) == 0
    signed = tmp_path / "cli-signed.pdf"
    assert main(["sign-pdf", str(sheet), "--key", str(key), "--key-passphrase-env", "SIGN_PASS",
                 "--out", str(signed)]) == 0
    assert "署名は有効で" in capsys.readouterr().out
    cert = signing.certificate_path(key)
    assert main(["verify-signature", str(signed), "--cert", str(cert)]) == 0
    data = bytearray(signed.read_bytes())
    data[len(data) // 2] ^= 0x01
    signed.write_bytes(bytes(data))
    assert main(["verify-signature", str(signed), "--cert", str(cert)]) == 4
    assert "変更されている" in capsys.readouterr().out
