"""The case's own signing key and the forms kept in the vault."""

from __future__ import annotations

import hashlib

import pytest

from evidence_app import InvalidInput, Kind
from evidence_app.vault.signing import fingerprint_of, verify_signature
from tests.helpers.cases import PASSPHRASES, make_case


def test_each_case_has_its_own_key_with_a_certificate(store, case) -> None:
    key = case.signing_key
    signature = key.sign(b"tag manifest")
    assert verify_signature(key.public_raw, signature, b"tag manifest")
    assert not verify_signature(key.public_raw, signature, b"tag manifesto")
    assert f"CN=Evidence App case {case.id}" in key.certificate.subject.rfc4514_string()
    assert key.fingerprint == fingerprint_of(key.public_raw) and len(key.fingerprint.split()) == 16
    other = make_case(store)
    assert other.signing_key.public_raw != key.public_raw
    other.lock()


def test_the_key_survives_reopening_and_its_private_part_is_never_in_the_journal(store, case) -> None:
    public = case.signing_key.public_raw
    private = case.signing_key.private_raw
    case.lock()
    reopened = store.open(case.id, PASSPHRASES)
    assert reopened.signing_key.public_raw == public
    assert all(private.hex() not in e.line.decode() for e in reopened.events())
    key_event = [e for e in reopened.events() if e.kind == Kind.KEY][0]
    assert key_event.seq == 1 and key_event.data["fingerprint"] == reopened.signing_key.fingerprint
    reopened.lock()


def test_forms_are_kept_with_their_hash(case) -> None:
    pdf = b"%PDF-1.7\n% a form\n%%EOF\n"
    event = case.add_form(pdf)
    assert event.data["sha256"] == hashlib.sha256(pdf).hexdigest() and event.data["id"] == "F0001"
    assert case.read_blob_of(event) == pdf
    with pytest.raises(InvalidInput):
        case.add_form(b"not a pdf")
    case.verify()
