"""Build the frozen one-folder application (PyInstaller) and, with --smoke, prove that it runs.

    python installer/build.py              # dist/jukiaudit/, licences in build/licenses/
    python installer/build.py --smoke      # build, check the bundle, then smoke-test the frozen executable
    python installer/build.py --smoke-only # check and smoke-test an existing dist/jukiaudit/

The smoke test runs the frozen executable only (never this Python): --version; init, demo, findings-pdf,
verify-sheet, import-oplog of a log big enough for the import's worker process (the frozen executable started
again with its hidden worker argument) and verify-trail in passphrase mode in a temporary folder; the GUI started offscreen until its
main window shows the database, then closed. Each must exit 0. It prints the bundle's size and start times.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from jukiaudit_desktop import __version__, licenses  # noqa: E402 (the checkout's package, for its licences)
from jukiaudit_desktop.services.import_reading import WORKER_MIN_BYTES  # noqa: E402

SPEC = ROOT / "installer" / "jukiaudit.spec"
DIST = ROOT / "dist" / "jukiaudit"
LICENSES_DIR = ROOT / "build" / "licenses"
SIZE_LIMIT_MB = 250  # MB = 2**20 bytes, as du -sh counts
SMOKE_PASSPHRASE = "frozen smoke test passphrase"  # a throw-away database in a temporary folder
# Python modules of Qt that must not be in the bundle (the spec excludes them).
FORBIDDEN_QT_MODULES = re.compile(r"^Qt(Network|WebEngine\w*|3D\w*|Quick\w*|Qml|Multimedia\w*)\.(abi3\.so|pyd)$")
QT_NETWORK_LIBRARY = re.compile(r"^(lib)?Qt6Network(\.so\.\d+|\.dll|$)")
QT_PDF_LIBRARY = re.compile(r"^(lib)?Qt6Pdf(\.so\.\d+|\.dll|$)")


def write_licences() -> Path:
    """The bundled wheels' licences (bundled with the app) and everything for the installer's licence page."""
    LICENSES_DIR.mkdir(parents=True, exist_ok=True)
    third_party = licenses.collect_third_party()
    (LICENSES_DIR / "THIRD_PARTY_LICENSES.txt").write_text(third_party, encoding="utf-8")
    sections = [*licenses.notices(), ("同梱ライブラリ(Python パッケージ)", third_party)]
    combined = LICENSES_DIR / "LICENSE-ALL.txt"
    # UTF-8 with a byte-order mark: Inno Setup shows a .txt licence page in Unicode only with one.
    combined.write_text("\n\n".join(f"■ {title}\n\n{text.strip()}" for title, text in sections) + "\n",
                        encoding="utf-8-sig")
    return combined


def build() -> None:
    write_licences()
    subprocess.run([sys.executable, "-m", "PyInstaller", str(SPEC), "--noconfirm", "--clean",
                    "--distpath", str(DIST.parent), "--workpath", str(ROOT / "build" / "pyinstaller")],
                   check=True, cwd=ROOT)
    strip_debug_info()


def strip_debug_info() -> None:
    """Linux: drop the debug sections a self-built Python (pyenv) and some wheels carry (half of their size).

    Libraries that auditwheel vendored (`*.libs/` folders) are left alone: patchelf moved their segments and
    strip breaks them ("ELF load command address/offset not page-aligned").
    """
    if not sys.platform.startswith("linux") or shutil.which("strip") is None:
        return
    before = bundle_size_mb()
    for path in DIST.rglob("*"):
        if (path.is_file() and not path.is_symlink() and not any(p.name.endswith(".libs") for p in path.parents)
                and path.read_bytes()[:4] == b"\x7fELF"):
            subprocess.run(["strip", "--strip-debug", str(path)], check=True)
    print(f"build: debug sections stripped, {before:.0f} → {bundle_size_mb():.0f} MB")


def bundle_files() -> list[Path]:
    return [p for p in DIST.rglob("*") if p.is_file() and not p.is_symlink()]  # a link's target counts once


def bundle_size_mb() -> float:
    return sum(p.stat().st_size for p in bundle_files()) / 2**20


def check_bundle() -> float:
    """Fail on a forbidden Qt module or a missing data file; returns the bundle's size in MB."""
    files = bundle_files()
    names = {p.name for p in files}
    forbidden = sorted(p.name for p in files if FORBIDDEN_QT_MODULES.match(p.name))
    if forbidden:
        raise SystemExit(f"build: Qt modules the app does not use are in the bundle: {forbidden}")
    network = [p for p in files if QT_NETWORK_LIBRARY.match(p.name)]
    if network:
        # QtPdf (the sheet preview) is linked against QtNetwork: the loader needs the library, the app never
        # imports QtNetwork (no Python module above; sockets are refused at run time, security/no_network.py).
        pdf = [p for p in files if QT_PDF_LIBRARY.match(p.name)]
        if not any(b"Qt6Network" in p.read_bytes() for p in pdf):
            raise SystemExit(f"build: {network[0].name} is in the bundle and QtPdf does not need it")
        print(f"build: {network[0].name} bundled only because {pdf[0].name} links it; no QtNetwork module")
    for needed in ("db_schema.sql", "ipaexg.ttf", "qtbase_ja.qm", "THIRD_PARTY_LICENSES.txt", "01_start.md"):
        if needed not in names:
            raise SystemExit(f"build: {needed} is missing from the bundle")
    size_mb = bundle_size_mb()
    print(f"build: {DIST} holds {len(files)} files, {size_mb:.0f} MB unpacked (target ≤ {SIZE_LIMIT_MB} MB)")
    if size_mb > SIZE_LIMIT_MB:
        raise SystemExit(f"build: the bundle is {size_mb:.0f} MB, over {SIZE_LIMIT_MB} MB")
    return size_mb


def executable() -> Path:
    return DIST / ("jukiaudit.exe" if sys.platform == "win32" else "jukiaudit")


def smoke() -> None:
    with tempfile.TemporaryDirectory(prefix="jukiaudit-smoke-") as folder:
        tmp = Path(folder)
        env = {**os.environ, "SMOKE_PASS": SMOKE_PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"}
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "LOCALAPPDATA",
                    "APPDATA"):
            env[var] = str(tmp / var.lower())  # the frozen app's logs and settings stay in the temporary folder

        def run(*args: str, gui: bool = False) -> tuple[str, float]:
            started = time.perf_counter()
            result = subprocess.run([str(executable()), *args], env={**env, **({"JUKIAUDIT_QUIT_WHEN_READY": "1"}
                                                                              if gui else {})},
                                    capture_output=True, text=True, encoding="utf-8", timeout=300)
            seconds = time.perf_counter() - started
            if result.returncode != 0:
                raise SystemExit(f"smoke: {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
            print(f"smoke: ok {seconds:5.1f} s  jukiaudit {' '.join(args[:1] if gui else args)}")
            return result.stdout, seconds

        version, cold = run("--version")
        if __version__ not in version:
            raise SystemExit(f"smoke: --version printed {version!r}, expected {__version__}")
        db = ["--db", str(tmp / "smoke.db"), "--passphrase-env", "SMOKE_PASS"]
        run(*db, "init")
        run(*db, "demo")
        findings = json.loads(run(*db, "finding", "list", "--json")[0])
        sheet = tmp / "sheet.pdf"
        run(*db, "findings-pdf", "--audit", str(findings[0]["audit_id"]), "--out", str(sheet))
        if b"IPAex" not in sheet.read_bytes():
            raise SystemExit("smoke: the sheet does not embed the bundled IPAex font")
        run(*db, "verify-sheet", str(sheet))
        big = write_log(tmp / "big_oplog.csv", WORKER_MIN_BYTES + 1)
        out = run(*db, "import-oplog", "--agency", "SMOKE", str(big))[0]
        if f"{big.name}: {count_rows(big):,} 行を追加しました" not in out:
            raise SystemExit(f"smoke: the big log was not imported whole: {out!r}")
        run(*db, "verify-trail")
        out, gui_seconds = run(*db, gui=True)
        if "jukiaudit: ready" not in out:
            raise SystemExit(f"smoke: the GUI did not report its main window: {out!r}")
        print(f"smoke: frozen start: --version {cold:.1f} s (first start after the build), "
              f"GUI to its main window with the database open {gui_seconds:.1f} s")


def write_log(path: Path, size: int) -> Path:
    """An operation log (CP932) of at least `size` bytes."""
    header = "操作日時,端末ID,操作者ID,処理区分,利用事務コード,照会件数,処理結果"
    rows = [f"2025/04/{1 + n // 40000:02d} {n // 3600 % 10 + 8:02d}:{n // 60 % 60:02d}:{n % 60:02d},T{n % 9:03d},"
            f"K{10000 + n % 31},住民票コード検索,別表5-10,1,正常" for n in range(size // 60 + 1)]
    path.write_bytes("\r\n".join([header, *rows, ""]).encode("cp932"))
    return path


def count_rows(path: Path) -> int:
    return path.read_bytes().count(b"\r\n") - 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="after building, check and smoke-test the bundle")
    parser.add_argument("--smoke-only", action="store_true", help="check and smoke-test an existing build")
    args = parser.parse_args()
    if not args.smoke_only:
        build()
    if args.smoke or args.smoke_only:
        check_bundle()
        smoke()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
