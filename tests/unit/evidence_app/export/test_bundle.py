"""The police export, checked by the standard tools an officer would use, and by our verifier."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import bagit
import pytest

from evidence_app import BundleUnreadable, ExportCancelled, Kind, export_case, render_form, verify_bundle
from evidence_app.vault.signing import verify_signature
from tests.helpers.age_tool import run_with_tty
from tests.helpers.bundles import OFFICER, export, identity_of, members, repack
from tests.helpers.images import make_png
from tests.helpers.pdf import needs_poppler

AGE = shutil.which("age")
REPO = Path(__file__).resolve().parents[4]
needs_tools = pytest.mark.skipif(AGE is None or shutil.which("openssl") is None,
                                 reason="Debian's age and openssl are needed (scripts/setup installs them)")


@pytest.fixture
def filled(case):
    for n in range(3):
        case.record_visit(f"https://example.org/page/{n}", title=f"Page {n}")
        case.add_capture(make_png(seed=n), kind="viewport", url=f"https://example.org/page/{n}",
                         note=f"Note {n}: Zażółć gęślą jaźń")
    case.add_page_snapshot("<html><body>snapshot</body></html>", url="https://example.org/page/0")
    return case


def test_an_export_is_four_files_and_journaled(filled, usb: Path) -> None:
    result = export(filled, usb)
    assert sorted(p.name for p in result.folder.iterdir()) == sorted(
        [f"{filled.id}.evidence.age", f"{filled.id}.key.age", f"{filled.id}.sha256", "README.txt"])
    assert [p.name for p in usb.iterdir()] == [result.folder.name]
    exported = [e for e in filled.events() if e.kind == Kind.EXPORTED][-1]
    assert exported.data["sha256"] == result.evidence_sha256 == hashlib.sha256(result.evidence_file.read_bytes()).hexdigest()
    assert exported.data["to"] == OFFICER.to_json()
    form = [e for e in filled.events() if e.kind == Kind.FORM][-1]
    pdf = [data for info, data in members(result) if info.name.endswith("incident-form.pdf")][0]
    assert form.data["sha256"] == hashlib.sha256(pdf).hexdigest()


def test_a_generated_passphrase_is_six_words(filled, usb: Path) -> None:
    result = export_case(filled, usb, recipient=OFFICER, key_cost=10)
    assert re.fullmatch(r"[a-z]+(-[a-z]+){5}", result.passphrase)
    assert verify_bundle(result.folder, result.passphrase).ok


def test_our_verifier_passes_an_intact_bundle(filled, usb: Path) -> None:
    result = export(filled, usb)
    report = verify_bundle(result.folder, result.passphrase)
    assert report.ok, report.text()
    assert report.journal_records == len(list(filled.events())) - 1  # all but the export's own record
    assert report.key_fingerprint == filled.signing_key.fingerprint
    assert "INTACT" in report.text()


@needs_tools
def test_the_readme_steps_run_as_written_succeed(filled, usb: Path) -> None:
    result = export(filled, usb)
    readme = result.readme.read_text()
    steps = readme.split("Steps (run them", 1)[1].split("What is in the bag", 1)[0]
    commands = [line.strip() for line in steps.splitlines() if re.match(r"^ {5}\S", line)]
    assert len(commands) == 10, commands
    bin_dir = Path(sys.executable).parent  # bagit.py is installed beside the test's Python
    env_path = f"{bin_dir}:/usr/bin:/bin"
    for command in commands:
        if command.startswith("age -d -o"):  # the passphrase prompt needs a terminal
            code, screen = run_with_tty(command.split(), result.passphrase, result.folder)
            assert code == 0, screen
            continue
        if re.fullmatch(r"[0-9A-F ]{79}", command):  # the fingerprint line, not a command
            continue
        if command.startswith("evidence-app verify"):  # with the values from the form filled in
            events = list(filled.events())
            assert [e.kind for e in events[-2:]] == [Kind.FORM, Kind.EXPORTED]
            printed = events[-3].hash  # the bundle's form printed the head before its own record
            argv = command.replace("FOLDER", str(result.folder)).replace("FINGERPRINT", filled.signing_key.fingerprint)
            argv_list = [sys.executable, "-m", "evidence_app"] + [a.strip('"') for a in re.findall(
                r'"[^"]*"|\S+', argv.replace("HEAD", printed))][1:]
            done = subprocess.run(argv_list, cwd=REPO, input=result.passphrase + "\n", capture_output=True, text=True)
            assert done.returncode == 0 and "are the ones you gave" in done.stdout, done.stdout + done.stderr
            continue
        if command.startswith("grep Journal-"):
            journal_line = subprocess.run(["bash", "-c", command], cwd=result.folder, capture_output=True, text=True)
            assert f"Journal-Records: {len(list(filled.events())) - 1}" in journal_line.stdout
        done = subprocess.run(["bash", "-c", command], cwd=result.folder, capture_output=True, text=True,
                              env={"PATH": env_path, "HOME": str(usb)})
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        if "pkeyutl" in command:
            assert "Signature Verified Successfully" in done.stdout
        if "tail -c 32" in command:
            assert done.stdout.split()[0].upper() == filled.signing_key.fingerprint.replace(" ", "")
    bag = bagit.Bag(str(result.folder / filled.id))
    bag.validate()  # raises BagValidationError if anything is off
    assert bag.info["External-Identifier"] == filled.id


def test_the_bag_holds_what_the_issue_lists(filled, usb: Path) -> None:
    result = export(filled, usb)
    files = {info.name.split("/", 1)[1]: data for info, data in members(result)}
    for name in ("bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt",
                 "tagmanifest-sha256.txt.sig", "case-signing-key.pem", "data/summary.txt",
                 "data/form/incident-form.pdf", "data/journal/journal.jsonl", "data/custody/custody.jsonl",
                 "data/custody/custody.txt", "data/snapshots/P0001.html", "data/captures/C0003.png"):
        assert name in files, name
    meta = json.loads(files["data/captures/C0002.json"])
    assert meta["url"] == "https://example.org/page/1" and meta["note"].startswith("Note 1")
    assert meta["sha256"] == hashlib.sha256(files["data/captures/C0002.png"]).hexdigest()
    assert meta["taken_by"] == ["Alice Hughes", "Bartosz Nowak"]
    custody = [json.loads(line) for line in files["data/custody/custody.jsonl"].splitlines()]
    assert custody[0]["event"] == "case created" and custody[-1]["to"] == OFFICER.to_json()
    lines = files["data/journal/journal.jsonl"].splitlines()
    for before, after in zip(lines, lines[1:]):
        assert json.loads(after)["prev"] == hashlib.sha256(before).hexdigest()
    public = filled.signing_key.public_raw
    assert verify_signature(public, files["tagmanifest-sha256.txt.sig"], files["tagmanifest-sha256.txt"])


def test_quarantined_captures_stay_out_unless_the_police_asked(case, usb: Path) -> None:
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/ok")
    flagged = case.add_capture(make_png(seed=2), kind="viewport", url="https://example.org/flagged")
    case.flag_csam("https://example.org/flagged")
    (usb / "a").mkdir()
    withheld = export(case, usb / "a")
    names = [info.name for info, _ in members(withheld)]
    assert not any(name.endswith(f"{flagged.id}.png") for name in names)
    listing = json.loads([d for i, d in members(withheld) if i.name.endswith("withheld.json")][0])
    assert listing["captures"][0]["sha256"] == flagged.sha256
    assert verify_bundle(withheld.folder, withheld.passphrase).ok
    (usb / "b").mkdir()
    asked = export(case, usb / "b", include_quarantined=True)
    data = [d for i, d in members(asked) if i.name.endswith(f"{flagged.id}.png")]
    assert data and hashlib.sha256(data[0]).hexdigest() == flagged.sha256
    assert verify_bundle(asked.folder, asked.passphrase).ok


def _rename(items, old: str, new: str):
    for info, _ in items:
        if info.name.endswith(old):
            info.name = info.name[: -len(old)] + new
    return items


TAMPERS = {
    "a capture changed": (lambda items: [(i, d + b"x" if i.name.endswith("C0002.png") else d) for i, d in items],
                          "data/captures/C0002.png"),
    "a capture deleted": (lambda items: [(i, d) for i, d in items if not i.name.endswith("C0001.png")],
                          "data/captures/C0001.png"),
    "a file added": (lambda items: items[:3] + [(_info(items, "data/extra.txt"), b"planted")] + items[3:],
                     "data/extra.txt"),
    "members re-ordered": None,
    "captures swapped": (lambda items: _rename(_rename(_rename(items, "C0001.png", "TMP.png"), "C0002.png",
                                                       "C0001.png"), "TMP.png", "C0002.png"), "data/captures/C000"),
    "the journal edited": (lambda items: [(i, d.replace(b"Page 1", b"Page 9") if "journal.jsonl" in i.name else d)
                                          for i, d in items], "data/journal/journal.jsonl"),
    "the summary edited": (lambda items: [(i, d.replace(b"Year 9", b"Year 8") if i.name.endswith("summary.txt") else d)
                                          for i, d in items], "data/summary.txt"),
    "the signature replaced": (lambda items: [(i, bytes(64) if i.name.endswith(".sig") else d) for i, d in items],
                               "tagmanifest-sha256.txt.sig"),
}


def _info(items, relative: str):
    info = tarfile.TarInfo(items[0][0].name.split("/")[0] + "/" + relative)
    info.mode = 0o644
    return info


@pytest.mark.parametrize("name", sorted(TAMPERS))
def test_tampering_with_the_bag_is_caught_and_the_file_named(filled, usb: Path, name: str) -> None:
    result = export(filled, usb)
    if TAMPERS[name] is None:  # re-ordering the archive's members alone changes nothing that matters
        repack(result, lambda items: list(reversed(items)))
        assert verify_bundle(result.folder, result.passphrase).ok
        return
    change, named = TAMPERS[name]
    repack(result, change)
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok
    assert any(named in problem.file for problem in report.problems), report.text()


def test_the_encrypted_file_changed_cut_or_swapped_is_caught(filled, usb: Path) -> None:
    result = export(filled, usb)
    original = result.evidence_file.read_bytes()
    result.evidence_file.write_bytes(original[:-100])
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok and {p.file for p in report.problems} == {result.evidence_file.name}
    damaged = bytearray(original)
    damaged[len(damaged) // 2] ^= 1
    result.evidence_file.write_bytes(bytes(damaged))
    assert not verify_bundle(result.folder, result.passphrase).ok
    result.evidence_file.write_bytes(original)
    result.sha256_file.write_text("0" * 64 + f"  {result.evidence_file.name}\n")
    report = verify_bundle(result.folder, result.passphrase)
    assert [p.file for p in report.problems] == [result.evidence_file.name]


def test_another_exports_key_file_is_caught(filled, store, usb: Path) -> None:
    (usb / "one").mkdir()
    (usb / "two").mkdir()
    first = export(filled, usb / "one")
    second = export(filled, usb / "two")
    shutil.copy(second.key_file, first.key_file)
    report = verify_bundle(first.folder, first.passphrase)
    assert not report.ok and report.problems[0].file == first.key_file.name


def test_unreadable_bundles_say_why(filled, usb: Path) -> None:
    result = export(filled, usb)
    with pytest.raises(BundleUnreadable, match="passphrase"):
        verify_bundle(result.folder, "not the passphrase")
    result.key_file.unlink()
    with pytest.raises(BundleUnreadable, match="missing"):
        verify_bundle(result.folder, result.passphrase)
    with pytest.raises(BundleUnreadable):
        verify_bundle(usb / "nowhere", result.passphrase)


def test_cancel_leaves_nothing_behind(filled, usb: Path) -> None:
    seen: list[tuple[int, int]] = []
    with pytest.raises(ExportCancelled):
        export(filled, usb, progress=lambda done, total: seen.append((done, total)),
               cancel=lambda: len(seen) >= 3)
    assert list(usb.iterdir()) == []
    assert not [e for e in filled.events() if e.kind == Kind.EXPORTED]
    result = export(filled, usb, progress=lambda done, total: seen.append((done, total)))
    assert seen[-1][0] == seen[-1][1]
    assert verify_bundle(result.folder, result.passphrase).ok


def test_the_command_line_exit_codes(filled, usb: Path) -> None:
    result = export(filled, usb)
    secret = usb / "pass.txt"
    secret.write_text(result.passphrase + "\n")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "evidence_app", "verify", *args], cwd=REPO,
                              capture_output=True, text=True, timeout=120)

    ok = run(str(result.folder), "--passphrase-file", str(secret))
    assert ok.returncode == 0 and "INTACT" in ok.stdout, ok.stdout + ok.stderr
    wrong = usb / "wrong.txt"
    wrong.write_text("something else entirely\n")
    assert run(str(result.folder), "--passphrase-file", str(wrong)).returncode == 2
    repack(result, lambda items: [(i, d + b"!" if i.name.endswith("C0003.png") else d) for i, d in items])
    bad = run(str(result.folder), "--passphrase-file", str(secret))
    assert bad.returncode == 1 and "C0003.png" in bad.stdout


def test_identity_is_fresh_for_every_export(filled, usb: Path) -> None:
    (usb / "a").mkdir()
    (usb / "b").mkdir()
    first, second = export(filled, usb / "a"), export(filled, usb / "b")
    assert identity_of(first).recipient != identity_of(second).recipient


@needs_poppler
def test_a_regenerated_form_carries_every_exports_hash(filled, usb: Path) -> None:
    first = export(filled, usb)
    (usb / "again").mkdir()
    second = export(filled, usb / "again")
    pdf = render_form(filled)
    (usb / "form.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(usb / "form.pdf"), "-"], capture_output=True, text=True).stdout
    flat = text.replace("\n", "")
    assert "Evidence exported for the police" in text
    assert first.evidence_sha256 in flat and second.evidence_sha256 in flat
    assert "DPP/2026/0417" in flat
