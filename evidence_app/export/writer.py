"""The police export: an encrypted, signed BagIt bundle anyone can check with standard tools.

A bundle is one folder holding four files::

    EV-...-export-<time>/
        EV-....evidence.age   tar of a BagIt 1.0 bag, age-encrypted to a fresh X25519 identity
        EV-....key.age        that identity, age-encrypted with the officer's passphrase (scrypt)
        EV-....sha256         the SHA-256 of the .evidence.age file, for ``sha256sum -c``
        README.txt            the exact commands to decrypt and check it

The bag is streamed: captures are read from the vault one at a time, written
into the tar, encrypted in 64 KiB chunks and hashed on the way, so memory
stays flat. The folder is built under a hidden name and renamed into place
only when whole; a cancel or an error removes it, so no partial bundle is
ever left that looks complete. A whole bundle the journal fails to record
(an error on the EXPORTED record, or on syncing its folder) is removed too.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from evidence_app.errors import EvidenceError, InvalidInput
from evidence_app.export import age
from evidence_app.export.bag import BagTarWriter
from evidence_app.export.custody import Recipient, custody_entries, custody_text
from evidence_app.export.destination import refuse_unfit
from evidence_app.export.items import add_items, exported_items
from evidence_app.export.kept import add_kept, exported_kept, kept_bytes
from evidence_app.export.timestamping import TIMESTAMP_DECLARED, request_token
from evidence_app.export.web_archive import add_web_archive
from evidence_app.form.render import render_form
from evidence_app.policy.passphrase_words import generate_passphrase
from evidence_app.vault.durable import fsync_dir, rename, storage_error
from evidence_app.vault.events import Event, Kind
from evidence_app.vault.timestamps import parse_utc, utc_now
from evidence_app.web.provenance import provenance_lines

if TYPE_CHECKING:
    from evidence_app.case.open_case import Case

README_TEMPLATE = "README.txt.template"
TIMESTAMP_TEMPLATE = "README-timestamp.txt.template"
TIMESTAMP_FILE = "tagmanifest-sha256.txt.tsr"


class ExportCancelled(EvidenceError):
    """The export was cancelled; nothing was left behind."""


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    evidence_file: Path
    key_file: Path
    sha256_file: Path
    readme: Path
    evidence_sha256: str
    passphrase: str
    files: int
    payload_bytes: int
    quarantined_included: bool
    journal_head: str = ""       # the bundle's journal head, record count and key: what the form prints
    journal_records: int = 0
    key_fingerprint: str = ""


class _HashingWriter:
    """Writes through to a file, hashing what passes, on a thread of its own.

    SHA-256 and the file write release the GIL, so they run beside the
    encryption; a bounded queue keeps at most a few chunks in flight.
    """

    def __init__(self, target: BinaryIO) -> None:
        self._target = target
        self.sha256 = hashlib.sha256()
        self.size = 0
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=16)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._drain, name="export-write", daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._failure is None:
                try:
                    self._target.write(data)
                    self.sha256.update(data)
                except BaseException as exc:  # handed back to the writer on the next write or close
                    self._failure = exc

    def write(self, data: bytes) -> int:
        if self._failure is not None:
            raise self._failure
        self._queue.put(bytes(data))
        self.size += len(data)
        return len(data)

    def close(self) -> None:
        """Wait until everything queued is written; raise what the writing thread met."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._failure is not None:
            raise self._failure

    def __enter__(self) -> _HashingWriter:
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._thread.is_alive():  # on an error or a cancel: stop the thread, keep the first error
            self._queue.put(None)
            self._thread.join()


def _json_bytes(value: Any) -> bytes:
    return (json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _summary(case: Case, events: list[Event], recipient: Recipient | None, exported_at: str,
             withheld: list[dict[str, Any]]) -> str:
    details = case.details
    first, second = details.investigators
    counts = {kind: sum(1 for e in events if e.kind == kind) for kind in (Kind.VISIT, Kind.CAPTURE, Kind.SNAPSHOT,
                                                                          Kind.ITEM, Kind.DEVICE)}
    conclusion = case.conclusion
    lines = [
        f"Case {case.id}", "",
        f"Status:               {case.status}",
        f"Created (UTC):        {details.created}",
        f"Exported (UTC):       {exported_at}",
        f"Exported to:          {recipient.describe() if recipient else 'not recorded'}",
        f"Group:                {details.group}",
        f"Reason:               {details.reason}",
        f"Under review:         {details.subject}",
        f"First investigator:   {first.name}, {first.position}",
        f"Second investigator:  {second.name}, {second.position}",
        f"Computer used:        {details.computer_name}, {details.computer_location}",
        f"Sites visited:        {counts[Kind.VISIT]}",
        f"Captures:             {counts[Kind.CAPTURE]} ({len(withheld)} withheld: flagged content)",
        f"Page snapshots:       {counts[Kind.SNAPSHOT]}",
        f"Pages kept whole:     {len({e.data['id'] for e in events if e.kind == Kind.KEPT})} "
        "(web archive, PDF and picture each)",
        f"Files brought in:     {counts[Kind.ITEM]} ({sum(1 for i in case.items() if i.quarantined)} flagged), "
        f"from {counts[Kind.DEVICE]} device(s) reviewed and elsewhere",
        f"Pages' responses:     {sum(1 for e in events if e.kind == Kind.RESPONSES)} records "
        "(server, headers, certificates, hashes; text bodies only; also as web-archive/responses.wacz)",
        f"Journal records:      {len(events)}",
        f"Journal head SHA-256: {events[-1].hash}",
        f"Case key fingerprint: {case.signing_key.fingerprint}",
    ]
    provenance = [e for e in events if e.kind == Kind.PROVENANCE]
    if provenance:
        lines += [f"Browser sessions:     {len(provenance)} (details of each in provenance/provenance.jsonl); "
                  "the last:", *provenance_lines(provenance[-1].data)]
    if conclusion is not None:
        lines += [f"Conclusion:           substance {conclusion.substance}; subject {conclusion.subject}; "
                  f"actions {', '.join(conclusion.actions) or 'none'}", f"                      {conclusion.action_text}"]
    return "\n".join(lines) + "\n"


def _readme(case_id: str, folder_name: str, key_fingerprint: str, recipient: Recipient | None, *,
            stamped: bool) -> str:
    from resources import resource_path

    template = resource_path("export", README_TEMPLATE).read_text(encoding="utf-8")
    stamp = resource_path("export", TIMESTAMP_TEMPLATE).read_text(encoding="utf-8") if stamped else ""
    return template.format(case=case_id, folder=folder_name, fingerprint=key_fingerprint,
                           recipient=recipient.describe() if recipient else "the receiving officer",
                           timestamp_step=stamp.format(case=case_id))


def export_case(case: Case, dest_dir: Path | str, *, passphrase: str | None = None,
                recipient: Recipient | None = None, include_quarantined: bool = False,
                progress: Callable[[int, int], None] | None = None,
                cancel: Callable[[], bool] | None = None,
                key_cost: int = age.EXPORT_SCRYPT_LOG_N, form: bytes | None = None,
                tsa_url: str | None = None) -> ExportResult:
    """Write the police bundle for ``case`` into a new folder under ``dest_dir``.

    ``form`` is the incident form's PDF if the caller already rendered it (the
    window's preview); otherwise it is rendered here. Either way it is kept in
    the vault and journaled before the bundle is written.
    """
    dest = Path(dest_dir)
    if not dest.is_dir():
        raise InvalidInput(f"The export folder {dest} does not exist.")
    if passphrase is not None and len(passphrase) < 12:
        raise InvalidInput("The passphrase for the officer must be at least 12 characters; "
                           "leave it empty to have one made of six words.")
    if recipient is not None:
        for value, what in ((recipient.name, "officer's name"), (recipient.force, "force"),
                            (recipient.reference, "reference number")):
            if not value.strip() or len(value) > 500:
                raise InvalidInput(f"Please give the {what} (up to 500 characters).")
    secret = passphrase or generate_passphrase()
    # Before anything is written (the form into the vault included): room, largest file, writable.
    refuse_unfit(case, dest)

    if form is None:
        latest = next(reversed(list(case.events())), None)
        # Nothing has happened since the last form was kept (an export tried again after a failure):
        # use it rather than keep one more form in the vault at every attempt.
        form = case.read_blob_of(latest) if latest is not None and latest.kind == Kind.FORM else render_form(case)
    case.add_form(form)
    events = list(case.events())
    exported_at = utc_now()
    stamp = exported_at.replace("-", "").replace(":", "")[:15] + "Z"
    folder_name = f"{case.id}-export-{stamp}"
    final = dest / folder_name
    partial = dest / f".{folder_name}.partial"
    if final.exists():
        raise InvalidInput(f"{final} already exists.")

    captures = {c.id: c for c in case.captures()}
    capture_events = [e for e in events if e.kind == Kind.CAPTURE]
    withheld = [{"id": c.id, "url": c.url, "captured_at": c.captured_at, "sha256": c.sha256}
                for c in captures.values() if c.quarantined]
    included = [e for e in capture_events if include_quarantined or not captures[e.data["id"]].quarantined]
    snapshots = [e for e in events if e.kind == Kind.SNAPSHOT]
    items, items_withheld = exported_items(case, include_quarantined)
    responses = [e for e in events if e.kind == Kind.RESPONSES]
    kept, kept_withheld = exported_kept(case, events, include_quarantined)
    total = kept_bytes(kept) + (sum(e.data["size"] for e in included) + sum(e.data["size"] for e in snapshots)
             + sum(i.size for i in items) + sum(e.data["size"] for e in responses)
             + len(form) + sum(len(e.line) + 1 for e in events))
    done = 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if cancel is not None and cancel():
            raise ExportCancelled("The export was cancelled. Nothing was written.")
        if progress is not None:
            progress(min(done, total), total)

    identity = age.Identity.generate()
    identity_text = (f"# age identity for {case.id}, export of {exported_at}\n"
                     f"# public key: {identity.recipient_text()}\n{identity.to_text()}\n")
    # scrypt first: its 128 MiB are freed before the evidence streams, so the two never add up.
    key_file = age.encrypt_bytes(identity_text.encode("ascii"), passphrase=secret, scrypt_log_n=key_cost)
    key = case.signing_key
    try:
        partial.mkdir(mode=0o700)
    except OSError as exc:
        raise storage_error(exc, "the export folder") from exc
    try:
        evidence_path = partial / f"{case.id}.evidence.age"
        with evidence_path.open("xb") as raw, _HashingWriter(raw) as hashed, \
                age.Encryptor(hashed, recipient=identity.recipient) as encryptor:  # type: ignore[arg-type]
            bag = BagTarWriter(encryptor, case.id, parse_utc(exported_at).timestamp(), on_bytes=advance)  # type: ignore[arg-type]
            bag.add_payload("summary.txt", _summary(case, events, recipient, exported_at, withheld).encode("utf-8"))
            bag.add_payload("form/incident-form.pdf", form)
            for event, data in _prefetched(case, included):
                capture = captures[event.data["id"]]
                bag.add_payload(f"captures/{capture.id}.png", data, sha256=capture.sha256)
                bag.add_payload(f"captures/{capture.id}.json", _json_bytes({
                    "id": capture.id, "kind": capture.kind, "url": capture.url,
                    "captured_at_utc": capture.captured_at, "sha256": capture.sha256, "size": capture.size,
                    "note": capture.note, "concern": capture.concern, "taken_by": list(capture.by),
                    "quarantined": capture.quarantined, "journal_record": event.seq}
                    | ({"incomplete": capture.incomplete} if capture.incomplete else {})))
            if withheld:
                bag.add_payload("captures/withheld.json", _json_bytes({
                    "explanation": "Captures of content flagged as suspected child sexual abuse imagery. "
                                   + ("They are included because the police asked for them."
                                      if include_quarantined else "They are withheld from this export; "
                                      "the police may ask for them."), "captures": withheld}))
            for event, data in _prefetched(case, snapshots):
                bag.add_payload(f"snapshots/{event.data['id']}.html", data, sha256=event.data["sha256"])
                bag.add_payload(f"snapshots/{event.data['id']}.json", _json_bytes({
                    key_: event.data[key_] for key_ in ("id", "url", "title", "sha256", "size")}
                    | {"journal_record": event.seq, "recorded_at_utc": event.time}))
            add_items(case, bag, items, items_withheld)
            add_kept(case, bag, _prefetched(case, kept), kept_withheld)
            for event, data in _prefetched(case, responses):
                bag.add_payload(f"responses/{event.data['id']}.json", data, sha256=event.data["sha256"])
            if responses:  # the same records as a WACZ, for the Webrecorder tools
                add_web_archive(bag, events, lambda chosen: _prefetched(case, chosen), case_id=case.id,
                                created=exported_at)
            provenance = [e for e in events if e.kind == Kind.PROVENANCE]
            if provenance:
                bag.add_payload("provenance/provenance.jsonl", b"".join(json.dumps(
                    dict(e.data) | {"journal_record": e.seq, "recorded_at_utc": e.time},
                    ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n" for e in provenance))
            bag.add_payload("journal/journal.jsonl", b"".join(e.line + b"\n" for e in events))
            custody = custody_entries(events) + [{
                "time": exported_at, "event": "case exported (this bundle)", "by": list(events[-1].by),
                "to": recipient.to_json() if recipient else None}]
            bag.add_payload("custody/custody.jsonl", b"".join(
                json.dumps(entry, ensure_ascii=False, sort_keys=True).encode("utf-8") + b"\n" for entry in custody))
            bag.add_payload("custody/custody.txt", custody_text(custody).encode("utf-8"))
            tag_manifest = bag.finish({
                "Source-Organization": "Evidence App",
                "External-Identifier": case.id,
                "Bagging-Date": exported_at[:10],
                "Exported-At-UTC": exported_at,
                "Journal-Head-SHA256": events[-1].hash,
                "Journal-Records": str(len(events)),
                "Case-Key-Fingerprint": key.fingerprint,
                "Exported-To": recipient.describe() if recipient else "not recorded",
                "Quarantined-Captures-Included": "yes" if include_quarantined else "no",
                "Internal-Sender-Description": "Evidence of an investigation of suspected online misuse, "
                                               "made by a school's two-person review.",
            } | ({TIMESTAMP_DECLARED: TIMESTAMP_FILE} if tsa_url else {}))  # a token dropped later is then named
            bag.add_untracked("tagmanifest-sha256.txt.sig", key.sign(tag_manifest))
            if tsa_url:
                bag.add_untracked(TIMESTAMP_FILE, request_token(tsa_url, tag_manifest))
            bag.add_untracked("case-signing-key.pem", key.public_pem())
            bag.close()
            encryptor.close()
            hashed.close()
            raw.flush()
            os.fsync(raw.fileno())
        evidence_sha256 = hashed.sha256.hexdigest()
        key_path = partial / f"{case.id}.key.age"
        _write_synced(key_path, key_file)
        sha_path = partial / f"{case.id}.sha256"
        _write_synced(sha_path, f"{evidence_sha256}  {evidence_path.name}\n".encode("ascii"))
        readme_path = partial / "README.txt"
        _write_synced(readme_path, _readme(case.id, folder_name, key.fingerprint, recipient,
                                           stamped=bool(tsa_url)).encode("utf-8"))
        fsync_dir(partial)
        rename(partial, final, "the export")
    except OSError as exc:
        shutil.rmtree(partial, ignore_errors=True)
        raise storage_error(exc, "the export") from exc
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    # The bundle is whole and in place: it stands only if the journal records it.
    try:
        fsync_dir(dest)
        case.journal_export({"to": recipient.to_json() if recipient else None, "folder": folder_name,
                              "sha256": evidence_sha256, "bytes": hashed.size, "head": events[-1].hash,
                              "records": len(events), "captures": len(included), "items": len(items),
                              "quarantined_included": include_quarantined})
    except BaseException as exc:
        if not _journaled(case, evidence_sha256):
            _withdraw(final, dest)
        if isinstance(exc, OSError):
            raise storage_error(exc, "the export") from exc
        raise
    return ExportResult(folder=final, evidence_file=final / evidence_path.name, key_file=final / key_path.name,
                        sha256_file=final / sha_path.name, readme=final / readme_path.name,
                        evidence_sha256=evidence_sha256, passphrase=secret, files=len(included) + len(items),
                        payload_bytes=total, quarantined_included=include_quarantined,
                        journal_head=events[-1].hash, journal_records=len(events),
                        key_fingerprint=key.fingerprint)


def _journaled(case: Case, evidence_sha256: str) -> bool:
    """Whether the case's journal holds the EXPORTED record of this bundle (after an error, perhaps it does)."""
    try:
        return any(e.kind == Kind.EXPORTED and e.data.get("sha256") == evidence_sha256 for e in case.events())
    except Exception:  # noqa: BLE001 - a case that cannot be read now has not journaled it, as far as we know
        return False


def _withdraw(final: Path, dest: Path) -> None:
    """Remove a whole bundle the journal does not record, so a failed export leaves nothing that looks complete."""
    hidden = final.with_name(f".{final.name}.failed")
    try:
        os.replace(final, hidden)  # one step: it no longer looks like a bundle, even if removing stops half-way
    except OSError:
        hidden = final
    shutil.rmtree(hidden, ignore_errors=True)
    try:
        fsync_dir(dest)
    except OSError:
        pass


def _prefetched(case: Case, events: list[Event]) -> Iterator[tuple[Event, bytes]]:
    """Each event's blob (decrypted, hash checked), the next one read on a second thread meanwhile.

    Decryption and hashing release the GIL, so reading the next file overlaps
    encrypting this one; at most two files are in memory at once.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="export-read") as reader:
        upcoming = reader.submit(case.read_for_export, events[0]) if events else None
        for index, event in enumerate(events):
            assert upcoming is not None
            data = upcoming.result()
            upcoming = reader.submit(case.read_for_export, events[index + 1]) if index + 1 < len(events) else None
            yield event, data


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
