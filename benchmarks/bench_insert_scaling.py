"""How the cost of storing an operation log's rows grows with its size: CPU per million rows, slice by slice.

    PYTHONPATH=TREE python benchmarks/bench_insert_scaling.py --log DIR/oplog.csv [--rows 3000000]
        [--db /tmp/bench-insert.db] [--rows-cache /tmp/bench-insert-rows] [--trail] [--pragma "cache_size=-65536"]

The log's rows are mapped once by the importer (importers.mapping, as an import maps them) and kept in a
pickle beside the database (--rows-cache), so later runs only store. Then, in one process and one thread, the
rows go into a fresh encrypted app database through the app's own path: services.imports' bulk connection
(storage.database.bulk_connection), its page cache (imports_repo.bulk_load_cache), one transaction, and
imports_repo.insert_operations, 20,000 rows a call as the importer hands them over (the cycle collector
paused, as services.imports pauses it). For every slice of a
million rows it prints:
  cpu     CPU seconds of the inserts (thread time; reading the pickle is not counted)
  wall    their wall seconds
  miss    pages SQLite read into its cache (from the WAL or the database file), thousands
  write   pages it wrote (spilled to the WAL), thousands
  rd/wr   MiB the process read and wrote by system calls
and the COMMIT (the WAL's last pages, its checkpoint into the database) after the last slice.
The trail's digests are not made unless --trail (they run on a thread of their own in the app).
--pragma NAME=VALUE (repeatable) runs `PRAGMA NAME = VALUE` on the bulk connection inside bulk_load_cache,
before the transaction (e.g. cache_size=-262144, cache_spill=OFF). --page-size N creates the database with
`PRAGMA cipher_page_size = N` (and the matching page_size) instead of the app's default.
The page counts come from sqlite3_db_status on the bulk connection (found through ctypes in sqlcipher3's
module); --no-stats leaves them out.

What it showed (2026-12-01, 10^7 log, 4 KiB pages, 64 MiB cache; perf on sqlcipher3's module):
- Every page is written about once (≈32,400 a million rows into the WAL = the database's growth) and read
  back almost never (≈100 a million rows): the cache holds the index pages in use.
- Until the cache is full (≈0.7·10^6 rows) no page is written during the inserts; after, each new page is
  encrypted and written as it leaves the cache. At 10^6 half the pages are written at the COMMIT, at 10^7
  97 % during the inserts: the inserts' own figure grows although the work per page does not.
- Writing pages one at a time as they leave the cache costs more than at the COMMIT: with cache_spill=OFF
  the first 3·10^6 rows took 3.1 s a million rows, flat (12.2 s with the COMMIT against 15.1 s), but every
  page stays in memory (543 MB at 3·10^6; 10^7 would not fit 1 GB).
- Each spilled page looks itself up in the WAL's index (one hash table per 4,096 frames, so the lookup grows
  with the WAL): 0.4 % of the CPU early, 2.4 % late in a 10^7 load.
- The index takes new entries at one place per terminal: with 1,600 terminals each row descends a different
  path of a deeper tree, and the page-cache look-ups and key comparisons grow (pcache1Fetch 5.5 → 8.2 %,
  sqlite3BtreeIndexMoveto 10.6 → 12.2 % of the CPU). Rows of a batch sorted by (terminal, at) would save
  7 % at 3·10^6 but take ids out of line order; giving the ids explicitly and inserting in index order
  left the table's pages part-filled (+8 % file, +17 % CPU).
- Before INSERT OR FAIL, each 5,000-row statement copied the first change of every page into a statement
  journal: ≈1,700 pages a statement at 10^7 (one leaf per terminal), ≈11–16 % of the inserts' CPU there.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import pickle
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlcipher3._sqlite3

from jukiaudit_desktop.importers.issues import IssueCollector
from jukiaudit_desktop.importers.mapping import open_mapper
from jukiaudit_desktop.importers.profile import default_profile
from jukiaudit_desktop.importers.tables import open_source
from jukiaudit_desktop.services import imports
from jukiaudit_desktop.services.database_access import open_app_database
from jukiaudit_desktop.storage import database as storage_database
from jukiaudit_desktop.storage import imports_repo

SLICE = 1_000_000
_DBSTATUS = {"miss": 8, "write": 9}  # SQLITE_DBSTATUS_CACHE_MISS, SQLITE_DBSTATUS_CACHE_WRITE


def _mapped_batches(log: Path) -> Iterator[list[tuple[Any, ...]]]:
    layout = default_profile().layout("oplog")
    with open_source(log, layout) as source:
        mapper, rows = open_mapper(source, layout, IssueCollector(), b"\0" * 32)
        yield from mapper.batches(rows)


def _batches(log: Path, cache: Path, limit: int) -> Iterator[list[tuple[Any, ...]]]:
    """The log's mapped rows, from the pickle when it holds enough of them (else mapped now and pickled)."""
    cache.mkdir(parents=True, exist_ok=True)
    pickled = cache / f"{log.parent.name}-{log.stat().st_size}.pickle"
    if not pickled.exists():
        partial = pickled.with_suffix(".partial")
        with partial.open("wb") as out:
            for batch in _mapped_batches(log):
                pickle.dump(batch, out, protocol=pickle.HIGHEST_PROTOCOL)
        partial.rename(pickled)
    taken = 0
    with pickled.open("rb") as rows:
        while taken < limit:
            try:
                batch = pickle.load(rows)
            except EOFError:
                return
            batch = batch[:limit - taken]
            taken += len(batch)
            yield batch


class _Status:
    """sqlite3_db_status counters of one connection (sqlcipher3's Connection holds its sqlite3* first)."""

    def __init__(self, conn: Any) -> None:
        self._lib = ctypes.CDLL(sqlcipher3._sqlite3.__file__)
        self._handle = ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value
        self._lib.sqlite3_db_filename.restype = ctypes.c_char_p
        name = self._lib.sqlite3_db_filename(ctypes.c_void_p(self._handle), b"main")
        if not name:
            raise RuntimeError("could not find the connection's sqlite3 handle")

    def read(self) -> dict[str, int]:
        found = {}
        for name, op in _DBSTATUS.items():
            current, high = ctypes.c_int(), ctypes.c_int()
            self._lib.sqlite3_db_status(ctypes.c_void_p(self._handle), op, ctypes.byref(current),
                                        ctypes.byref(high), 0)
            found[name] = current.value
        return found


def _create(path: Path, page_size: int | None) -> Any:
    for old in path.parent.glob(f"{path.name}*"):
        old.unlink()
    if page_size is not None:  # every connection of this process (SQLCipher cannot read the size from the file)
        connect = storage_database._connect

        def sized(*args: Any, **kwargs: Any) -> Any:
            conn = connect(*args, **kwargs)
            conn.execute(f"PRAGMA cipher_page_size = {page_size:d}")
            return conn

        storage_database._connect = sized  # type: ignore[assignment]
    return open_app_database(path, "bench insert passphrase", create=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--log", type=Path, required=True, help="a CP932 log made by gen_oplog.py")
    parser.add_argument("--rows", type=int, default=10**9, help="store only the log's first ROWS rows")
    parser.add_argument("--db", type=Path, default=Path("/tmp/bench-insert.db"))
    parser.add_argument("--rows-cache", type=Path, default=Path("/tmp/bench-insert-rows"))
    parser.add_argument("--trail", action="store_true", help="let the trail hash the rows as the app does")
    parser.add_argument("--pragma", action="append", default=[], help="NAME=VALUE for the bulk connection")
    parser.add_argument("--page-size", type=int, help="cipher_page_size of the new database")
    parser.add_argument("--no-stats", action="store_true")
    args = parser.parse_args()
    next(_batches(args.log, args.rows_cache, 1))  # map and pickle the log first (not measured)
    db = _create(args.db, args.page_size)
    agency, _ = imports.ensure_agency(db, "B01")
    agency_id = int(agency.id)  # type: ignore[arg-type]
    print(f"{args.log} first {args.rows:,} rows, load {os.getloadavg()[0]:.1f}, page size "
          f"{db.scalar('PRAGMA page_size')}, pragmas {args.pragma or '-'}, trail {'on' if args.trail else 'off'}")
    print(f"{'rows':>10s} {'cpu':>7s} {'wall':>7s} {'miss':>7s} {'write':>7s} {'rd MiB':>8s} {'wr MiB':>8s}")
    total = {"cpu": 0.0, "wall": 0.0}
    with imports._cycle_collector_paused(), storage_database.bulk_connection(db, foreign_keys=False) as loader, \
            imports_repo.bulk_load_cache(loader):
        for pragma in args.pragma:
            loader.execute(f"PRAGMA {pragma}")
        loader.binds_changes = args.trail
        status = None if args.no_stats else _Status(loader.conn)
        with loader.transaction():
            batch_id = imports_repo.insert_batch(loader, agency_id, "oplog", "既定", "bench")
            file_id = imports_repo.insert_file(loader, agency_id, "oplog", args.log.name, "0" * 64, "cp932",
                                               "既定", batch_id)
            done, spent = 0, _spent()
            pages = status.read() if status else {}
            for batch in _batches(args.log, args.rows_cache, args.rows):
                before = _now()
                imports_repo.insert_operations(loader, file_id, agency_id, batch)
                after = _now()
                for name in spent:
                    spent[name] += after[name] - before[name]
                done += len(batch)
                if done % SLICE == 0:
                    pages = _report(done, spent, status, pages, total)
                    spent = _spent()
            if spent["wall"]:
                _report(done, spent, status, pages, total)
            before = _now()  # COMMIT when the block ends
        commit = {name: value - before[name] for name, value in _now().items()}
    print(f"{'inserts':>10s} {total['cpu']:7.2f} {total['wall']:7.2f}  "
          f"({total['cpu'] / done * 1e6:.2f} s CPU a million rows)")
    print(f"{'commit':>10s} {commit['cpu']:7.2f} {commit['wall']:7.2f} {'':15s} {commit['rd'] / 2**20:8.0f} "
          f"{commit['wr'] / 2**20:8.0f}")
    size = args.db.stat().st_size
    db.close()
    print(f"database {size / 2**20:.0f} MiB, load {os.getloadavg()[0]:.1f}")


def _spent() -> dict[str, float]:
    return {"cpu": 0.0, "wall": 0.0, "rd": 0, "wr": 0}


def _now() -> dict[str, float]:
    fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    return {"cpu": time.thread_time(), "wall": time.perf_counter(), "rd": int(fields["rchar"]),
            "wr": int(fields["wchar"])}


def _report(done: int, spent: dict[str, float], status: _Status | None, pages: dict[str, int],
            total: dict[str, float]) -> dict[str, int]:
    now = status.read() if status else {}
    miss = (now["miss"] - pages["miss"]) / 1000 if status else float("nan")
    write = (now["write"] - pages["write"]) / 1000 if status else float("nan")
    print(f"{done:10,d} {spent['cpu']:7.2f} {spent['wall']:7.2f} {miss:7.1f} {write:7.1f} "
          f"{spent['rd'] / 2**20:8.0f} {spent['wr'] / 2**20:8.0f}", flush=True)
    total["cpu"] += spent["cpu"]
    total["wall"] += spent["wall"]
    return now


if __name__ == "__main__":
    main()
