"""Documents that cannot be quietly altered: every altered sheet (plain and signed) is 不一致 / invalid, and
poppler's pdfsig and pyHanko's own CLI agree with verify-signature on each file."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from support.demo_db import DemoTemplate, issued_sheet_template
from support.documents import (
    ATTACKS,
    overwrite_page,
    pdfsig_says_valid,
    pyhanko_says_valid,
    sign_as_someone_else,
)
from support.memory_keyring import MemoryKeyring
from test_reports_sheet import make_audit

from jukiaudit_desktop.services import reports, signing
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage.database import Database

PASSPHRASE = "kansa-2025-secret"


@pytest.fixture(scope="module")
def issued_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[DemoTemplate, Path]:
    """A database with an issued sheet, the sheet, the same sheet signed by the inspector, and the inspector's key
    and certificate: made once for the module, copied for each test (`issued`)."""
    folder = tmp_path_factory.mktemp("issued")
    template = issued_sheet_template(folder, make_audit)
    signing.create_signing_key(folder / "yamada.p12", "山田太郎", "市町村課", PASSPHRASE)
    signing.sign_file(folder / "sheet.pdf", folder / "signed.pdf", folder / "yamada.p12", PASSPHRASE,
                      reason="監査結果の確認", location="")
    return template, folder


@pytest.fixture
def issued(issued_template: tuple[DemoTemplate, Path], db_path: Path, tmp_path: Path,
           memory_keyring: MemoryKeyring) -> Iterator[tuple[Database, Path, Path, Path]]:
    """A copy of the issued-sheet database at `db_path` (opened), and copies of its files in `tmp_path`."""
    template, folder = issued_template
    template.copy_to(db_path)
    for name in ("sheet.pdf", "signed.pdf", "yamada.p12", signing.certificate_path(Path("yamada.p12")).name):
        shutil.copy2(folder / name, tmp_path / name)
    db = open_app_database(db_path)
    yield db, tmp_path / "sheet.pdf", tmp_path / "signed.pdf", signing.certificate_path(tmp_path / "yamada.p12")
    db.close()


def test_issued_and_signed_sheets_verify(issued, cli) -> None:
    db, plain, signed, cert = issued
    assert reports.verify_sheet(db, plain).matches
    assert reports.verify_sheet(db, signed).matches
    assert pdfsig_says_valid(signed) and pyhanko_says_valid(signed, cert)
    assert signing.check_signature(signed, certificate=cert).valid


@pytest.mark.parametrize("attack", list(ATTACKS))
@pytest.mark.parametrize("base", ["plain", "signed"])
def test_altered_sheet_is_refused_by_every_check(issued, tmp_path: Path, attack: str, base: str) -> None:
    db, plain, signed, cert = issued
    source = plain if base == "plain" else signed
    altered = tmp_path / "altered.pdf"
    altered.write_bytes(ATTACKS[attack](source.read_bytes(), tmp_path))
    try:
        result = reports.verify_sheet(db, altered)
    except Exception as exc:  # a file too broken to read is refused with its reason
        assert "PDF" in str(exc)
    else:
        assert not result.matches and result.file_problems
    checked = signing.check_signature(altered, certificate=cert)
    assert not checked.valid
    assert not pdfsig_says_valid(altered)
    assert not pyhanko_says_valid(altered, cert)


def test_incremental_update_is_named_with_its_revision(issued, tmp_path: Path, cli) -> None:
    db, plain, signed, _ = issued
    for source, revision in ((plain, 2), (signed, 3)):
        altered = tmp_path / f"altered-{revision}.pdf"
        altered.write_bytes(overwrite_page(source.read_bytes()))
        code, out, _ = cli("verify-sheet", str(altered))
        assert code == 4
        assert f"不一致: 発行後に追記された版があります({revision} 版目" in out


@pytest.mark.parametrize("visible", [False, True])
def test_a_signature_over_a_changed_page_or_a_drawn_box_is_not_the_products(issued, tmp_path: Path,
                                                                              visible: bool) -> None:
    db, plain, _, _ = issued
    source = plain.read_bytes() if visible else overwrite_page(plain.read_bytes())
    forged = tmp_path / "forged.pdf"
    forged.write_bytes(sign_as_someone_else(source, visible=visible))
    result = reports.verify_sheet(db, forged)
    assert not result.matches
    assert "発行後に追記された版があります(2 版目" in result.explain()[0]


def test_verify_signature_names_the_signer_and_uses_the_trusted_list(issued, cli) -> None:
    _, _, signed, cert = issued
    code, out, _ = cli("verify-signature", str(signed))
    assert code == 4 and "未登録" in out and "山田太郎" in out
    fingerprint = signing.read_certificate(cert).fingerprint(hashes.SHA256()).hex()
    assert fingerprint in out and "署名日時    令和" in out
    code, out, _ = cli("signer", "add", "--cert", str(cert))
    assert code == 0 and fingerprint in out
    code, _, err = cli("signer", "add", "--cert", str(cert))
    assert code == 3 and "既に登録" in err
    code, out, _ = cli("signer", "list")
    assert code == 0 and fingerprint in out and "山田太郎" in out
    code, out, _ = cli("verify-signature", str(signed))
    assert code == 0 and "信頼済み" in out


def test_signer_add_refuses_a_file_that_is_no_certificate(issued, cli, tmp_path: Path) -> None:
    _, plain, _, _ = issued
    code, _, err = cli("signer", "add", "--cert", str(plain))
    assert code == 3 and "証明書" in err and plain.name in err
    assert cli("signer", "list")[1].startswith("信頼済みの署名者は登録されていません")


def test_signature_made_after_a_change_is_invalid_for_the_earlier_signature(issued, tmp_path: Path) -> None:
    db, _, signed, cert = issued
    resigned = tmp_path / "resigned.pdf"
    resigned.write_bytes(sign_as_someone_else(overwrite_page(signed.read_bytes()), visible=False))
    checked = signing.check_signature(resigned, certificate=cert)
    assert not checked.valid and not checked.signatures[0].valid and checked.signatures[0].trusted
    assert not pyhanko_says_valid(resigned, cert)
    assert not reports.verify_sheet(db, resigned).matches
