"""Sealed packages that carry audits between air-gapped installations, and their merge on import.

Export seals the chosen audits (details, scores, notes, findings with follow-ups, evidence files) to one
peer. Import checks the seal, then merges each audit three ways, field by field, against the version both
sides last exchanged (the *base*):

- a field changed on one side only takes that side's value;
- a field changed on both sides to different values is a **conflict**, shown side by side; the inspector
  chooses mine / theirs / both (both: the two texts kept, one under the other) — never last-writer-wins;
- an audit, finding, follow-up or evidence file that one side lacks is added (nothing is deleted).

An audit never exchanged with that peer before has no base: every field that differs is a conflict.
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
from ..core.errors import InputError, JukiAuditError
from ..core.wareki import format_fiscal_year
from ..security.atomic import write_atomic
from ..security.sealing import Identity, PublicIdentity, SealError, open_sealed, seal
from ..storage import audits_repo, trail
from ..storage import packages_repo as repo
from ..storage.database import Database, schema_version
from .checklists import get_template, template_from_dict, template_to_dict

PACKAGE_FORMAT = "jukiaudit-package-v1"
CHOICES = ("mine", "theirs", "both")
_BOTH_SEPARATOR = "\n――(相手の記載)――\n"
_MISSING = object()
_FIELD_NAMES = {"self_score": "自己点検の点数", "verified": "確認結果の点数", "note": "所見", "self_comment": "自己点検の意見",
                "status": "状態", "start_date": "開始日", "end_date": "終了日", "place": "場所", "auditors": "監査人",
                "attendees": "出席者", "title": "件名", "condition": "現状", "criteria": "基準", "cause": "原因",
                "effect": "影響", "recommendation": "改善の提言", "due_date": "改善報告期限", "severity": "重要度",
                "finding_class": "区分", "reported_on": "報告日", "item_code": "項目"}


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
    parts = {"audits.json": json.dumps(documents, ensure_ascii=False, sort_keys=True).encode("utf-8"),
             "templates.json": json.dumps(templates, ensure_ascii=False, sort_keys=True).encode("utf-8")}
    if master:
        parts["master.json"] = json.dumps(repo.read_master_data(db), ensure_ascii=False).encode("utf-8")
    for document in documents:
        for info in document["evidence"].values():
            parts[f"evidence/{info['sha256']}"] = repo.evidence_bytes(db, info["sha256"])
    manifest = {"format": PACKAGE_FORMAT, "created_at": _now(), "app_version": __version__,
                "schema_version": schema_version(),
                "sender": {"name": sender.name, "fingerprint": sender.public.fingerprint},
                "recipient": {"name": peer.name, "fingerprint": peer.fingerprint},
                "contents": {"audits": [d["uuid"] for d in documents], "master": master},
                "parts": {name: hashlib.sha256(data).hexdigest() for name, data in parts.items()}}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
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
    return ExportResult(out, len(documents), len(parts) - 1, len(sealed), digest)


# ----- import -----

@dataclass(frozen=True)
class Conflict:
    audit_uuid: str
    audit_label: str
    path: str            # e.g. scores/A-01/verified
    mine: Any
    theirs: Any

    @property
    def description(self) -> str:
        """The conflicting field in words, e.g. 「項目 A-1 の所見」."""
        parts = self.path.split("/")
        field_name = _FIELD_NAMES.get(parts[-1], parts[-1])
        if parts[0] == "scores":
            return f"項目 {parts[1]} の{field_name}"
        if parts[0] == "findings" and len(parts) == 3:
            return f"指摘事項({parts[1][:8]})の{field_name}"
        if parts[0] == "findings":
            return f"指摘事項({parts[1][:8]})の改善報告({parts[3][:8]})の{field_name}"
        return f"監査の{field_name}"

    @property
    def both_possible(self) -> bool:
        return isinstance(self.mine, str) and isinstance(self.theirs, str)


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


def _flatten(value: Any, prefix: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(value, dict) and value:
        flat: dict[tuple[str, ...], Any] = {}
        for key, inner in value.items():
            flat.update(_flatten(inner, (*prefix, str(key))))
        return flat
    return {prefix: value}


def _unflatten(flat: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for path, value in sorted(flat.items()):
        node = root
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
    return root


def _label(document: dict[str, Any]) -> str:
    details = document["details"]
    return f"{document['agency_code']} {format_fiscal_year(details['fiscal_year'])} {details['audit_type']}"


def _merge(base: dict[str, Any] | None, mine: dict[str, Any], theirs: dict[str, Any], choices: dict[str, str],
           default: str | None, conflicts: list[Conflict]) -> dict[str, Any]:
    flat_base = _flatten(base) if base is not None else {}
    flat_mine, flat_theirs = _flatten(mine), _flatten(theirs)
    merged: dict[tuple[str, ...], Any] = {}
    for path in sorted(set(flat_mine) | set(flat_theirs)):
        m, t, b = flat_mine.get(path, _MISSING), flat_theirs.get(path, _MISSING), flat_base.get(path, _MISSING)
        if m == t or t is _MISSING or b == t:
            merged[path] = m
        elif m is _MISSING or b == m:
            merged[path] = t
        else:
            conflict = Conflict(mine["uuid"], _label(mine), "/".join(path), m, t)
            conflicts.append(conflict)
            merged[path] = _resolve(conflict, choices.get(conflict.path, default))
    # A path one side lacks only because it holds more below it (an empty {} leaf beside a filled one).
    return _unflatten({path: value for path, value in merged.items() if value is not _MISSING})


def _resolve(conflict: Conflict, choice: str | None) -> Any:
    if choice == "theirs":
        return conflict.theirs
    if choice == "both" and conflict.both_possible:
        return f"{conflict.mine}{_BOTH_SEPARATOR}{conflict.theirs}"
    return conflict.mine  # unresolved conflicts block the import before anything is written


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
    sender, _manifest, parts, digest = _open(db, path)
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
        plan.master_changes = repo.write_master_data(db, plan.master, write=False)
        carried_agencies = {row["code"] for row in plan.master.get("agency", [])}
    plan.templates = _missing_templates(db, path, json.loads(parts["templates.json"]))
    missing: set[str] = set()
    for theirs in json.loads(parts["audits.json"]):
        plan.received.append(theirs)
        if repo.agency_id(db, theirs["agency_code"]) is None and theirs["agency_code"] not in carried_agencies:
            missing.add(f"機関 {theirs['agency_code']}")
        local_id = repo.audit_id_by_uuid(db, theirs["uuid"])
        if local_id is None:
            plan.new.append(_label(theirs))
            plan.merged.append(theirs)
            continue
        mine = repo.read_audit_document(db, local_id)
        if mine == theirs:
            plan.identical.append(_label(mine))
            continue
        conflicts_before = len(plan.conflicts)
        merged = _merge(repo.sync_base(db, theirs["uuid"], sender.fingerprint), mine, theirs, choices or {},
                        default, plan.conflicts)
        if merged != mine or len(plan.conflicts) > conflicts_before:
            plan.updated.append(_label(mine))
            plan.merged.append(merged)
    if missing:
        raise InputError(f"{path.name}: この端末にないマスタデータを参照しています: {'、'.join(sorted(missing))}。"
                         "本庁からマスタデータを受け取ってから取り込んでください。")
    return plan


def unresolved(plan: ImportPlan, choices: dict[str, str], default: str | None) -> list[Conflict]:
    """Conflicts that no choice settles (a "both" for a non-text field settles nothing)."""
    return [c for c in plan.conflicts
            if (choice := choices.get(c.path, default)) is None or (choice == "both" and not c.both_possible)]


def import_package(db: Database, path: Path, choices: dict[str, str] | None = None,
                   default: str | None = None) -> ImportPlan:
    """Merge the package's audits in one transaction with one trail entry, or refuse with nothing changed."""
    choices = choices or {}
    plan = plan_import(db, path, choices, default)
    open_conflicts = unresolved(plan, choices, default)
    if open_conflicts:
        raise JukiAuditError(f"{path.name}: 競合が {len(open_conflicts)} 件あり、解決方法が選ばれていません"
                             "(--dry-run で確認し、--resolve mine|theirs|both で選んでください)。何も変更していません。")
    with db.transaction():
        if plan.master is not None:
            repo.write_master_data(db, plan.master, write=True)
        for template in plan.templates:
            if repo.template_id(db, template.name, template.version) is None:  # unless the master data had it
                audits_repo.insert_template(db, template, _now())
        for document in plan.merged:
            repo.write_audit_document(db, document, plan.evidence)
        at = _now()
        for theirs in plan.received:
            repo.set_sync_base(db, theirs["uuid"], plan.sender_fingerprint, theirs, at)
        repo.record_package_received(db, plan.sha256, plan.sender_fingerprint, at)
        trail.record(db, "package.import", sha256=plan.sha256, sender=plan.sender,
                     sender_fingerprint=plan.sender_fingerprint, new=len(plan.new), updated=len(plan.updated),
                     identical=len(plan.identical), conflicts=len(plan.conflicts),
                     templates=[f"{t.name} 第{t.version}版" for t in plan.templates],
                     master={table: counts for table, counts in plan.master_changes.items() if any(counts)})
    return plan
