"""A runtime guard: an audit hook that refuses (and records) any attempt to reach the network.

The app has no networking code; this hook proves it at run time, for our code and every library we load.
Local (AF_UNIX) sockets stay allowed: the OS keyring talks to its service through one. The hook never
imports `socket` itself, so the package stays free of networking modules.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from ..core.errors import JukiAuditError

# Audit events that reach, or ask the way to, another machine (see the "Audit events table" of Python).
_ADDRESS_EVENTS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg", "socket.bind"})
_LOOKUP_EVENTS = frozenset({"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                            "socket.getnameinfo"})

log = logging.getLogger("jukiaudit.security.network")

refused: list[str] = []
"""Every refused attempt of this process, as "event address" (shown by tests and the log)."""

_installed = False


class NetworkRefusedError(JukiAuditError, PermissionError):
    """Raised inside the code that tried to use the network."""

    def __init__(self, event: str, target: object) -> None:
        super().__init__(f"ネットワーク接続を拒否しました({event} {target!r})。JukiAudit はネットワークを使いません。")


def _is_local(address: object) -> bool:
    """AF_UNIX addresses are paths (str or bytes); network addresses are tuples."""
    return address is None or isinstance(address, str | bytes | bytearray)


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event in _ADDRESS_EVENTS:
        target = args[1] if len(args) > 1 else None
        if _is_local(target):
            return
    elif event in _LOOKUP_EVENTS:
        target = args[0] if args else None
    else:
        return
    refused.append(f"{event} {target!r}")
    log.error("network use refused: %s %r", event, target)
    raise NetworkRefusedError(event, target)


def install() -> None:
    """Install the hook for the rest of this process (audit hooks cannot be removed). Idempotent."""
    global _installed
    if not _installed:
        sys.addaudithook(_hook)
        _installed = True


def installed() -> bool:
    return _installed
