"""Control characters in CSV cells of operation logs and registers: refused with FILE:LINE:COLUMN in Japanese
and nothing stored, by the same rule as xlsx cells (NUL, other C0 controls, DEL and C1; tab and line breaks
are legitimate)."""

from __future__ import annotations

from pathlib import Path

import pytest

from jukiaudit_desktop.cli import EXIT_BAD_INPUT, EXIT_OK

DEMO = Path(__file__).resolve().parents[1] / "resources" / "demo"
OPLOG, REGISTER = DEMO / "oplog_sample_cp932.csv", DEMO / "register_sample_cp932.csv"


def with_cell(source: Path, target: Path, encoding: str, line: int, column: int, text: str) -> Path:
    """`source` (CP932) written to `target` in `encoding` with cell `column` of physical `line` replaced."""
    lines = source.read_text(encoding="cp932").splitlines()
    cells = lines[line - 1].split(",")
    cells[column - 1] = text
    lines[line - 1] = ",".join(cells)
    target.write_text("\r\n".join(lines) + "\r\n", encoding=encoding, newline="")
    return target


def nothing_stored(cli) -> bool:
    code, out, _ = cli("agency", "list")
    return code == EXIT_OK and out == ""  # not even the agency the import would have created


@pytest.mark.parametrize(("encoding", "line", "column", "cell", "code"), [
    ("cp932", 2, 4, "4情報\x00検索", "0000"),          # NUL, in the first block of lines
    ("cp932", 4099, 7, "正常\x1b", "001B"),             # ESC on the last line, in the second block (4,096 lines)
    ("utf-8", 1500, 3, "K1\x7f0003", "007F"),          # DEL
    ("utf-8", 4099, 5, "別表5\x85-13", "0085"),        # C1 (NEL)
], ids=["cp932-NUL", "cp932-ESC-second-block", "utf8-DEL", "utf8-C1"])
def test_a_control_character_in_an_operation_log_is_refused(cli, tmp_path: Path, encoding: str, line: int,
                                                            column: int, cell: str, code: str) -> None:
    bad = with_cell(OPLOG, tmp_path / f"oplog_{encoding}.csv", encoding, line, column, cell)
    status, out, err = cli("import-oplog", "--agency", "K01", str(bad))
    assert status == EXIT_BAD_INPUT and out == ""
    assert f"{bad}:{line}:{column}: セルに制御文字(U+{code})が含まれています。" in err
    assert nothing_stored(cli)


@pytest.mark.parametrize("encoding", ["cp932", "utf-8"])
def test_a_control_character_in_a_quoted_multi_line_register_cell_is_refused(cli, tmp_path: Path,
                                                                             encoding: str) -> None:
    """A quoted cell spanning lines is read row by row: the row's first line and the cell are named."""
    bad = with_cell(REGISTER, tmp_path / f"register_{encoding}.csv", encoding, 300, 4, '"T0\r\n0\x0c2"')
    status, out, err = cli("import-register", "--agency", "K01", str(bad))
    assert status == EXIT_BAD_INPUT and out == ""
    assert f"{bad}:300:4: セルに制御文字(U+000C)が含まれています。" in err
    assert nothing_stored(cli)


def test_tabs_and_line_breaks_in_a_quoted_cell_are_accepted(cli, tmp_path: Path) -> None:
    lines = REGISTER.read_text(encoding="cp932").splitlines()
    lines[0] += ",備考"
    lines[1] += ',"持出し\t確認済み\r\n(翌日返却)"'
    lines[2:] = [text + "," for text in lines[2:]]
    good = tmp_path / "register_note.csv"
    good.write_text("\r\n".join(lines) + "\r\n", encoding="cp932", newline="")
    status, out, err = cli("import-register", "--agency", "K01", str(good))
    assert status == EXIT_OK and "629 行" in out, err
