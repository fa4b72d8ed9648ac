"""Start-up speed: key work when opening (keyring mode), the passphrase KDF, and cold start to a shown window.

    python3 benchmarks/bench_startup.py [--repeat 5]

  keyring open    keyring lookup of the raw key + open_database (PRAGMA key, verify, schema check), on an
                  existing database. The keyring is an in-memory backend (no OS keyring on this machine),
                  so the figure is the app's own key work, not the OS store's latency. Target < 50 ms.
  passphrase KDF  keys.derive_key (scrypt N=2**17, r=8): slow by design, ≥ 0.2 s.
  cold start      a fresh `python -m jukiaudit_desktop --db … --passphrase-env …` process, offscreen:
                  from just before the process is spawned until the main window is shown, and until the
                  database is unlocked (scrypt included) and the pages asked for their data. Target < 2 s.
Prints the median and the range of each. The machine is shared: compare figures of one run only.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import keyring

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from support.memory_keyring import MemoryKeyring  # noqa: E402  (the tests' in-memory keyring, never the user's)

# Runs in the child: the real CLI entry point, with Application.start wrapped to report the moments we time.
CHILD = r"""
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from jukiaudit_desktop import cli
from jukiaudit_desktop.gui import app as gui_app

original_start = gui_app.Application.start

def start(self):
    original_start(self)
    def shown():
        if not self.window.isVisible():
            QTimer.singleShot(1, shown)
            return
        print("shown", time.time(), flush=True)
        QTimer.singleShot(1, unlocked)
    def unlocked():
        if "暗号化済み" not in self.window.database_label.text():
            QTimer.singleShot(1, unlocked)
            return
        print("unlocked", time.time(), flush=True)
        QApplication.quit()
    QTimer.singleShot(0, shown)

gui_app.Application.start = start
sys.exit(cli.main(sys.argv[1:]))
"""


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def report(name: str, seconds: list[float], target: str) -> None:
    ms = [s * 1000 for s in seconds]
    print(f"{name:<28} median {statistics.median(ms):8.1f} ms   range {min(ms):.1f}–{max(ms):.1f} ms   ({target})")


def bench_keyring_open(folder: Path, repeat: int) -> list[float]:
    from jukiaudit_desktop.security import keys
    from jukiaudit_desktop.services.database_access import open_app_database
    from jukiaudit_desktop.storage.database import open_database

    keys.admit_test_backend(MemoryKeyring)
    keyring.set_keyring(MemoryKeyring())
    path = folder / "keyring.db"
    open_app_database(path, create=True).close()

    def open_once() -> None:
        open_database(path, keys.keyring_key(path, create=False)).close()

    return timed(open_once, repeat)


def bench_kdf(repeat: int) -> list[float]:
    from jukiaudit_desktop.security import keys

    salt = os.urandom(keys.SALT_BYTES)
    return timed(lambda: keys.derive_key("correct horse battery staple", salt), repeat)


def bench_cold_start(folder: Path, repeat: int) -> tuple[list[float], list[float]]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.qpa.*=false",
               BENCH_PASSPHRASE="correct horse battery staple", XDG_DATA_HOME=str(folder / "data"),
               XDG_CONFIG_HOME=str(folder / "config"), XDG_STATE_HOME=str(folder / "state"),
               XDG_CACHE_HOME=str(folder / "cache"))
    path = folder / "passphrase.db"
    argv = [sys.executable, "-c", CHILD, "--db", str(path), "--passphrase-env", "BENCH_PASSPHRASE"]
    subprocess.run([*argv[:3], "--db", str(path), "--passphrase-env", "BENCH_PASSPHRASE", "init"], env=env,
                   check=True, capture_output=True)
    shown, unlocked = [], []
    for _ in range(repeat):
        start = time.time()
        result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120, check=True)
        moments = dict(line.split() for line in result.stdout.splitlines() if line.split()[0] in ("shown", "unlocked"))
        shown.append(float(moments["shown"]) - start)
        unlocked.append(float(moments["unlocked"]) - start)
    return shown, unlocked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        folder = Path(tmp)
        report("keyring open (key + verify)", bench_keyring_open(folder, max(args.repeat, 20)), "target < 50 ms")
        report("passphrase KDF (scrypt)", bench_kdf(args.repeat), "by design ≥ 200 ms")
        shown, unlocked = bench_cold_start(folder, args.repeat)
        report("cold start → window shown", shown, "target < 2000 ms")
        report("cold start → unlocked", unlocked, "passphrase mode, KDF included")


if __name__ == "__main__":
    main()
