"""Issue 13: bundles changed by someone who holds the passphrase, made as that person would.

Each attack decrypts with the passphrase, rebuilds the tar, re-encrypts to the
same recipient with Debian's ``age -r`` and fixes the ``.sha256``; verify must
exit 1 (2 when unreadable) with a sentence naming what is wrong, never a traceback.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from evidence_app import verify_bundle
from evidence_app.export import age
from evidence_app.form.signature import check_form
from evidence_app.vault.signing import SigningKey
from tests.helpers.bundles import (
    AGE,
    export,
    forge,
    identity_of,
    info,
    members,
    plaintext,
    repack,
    reseal,
    tar_of,
    unsigned_pdf,
)
from tests.helpers.images import make_png
from tests.helpers.tsa import local_tsa

REPO = Path(__file__).resolve().parents[4]
needs_age = pytest.mark.skipif(AGE is None, reason="Debian's age is needed (scripts/setup installs it)")


@pytest.fixture
def filled(case):
    for n in range(2):
        case.record_visit(f"https://example.org/page/{n}", title=f"Page {n}")
        case.add_capture(make_png(seed=n), kind="viewport", url=f"https://example.org/page/{n}", note=f"Note {n}")
    return case


def cli(result, *args: str) -> subprocess.CompletedProcess[str]:
    secret = result.folder.parent / "pass.txt"
    secret.write_text(result.passphrase + "\n")
    done = subprocess.run([sys.executable, "-m", "evidence_app", "verify", str(result.folder), "--passphrase-file",
                           str(secret), *args], cwd=REPO, capture_output=True, text=True, timeout=180)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    return done


def fails_naming(result, named: str, *args: str) -> str:
    done = cli(result, *args)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "NOT INTACT" in done.stdout and named in done.stdout, done.stdout
    return done.stdout


def extracted(result, where: Path) -> dict[str, bytes]:
    """What ``age -d | tar -x`` leaves on the officer's disk (GNU tar, from the plaintext)."""
    where.mkdir()
    subprocess.run(["tar", "-x", "-C", str(where)], input=plaintext(result), capture_output=True)  # GNU tar skips '..'

    return {str(p.relative_to(where)): p.read_bytes() for p in sorted(where.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- 1. aliased members

@needs_age
@pytest.mark.parametrize("alias", ["./data/captures/C0001.png", "data//captures/C0001.png",
                                   "data/./captures/C0001.png", "data/captures/../captures/C0001.png"])
def test_an_aliased_member_that_tar_writes_over_the_genuine_one_fails(filled, usb: Path, tmp_path: Path,
                                                                       alias: str) -> None:
    result = export(filled, usb)
    forged = make_png(seed=99)
    repack(result, lambda items: items + [(info(f"{filled.id}/{alias}"), forged)])
    if ".." not in alias:  # the attack works on tar: the forged picture is what the officer sees
        assert extracted(result, tmp_path / "disk")[f"{filled.id}/data/captures/C0001.png"] == forged
    fails_naming(result, alias)


@needs_age
def test_a_complete_forged_bag_under_dot_names_fails_and_never_shows_the_genuine_fingerprint(
        filled, usb: Path, tmp_path: Path) -> None:
    result = export(filled, usb)
    genuine = filled.signing_key.fingerprint

    def swap(payload: dict[str, bytes]) -> None:
        payload["data/captures/C0001.png"] = make_png(seed=42)

    _, forged = forge(result, swap, prefix="./")
    repack(result, lambda items: items + forged)
    disk = extracted(result, tmp_path / "disk")
    assert disk[f"{filled.id}/data/captures/C0001.png"] == make_png(seed=42)
    out = fails_naming(result, f"{filled.id}/./data/captures/C0001.png")
    assert "INTACT: every check passed" not in out
    assert genuine not in out.split("NOT INTACT")[0]  # no fingerprint is shown as if it were established


@needs_age
@pytest.mark.parametrize("kind", ["symlink", "hardlink", "directory", "fifo", "chardev"])
def test_links_folders_and_devices_fail(filled, usb: Path, kind: str) -> None:
    result = export(filled, usb)
    member = info(f"{filled.id}/data/extra")
    member.type = {"symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE, "directory": tarfile.DIRTYPE,
                   "fifo": tarfile.FIFOTYPE, "chardev": tarfile.CHRTYPE}[kind]
    member.linkname = f"{filled.id}/data/captures/C0001.png" if "link" in kind else ""
    repack(result, lambda items: items + [(member, b"")])
    fails_naming(result, "data/extra")


@needs_age
@pytest.mark.parametrize("name", ["/{case}/data/x.txt", "{case}/data\\x.txt", "{case}/data/captures/c0001.PNG",
                                  "{case}/data/x.txt.", "other/data/x.txt", "{case}/data/captures/C0001.png"])
def test_names_that_are_not_canonical_or_fold_onto_another_fail(filled, usb: Path, name: str) -> None:
    result = export(filled, usb)
    repack(result, lambda items: items + [(info(name.format(case=filled.id)), b"planted")])
    assert not verify_bundle(result.folder, result.passphrase).ok
    done = cli(result)
    assert done.returncode == 1 and "NOT INTACT" in done.stdout


@needs_age
def test_a_header_only_old_gnu_tar_reads_and_a_global_header_fail(filled, usb: Path) -> None:
    result = export(filled, usb)
    genuine = members(result)
    gnu = tar_of([(info(f"{filled.id}/data/captures/C0001.png"), make_png(seed=7))], fmt=tarfile.GNU_FORMAT)
    # a GNU-format member appended before the end of the archive
    body = tar_of(genuine)
    end = _end_of_members(body)
    reseal(result, body[:end] + gnu)
    fails_naming(result, "not the POSIX kind")
    glob = io.BytesIO()
    with tarfile.open(fileobj=glob, mode="w", format=tarfile.PAX_FORMAT,
                      pax_headers={"comment": "global"}) as tar:
        for member, data in genuine:
            tar.addfile(member, io.BytesIO(data))
    reseal(result, glob.getvalue())
    fails_naming(result, "global header")


def _end_of_members(tar_bytes: bytes) -> int:
    with tarfile.open(fileobj=io.BytesIO(tar_bytes), mode="r") as tar:
        tar.getmembers()
        return tar.offset


# --------------------------------------------------------------------------- 2. the age header

def _header_variants(sealed: bytes) -> dict[str, bytes]:
    header_end = sealed.index(b"\n---") + 1
    mac_end = sealed.index(b"\n", header_end)
    mac = sealed[header_end + 4: mac_end]
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    respelt = mac[:-1] + alphabet[alphabet.index(mac[-1:]) ^ 1: (alphabet.index(mac[-1:]) ^ 1) + 1]
    lines = sealed[:header_end].split(b"\n")
    stanza = lines[1].split(b" ")
    body = lines[2]
    last = body[-1:]
    return {
        "MAC re-spelt (same bytes)": sealed[:header_end + 4] + respelt + sealed[mac_end:],
        "MAC padded with =": sealed[:mac_end] + b"=" + sealed[mac_end:],
        "stanza body re-spelt": sealed.replace(body, body[:-1] + alphabet[alphabet.index(last) ^ 1:
                                                                         (alphabet.index(last) ^ 1) + 1], 1),
        "share re-spelt": sealed.replace(stanza[2], stanza[2][:-1] + alphabet[alphabet.index(stanza[2][-1:]) ^ 1:
                                                                            (alphabet.index(stanza[2][-1:]) ^ 1) + 1], 1),
        "two spaces in the stanza": sealed.replace(b"-> X25519 ", b"-> X25519  ", 1),
        "CRLF line ends": sealed[:header_end].replace(b"\n", b"\r\n") + sealed[header_end:],
        "all-zero share": sealed.replace(stanza[2], base64.b64encode(bytes(32)).rstrip(b"="), 1),
        "a full body line and no short one": sealed.replace(body + b"\n", body + b"A" * (64 - len(body)) + b"\n", 1),
    }


@needs_age
def test_our_age_is_exactly_as_strict_as_debians(tmp_path: Path) -> None:
    ident = age.Identity.generate()
    key_file = tmp_path / "key.txt"
    key_file.write_text(ident.to_text() + "\n")
    sealed = age.encrypt_bytes(b"evidence", recipient=ident.recipient)
    assert age.decrypt_bytes(sealed, identity=ident) == b"evidence"
    for name, variant in _header_variants(sealed).items():
        assert variant != sealed, name
        debian = subprocess.run([AGE, "-d", "-i", str(key_file)], input=variant, capture_output=True)
        try:
            ours = age.decrypt_bytes(variant, identity=ident) == b"evidence"
        except age.AgeError:
            ours = False
        assert ours == (debian.returncode == 0), name
        assert not ours, name


@needs_age
def test_a_respelt_header_mac_needs_no_secret_and_fails_verify(filled, usb: Path) -> None:
    result = export(filled, usb)
    sealed = result.evidence_file.read_bytes()
    variant = _header_variants(sealed)["MAC re-spelt (same bytes)"]
    result.evidence_file.write_bytes(variant)
    result.sha256_file.write_text(f"{__import__('hashlib').sha256(variant).hexdigest()}  {result.evidence_file.name}\n")
    fails_naming(result, result.evidence_file.name)
    zero = _header_variants(sealed)["all-zero share"]
    result.evidence_file.write_bytes(zero)
    done = cli(result)
    assert done.returncode == 1 and result.evidence_file.name in done.stdout


# --------------------------------------------------------------------------- 3. an unlisted file

@needs_age
@pytest.mark.parametrize("where", ["notes.txt", "data/notes.txt", "tagmanifest-sha256.txt.sig2"])
def test_an_unlisted_file_fails(filled, usb: Path, where: str) -> None:
    result = export(filled, usb)
    repack(result, lambda items: items + [(info(f"{filled.id}/{where}"), b"planted")])
    fails_naming(result, where)


# --------------------------------------------------------------------------- 4, 5. another key, an older export

@needs_age
def test_a_bag_rebuilt_with_another_key_shows_that_key_first_and_fails_expect_fingerprint(filled, usb: Path) -> None:
    result = export(filled, usb)
    genuine = filled.signing_key.fingerprint

    def swap(payload: dict[str, bytes]) -> None:
        payload["data/captures/C0002.png"] = make_png(seed=77)

    key, forged = forge(result, swap)
    repack(result, lambda items: forged)
    readme = result.readme.read_text().replace(genuine, key.fingerprint)
    result.readme.write_text(readme)
    plain = cli(result)
    assert plain.returncode == 0  # every other check passes: only the printed form tells
    head = plain.stdout.split("\n\n")[1]
    assert head.startswith("Compare these with the printed form:") and key.fingerprint in head
    assert "Compare the key fingerprint, journal head and record count" in plain.stdout
    out = fails_naming(result, "another key", "--expect-fingerprint", genuine)
    assert key.fingerprint in out
    assert cli(result, "--expect-fingerprint", key.fingerprint).returncode == 0


def test_an_older_export_in_a_newer_folder_fails_expect_head(filled, usb: Path) -> None:
    (usb / "old").mkdir()
    (usb / "new").mkdir()
    older = export(filled, usb / "old", passphrase="the same passphrase twice")
    filled.add_capture(make_png(seed=5), kind="viewport", url="https://example.org/later")
    newer = export(filled, usb / "new", passphrase="the same passphrase twice")
    report = verify_bundle(newer.folder, newer.passphrase)
    new_head, new_records = report.journal_head, report.journal_records
    for suffix in (".evidence.age", ".key.age", ".sha256"):
        shutil.copy(older.folder / f"{filled.id}{suffix}", newer.folder / f"{filled.id}{suffix}")
    stale = verify_bundle(newer.folder, newer.passphrase)
    assert stale.ok and stale.journal_records < new_records
    assert f"journal records:       {stale.journal_records}" in stale.text()
    out = fails_naming(newer, "older export", "--expect-head", new_head)
    assert stale.journal_head in out
    ok = cli(newer, "--expect-head", stale.journal_head, "--expect-fingerprint", filled.signing_key.fingerprint)
    assert ok.returncode == 0 and "are the ones you gave" in ok.stdout


def test_the_head_printed_on_the_exported_form_is_accepted(filled, usb: Path) -> None:
    result = export(filled, usb)
    report = verify_bundle(result.folder, result.passphrase)
    events = list(filled.events())
    printed = events[-3].hash  # the form printed the head before its own record and the export's
    assert verify_bundle(result.folder, result.passphrase, expect_head=printed).ok
    assert verify_bundle(result.folder, result.passphrase, expect_head=report.journal_head,
                         expect_fingerprint=filled.signing_key.fingerprint.replace(" ", "").lower()).ok
    assert cli(result, "--expect-head", "12345").returncode == 2


# --------------------------------------------------------------------------- 6. time stamps

def test_a_self_made_time_stamp_named_after_a_real_authority_fails(case, usb: Path, tmp_path: Path) -> None:
    with local_tsa(name="DigiCert SHA256 RSA4096 Timestamp Responder 2025 1") as url:
        result = export(case, usb, tsa_url=url)
    report = verify_bundle(result.folder, result.passphrase)  # the system's roots
    assert not report.ok
    assert report.problems[0].file == "tagmanifest-sha256.txt.tsr"
    assert "no authority you trust" in report.problems[0].detail
    out = fails_naming(result, "tagmanifest-sha256.txt.tsr")
    assert "--trust-roots" in out


def test_a_time_stamp_dated_before_the_case_fails_even_from_a_trusted_authority(case, usb: Path,
                                                                                tmp_path: Path) -> None:
    ca_file = tmp_path / "tsa.pem"
    backdated = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    with local_tsa(ca_file, fixed_time=backdated) as url:
        result = export(case, usb, tsa_url=url)
    report = verify_bundle(result.folder, result.passphrase, trust_roots=ca_file)
    assert not report.ok and "before the export began" in report.problems[0].detail, report.text()
    fails_naming(result, "tagmanifest-sha256.txt.tsr", "--trust-roots", str(ca_file))


# --------------------------------------------------------------------------- 7. the form's signer

def test_a_form_re_signed_by_a_fresh_key_with_the_same_name_fails(filled, usb: Path) -> None:
    result = export(filled, usb)
    impostor = SigningKey.generate(filled.id, dt.datetime.now(dt.UTC))
    assert impostor.certificate.subject == filled.signing_key.certificate.subject
    alone = check_form(__import__("evidence_app.form.signature", fromlist=["sign_pdf"]).sign_pdf(
        unsigned_pdf("x"), impostor, reason="r"), impostor.certificate_der)
    assert alone.ok  # on its own, such a form validates
    _, forged = forge(result, form_key=impostor)
    repack(result, lambda items: forged)
    fails_naming(result, "data/form/incident-form.pdf")


# --------------------------------------------------------------------------- 8. hostile key files

def test_a_key_file_asking_for_4_gib_is_refused_at_once(filled, usb: Path) -> None:
    import time

    result = export(filled, usb)
    costly = age.encrypt_bytes(b"AGE-SECRET-KEY-1", passphrase=result.passphrase, scrypt_log_n=10)
    costly = re.sub(rb"(-> scrypt \S+) 10\n", rb"\1 22\n", costly)
    result.key_file.write_bytes(costly)
    started = time.monotonic()
    done = cli(result)
    assert done.returncode == 2 and "2^22" in done.stderr, done.stderr
    assert time.monotonic() - started < 30
    for hostile in (b"age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 018\n", bytes(age.MAX_KEY_FILE + 1),
                    b"age-encryption.org/v1\n-> scrypt AAAAAAAAAAAAAAAAAAAAAA 99999999999\n", b"\xff" * 100):
        result.key_file.write_bytes(hostile)
        done = cli(result)
        assert done.returncode == 2 and done.stderr.startswith("evidence-app verify: "), done.stderr


def test_the_identity_inside_must_open_the_evidence(filled, usb: Path) -> None:
    result = export(filled, usb)
    other = age.Identity.generate()
    result.key_file.write_bytes(age.encrypt_bytes(other.to_text().encode(), passphrase=result.passphrase,
                                                  scrypt_log_n=10))
    fails_naming(result, result.key_file.name)
    assert identity_of(result).recipient == other.recipient


# --------------------------------------------------------------------------- issue 16, item 5

@pytest.mark.parametrize("fault", ["the EXPORTED record", "the folder's fsync"])
def test_an_export_reported_failed_leaves_no_bundle_behind(filled, usb: Path, monkeypatch, fault: str) -> None:
    import errno

    from evidence_app.errors import StorageError
    from evidence_app.export import writer

    def eio(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EIO, "Input/output error")

    if fault == "the EXPORTED record":
        monkeypatch.setattr(filled, "journal_export", eio)
    else:
        real = writer.fsync_dir
        monkeypatch.setattr(writer, "fsync_dir", lambda folder: eio() if Path(folder) == usb else real(folder))
    with pytest.raises(StorageError, match="input/output error"):
        export(filled, usb)
    assert list(usb.iterdir()) == []
    assert not [e for e in filled.events() if e.kind == "exported"]
    monkeypatch.undo()
    result = export(filled, usb)
    assert [p.name for p in usb.iterdir()] == [result.folder.name]
    assert result.journal_head and result.key_fingerprint == filled.signing_key.fingerprint


def test_a_bundle_the_journal_did_record_is_kept_when_a_later_step_fails(filled, usb: Path, monkeypatch) -> None:
    real = filled.journal_export

    def journal_then_fail(data):  # the record is written, then the incident register's update fails
        real(data)
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(filled, "journal_export", journal_then_fail)
    with pytest.raises(Exception, match="input/output error"):
        export(filled, usb)
    bundles = list(usb.iterdir())
    assert len(bundles) == 1
    recorded = [e for e in filled.events() if e.kind == "exported"][-1]
    assert recorded.data["folder"] == bundles[0].name


@pytest.mark.parametrize("pax", [{"GNU.sparse.major": "1", "GNU.sparse.minor": "0", "GNU.sparse.name": "x",
                                  "GNU.sparse.realsize": "10"}, {"size": "abc"}, {"mtime": "soon"},
                                 {"size": "99999999999999999999999"}, {"SCHILY.xattr.user.x": "y"}])
def test_hostile_tar_headers_are_a_sentence_not_a_traceback(filled, usb: Path, pax: dict[str, str]) -> None:
    result = export(filled, usb)

    def plant(items):
        member = info(f"{filled.id}/data/planted.txt")
        member.pax_headers = pax
        return items[:2] + [(member, b"abc")] + items[2:]

    repack(result, plant, debian=False)
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok and all(p.detail for p in report.problems)
    # the encrypted file was still hashed whole, though the archive stopped early
    assert not any("SHA-256 does not match" in p.detail for p in report.problems), report.text()


def _with_size(header: bytes, size_field: bytes) -> bytes:
    block = bytearray(header[:512])
    block[124:136] = size_field
    block[148:156] = b"        "
    block[148:156] = f"{sum(block):06o}\0 ".encode()
    return bytes(block)


@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.REGTYPE])
def test_a_header_claiming_gigabytes_ends_the_reading_at_once(filled, usb: Path, kind: bytes) -> None:
    import time

    result = export(filled, usb)
    body = tar_of(members(result))
    member = info(f"{filled.id}/data/huge.bin")
    member.type = kind
    planted = _with_size(member.tobuf(tarfile.USTAR_FORMAT), b"77777777777\0")
    end = _end_of_members(body)
    reseal(result, body[:end] + planted + bytes(4096), debian=False)
    started = time.monotonic()
    report = verify_bundle(result.folder, result.passphrase)
    assert time.monotonic() - started < 30
    assert not report.ok and any("size" in p.detail for p in report.problems), report.text()


def _rechained(journal: bytes, drop_kind: str) -> tuple[bytes, str, int]:
    import hashlib
    import json

    records = [json.loads(line) for line in journal.splitlines()]
    records = [r for r in records if r["kind"] != drop_kind]
    prev, lines = records[0]["prev"], []
    for seq, record in enumerate(records):
        record["prev"], record["seq"] = prev, seq
        line = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        prev = hashlib.sha256(line).hexdigest()
        lines.append(line)
    return b"".join(line + b"\n" for line in lines), prev, len(lines)


@pytest.mark.parametrize("leave_out", ["the form", "the journal's key record"])
def test_a_forged_bag_without_its_form_or_its_journal_key_fails(filled, usb: Path, leave_out: str) -> None:
    import hashlib

    result = export(filled, usb)
    key, forged = forge(result)
    files = {i.name.split("/", 1)[1]: d for i, d in forged}
    journal, head, count = _rechained(files["data/journal/journal.jsonl"], "key" if "key" in leave_out else "")
    files["data/journal/journal.jsonl"] = journal
    if leave_out == "the form":
        files.pop("data/form/incident-form.pdf")
    payload = {p: d for p, d in files.items() if p.startswith("data/")}
    info_lines = dict(line.split(": ", 1) for line in files["bag-info.txt"].decode().splitlines())
    info_lines.update({"Journal-Head-SHA256": head, "Journal-Records": str(count),
                       "Payload-Oxum": f"{sum(len(d) for d in payload.values())}.{len(payload)}"})
    files["bag-info.txt"] = "".join(f"{k}: {v}\n" for k, v in info_lines.items()).encode()
    files["manifest-sha256.txt"] = "".join(f"{hashlib.sha256(d).hexdigest()}  {p}\n"
                                           for p, d in payload.items()).encode()
    tags = "".join(f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n"
                   for p in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")).encode()
    files["tagmanifest-sha256.txt"], files["tagmanifest-sha256.txt.sig"] = tags, key.sign(tags)
    repack(result, lambda items: [(info(f"{filled.id}/{p}"), d) for p, d in files.items()], debian=False)
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok
    expected = "every export holds the signed form" if leave_out == "the form" else "records no case key"
    assert any(expected in p.detail for p in report.problems), report.text()
