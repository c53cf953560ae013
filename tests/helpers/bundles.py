"""Making and re-packing police bundles for tests, as an attacker holding the passphrase would.

The attacker decrypts the key with the passphrase, decrypts and rebuilds the
tar, and re-encrypts it with Debian's ``age -r`` to the same recipient (rage
when Debian's ``age`` is missing), then fixes the ``.sha256``. :func:`forge`
goes further: a complete, self-consistent bag (journal chain, manifests,
signature) under a fresh case key.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import json
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path

from evidence_app import Recipient, export_case
from evidence_app.export import age
from evidence_app.export.writer import ExportResult
from evidence_app.form.signature import sign_pdf
from evidence_app.vault.signing import SigningKey

OFFICER = Recipient("DC Sioned Evans", "Dyfed-Powys Police", "DPP/2026/0417")
CHEAP_SCRYPT = 10
AGE = shutil.which("age")
Members = list[tuple[tarfile.TarInfo, bytes]]


def export(case, dest: Path, **options) -> ExportResult:
    options.setdefault("recipient", OFFICER)
    options.setdefault("key_cost", CHEAP_SCRYPT)
    return export_case(case, dest, passphrase=options.pop("passphrase", "tiger-orbit-lemon-crane-fabric-juice"), **options)


def identity_of(result: ExportResult) -> age.Identity:
    return age.Identity.parse(age.decrypt_bytes(result.key_file.read_bytes(), passphrase=result.passphrase).decode())


def plaintext(result: ExportResult) -> bytes:
    return age.decrypt_bytes(result.evidence_file.read_bytes(), identity=identity_of(result))


def members(result: ExportResult) -> Members:
    with tarfile.open(fileobj=io.BytesIO(plaintext(result)), mode="r") as tar:
        return [(m, tar.extractfile(m).read() if m.isfile() else b"") for m in tar.getmembers()]  # type: ignore[union-attr]


def tar_of(items: Members, *, fmt: int = tarfile.PAX_FORMAT) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as tar:
        for info, data in items:
            info.size = len(data) if info.isfile() else 0
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return out.getvalue()


def reseal(result: ExportResult, tar_bytes: bytes, *, fix_sha256: bool = True, debian: bool = True) -> None:
    """Encrypt ``tar_bytes`` to the bundle's own recipient (Debian's ``age -r``), fix the .sha256."""
    recipient = identity_of(result).recipient
    if debian and AGE is not None:
        sealed = subprocess.run([AGE, "-r", recipient], input=tar_bytes, capture_output=True, check=True).stdout
    else:
        sealed = age.encrypt_bytes(tar_bytes, recipient=recipient)
    result.evidence_file.write_bytes(sealed)
    if fix_sha256:
        result.sha256_file.write_text(f"{hashlib.sha256(sealed).hexdigest()}  {result.evidence_file.name}\n")


def repack(result: ExportResult, change: Callable[[Members], Members], *, fix_sha256: bool = True,
           debian: bool = True) -> None:
    """Decrypt, let ``change`` alter the archive's members, re-encrypt to the same key, fix the .sha256."""
    reseal(result, tar_of(change(members(result))), fix_sha256=fix_sha256, debian=debian)


def info(name: str) -> tarfile.TarInfo:
    made = tarfile.TarInfo(name)
    made.mode = 0o644
    return made


def unsigned_pdf(text: str) -> bytes:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def forge(result: ExportResult, change: Callable[[dict[str, bytes]], None] | None = None, *,
          key: SigningKey | None = None, form_key: SigningKey | None = None,
          prefix: str = "") -> tuple[SigningKey, Members]:
    """A complete bag re-made as a forger would: ``change`` edits the payload (``data/...`` -> bytes),
    the journal's hashes and chain are rebuilt, the case key is replaced by ``key`` (fresh by default),
    the form re-signed by ``form_key`` (``key`` by default), the manifests and signature redone.

    Returns the key and the bag's members, named ``CASE/<prefix><path>``; not yet written.
    """
    genuine = {i.name.split("/", 1)[1]: d for i, d in members(result)}
    case_id = result.evidence_file.name[: -len(".evidence.age")]
    key = key or SigningKey.generate(case_id, dt.datetime.now(dt.UTC))
    payload = {path: data for path, data in genuine.items() if path.startswith("data/")}
    if change is not None:
        change(payload)
    form_path = "data/form/incident-form.pdf"
    payload[form_path] = sign_pdf(unsigned_pdf(f"Forged form for {case_id}"), form_key or key, reason="forged")
    records = [json.loads(line) for line in payload["data/journal/journal.jsonl"].splitlines()]
    lines: list[bytes] = []
    prev = records[0]["prev"]
    for record in records:
        data = record["data"]
        if record["kind"] == "key":
            data.update(key.public_record())
        elif record["kind"] == "capture" and f"data/captures/{data['id']}.png" in payload:
            data["sha256"] = hashlib.sha256(payload[f"data/captures/{data['id']}.png"]).hexdigest()
        elif record["kind"] == "form":
            data["sha256"] = hashlib.sha256(payload[form_path]).hexdigest()
        record["prev"] = prev
        line = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        prev = hashlib.sha256(line).hexdigest()
        lines.append(line)
    payload["data/journal/journal.jsonl"] = b"".join(line + b"\n" for line in lines)
    manifest = "".join(f"{hashlib.sha256(d).hexdigest()}  {p}\n" for p, d in payload.items()).encode()
    info_lines = dict(line.split(": ", 1) for line in genuine["bag-info.txt"].decode().splitlines())
    info_lines.update({"Journal-Head-SHA256": prev, "Journal-Records": str(len(lines)),
                       "Case-Key-Fingerprint": key.fingerprint,
                       "Payload-Oxum": f"{sum(len(d) for d in payload.values())}.{len(payload)}"})
    tags = {"bagit.txt": genuine["bagit.txt"],
            "bag-info.txt": "".join(f"{k}: {v}\n" for k, v in info_lines.items()).encode(),
            "manifest-sha256.txt": manifest}
    tag_manifest = "".join(f"{hashlib.sha256(d).hexdigest()}  {p}\n" for p, d in tags.items()).encode()
    files = {**payload, **tags, "tagmanifest-sha256.txt": tag_manifest,
             "tagmanifest-sha256.txt.sig": key.sign(tag_manifest), "case-signing-key.pem": key.public_pem()}
    return key, [(info(f"{case_id}/{prefix}{path}"), data) for path, data in files.items()]


def journal_public_key(members_: Members) -> str:
    journal = [d for i, d in members_ if i.name.endswith("journal.jsonl")][0]
    for line in journal.splitlines():
        record = json.loads(line)
        if record["kind"] == "key":
            return base64.b64decode(record["data"]["public_key"]).hex()
    return ""
