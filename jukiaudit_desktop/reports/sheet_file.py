"""Is a PDF file exactly an issued sheet? Byte for byte the issued rendering, or that rendering followed by one
revision that only adds the product's own invisible signature (pdf_signing.sign_pdf) and that signature covers
the whole file. Anything else — another appended revision, a re-saved, shortened or edited file — is named."""

from __future__ import annotations

import io
from typing import Any

from .pdf_signing import SIGNATURE_FIELD, validate_pdf

# What signing may change in objects the issued file already has (key → allowed to appear or change).
_CATALOG_ADDED = {"/AcroForm", "/Extensions", "/Metadata", "/Version"}
_INFO_CHANGED = {"/ModDate", "/Producer"}


def _reader(pdf: bytes) -> Any:
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(pdf), strict=False)


def _page_count(pdf: bytes) -> int | None:
    try:
        return int(_reader(pdf).root["/Pages"]["/Count"])
    except Exception:  # an unreadable file has no page count to compare
        return None


def file_problems(pdf: bytes, issued: bytes) -> list[str]:
    """Why `pdf` is not the issued file `issued` (empty: it is, possibly with the product's signature)."""
    if pdf == issued:
        return []
    if not pdf.startswith(issued):
        pages, issued_pages = _page_count(pdf), _page_count(issued)
        if pages is not None and issued_pages is not None and pages != issued_pages:
            return [f"ページ数が発行時と違います(発行時 {issued_pages} ページ、このファイル {pages} ページ)。"]
        return ["PDF の中身が発行時のものと異なります(編集されたか、別のソフトで保存し直されています)。"]
    try:
        reader = _reader(pdf)
        revisions = reader.xrefs.total_revisions
        base = _reader(issued).xrefs.total_revisions
    except Exception:  # appended bytes a PDF reader cannot follow
        return ["発行時の PDF の後に、読めないデータが付け足されています。"]
    if revisions <= base:
        return ["発行時の PDF の後にデータが付け足されています。"]
    problem = _signature_revision_problem(reader, base)
    if problem:
        return [f"発行後に追記された版があります({base + 1} 版目: {problem})。"]
    if revisions > base + 1:
        return [f"発行後に追記された版があります({base + 2} 版目)。"]
    checked = validate_pdf(pdf)
    if not checked.valid:
        reason = checked.problem or "、".join(s.message for s in checked.signatures if not s.valid)
        return [f"発行後に付けられた署名が無効です({reason})。"]
    return []


def _signature_revision_problem(reader: Any, revision: int) -> str:
    """'' when revision `revision` only adds the product's invisible signature field; else what it does besides."""
    from pyhanko.pdf_utils import generic

    old = reader.get_historical_resolver(revision - 1)
    new = reader.get_historical_resolver(revision)
    root_ref, info_ref = reader.trailer_view.raw_get("/Root"), reader.trailer_view.raw_get("/Info")
    page_refs = {ref.reference for ref in old(root_ref.reference)["/Pages"].raw_get("/Kids")}
    kinds: dict[str, int] = {}
    for ref in reader.xrefs.explicit_refs_in_revision(revision):
        reference = generic.Reference(ref.idnum, ref.generation)
        now = new(reference)
        if reader.xrefs.get_introducing_revision(reference) == revision:
            kind = _new_object_kind(now)
            if not kind:
                return "署名以外のオブジェクトが追加されています"
            kinds[kind] = kinds.get(kind, 0) + 1
            continue
        before = old(reference)
        if reference == root_ref.reference:
            allowed = _CATALOG_ADDED
        elif reference == info_ref.reference:
            allowed = _INFO_CHANGED
        elif reference in page_refs and "/Annots" not in before:
            allowed = {"/Annots"}
        else:
            return "発行時のオブジェクトが書き換えられています"
        if not (isinstance(now, generic.DictionaryObject) and isinstance(before, generic.DictionaryObject)):
            return "発行時のオブジェクトが書き換えられています"
        changed = {k for k in set(now) | set(before)
                   if k not in before or k not in now or now.raw_get(k) != before.raw_get(k)}
        if not changed <= allowed:
            return "発行時の内容(" + "、".join(sorted(changed - allowed)) + ")が書き換えられています"
    if kinds.get("widget") != 1 or kinds.get("signature") != 1:
        return "製品の署名の形ではありません"
    return ""


def _new_object_kind(obj: Any) -> str:
    """What a new object of a signature revision is: acroform, widget, signature, metadata; '' for anything
    else (a content stream, an appearance, a font …)."""
    if not isinstance(obj, dict):
        return ""
    keys = set(obj)
    if keys == {"/Fields", "/SigFlags"}:
        return "acroform"
    if obj.get("/FT") == "/Sig" and obj.get("/T") == SIGNATURE_FIELD and "/AP" not in obj:
        rect = [float(x) for x in obj.get("/Rect", [0, 0, 0, 0])]
        return "widget" if rect[0] == rect[2] or rect[1] == rect[3] else ""
    if obj.get("/Type") == "/Sig" and keys <= {"/Type", "/Filter", "/SubFilter", "/Contents", "/ByteRange", "/M",
                                                 "/Reason", "/Location", "/Name", "/ContactInfo", "/Prop_Build"}:
        return "signature"
    if obj.get("/Type") == "/Metadata" and obj.get("/Subtype") == "/XML":
        return "metadata"
    return ""
