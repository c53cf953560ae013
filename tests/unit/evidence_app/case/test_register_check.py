"""The register against the cases on disk: forged, cut and reordered entries, rolled-back cases, a swapped school key.

Each test is an attack as an insider would make it (plain file edits, the public key, a key of their
own, copies of files), and ends in the sentence the coordinator's check or the case's verify() gives.
"""

from __future__ import annotations

import base64
import json
import shutil
import struct
from datetime import UTC, datetime

import pytest

from evidence_app import Conclusion, TamperDetected
from evidence_app.school import register
from evidence_app.school.register import FILE_NAME, FORGED, MAGIC, SIGNED, UNSIGNED
from evidence_app.vault import school_key
from evidence_app.vault.events import Kind
from evidence_app.vault.header import Header
from evidence_app.vault.signing import SigningKey
from tests.helpers.cases import CHEAP, PASSPHRASES, make_case, make_store

COORDINATOR = "Coordinat0r's own pass!"
INSIDER = "Insider's 0wn pass phrase!"


@pytest.fixture
def school(store):
    return store.create_school_key(COORDINATOR, kdf=CHEAP)


def records(store) -> list[bytes]:
    return register.records_on_disk(store.root)


def write_records(store, kept: list[bytes]) -> None:
    (store.root / FILE_NAME).write_bytes(MAGIC + b"".join(kept))


def test_a_genuine_register_and_its_cases_check_clean(store, school) -> None:
    case = make_case(store)
    case.conclude(Conclusion(substance="no", subject="pupil"))
    case.lock()
    check = store.check_register(school)
    assert check.ok, check.problems + check.unopenable
    assert [(e.event, e.trust) for e in check.entries] == [("created", SIGNED), ("concluded", SIGNED)]
    assert {e.school_key for e in check.entries} == {school.public.fingerprint}
    assert Header.read(store.root / case.id).signing_key == base64.b64decode(check.entries[0].signing_key)


def test_each_entry_is_journaled_in_the_case_with_its_place_and_hash(store, school) -> None:
    case = make_case(store)
    written = [e.data for e in case.events() if e.kind == Kind.REGISTERED]
    assert [(d["event"], d["index"]) for d in written] == [("created", 0)]
    assert written[0]["record"] == register.record_hash(records(store)[0])
    assert written[0]["school_key"] == school.public.fingerprint
    created = next(e for e in case.events() if e.kind == Kind.CREATED)
    assert created.data["school_key"] == school.public.fingerprint
    case.lock()


def test_a_deleted_entry_forged_with_the_public_key_is_named(store, school) -> None:
    case = make_case(store)
    case.lock()
    public = school_key.load_public(store.root)  # all an attacker needs: it is beside the cases
    register.append(store.root, public, case_id=case.id, event="deleted", incident="Year 9: none",
                    action="Case deleted at the end of its retention period", by="Alice Hughes")
    check = store.check_register(school)
    forged = check.entries[-1]
    assert forged.trust == FORGED
    sentence = next(p for p in check.problems if "forged" in p)
    assert sentence.startswith(f"Entry 2 of the register (deleted, case {case.id}")
    assert "it is not signed, yet it comes after signed entries" in sentence
    assert "NOT GENUINE" in register.rows(check.entries)[-1][4]
    with pytest.raises(TamperDetected, match="register entry 1"):
        store.read_register(school)


def test_an_entry_signed_by_the_forger_s_own_key_is_named(store, school) -> None:
    case = make_case(store)
    case.lock()
    own = SigningKey.generate(case.id, datetime.now(UTC))
    register.append(store.root, school_key.load_public(store.root), case_id=case.id, event="deleted",
                    incident="x", action="deleted", by="Alice Hughes", signer=own)
    check = store.check_register(school)
    assert check.entries[-1].trust == FORGED
    assert any("is forged: it is signed by a key that is not the case's own" in p for p in check.problems)


def test_a_forged_first_entry_for_a_real_case_is_named_against_the_case_folder(store, school) -> None:
    """The attacker cuts the register to nothing and writes the case's "created" and "deleted" under their key."""
    case = make_case(store)
    case.lock()
    (store.root / FILE_NAME).unlink()
    own = SigningKey.generate(case.id, datetime.now(UTC))
    public = school_key.load_public(store.root)
    for event in ("created", "deleted"):
        register.append(store.root, public, case_id=case.id, event=event, incident="x", action=event,
                        by="Alice Hughes", signer=own)
    check = store.check_register(school)
    assert [e.trust for e in check.entries] == [FORGED, FORGED]
    assert sum("not the case's own (the case's folder holds another)" in p for p in check.problems) == 2
    assert any(p.startswith(f"Case {case.id} has no entry in the register") for p in check.problems)
    reopened = store.open(case.id, PASSPHRASES)
    with pytest.raises(TamperDetected) as caught:
        reopened.verify()
    assert caught.value.where == "the incident register"
    assert "entry 1 (created" in caught.value.detail and "is not the one written" in caught.value.detail
    reopened.lock()


def test_cut_last_entries_are_found_by_the_case_and_by_the_coordinator(store, school) -> None:
    case = make_case(store)
    case.flag_csam("https://bad.example/")
    case.lock()
    write_records(store, records(store)[:1])  # the "sealed" entry cut
    check = store.check_register(school)
    assert f"Case {case.id} is sealed, but the register has no entry for its seal: the register's entries for it " \
           "were cut." in check.problems
    reopened = store.open(case.id, PASSPHRASES)
    with pytest.raises(TamperDetected, match=r"entry 2 \(sealed, journaled .*\) is missing from it: its last "
                                             r"entries were cut"):
        reopened.verify()
    reopened.lock()


def test_reordered_entries_are_named(store, school) -> None:
    first, second = make_case(store), make_case(store)
    first.lock()
    second.lock()
    kept = records(store)
    write_records(store, [kept[1], kept[0], *kept[2:]])
    check = store.check_register(school)
    assert check.problems[:2] == (
        "Entry 1 of the register was written as entry 2: an entry before it was removed, or entries were put in "
        "another order.",
        "Entry 2 of the register was written as entry 1: an entry before it was removed, or entries were put in "
        "another order.")


def test_an_entry_removed_from_the_middle_is_named(store, school) -> None:
    for _ in range(3):
        make_case(store).lock()
    kept = records(store)
    write_records(store, [kept[0], kept[2]])
    check = store.check_register(school)
    assert check.problems[0].startswith("Entry 2 of the register was written as entry 3: an entry before it was "
                                        "removed")
    assert any(p.endswith("has no entry in the register: its entries were cut from the register (or it was made "
                          "while another school key file was in place).") for p in check.problems)


def test_unseal_by_an_older_state_json_is_named(store, school, tmp_path) -> None:
    """The case folder put back: an older state.json (from a backup) over the sealed one."""
    case = make_case(store)
    older = (store.root / case.id / "state.json").read_bytes()
    case.flag_csam("https://bad.example/")
    case.lock()
    (store.root / case.id / "state.json").write_bytes(older)
    assert next(s for s in store.list() if s.id == case.id).status == "open"  # what the start screen believes
    check = store.check_register(school)
    assert any(p.startswith(f"Case {case.id} says \"open\" on disk, but the register says it was sealed on ")
               and "the case folder was put back to an older copy" in p for p in check.problems)


def test_a_case_folder_put_back_after_deletion_is_named(store, school, tmp_path) -> None:
    case = make_case(store)
    case.conclude(Conclusion(substance="no", subject="pupil"))
    case.lock()
    shutil.copytree(store.root / case.id, tmp_path / "backup")
    store.delete(case.id, PASSPHRASES, before_due=True)
    shutil.copytree(tmp_path / "backup", store.root / case.id)
    check = store.check_register(school)
    assert any("yet the register says it was deleted on" in p for p in check.problems)
    assert check.entries[-1].event == "deleted" and check.entries[-1].trust == SIGNED


def test_a_case_folder_removed_outside_the_app_is_named(store, school) -> None:
    case = make_case(store)
    case.lock()
    shutil.rmtree(store.root / case.id)
    check = store.check_register(school)
    assert any(p.startswith(f"Case {case.id} is in the register") and "no deletion was registered" in p
               for p in check.problems)


def test_a_school_key_swapped_while_a_case_was_made_is_named(store, school, tmp_path) -> None:
    """Issue 15, attack 3: the insider's school-key.json in place while the case is made, then put back,
    and the register's last entry (written for the insider's key) cut."""
    genuine = (store.root / school_key.FILE_NAME).read_bytes()
    insider_home = make_store(tmp_path / "insider")
    insider = insider_home.create_school_key(INSIDER, kdf=CHEAP)
    (store.root / school_key.FILE_NAME).write_bytes((insider_home.root / school_key.FILE_NAME).read_bytes())
    case = make_case(store)
    created = next(e for e in case.events() if e.kind == Kind.CREATED)
    assert created.data["school_key"] == insider.public.fingerprint  # the case says which key it was made for
    case.lock()
    (store.root / school_key.FILE_NAME).write_bytes(genuine)
    uncut = store.check_register(school)
    assert any(p.startswith("Entry 1 of the register cannot be read with this school key: it was written for "
                            "another school key") for p in uncut.problems)
    write_records(store, records(store)[:-1])  # the insider's entry cut
    check = store.check_register(school)
    assert check.unopenable == (
        f"Case {case.id} cannot be opened with this school key: it was made for another school key (fingerprint "
        f"{insider.public.fingerprint}; this one is {school.public.fingerprint}). The school key file on this "
        "computer was swapped while the case was made, or the case was brought from another computer.",)
    assert f"Case {case.id} has no entry in the register" in " ".join(check.problems)
    # The insider's way in works (one passphrase and their key), but it is now on the coordinator's list.
    recovered = store.open_with_school_key(case.id, PASSPHRASES[0], insider)
    opening = [e for e in recovered.events() if e.kind == Kind.RECOVERED][-1]
    assert opening.data["school_key_fingerprint"] == insider.public.fingerprint  # journaled, with its fingerprint
    recovered.lock()


def test_a_case_made_before_the_school_key_is_listed_as_not_openable_with_it(tmp_path) -> None:
    store = make_store(tmp_path / "cases")
    case = make_case(store)
    case.lock()
    key = store.create_school_key(COORDINATOR, kdf=CHEAP)
    check = store.check_register(key)
    assert check.unopenable == (f"Case {case.id} cannot be opened with the school key: it was made before the "
                                "school key was set up, so only both investigators together can open it.",)
    assert check.problems == ()


def test_old_unsigned_entries_stay_readable_marked(store, school) -> None:
    """A register written before entries were signed: read, each entry marked, no problem named."""
    public = school_key.load_public(store.root)
    register.append(store.root, public, case_id="EV-20261101-ABCDEF", event="created", incident="Year 7: x",
                    action="Investigation opened", by="A and B")
    case = make_case(store)
    case.lock()
    check = store.check_register(school)
    assert [e.trust for e in check.entries] == [UNSIGNED, SIGNED]
    assert "unsigned: written before register entries were signed" in register.rows(check.entries)[0][4]
    assert not any("Entry" in p for p in check.problems)


def test_a_changed_signed_entry_does_not_verify(store, school) -> None:
    """The signature covers every field: an entry re-encrypted with a changed action is forged."""
    case = make_case(store)
    case.lock()
    raw = records(store)[0]
    body = raw[4:]
    from evidence_app.school.register import _key  # the coordinator turned forger: re-encrypts a changed entry
    from evidence_app.vault import crypto

    plaintext = crypto.open_sealed(_key(school.shared_secret(body[:32]), body[:32], school.public.public), body[32:],
                                   b"register|0")
    data = json.loads(plaintext)
    data["action"] = "Nothing happened"
    sealed = body[:32] + crypto.seal(_key(school.shared_secret(body[:32]), body[:32], school.public.public),
                                     json.dumps(data).encode(), b"register|0")
    write_records(store, [struct.pack(">I", len(sealed)) + sealed])
    check = store.check_register(school)
    assert check.entries[0].trust == FORGED
    assert any("its signature does not match what it says" in p for p in check.problems)


def test_a_deleted_register_is_found_by_verify(store, school) -> None:
    case = make_case(store)
    (store.root / FILE_NAME).unlink()
    with pytest.raises(TamperDetected) as caught:
        case.verify()
    assert caught.value.detail == ("there is none beside the case, yet the case wrote 1 entry in it: the register "
                                   "was deleted, or the case was copied away from its computer")
    case.lock()


def test_any_flipped_byte_in_the_register_is_named_never_a_crash(tmp_path) -> None:
    """Every byte of a real register, flipped in turn: each time a sentence names the damage."""
    store = make_store(tmp_path / "cases")
    school = store.create_school_key(COORDINATOR, kdf=CHEAP)
    case = make_case(store)
    case.conclude(Conclusion(substance="no", subject="pupil"))
    case.lock()
    path = store.root / FILE_NAME
    genuine = path.read_bytes()
    for offset in range(0, len(genuine), 7):
        damaged = bytearray(genuine)
        damaged[offset] ^= 0x20
        path.write_bytes(bytes(damaged))
        check = store.check_register(school)
        assert check.problems, f"a flipped byte at {offset} went unnoticed"
        assert all(p.endswith(".") for p in check.problems)


def test_junk_records_are_named_quickly(store, school) -> None:
    """Two thousand records of noise after a real entry (written by someone with file access)."""
    import os
    import time

    make_case(store).lock()
    junk = b"".join(struct.pack(">I", 80) + os.urandom(80) for _ in range(2000))
    with (store.root / FILE_NAME).open("ab") as handle:
        handle.write(junk)
    started = time.perf_counter()
    check = store.check_register(school)
    assert time.perf_counter() - started < 30
    assert len(check.entries) == 1 and len(check.problems) == 2000
    assert check.problems[0].startswith("Entry 2 of the register cannot be read with this school key")
