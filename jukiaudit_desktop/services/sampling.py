"""Use cases of sampling for 根拠書類: draw a reproducible sample, export it, record results, raise a 不備.

The drawing rule is core.sampling's. Lines are numbered in time order (then operation id).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..core.audit import FindingClass
from ..core.errors import InputError
from ..core.progress import NO_PROGRESS, Progress
from ..core.sampling import draw
from ..reports.sample_pdf import render_sample
from ..security.atomic import write_atomic
from ..storage import sampling_repo as repo
from ..storage import trail
from ..storage.database import Database
from ..storage.reconcile_repo import Period
from ..storage.sampling_repo import SampleInfo, SampleLine
from .audits import require_audit
from .findings import add_finding
from .master_data import require_agency

CHECKED, DEFICIENT = "確認済", "不備"
RESULTS = (CHECKED, DEFICIENT)


@dataclass(frozen=True)
class Stratum:
    """One 事務 of a sample: its operations in the period, the lines drawn from it and their results so far."""

    jimu_code: str  # "" = operations without a 事務 code
    volume: int
    drawn: int
    checked: int
    deficient: int


def draw_sample(db: Database, agency_code: str, period: Period, n: int, seed: int,
                progress: Progress = NO_PROGRESS) -> int:
    """Draw and store a sample; returns its id."""
    if n < 1:
        raise InputError(f"抽出件数は 1 以上にしてください({n})。")
    if period.first is not None and period.last is not None and period.first > period.last:
        raise InputError("期間の開始日が終了日より後です。")
    agency = require_agency(db, agency_code)
    assert agency.id is not None
    progress.update(0, 3, "操作ログを読んでいます")
    candidates = repo.operations(db, agency.id, period)
    if not candidates:
        raise InputError(f"機関 {agency_code} には、この期間の操作ログがありません。")
    progress.update(1, 3, f"{len(candidates):,} 件から抽出しています")
    drawn = repo.in_time_order(db, draw(candidates, n, seed))
    volumes = dict(Counter(code for _id, code in candidates))
    progress.update(2, 3, "保存しています")
    with db.transaction():
        sample_id = repo.insert(db, agency.id, period, n, seed, datetime.now().isoformat(timespec="seconds"),
                                volumes, drawn)
        trail.record(db, "sample.draw", sample_id=sample_id, agency=agency_code, size=n, seed=seed, lines=len(drawn))
    return sample_id


def require_sample(db: Database, sample_id: int) -> SampleInfo:
    found = repo.get(db, sample_id)
    if found is None:
        raise InputError(f"抽出 {sample_id} は見つかりません。")
    return found


def list_samples(db: Database, agency_code: str) -> list[SampleInfo]:
    """The agency's samples, newest first."""
    agency = require_agency(db, agency_code)
    assert agency.id is not None
    return repo.for_agency(db, agency.id)


def strata(db: Database, sample_id: int) -> list[Stratum]:
    """Every 事務 used in the sample's period when it was drawn, in code order, with what was drawn from it and
    found (a sample drawn before the strata were kept: counted now)."""
    info = require_sample(db, sample_id)
    volumes = info.strata if info.strata is not None else repo.volumes(db, info.agency_id, info.period)
    return strata_of(volumes, repo.lines(db, sample_id))


def strata_of(volumes: dict[str, int], lines: list[SampleLine]) -> list[Stratum]:
    drawn = Counter(line.jimu_code or "" for line in lines)
    found = Counter((line.jimu_code or "", line.result) for line in lines)
    return [Stratum(code, volume, drawn[code], found[code, CHECKED], found[code, DEFICIENT])
            for code, volume in sorted(volumes.items())]


def write_sample_pdf(db: Database, sample_id: int, path: Path) -> None:
    """The list for the visit (with the results recorded so far), written atomically to `path`."""
    write_atomic(path, render_sample(require_sample(db, sample_id), repo.lines(db, sample_id)))


def sample_lines(db: Database, sample_id: int) -> list[SampleLine]:
    require_sample(db, sample_id)
    return repo.lines(db, sample_id)


def export_sample(db: Database, sample_id: int) -> dict[str, Any]:
    """The sample as the CLI writes it (no drawing time: the same seed and data give the same JSON)."""
    info = require_sample(db, sample_id)
    lines = repo.lines(db, sample_id)
    return {
        "agency": info.agency_code,
        "from": None if info.period.first is None else info.period.first.isoformat(),
        "to": None if info.period.last is None else info.period.last.isoformat(),
        "n": info.size, "seed": info.seed,
        "lines": [{k: v for k, v in asdict(line).items() if k not in ("finding_id",)} for line in lines],
    }


def _line(db: Database, sample_id: int, ordinal: int) -> SampleLine:
    found = next((line for line in sample_lines(db, sample_id) if line.ordinal == ordinal), None)
    if found is None:
        raise InputError(f"抽出 {sample_id} に {ordinal} 番の行はありません。")
    return found


def record_result(db: Database, sample_id: int, ordinal: int, result: str, note: str = "") -> SampleLine:
    """確認済 or 不備 (a 不備 needs a 備考 saying what was missing)."""
    if result not in RESULTS:
        raise InputError(f"確認結果「{result}」は使えません。{' / '.join(RESULTS)} のいずれかです。")
    if result == DEFICIENT and not note.strip():
        raise InputError("不備の内容を備考に書いてください(例: 申請書なし)。")
    _line(db, sample_id, ordinal)
    with db.transaction():
        repo.set_result(db, sample_id, ordinal, result, note.strip() or None)
        trail.record(db, "sample.result", sample_id=sample_id, ordinal=ordinal, result=result)
    return _line(db, sample_id, ordinal)


def raise_deficiency(db: Database, audit_id: int, sample_id: int, ordinal: int) -> int:
    """Raise a finding (要改善事項) from a line recorded 不備; returns the finding id."""
    info = require_sample(db, sample_id)
    audit = require_audit(db, audit_id)
    if audit.agency_id != info.agency_id:
        raise InputError(f"抽出 {sample_id} は監査 {audit_id} の機関({audit.agency_name})のものではありません。")
    line = _line(db, sample_id, ordinal)
    if line.result != DEFICIENT:
        raise InputError("不備と記録した行だけを指摘事項にできます。")
    if line.finding_id is not None:
        raise InputError(f"この行は既に指摘事項 {line.finding_id} になっています。")
    condition = (f"抽出 {sample_id}(乱数の種 {info.seed})の {ordinal} 番: 操作ログ {line.file} {line.line}行目 "
                 f"{line.at} 端末{line.terminal} 操作者{line.operator} 事務{line.jimu_code or '-'}。確認結果: {line.note}")
    with db.transaction():
        finding = add_finding(db, audit_id, FindingClass.NEEDS_IMPROVEMENT,
                              "照会の根拠となる申請書・根拠書類が確認できなかった", condition=condition,
                              criteria="照会ごとに申請書等の根拠書類を保存すること")
        assert finding.id is not None
        repo.set_finding(db, sample_id, ordinal, finding.id)
        trail.record(db, "sample.finding", sample_id=sample_id, ordinal=ordinal, finding_id=finding.id)
    return finding.id
