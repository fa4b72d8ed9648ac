"""Use cases: import operation logs and registers (all files in one transaction), preview and check files
before importing, and type register entries in by hand."""

from __future__ import annotations

import contextlib
import gc
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import platformdirs

from ..core.errors import InputError
from ..core.identifiers import mask
from ..core.master import Agency, AgencyKind
from ..core.progress import NO_PROGRESS, Progress
from ..core.records import RegisterEntry
from ..importers.issues import ImportIssue, ImportRejected, IssueCollector, TooManyIssues
from ..importers.mapping import BATCH_ROWS, RowMapper, open_mapper
from ..importers.profile import OPLOG, REGISTER, ImportProfile, Layout, default_profile, load_profile
from ..importers.tables import is_blank, open_source
from ..importers.values import normalize
from ..paths import resource
from ..security import file_limits
from ..storage import agencies, imports_repo, subject_keys, trail
from ..storage.database import Database

KIND_LABELS = {OPLOG: "操作ログ", REGISTER: "業務端末使用管理簿"}
# Above this many new rows it is faster to drop the operation indexes and build them once at the end.
_REBUILD_INDEX_ROWS = 100_000
_PREVIEW_ROWS = 50


@dataclass(frozen=True)
class FileResult:
    file_name: str
    encoding: str
    rows: int
    duplicate: bool  # the same file (SHA-256) was imported before: nothing added


@dataclass(frozen=True)
class ImportSummary:
    kind: str
    files: tuple[FileResult, ...]
    warnings: tuple[ImportIssue, ...] = ()
    agency_created: str | None = None  # code of the agency registered by this import

    @property
    def rows_added(self) -> int:
        return sum(f.rows for f in self.files if not f.duplicate)

    @property
    def duplicates(self) -> int:
        return sum(1 for f in self.files if f.duplicate)

    def describe(self) -> str:
        added = len(self.files) - self.duplicates
        return (f"{KIND_LABELS[self.kind]}: {added} ファイル {self.rows_added:,} 行を取り込みました"
                f"(取込済みのため飛ばしたファイル {self.duplicates} 件、警告 {len(self.warnings)} 件)")


def ensure_agency(db: Database, code: str) -> tuple[Agency, bool]:
    """The agency with `code`; registered (本庁課, name = code) when missing. Returns (agency, created)."""
    found = agencies.get_by_code(db, code)
    if found is not None:
        return found, False
    if not code.strip():
        raise InputError("機関コードが空です。")
    with db.transaction():
        added = agencies.insert(db, Agency(code.strip(), code.strip(), AgencyKind.HONCHO_KA))
        trail.record(db, "agency.add", code=added.code, name=added.name, by="import")
    return added, True


def _read(path: Path) -> bytes:
    try:
        file_limits.check_size(path)
        return Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"ファイルを読めません({exc.strerror})。", str(path)) from None


def _guarded(batches: Iterator[list[tuple[Any, ...]]], issues: IssueCollector) -> Iterator[list[tuple[Any, ...]]]:
    """Turn a reading error (bad CSV quoting) or the error limit into issues, ending the file there."""
    try:
        yield from batches
    except InputError as exc:
        with contextlib.suppress(TooManyIssues):
            issues.input_error(exc)
    except TooManyIssues:
        pass


def _progress_line(batch: list[tuple[Any, ...]]) -> int:
    return int(batch[-1][0] or 0)


class _IndexRebuild:
    """Drops the operation indexes for a big import and builds them again before the commit."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.dropped: list[tuple[str, str]] = []

    def drop_if_worth_it(self, new_rows_estimate: int) -> None:
        if self.dropped or new_rows_estimate < max(_REBUILD_INDEX_ROWS, imports_repo.last_operation_id(self.db)):
            return
        self.dropped = imports_repo.operation_indexes(self.db)
        for name, _sql in self.dropped:
            imports_repo.drop_index(self.db, name)

    def rebuild(self) -> None:
        imports_repo.create_indexes(self.db, [sql for _name, sql in self.dropped])


def import_files(db: Database, agency: int | str, layout: Layout, paths: Sequence[Path | str], *,
                 profile_name: str = "既定", progress: Progress = NO_PROGRESS) -> ImportSummary:
    """Import every file in one transaction: all rows of all files, or nothing (ImportRejected lists the errors).

    `agency` is an agency id, or a code that is registered (本庁課, name = code) when missing, in the same
    transaction. A file imported before (same SHA-256 for this agency and kind) is recognised and adds nothing.
    """
    with _cycle_collector_paused(), imports_repo.loading_connection(db) as loader, loader.transaction():
        created = None
        if isinstance(agency, str):
            found, was_created = ensure_agency(loader, agency)
            agency_id, created = _id(found), (found.code if was_created else None)
        else:
            agency_id = agency
        summary = _import_files(loader, agency_id, layout, paths, profile_name, progress)
        return replace(summary, agency_created=created)


@contextlib.contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector: rows form no cycles, and every collection would scan the batches in
    flight again (≈1 s of a million-row import)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _import_files(db: Database, agency_id: int, layout: Layout, paths: Sequence[Path | str], profile_name: str,
                  progress: Progress) -> ImportSummary:
    kind = layout.kind
    issues = IssueCollector()
    results: list[FileResult] = []
    key = subject_keys.subject_key(db)  # unchanged by rekey
    sizes = [Path(p).stat().st_size if Path(p).exists() else 0 for p in paths]
    total_bytes, done_bytes = max(sum(sizes), 1), 0
    seen: set[str] = set()
    indexes = _IndexRebuild(db)
    try:
        with db.transaction():
            for path, size in zip(paths, sizes, strict=True):
                name = str(path)
                progress.update(done_bytes, total_bytes, f"{Path(name).name} を読んでいます")
                try:
                    data = _read(Path(path))
                    digest = hashlib.sha256(data).hexdigest()
                    if digest in seen or imports_repo.find_file(db, agency_id, kind, digest):
                        results.append(FileResult(Path(name).name, "", 0, duplicate=True))
                        done_bytes += size
                        continue
                    seen.add(digest)
                    source = open_source(data, name, layout)
                    del data
                    mapper, rows = open_mapper(source, layout, issues, key)
                except InputError as exc:
                    issues.input_error(exc)
                    continue
                file_id = imports_repo.insert_file(db, agency_id, kind, Path(name).name, digest,
                                                   source.encoding_label, profile_name)
                if kind == OPLOG:
                    indexes.drop_if_worth_it(source.line_count)
                count = 0
                for batch in _guarded(mapper.batches(rows), issues):
                    if not issues.errors:  # after the first error only look for more errors
                        _insert(db, kind, file_id, agency_id, batch)
                    count += len(batch)
                    share = min(_progress_line(batch) / max(source.line_count, 1), 1.0)
                    progress.update(done_bytes + int(size * share), total_bytes,
                                    f"{Path(name).name}: {count:,} 行")
                imports_repo.set_row_count(db, file_id, count)
                results.append(FileResult(Path(name).name, source.encoding_label, count, duplicate=False))
                done_bytes += size
                if issues.truncated:
                    break
            if issues.errors:
                raise ImportRejected(issues.errors, issues.truncated)
            progress.update(total_bytes, total_bytes, "索引を作成しています")
            indexes.rebuild()
            trail.record(db, f"import.{kind}", agency_id=agency_id, profile=profile_name,
                         files=[{"name": f.file_name, "rows": f.rows} for f in results if not f.duplicate],
                         duplicates=[f.file_name for f in results if f.duplicate])
    except TooManyIssues:
        raise ImportRejected(issues.errors, truncated=True) from None
    return ImportSummary(kind, tuple(results), tuple(issues.warnings))


def _insert(db: Database, kind: str, file_id: int, agency_id: int, batch: list[tuple[Any, ...]]) -> None:
    if kind == OPLOG:
        imports_repo.insert_operations(db, file_id, agency_id, batch)
    else:
        imports_repo.insert_register_rows(db, file_id, agency_id, batch)


# --- profiles an inspector keeps (the wizard lists them) ---


def profile_folder() -> Path:
    """Where the wizard looks for the inspector's own profiles (*.toml, *.json)."""
    return Path(platformdirs.user_config_dir("JukiAudit", appauthor=False)) / "import_profiles"


def installed_profiles() -> tuple[list[ImportProfile], list[str]]:
    """The built-in profile, then each readable profile in profile_folder(); and the errors of unreadable ones."""
    profiles, problems = [default_profile()], []
    folder = profile_folder()
    if folder.is_dir():
        for path in sorted([*folder.glob("*.toml"), *folder.glob("*.json")]):
            try:
                profiles.append(load_profile(path))
            except InputError as exc:
                problems.append(str(exc))
    return profiles, problems


# --- checking before importing (the wizard) ---


@dataclass(frozen=True)
class FilePreview:
    """The top of a file as the layout reads it: for the wizard's preview and column mapping."""

    file_name: str
    encoding: str
    header_line: int | None
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line, cells as text), identifier columns masked
    columns: dict[str, int]  # field → 0-based column the layout found
    warnings: list[ImportIssue] = field(default_factory=list)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def preview_file(path: Path | str, layout: Layout, limit: int = _PREVIEW_ROWS) -> FilePreview:
    """Decode and read the first rows of a file; identifier columns are shown masked, never in clear."""
    name = str(path)
    source = open_source(_read(Path(path)), name, layout)
    issues = IssueCollector()
    mapper, rows = open_mapper(source, layout, issues)
    hidden = {column for column, _kind in mapper.identifier_columns}
    shown: list[tuple[int, list[str]]] = []
    for line, cells in rows:
        if is_blank(cells):
            continue
        texts = [_cell_text(c) for c in cells]
        shown.append((line, [mask(t) if i in hidden and t else t for i, t in enumerate(texts)]))
        if len(shown) >= limit:
            break
    headers = [_cell_text(c) for c in _header_cells(mapper)]
    return FilePreview(Path(name).name, source.encoding_label, mapper.header_line, headers, shown,
                       dict(mapper.columns), issues.errors + issues.warnings)


def _header_cells(mapper: RowMapper) -> list[Any]:
    """The header row, or column numbers for a file without one."""
    if mapper.header_cells is not None:
        return mapper.header_cells
    return [f"{i + 1} 列目" for i in range(max([*mapper.columns.values(), 0]) + 1)]


@dataclass(frozen=True)
class CheckResult:
    rows: int
    errors: list[ImportIssue]
    warnings: list[ImportIssue]
    truncated: bool


def check_files(paths: Sequence[Path | str], layout: Layout, progress: Progress = NO_PROGRESS) -> CheckResult:
    """Read every row as an import would, without a database: the errors by line, before importing."""
    issues = IssueCollector()
    rows = 0
    try:
        for number, path in enumerate(paths):
            progress.update(number, len(paths), f"{Path(path).name} を確認しています")
            try:
                mapper, data_rows = open_mapper(open_source(_read(Path(path)), str(path), layout), layout, issues)
            except InputError as exc:
                issues.input_error(exc)
                continue
            for batch in _guarded(mapper.batches(data_rows, BATCH_ROWS), issues):
                rows += len(batch)
                progress.update(number, len(paths), f"{Path(path).name}: {rows:,} 行")
    except TooManyIssues:
        pass
    return CheckResult(rows, issues.errors, issues.warnings, issues.truncated)


# --- register entries typed in by hand ---


def register_window(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """(start, end) of a register entry written as a day and two times; an end earlier than the start is on
    the next day (the entry runs past midnight)."""
    start_at = datetime.combine(day, start.replace(second=0, microsecond=0))
    end_at = datetime.combine(day, end.replace(second=0, microsecond=0))
    if end_at < start_at:
        end_at += timedelta(days=1)
    return start_at, end_at


def add_register_entry(db: Database, agency_id: int, entry: RegisterEntry) -> RegisterEntry:
    """Store one entry typed in by hand (no source file)."""
    terminal, operator = normalize(entry.terminal), normalize(entry.operator)
    if not terminal or not operator:
        raise InputError("端末ID と使用者ID は必須です。")
    if entry.end_at < entry.start_at:
        raise InputError("終了日時が開始日時より前です。")
    if entry.count is not None and entry.count < 0:
        raise InputError("照会件数は 0 以上にしてください。")
    row = (None, entry.start_at.isoformat(timespec="minutes"), entry.end_at.isoformat(timespec="minutes"),
           terminal, operator, normalize(entry.jimu_code) or None, entry.count)
    with db.transaction():
        imports_repo.insert_register_rows(db, None, agency_id, [row])
        entry_id = int(db.scalar("SELECT last_insert_rowid()"))
        trail.record(db, "import.register_entry", agency_id=agency_id, id=entry_id)
    return RegisterEntry(entry.start_at.replace(second=0, microsecond=0), entry.end_at.replace(second=0, microsecond=0),
                         terminal, operator, row[5], entry.count, None, None, entry_id)


# --- demo data ---


def load_demo(db: Database) -> None:
    """Demo step: the sample operation log and register (resources/demo) for the sample agency."""
    from .master_demo import SAMPLE_AGENCY_CODE

    profile = default_profile()
    for kind, name in ((OPLOG, "oplog_sample_cp932.csv"), (REGISTER, "register_sample_cp932.csv")):
        import_files(db, SAMPLE_AGENCY_CODE, profile.layout(kind), [resource("demo", name)],
                     profile_name=profile.name)


def _id(agency: Agency) -> int:
    if agency.id is None:
        raise ValueError("agency without id")
    return agency.id
