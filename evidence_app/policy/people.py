"""The two investigators the policy requires, and the checks on the pair."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from evidence_app.errors import PolicyError, WeakPassphrase
from evidence_app.policy.passphrases import case_words, near_copy_problem, passphrase_problems

MAX_NAME_CHARS = 200


@dataclass(frozen=True)
class Investigator:
    """A senior member of staff taking part in the review. The passphrase never shows in repr."""

    name: str
    position: str
    passphrase: str = field(repr=False)


def _same_person(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(b.casefold().split())


def check_pair(pair: tuple[Investigator, Investigator], *, words: Iterable[str] = ()) -> None:
    """Raise :class:`PolicyError` (or :class:`WeakPassphrase`) unless the pair may open a case.

    ``words`` are the case's own words (reason, group, school...): a passphrase built from them is weak.
    Both people's names and positions count as such words for both passphrases.
    """
    if len(pair) != 2:
        raise PolicyError("The policy needs exactly two investigators.")
    known = case_words(*(f"{person.name} {person.position}" for person in pair), *words)
    for label, person in zip(("first", "second"), pair):
        if not person.name.strip():
            raise PolicyError(f"Please give the {label} investigator's name.")
        if not person.position.strip():
            raise PolicyError(f"Please give the {label} investigator's position (for example Headteacher).")
        if len(person.name) > MAX_NAME_CHARS or len(person.position) > MAX_NAME_CHARS:
            raise PolicyError(f"The {label} investigator's name or position is longer than "
                              f"{MAX_NAME_CHARS} characters.")
        problems = passphrase_problems(person.passphrase, name=person.name, words=known)
        if problems:
            raise WeakPassphrase(f"{person.name} ({label} investigator)", problems)
    first, second = pair
    if _same_person(first.name, second.name):
        raise PolicyError("The two investigators must be two different people: both have the name "
                          f"{first.name.strip()!r}.")
    near_copy = near_copy_problem(first.passphrase, second.passphrase)
    if near_copy:
        raise PolicyError(near_copy)
