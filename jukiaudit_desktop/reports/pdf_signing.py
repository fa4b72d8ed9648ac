"""The inspector's own PAdES signature on a sheet: a self-signed key in a passphrase-protected PKCS#12, signing
with pyHanko, and offline validation (no revocation fetching, ever).

The signing key is the inspector's, never the database key; its passphrase is separate from the database's.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ..core.errors import InputError, JukiAuditError

MIN_PASSPHRASE = 8
SIGNATURE_FIELD = "JukiAuditSignature"
# pyHanko logs an untrusted certificate with a traceback; the result says it in words, so without an app
# log handler nothing reaches the terminal (with one, the app log still gets it).
logging.getLogger("pyhanko").addHandler(logging.NullHandler())
VALID_YEARS = 3


@dataclass(frozen=True)
class SigningKey:
    p12: bytes          # key and certificate, encrypted with the passphrase
    certificate_pem: bytes  # the public certificate, to hand to whoever checks the signature


def make_signing_key(name: str, organisation: str, passphrase: str, now: datetime | None = None) -> SigningKey:
    """A new P-256 key and a self-signed certificate (digital signature + non-repudiation) for `name`."""
    if len(passphrase) < MIN_PASSPHRASE:
        raise InputError(f"署名鍵のパスフレーズは {MIN_PASSPHRASE} 文字以上にしてください。")
    if not name.strip():
        raise InputError("署名者の氏名は必須です。")
    key = ec.generate_private_key(ec.SECP256R1())
    subject_parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"), x509.NameAttribute(NameOID.COMMON_NAME, name)]
    if organisation.strip():
        subject_parts.insert(1, x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    subject = x509.Name(subject_parts)
    start = (now or datetime.now(UTC)) - timedelta(minutes=5)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=365 * VALID_YEARS))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .sign(key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"jukiaudit-signer", key, certificate, None,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")))
    return SigningKey(p12, certificate.public_bytes(serialization.Encoding.PEM))


def sign_pdf(pdf: bytes, p12: bytes, passphrase: str, *, reason: str, location: str) -> bytes:
    """Append a PAdES signature (incremental update: the signed file starts with the original bytes)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    try:
        signer = signers.SimpleSigner.load_pkcs12_data(p12, other_certs=(),
                                                       passphrase=passphrase.encode("utf-8"))
    except (ValueError, TypeError):
        signer = None
    if signer is None:
        raise JukiAuditError("署名鍵を開けません。パスフレーズが違うか、署名鍵ファイルではありません。")
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, reason=reason, location=location,
                                        subfilter=SigSeedSubFilter.PADES)
    output = signers.sign_pdf(writer, meta, signer=signer)
    return bytes(output.getvalue())


@dataclass(frozen=True)
class SignatureCheck:
    """One embedded signature, validated offline. `valid` = the signed bytes are intact, the signature verifies
    with the embedded certificate, it covers the whole file except its own contents and nothing was changed
    after it (pyHanko's difference analysis: no modification at all)."""

    valid: bool
    intact: bool
    covers_whole_file: bool
    modification: str         # pyHanko's ModificationLevel name after the signature ("NONE" when untouched)
    signer: str               # the certificate's subject
    fingerprint: str          # SHA-256 of the certificate (DER), lower-case hex
    signed_at: datetime | None  # the signing time the signer states (no timestamp authority offline)
    certificate_der: bytes
    field_name: str
    signed_revision: int      # 0-based revision of the file the signature covers
    message: str
    trusted: bool = False     # the certificate is one the office trusts (decided by the caller)


@dataclass(frozen=True)
class SignedFile:
    """What validating a file found: its revisions and every signature in it (empty: unsigned or unreadable)."""

    revisions: int
    signatures: tuple[SignatureCheck, ...]
    problem: str = ""         # why the file could not be read, in words

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and not self.problem and all(s.valid for s in self.signatures)


_MODIFICATIONS = {  # pyHanko's ModificationLevel, in words
    "NONE": "なし", "LTA_UPDATES": "検証情報の追加", "FORM_FILLING": "フォーム入力・署名の追加",
    "ANNOTATIONS": "注釈の追加", "OTHER": "内容の書き換えなど",
}


def certificate_fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _check_one(signature: Any) -> SignatureCheck:
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    name = str(signature.field_name or "")
    try:
        cert = signature.signer_cert
        der = cert.dump()
        # Integrity only: the signer's own certificate is its root here; trust is decided by fingerprint.
        context = ValidationContext(trust_roots=[cert], allow_fetching=False, revocation_mode="soft-fail")
        status = validate_pdf_signature(signature, context)
    except Exception as exc:  # whatever a damaged or forged signature raises, it is a failed check
        return SignatureCheck(False, False, False, "OTHER", "", "", None, b"", name, signature.signed_revision,
                              f"署名を検証できません({exc})。")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert is not None else ""
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    modification = "OTHER" if level is None else level.name
    intact = bool(status.intact and status.valid)
    if not intact:
        message = "署名された内容が変更されているか、署名が壊れています。"
    elif not whole or modification != "NONE":
        message = (f"署名の後にファイルが変更されています(署名は {signature.signed_revision + 1} 版目まで、"
                   f"変更: {_MODIFICATIONS.get(modification, modification)})。")
    else:
        message = "署名は有効で、署名後の変更はありません。"
    return SignatureCheck(intact and whole and modification == "NONE", intact, whole, modification, signer,
                          certificate_fingerprint(der), status.signer_reported_dt, der, name,
                          signature.signed_revision, message)


def validate_pdf(pdf: bytes) -> SignedFile:
    """Validate every signature of the file offline (no revocation fetching, ever)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        revisions = reader.xrefs.total_revisions
        signatures = reader.embedded_signatures
    except Exception as exc:  # a damaged file is a failed check, said in words
        return SignedFile(0, (), f"PDF を読めません({exc})。")
    if not signatures:
        return SignedFile(revisions, (), "電子署名がありません。")
    return SignedFile(revisions, tuple(_check_one(s) for s in signatures))
