"""Offline install kit for machines that have Python 3.11+ but no network.

On a machine with network access (the same OS and Python version as the target):

    python installer/offline_kit.py            # → dist/offline-kit/: every wheel, the app's own wheel, INSTALL.txt

Carry dist/offline-kit/ to the target and there run the one command INSTALL.txt names:

    python -m pip install --no-index --find-links offline-kit jukiaudit-desktop
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INSTALL_COMMAND = "python -m pip install --no-index --find-links offline-kit jukiaudit-desktop"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "offline-kit", help="the kit folder")
    args = parser.parse_args()
    kit: Path = args.out
    kit.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip"]
    # The app itself as a wheel, then every wheel it needs at run time, for this OS and Python.
    subprocess.run([*pip, "wheel", "--no-deps", "--wheel-dir", str(kit), str(ROOT)], check=True)
    subprocess.run([*pip, "download", "--only-binary=:all:", "--dest", str(kit), str(ROOT)], check=True)
    (kit / "INSTALL.txt").write_text(
        "JukiAudit Desktop — オフラインインストール\n\n"
        f"このフォルダ(offline-kit)のある場所で、次の 1 行を実行します(Python {sys.version_info.major}."
        f"{sys.version_info.minor} 以上、ネットワーク不要):\n\n    {INSTALL_COMMAND}\n\n"
        "起動: jukiaudit(Windows では python -m jukiaudit_desktop でも可)\n",
        encoding="utf-8")
    wheels = sorted(p.name for p in kit.glob("*.whl"))
    print(f"offline kit: {len(wheels)} wheels in {kit}\ninstall with: {INSTALL_COMMAND}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
