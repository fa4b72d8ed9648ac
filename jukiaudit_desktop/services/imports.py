"""Use cases: import operation logs and registers (all files in one transaction), preview and check files
before importing, and type register entries in by hand."""

from __future__ import annotations

import contextlib
import getpass
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs

from ..core.collector import collector_paused
from ..core.errors import InputError
from ..core.identifiers import mask
from ..core.master import Agency, AgencyKind
from ..core.progress import NO_PROGRESS, Progress
from ..core.records import RegisterEntry
from ..importers.encoding import Probe, probe
from ..importers.issues import ImportIssue, ImportRejected, IssueCollector, TooManyIssues
from ..importers.mapping import RowMapper, mapped_batches, open_mapper
from ..importers.profile import OPLOG, REGISTER, ImportProfile, Layout, default_profile, load_profile
from ..importers.tables import is_blank, open_source
from ..importers.values import normalize
from ..paths import resource
from ..storage import agencies, count_rules, import_overlap, imports_repo, subject_keys, trail
from ..storage.database import Database, bulk_connection
from . import import_guard, import_reading
from .import_skips import SkippedRows

if TYPE_CHECKING:
    from ..storage.import_columns import ImportColumns

KIND_LABELS = {OPLOG: "操作ログ", REGISTER: "業務端末使用管理簿"}
_TABLES = {OPLOG: "operation", REGISTER: "register_entry"}
# Positions of 端末ID and 操作者ID in the rows importers.mapping makes (for the wrong-agency guard).
_OWNER_COLUMNS = {OPLOG: (operator.itemgetter(2), operator.itemgetter(3)),
                  REGISTER: (operator.itemgetter(3), operator.itemgetter(4))}
_PREVIEW_ROWS = 50


@dataclass(frozen=True)
class FileResult:
    file_name: str
    encoding: str
    rows: int  # rows added
    duplicate: bool  # the same file (SHA-256) was imported before: nothing added
    skipped: int = 0  # rows of the file stored already (by an earlier file), not added again
    skipped_note: str = ""  # 「既に取り込まれた行 … を飛ばしました(… 行 2–1235 = … 行 …)」

    def describe(self) -> str:
        if self.duplicate:
            return f"{self.file_name}: 同じファイルを取込済みのため、何も追加しませんでした。"
        if self.rows == 0 and self.skipped:
            return f"{self.file_name}: すべての行が取込済みのため、何も追加しませんでした。{self.skipped_note}。"
        text = f"{self.file_name}: {self.rows:,} 行を追加しました。"
        return text + (f"{self.skipped_note}。" if self.skipped else "")


@dataclass(frozen=True)
class ImportSummary:
    kind: str
    files: tuple[FileResult, ...]
    warnings: tuple[ImportIssue, ...] = ()
    agency_created: str | None = None  # code of the agency registered by this import
    batch_id: int | None = None  # None: nothing was added
    notices: tuple[str, ...] = ()  # e.g. the agency's owner could not be checked

    @property
    def rows_added(self) -> int:
        return sum(f.rows for f in self.files if not f.duplicate)

    @property
    def rows_skipped(self) -> int:
        return sum(f.skipped for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(1 for f in self.files if f.duplicate)

    def describe(self) -> str:
        added = sum(1 for f in self.files if f.rows)
        head = (f"{KIND_LABELS[self.kind]}: {added} ファイル {self.rows_added:,} 行を取り込みました"
                f"(取込済みのため飛ばした行 {self.rows_skipped:,} 行、取込済みのファイル {self.duplicates} 件、"
                f"警告 {len(self.warnings)} 件)")
        return "\n".join([head, *(f"  {f.describe()}" for f in self.files)])


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


def _probe(path: Path, layout: Layout) -> Probe:
    """The file's SHA-256 and encoding, in one streamed pass."""
    try:
        return probe(path, layout.encoding)
    except OSError as exc:
        raise InputError(f"ファイルを読めません({exc.strerror})。", str(path)) from None


def _progress_line(batch: list[tuple[Any, ...]]) -> int:
    return int(batch[-1][0] or 0)


def import_files(db: Database, agency: int | str, layout: Layout, paths: Sequence[Path | str], *,
                 profile_name: str = "既定", allow_other_agency: bool = False,
                 progress: Progress = NO_PROGRESS) -> ImportSummary:
    """Import every file in one transaction: all rows of all files, or nothing (ImportRejected lists the errors).

    `agency` is an agency id, or a code that is registered (本庁課, name = code) when missing, in the same
    transaction. Rows stored already for the agency are skipped (see storage.import_overlap); a file imported
    before (same SHA-256) adds nothing. A file whose terminals and operators are registered to another agency
    is refused (services.import_guard.OtherAgencyError) unless `allow_other_agency`. The indexes are kept up to
    date as rows are stored: SQLite does it in the same steps, beside the thread or the worker process that reads and
    hashes (dropping them and sorting at the end would leave that work for one core, after everything else).
    """
    with collector_paused(), bulk_connection(db, foreign_keys=False) as loader, \
            imports_repo.bulk_load_cache(loader), loader.transaction():
        created = None
        if isinstance(agency, str):
            found, was_created = ensure_agency(loader, agency)
            agency_id, created = _id(found), (found.code if was_created else None)
        else:
            agency_id = agency
        job = _Import(loader, agency_id, layout, profile_name, allow_other_agency)
        summary = job.run(paths, progress)
        return replace(summary, agency_created=created)


class _Import:
    """One import (one batch): the files in order, each compared with what is stored before it."""

    def __init__(self, db: Database, agency_id: int, layout: Layout, profile_name: str, allow_other_agency: bool
                 ) -> None:
        self.db, self.agency_id, self.layout, self.kind = db, agency_id, layout, layout.kind
        self.table = _TABLES[layout.kind]
        self.profile_name, self.allow_other_agency = profile_name, allow_other_agency
        self.issues = IssueCollector()
        self.notices: list[str] = []
        self.accepted_owners: list[str] = []  # owners of files imported although they belong to another agency
        self.batch_id: int | None = None
        self.key = subject_keys.subject_key(db)  # unchanged by rekey

    def run(self, paths: Sequence[Path | str], progress: Progress) -> ImportSummary:
        results: list[FileResult] = []
        sizes = [Path(p).stat().st_size if Path(p).exists() else 0 for p in paths]
        total_bytes, done_bytes = max(sum(sizes), 1), 0
        seen: set[str] = set()
        issues = self.issues
        try:
            with self.db.transaction():
                for path, size in zip(paths, sizes, strict=True):
                    result = self._file(Path(path), seen, progress, done_bytes, size, total_bytes)
                    if result is not None:
                        results.append(result)
                    done_bytes += size
                    if issues.truncated:
                        break
                if issues.errors:
                    raise ImportRejected(issues.errors, issues.truncated)
                if self.batch_id is not None:
                    trail.record(self.db, f"import.{self.kind}", agency_id=self.agency_id, batch_id=self.batch_id,
                                 profile=self.profile_name,
                                 files=[{"name": f.file_name, "rows": f.rows, "skipped": f.skipped}
                                        for f in results if not f.duplicate],
                                 duplicates=[f.file_name for f in results if f.duplicate],
                                 other_agency=self.accepted_owners)
        except TooManyIssues:
            raise ImportRejected(issues.errors, truncated=True) from None
        return ImportSummary(self.kind, tuple(results), tuple(issues.warnings), batch_id=self.batch_id,
                             notices=tuple(self.notices))

    def _file(self, path: Path, seen: set[str], progress: Progress, done_bytes: int, size: int,
              total_bytes: int) -> FileResult | None:
        db, issues = self.db, self.issues
        progress.update(done_bytes, total_bytes, f"{path.name} を読んでいます")
        try:
            found = _probe(path, self.layout)
        except InputError as exc:
            issues.input_error(exc)
            return None
        digest = found.sha256
        if digest in seen or imports_repo.find_file(db, self.agency_id, self.kind, digest):
            return FileResult(path.name, "", 0, duplicate=True)
        seen.add(digest)
        with import_reading.open_file(path, self.layout, found, issues, self.key) as reader:
            if reader is None:
                return None
            return self._rows(path, reader, digest, progress, done_bytes, size, total_bytes)

    def _rows(self, path: Path, reader: import_reading.FileReader, digest: str, progress: Progress,
              done_bytes: int, size: int, total_bytes: int) -> FileResult | None:
        db, issues, name = self.db, self.issues, str(path)
        if self.batch_id is None:
            self.batch_id = imports_repo.insert_batch(db, self.agency_id, self.kind, self.profile_name, _user())
        file_id = imports_repo.insert_file(db, self.agency_id, self.kind, path.name, digest, reader.encoding_label,
                                           self.profile_name, self.batch_id)
        if self.kind == OPLOG:
            imports_repo.set_success_results(db, file_id, self.layout.success_results)
        first_new_id = imports_repo.last_id(db, self.table)
        earlier = import_overlap.any_stored(db, self.table, self.agency_id)
        hashing = imports_repo.row_hashing(db, self.table, file_id, self.agency_id)
        columns = _log_columns(db, file_id, first_new_id) if self.kind == OPLOG else None
        terminals: set[str] = set()
        operators: set[str] = set()
        terminal_of, operator_of = _OWNER_COLUMNS[self.kind]
        count = 0
        # The file is read, checked and mapped beside this thread (a thread, or a process of its own with the
        # rows' digests: services.import_reading) while this one stores the rows.
        for batch, digests in reader.batches(hashing, first_new_id + 1):
            if not issues.errors:  # after the first error only look for more errors
                _insert(db, self.kind, file_id, self.agency_id, batch, digests)
                if columns is not None:
                    columns.add(batch)
                terminals.update(map(terminal_of, batch))
                operators.update(map(operator_of, batch))
            count += len(batch)
            share = min(_progress_line(batch) / max(reader.line_count, 1), 1.0)
            progress.update(done_bytes + int(size * share), total_bytes, f"{path.name}: {count:,} 行")
        if issues.errors:
            return FileResult(path.name, reader.encoding_label, count, duplicate=False)
        self._check_owner(name, terminals, operators)
        skipped = SkippedRows()
        if earlier:  # without earlier rows there is nothing to pair
            for pair in import_overlap.stored_pairs(db, self.table, self.agency_id, file_id, first_new_id):
                skipped.add(pair)
        import_overlap.remove_rows(db, self.table, skipped.ids)
        if columns is not None:
            count_rules.apply(db, file_id, first_new_id, self.layout.count_rule)
            columns.store(skipped.ids, recount=not self.layout.count_rule.is_default)
        imports_repo.set_row_count(db, file_id, count - len(skipped), len(skipped))
        return FileResult(path.name, reader.encoding_label, count - len(skipped), duplicate=False,
                          skipped=len(skipped), skipped_note=skipped.describe(path.name))

    def _check_owner(self, file_name: str, terminals: set[str], operators: set[str]) -> None:
        try:
            warning = import_guard.check_owner(self.db, self.agency_id, KIND_LABELS[self.kind], file_name,
                                               terminals, operators)
        except import_guard.OtherAgencyError as exc:
            if not self.allow_other_agency:
                raise
            self.accepted_owners.append(exc.owner)
            warning = f"{exc.message}(他の機関のファイルと知ったうえで取り込みました)"

        if warning:
            self.notices.append(f"{file_name}: {warning}")


def _user() -> str:
    """Who imports: the signed-in user of the computer (the inspector's own laptop)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return ""


def _log_columns(db: Database, file_id: int, first_new_id: int) -> ImportColumns:
    """The reconciliation's input of a log being imported, made from the rows inserted (storage.import_columns)."""
    from ..storage.import_columns import ImportColumns  # numpy: loaded by a log's import, not by a register's

    return ImportColumns(db, file_id, first_new_id)


def _insert(db: Database, kind: str, file_id: int, agency_id: int, batch: list[tuple[Any, ...]],
            digests: bytes | None) -> None:
    if kind == OPLOG:
        imports_repo.insert_operations(db, file_id, agency_id, batch, digests)
    else:
        imports_repo.insert_register_rows(db, file_id, agency_id, batch, digests)


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
    issues = IssueCollector()
    shown: list[tuple[int, list[str]]] = []
    with open_source(Path(path), layout, _probe(Path(path), layout)) as source:
        mapper, rows = open_mapper(source, layout, issues)
        hidden = {column for column, _kind in mapper.identifier_columns}
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
            with contextlib.ExitStack() as stack:
                try:
                    _source, batches = stack.enter_context(
                        mapped_batches(Path(path), layout, _probe(Path(path), layout), issues))
                except InputError as exc:
                    issues.input_error(exc)
                    continue
                for batch in batches:
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
