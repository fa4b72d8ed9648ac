"""Text encoding of an imported file: BOM, then strict UTF-8, then strict CP932; otherwise refuse (never guess)."""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import InputError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Names a profile may give to override detection, mapped to Python codecs.
ENCODING_NAMES = {
    "utf-8": "utf-8", "utf8": "utf-8", "utf-8-sig": "utf-8-sig", "utf-16": "utf-16",
    "cp932": "cp932", "shift_jis": "cp932", "sjis": "cp932", "ms932": "cp932", "windows-31j": "cp932",
    "euc-jp": "euc_jp", "euc_jp": "euc_jp",
}
LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM付き)", "utf-16": "UTF-16 (BOM付き)", "cp932": "Shift_JIS (CP932)",
          "euc_jp": "EUC-JP"}


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # Python codec name

    @property
    def label(self) -> str:
        return LABELS.get(self.encoding, self.encoding)


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def decode(data: bytes, file_name: str, encoding: str = "auto") -> DecodedText:
    """Decode `data`: with `encoding` if the profile names one, else BOM → UTF-8 → CP932, all strict."""
    if encoding != "auto":
        codec = ENCODING_NAMES.get(encoding.lower())
        if codec is None:
            raise InputError(f"文字コード「{encoding}」には対応していません。auto, utf-8, cp932 などを指定してください。",
                             file_name)
        try:
            return DecodedText(data.decode(codec), codec)
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{LABELS.get(codec, codec)} として読めないバイトがあります(バイト位置 {exc.start}、"
                f"{_line_of(data, exc.start)} 行目)。プロファイルの文字コード指定を確認してください。",
                file_name) from None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return DecodedText(data.decode(codec), codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"{LABELS[codec]} として読めないバイトがあります(バイト位置 {exc.start})。",
                                 file_name) from None
    try:
        return DecodedText(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_offset = exc.start
    try:
        return DecodedText(data.decode("cp932"), "cp932")
    except UnicodeDecodeError as exc:
        raise InputError(
            "文字コードを判別できません。UTF-8 としてはバイト位置 "
            f"{utf8_offset}({_line_of(data, utf8_offset)} 行目)、Shift_JIS (CP932) としてはバイト位置 {exc.start}"
            f"({_line_of(data, exc.start)} 行目)に読めないバイトがあります。UTF-8 か Shift_JIS で保存し直すか、"
            "プロファイルで文字コードを指定してください。", file_name) from None


# --- streamed files: one pass for the SHA-256 and the encoding, then decoding while the rows are read ---

_PROBE_BYTES = 1 << 20


@dataclass(frozen=True)
class Probe:
    """What one pass over a file found: its SHA-256, size, first bytes, and the codec to read it with."""

    sha256: str
    size: int
    head: bytes  # the first MiB (header, delimiter, a line-length estimate)
    codec: str
    utf8_error_offset: int | None  # where strict UTF-8 failed (CP932 was chosen then)

    @property
    def label(self) -> str:
        return LABELS.get(self.codec, self.codec)


def probe(path: Path, encoding: str = "auto") -> Probe:
    """Read `path` once, a MiB at a time: its SHA-256 and (encoding "auto") BOM → strict UTF-8 → CP932. Bytes
    CP932 cannot read are found while the rows are read (see decode_error)."""
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")("strict")
    utf8_error: int | None = None
    head, size = b"", 0
    with path.open("rb") as handle:
        while chunk := handle.read(_PROBE_BYTES):
            digest.update(chunk)
            if not head:
                head = chunk
            if utf8_error is None and encoding == "auto":
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as exc:
                    utf8_error = size + exc.start
            size += len(chunk)
    if utf8_error is None and encoding == "auto":
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            utf8_error = size - len(exc.object) + exc.start
    return Probe(digest.hexdigest(), size, head, _codec(head, encoding, utf8_error, path.name), utf8_error)


def _codec(head: bytes, encoding: str, utf8_error: int | None, file_name: str) -> str:
    if encoding != "auto":
        codec = ENCODING_NAMES.get(encoding.lower())
        if codec is None:
            raise InputError(f"文字コード「{encoding}」には対応していません。auto, utf-8, cp932 などを指定してください。",
                             file_name)
        return codec
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return codec
    return "utf-8" if utf8_error is None else "cp932"


def _first_bad_byte(path: Path, codec: str) -> tuple[int, int]:
    """(byte offset, line) of the first byte `codec` cannot read (a second pass, made only on that error)."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    offset, lines = 0, 1
    with path.open("rb") as handle:
        while chunk := handle.read(_PROBE_BYTES):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                at = max(exc.start - len(exc.object) + len(chunk), 0)
                return offset + at, lines + chunk.count(b"\n", 0, at)
            offset += len(chunk)
            lines += chunk.count(b"\n")
    return offset, lines


def decode_error(found: Probe, path: Path) -> InputError:
    """The refusal when the chosen codec cannot read the file (found while its rows are read)."""
    offset, line = _first_bad_byte(path, found.codec)
    if found.utf8_error_offset is not None and found.codec == "cp932":
        return InputError(
            "文字コードを判別できません。UTF-8 としてはバイト位置 "
            f"{found.utf8_error_offset}、Shift_JIS (CP932) としてはバイト位置 {offset}({line} 行目)に読めないバイトが"
            "あります。UTF-8 か Shift_JIS で保存し直すか、プロファイルで文字コードを指定してください。", str(path))
    return InputError(f"{found.label} として読めないバイトがあります(バイト位置 {offset}、{line} 行目)。"
                      "プロファイルの文字コード指定を確認してください。", str(path))
