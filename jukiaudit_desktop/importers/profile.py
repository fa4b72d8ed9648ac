"""Import profiles: how a vendor's file layout maps to operation-log or register fields (TOML or JSON).

The format is documented in docs/import_profiles.md; the built-in default reads the sample layouts.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..core.count_rule import CountRule, parse_count_rule
from ..core.errors import InputError
from ..core.identifiers import IdentifierKind
from ..core.records import DEFAULT_SUCCESS_RESULTS
from ..paths import resource
from .encoding import ENCODING_NAMES

OPLOG, REGISTER = "oplog", "register"
KINDS = (OPLOG, REGISTER)

# Field name → Japanese label, per kind, in the order the wizard shows them.
FIELDS: dict[str, dict[str, str]] = {
    OPLOG: {
        "at": "操作日時", "date": "操作日", "time": "操作時刻", "terminal": "端末ID", "operator": "操作者ID",
        "op_kind": "処理区分", "jimu_code": "利用事務コード", "count": "照会件数", "result": "処理結果",
    },
    REGISTER: {
        "date": "使用日", "start_time": "開始時刻", "end_time": "終了時刻", "start_at": "開始日時",
        "end_at": "終了日時", "terminal": "端末ID", "operator": "使用者ID", "jimu_code": "利用事務コード",
        "count": "照会件数",
    },
}
CODED_FIELDS = ("terminal", "operator", "jimu_code", "op_kind", "result")
DELIMITERS = {",": ",", "\t": "\t", "tab": "\t", ";": ";", "|": "|", "auto": "auto"}
_LAYOUT_KEYS = {"encoding", "delimiter", "quote", "header_row", "sheet", "columns", "codes", "identifiers",
                "skip_rows_starting_with", "success_results", "count_rule"}
_COLUMN_KEYS = {"header", "index", "format"}


@dataclass(frozen=True)
class ColumnSpec:
    """Where a field is: by any of its header names, or by 1-based column number; with its value formats."""

    headers: tuple[str, ...] = ()
    index: int | None = None
    formats: tuple[str, ...] = ("auto",)

    def describe(self) -> str:
        return f"{self.index} 列目" if self.index is not None else "「" + "」/「".join(self.headers) + "」"


@dataclass(frozen=True)
class IdentifierColumn:
    column: ColumnSpec
    kind: IdentifierKind


@dataclass(frozen=True)
class Layout:
    """One file layout (operation log or register)."""

    kind: str
    columns: dict[str, ColumnSpec]
    encoding: str = "auto"
    delimiter: str = ","
    quote: str = '"'
    header_row: int | None = None  # None: find the row holding the header names; 0: no header row
    sheet: str | None = None  # xlsx sheet name; None: the first sheet
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    identifiers: tuple[IdentifierColumn, ...] = ()
    skip_prefixes: tuple[str, ...] = ()  # rows whose first cell starts with one of these are not data (合計 …)
    success_results: tuple[str, ...] = DEFAULT_SUCCESS_RESULTS  # 処理結果 values that are not a failed search
    count_rule: CountRule = CountRule()  # operation logs: which rows count toward 照会件数

    def with_columns(self, columns: dict[str, ColumnSpec]) -> Layout:
        return replace(self, columns=columns)


@dataclass(frozen=True)
class ImportProfile:
    name: str
    source: str  # file path, or "既定" for the built-in profile
    layouts: dict[str, Layout]

    def layout(self, kind: str) -> Layout:
        if kind not in self.layouts:
            raise InputError(f"取込プロファイル「{self.name}」には [{kind}] の定義がありません。", self.source)
        return self.layouts[kind]


def default_profile_path() -> Path:
    return resource("import_profiles", "default.toml")


def default_profile() -> ImportProfile:
    return load_profile(default_profile_path(), source="既定")


def load_profile(path: Path, source: str | None = None) -> ImportProfile:
    """Read a profile file (.toml or .json); any mistake is an InputError naming the file and the key."""
    path = Path(path)
    where = source or str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"取込プロファイルを読めません({exc})。", where) from None
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"取込プロファイルの書式が正しくありません({exc})。", where) from None
    return parse_profile(data, where, default_name=path.stem)


def parse_profile(data: Any, where: str, default_name: str = "プロファイル") -> ImportProfile:
    if not isinstance(data, dict):
        raise InputError("取込プロファイルの最上位は表(キーと値の組)にしてください。", where)
    unknown = set(data) - {"name", "description", *KINDS}
    if unknown:
        raise InputError(f"取込プロファイルに不明なキーがあります: {', '.join(sorted(unknown))}", where)
    layouts = {kind: _layout(kind, data[kind], where) for kind in KINDS if kind in data}
    if not layouts:
        raise InputError("取込プロファイルに [oplog] も [register] もありません。", where)
    return ImportProfile(str(data.get("name", default_name)), where, layouts)


def _fail(where: str, key: str, message: str) -> InputError:
    return InputError(f"{key}: {message}", where)


def _layout(kind: str, data: Any, where: str) -> Layout:
    if not isinstance(data, dict):
        raise _fail(where, kind, "表で書いてください。")
    unknown = set(data) - _LAYOUT_KEYS
    if unknown:
        raise _fail(where, kind, f"不明なキーがあります: {', '.join(sorted(unknown))}")
    encoding = str(data.get("encoding", "auto"))
    if encoding != "auto" and encoding.lower() not in ENCODING_NAMES:
        raise _fail(where, f"{kind}.encoding", f"「{encoding}」には対応していません(auto, utf-8, cp932 …)。")
    delimiter = DELIMITERS.get(str(data.get("delimiter", ",")))
    if delimiter is None:
        raise _fail(where, f"{kind}.delimiter", "「,」「\\t」(tab)「;」「|」「auto」のどれかにしてください。")
    quote = str(data.get("quote", '"'))
    if len(quote) != 1:
        raise _fail(where, f"{kind}.quote", "1 文字で指定してください。")
    header_row = data.get("header_row", "auto")
    if header_row == "auto":
        header_row = None
    elif not isinstance(header_row, int) or isinstance(header_row, bool) or header_row < 0:
        raise _fail(where, f"{kind}.header_row", "行番号(1 から)、見出しなしは 0、自動検出は \"auto\" にしてください。")
    columns = {name: _column(spec, where, f"{kind}.columns.{name}")
               for name, spec in _table(data.get("columns", {}), where, f"{kind}.columns").items()}
    unknown_fields = set(columns) - set(FIELDS[kind])
    if unknown_fields:
        raise _fail(where, f"{kind}.columns", f"不明な項目: {', '.join(sorted(unknown_fields))}"
                    f"(使える項目: {', '.join(FIELDS[kind])})")
    _check_required(kind, columns, where)
    codes = {}
    for name, mapping in _table(data.get("codes", {}), where, f"{kind}.codes").items():
        if name not in CODED_FIELDS:
            raise _fail(where, f"{kind}.codes.{name}", f"コード変換できる項目は {', '.join(CODED_FIELDS)} です。")
        codes[name] = {str(k): str(v) for k, v in _table(mapping, where, f"{kind}.codes.{name}").items()}
    identifiers = []
    raw_ids = data.get("identifiers", [])
    if not isinstance(raw_ids, list):
        raise _fail(where, f"{kind}.identifiers", "[[...identifiers]] の並びで書いてください。")
    for number, item in enumerate(raw_ids, start=1):
        key = f"{kind}.identifiers[{number}]"
        item = _table(item, where, key)
        try:
            id_kind = IdentifierKind(str(item.get("kind")))
        except ValueError:
            raise _fail(where, f"{key}.kind", "「個人番号」か「住民票コード」にしてください。") from None
        identifiers.append(IdentifierColumn(_column({k: v for k, v in item.items() if k != "kind"}, where, key),
                                            id_kind))
    skip = data.get("skip_rows_starting_with", [])
    if not isinstance(skip, list) or not all(isinstance(p, str) and p for p in skip):
        raise _fail(where, f"{kind}.skip_rows_starting_with", "文字列の並びで書いてください(例: [\"合計\", \"#\"])。")
    success = data.get("success_results", list(DEFAULT_SUCCESS_RESULTS))
    if kind != OPLOG and "success_results" in data:
        raise _fail(where, f"{kind}.success_results", "操作ログ([oplog])にだけ書けます。")
    if not isinstance(success, list) or not success or not all(isinstance(v, str) and v for v in success):
        raise _fail(where, f"{kind}.success_results", "成功とみなす処理結果の並びで書いてください(例: [\"正常\"])。")
    if "count_rule" in data and kind != OPLOG:
        raise _fail(where, f"{kind}.count_rule", "count_rule は [oplog] にだけ書けます。")
    rule = parse_count_rule(data["count_rule"], where) if "count_rule" in data else CountRule()
    return Layout(kind, columns, encoding, delimiter, quote, header_row, data.get("sheet"), codes,
                  tuple(identifiers), tuple(skip), tuple(success), rule)


def _table(value: Any, where: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(where, key, "表(キーと値の組)で書いてください。")
    return value


def _column(spec: Any, where: str, key: str) -> ColumnSpec:
    if isinstance(spec, str):
        return ColumnSpec(headers=(spec,))
    if isinstance(spec, int) and not isinstance(spec, bool):
        spec = {"index": spec}
    spec = _table(spec, where, key)
    unknown = set(spec) - _COLUMN_KEYS
    if unknown:
        raise _fail(where, key, f"不明なキーがあります: {', '.join(sorted(unknown))}(header, index, format)")
    headers = spec.get("header", [])
    headers = (headers,) if isinstance(headers, str) else tuple(str(h) for h in headers)
    index = spec.get("index")
    if index is not None and (not isinstance(index, int) or isinstance(index, bool) or index < 1):
        raise _fail(where, f"{key}.index", "1 から数えた列番号にしてください。")
    if not headers and index is None:
        raise _fail(where, key, "header(見出し名)か index(列番号)を指定してください。")
    formats = spec.get("format", "auto")
    formats = (formats,) if isinstance(formats, str) else tuple(str(f) for f in formats)
    return ColumnSpec(headers, index, formats or ("auto",))


def _check_required(kind: str, columns: dict[str, ColumnSpec], where: str) -> None:
    problem = missing_fields(kind, columns)
    if problem:
        raise _fail(where, f"{kind}.columns", problem)


def missing_fields(kind: str, columns: dict[str, Any]) -> str | None:
    """Which required fields a mapping lacks, in words; None when it is complete."""
    labels = FIELDS[kind]
    need = [f for f in ("terminal", "operator") if f not in columns]
    if kind == OPLOG:
        if "at" not in columns and not ("date" in columns and "time" in columns):
            need.append("at(または date と time)")
    else:
        if "start_at" not in columns and not ("date" in columns and "start_time" in columns):
            need.append("start_at(または date と start_time)")
        if "end_at" not in columns and "end_time" not in columns:
            need.append("end_at(または end_time)")
    if not need:
        return None
    return "必須の項目がありません: " + ", ".join(f"{n}({labels.get(n.split('(')[0], '')})" for n in need)
