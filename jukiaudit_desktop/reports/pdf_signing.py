"""The inspector's own PAdES signature on a sheet: a self-signed key in a passphrase-protected PKCS#12, signing
with pyHanko, and offline validation (no revocation fetching, ever).

The signing key is the inspector's, never the database key; its passphrase is separate from the database's.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from ..core.errors import InputError, JukiAuditError

MIN_PASSPHRASE = 8
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
    meta = signers.PdfSignatureMetadata(field_name="JukiAuditSignature", reason=reason, location=location,
                                        subfilter=SigSeedSubFilter.PADES)
    output = signers.sign_pdf(writer, meta, signer=signer)
    return bytes(output.getvalue())


@dataclass(frozen=True)
class SignatureCheck:
    valid: bool             # the signed bytes are intact and the signature verifies with the certificate
    trusted: bool           # the signer's certificate is the one given as trusted
    covers_whole_file: bool
    signer: str
    message: str


def validate_pdf(pdf: bytes, trusted_certificate_pem: bytes | None) -> SignatureCheck:
    """Validate the (last) signature offline. Without a trusted certificate only integrity is checked."""
    from asn1crypto import pem
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.errors import SignatureValidationError
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures
    except Exception as exc:  # a damaged file is a failed check, said in words
        return SignatureCheck(False, False, False, "", f"PDF を読めません({exc})。")
    if not signatures:
        return SignatureCheck(False, False, False, "", "電子署名がありません。")
    signature = signatures[-1]
    roots = []
    if trusted_certificate_pem is not None:
        _, _, der = pem.unarmor(trusted_certificate_pem)
        roots = [asn1_x509.Certificate.load(der)]
    elif signature.signer_cert is not None:
        roots = [signature.signer_cert]  # integrity only: a self-signed certificate trusts itself
    context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = validate_pdf_signature(signature, context)
    except (SignatureValidationError, ValueError, KeyError) as exc:
        return SignatureCheck(False, False, False, "", f"署名を検証できません({exc})。")
    signer = status.signing_cert.subject.human_friendly if status.signing_cert is not None else ""
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    valid = bool(status.intact and status.valid)
    trusted = valid and trusted_certificate_pem is not None and bool(status.trusted)
    if not valid:
        message = "署名後に内容が変更されているか、署名が壊れています。"
    elif not whole:
        message = "署名は有効ですが、署名の後にファイルへ追記があります。"
    elif trusted:
        message = "署名は有効で、指定の証明書の署名者によるものです。"
    elif trusted_certificate_pem is not None:
        message = "署名は有効ですが、指定の証明書の署名者によるものではありません。"
    else:
        message = "署名は有効です(自己署名証明書のため、署名者の確認は証明書の照合で行ってください)。"
    return SignatureCheck(valid, trusted, whole, signer, message)
