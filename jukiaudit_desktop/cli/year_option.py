"""The 年度 option type: every `--year`-like option reads 2026, 令和8, R8 or 令和8年度 through one parser."""

from __future__ import annotations

from collections.abc import Callable

from ..core.wareki import parse_fiscal_year


def fiscal_year(option: str) -> Callable[[str], int]:
    """argparse `type=` for a 年度 option; a bad value raises InputError naming the option (exit 3)."""

    def parse(text: str) -> int:
        return parse_fiscal_year(text, option)

    parse.__name__ = "年度"  # argparse names the type in its own messages
    return parse
