"""The policy's passphrase rules, zxcvbn's strength estimate, and near-copies between the pair."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_app.policy.passphrases import (
    case_words,
    edit_distance,
    near_copy_problem,
    passphrase_problems,
    rule_problems,
)
from tests.helpers.cases import PASS_A, PASS_B


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


@pytest.mark.parametrize("guessable", ["Password1!", "P@ssw0rd123", "Qwerty123!", "Summer2024!", "Welcome1!",
                                       "Abcd1234!", "Liverpool1!"])
def test_common_passwords_that_meet_the_rules_are_refused_with_zxcvbns_advice(guessable: str) -> None:
    assert rule_problems(guessable) == ()
    problems = passphrase_problems(guessable)
    assert problems[0] == "it is too easy to guess", problems
    assert len(problems) >= 2, "zxcvbn's warning or suggestions come with the refusal"


def test_the_cases_own_words_count_as_easy_guesses() -> None:
    words = case_words("Seen on a gambling site in Hillcrest", "Year 9", "St Ambrose Hillcrest Academy")
    assert {"gambling", "hillcrest", "year", "ambrose", "academy"} <= set(words)
    assert passphrase_problems("Hillcrest2026!") == ()  # a stranger's guess list does not hold the school
    assert passphrase_problems("Hillcrest2026!", words=words)[0] == "it is too easy to guess"


def test_the_test_passphrases_are_strong_and_not_near_copies() -> None:
    assert passphrase_problems(PASS_A) == () and passphrase_problems(PASS_B) == ()
    assert near_copy_problem(PASS_A, PASS_B) == ""


@pytest.mark.parametrize("first, second, why", [
    ("Password1!", "Password2!", "capitals, digits or spaces"),
    ("Corr3ct horse battery!", "Corr3ct horse batterz!", "few characters"),
    ("Corr3ct horse battery!", "Corr3ct horse battery!", "the same"),
    ("Corr3ct horse battery!", "CORR3CT HORSE BATTERY!", "the same"),
    ("Corr3ct horse battery!", "Corr3ct horse battery!!2", "contains"),
    ("Tr0ubadour & staple?", "tr0ubadour & staple? and more words 7", "contains"),
    ("Corr3ct horse battery 7!", "corr3ct Horse battery 12!", "capitals, digits or spaces"),
    ("Amber-kettle 1984 pony", "Amber-kettle 2001 pony", "capitals, digits or spaces"),
    ("Corr3ct horse battery!", "Corr3ct hosre bat tery?", "few characters"),
])
def test_near_copies_are_refused_with_a_sentence(first: str, second: str, why: str) -> None:
    sentence = near_copy_problem(first, second)
    assert why in sentence and "guess the other's" in sentence, sentence
    assert near_copy_problem(second, first), "the rule is the same both ways round"


_CHARS = string.ascii_letters + string.digits + "!?#&- "


@st.composite
def _variation(draw: st.DrawFn) -> tuple[str, str]:
    """A passphrase and a small variation of it: case changed, a digit changed, a few characters edited."""
    base = draw(st.text(alphabet=_CHARS, min_size=12, max_size=40))
    changed = list(base)
    if draw(st.booleans()):
        changed = [c.swapcase() if draw(st.booleans()) else c for c in changed]
    edits = draw(st.integers(min_value=1, max_value=max(1, len(base) // 4)))
    for _ in range(edits):
        position = draw(st.integers(min_value=0, max_value=len(changed)))
        action = draw(st.sampled_from(("insert", "delete", "replace")))
        if action == "insert" or not changed or position == len(changed):
            changed.insert(position, draw(st.sampled_from(_CHARS)))
        elif action == "delete":
            del changed[position]
        else:
            changed[position] = draw(st.sampled_from(_CHARS))
    return base, "".join(changed)


@settings(max_examples=300, deadline=None)
@given(_variation())
def test_any_small_variation_of_a_passphrase_is_a_near_copy(pair: tuple[str, str]) -> None:
    first, second = pair
    assert near_copy_problem(first, second), (first, second)


_WORDS = ("amber", "kettle", "glacier", "pony", "violin", "thimble", "orchard", "walrus", "quartz", "saffron",
          "lantern", "meadow", "cobalt", "pickle", "harbour", "tundra", "falcon", "ginger", "nimbus", "otter")


@settings(max_examples=200, deadline=None)
@given(st.permutations(_WORDS), st.integers(0, 99), st.integers(0, 99))
def test_two_passphrases_chosen_apart_are_not_near_copies(words: list[str], n: int, m: int) -> None:
    first = f"{words[0]} {words[1]} {words[2]} {n}!"
    second = f"{words[3]}-{words[4]}-{words[5]} {m}?"
    assert near_copy_problem(first, second) == ""


@given(st.text(max_size=30), st.text(max_size=30))
def test_the_edit_distance_is_a_distance(a: str, b: str) -> None:
    assert edit_distance(a, b) == edit_distance(b, a)
    assert (edit_distance(a, b) == 0) == (a == b)
    assert abs(len(a) - len(b)) <= edit_distance(a, b) <= max(len(a), len(b))


@given(st.text(min_size=8).filter(lambda s: s == s.strip()))
def test_any_passphrase_with_all_three_classes_meets_the_schools_own_rules(text: str) -> None:
    assert rule_problems(text + "a1!") == ()
