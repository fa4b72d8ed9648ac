"""No network, proven: no networking module in the package, a runtime hook refusing connections, and the
CLI's main commands running in an empty network namespace."""

from __future__ import annotations

import ast
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import shared_data
from support.promises import require, require_tool

import jukiaudit_desktop
from jukiaudit_desktop.cli import build_parser
from jukiaudit_desktop.security import no_network
from jukiaudit_desktop.services.database_access import open_app_database

PACKAGE_DIR = Path(jukiaudit_desktop.__file__).resolve().parent
SAMPLES = shared_data.SAMPLES
FORBIDDEN_MODULES = frozenset({
    "socket", "ssl", "urllib", "http", "requests", "httpx", "aiohttp", "urllib3", "websocket", "websockets",
    "ftplib", "smtplib", "poplib", "imaplib", "telnetlib", "xmlrpc", "socketserver", "asyncio", "selectors",
    "PySide6.QtNetwork", "PySide6.QtWebSockets", "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets",
    "PySide6.QtHttpServer", "PySide6.QtRemoteObjects",
})


def networking_imports(source: str) -> list[str]:
    """Every imported module name in `source` that is, or lies below, a networking module."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] if _forbidden(node.module) else [f"{node.module}.{a.name}" for a in node.names]
        elif (isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None))
              in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant)):
            names = [str(node.args[0].value)]
        found += [name for name in names if _forbidden(name)]
    return found


def _forbidden(name: str) -> bool:
    return any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_MODULES)


def test_the_scanner_finds_networking_imports() -> None:
    assert networking_imports("import socket") == ["socket"]
    assert networking_imports("from urllib.request import urlopen") == ["urllib.request"]
    assert networking_imports("from PySide6 import QtNetwork") == ["PySide6.QtNetwork"]
    assert networking_imports("importlib.import_module('http.client')") == ["http.client"]
    assert networking_imports("import os, json\nfrom PySide6.QtCore import QTimer") == []


def test_package_has_no_networking_module_of_its_own() -> None:
    files = sorted(PACKAGE_DIR.rglob("*.py"))
    assert len(files) > 20
    offenders = {str(f.relative_to(PACKAGE_DIR)): networking_imports(f.read_text(encoding="utf-8")) for f in files}
    assert {name: found for name, found in offenders.items() if found} == {}


@pytest.mark.enable_socket
def test_runtime_hook_refuses_and_records_network_use(tmp_path: Path) -> None:
    no_network.install()
    before = len(no_network.refused)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(no_network.NetworkRefusedError):
        sock.connect(("192.0.2.1", 443))  # TEST-NET-1: never routable
    with pytest.raises(no_network.NetworkRefusedError):
        socket.getaddrinfo("example.invalid", 80)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock, pytest.raises(no_network.NetworkRefusedError):
        sock.sendto(b"x", ("192.0.2.1", 53))
    assert no_network.refused[before:] == [
        "socket.connect ('192.0.2.1', 443)",
        "socket.getaddrinfo 'example.invalid'",
        "socket.sendto ('192.0.2.1', 53)",
    ]
    # Local sockets (the OS keyring's channel) stay allowed.
    path = str(tmp_path / "s")
    with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
        server.bind(path)
        server.listen(1)
        client.connect(path)
    assert len(no_network.refused) == before + 3


def test_cli_installs_the_hook_at_startup(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from jukiaudit_desktop.cli import main\n"
        "from jukiaudit_desktop.security import no_network\n"
        "code = main(['--db', sys.argv[1], '--passphrase-env', 'PW', 'verify-trail'])\n"
        "import socket\n"
        "try:\n"
        "    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except no_network.NetworkRefusedError:\n"
        "    print('refused', no_network.installed())\n"
    )
    env = {**os.environ, "PW": "pass phrase one"}
    subprocess.run([sys.executable, "-m", "jukiaudit_desktop", "--db", str(tmp_path / "a.db"),  # the entry point
                    "--passphrase-env", "PW", "init"], check=True, env=env, capture_output=True)
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "a.db")], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().endswith("refused True"), result.stderr


# Starts the real GUI (run_gui, offscreen) on a passphrase database; once the main window shows the opened
# database, tries to connect out from inside the running app and reports what happened.
GUI_PROBE = """
import argparse, socket, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from jukiaudit_desktop.gui.app import run_gui
from jukiaudit_desktop.gui.main_window import MainWindow
from jukiaudit_desktop.security import no_network

app = QApplication(sys.argv)
print("before start: hook installed", no_network.installed())

def probe():
    windows = [w for w in app.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not windows or "暗号化済み" not in windows[0].database_label.text():
        QTimer.singleShot(100, probe)
        return
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(1)
            sock.connect(("192.0.2.1", 80))
        print("connected")
    except no_network.NetworkRefusedError as exc:
        print("refused:", exc)
    except OSError as exc:
        print("not refused by the hook:", exc)
    app.quit()

QTimer.singleShot(0, probe)
sys.exit(run_gui(argparse.Namespace(db=sys.argv[1], passphrase_env="PW")))
"""


@pytest.mark.real_scrypt
def test_a_real_gui_start_refuses_a_connection(tmp_path: Path) -> None:
    env = {**os.environ, "PW": "pass phrase one", "QT_QPA_PLATFORM": "offscreen"}
    db = tmp_path / "a.db"
    open_app_database(db, env["PW"], create=True).close()  # at the product's scrypt cost, as the child derives
    result = subprocess.run([sys.executable, "-c", GUI_PROBE, str(db)], env=env, capture_output=True, text=True,
                            timeout=120)
    lines = result.stdout.strip().splitlines()
    assert lines[0] == "before start: hook installed False", result.stdout + result.stderr
    assert lines[1].startswith("refused: ネットワーク接続を拒否しました(socket.connect ('192.0.2.1', 80))"), (
        result.stdout + result.stderr)
    assert result.returncode == 0


def _commands(tmp_path: Path) -> list[list[str]]:
    """The CLI's main commands, in the order a first day with the app would run them."""
    available = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    commands = [["init"], ["demo"], ["agency", "add", "--code", "Z99", "--name", "試験課"]]
    if "import-oplog" in available:
        commands.append(["import-oplog", "--agency", "C09", str(SAMPLES / "oplog_cp932.csv")])
        commands.append(["import-register", "--agency", "C09", str(SAMPLES / "register_cp932.csv")])
        commands.append(["reconcile", "--agency", "C09", "--json", str(tmp_path / "result.json")])
    commands += [["verify-trail"], ["backup", "--out", str(tmp_path / "backup.db")]]
    return commands


@pytest.mark.slow
def test_main_commands_run_in_an_empty_network_namespace(tmp_path: Path) -> None:
    require_tool("unshare")
    probe = subprocess.run(["unshare", "-rn", "true"], capture_output=True)
    require(probe.returncode == 0,
            f"unshare -rn is not permitted here: {probe.stderr.decode(errors='replace').strip()}")
    # The whole CLI in keyring mode, its key in a keyring file (no scrypt per command), each command in turn in
    # one process inside the namespace (support/file_keyring_cli.py … clis): start-up has a test of its own.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    links = subprocess.run(["unshare", "-rn", "cat", "/proc/net/dev"], capture_output=True, text=True)
    assert [line.split(":")[0].strip() for line in links.stdout.splitlines()[2:]] == ["lo"]
    commands = _commands(tmp_path)
    result = subprocess.run(["unshare", "-rn", sys.executable, str(Path(__file__).resolve().parent / "support" /
                             "file_keyring_cli.py"), str(tmp_path / "keyring.json"), str(tmp_path / "a.db"), "clis"],
                            input=json.dumps(commands), env=env, capture_output=True, text=True, timeout=240)
    assert [line for line in result.stderr.splitlines() if line.startswith("exit=")] == ["exit=0"] * len(commands), (
        result.stderr)
    assert result.returncode == 0 and "ネットワーク" not in result.stderr
    assert (tmp_path / "backup.db").exists()
