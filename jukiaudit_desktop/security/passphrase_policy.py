"""The passphrase rule, one for init, rekey, restore and the GUI: at least 12 characters, not one character
repeated, not a well-known passphrase. (Each guess costs one scrypt, ≥ 0.3 s here: see keys.SCRYPT_N.)"""

from __future__ import annotations

from ..core.errors import InputError

MIN_LENGTH = 12

# Passphrases of 12+ characters found at the top of public leaked-password lists, and obvious local ones.
COMMON = frozenset({
    "password1234", "password12345", "password123456", "passwordpassword", "password!234", "p@ssw0rd1234",
    "123456789012", "1234567890123", "12345678901234", "123456123456", "123123123123", "111111111111",
    "000000000000", "123456654321", "qwertyuiopas", "qwertyuiop12", "qwerty123456", "1q2w3e4r5t6y",
    "asdfghjkl123", "iloveyou1234", "abcdefghijkl", "abcd1234abcd", "abc123abc123", "letmein12345",
    "welcome12345", "administrator", "admin1234567", "changeme1234", "jukiaudit123", "jukiaudit2026",
    "jukinet12345", "nagano123456", "naganoken123", "passphrase12", "mypassphrase", "correcthorsebatterystaple",
})


def refusal(passphrase: str) -> str | None:
    """Why `passphrase` is refused, in Japanese; None when it is acceptable."""
    if len(passphrase) < MIN_LENGTH:
        return f"パスフレーズが短すぎます({len(passphrase)} 文字)。{MIN_LENGTH} 文字以上にしてください。"
    if len(set(passphrase)) == 1:
        return "同じ文字を繰り返しただけのパスフレーズは使えません。"
    if passphrase.lower() in COMMON:
        return "よく使われるパスフレーズのため使えません。推測されにくい語を組み合わせてください。"
    return None


def require_acceptable(passphrase: str) -> None:
    reason = refusal(passphrase)
    if reason is not None:
        raise InputError(reason)
