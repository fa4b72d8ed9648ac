"""Run a key change, or a CLI command, in a child process with a keyring that survives the process
(kill-injection tests).

    python tests/support/file_keyring_cli.py KEYRING.json DB rekey [NEW_PASSPHRASE]
    python tests/support/file_keyring_cli.py KEYRING.json DB restore BACKUP
    python tests/support/file_keyring_cli.py KEYRING.json DB cli ARGS…   (= jukiaudit --db DB ARGS…)
    python tests/support/file_keyring_cli.py KEYRING.json DB clis < COMMANDS.json
        (each command of a JSON list of ARGS lists in turn, in this one process, until one fails; says
        "exit=CODE" on stderr after each)
    python tests/support/file_keyring_cli.py KEYRING.json DB forked < RUNS
        (for each line read, {"argv": ["rekey"|"restore"|"cli", …], "traced": bool}: that command in a child
        forked from this process, once a tracer has attached to it if "traced"; says the child's pid, then its
        wait status, one line each; see Forked below)

The passphrase of DB (passphrase mode) comes from the environment variable PW, that of BACKUP from
BACKUP_PW; SCRYPT_N, when set, is the scrypt cost the test's own process uses too (tests/support/kdf.py). For
a key change only the services are imported (not the whole CLI), so that each child starts quickly; `cli` runs
the whole CLI as `python -m jukiaudit_desktop` does (in keyring mode without a scrypt, unless given
--passphrase-env).

The stand-in keeps its secrets in a JSON file, rewritten atomically on each change, and is admitted through
the allow-list's test-only hook (by class), as the in-memory keyring of the test suite is.
"""

from __future__ import annotations

import ctypes
import json
import os
import subprocess
import sys
import time
import traceback
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors


class FileKeyring(keyring.backend.KeyringBackend):
    priority = 1  # type: ignore[assignment]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def _load(self) -> dict[str, str]:
        return json.loads(self.path.read_text()) if self.path.exists() else {}

    def _save(self, secrets: dict[str, str]) -> None:
        tmp = self.path.with_suffix(".tmp")
        with open(tmp, "w") as handle:
            json.dump(secrets, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        return self._load().get(f"{service}|{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        secrets = self._load()
        secrets[f"{service}|{username}"] = password
        self._save(secrets)

    def delete_password(self, service: str, username: str) -> None:
        secrets = self._load()
        if secrets.pop(f"{service}|{username}", None) is None:
            raise keyring.errors.PasswordDeleteError(username)
        self._save(secrets)


def load_secrets(path: Path) -> dict[tuple[str, str], str]:
    """The file's secrets in the in-memory keyring's shape ((service, account) → secret)."""
    stored = json.loads(path.read_text()) if path.exists() else {}
    return {tuple(name.split("|", 1)): value for name, value in stored.items()}  # type: ignore[misc]


def save_secrets(path: Path, secrets: dict[tuple[str, str], str]) -> None:
    """Write the in-memory keyring's secrets ((service, account) → secret) as the file a child reads."""
    path.write_text(json.dumps({f"{service}|{account}": value for (service, account), value in secrets.items()}))


def main() -> int:
    from jukiaudit_desktop.security import keys

    keys.admit_test_backend(FileKeyring)
    keys.SCRYPT_N = int(os.environ.get("SCRYPT_N", keys.SCRYPT_N))
    keyring.set_keyring(FileKeyring(Path(sys.argv[1])))
    db_path, command = Path(sys.argv[2]), sys.argv[3]
    if command == "clis":
        from jukiaudit_desktop.cli import main as cli_main

        for args in json.load(sys.stdin):
            code = cli_main(["--db", str(db_path), *args])
            print(f"exit={code}", file=sys.stderr, flush=True)
            if code != 0:
                return code
        return 0
    if command == "forked":
        return serve_forked(db_path)
    return run(db_path, sys.argv[3:])


def run(db_path: Path, argv: list[str]) -> int:
    """`rekey [NEW]`, `restore BACKUP` or `cli ARGS…` on the database."""
    command, argument = argv[0], (argv[1:] or [None])[0]
    if command == "cli":
        from jukiaudit_desktop.cli import main as cli_main

        return cli_main(["--db", str(db_path), *argv[1:]])
    from jukiaudit_desktop.services import backup
    from jukiaudit_desktop.services.database_access import open_app_database

    db = open_app_database(db_path, os.environ.get("PW"))
    if command == "rekey":
        db = backup.change_key(db, argument)
    else:
        db = backup.restore_backup(db, Path(str(argument)), os.environ.get("BACKUP_PW"))
    db.close()
    return 0


def serve_forked(db_path: Path) -> int:
    """For each line on stdin: fork, say the child's pid; the child (its output sent to stderr) waits until a
    tracer has attached when asked to (`strace -p`), runs the command and exits; say its wait status. The
    modules are loaded once, here."""
    from jukiaudit_desktop import cli  # noqa: F401  (loaded before the forks)
    from jukiaudit_desktop.services import backup, database_access  # noqa: F401

    ctypes.CDLL(None, use_errno=True).prctl(0x59616D61, ctypes.c_ulong(-1))  # PR_SET_PTRACER_ANY, for Yama
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            os.dup2(2, 1)  # stdout is the parent's answer to the test
            code = 3
            try:
                if not request["traced"] or _wait_for_tracer():
                    code = run(db_path, request["argv"])
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        print(pid, flush=True)
        print(os.waitpid(pid, 0)[1], flush=True)
    return 0


def _wait_for_tracer(seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open("/proc/self/status") as status:
            tracer = next(line.split()[1] for line in status if line.startswith("TracerPid:"))
        if tracer != "0":
            return True
        time.sleep(0.001)
    print("no tracer attached", file=sys.stderr)
    return False


class Forked:
    """Commands run many times on one database, each run in a process forked from one parent that has loaded
    the modules (`forked` above): no interpreter start-up per run. A run traced by `strace -p` is traced from
    its first system call, so the calls strace counts are the command's own."""

    def __init__(self, keyring_file: Path, db_path: Path, env: dict[str, str]) -> None:
        command = [sys.executable, __file__, str(keyring_file), str(db_path), "forked"]
        self.server = subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.pid = 0

    def start(self, *argv: str, traced: bool = False) -> int:
        """Starts `rekey|restore|cli …` in a forked child; returns its pid."""
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.write(json.dumps({"argv": argv, "traced": traced}) + "\n")
        self.server.stdin.flush()
        self.pid = int(self.server.stdout.readline())
        return self.pid

    def wait(self) -> int:
        """The wait status of the last child started, once it has ended (os.WIFEXITED…)."""
        assert self.server.stdout is not None
        return int(self.server.stdout.readline())

    def traced(self, strace: list[str], *argv: str) -> int:
        """Runs `rekey|restore|cli …` once under `STRACE… -p PID`; returns the child's wait status."""
        pid = self.start(*argv, traced=True)
        subprocess.run([*strace, "-p", str(pid)], check=True, capture_output=True)
        return self.wait()

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.close()  # the parent's loop ends
        self.server.wait(timeout=60)
        self.server.stdout.close()


if __name__ == "__main__":
    raise SystemExit(main())
