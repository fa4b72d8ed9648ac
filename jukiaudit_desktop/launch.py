"""The program's entry point, for `python -m jukiaudit_desktop` and the frozen executable (installer/): the
command line and the GUI (cli.main), or, when started with WORKER_ARGUMENT alone, an import's worker process
(services.import_worker). The worker is started from the same program, so that a frozen build, which has no
`python -m`, starts it the same way."""

from __future__ import annotations

import os
import sys
from pathlib import Path

WORKER_ARGUMENT = "--import-worker"


def main() -> int:
    if sys.argv[1:] == [WORKER_ARGUMENT]:  # checked before anything else is loaded
        from .services.import_worker import serve

        return serve()
    from .cli import main as cli_main

    return cli_main()


def worker_command() -> tuple[list[str], dict[str, str]]:
    """(argv, environment) that start this program's import worker. Not frozen: this interpreter, with this
    package first on its path (-P: not the current folder, which may hold another checkout)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, WORKER_ARGUMENT], dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    path = os.pathsep.join([root, os.environ["PYTHONPATH"]]) if os.environ.get("PYTHONPATH") else root
    return [sys.executable, "-P", "-m", "jukiaudit_desktop", WORKER_ARGUMENT], {**os.environ, "PYTHONPATH": path}
