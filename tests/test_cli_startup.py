"""CLI start-up: a command imports only the area that adds it (the others pull in reportlab, openpyxl …), and
the table saying which area adds which command matches what the areas register."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from jukiaudit_desktop import cli


def registered(area: str) -> set[str]:
    subparsers = argparse.ArgumentParser().add_subparsers()
    importlib.import_module(f"jukiaudit_desktop.cli.{area}").register(subparsers)
    return set(subparsers.choices)


def test_the_command_table_matches_the_commands_each_area_adds() -> None:
    for area in cli.AREAS:
        assert registered(area) == {c for c, a in cli.COMMAND_AREAS.items() if a == area}, area
    assert set(cli.COMMAND_AREAS.values()) == set(cli.AREAS)


@pytest.mark.parametrize(("argv", "word"), [
    (["--db", "x.db", "--passphrase-env", "P", "reconcile", "--agency", "B01"], "reconcile"),
    (["--db=x.db", "import-oplog", "f.csv"], "import-oplog"),
    (["--passphrase-env", "reconcile", "audit", "list"], "audit"),  # an option's value is not the command
    (["--help"], None),
    (["--version", "reconcile"], None),
    (["--db", "x.db"], None),
    ([], None),
])
def test_the_command_word_follows_the_top_level_options(argv: list[str], word: str | None) -> None:
    assert cli.command_word(argv) == word


def loaded_after(argv: list[str]) -> set[str]:
    code = ("import sys, jukiaudit_desktop.cli as cli; "
            f"cli.build_parser(cli.command_word({argv!r})).parse_args({argv!r}); "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    return set(result.stdout.split())


def test_reconcile_loads_neither_reportlab_nor_openpyxl() -> None:
    loaded = loaded_after(["--db", "x.db", "reconcile", "--agency", "B01", "--json", "out.json"])
    assert "numpy" in loaded  # the engine's
    assert not loaded & {"reportlab", "openpyxl", "pandas", "PySide6"}


def test_without_a_command_every_area_is_there(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.build_parser(None).parse_args(["--help"])
    listed = capsys.readouterr().out
    assert all(command in listed for command in cli.COMMAND_AREAS)


def test_an_unknown_command_is_a_usage_error_naming_the_choices(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.command_word(["no-such-command"]) == "no-such-command"
    with pytest.raises(SystemExit) as exited:
        cli.main(["no-such-command"])
    assert exited.value.code == 2
    assert "reconcile" in capsys.readouterr().err  # the full list of choices
