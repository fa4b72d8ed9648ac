"""個人番号 and 住民票コード: check digits, masking for display, and keyed hashing (never kept in clear)."""

from __future__ import annotations

import hashlib
import hmac
from enum import StrEnum

_MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_JUMINHYO_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
VISIBLE_DIGITS = 2  # hash + mask of 2 digits: no quick brute force without the hash key


class IdentifierKind(StrEnum):
    MY_NUMBER = "個人番号"  # 12 digits
    JUMINHYO_CODE = "住民票コード"  # 11 digits

    @property
    def length(self) -> int:
        return 12 if self is IdentifierKind.MY_NUMBER else 11


def _mod11_check(digits: str, weights: tuple[int, ...]) -> int:
    remainder = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
    return 0 if remainder <= 1 else 11 - remainder


def my_number_check_digit(first_eleven: str) -> int:
    """Check digit of a 個人番号 (総務省令第85号 第5条) from its first 11 digits."""
    return _mod11_check(first_eleven, _MY_NUMBER_WEIGHTS)


def is_valid_my_number(value: str) -> bool:
    return len(value) == 12 and value.isascii() and value.isdigit() and (
        my_number_check_digit(value[:11]) == int(value[11])
    )


def juminhyo_check_digit(first_ten: str) -> int:
    """Probable check digit of a 住民票コード (rule unconfirmed: use only to warn)."""
    return _mod11_check(first_ten, _JUMINHYO_WEIGHTS)


def juminhyo_check_passes(value: str) -> bool:
    return len(value) == 11 and value.isascii() and value.isdigit() and (
        juminhyo_check_digit(value[:10]) == int(value[10])
    )


def check_identifier(kind: IdentifierKind, value: str) -> tuple[bool, str | None]:
    """(acceptable, warning). A 個人番号 with a wrong length or check digit is not acceptable; a 住民票コード
    with a failing (unconfirmed) check digit is accepted with a warning. `value` is digits only."""
    if not (value.isascii() and value.isdigit() and len(value) == kind.length):
        return False, None
    if kind is IdentifierKind.MY_NUMBER:
        return is_valid_my_number(value), None
    if juminhyo_check_passes(value):
        return True, None
    return True, "住民票コードの検査用数字が推定規則と一致しません(規則は未確認のため取り込みます)"


def mask(value: str) -> str:
    """All but the last two digits hidden: **********14."""
    return "*" * max(len(value) - VISIBLE_DIGITS, 0) + value[-VISIBLE_DIGITS:]


def subject_key(database_key: bytes) -> bytes:
    """The key for hashing identifiers, derived from the database key (one database, one key)."""
    return hmac.new(database_key, b"jukiaudit-subject-v1", hashlib.sha256).digest()


def keyed_hash(key: bytes, kind: IdentifierKind, value: str) -> str:
    """HMAC-SHA256 of the identifier: the same person gives the same hash within one database only."""
    return hmac.new(key, f"{kind.value}:{value}".encode(), hashlib.sha256).hexdigest()
