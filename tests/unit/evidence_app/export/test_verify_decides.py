"""Each of verify's checks decides on its own: a bundle broken in one way only, everything else made consistent.

The forgery tests change a file and let a manifest or the signature catch it. Here the forger holds
the case's own signing key (the worst case: a copy of the case and both passphrases), fixes every
manifest and signs again, so only the check under test stands between the change and INTACT.
"""

from __future__ import annotations

import hashlib
import tarfile

import pytest

from evidence_app import verify_bundle
from tests.helpers.bundles import export, members, reseal, tar_of

JOURNAL = "data/journal/journal.jsonl"


@pytest.fixture
def bundle(case, tmp_path):
    case.add_note("the original words of the note")
    case.add_note("a later note")
    (tmp_path / "usb").mkdir()
    return export(case, tmp_path / "usb", key_cost=10)


def _rebuild(result, case, change, *, fix_tag_manifest: bool = True) -> None:
    """Apply ``change`` to the bag's files (path -> bytes), redo the manifests as told, sign with the case key."""
    items = members(result)
    prefix = items[0][0].name.split("/", 1)[0]
    files = {info.name.split("/", 1)[1]: data for info, data in items}
    change(files)
    payload = {p: d for p, d in files.items() if p.startswith("data/")}
    files["manifest-sha256.txt"] = "".join(
        f"{hashlib.sha256(d).hexdigest()}  {p}\n" for p, d in payload.items()).encode()
    if fix_tag_manifest:
        tags = ("bagit.txt", "bag-info.txt", "manifest-sha256.txt")
        files["tagmanifest-sha256.txt"] = "".join(
            f"{hashlib.sha256(files[t]).hexdigest()}  {t}\n" for t in tags).encode()
        files["tagmanifest-sha256.txt.sig"] = case.signing_key.sign(files["tagmanifest-sha256.txt"])
    rebuilt = []
    for path, data in files.items():
        info = tarfile.TarInfo(f"{prefix}/{path}")
        info.size = len(data)
        info.mode = 0o644
        rebuilt.append((info, data))
    reseal(result, tar_of(rebuilt))


def test_a_note_reworded_in_the_exported_journal_breaks_its_chain(bundle, case) -> None:
    def reword(files: dict[str, bytes]) -> None:
        text = files[JOURNAL]
        assert b"the original words of the note" in text
        files[JOURNAL] = text.replace(b"the original words of the note", b"the forged words of this note!")

    _rebuild(bundle, case, reword)
    report = verify_bundle(bundle.folder, bundle.passphrase)
    assert not report.ok
    assert any("journal" in str(p) and "does not follow on" in str(p) for p in report.problems), report.text()


def test_bag_info_edited_under_a_genuine_signature_is_caught_by_the_tag_manifest(bundle, case) -> None:
    """The signed tag manifest is left as it was; bag-info.txt changes: only the tag manifest's digest tells."""
    def edit(files: dict[str, bytes]) -> None:
        files["bag-info.txt"] = files["bag-info.txt"].replace(b"Bagging-Date", b"Bagging-Dat3")

    _rebuild(bundle, case, edit, fix_tag_manifest=False)
    report = verify_bundle(bundle.folder, bundle.passphrase)
    assert not report.ok
    assert any(str(p).startswith("bag-info.txt") and "tagmanifest-sha256.txt" in str(p)
               for p in report.problems), report.text()


def test_a_form_signed_by_another_key_with_the_same_name_is_not_intact(bundle, case) -> None:
    """Everything else genuine-looking and signed by the case key; the form alone signed by a look-alike key."""
    import datetime as dt

    from evidence_app.vault.signing import SigningKey
    from tests.helpers.bundles import forge

    created = next(case.events()).time
    look_alike = SigningKey.generate(case.id, dt.datetime.fromisoformat(created.replace("Z", "+00:00")))
    _, items = forge(bundle, key=case.signing_key, form_key=look_alike)
    reseal(bundle, tar_of(items))
    report = verify_bundle(bundle.folder, bundle.passphrase)
    assert not report.ok
    assert any("PAdES" in str(p) and "by the case key" in str(p) for p in report.problems), report.text()


@pytest.mark.parametrize("alias", ["data/./captures/{}", "data//captures/{}", "data/captures/../captures/{}"])
def test_a_member_renamed_to_an_alias_of_itself_is_refused_by_name(case, tmp_path, alias) -> None:
    """tar -x would write it to the right place, but an export never spells a name so: it is named as such."""
    from tests.helpers.images import make_png

    capture = case.add_capture(make_png(seed=5), kind="viewport", url="https://example.org/")
    (tmp_path / "usb").mkdir()
    result = export(case, tmp_path / "usb", key_cost=10)
    items = members(result)
    for info, _ in items:
        if info.name.endswith(f"/data/captures/{capture.id}.png"):
            prefix = info.name.split("/", 1)[0]
            info.name = f"{prefix}/" + alias.format(f"{capture.id}.png")
    reseal(result, tar_of(items))
    report = verify_bundle(result.folder, result.passphrase)
    assert not report.ok
    assert any("not canonical" in str(p) for p in report.problems), report.text()


@pytest.mark.parametrize("line", [b"[]", b'"a string"', b"42", b'{"seq": 0, "data": []}', b'{"data": "x"}', b"null"])
def test_a_journal_line_that_is_json_but_no_record_is_named_never_a_traceback(bundle, case, line) -> None:
    def replace_first(files: dict[str, bytes]) -> None:
        rest = files[JOURNAL].split(b"\n", 1)[1]
        files[JOURNAL] = line + b"\n" + rest

    _rebuild(bundle, case, replace_first)
    report = verify_bundle(bundle.folder, bundle.passphrase)
    assert not report.ok
    assert any("journal" in str(p) for p in report.problems), report.text()


@pytest.mark.parametrize("respell", [b"\n", b"\x0b", b"\r\n", b" \n"], ids=["same", "vertical-tab", "crlf", "space"])
def test_the_case_key_file_spelt_differently_is_named_though_it_holds_the_same_key(bundle, case, respell) -> None:
    """No manifest lists case-signing-key.pem (it checks the signature over them), so verify compares its bytes
    with the file the application writes: a line break respelt keeps the key but leaves other bytes on disk.
    (Found by the property test: a flipped byte turned a newline into a vertical tab, which PEM readers skip.)"""
    def respelt(files: dict[str, bytes]) -> None:
        pem = files["case-signing-key.pem"]
        head, _, rest = pem.partition(b"\n")
        files["case-signing-key.pem"] = head + respell + rest

    _rebuild(bundle, case, respelt)
    report = verify_bundle(bundle.folder, bundle.passphrase)
    if respell == b"\n":
        assert report.ok, report.text()
        return
    assert not report.ok
    assert [p.file for p in report.problems] == ["case-signing-key.pem"], report.text()
    assert "spelt differently" in report.text()


def test_a_case_key_file_naming_an_unknown_kind_of_key_is_a_problem_named_not_a_traceback(bundle, case) -> None:
    """Found by the property test: a flipped byte inside the key's algorithm identifier (Ed25519's OID)."""
    def unknown_kind(files: dict[str, bytes]) -> None:
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, load_pem_public_key
        der = bytearray(load_pem_public_key(files["case-signing-key.pem"]).public_bytes(
            Encoding.DER, PublicFormat.SubjectPublicKeyInfo))
        der[der.index(bytes([0x2B, 0x65, 0x70]))] ^= 0x0C  # 1.3.101.112 (Ed25519) becomes 0.39.101.112
        import base64
        files["case-signing-key.pem"] = (b"-----BEGIN PUBLIC KEY-----\n" + base64.b64encode(bytes(der))
                                         + b"\n-----END PUBLIC KEY-----\n")

    _rebuild(bundle, case, unknown_kind)
    report = verify_bundle(bundle.folder, bundle.passphrase)
    assert not report.ok
    assert any(p.file == "case-signing-key.pem" for p in report.problems), report.text()
