"""The designated computer: a per-case fingerprint from a secret that stays on the computer.

The attacks copy a case folder to another computer and open it there with a ``Machine`` made to
pass: carrying the header's fingerprint, or this computer's old (computer-wide) fingerprint.
One test pins the documented limit: a copy of the secret itself passes.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys

import pytest

from evidence_app import CaseStore, Machine, WrongMachine
from evidence_app.vault.header import Header
from evidence_app.vault.machine import PREFIX, SECRET_BYTES, SECRET_FILE, designation_secret
from tests.helpers.cases import OTHER_MACHINE, PASSPHRASES, THIS_MACHINE, make_case, make_store


def copied(store: CaseStore, case_id: str, tmp_path, machine: Machine) -> CaseStore:
    """The case folder copied to "another computer" (another case folder, another Machine)."""
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(store.root / case_id, elsewhere / case_id)
    return CaseStore(elsewhere, machine=machine)


def test_the_fingerprint_is_per_case_and_says_nothing_of_the_computer(store) -> None:
    first, second = make_case(store), make_case(store)
    recorded = [Header.read(store.root / c.id).machine for c in (first, second)]
    first.lock()
    second.lock()
    assert all(r.startswith(PREFIX) and len(r) == len(PREFIX) + 64 for r in recorded)
    assert recorded[0] != recorded[1]
    assert THIS_MACHINE.fingerprint not in recorded


def test_a_machine_carrying_the_header_fingerprint_opens_read_only(store, tmp_path) -> None:
    """Issue 15, attack 5: the copied folder, opened with a Machine made from the header's own fingerprint."""
    case = make_case(store)
    case.lock()
    forged = Machine(fingerprint=Header.read(store.root / case.id).machine, name="ICT-OFFICE-01")
    elsewhere = copied(store, case.id, tmp_path, forged)
    with pytest.raises(WrongMachine, match="This is not the case's designated computer"):
        elsewhere.open(case.id, PASSPHRASES, writable=True)
    opened = elsewhere.open(case.id, PASSPHRASES)
    assert (opened.designated, opened.read_only) == (False, True)
    opened_event = [e for e in opened.events() if e.kind == "opened"][-1]
    assert opened_event.data["designated"] is False
    opened.lock()


def test_a_machine_with_this_computer_s_old_fingerprint_but_not_its_secret_opens_read_only(store, tmp_path) -> None:
    """The attacker read /etc/machine-id (or the MachineGuid) on the designated computer, not the secret."""
    case = make_case(store)
    case.lock()
    elsewhere = copied(store, case.id, tmp_path, Machine(fingerprint=THIS_MACHINE.fingerprint, name="x"))
    opened = elsewhere.open(case.id, PASSPHRASES)
    assert opened.read_only and not opened.designated
    opened.lock()


def test_another_computer_opens_read_only(store, tmp_path) -> None:
    case = make_case(store)
    case.lock()
    opened = copied(store, case.id, tmp_path, OTHER_MACHINE).open(case.id, PASSPHRASES)
    assert opened.read_only
    opened.lock()


def test_the_secret_is_made_once_private_and_reused(tmp_path) -> None:
    path = tmp_path / "data" / SECRET_FILE
    first = Machine.this(secret_file=path)
    again = Machine.this(secret_file=path)
    assert len(first.secret) == SECRET_BYTES and first.secret == again.secret
    assert first.case_fingerprint("EV-20261129-ABCDEF") == again.case_fingerprint("EV-20261129-ABCDEF")
    assert "secret" not in repr(first)
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_case_made_with_the_secret_is_read_only_on_a_computer_with_another_secret(tmp_path) -> None:
    here = make_store(tmp_path / "cases", Machine.this(secret_file=tmp_path / "here" / SECRET_FILE))
    case = make_case(here)
    case.lock()
    there = Machine.this(secret_file=tmp_path / "there" / SECRET_FILE)  # same OS id, another secret
    assert there.fingerprint == here.machine.fingerprint
    opened = copied(here, case.id, tmp_path, there).open(case.id, PASSPHRASES)
    assert opened.read_only
    opened.lock()
    reopened = here.open(case.id, PASSPHRASES, writable=True)
    assert reopened.designated
    reopened.lock()


def test_limit_a_copy_of_the_secret_itself_passes(tmp_path) -> None:
    """The documented limit: whoever copies the secret file too (root, an administrator, or the account's own
    files when the secret is kept per account) makes another computer the designated one. On Windows the
    DPAPI-sealed file does not unseal elsewhere; this test pins the limit of a plain file."""
    secret_file = tmp_path / "here" / SECRET_FILE
    here = make_store(tmp_path / "cases", Machine.this(secret_file=secret_file))
    case = make_case(here)
    case.lock()
    stolen = tmp_path / "stolen" / SECRET_FILE
    stolen.parent.mkdir()
    shutil.copy2(secret_file, stolen)
    opened = copied(here, case.id, tmp_path, Machine.this(secret_file=stolen)).open(case.id, PASSPHRASES)
    assert opened.designated and not opened.read_only  # the limit, as stated in the README
    opened.lock()


def test_limit_old_cases_keep_the_computer_wide_fingerprint_and_still_open(tmp_path) -> None:
    """Migration: a case made before the secret (its header holds the old fingerprint) opens writable on its
    computer. Its limit: a made-up Machine carrying that fingerprint passes too."""
    old_app = Machine(fingerprint=THIS_MACHINE.fingerprint, name="ICT-OFFICE-01")  # no secret, as before
    store = make_store(tmp_path / "cases", old_app)
    case = make_case(store)
    case.lock()
    assert Header.read(store.root / case.id).machine == THIS_MACHINE.fingerprint
    reopened = make_store(store.root, THIS_MACHINE).open(case.id, PASSPHRASES, writable=True)
    assert reopened.designated
    reopened.lock()
    made_up = Machine(fingerprint=Header.read(store.root / case.id).machine, name="elsewhere")
    opened = copied(store, case.id, tmp_path, made_up).open(case.id, PASSPHRASES)
    assert opened.designated  # the limit of old cases, as stated in the README


def test_no_secret_to_be_had_means_no_computer_is_designated_for_new_cases(tmp_path) -> None:
    """A secret that cannot be read (damaged) gives no secret: the computer falls back, never raises."""
    path = tmp_path / SECRET_FILE
    path.write_bytes(b"short")
    machine = Machine.this(secret_file=path)
    assert machine.secret == b""
    assert not machine.designates(PREFIX + "0" * 64, "EV-20261129-ABCDEF")


@pytest.mark.skipif(sys.platform != "win32", reason="DPAPI is Windows'")
def test_windows_seals_the_secret_with_dpapi_in_machine_scope(tmp_path) -> None:
    path = tmp_path / SECRET_FILE
    secret = designation_secret(path)
    stored = path.read_bytes()
    assert stored.startswith(b"EVDPAPI1") and secret not in stored
    assert designation_secret(path) == secret


def test_the_secret_s_place_can_be_moved_and_tests_never_use_the_computer_s_own(tmp_path, monkeypatch) -> None:
    from evidence_app.vault.machine import SECRET_ENV, default_secret_file

    assert "evidence-app-tests-" in str(default_secret_file())  # set by tests/conftest.py
    monkeypatch.setenv(SECRET_ENV, str(tmp_path / "elsewhere.secret"))
    assert default_secret_file() == tmp_path / "elsewhere.secret"
    assert Machine.this().secret == designation_secret(tmp_path / "elsewhere.secret")
