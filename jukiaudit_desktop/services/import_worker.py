"""A CSV file's rows read, checked, mapped and given their trail digests in a process of its own, while the
caller's process stores them: Python runs one thread at a time per process, and this work (≈5.5 s of CPU a
million operations) would otherwise share the interpreter with the inserts.

The caller's process (WorkerReader) starts the worker from this program (launch.worker_command) and speaks to
it over the worker's stdin and stdout only, in pickled messages (worker → caller: each after its length):
  caller → worker  the file's path, layout, probe, the subject key and the issues so far; then, once the file is
                   open, how its rows are hashed (bindings.RowHashing) and the first row's id
  worker → caller  ("opened", encoding, line count) or ("closed",) when the file cannot be read; ("rows", batch,
                   digests) per batch; ("end",); ("failed", traceback). Each message carries the issues found
                   since the last, which the caller adds to its own collector as they were found (the same
                   FILE:LINE:COLUMN messages, the same error limit).
The subject key and the rows cross only these pipes, never a file, the command line or the environment. A
worker whose caller has gone stops at its next message (broken pipe); a caller that leaves early (an error, a
cancel) kills its worker and waits for it. xlsx files (read whole, within file_limits) and small files are read
in the caller's process (services.import_reading).
"""

from __future__ import annotations

import contextlib
import gc
import pickle
import subprocess
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..core.errors import InputError
from ..core.pipeline import read_ahead
from ..importers.encoding import Probe
from ..importers.issues import ImportIssue, IssueCollector, TooManyIssues
from ..importers.mapping import Batch, mapped_batches
from ..importers.profile import Layout
from ..launch import worker_command
from ..security import no_network
from ..storage.bindings import RowHashing

_PROTOCOL = pickle.HIGHEST_PROTOCOL
_LENGTH = 8  # bytes of the length before each message's pickle (worker → caller)
_FRAMES_AHEAD = 2  # messages the caller takes off the pipe ahead of the batch it stores
# A batch taken at once: the caller has room for it (it stores no more than _FRAMES_AHEAD behind).
_CALLER_KEEPS_UP = 0.015
_SHARE = 4


class ImportWorkerError(RuntimeError):
    """The worker process failed or ended unexpectedly (a bug or the machine, not the file)."""


class WorkerReader:
    """The caller's side: one file read by a worker process. Close it (or use `with`) in every case.

    The worker's messages are taken off the pipe by a thread of this process (reading a pipe leaves the
    interpreter free) up to _FRAMES_AHEAD ahead of the rows being stored, so that the worker seldom waits for
    this process to read (the pipe itself holds 64 KiB, a batch ~1.5 MB)."""

    def __init__(self, path: Path, layout: Layout, found: Probe, issues: IssueCollector,
                 subject_key: bytes | None) -> None:
        self._issues = issues
        self._ahead = contextlib.ExitStack()
        argv, env = worker_command()
        try:
            self._process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.DEVNULL, env=env,
                                             creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0))
        except OSError as exc:
            raise ImportWorkerError(f"取込の作業プロセスを起動できません({exc})。何も取り込んでいません。") from exc
        self.encoding_label, self.line_count, self.opened = "", 0, False
        try:
            self._send((str(path), layout, found, subject_key, issues.errors, issues.warnings))
            opened = self._message(self._frame())
        except BaseException:
            self.close()
            raise
        if opened[0] == "opened":
            self.encoding_label, self.line_count, self.opened = opened[1], opened[2], True

    def __enter__(self) -> WorkerReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def batches(self, hashing: RowHashing | None, first_id: int) -> Iterator[tuple[Batch, bytes | None]]:
        """The file's batches with their rows' digests (None when `hashing` is None, or when the worker left them
        to this process): the rows are to be stored with ids first_id, first_id + 1, … in order."""
        self._send((hashing, first_id))
        assert self._process.stdin is not None
        self._process.stdin.close()
        frames = self._ahead.enter_context(read_ahead(self._frames(), _FRAMES_AHEAD, name="import-worker-pipe"))
        for frame in frames:
            kind, *payload = self._message(frame)
            if kind != "rows":  # "end", or "closed" (the reading ended with the error limit)
                return
            yield payload[0], payload[1]
        raise self._ended()

    def close(self) -> None:
        """Stop the worker (at once, when it has not ended), wait for it and for the thread reading its pipe."""
        process = self._process
        if process.poll() is None:
            process.kill()
        process.wait()
        self._ahead.close()  # the pipe is at its end: the thread ends
        for pipe in (process.stdin, process.stdout):
            if pipe is not None:
                pipe.close()

    def _send(self, message: Any) -> None:
        assert self._process.stdin is not None
        try:
            pickle.dump(message, self._process.stdin, protocol=_PROTOCOL)
            self._process.stdin.flush()
        except BrokenPipeError:
            raise self._ended() from None

    def _frames(self) -> Iterator[bytes]:
        while frame := self._frame():
            yield frame

    def _frame(self) -> bytes:
        """The next message's pickle; b"" at the pipe's end (the worker ended, or died in the middle)."""
        assert self._process.stdout is not None
        head = self._process.stdout.read(_LENGTH)
        if len(head) < _LENGTH:
            return b""
        size = int.from_bytes(head, "little")
        frame = self._process.stdout.read(size)
        return frame if len(frame) == size else b""

    def _message(self, frame: bytes) -> tuple[Any, ...]:
        if not frame:
            raise self._ended()
        kind, errors, warnings, *payload = pickle.loads(frame)
        for issue in warnings:
            self._issues.warn(issue.file, issue.line, issue.column, issue.message)
        for issue in errors:  # raises TooManyIssues at the limit, as it would have while reading here
            self._issues.error(issue.file, issue.line, issue.column, issue.message)
        if kind == "failed":
            raise ImportWorkerError(f"取込の作業プロセスで不具合が起きました。何も取り込んでいません。\n{payload[0]}")
        return (kind, *payload)

    def _ended(self) -> ImportWorkerError:
        code = self._process.wait()
        return ImportWorkerError(f"取込の作業プロセスが途中で終了しました(終了コード {code})。何も取り込んでいません。")


def serve() -> int:
    """The worker process (launch.main with launch.WORKER_ARGUMENT): read one file as the caller asks."""
    no_network.install()
    gc.disable()  # rows form no cycles (as services.imports)
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing else may write into the channel
    try:
        _serve(inbox, outbox)
    except (BrokenPipeError, EOFError):  # the caller has gone
        return 1
    return 0


class _Channel:
    """The worker's messages to the caller, each with the issues found since the last."""

    def __init__(self, outbox: IO[bytes], issues: IssueCollector) -> None:
        self.outbox, self.issues = outbox, issues
        self.sent = (len(issues.errors), len(issues.warnings))

    def send(self, kind: str, *payload: Any) -> None:
        errors, warnings = self.issues.errors, self.issues.warnings
        new: tuple[list[ImportIssue], list[ImportIssue]] = (errors[self.sent[0]:], warnings[self.sent[1]:])
        self.sent = (len(errors), len(warnings))
        frame = pickle.dumps((kind, *new, *payload), protocol=_PROTOCOL)
        self.outbox.write(len(frame).to_bytes(_LENGTH, "little"))
        self.outbox.write(frame)
        self.outbox.flush()


def _leave_to_caller(sending: float | None, kept: int) -> bool:
    """Whether to leave the next batch's digests to the caller (bindings.hash_inserted), given how long the last
    batch took to send (None: none sent yet, the caller waits for the first) and how many batches were hashed
    here since the caller last hashed one. When the last was taken at once, the caller keeps up and this
    process sets the pace (a big file's inserts cost more a row: then it does not); the caller then takes one
    batch in _SHARE at most (it hears of the work it took only batches later, when it falls behind)."""
    return sending is None or (sending < _CALLER_KEEPS_UP and kept >= _SHARE - 1)


def _serve(inbox: IO[bytes], outbox: IO[bytes]) -> None:
    path, layout, found, subject_key, errors, warnings = pickle.load(inbox)
    issues = IssueCollector()
    issues.errors[:], issues.warnings[:] = errors, warnings  # the caller's: the same limit, counted the same way
    channel = _Channel(outbox, issues)
    try:
        try:
            with mapped_batches(Path(path), layout, found, issues, subject_key) as (source, batches):
                channel.send("opened", source.encoding_label, source.line_count)
                hashing, first = pickle.load(inbox)
                sending: float | None = None
                kept = 0  # batches hashed here since the caller last made the digests of one
                for batch in batches:
                    leave = hashing is None or _leave_to_caller(sending, kept)
                    digests = None if leave else hashing.digests(batch, first)
                    kept = 0 if leave else kept + 1
                    first += len(batch)
                    started = time.perf_counter()
                    channel.send("rows", batch, digests)
                    sending = time.perf_counter() - started
        except InputError as exc:  # the file or its header cannot be read
            with contextlib.suppress(TooManyIssues):  # the caller's collector raises it again
                issues.input_error(exc)
            channel.send("closed")
            return
        except TooManyIssues:
            channel.send("closed")
            return
        channel.send("end")
    except (BrokenPipeError, EOFError):
        raise
    except BaseException:  # noqa: BLE001 — told to the caller, which raises it
        channel.send("failed", traceback.format_exc())
