"""The wrong-agency guard: files whose terminals and operators belong to another agency are refused (exit 3),
accepted only when asked; an agency with nothing registered gets a warning."""

from __future__ import annotations

import pytest
from support.imports import OPLOG, REGISTER, layout

from jukiaudit_desktop.core.master import Agency, AgencyKind, Operator, Terminal
from jukiaudit_desktop.services import imports, master_data
from jukiaudit_desktop.services.import_guard import OtherAgencyError
from jukiaudit_desktop.storage.database import Database


def _master(db: Database) -> None:
    """C09 owns the samples' 3 terminals and 8 operator IDs; C03 has one terminal of its own."""
    master_data.add_agency(db, Agency("C09", "長野地域振興局", AgencyKind.CHIIKI_SHINKOKYOKU))
    master_data.add_agency(db, Agency("C03", "佐久地域振興局", AgencyKind.CHIIKI_SHINKOKYOKU))
    for number in range(1, 4):
        master_data.add_terminal(db, Terminal("C09", f"T00{number}"))
    for number in range(8):
        master_data.add_operator(db, Operator("C09", f"K1000{number}"))
    master_data.add_terminal(db, Terminal("C03", "S001"))


def _counts(db: Database) -> tuple[int, int, int]:
    return (db.scalar("SELECT count(*) FROM operation"), db.scalar("SELECT count(*) FROM import_file"),
            db.scalar("SELECT count(*) FROM import_batch"))


def test_samples_into_another_agency_are_refused_with_the_owner_named(db: Database) -> None:
    _master(db)
    trail_before = db.scalar("SELECT count(*) FROM trail")
    for kind, path in (("oplog", OPLOG), ("register", REGISTER)):
        with pytest.raises(OtherAgencyError) as refused:
            imports.import_files(db, "C03", layout(kind), [path])
        assert "の端末・操作者は C09 長野地域振興局 に登録されています" in str(refused.value)
        assert str(refused.value).startswith(str(path))
        assert refused.value.owner == "C09"
    assert _counts(db) == (0, 0, 0)
    assert db.scalar("SELECT count(*) FROM trail") == trail_before

    accepted = imports.import_files(db, "C03", layout("oplog"), [OPLOG], allow_other_agency=True)
    assert accepted.rows_added == 3187
    assert "C09 長野地域振興局" in accepted.notices[0] and "知ったうえで取り込みました" in accepted.notices[0]
    detail = db.scalar("SELECT detail FROM trail WHERE action = 'import.oplog'")
    assert '"other_agency": ["C09"]' in detail

    own = imports.import_files(db, "C09", layout("oplog"), [OPLOG])  # its own agency: no word
    assert own.rows_added == 3187 and own.notices == ()


def test_an_agency_with_nothing_registered_gets_a_warning_not_a_refusal(db: Database) -> None:
    _master(db)
    summary = imports.import_files(db, "NEW", layout("oplog"), [OPLOG])
    assert summary.rows_added == 3187
    assert "端末・操作者がまだ登録されていない" in summary.notices[0]
    assert "11 件のうち 11 件は C09 長野地域振興局" in summary.notices[0]


def test_without_any_master_data_nothing_is_refused(cli) -> None:
    assert cli("import-oplog", "--agency", "C09", str(OPLOG))[0] == 0
    code, out, err = cli("import-oplog", "--agency", "C03", str(OPLOG))
    assert code == 0 and "3,187 行を追加しました" in out


def test_the_cli_refuses_with_exit_3(cli, db) -> None:
    _master(db)
    code, out, err = cli("import-oplog", "--agency", "C03", str(OPLOG))
    assert code == 3
    assert "C09 長野地域振興局 に登録されています" in err and "--allow-other-agency" in err and out == ""
    code, out, err = cli("import-oplog", "--agency", "C03", "--allow-other-agency", str(OPLOG))
    assert code == 0 and "3,187 行を取り込みました" in out and "注意:" in err
