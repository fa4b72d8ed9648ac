"""Opening the encrypted SQLCipher database: key first, then verify, then schema version and migrations."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlcipher3

from ..core.errors import JukiAuditError
from ..paths import schema_file
from . import bindings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
DatabaseError = sqlcipher3.DatabaseError  # what the layers above catch: only storage/ imports sqlcipher3
_SCHEMA_VERSION_LINE = re.compile(r"PRAGMA\s+user_version\s*=\s*(\d+)", re.IGNORECASE)


class WrongKeyError(JukiAuditError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"{path}: パスフレーズが違うか、JukiAudit のデータベースではありません。"
            "(wrong passphrase or not a JukiAudit database)"
        )


class NewerSchemaError(JukiAuditError):
    def __init__(self, path: Path, found: int, supported: int) -> None:
        super().__init__(
            f"{path}: このデータベースは新しい版の JukiAudit で作成されています(スキーマ {found}、"
            f"この版が扱えるのは {supported} まで)。アプリを更新してから開いてください。"
        )


class DatabaseMissingError(JukiAuditError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: データベースがありません。先に init で作成してください。")


class StorageError(JukiAuditError):
    """Locked database, full disk and similar conditions, said in words a person understands."""


def sqlite_version() -> str:
    """The version of SQLite inside the SQLCipher build in use (for the about box)."""
    return str(sqlcipher3.sqlite_version)


def schema_version() -> int:
    """The schema version that db_schema.sql creates (its `PRAGMA user_version = N` line)."""
    match = _SCHEMA_VERSION_LINE.search(schema_file().read_text(encoding="utf-8"))
    if match is None:
        raise RuntimeError("db_schema.sql does not set PRAGMA user_version")
    return int(match.group(1))


def explain_sqlite_error(exc: Exception, path: Path) -> JukiAuditError:
    """Turn the SQLite errors a user can meet into known errors; anything else stays a bug."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return StorageError(
            f"{path}: データベースが他のプログラムで使用中です。JukiAudit を二重に起動していないか確認してください。"
        )
    if "full" in text or "disk i/o" in text:
        return StorageError(f"{path}: ディスクの空き容量が不足しているか、書き込みに失敗しました。空きを作ってやり直してください。")
    if "readonly" in text or "read-only" in text:
        return StorageError(f"{path}: データベースに書き込めません(読み取り専用)。保存場所の権限を確認してください。")
    if "unable to open" in text:
        return StorageError(f"{path}: データベースを開けません(読み取り専用の場所で、前回の終了時の作業ファイル"
                            "(-wal / -shm)がないか、権限がありません)。書き込める場所にコピーしてから開いてください。")
    if "not a database" in text:
        return WrongKeyError(path)
    if "malformed" in text:
        return damaged_error(path)
    raise exc


@dataclass(frozen=True)
class Migration:
    target_version: int
    path: Path


def find_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """Migration files are named NNNN_what.sql; NNNN is the schema version the step produces."""
    steps = []
    for path in sorted(directory.glob("[0-9][0-9][0-9][0-9]_*.sql")):
        steps.append(Migration(int(path.name[:4]), path))
    return steps


class Database:
    """One open, unlocked database. Not thread-safe: one thread owns it (the GUI's worker, or the CLI)."""

    def __init__(self, conn: sqlcipher3.Connection, path: Path, key: bytes) -> None:
        self.conn = conn
        self.path = path
        self._key = key
        self._depth = 0
        self.notice: str | None = None  # what opening did besides opening (e.g. finished a key change)
        self.binds_changes = False  # bindings' triggers installed: the trail binds every change made here
        self.read_only = False
        self._before_writing: list[Callable[[], None]] = []  # see ready_to_write

    def before_first_write(self, step: Callable[[], None]) -> None:
        """Let `step` run before this connection first writes (ready_to_write)."""
        self._before_writing.append(step)

    def writes_after(self, step: Callable[[], None]) -> None:
        """SQLite refuses any write on this connection (query_only) until `step` has run: its first transaction
        runs it (ready_to_write)."""
        self.conn.execute("PRAGMA query_only = ON")
        self.before_first_write(step)
        self.before_first_write(lambda: self.conn.execute("PRAGMA query_only = OFF"))

    @property
    def waits_to_write(self) -> bool:
        return bool(self._before_writing)

    def ready_to_write(self) -> None:
        """Run what waits for this connection's first write, in order: the page check running beside the
        command (open_database(check_beside=True)), which raises the one message for a damaged page when it
        failed, then what opening left until it passed (the trail's "database.open"). Every transaction
        begins with it; a command that writes nothing calls it once it is done."""
        while self._before_writing:
            step = self._before_writing.pop(0)  # first: a step may write (and so come here again)
            try:
                step()
            except BaseException:
                self._before_writing.insert(0, step)  # a failed check stays failed: nothing is written
                raise

    @property
    def key(self) -> bytes:
        return self._key

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception. Nested use joins the outer transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self.ready_to_write()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlcipher3.OperationalError as exc:
            raise explain_sqlite_error(exc, self.path) from exc
        self._depth = 1
        try:
            yield self
            if self.binds_changes:
                from . import trail  # trail builds on this module

                trail.bind_leftovers(self)
        except BaseException:
            self._depth = 0
            bindings.forget_inserted(self.conn)
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        bindings.forget_inserted(self.conn)
        try:
            self.conn.execute("COMMIT")
        except sqlcipher3.OperationalError as exc:
            self.conn.execute("ROLLBACK")
            raise explain_sqlite_error(exc, self.path) from exc

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlcipher3.Cursor:
        return self.conn.execute(sql, params)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self.conn.execute(sql, params).fetchall()
        return rows

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def close(self) -> None:
        """Close, after what waits for the first write (ready_to_write) if it can be done: a command that failed
        reports its own error (cli.main), and when the page check failed nothing is written, not even a
        checkpoint."""
        try:
            with contextlib.suppress(Exception):
                self.ready_to_write()
                self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            bindings.forget(self.conn)
            self.conn.close()


# Prepared statements kept per connection: the trail's capture triggers make preparing a write dearer, and
# the digest queries (one per table) join the app's own statements in the cache.
_STATEMENT_CACHE = 512


def _connect(path: Path, key: bytes, *, read_only: bool = False,
             cached_statements: int = _STATEMENT_CACHE) -> sqlcipher3.Connection:
    if read_only:  # a read-only file or medium: never ask for write access, never create -wal/-shm
        conn = sqlcipher3.connect(_read_only_uri(path), uri=True, isolation_level=None, timeout=2.0,
                                  check_same_thread=True)
    else:
        conn = sqlcipher3.connect(str(path), isolation_level=None, timeout=2.0, check_same_thread=True,
                                  cached_statements=cached_statements)
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    conn.execute("PRAGMA cipher_memory_security = OFF")  # why: SECURITY.md, "Memory and swap"
    return conn


def _read_only_uri(path: Path) -> str:
    """SQLite reads a WAL database through its -shm file, which a read-only folder (a CD, a write-protected
    share) cannot take. Every close checkpoints the WAL away, so a database without a -wal file is one
    consistent file there: it is opened as immutable (no locks taken; this process cannot write there)."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    if not os.access(path.parent, os.W_OK) and not Path(f"{path}-wal").exists():
        uri += "&immutable=1"
    return uri


@contextlib.contextmanager
def bulk_connection(db: Database, *, foreign_keys: bool = True) -> Iterator[Database]:
    """A second, fresh connection to the same (open, checked) database for one bulk step — loading or reading
    many rows, storing a run — closed afterwards.

    Why: a long-used connection has its per-connection lookaside memory taken by cached statements, so every
    row's allocations go to malloc. A fresh connection that caches no statements (each big read or executemany
    prepares once anyway) keeps its lookaside for the rows: reading a million operations for reconciliation
    costs 1.7–2.0 s of CPU there against 2.5–2.8 s on the app's connection (a million-row import measured
    alike on both). It also gives a load foreign_keys=False when its rows refer only to rows made in the same
    transaction. When `db` is inside a transaction already (demo data), `db` itself is used: a second
    connection would not see its uncommitted rows.
    """
    if db.in_transaction:
        yield db
        return
    conn = _connect(db.path, db.key, cached_statements=0)
    try:
        conn.execute("PRAGMA synchronous = FULL")  # per connection: as durable as the main one
        conn.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        bulk = capture_changes(Database(conn, db.path, db.key))  # the trail binds bulk changes too
        if db.waits_to_write:  # its first write waits for db's (the page check, opening's trail entry)
            bulk.writes_after(db.ready_to_write)
        yield bulk
    finally:
        conn.close()


def damaged_error(path: Path, problems: Sequence[str] = ()) -> StorageError:
    """The one message every command gives for a page that fails its HMAC or a broken structure."""
    detail = f"({' / '.join(problems[:3])})" if problems else ""
    return StorageError(
        f"{path}: データベースが壊れているか改ざんされています(暗号化ページの検証に失敗){detail}。"
        "バックアップから復元してください(設定 → バックアップから復元、または jukiaudit restore)。"
    )


class EmptyFileError(JukiAuditError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: ファイルが空です(0 バイト)。JukiAudit のデータベースではないか、書き込み途中で"
                         "壊れています。バックアップから復元してください。")


def _check_key(conn: sqlcipher3.Connection, path: Path) -> None:
    """The key, before the pages (_check_pages): a wrong one gives WrongKeyError. Both only read: a failure
    leaves the file as it was."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher3.DatabaseError as exc:
        raise explain_sqlite_error(exc, path) from exc


def _check_pages(conn: sqlcipher3.Connection, path: Path) -> None:
    """Every page's HMAC. A page whose HMAC verifies was written by SQLCipher with this key, so a flipped bit or
    an edit without the key is caught here. The B-tree structure (quick_check, as long again on a big file) is
    not checked on every open: damage to it needs the key, SQLite refuses a malformed page it meets, and
    `verify-trail` checks it (security.integrity.structure_problems)."""
    try:
        problems = [str(row[0]) for row in conn.execute("PRAGMA cipher_integrity_check")]
    except sqlcipher3.DatabaseError as exc:
        raise explain_sqlite_error(exc, path) from exc
    if problems:
        raise damaged_error(path, problems)


class PageCheck:
    """_check_pages on a connection of its own in a worker thread, beside the command's first reads: SQLCipher
    checks the HMACs without holding the GIL (0.5 s a million operations, 5 s ten million). Reading before
    it has finished is safe, as SQLCipher checks the HMAC of every page it reads; writing waits for it
    (Database.ready_to_write)."""

    def __init__(self, path: Path, key: bytes) -> None:
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(path, key), name="page-check", daemon=True)
        self._thread.start()

    def _run(self, path: Path, key: bytes) -> None:
        try:
            conn = _connect(path, key, cached_statements=0)
            try:
                conn.execute("PRAGMA query_only = ON")
                _check_pages(conn, path)
            finally:
                conn.close()
        except BaseException as exc:  # handed to the thread that waits (wait)
            self._failure = exc

    def wait(self) -> None:
        """Return once every page has passed; else raise what the check raised (damaged_error …)."""
        self._thread.join()
        if self._failure is not None:
            raise self._failure


def open_database(
    path: Path,
    key: bytes,
    *,
    create: bool = False,
    migrations: Sequence[Migration] | None = None,
    read_only: bool = False,
    verify: bool = True,
    check_beside: bool = False,
) -> Database:
    """Open (or, with create=True and no file yet, create) the database at `path` with a 32-byte raw key.

    The key and every page's HMAC are verified before anything is written (WrongKeyError or
    StorageError, the file untouched); nothing is ever created over an existing file. read_only=True opens
    without write access (a read-only file or medium) and refuses a database that needs a migration.
    verify=False skips the page check, for a second connection to a database this process has open.
    check_beside=True checks the key here and the pages in a worker thread (PageCheck): the database can be
    read at once, and nothing is written (no migration, no trail entry) until the check has passed.
    """
    path = Path(path)
    if len(key) != 32:
        raise ValueError("the database key must be 32 bytes")
    is_new = not path.exists()
    if is_new and not create:
        raise DatabaseMissingError(path)
    if not is_new and path.stat().st_size == 0:
        raise EmptyFileError(path)
    if is_new:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)  # owner only (POSIX); SQLite gives the -wal and -shm files the same mode
    try:
        conn = _connect(path, key, read_only=read_only and not is_new)
    except sqlcipher3.OperationalError as exc:
        raise explain_sqlite_error(exc, path) from exc
    check: PageCheck | None = None
    try:
        if not is_new and verify:
            _check_key(conn, path)
            if check_beside and not read_only:
                check = PageCheck(path, key)
            else:
                _check_pages(conn, path)
        db = Database(conn, path, key)
        steps = find_migrations() if migrations is None else migrations
        if read_only and not is_new:
            db.read_only = True
            _check_version(db, steps, read_only=True)
            return db
        if check is not None and (_journal_mode(conn) != "wal" or _check_version(db, steps, read_only=False)):
            check.wait()  # both write
            check = None
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        if is_new:
            _create_schema(db)
        else:
            _check_and_migrate(db, steps)
        capture_changes(db)
        if check is not None:
            db.writes_after(check.wait)
    except BaseException:
        try:
            if check is not None:
                check.wait()  # a damaged page is the error to give (and its connection closes first)
        finally:
            conn.close()
            if is_new:
                _remove_database_files(path)
        raise
    return db


def _journal_mode(conn: sqlcipher3.Connection) -> str:
    return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()


def capture_changes(db: Database) -> Database:
    """Let the trail bind every change made on this connection (storage.bindings' capture triggers)."""
    bindings.install(db.conn)
    db.binds_changes = True
    return db


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(str(path) + suffix).unlink()


def _create_schema(db: Database) -> None:
    script = schema_file().read_text(encoding="utf-8")
    db.conn.executescript("BEGIN;\n" + script + "\nCOMMIT;")


def _check_version(db: Database, migrations: Sequence[Migration], *, read_only: bool) -> list[Migration]:
    """The migration steps this database still needs (none may be run on a read-only open)."""
    found = int(db.scalar("PRAGMA user_version"))
    target = max([schema_version(), *(m.target_version for m in migrations)])
    if found > target:
        raise NewerSchemaError(db.path, found, target)
    pending = [m for m in migrations if m.target_version > found]
    if pending and read_only:
        raise StorageError(f"{db.path}: このデータベースは更新(スキーマ {found} → {target})が必要ですが、"
                           "読み取り専用で開いています。書き込める場所で一度開いてください。")
    return pending


def _check_and_migrate(db: Database, migrations: Sequence[Migration]) -> None:
    found = int(db.scalar("PRAGMA user_version"))
    pending = _check_version(db, migrations, read_only=False)
    if not pending:
        return
    backup_path = backup_before_migration(db, found)
    # Foreign keys off while a step runs (they cannot change inside a transaction): a step may rebuild a table
    # (new, copy, drop, rename), and dropping a parent would cascade. Checked before each step commits.
    db.conn.execute("PRAGMA foreign_keys = OFF")
    try:
        for step in sorted(pending, key=lambda m: m.target_version):
            if step.target_version != found + 1:
                raise RuntimeError(f"migration gap: at version {found}, next step is {step.path.name}")
            sql = step.path.read_text(encoding="utf-8")
            try:
                columns_before = _table_columns(db)
                db.conn.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {step.target_version};")
                broken = db.conn.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StorageError(f"外部キーの不整合 {len(broken)} 件(例: {broken[0]})")
                _note_changed_columns(db, columns_before)
                db.conn.execute("COMMIT")
            except Exception as exc:
                if db.conn.in_transaction:
                    db.conn.execute("ROLLBACK")
                raise JukiAuditError(  # the SQL error says which statement of the step failed
                    f"{db.path}: データベースの更新({step.path.name})に失敗しました({exc})。"
                    f"更新前のバックアップ: {backup_path}"
                ) from exc
            found = step.target_version
    finally:
        db.conn.execute("PRAGMA foreign_keys = ON")


# The tables whose columns a migration changed, with the columns they had: kept (in the step's own transaction)
# until the app binds their rows again under the new columns (storage.trail_data.rebind_migrated_rows).
REBIND_SETTING = "trail.rebind_after_migration"


def _table_columns(db: Database) -> dict[str, list[str]]:
    return {table: bindings.columns_now(db.conn, table) for table in bindings.bound_tables(db.conn)}


def _note_changed_columns(db: Database, before: dict[str, list[str]]) -> None:
    after = _table_columns(db)
    changed = {table: columns for table, columns in before.items() if table in after and after[table] != columns}
    if not changed:
        return
    row = db.conn.execute("SELECT value FROM setting WHERE name = ?", (REBIND_SETTING,)).fetchone()
    noted: dict[str, list[str]] = json.loads(row[0]) if row else {}
    for table, columns in changed.items():
        noted.setdefault(table, columns)  # the columns its rows were last bound with
    db.conn.execute("INSERT OR REPLACE INTO setting (name, value) VALUES (?, ?)",
                    (REBIND_SETTING, json.dumps(noted, ensure_ascii=False)))


def backup_before_migration(db: Database, version: int) -> Path:
    """Copy the (still encrypted) database file aside before a migration step changes it."""
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup = db.path.with_name(f"{db.path.name}.v{version}-{stamp}.bak")
    shutil.copy2(db.path, backup)
    return backup
