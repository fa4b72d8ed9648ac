"""What the subject and activity kinds report, in words, with the thresholds a run used (for the UI)."""

from __future__ import annotations

from typing import Any

from .model import Kind
from .settings import ReconcileSettings


def threshold_help(kind: Kind, run_settings: dict[str, Any] | None = None) -> str | None:
    """The rule of `kind` with the thresholds of `run_settings` (a run's stored settings; missing values, as in
    runs made before these kinds existed, are the defaults); None for the kinds checked against the register."""
    s = {**ReconcileSettings().as_json(), **(run_settings or {})}
    texts = {
        Kind.REPEATED_SUBJECT: (f"同じ対象者(個人番号・住民票コード)が {s['repeat_window_days']} 日以内に "
                                f"{s['repeat_days']} 日以上、または {s['repeat_operators']} 人以上の操作者から照会された"
                                "(対象者ごとに、期間中のその対象者への照会をすべて表示)"),
        Kind.WATCHLIST_HIT: "機関または共通の注視対象者の一覧にある対象者への照会(照会ごとに表示)",
        Kind.VOLUME_SPIKE: (f"操作者の 1 日の操作件数が、その操作者の操作のある日の中央値の {s['spike_factor']:g} 倍以上、"
                            f"かつ {s['spike_minimum']} 件以上(操作者・日ごとに、その日の操作をすべて表示)"),
        Kind.FAILED_SEARCH_BURST: (f"同じ操作者の照会失敗(処理結果が取込プロファイルの成功値以外)が {s['burst_minutes']} 分以内に "
                                   f"{s['burst_failures']} 回以上(失敗の間隔が {s['burst_minutes']} 分を超えるまでを一続きとして表示)"),
        Kind.UNREGISTERED_TERMINAL: "機関に登録されていない端末IDでの操作(端末ごとに表示。端末が未登録の機関では未確認)",
    }
    return texts.get(kind)
