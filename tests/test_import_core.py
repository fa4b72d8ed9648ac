"""Identifier checks, strict decoding, value conversion and profile parsing (no database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from jukiaudit_desktop.core.errors import InputError
from jukiaudit_desktop.core.identifiers import (
    IdentifierKind,
    check_identifier,
    is_valid_my_number,
    juminhyo_check_digit,
    keyed_hash,
    mask,
    my_number_check_digit,
)
from jukiaudit_desktop.importers.encoding import decode
from jukiaudit_desktop.importers.profile import default_profile, load_profile
from jukiaudit_desktop.importers.values import (
    code_converter,
    count_converter,
    date_converter,
    datetime_converter,
    time_converter,
)


def test_my_number_check_digit_matches_the_ordinance_example() -> None:
    assert my_number_check_digit("98320567321") == 4
    assert is_valid_my_number("983205673214")
    assert not is_valid_my_number("983205673215")
    assert not is_valid_my_number("98320567321")  # 11 digits


def test_my_number_check_digit_rule_remainder_at_most_one_gives_zero() -> None:
    assert my_number_check_digit("00000000000") == 0  # Σ = 0, r = 0
    assert my_number_check_digit("00000000006") == 0  # Σ = 12, r = 1
    assert my_number_check_digit("00000000001") == 9  # Σ = 2, r = 2 → 11 − 2
    assert my_number_check_digit("10000000000") == 5  # Σ = 6, r = 6 → 11 − 6


def test_juminhyo_code_check_only_warns() -> None:
    good = "1234567890" + str(juminhyo_check_digit("1234567890"))
    bad = "1234567890" + str((juminhyo_check_digit("1234567890") + 1) % 10)
    assert check_identifier(IdentifierKind.JUMINHYO_CODE, good) == (True, None)
    acceptable, warning = check_identifier(IdentifierKind.JUMINHYO_CODE, bad)
    assert acceptable and warning is not None
    assert check_identifier(IdentifierKind.JUMINHYO_CODE, "123") == (False, None)


def test_mask_and_keyed_hash_hide_the_value() -> None:
    assert mask("983205673214") == "**********14"
    one = keyed_hash(b"k" * 32, IdentifierKind.MY_NUMBER, "983205673214")
    assert one == keyed_hash(b"k" * 32, IdentifierKind.MY_NUMBER, "983205673214")
    assert one != keyed_hash(b"j" * 32, IdentifierKind.MY_NUMBER, "983205673214")
    assert "983205673214" not in one


@pytest.mark.parametrize(("data", "encoding"), [
    ("操作日時\r\n".encode("utf-8-sig"), "utf-8-sig"),
    ("操作日時\r\n".encode(), "utf-8"),
    ("操作日時\r\n".encode("cp932"), "cp932"),
    (b"ascii,only\n", "utf-8"),
])
def test_decoding_order_bom_utf8_cp932(data: bytes, encoding: str) -> None:
    decoded = decode(data, "x.csv")
    assert decoded.encoding == encoding
    assert decoded.text.lstrip("\ufeff").startswith(data.decode(encoding)[:2].lstrip("\ufeff"))


def test_undecodable_bytes_are_refused_with_the_byte_offset() -> None:
    data = "端末,件数\n".encode("cp932") + b"T001,\x81\xff\n"
    with pytest.raises(InputError) as caught:
        decode(data, "bad.csv")
    message = str(caught.value)
    assert message.startswith("bad.csv: ")
    offset = data.index(b"\x81\xff")
    assert f"バイト位置 {offset}" in message and "2 行目" in message


def test_profile_encoding_override_is_strict() -> None:
    with pytest.raises(InputError, match="バイト位置 0"):
        decode("端末".encode("cp932"), "x.csv", "utf-8")
    assert decode("端末".encode("cp932"), "x.csv", "Shift_JIS").text == "端末"


def test_dates_in_seireki_wareki_and_full_width() -> None:
    convert = date_converter(["auto"])
    for text in ("2025/10/03", "2025-10-03", "R7.10.3", "令和7年10月3日", "Ｒ７．１０．３", "２０２５／１０／０３",
                 "2025/10/03(金)", "令和7年10月3日（金）"):
        assert convert[text] == "2025-10-03", text
    with pytest.raises(ValueError):
        convert["2025/02/30"]


def test_times_with_and_without_seconds() -> None:
    convert = time_converter(["auto"])
    assert convert["8:05"] == "08:05:00"
    assert convert["08:05:09"] == "08:05:09"
    assert convert["８時５分"] == "08:05:00"
    assert convert["24:00"] == "00:00:00"
    with pytest.raises(ValueError):
        convert["25:00"]


def test_combined_date_time_with_explicit_and_wareki_formats() -> None:
    assert datetime_converter(["%Y/%m/%d %H:%M:%S"])["2025/04/01 08:42:33"] == "2025-04-01T08:42:33"
    assert datetime_converter(["auto"])["令和7年4月1日 8:42"] == "2025-04-01T08:42:00"
    assert datetime_converter(["%Y%m%d%H%M%S"])["20250401084233"] == "2025-04-01T08:42:33"
    with pytest.raises(ValueError):
        datetime_converter(["auto"])["2025/04/01"]


def test_counts_and_codes_are_normalised() -> None:
    assert count_converter()["１２"] == 12
    assert count_converter()["1,234"] == 1234
    assert count_converter()["12件"] == 12
    with pytest.raises(ValueError):
        count_converter()["-1"]
    assert count_converter(allow_blank=True)[""] is None
    codes = code_converter({"１号機": "T001"}, required=True)
    assert codes["1号機"] == "T001"
    assert codes["Ｔ００２"] == "T002"
    with pytest.raises(ValueError):
        codes[" "]


def test_default_profile_has_both_layouts() -> None:
    profile = default_profile()
    assert set(profile.layouts) == {"oplog", "register"}
    assert profile.layout("oplog").columns["at"].headers[0] == "操作日時"


def test_profile_mistakes_name_the_key(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"oplog": {"columns": {"terminal": "端末", "operator": "者", "at": "日時",
                                                      "colour": "色"}}}), encoding="utf-8")
    with pytest.raises(InputError, match="oplog.columns: 不明な項目: colour"):
        load_profile(path)
    path.write_text(json.dumps({"register": {"columns": {"terminal": "端末", "operator": "者"}}}), encoding="utf-8")
    with pytest.raises(InputError, match="必須の項目がありません"):
        load_profile(path)
    path.write_text('{"oplog": {"delimiter": "x"}}', encoding="utf-8")
    with pytest.raises(InputError, match="oplog.delimiter"):
        load_profile(path)
