"""The policy's passphrase rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence_app.policy.passphrases import passphrase_problems


@pytest.mark.parametrize("passphrase, fragment", [
    ("Ab1!", "at least 8"),
    ("abcdefgh1", "symbol"),
    ("abcdefgh!", "digit"),
    ("12345678!", "letter"),
    (" Abcdef1!", "space"),
])
def test_weak_passphrases_are_refused_with_the_reason(passphrase: str, fragment: str) -> None:
    problems = passphrase_problems(passphrase)
    assert any(fragment in problem for problem in problems), problems


def test_a_passphrase_holding_the_own_name_is_refused() -> None:
    assert passphrase_problems("Hughes-2024!", name="Alice Hughes")
    assert passphrase_problems("Hughes-2024!", name="Bartosz Nowak") == ()


def test_letters_digits_and_symbols_pass() -> None:
    assert passphrase_problems("Corr3ct horse battery!") == ()
    assert passphrase_problems("Żółć-gęś 42") == ()


@given(st.text(min_size=8).filter(lambda s: s == s.strip()))
def test_any_passphrase_with_all_three_classes_passes(text: str) -> None:
    candidate = text + "a1!"
    assert passphrase_problems(candidate) == ()
