"""Altered documents built the way an attacker would, and the independent validators (pdfsig, pyhanko CLI)."""

from __future__ import annotations

import io
import logging
import subprocess
from collections.abc import Callable
from pathlib import Path

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfReader, PdfWriter


def overwrite_page(pdf: bytes) -> bytes:
    """An incremental update that changes the first page's content stream: a white box over the text and a new
    figure on top (the original bytes stay a prefix)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    page_ref = writer.root["/Pages"]["/Kids"][0]
    page = page_ref.get_object()
    old = page["/Contents"]
    streams = [s.get_object() for s in old] if isinstance(old, generic.ArrayObject) else [old]
    drawn = b"\n".join(s.data for s in streams) + b"\nq 1 1 1 rg 60 560 300 60 re f Q\n"
    page["/Contents"] = writer.add_object(generic.StreamObject(stream_data=drawn))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def flip_byte(pdf: bytes, where: float = 0.5) -> bytes:
    data = bytearray(pdf)
    data[int(len(data) * where)] ^= 0x01
    return bytes(data)


def remove_last_page(pdf: bytes) -> bytes:
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    for page in reader.pages[:-1]:
        writer.add_page(page)
    writer.add_metadata({k: v for k, v in (reader.metadata or {}).items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def resave_pypdf(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def resave_qpdf(pdf: bytes, tmp: Path) -> bytes:
    source, target = tmp / "qpdf-in.pdf", tmp / "qpdf-out.pdf"
    source.write_bytes(pdf)
    subprocess.run(["qpdf", str(source), str(target)], check=True, capture_output=True)
    return target.read_bytes()


ATTACKS: dict[str, Callable[[bytes, Path], bytes]] = {
    "incremental content change": lambda pdf, tmp: overwrite_page(pdf),
    "flipped byte": lambda pdf, tmp: flip_byte(pdf),
    "removed page": lambda pdf, tmp: remove_last_page(pdf),
    "re-saved by pypdf": lambda pdf, tmp: resave_pypdf(pdf),
    "re-saved by qpdf": resave_qpdf,
}


def pdfsig_says_valid(path: Path) -> bool:
    """poppler's verdict: every signature valid and the file totally signed (no trust check: self-signed)."""
    result = subprocess.run(["pdfsig", "-nocert", str(path)], capture_output=True, text=True)
    out = result.stdout
    return (result.returncode == 0 and "Signature is Valid." in out and "Signature Validation: Signature is Valid"
            in out and "Total document signed" in out and "not total" not in out.lower())


def pyhanko_says_valid(path: Path, certificate: Path) -> bool:
    """pyHanko's own CLI verdict (trusting the inspector's certificate), with its difference analysis. The CLI
    runs in this process, as `pyhanko sign validate …` would (without its 0.7 s start-up per call); the loggers
    it configures are put back as they were."""
    from click.testing import CliRunner
    from pyhanko.cli import cli_root

    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in list(logging.root.manager.loggerDict))]
    before = [(logger, logger.handlers[:], logger.level) for logger in loggers]
    try:
        result = CliRunner().invoke(cli_root, ["sign", "validate", "--no-revocation-check", "--trust-replace",
                                               "--trust", str(certificate), "--executive-summary", str(path)],
                                    prog_name="pyhanko")
    finally:
        for logger, handlers, level in before:
            logger.handlers[:], logger.level = handlers, level
    return result.exit_code == 0 and "VALID" in result.stdout and "INVALID" not in result.stdout


def sign_as_someone_else(pdf: bytes, *, visible: bool) -> bytes:
    """Another key's PAdES signature appended; visible = a signature box drawn on the first page."""
    from pyhanko.sign import fields, signers

    from jukiaudit_desktop.reports.pdf_signing import make_signing_key

    key = make_signing_key("偽の監査人", "", "attacker-passphrase")
    signer = signers.SimpleSigner.load_pkcs12_data(key.p12, other_certs=(), passphrase=b"attacker-passphrase")
    assert signer is not None
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    spec = fields.SigFieldSpec("Forged", box=(60, 560, 360, 620)) if visible else None
    out = signers.sign_pdf(writer, signers.PdfSignatureMetadata(field_name="Forged"), signer=signer,
                           new_field_spec=spec)
    return bytes(out.getvalue())
