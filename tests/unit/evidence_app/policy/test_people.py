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


def test_password1_is_refused_for_either_investigator() -> None:
    """The review's attack: the other investigator guessed ``Password1!`` offline in 11 tries."""
    guessable = Investigator("Carys Jones", "Deputy head", "Password1!")
    for pair in ((ALICE, guessable), (guessable, BOB)):
        with pytest.raises(WeakPassphrase) as caught:
            check_pair(pair)
        assert "Carys Jones" in str(caught.value) and "too easy to guess" in str(caught.value)


def test_a_near_copy_of_the_other_investigators_passphrase_is_refused() -> None:
    first = Investigator("Alice Hughes", "Headteacher", "Amber-kettle 1984 pony")
    second = Investigator("Dewi Price", "Deputy head", "amber-kettle 1985 Pony")
    with pytest.raises(PolicyError, match="variation of the other's"):
        check_pair((first, second))


def test_the_other_investigators_name_and_the_cases_words_are_easy_guesses() -> None:
    leaning = Investigator("Dewi Price", "Deputy head", "Hillcrest2026!")
    check_pair((ALICE, leaning))
    with pytest.raises(WeakPassphrase, match="too easy to guess"):
        check_pair((ALICE, leaning), words=("hillcrest",))
