"""Sealed packages: content encrypted to one recipient and signed by its sender, with pyca/cryptography only.

An installation has an identity: an Ed25519 key pair (signing) and an X25519 key pair (receiving). Its
public part travels as a small JSON file; people compare its fingerprint by phone or on paper.

A sealed file is, in this order (integers big-endian):

    MAGIC | u32 length of the header | header (UTF-8 JSON) | ciphertext | Ed25519 signature (64 bytes)

- header: {"format": 1, "sender": fingerprint, "recipient": fingerprint, "ephemeral": X25519 public key,
  "nonce": 12 bytes} (keys and nonce in base64). It names who sent it to whom, nothing of the content.
- key = HKDF-SHA256(X25519(ephemeral private, recipient public), salt = ephemeral public ‖ recipient public,
  info = "jukiaudit-package-v1"); a fresh ephemeral key per package, so the key is never reused.
- ciphertext = ChaCha20-Poly1305(key, nonce, content, associated data = MAGIC ‖ header).
- signature = Ed25519 by the sender over every byte before it.

Opening checks, in this order, each with its own refusal: the frame (magic, lengths), the recipient (this
installation), the sender (a known peer), the signature (over the whole file), then decryption (which
authenticates the content again). Nothing is decrypted before the signature holds.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
from collections.abc import Callable
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from ..core.errors import JukiAuditError

MAGIC = b"JUKIAUDIT-PKG\x00\x01"
PUBLIC_FORMAT = "jukiaudit-identity-v1"
_HKDF_INFO = b"jukiaudit-package-v1"
_SIGNATURE_SIZE = 64
_MAX_HEADER = 4096


class SealError(JukiAuditError):
    """A sealed file that must not be opened: the message says why."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: object, what: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError as exc:
        raise SealError(f"{what} が壊れています。") from exc


def fingerprint(sign_key: bytes, box_key: bytes) -> str:
    """SHA-256 of both public keys, as 16 groups of 4 hex digits (easy to read aloud)."""
    digest = hashlib.sha256(b"jukiaudit-identity\x00" + sign_key + box_key).hexdigest()
    return "-".join(digest[i:i + 4] for i in range(0, 64, 4))


@dataclass(frozen=True)
class PublicIdentity:
    name: str
    sign_key: bytes  # Ed25519 public key, raw 32 bytes
    box_key: bytes   # X25519 public key, raw 32 bytes

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.sign_key, self.box_key)

    def to_bytes(self) -> bytes:
        return json.dumps({"format": PUBLIC_FORMAT, "name": self.name, "sign_key": _b64(self.sign_key),
                           "box_key": _b64(self.box_key), "fingerprint": self.fingerprint},
                          ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes, source: str) -> PublicIdentity:
        try:
            fields = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise SealError(f"{source}: 公開鍵ファイルではありません(JSON として読めません)。") from exc
        if not isinstance(fields, dict) or fields.get("format") != PUBLIC_FORMAT:
            raise SealError(f"{source}: JukiAudit の公開鍵ファイルではありません。")
        identity = cls(str(fields.get("name", "")), _unb64(fields.get("sign_key"), source),
                       _unb64(fields.get("box_key"), source))
        if len(identity.sign_key) != 32 or len(identity.box_key) != 32:
            raise SealError(f"{source}: 公開鍵の長さが正しくありません。")
        if fields.get("fingerprint") != identity.fingerprint:
            raise SealError(f"{source}: 記載の指紋が鍵と一致しません。ファイルが改変されています。")
        return identity


@dataclass(frozen=True)
class Identity:
    """This installation's key pairs (kept only inside the encrypted database)."""

    name: str
    sign_private: bytes
    box_private: bytes

    @classmethod
    def generate(cls, name: str) -> Identity:
        return cls(name, Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
                   X25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))

    @property
    def public(self) -> PublicIdentity:
        sign_key = Ed25519PrivateKey.from_private_bytes(self.sign_private).public_key()
        box_key = X25519PrivateKey.from_private_bytes(self.box_private).public_key()
        return PublicIdentity(self.name, sign_key.public_bytes(Encoding.Raw, PublicFormat.Raw),
                              box_key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def _content_key(shared: bytes, ephemeral: bytes, recipient_box_key: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + recipient_box_key,
                info=_HKDF_INFO).derive(shared)


def seal(content: bytes, sender: Identity, recipient: PublicIdentity) -> bytes:
    """Encrypt `content` to `recipient` and sign the whole file as `sender`."""
    ephemeral_private = X25519PrivateKey.generate()
    ephemeral = ephemeral_private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    nonce = os.urandom(12)
    header = json.dumps({"format": 1, "sender": sender.public.fingerprint, "recipient": recipient.fingerprint,
                         "ephemeral": _b64(ephemeral), "nonce": _b64(nonce)}, sort_keys=True).encode("utf-8")
    key = _content_key(ephemeral_private.exchange(X25519PublicKey.from_public_bytes(recipient.box_key)),
                       ephemeral, recipient.box_key)
    framed = MAGIC + struct.pack(">I", len(header)) + header
    body = framed + ChaCha20Poly1305(key).encrypt(nonce, content, framed)
    return body + Ed25519PrivateKey.from_private_bytes(sender.sign_private).sign(body)


@dataclass(frozen=True)
class SealedHeader:
    sender: str
    recipient: str
    ephemeral: bytes
    nonce: bytes
    framed_size: int


def read_header(data: bytes) -> SealedHeader:
    """The clear header of a sealed file (who to whom), or SealError for anything that is not one."""
    if not data.startswith(MAGIC):
        raise SealError("JukiAudit の送付用パッケージではありません(先頭の識別子が違います)。")
    start = len(MAGIC) + 4
    if len(data) < start:
        raise SealError("パッケージが途中で切れています。")
    (size,) = struct.unpack(">I", data[len(MAGIC):start])
    if size > _MAX_HEADER or len(data) < start + size + 16 + _SIGNATURE_SIZE:
        raise SealError("パッケージが途中で切れているか、壊れています。")
    try:
        fields = json.loads(data[start:start + size].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SealError("パッケージの見出しが壊れています。") from exc
    if not isinstance(fields, dict) or fields.get("format") != 1:
        raise SealError("このパッケージの形式には対応していません(新しい版で作られた可能性があります)。")
    return SealedHeader(str(fields.get("sender")), str(fields.get("recipient")),
                        _unb64(fields.get("ephemeral"), "パッケージの見出し"),
                        _unb64(fields.get("nonce"), "パッケージの見出し"), start + size)


def open_sealed(data: bytes, recipient: Identity,
                find_sender: Callable[[str], PublicIdentity | None]) -> tuple[PublicIdentity, bytes]:
    """Check and decrypt a sealed file addressed to `recipient`; returns the sender and the content."""
    header = read_header(data)
    if header.recipient != recipient.public.fingerprint:
        raise SealError(f"このパッケージは別の宛先(指紋 {header.recipient[:19]}…)あてです。この端末では開けません。")
    sender = find_sender(header.sender)
    if sender is None:
        raise SealError(f"送信者(指紋 {header.sender[:19]}…)が登録されていません。"
                        "送信者の公開鍵を確認してから peer add で登録してください。")
    body, signature = data[:-_SIGNATURE_SIZE], data[-_SIGNATURE_SIZE:]
    try:
        Ed25519PublicKey.from_public_bytes(sender.sign_key).verify(signature, body)
    except InvalidSignature as exc:
        raise SealError(f"署名が正しくありません({sender.name} の署名と一致しません)。"
                        "ファイルが途中で切れているか、改変されています。") from exc
    shared = X25519PrivateKey.from_private_bytes(recipient.box_private).exchange(
        X25519PublicKey.from_public_bytes(header.ephemeral))
    key = _content_key(shared, header.ephemeral, recipient.public.box_key)
    try:
        content = ChaCha20Poly1305(key).decrypt(header.nonce, body[header.framed_size:], body[:header.framed_size])
    except InvalidTag as exc:
        raise SealError("パッケージの内容を復号できません(改変されています)。") from exc
    return sender, content
