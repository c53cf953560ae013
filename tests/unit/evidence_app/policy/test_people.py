"""The pair: two different people, two strong and different passphrases."""

from __future__ import annotations

import pytest

from evidence_app import Investigator, PolicyError, WeakPassphrase
from evidence_app.policy.people import check_pair
from tests.helpers.cases import ALICE, BOB


def test_a_good_pair_passes() -> None:
    check_pair((ALICE, BOB))


def test_the_passphrase_never_shows_in_repr() -> None:
    assert ALICE.passphrase not in repr(ALICE)


def test_a_weak_passphrase_names_who_and_why() -> None:
    weak = Investigator("Carys Jones", "Deputy head", "password")
    with pytest.raises(WeakPassphrase) as caught:
        check_pair((ALICE, weak))
    assert "Carys Jones" in str(caught.value)
    assert "digit" in str(caught.value)


def test_the_same_person_twice_is_refused() -> None:
    twin = Investigator("  alice   HUGHES ", "Deputy", "An0ther pass!")
    with pytest.raises(PolicyError, match="two different people"):
        check_pair((ALICE, twin))


def test_identical_passphrases_are_refused() -> None:
    copycat = Investigator("Dewi Price", "Deputy head", ALICE.passphrase)
    with pytest.raises(PolicyError, match="own passphrase"):
        check_pair((ALICE, copycat))


@pytest.mark.parametrize("name, position", [("", "Head"), ("Dewi", " "), ("x" * 201, "Head")])
def test_names_and_positions_are_required_and_bounded(name: str, position: str) -> None:
    with pytest.raises(PolicyError):
        check_pair((ALICE, Investigator(name, position, "An0ther pass!")))
