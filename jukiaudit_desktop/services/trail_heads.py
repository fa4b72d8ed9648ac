"""The trail head kept outside the database: a small file the office keeps (`trail export-head`), read back
by `verify-trail --head` to show that the chain still contains it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from ..core.errors import InputError
from ..security.atomic import write_atomic
from ..storage.trail import TrailHead


def write_head_file(path: Path, head: TrailHead, db_path: Path) -> None:
    data = {"format": "jukiaudit-trail-head-1", "database": Path(db_path).name, "seq": head.seq, "mac": head.mac,
            "exported_at": datetime.now().astimezone().isoformat(timespec="seconds")}
    write_atomic(path, (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def read_head_file(path: Path) -> TrailHead:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        if data.get("format") != "jukiaudit-trail-head-1":
            raise ValueError("format")
        return TrailHead(int(data["seq"]), str(data["mac"]))
    except FileNotFoundError:
        raise InputError(f"{path}: 証跡の先頭のファイルが見つかりません。") from None
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        raise InputError(f"{path}: 証跡の先頭のファイルではありません(trail export-head で作成したものを指定)。") from None
