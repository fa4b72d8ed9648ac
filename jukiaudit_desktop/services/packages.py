"""Sealed packages that carry audits between air-gapped installations, and their merge on import.

Export seals the chosen audits to one peer: details, scores, notes, findings with follow-ups, evidence files,
the reconciliation runs they refer to (with their discrepancies and the import files those point into), the
issued sheets (numbers, hashes and the files as issued), and, from the office to its inspectors, the key
identifiers are hashed with. Import checks the seal, then merges each audit three ways (package_merge).

The identifier key is shared once, under the same seal: a package from an installation that has no office
registered (the office itself) to one of its inspectors carries it; an inspector's installation takes it only
from a peer registered as its office (peer add --office), and only while it has hashed no identifier with its
own key. Every package names the key its identifiers were hashed with (a digest, never the key), and a run
whose operations were hashed with another key than the receiver's is refused: its hashes would not match.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import __version__
from ..core.audit import ChecklistTemplate
from ..core.collector import collector_paused
from ..core.errors import InputError, JukiAuditError
from ..security.atomic import write_atomic
from ..security.sealing import Identity, PublicIdentity, SealError, open_sealed, seal
from ..storage import audits_repo, package_runs, subject_keys, trail
from ..storage import packages_repo as repo
from ..storage.database import Database, bulk_connection, schema_version
from . import package_merge
from .checklists import get_template, template_from_dict, template_to_dict
from .package_merge import CHOICES, Conflict
from .reports import issuer

PACKAGE_FORMAT = "jukiaudit-package-v1"
def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


# ----- identity and peers -----

def ensure_identity(db: Database, name: str = "") -> Identity:
    """This installation's key pairs, made on first use (at init) and kept in the encrypted database."""
    fields = repo.load_identity(db)
    if fields is None:
        identity = Identity.generate(name or db.path.stem)
        with db.transaction():
            repo.store_identity(db, {"name": identity.name, "sign_private": identity.sign_private.hex(),
                                     "box_private": identity.box_private.hex()})
            trail.record(db, "identity.create", fingerprint=identity.public.fingerprint)
        return identity
    return Identity(fields["name"], bytes.fromhex(fields["sign_private"]), bytes.fromhex(fields["box_private"]))


def export_identity(db: Database, out: Path) -> PublicIdentity:
    public = ensure_identity(db).public
    write_atomic(out, public.to_bytes())
    return public


def add_peer(db: Database, path: Path, name: str, *, office: bool = False) -> repo.PeerRow:
    public = PublicIdentity.from_bytes(_read(path), str(path))
    if public.fingerprint == ensure_identity(db).public.fingerprint:
        raise InputError(f"{path}: この端末自身の公開鍵です。相手の公開鍵を指定してください。")
    name = name.strip()
    if not name:
        raise InputError("相手の名前(氏名や所属)を指定してください。")
    for existing, what in ((repo.find_peer(db, fingerprint=public.fingerprint), "この公開鍵"),
                           (repo.find_peer(db, name=name), f"名前「{name}」")):
        if existing is not None:
            raise InputError(f"{what}は既に「{existing.name}」として登録されています。")
    with db.transaction():
        peer_id = repo.insert_peer(db, name, public.fingerprint, public.sign_key, public.box_key, office, _now())
        trail.record(db, "peer.add", name=name, fingerprint=public.fingerprint, office=office)
    peer = repo.find_peer(db, fingerprint=public.fingerprint)
    assert peer is not None and peer.id == peer_id
    return peer


def remove_peer(db: Database, name: str) -> repo.PeerRow:
    """Stop trusting a peer (a lost laptop): its packages are refused from now on, nothing it sent is undone."""
    peer = repo.find_peer(db, name=name)
    if peer is None:
        raise InputError(f"「{name}」は登録されていません(peer list で確認)。")
    with db.transaction():
        repo.delete_peer(db, peer.id)
        trail.record(db, "peer.remove", name=peer.name, fingerprint=peer.fingerprint)
    return peer


def list_peers(db: Database) -> list[repo.PeerRow]:
    return repo.list_peers(db)


def _public(peer: repo.PeerRow) -> PublicIdentity:
    return PublicIdentity(peer.name, peer.sign_key, peer.box_key)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 読めません({exc.strerror or exc})。") from exc


# ----- export -----

@dataclass(frozen=True)
class ExportResult:
    path: Path
    audits: int
    evidence_files: int
    size: int
    sha256: str


def export_package(db: Database, audit_ids: Iterable[int], peer_name: str, out: Path, *,
                   master: bool = False) -> ExportResult:
    """Seal the audits (and, with master=True, the master data: agencies, 事務 and their bases, authorised
    事務, terminals, operators, checklists) to the peer `peer_name`."""
    peer = repo.find_peer(db, name=peer_name)
    if peer is None:
        raise InputError(f"送付先「{peer_name}」が登録されていません(peer list で確認、peer add で登録)。")
    ids = sorted(set(audit_ids))
    if not ids and not master:
        raise InputError("送付する監査がありません。")
    sender = ensure_identity(db)
    documents = [repo.read_audit_document(db, audit_id) for audit_id in ids]
    template_ids = sorted({audit_id_template for audit_id in ids
                           if (audit_id_template := repo.audit_template_id(db, audit_id)) is not None})
    templates = [template_to_dict(get_template(db, template_id)) for template_id in template_ids]
    carried = [{**d, "finding_order": list(d["findings"])} for d in documents]  # the sender's numbering
    parts = {"audits.json": _json(carried), "templates.json": _json(templates)}
    if master:
        parts["master.json"] = _json(repo.read_master_data(db))
    for document in documents:
        for info in document["evidence"].values():
            parts[f"evidence/{info['sha256']}"] = repo.evidence_bytes(db, info["sha256"])
    runs = sorted({run for document in documents for run in repo.runs_of(document)})
    if runs:  # a run's files can hold millions of rows: read them on a fresh connection, without the collector
        with collector_paused(), bulk_connection(db) as reader:
            for run in runs:
                parts[f"runs/{run}.json"] = _json(package_runs.read_run(reader, run))
    sheets = {document["uuid"]: _sheets(db, audit_id) for audit_id, document in zip(ids, documents, strict=True)}
    for found in sheets.values():
        for sheet in found:
            pdf = sheet.pop("pdf")
            sheet["pdf"] = None if pdf is None else hashlib.sha256(pdf).hexdigest()
            if pdf is not None:
                parts[f"sheets/{sheet['pdf']}"] = bytes(pdf)
    parts["sheets.json"] = _json(sheets)
    if not peer.is_office and not any(p.is_office for p in repo.list_peers(db)):
        parts["subject_key.json"] = _json({"key": subject_keys.subject_key(db).hex()})  # from the office only
    manifest = {"format": PACKAGE_FORMAT, "created_at": _now(), "app_version": __version__,
                "schema_version": schema_version(),
                "sender": {"name": sender.name, "fingerprint": sender.public.fingerprint},
                "recipient": {"name": peer.name, "fingerprint": peer.fingerprint},
                "contents": {"audits": [d["uuid"] for d in documents], "master": master,
                             "runs": sorted(n[5:-5] for n in parts if n.startswith("runs/")),
                             "sheets": [s["doc_number"] for found in sheets.values() for s in found]},
                "subject_key_id": subject_keys.key_id(subject_keys.subject_key(db)),
                "parts": {name: hashlib.sha256(data).hexdigest() for name, data in parts.items()}}
    buffer = io.BytesIO()
    # Level 1: a run's million rows compress about as well and several times faster than at the default 6.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, sort_keys=True))
        for name, data in parts.items():
            archive.writestr(name, data)
    sealed = seal(buffer.getvalue(), sender, _public(peer))
    digest = hashlib.sha256(sealed).hexdigest()
    with db.transaction():
        at = _now()
        for document in documents:
            repo.set_sync_base(db, document["uuid"], peer.fingerprint, document, at)
        trail.record(db, "package.export", to=peer.name, sha256=digest, audits=len(documents), master=master)
    write_atomic(out, sealed)
    return ExportResult(out, len(documents), sum(1 for n in parts if n.startswith("evidence/")), len(sealed), digest)


def _json(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, sort_keys=True).encode("utf-8")


def _sheets(db: Database, audit_id: int) -> list[dict[str, Any]]:
    """The audit's issued sheets; one issued here names this machine's audit id and sender line, with which its
    content hash was computed (verify-sheet on the receiving side computes it with the same)."""
    return [{**sheet, "origin_audit_id": sheet["origin_audit_id"] or audit_id,
             "origin_issuer": sheet["origin_issuer"] or issuer(db)} for sheet in package_runs.read_sheets(db, audit_id)]


# ----- import -----

@dataclass
class ImportPlan:
    sender: str
    sender_fingerprint: str
    sha256: str
    new: list[str] = field(default_factory=list)
    identical: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    merged: list[dict[str, Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    evidence: dict[str, bytes] = field(default_factory=dict)
    templates: list[ChecklistTemplate] = field(default_factory=list)  # the ones this installation lacks
    master: dict[str, list[Any]] | None = None       # master tables from the office
    master_changes: dict[str, list[int]] = field(default_factory=dict)  # table → [added, changed]
    finding_orders: dict[str, list[str]] = field(default_factory=dict)  # audit uuid → the sender's numbering
    runs: list[dict[str, Any]] = field(default_factory=list)  # reconciliation runs this installation lacks
    sheets: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (audit uuid, issued sheet) new here
    subject_key: bytes | None = None  # the office's identifier key, to adopt
    notes: list[str] = field(default_factory=list)  # what the inspector should know (nothing refused)


def _open(db: Database, path: Path) -> tuple[PublicIdentity, dict[str, Any], dict[str, bytes], str]:
    data = _read(path)
    digest = hashlib.sha256(data).hexdigest()
    done = repo.package_received_at(db, digest)
    if done is not None:
        raise InputError(f"{path.name}: 取込済みです({done} に取り込みました)。何も変更していません。")

    def find_sender(fingerprint: str) -> PublicIdentity | None:
        peer = repo.find_peer(db, fingerprint=fingerprint)
        return None if peer is None else _public(peer)

    try:
        sender, content = open_sealed(data, ensure_identity(db), find_sender)
    except SealError as exc:
        raise InputError(f"{path.name}: {exc}") from exc
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            parts = {name: archive.read(name) for name in archive.namelist() if name != "manifest.json"}
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise InputError(f"{path.name}: パッケージの中身が壊れています。") from exc
    if manifest.get("format") != PACKAGE_FORMAT:
        raise InputError(f"{path.name}: 対応していない形式のパッケージです({manifest.get('format')})。")
    if int(manifest.get("schema_version", 0)) > schema_version():
        raise InputError(f"{path.name}: 新しい版の JukiAudit(データ形式 {manifest.get('schema_version')})で作られた"
                         f"パッケージです。この端末(データ形式 {schema_version()})を更新してから取り込んでください。")
    if manifest["sender"]["fingerprint"] != sender.fingerprint:
        raise InputError(f"{path.name}: 目録の送信者が署名者と一致しません。")
    listed = manifest.get("parts", {})
    if set(listed) != set(parts) or any(hashlib.sha256(parts[n]).hexdigest() != h for n, h in listed.items()):
        raise InputError(f"{path.name}: 目録のハッシュと中身が一致しません。")
    return sender, manifest, parts, digest


def _missing_templates(db: Database, path: Path, carried: list[dict[str, Any]]) -> list[ChecklistTemplate]:
    """The checklist templates the package carries that this installation lacks (an audit needs its own
    version). A template of the same name and version with other content is refused."""
    missing = []
    for data in carried:
        # A file's version is the next one where it is imported; a carried template keeps its own.
        template = replace(template_from_dict(data, path.name), version=int(data["version"]))
        local_id = repo.template_id(db, template.name, template.version)
        if local_id is None:
            missing.append(template)
        elif template_to_dict(get_template(db, local_id)) != data:
            raise InputError(f"{path.name}: 調査表「{template.name}」第{template.version}版の内容がこの端末のものと"
                             "異なります。本庁で調査表の版をそろえてから取り込んでください。")
    return missing


def plan_import(db: Database, path: Path, choices: dict[str, str] | None = None,
                default: str | None = None) -> ImportPlan:
    """Everything an import would do, computed without writing: new, identical, updated, conflicts."""
    if default is not None and default not in CHOICES:
        raise InputError(f"競合の解決は {' / '.join(CHOICES)} のいずれかです(指定: {default})。")
    sender, manifest, parts, digest = _open(db, path)
    plan = ImportPlan(sender.name, sender.fingerprint, digest,
                      evidence={name.removeprefix("evidence/"): data for name, data in parts.items()
                                if name.startswith("evidence/")})
    carried_agencies: set[str] = set()
    if "master.json" in parts:
        peer = repo.find_peer(db, fingerprint=sender.fingerprint)
        if peer is None or not peer.is_office:
            raise InputError(f"{path.name}: マスタデータは本庁(--office で登録した相手)からのものだけを取り込みます。"
                             f"{sender.name} からのマスタデータは取り込みません。")
        plan.master = json.loads(parts["master.json"])
        carried_agencies = {row["code"] for row in plan.master.get("agency", [])}
    plan.templates = _missing_templates(db, path, json.loads(parts["templates.json"]))
    missing: set[str] = set()
    _plan_subject_key(db, path, sender, parts, plan)
    if plan.master is not None:
        _drop_watchlist_of_another_key(db, manifest, plan)
        plan.master_changes = repo.write_master_data(db, plan.master, write=False)
    for theirs in json.loads(parts["audits.json"]):
        plan.finding_orders[theirs["uuid"]] = theirs.pop("finding_order", [])
        plan.received.append(theirs)
        if repo.agency_id(db, theirs["agency_code"]) is None and theirs["agency_code"] not in carried_agencies:
            missing.add(f"機関 {theirs['agency_code']}")
        local_id = repo.audit_id_by_uuid(db, theirs["uuid"])
        if local_id is None:
            plan.new.append(package_merge.label(theirs))
            plan.merged.append(theirs)
            continue
        mine = repo.read_audit_document(db, local_id)
        if mine == theirs:
            plan.identical.append(package_merge.label(mine))
            continue
        conflicts_before = len(plan.conflicts)
        merged = package_merge.merge(repo.sync_base(db, theirs["uuid"], sender.fingerprint), mine, theirs, choices or {},
                        default, plan.conflicts)
        if merged != mine or len(plan.conflicts) > conflicts_before:
            plan.updated.append(package_merge.label(mine))
            plan.merged.append(merged)
    _plan_runs(db, path, manifest, parts, plan, carried_agencies, missing)
    if missing:
        raise InputError(f"{path.name}: この端末にないマスタデータを参照しています: {'、'.join(sorted(missing))}。"
                         "本庁からマスタデータを受け取ってから取り込んでください。")
    _plan_sheets(db, path, parts, plan)
    return plan


def _drop_watchlist_of_another_key(db: Database, manifest: dict[str, Any], plan: ImportPlan) -> None:
    """The office's watch-list is hashes of its identifier key: here they would match nobody unless this
    installation hashes with the same key (its own, or the office's it adopts with this package)."""
    if not plan.master or not plan.master.get("watchlist_entry"):
        return
    if manifest.get("subject_key_id") == subject_keys.key_id(plan.subject_key or subject_keys.subject_key(db)):
        return
    plan.master.pop("watchlist_entry")
    plan.notes.append("本庁の監視対象は取り込みませんでした: この端末とは異なる識別子ハッシュの鍵でハッシュされています。")


def _plan_subject_key(db: Database, path: Path, sender: PublicIdentity, parts: dict[str, bytes],
                      plan: ImportPlan) -> None:
    """Adopt the office's identifier key (carried under the seal) unless this installation already hashed
    identifiers with its own, which the office's key could no longer match."""
    if "subject_key.json" not in parts:
        return
    peer = repo.find_peer(db, fingerprint=sender.fingerprint)
    if peer is None or not peer.is_office:
        raise InputError(f"{path.name}: 識別子ハッシュの鍵は本庁(--office で登録した相手)からのものだけを受け取ります。"
                         f"{sender.name} は本庁として登録されていません。")
    key = bytes.fromhex(json.loads(parts["subject_key.json"])["key"])
    if key == subject_keys.subject_key(db):
        return
    if package_runs.subject_hashes_stored(db):
        plan.notes.append("本庁の識別子ハッシュの鍵は採用しませんでした: この端末には既に自分の鍵でハッシュした識別子"
                          "(操作ログの個人番号・住民票コード、監視対象)があります。この端末の突合結果は本庁で照合できません。")
        return
    plan.subject_key = key


def _plan_runs(db: Database, path: Path, manifest: dict[str, Any], parts: dict[str, bytes], plan: ImportPlan,
               carried_agencies: set[str], missing: set[str]) -> None:
    """The runs this installation lacks; refused when their identifiers were hashed with another key, or when a
    file they carry is stored here under the same hash with other rows."""
    mine = subject_keys.key_id(plan.subject_key or subject_keys.subject_key(db))
    for name in sorted(n for n in parts if n.startswith("runs/")):
        run = json.loads(parts[name])
        if package_runs.run_id_by_uuid(db, run["uuid"]) is not None:
            continue
        agency = repo.agency_id(db, run["agency_code"])
        if agency is None and run["agency_code"] not in carried_agencies:
            missing.add(f"機関 {run['agency_code']}")
        if package_runs.carries_subjects(run) and manifest.get("subject_key_id") != mine:
            raise InputError(f"{path.name}: 突合結果の操作ログの識別子(個人番号・住民票コード)が、この端末と異なる鍵で"
                             "ハッシュされています。送信者の端末が本庁の鍵を受け取ってから操作ログを取り込み直し、"
                             "突合をやり直してください。何も変更していません。")
        wrong = [] if agency is None else package_runs.file_conflicts(db, run, agency)
        if wrong:
            raise InputError(f"{path.name}: 取込ファイル {'、'.join(wrong)} はこの端末に同じハッシュで取り込まれていますが、"
                             "行の内容が違います。何も変更していません。")
        plan.runs.append(run)


def _plan_sheets(db: Database, path: Path, parts: dict[str, bytes], plan: ImportPlan) -> None:
    """Issued sheets new here; a number this installation gave to another sheet is refused."""
    for audit_uuid, sheets in json.loads(parts["sheets.json"]).items():
        for sheet in sheets:
            here = package_runs.sheet_by_number(db, sheet["doc_number"])
            if here == (sheet["content_sha256"], audit_uuid):
                continue
            if here is not None:
                raise InputError(f"{path.name}: 文書番号 {sheet['doc_number']} はこの端末で別の文書に使われています。"
                                 "端末ごとに異なる文書番号の書式(sheet-issuer の番号書式)を設定してください。"
                                 "何も変更していません。")
            pdf = sheet["pdf"]
            plan.sheets.append((audit_uuid, {**sheet, "pdf": None if pdf is None else parts[f"sheets/{pdf}"]}))


def carried_lines(plan: ImportPlan) -> list[str]:
    """What else the package brings, in words: runs, issued sheets, the office's identifier key, and notes."""
    lines = []
    if plan.runs:
        rows = sum(len(f["rows"]) for run in plan.runs for f in run["files"])
        found = sum(len(run["discrepancies"]) for run in plan.runs)
        lines.append(f"突合結果 {len(plan.runs)} 件(不一致 {found:,} 件、取込ファイルの行 {rows:,} 行)")
    if plan.sheets:
        lines.append(f"発行済みの指摘事項票 {len(plan.sheets)} 件: " + "、".join(s["doc_number"] for _a, s in plan.sheets))
    if plan.subject_key is not None:
        lines.append("本庁の識別子ハッシュの鍵を受け取ります(以後この端末は本庁と同じ鍵で個人番号・住民票コードをハッシュします)。")
    return lines + plan.notes


def unresolved(plan: ImportPlan, choices: dict[str, str], default: str | None) -> list[Conflict]:
    """Conflicts that no choice settles (a "both" for a non-text field settles nothing)."""
    return package_merge.unresolved(plan.conflicts, choices, default)


def import_package(db: Database, path: Path, choices: dict[str, str] | None = None,
                   default: str | None = None) -> ImportPlan:
    """Merge the package's audits in one transaction with one trail entry, or refuse with nothing changed."""
    choices = choices or {}
    with collector_paused():
        plan = plan_import(db, path, choices, default)
        open_conflicts = unresolved(plan, choices, default)
        if open_conflicts:
            raise JukiAuditError(f"{path.name}: 競合が {len(open_conflicts)} 件あり、解決方法が選ばれていません"
                                 "(--dry-run で確認し、--resolve mine|theirs|both で選んでください)。何も変更していません。")
        # A carried run may bring millions of rows: stored on a fresh connection (see bulk_connection).
        with bulk_connection(db) as writer:
            _write(writer, plan)
    return plan


def _write(db: Database, plan: ImportPlan) -> None:
    """The merge: one transaction, one trail entry naming the package's hash and sender."""
    with db.transaction():
        if plan.master is not None:
            repo.write_master_data(db, plan.master, write=True)
        for template in plan.templates:
            if repo.template_id(db, template.name, template.version) is None:  # unless the master data had it
                audits_repo.insert_template(db, template, _now())
        if plan.subject_key is not None:
            subject_keys.adopt(db, plan.subject_key)
        for run in plan.runs:
            agency = repo.agency_id(db, run["agency_code"])
            assert agency is not None  # checked by the plan (or added with the master data above)
            package_runs.write_run(db, run, agency)
        for document in plan.merged:
            repo.write_audit_document(db, document, plan.evidence, plan.finding_orders.get(document["uuid"], []))
        for audit_uuid, sheet in plan.sheets:
            audit = repo.audit_id_by_uuid(db, audit_uuid)
            assert audit is not None
            package_runs.insert_sheet(db, sheet, audit, plan.sender_fingerprint)
        at = _now()
        for theirs in plan.received:
            repo.set_sync_base(db, theirs["uuid"], plan.sender_fingerprint, theirs, at)
        repo.record_package_received(db, plan.sha256, plan.sender_fingerprint, at)
        trail.record(db, "package.import", sha256=plan.sha256, sender=plan.sender,
                     sender_fingerprint=plan.sender_fingerprint, new=len(plan.new), updated=len(plan.updated),
                     identical=len(plan.identical), conflicts=len(plan.conflicts), runs=len(plan.runs),
                     sheets=[sheet["doc_number"] for _audit, sheet in plan.sheets],
                     subject_key_adopted=plan.subject_key is not None,
                     templates=[f"{t.name} 第{t.version}版" for t in plan.templates],
                     master={table: counts for table, counts in plan.master_changes.items() if any(counts)})


# ----- what is waiting to be sent -----

@dataclass(frozen=True)
class Waiting:
    peer: str
    office: bool
    audits: list[str]  # labels of the audits changed since the last package to that peer


def waiting_to_send(db: Database) -> list[Waiting]:
    """Per peer, the audits changed since they were last exchanged: to the office every audit (never sent
    counts), to another peer only the audits exchanged with it before."""
    peers = repo.list_peers(db)
    if not peers:
        return []
    documents = [repo.read_audit_document(db, audit_id) for audit_id in repo.audit_ids(db)]
    waiting = []
    for peer in peers:
        labels = []
        for document in documents:
            base = repo.sync_base(db, document["uuid"], peer.fingerprint)
            if (base is None and peer.is_office) or (base is not None and base != document):
                labels.append(package_merge.label(document))
        waiting.append(Waiting(peer.name, peer.is_office, labels))
    return waiting
