"""The licences the app shows (ヘルプ → ライセンス) and the installer's licence page carries: the app's own,
the IPAex font's, Qt's LGPL notice and every bundled Python distribution's licence."""

from __future__ import annotations

import re
from importlib import metadata
from pathlib import Path

from .paths import resource, third_party_licenses_file

APP_DISTRIBUTION = "jukiaudit-desktop"
_LICENCE_FILE = re.compile(r"(?i)(^|/)(licen[cs]e|copying|notice|authors)[^/]*$")


def notices() -> list[tuple[str, str]]:
    """(title, text) of the app's, the font's and Qt's licences, from resources/."""
    return [
        ("JukiAudit Desktop", resource("licenses", "JukiAudit.txt").read_text(encoding="utf-8")),
        ("IPAex ゴシック(IPA フォントライセンス v1.0)",
         resource("fonts", "IPA_Font_License_Agreement_v1.0.txt").read_text(encoding="utf-8")),
        ("Qt / PySide6(LGPL v3)", resource("licenses", "Qt-LGPL-notice.txt").read_text(encoding="utf-8")),
    ]


def runtime_distributions(root: str = APP_DISTRIBUTION) -> list[metadata.Distribution]:
    """The app's distribution and everything it requires at run time (no extras), each once, by name."""
    seen: dict[str, metadata.Distribution] = {}
    pending = [root]
    while pending:
        name = _normalise(pending.pop())
        if name in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # an optional dependency for another platform (e.g. pywin32-ctypes on Linux)
        seen[name] = dist
        for requirement in dist.requires or []:
            spec, _, marker = requirement.partition(";")
            if "extra" in marker:
                continue
            pending.append(re.split(r"[\s\[<>=!~(]", spec.strip(), maxsplit=1)[0])
    return sorted(seen.values(), key=lambda d: _normalise(d.metadata["Name"]))


def distribution_licence(dist: metadata.Distribution) -> str:
    """One distribution's licence: its metadata line and every licence file it ships."""
    meta = dist.metadata
    declared = (meta.get_all("License-Expression") or meta.get_all("License") or [""])[0]
    classifiers = [c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    head = f"=== {meta['Name']} {dist.version} — {declared.splitlines()[0] if declared else ', '.join(classifiers)}"
    texts = []
    for file in dist.files or []:
        if _LICENCE_FILE.search(str(file)) and ".dist-info" in str(file):
            texts.append(Path(file.locate()).read_text(encoding="utf-8", errors="replace").strip())
    if not texts:
        texts.append(declared.strip() or "(ライセンス本文は配布物に含まれていません。上記の表示に従います。)")
    return head + "\n\n" + "\n\n".join(texts) + "\n"


def collect_third_party() -> str:
    """Every run-time distribution's licence, as one text (what installer/build.py bundles)."""
    dists = [d for d in runtime_distributions() if _normalise(d.metadata["Name"]) != APP_DISTRIBUTION]
    return "\n\n".join(distribution_licence(d) for d in dists)


def third_party() -> str:
    """The bundled wheels' licences: the file the build collected, else collected from this installation."""
    bundled = third_party_licenses_file()
    return bundled.read_text(encoding="utf-8") if bundled.exists() else collect_third_party()


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()
