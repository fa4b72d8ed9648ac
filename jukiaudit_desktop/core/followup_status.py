"""Follow-up statuses (改善状況): the inspector's list, best first, and what each one means for a finding.

The rule: a finding starts at the last status of the list (by default 未措置); a 改善報告 moves it to the
status reported; a status that `closes` ends the follow-up (no longer open, never overdue); a status that
`asks_date` needs the agency's 予定日 in the report. Findings recorded before the list was configurable
(schema 0008) keep their statuses as they were; of those, 完了 still closes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import InputError

NAME_LIMIT = 20


@dataclass(frozen=True)
class FollowupStatus:
    name: str
    closes: bool = False     # reaching it closes the finding (措置済)
    asks_date: bool = False  # a report at this status gives the agency's 予定日


DEFAULT_FOLLOWUP_STATUSES = (FollowupStatus("措置済", closes=True), FollowupStatus("一部措置", asks_date=True),
                             FollowupStatus("未措置", asks_date=True))
LEGACY_CLOSED = "完了"  # the last of the six fixed statuses before 0008 (未着手 … 概ね改善済み / 完了)


@dataclass(frozen=True)
class FollowupStatuses:
    """The configured list (never empty: the defaults when nothing is stored)."""

    items: tuple[FollowupStatus, ...] = DEFAULT_FOLLOWUP_STATUSES

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.items]

    @property
    def initial(self) -> str:
        """The status a new finding starts at: the last (worst) of the list."""
        return self.items[-1].name

    def get(self, name: str) -> FollowupStatus | None:
        return next((s for s in self.items if s.name == name), None)

    def closes(self, name: str) -> bool:
        """Whether a finding at `name` is closed (a status no longer listed: only the old 完了 closes)."""
        status = self.get(name)
        return status.closes if status is not None else name == LEGACY_CLOSED

    @property
    def closing_names(self) -> list[str]:
        """Every status a closed finding may be at (for queries)."""
        listed = [s.name for s in self.items if s.closes]
        return listed if self.get(LEGACY_CLOSED) is not None else [*listed, LEGACY_CLOSED]

    def require(self, text: str) -> FollowupStatus:
        """The listed status named `text`, or InputError naming the choices."""
        status = self.get(text.strip())
        if status is None:
            raise InputError(f"改善状況「{text}」は使えません。次のいずれかです: {' / '.join(self.names)}")
        return status

    def sort_key(self, name: str) -> int:
        """Best first; statuses no longer listed after every listed one."""
        return self.names.index(name) if name in self.names else len(self.items)


def checked_statuses(items: list[FollowupStatus]) -> FollowupStatuses:
    """A list the inspector set, checked: names given once, short, one closing status at least, and the last
    (where new findings start) not closing."""
    names = [s.name.strip() for s in items]
    if len(items) < 2:
        raise InputError("改善状況は2つ以上指定してください(例: 措置済 / 一部措置 / 未措置)。")
    if any(not n or len(n) > NAME_LIMIT for n in names):
        raise InputError(f"改善状況の名前は 1～{NAME_LIMIT} 文字で書いてください。")
    if len(set(names)) != len(names):
        raise InputError(f"改善状況の名前が重複しています: {'、'.join(sorted({n for n in names if names.count(n) > 1}))}")
    if not any(s.closes for s in items):
        raise InputError("完了とする改善状況(措置済など)を1つ以上指定してください。")
    if items[-1].closes:
        raise InputError(f"最後の改善状況「{names[-1]}」は新しい指摘の状況になるため、完了とはできません。")
    return FollowupStatuses(tuple(FollowupStatus(n, s.closes, s.asks_date) for n, s in zip(names, items, strict=True)))
