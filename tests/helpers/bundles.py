"""Making and re-packing police bundles for tests (as an attacker holding the key would)."""

from __future__ import annotations

import hashlib
import io
import tarfile
from collections.abc import Callable
from pathlib import Path

from evidence_app import Recipient, export_case
from evidence_app.export import age
from evidence_app.export.writer import ExportResult

OFFICER = Recipient("DC Sioned Evans", "Dyfed-Powys Police", "DPP/2026/0417")
CHEAP_SCRYPT = 10


def export(case, dest: Path, **options) -> ExportResult:
    options.setdefault("recipient", OFFICER)
    options.setdefault("key_cost", CHEAP_SCRYPT)
    return export_case(case, dest, passphrase=options.pop("passphrase", "tiger-orbit-lemon-crane-fabric-juice"), **options)


def identity_of(result: ExportResult) -> age.Identity:
    return age.Identity.parse(age.decrypt_bytes(result.key_file.read_bytes(), passphrase=result.passphrase).decode())


def members(result: ExportResult) -> list[tuple[tarfile.TarInfo, bytes]]:
    plain = age.decrypt_bytes(result.evidence_file.read_bytes(), identity=identity_of(result))
    with tarfile.open(fileobj=io.BytesIO(plain), mode="r") as tar:
        return [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]


def repack(result: ExportResult, change: Callable[[list[tuple[tarfile.TarInfo, bytes]]], list[tuple[tarfile.TarInfo, bytes]]],
           *, fix_sha256: bool = True) -> None:
    """Decrypt, let ``change`` alter the archive's members, re-encrypt to the same key, fix the .sha256."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for info, data in change(members(result)):
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    sealed = age.encrypt_bytes(out.getvalue(), recipient=identity_of(result).recipient)
    result.evidence_file.write_bytes(sealed)
    if fix_sha256:
        result.sha256_file.write_text(f"{hashlib.sha256(sealed).hexdigest()}  {result.evidence_file.name}\n")
