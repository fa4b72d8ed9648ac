"""Digital signatures on sheets: make the inspector's key, sign a PDF and validate it at once, check a signature,
keep the list of inspectors' certificates the office trusts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ..core.errors import InputError, JukiAuditError
from ..reports.pdf_signing import (
    SignatureCheck,
    SignedFile,
    certificate_fingerprint,
    make_signing_key,
    sign_pdf,
    validate_pdf,
)
from ..security.atomic import write_atomic
from ..storage import signers_repo, trail
from ..storage.audits_repo import now_text
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
    checked = validate_pdf(signed)
    if not checked.valid:
        reason = checked.problem or checked.signatures[-1].message
        raise JukiAuditError(f"署名した PDF の検証に失敗しました({reason})。ファイルは書き出していません。")
    write_atomic(target, signed, mode=0o644)
    return checked.signatures[-1]


def sign_file(source: Path, target: Path, key_path: Path, passphrase: str, *, reason: str,
              location: str) -> SignatureCheck:
    """Sign `source` into `target`, validating the result offline before it is written."""
    return _sign_and_write(_read(source, "PDF"), target, key_path, passphrase, reason=reason, location=location)


def sign_findings_sheet(db: Database, audit_id: int, target: Path, key_path: Path, passphrase: str, *,
                        allow_incomplete: bool = False) -> SignatureCheck:
    """Issue (or reprint) the audit's sheet, sign it with the inspector's key, validate, write, and record it."""
    pdf, issue = findings_sheet_pdf(db, audit_id, allow_incomplete=allow_incomplete)
    check = _sign_and_write(pdf, target, key_path, passphrase, reason=f"監査結果の確認(文書番号 {issue.doc_number})",
                            location="")
    with db.transaction():
        trail.record(db, "sheet.sign", doc_number=issue.doc_number, audit_id=audit_id, file=target.name)
    return check


def read_certificate(path: Path) -> x509.Certificate:
    """A certificate file, PEM or DER."""
    data = _read(path, "証明書")
    for load in (x509.load_pem_x509_certificate, x509.load_der_x509_certificate):
        try:
            return load(data)
        except ValueError:
            continue
    raise InputError("証明書(PEM または DER 形式の X.509)として読めません。", str(path))


def add_trusted_signer(db: Database, certificate: Path) -> signers_repo.TrustedSigner:
    """Register an inspector's certificate as trusted (once; a second add of the same certificate is refused)."""
    cert = read_certificate(certificate)
    der = cert.public_bytes(Encoding.DER)
    fingerprint = certificate_fingerprint(der)
    with db.transaction():
        known = signers_repo.find(db, fingerprint)
        if known is not None:
            raise InputError(f"この証明書は既に登録されています({known.subject})。", str(certificate))
        signer = signers_repo.add(db, fingerprint, cert.subject.rfc4514_string(), der, now_text())
        trail.record(db, "signer.add", sha256=fingerprint)
    return signer


def list_trusted_signers(db: Database) -> list[signers_repo.TrustedSigner]:
    return signers_repo.list_all(db)


def check_signature(path: Path, *, db: Database | None = None, certificate: Path | None = None) -> SignedFile:
    """Validate every signature of the file; each is trusted when its certificate is the one given, else (no
    certificate given) when it is on the database's list of trusted signers."""
    checked = validate_pdf(_read(path, "PDF"))
    if certificate is not None:
        trusted = {certificate_fingerprint(read_certificate(certificate).public_bytes(Encoding.DER))}
    else:
        trusted = {s.sha256 for s in signers_repo.list_all(db)} if db is not None else set()
    signatures = tuple(dataclasses.replace(s, trusted=s.fingerprint in trusted) for s in checked.signatures)
    return dataclasses.replace(checked, signatures=signatures)
