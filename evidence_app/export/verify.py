"""Checking a police bundle, the way an officer's tools would, without writing plaintext to disk.

One streaming pass: the encrypted file is hashed (against ``CASE.sha256``)
while it is decrypted, and the tar inside is read member by member, each
hashed as it passes. Then every check is made: the BagIt manifests both ways,
Payload-Oxum, the Ed25519 signature over the tag manifest, the journal's hash
chain and head, and that each capture and the form match the hashes the
journal recorded. Nothing decrypted touches the disk; memory stays flat.

Outcomes: a :class:`BundleReport` (``ok`` when intact, else each problem with
the file it concerns), or :class:`BundleUnreadable` when the bundle cannot
be read at all (files missing, wrong passphrase).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import re
import tarfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    PublicFormat,
    load_pem_public_key,
)

from evidence_app.case.trusted_time import check_stamp_data
from evidence_app.errors import EvidenceError
from evidence_app.export import age
from evidence_app.export.items import ITEM_FILE
from evidence_app.export.kept import KEPT_FILE
from evidence_app.export.tar_names import (
    folded,
    member_problem,
    name_problem,
    strict_headers,
)
from evidence_app.export.timestamping import (
    TIMESTAMP_DECLARED,
    TimestampError,
    check_exported_token,
    trust_roots,
)
from evidence_app.vault.events import GENESIS
from evidence_app.vault.signing import fingerprint_of, verify_signature

TIMESTAMP_FILE = "tagmanifest-sha256.txt.tsr"

SMALL_FILE = 4 * 1024 * 1024
CLOCK_SKEW = dt.timedelta(minutes=10)       # between the school's clock and the authority's
EXPORT_TIME_ALLOWED = dt.timedelta(days=1)  # from the export's start to its time stamp, at most
MAX_FORM = 96 * 1024 * 1024  # the form is kept in memory to check its PAdES signature (its pictures: 64 MiB at most)
JOURNAL = "data/journal/journal.jsonl"
FORM = "data/form/incident-form.pdf"
TAG_FILES = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
# The files in the bag's root that no manifest lists, named exactly: the signature over the tag
# manifest, the key that makes it, the time stamp. Anything else unlisted is a failure.
UNLISTED = ("tagmanifest-sha256.txt", "tagmanifest-sha256.txt.sig", "case-signing-key.pem", TIMESTAMP_FILE)
_MANIFEST_LINE = re.compile(r"^([0-9a-f]{64})  (.+)$")
RESPONSES_FILE = re.compile(r"^data/responses/(R[0-9]{4,})\.json$")


class BundleUnreadable(EvidenceError):
    """The bundle cannot be read at all: files missing, or the passphrase does not open it."""


@dataclass(frozen=True)
class BundleProblem:
    file: str
    detail: str

    def __str__(self) -> str:
        return f"{self.file}: {self.detail}"


@dataclass(frozen=True)
class BundleReport:
    folder: Path
    case_id: str
    problems: tuple[BundleProblem, ...]
    files_checked: int = 0
    payload_bytes: int = 0
    journal_records: int = 0
    journal_head: str = ""
    key_fingerprint: str = ""
    evidence_sha256: str = ""
    checks: tuple[str, ...] = field(default=())
    last_event_time: str = ""
    expectations: tuple[bool, bool] = (False, False)  # --expect-fingerprint, --expect-head given
    items: tuple[str, ...] = ()  # each file brought in: in the bag (checked against the journal) or withheld

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        lines = [f"Bundle {self.folder}", f"Case {self.case_id}", "",
                 "Compare these with the printed form:",
                 f"  case key fingerprint:  {self.key_fingerprint or '?'}",
                 f"  journal head:          {self.journal_head or '?'}",
                 f"  journal records:       {self.journal_records}",
                 f"  last event (UTC):      {self.last_event_time or '?'}",
                 f"  encrypted file SHA-256: {self.evidence_sha256 or '?'} (the form lists each export's)", ""]
        lines += [f"  checked: {check}" for check in self.checks]
        lines += [f"  files in the bag: {self.files_checked} ({self.payload_bytes:,} bytes of evidence)"]
        if self.items:
            lines += ["  files brought in (the form's devices and files):"] + [f"    {line}" for line in self.items]
        lines.append("")
        if not self.ok:
            lines.append(f"NOT INTACT: {len(self.problems)} problem(s):")
            lines += [f"  - {problem}" for problem in self.problems]
        elif all(self.expectations):
            lines.append("INTACT: every check passed, and the key fingerprint and journal head are the ones you gave.")
        else:
            lines.append("INTACT: every check passed. Compare the key fingerprint, journal head and record count "
                         "above with the printed form (or give them with --expect-fingerprint and --expect-head): "
                         "a bundle re-made with another key, or an older export, also passes every other check.")
        return "\n".join(lines) + "\n"


class _HashingReader:
    def __init__(self, source: BinaryIO, on_bytes: Callable[[int], None]) -> None:
        self._source = source
        self.sha256 = hashlib.sha256()
        self._on_bytes = on_bytes

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self.sha256.update(data)
        self._on_bytes(len(data))
        return data

    def readline(self, limit: int = -1) -> bytes:
        data = self._source.readline(limit)
        self.sha256.update(data)
        self._on_bytes(len(data))
        return data


class _ChunkStream:
    """A read-only file over an iterator of byte chunks (the decrypted age stream), for tarfile."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()
        self._ended = False

    def read(self, size: int = -1) -> bytes:
        while not self._ended and (size < 0 or len(self._buffer) < size):
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                self._ended = True
        if size < 0:
            size = len(self._buffer)
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data

    def drain(self) -> int:
        """Read to the end (checking the age stream's last chunk); return how many non-zero bytes were left.

        Zero bytes after the end-of-archive marker are the tar record's padding: the
        marker's second block may start a new 10 KiB record, which a streaming reader
        stops short of, so they are expected; anything else is not.
        """
        left = len(self._buffer) - self._buffer.count(0)
        self._buffer = bytearray()
        for chunk in self._chunks:
            left += len(chunk) - chunk.count(0)
        self._ended = True
        return left


class _JournalChecker:
    """Checks the chain of journal.jsonl line by line as it streams past."""

    def __init__(self) -> None:
        self.records = 0
        self.head = GENESIS
        self.problem = ""
        self.capture_hashes: dict[str, str] = {}
        self.item_hashes: dict[str, str] = {}
        self.kept_hashes: dict[tuple[str, str], str] = {}
        self.item_names: dict[str, str] = {}
        self.response_hashes: dict[str, str] = {}  # each page's recorded responses (R0001: the blob's SHA-256)
        self.form_hashes: list[str] = []
        self.public_key = ""
        self.certificate = ""
        self.first_time = ""
        self.last_time = ""
        self.kinds: list[str] = []
        self.times: list[str] = []
        self.stamps: list[tuple[int, str, dict[str, Any]]] = []  # (seq, time, data) of each trusted time stamp
        self._hashes: dict[str, int] = {}
        self._by_position: list[str] = []
        self._partial = b""

    def feed(self, data: bytes) -> None:
        self._partial += data
        *lines, self._partial = self._partial.split(b"\n")
        for line in lines:
            self._line(line)

    def _line(self, line: bytes) -> None:
        if self.problem:
            return
        try:
            record = json.loads(line)
        except ValueError:
            self.problem = f"line {self.records + 1} is not JSON"
            return
        if not isinstance(record, dict) or not isinstance(record.get("data", {}), dict):
            self.problem = f"line {self.records + 1} is not a journal record"
            return
        if record.get("seq") != self.records or record.get("prev") != self.head:
            self.problem = f"record {self.records} does not follow on from the record before it"
            return
        data = record.get("data", {})
        if record.get("kind") == "capture":
            self.capture_hashes[data.get("id", "")] = data.get("sha256", "")
        elif record.get("kind") == "kept":
            self.kept_hashes[(str(data.get("id", "")), str(data.get("format", "")))] = str(data.get("sha256", ""))
        elif record.get("kind") == "item":
            self.item_hashes[str(data.get("id", ""))] = str(data.get("sha256", ""))
            self.item_names[str(data.get("id", ""))] = str(data.get("name", ""))
        elif record.get("kind") == "form":
            self.form_hashes.append(data.get("sha256", ""))
        elif record.get("kind") == "responses":
            self.response_hashes[str(data.get("id", ""))] = str(data.get("sha256", ""))
        elif record.get("kind") == "timestamped":
            self.stamps.append((self.records, str(record.get("time", "")), data))
        elif record.get("kind") == "key" and not self.public_key:
            self.public_key = data.get("public_key", "")
            self.certificate = data.get("certificate", "")
        self.head = hashlib.sha256(line).hexdigest()
        self._hashes.setdefault(self.head, self.records)
        self._by_position.append(self.head)
        self.times.append(str(record.get("time", "")))
        self.first_time = self.first_time or str(record.get("time", ""))
        self.last_time = str(record.get("time", ""))
        self.kinds.append(str(record.get("kind", "?")))
        self.records += 1

    def record(self, seq: object) -> tuple[str, str] | None:
        """The (hash, time) of record ``seq``, if there is one."""
        if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq < len(self._by_position):
            return self._by_position[seq], self.times[seq]
        return None

    def position(self, head: str) -> int | None:
        """Which record (0-based) has the hash ``head``, if any does."""
        return self._hashes.get(head)

    def close(self) -> None:
        if self._partial and not self.problem:
            self.problem = "the last line is not finished"


def _parse_manifest(text: bytes, name: str, problems: list[BundleProblem]) -> dict[str, str]:
    entries: dict[str, str] = {}
    for number, line in enumerate(text.decode("utf-8", "replace").splitlines(), start=1):
        match = _MANIFEST_LINE.match(line)
        if not match:
            problems.append(BundleProblem(name, f"line {number} is not a manifest line"))
            continue
        path = match.group(2)
        wrong = name_problem(f"bag/{path}", "bag")
        if wrong:
            problems.append(BundleProblem(name, f"line {number} lists {path!r}: {wrong}"))
        elif path in entries:
            problems.append(BundleProblem(name, f"line {number} lists {path} a second time"))
        entries[path] = match.group(1)
    return entries


def _bundle_files(folder: Path) -> tuple[str, Path, Path, Path]:
    if not folder.is_dir():
        raise BundleUnreadable(f"{folder} is not a folder. Give the bundle's folder (the one with README.txt).")
    evidence = sorted(folder.glob("*.evidence.age"))
    if len(evidence) != 1:
        raise BundleUnreadable(f"{folder} should hold exactly one .evidence.age file; it holds {len(evidence)}.")
    case_id = evidence[0].name[: -len(".evidence.age")]
    key_file, sha_file = folder / f"{case_id}.key.age", folder / f"{case_id}.sha256"
    for needed in (key_file, sha_file):
        if not needed.is_file():
            raise BundleUnreadable(f"The bundle is incomplete: {needed.name} is missing.")
    return case_id, evidence[0], key_file, sha_file


def _normal_hex(text: str) -> str:
    return "".join(text.split()).replace(":", "").lower()


def verify_bundle(path: Path | str, passphrase: str, *,
                  progress: Callable[[int, int], None] | None = None,
                  expect_fingerprint: str | None = None, expect_head: str | None = None,
                  trust_roots: Path | str | None = None) -> BundleReport:
    """Check a police bundle end to end; see the module's docstring.

    ``expect_fingerprint`` and ``expect_head`` are what the printed form shows;
    given, a bundle signed by another key, or whose journal does not hold that
    head, is not intact.
    """
    folder = Path(path)
    trust_roots_file = trust_roots
    case_id, evidence, key_file, sha_file = _bundle_files(folder)
    problems: list[BundleProblem] = []
    checks: list[str] = []
    try:
        size = key_file.stat().st_size
        if size > age.MAX_KEY_FILE:
            raise BundleUnreadable(f"{key_file.name} is {size:,} bytes; a key file is a few hundred. "
                                   "It is not the key file of an export.")
        identity = age.Identity.parse(age.decrypt_bytes(key_file.read_bytes(), passphrase=passphrase)
                                      .decode("ascii", "replace"))
    except age.AgeError as exc:
        if "passphrase is wrong" in str(exc):
            raise BundleUnreadable(f"The passphrase does not open {key_file.name}. Check it with the person "
                                   "who sent the bundle.") from None
        raise BundleUnreadable(f"{key_file.name} cannot be read: {exc}") from None
    except OSError as exc:
        raise BundleUnreadable(f"{key_file.name} cannot be read: {exc.strerror}") from None
    checks.append(f"{key_file.name} opens with the passphrase")

    expected_sha = sha_file.read_text(encoding="ascii", errors="replace").split()
    total = evidence.stat().st_size
    seen = 0

    def advance(count: int) -> None:
        nonlocal seen
        seen += count
        if progress is not None:
            progress(min(seen, total), total)

    digests: dict[str, str] = {}
    small: dict[str, bytes] = {}
    folded_names: dict[str, str] = {}
    header_problems: list[str] = []
    payload_bytes = 0
    journal = _JournalChecker()
    with evidence.open("rb") as raw:
        reader = _HashingReader(raw, advance)
        chunks = age.decrypt_chunks(reader, identity=identity)  # type: ignore[arg-type]
        try:
            stream = _ChunkStream(chunks)
            with tarfile.open(fileobj=stream, mode="r|",  # type: ignore[call-overload]
                              tarinfo=strict_headers(header_problems, total)) as tar:
                for member in tar:
                    name = member.name
                    if member.size > total:  # a pax size no file of this size holds: stop before tarfile spins
                        problems.append(BundleProblem(name, f"its tar header gives a size ({member.size:,} bytes) "
                                                      "larger than the whole bundle"))
                        break
                    wrong = name_problem(name, case_id) or member_problem(member)
                    if wrong:
                        problems.append(BundleProblem(name, wrong))
                        continue
                    relative = name[len(case_id) + 1:]
                    twin = folded_names.get(folded(relative))
                    if twin is not None:
                        problems.append(BundleProblem(relative, "appears twice in the archive" if twin == relative
                                                      else f"is the same file as {twin} on Windows or macOS"))
                        continue
                    folded_names[folded(relative)] = relative
                    handle = tar.extractfile(member)
                    assert handle is not None
                    digest = hashlib.sha256()
                    keep = (relative.count("/") == 0 and member.size <= SMALL_FILE) or \
                        (relative == FORM and member.size <= MAX_FORM)
                    kept = bytearray()
                    while chunk := handle.read(1024 * 1024):
                        digest.update(chunk)
                        if keep:
                            kept += chunk
                        if relative == JOURNAL:
                            journal.feed(chunk)
                    digests[relative] = digest.hexdigest()
                    if keep:
                        small[relative] = bytes(kept)
                    if relative.startswith("data/"):
                        payload_bytes += member.size
                if tar.pax_headers:
                    problems.append(BundleProblem(evidence.name, "the archive has a global header, "
                                                  "which an export never writes"))
            if stream.drain():
                problems.append(BundleProblem(evidence.name, "there is data after the end of the archive"))
        except age.AgeError as exc:
            if "No key" in str(exc):
                problems.append(BundleProblem(key_file.name, "this key does not open the evidence file: "
                                              "it belongs to another export"))
            else:
                problems.append(BundleProblem(evidence.name, str(exc)))
        except (tarfile.TarError, ValueError, EOFError, OverflowError, IndexError, KeyError) as exc:
            # tarfile raises more than TarError on hostile headers (a pax sparse map: ValueError)
            problems.append(BundleProblem(evidence.name, f"the archive inside is damaged ({exc})"))
        finally:
            chunks.close()  # stops rage's thread if the archive ended in an error; it reads the file no more
        # Hash whatever was not read (after an error), so the file's hash is still checked.
        while chunk := reader.read(1024 * 1024):
            pass
    for text in header_problems:
        where, _, detail = text.partition(": ")
        problems.append(BundleProblem(where, detail))
    evidence_sha = reader.sha256.hexdigest()
    if len(expected_sha) < 2 or expected_sha[0] != evidence_sha or expected_sha[1] != evidence.name:
        problems.append(BundleProblem(evidence.name, f"its SHA-256 does not match {sha_file.name}"))
    else:
        checks.append(f"{evidence.name} matches {sha_file.name}")
    journal.close()
    summary = dict(folder=folder, case_id=case_id, files_checked=len(digests), payload_bytes=payload_bytes,
                   journal_records=journal.records, journal_head=journal.head if journal.records else "",
                   last_event_time=journal.last_time, evidence_sha256=evidence_sha)
    if problems:
        return BundleReport(problems=tuple(problems), checks=tuple(checks), **summary)  # type: ignore[arg-type]

    checks += _check_bag(digests, small, problems)
    fingerprint = _check_signature(small, journal, problems, checks)
    _check_timestamp(small, journal, trust_roots_file, problems, checks)
    _check_trusted_times(journal, trust_roots_file, problems, checks)
    _check_journal(journal, digests, small, problems, checks)
    if expect_fingerprint is not None:
        if _normal_hex(expect_fingerprint) != _normal_hex(fingerprint):
            problems.append(BundleProblem("case-signing-key.pem", "the bundle is signed by another key than the "
                                          f"one you gave: its fingerprint is {fingerprint or 'unknown'}"))
        else:
            checks.append("the case key's fingerprint is the one you gave")
    if expect_head is not None:
        position = journal.position(_normal_hex(expect_head))
        if position is None:
            problems.append(BundleProblem(JOURNAL, "the journal does not hold the head you gave: it is another "
                                          "case, or an older export of this one"))
        else:
            later = journal.records - 1 - position
            checks.append(f"the head you gave is record {position} of the journal"
                          + (f"; {later} later record(s) follow it ({', '.join(journal.kinds[position + 1:])})"
                             if later else ", its last"))
    return BundleReport(problems=tuple(problems), checks=tuple(checks), key_fingerprint=fingerprint,
                        expectations=(expect_fingerprint is not None, expect_head is not None),
                        items=_item_lines(journal, digests),
                        **summary)  # type: ignore[arg-type]


def _item_lines(journal: _JournalChecker, digests: dict[str, str]) -> tuple[str, ...]:
    """Each file the journal says was brought in: where it is in the bag and its SHA-256, or withheld."""
    in_bag = {found.group(1): path for path in digests if (found := ITEM_FILE.match(path)) is not None}
    lines = []
    for item_id, sha256 in journal.item_hashes.items():
        name = journal.item_names.get(item_id, "")
        if item_id in in_bag:
            lines.append(f"{item_id} {name}: {in_bag[item_id]}, SHA-256 {sha256}")
        else:
            lines.append(f"{item_id}: withheld from this export (flagged content), SHA-256 {sha256}")
    return tuple(lines)


def _bag_info(small: dict[str, bytes]) -> dict[str, str]:
    info = {}
    for line in small.get("bag-info.txt", b"").decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(": ")
        info[key] = value
    return info


def _check_bag(digests: dict[str, str], small: dict[str, bytes], problems: list[BundleProblem]) -> list[str]:
    for tag in (*TAG_FILES, "tagmanifest-sha256.txt"):
        if tag not in small:
            problems.append(BundleProblem(tag, "missing from the bag"))
    if problems:
        return []
    manifest = _parse_manifest(small["manifest-sha256.txt"], "manifest-sha256.txt", problems)
    tag_manifest = _parse_manifest(small["tagmanifest-sha256.txt"], "tagmanifest-sha256.txt", problems)
    for path in manifest:
        if not path.startswith("data/"):
            problems.append(BundleProblem("manifest-sha256.txt", f"lists {path}, which is not under data/"))
    if sorted(tag_manifest) != sorted(TAG_FILES):
        problems.append(BundleProblem("tagmanifest-sha256.txt", f"should list {', '.join(TAG_FILES)} and no more"))
    for listing, name in ((manifest, "manifest-sha256.txt"), (tag_manifest, "tagmanifest-sha256.txt")):
        for path, digest in listing.items():
            if path not in digests:
                problems.append(BundleProblem(path, f"listed in {name} but missing"))
            elif digests[path] != digest:
                problems.append(BundleProblem(path, f"its content does not match {name}"))
    for path in sorted(digests):
        if path not in manifest and path not in tag_manifest and path not in UNLISTED:
            problems.append(BundleProblem(path, "no manifest lists it (added?)"))
    oxum = _bag_info(small).get("Payload-Oxum", "")
    payload = [p for p in digests if p.startswith("data/")]
    if oxum.split(".")[-1:] != [str(len(payload))]:
        problems.append(BundleProblem("bag-info.txt", f"Payload-Oxum says {oxum!r}, the bag has {len(payload)} files"))
    return ["exactly the files the manifests list, each matching manifest-sha256.txt or tagmanifest-sha256.txt"] \
        if not problems else []


def _check_signature(small: dict[str, bytes], journal: _JournalChecker, problems: list[BundleProblem],
                     checks: list[str]) -> str:
    signature, pem = small.get("tagmanifest-sha256.txt.sig"), small.get("case-signing-key.pem")
    signed = small.get("tagmanifest-sha256.txt")
    if signed is None:
        return ""  # named as missing by the bag's check
    if signature is None or pem is None:
        problems.append(BundleProblem("tagmanifest-sha256.txt.sig", "the signature or the case key is missing"))
        return ""
    try:
        public = load_pem_public_key(pem)
        raw = public.public_bytes_raw()  # type: ignore[union-attr]
        written = public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    except (ValueError, AttributeError, TypeError, UnsupportedAlgorithm):
        problems.append(BundleProblem("case-signing-key.pem", "not an Ed25519 public key"))
        return ""
    if pem != written:  # no manifest lists this file: its bytes must be exactly what the application writes
        problems.append(BundleProblem("case-signing-key.pem", "changed: the key is spelt differently from the "
                                      "file the application wrote (characters added, removed or replaced)"))
    if not verify_signature(raw, signature, signed):
        problems.append(BundleProblem("tagmanifest-sha256.txt.sig", "the case's signature does not verify"))
    else:
        checks.append("the case key's signature over tagmanifest-sha256.txt")
    try:
        recorded = base64.b64decode(journal.public_key, validate=True)
    except ValueError:
        recorded = b""
    if recorded != raw:
        problems.append(BundleProblem("case-signing-key.pem", "not the key the journal recorded for this case"
                                      if recorded else "the journal records no case key"))
    return fingerprint_of(raw)


def _utc(text: str) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def _check_timestamp(small: dict[str, bytes], journal: _JournalChecker, roots: Path | str | None,
                     problems: list[BundleProblem], checks: list[str]) -> None:
    """A time stamp, if the bag has one, must be trusted and fall between the case's start and the export's end."""
    token, declared = small.get(TIMESTAMP_FILE), _bag_info(small).get(TIMESTAMP_DECLARED)
    if declared is not None and declared != TIMESTAMP_FILE:
        problems.append(BundleProblem("bag-info.txt", f"it names {declared!r} as the time stamp's file, which no "
                                      "export writes"))
        return
    if token is None:
        if declared is not None:
            problems.append(BundleProblem(TIMESTAMP_FILE, "missing: bag-info.txt says the export was time-stamped, "
                                          "and the time stamp has been taken out of the bag"))
        return
    if declared is None:
        problems.append(BundleProblem(TIMESTAMP_FILE, "added after the export: bag-info.txt does not say the export "
                                      "was time-stamped"))
        return
    try:
        info = check_exported_token(token, small.get("tagmanifest-sha256.txt", b""), roots=trust_roots(roots))
    except TimestampError as exc:
        problems.append(BundleProblem(TIMESTAMP_FILE, str(exc)))
        return
    exported = _utc(_bag_info(small).get("Exported-At-UTC", ""))
    earliest = exported or _utc(journal.first_time)
    latest = min(exported + EXPORT_TIME_ALLOWED if exported else dt.datetime.max.replace(tzinfo=dt.UTC),
                 dt.datetime.now(dt.UTC) + CLOCK_SKEW)
    if earliest is None or info.when < earliest - CLOCK_SKEW:
        problems.append(BundleProblem(TIMESTAMP_FILE, f"it is dated {info.time}, before the "
                                      f"{'export' if exported else 'case'} began ({earliest or 'unknown'}): "
                                      "it cannot be a time stamp of this export"))
    elif info.when > latest:
        problems.append(BundleProblem(TIMESTAMP_FILE, f"it is dated {info.time}, after the export ended"))
    else:
        checks.append(f"RFC 3161 time stamp over tagmanifest-sha256.txt: {info.time} by {info.authority}, "
                      "which a trusted root vouches for")


def _check_trusted_times(journal: _JournalChecker, roots_file: Path | str | None,
                         problems: list[BundleProblem], checks: list[str]) -> None:
    """Each RFC 3161 token in the journal stamps the head it claims, by an authority a trusted root vouches for."""
    if not journal.stamps or journal.problem:
        return
    try:
        roots = trust_roots(roots_file)
    except TimestampError as exc:
        problems.append(BundleProblem(JOURNAL, str(exc)))
        return
    covered, latest = -1, None
    for seq, time, data in journal.stamps:
        try:
            # whatever a hostile token makes the parsers raise is a TimestampError (vault/rfc3161.py)
            info = check_stamp_data(data, seq, time, target=journal.record(data.get("seq")), roots=roots)
        except TimestampError as exc:
            problems.append(BundleProblem(JOURNAL, f"record {seq} (a trusted time stamp): {exc}"))
            continue
        if int(data["seq"]) > covered:
            covered, latest = int(data["seq"]), info
    if latest is not None:
        checks.append(f"{len(journal.stamps)} RFC 3161 time stamp(s) of the journal head: records 0 to {covered} "
                      f"existed by {latest.time} ({latest.authority}, which a trusted root vouches for)")


def _check_journal(journal: _JournalChecker, digests: dict[str, str], small: dict[str, bytes],
                   problems: list[BundleProblem], checks: list[str]) -> None:
    where = "data/journal/journal.jsonl"
    if where not in digests:
        problems.append(BundleProblem(where, "missing"))
        return
    if journal.problem:
        problems.append(BundleProblem(where, f"the hash chain is broken: {journal.problem}"))
        return
    info: dict[str, Any] = _bag_info(small)
    if info.get("Journal-Head-SHA256") != journal.head:
        problems.append(BundleProblem(where, "its last record is not the head recorded in bag-info.txt"))
    for path, digest in digests.items():
        if path.startswith("data/captures/") and path.endswith(".png"):
            capture_id = path.rsplit("/", 1)[-1][:-4]
            if journal.capture_hashes.get(capture_id) != digest:
                problems.append(BundleProblem(path, "its SHA-256 is not the one the journal recorded when it was taken"))
        elif (page := KEPT_FILE.match(path)) is not None:
            if journal.kept_hashes.get((page.group(1), page.group(2))) != digest:
                problems.append(BundleProblem(path, "its SHA-256 is not the one the journal recorded when the page "
                                                    "was kept"))
        elif (item := ITEM_FILE.match(path)) is not None:
            if journal.item_hashes.get(item.group(1)) != digest:
                problems.append(BundleProblem(path, "its SHA-256 is not the one the journal recorded when it was "
                                                    "brought in"))
        elif (page := RESPONSES_FILE.match(path)) is not None:
            if journal.response_hashes.get(page.group(1)) != digest:
                problems.append(BundleProblem(path, "its SHA-256 is not the one the journal recorded when the "
                                                    "page's responses were recorded"))
    form = digests.get(FORM)
    if form is None:
        problems.append(BundleProblem(FORM, "missing: every export holds the signed form"))
    elif form not in journal.form_hashes:
        problems.append(BundleProblem(FORM, "the journal has no record of this form"))
    if not problems:
        checks.append(f"the journal's hash chain ({journal.records} records) and its head")
        checks.append("each capture, each file brought in and the form against the hashes in the journal")
        if any(RESPONSES_FILE.match(path) for path in digests):
            checks.append("each page's recorded responses against the hash in the journal (the web archive, "
                          "data/web-archive/responses.wacz, is made from them)")
        if journal.kept_hashes:
            checks.append("each page kept whole (web archive, PDF and its picture) against the hashes in the journal")
    if form is not None:
        _check_form(small.get(FORM), journal, problems, checks)


@contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    names = {name for name in logging.root.manager.loggerDict if name.split(".")[0] in loggers} | set(loggers)
    saved = [(logging.getLogger(name), logging.getLogger(name).disabled) for name in names]
    for logger, _ in saved:
        logger.disabled = True
    try:
        yield
    finally:
        for logger, was in saved:
            logger.disabled = was


def _check_form(pdf: bytes | None, journal: _JournalChecker, problems: list[BundleProblem],
                checks: list[str]) -> None:
    """The form's PAdES signature must be sound, cover the whole file, and be by the case key in the journal."""
    from cryptography import x509

    from evidence_app.form.signature import check_form, signer_public_key

    if pdf is None:
        problems.append(BundleProblem(FORM, f"larger than {MAX_FORM // 2**20} MiB: its signature cannot be checked"))
        return
    try:
        certificate = base64.b64decode(journal.certificate, validate=True)
        public = x509.load_der_x509_certificate(certificate).public_key().public_bytes_raw()  # type: ignore[union-attr]
    except (ValueError, TypeError, AttributeError):
        problems.append(BundleProblem(JOURNAL, "the case key's certificate in the journal cannot be read"))
        return
    if base64.b64decode(journal.public_key or "") != public:
        problems.append(BundleProblem(JOURNAL, "the case key's certificate is not for the case key"))
        return
    import pyhanko.sign.validation  # noqa: F401 - its loggers must exist before they can be quietened
    import pyhanko_certvalidator  # noqa: F401

    with _quiet("pyhanko", "pyhanko_certvalidator"):  # a bad signature is our answer, not a logged traceback
        check = check_form(pdf, certificate)
        signer = signer_public_key(pdf)
    if not check.ok or signer != public:
        problems.append(BundleProblem(FORM, "its PAdES signature is not a sound signature over the whole file "
                                      "by the case key in the journal"))
    else:
        checks.append("the form's PAdES signature, by the case key in the journal, over the whole file")
