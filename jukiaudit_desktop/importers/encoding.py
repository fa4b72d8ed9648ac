"""Text encoding of an imported file: BOM, then strict UTF-8, then strict CP932; otherwise refuse (never guess)."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

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
