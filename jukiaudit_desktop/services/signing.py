"""Digital signatures on sheets: make the inspector's key, sign a PDF and validate it at once, check a signature."""

from __future__ import annotations

from pathlib import Path

from ..core.errors import InputError, JukiAuditError
from ..reports.pdf_signing import SignatureCheck, make_signing_key, sign_pdf, validate_pdf
from ..security.atomic import write_atomic
from ..storage import trail
from ..storage.database import Database
from .reports import findings_sheet_pdf

CERTIFICATE_SUFFIX = ".crt.pem"


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{what}を読めません({exc.strerror})。", str(path)) from None


def certificate_path(key_path: Path) -> Path:
    """key.p12 → key.crt.pem: the public certificate handed out beside the private key file."""
    return key_path.with_name(key_path.stem + CERTIFICATE_SUFFIX)


def create_signing_key(key_path: Path, name: str, organisation: str, passphrase: str) -> Path:
    """Write a new key (PKCS#12, passphrase-protected, owner-only) and its certificate; refuse to overwrite."""
    if key_path.suffix.lower() not in (".p12", ".pfx"):
        raise InputError("署名鍵ファイルの拡張子は .p12 にしてください。", str(key_path))
    cert_path = certificate_path(key_path)
    for path in (key_path, cert_path):
        if path.exists():
            raise InputError("既にファイルがあります。上書きはしません。", str(path))
    key = make_signing_key(name, organisation, passphrase)
    write_atomic(key_path, key.p12, mode=0o600)
    write_atomic(cert_path, key.certificate_pem, mode=0o644)
    return cert_path


def _sign_and_write(pdf: bytes, target: Path, key_path: Path, passphrase: str, *, reason: str,
                    location: str) -> SignatureCheck:
    signed = sign_pdf(pdf, _read(key_path, "署名鍵"), passphrase, reason=reason, location=location)
    check = validate_pdf(signed, None)
    if not check.valid:
        raise JukiAuditError(f"署名した PDF の検証に失敗しました({check.message})。ファイルは書き出していません。")
    write_atomic(target, signed, mode=0o644)
    return check


def sign_file(source: Path, target: Path, key_path: Path, passphrase: str, *, reason: str,
              location: str) -> SignatureCheck:
    """Sign `source` into `target`, validating the result offline before it is written."""
    return _sign_and_write(_read(source, "PDF"), target, key_path, passphrase, reason=reason, location=location)


def sign_findings_sheet(db: Database, audit_id: int, target: Path, key_path: Path, passphrase: str) -> SignatureCheck:
    """Issue (or reprint) the audit's sheet, sign it with the inspector's key, validate, write, and record it."""
    pdf, issue = findings_sheet_pdf(db, audit_id)
    check = _sign_and_write(pdf, target, key_path, passphrase, reason=f"監査結果の確認(文書番号 {issue.doc_number})",
                            location="")
    with db.transaction():
        trail.record(db, "sheet.sign", doc_number=issue.doc_number, audit_id=audit_id, file=target.name)
    return check


def check_signature(path: Path, certificate: Path | None = None) -> SignatureCheck:
    return validate_pdf(_read(path, "PDF"), None if certificate is None else _read(certificate, "証明書"))
