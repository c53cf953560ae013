"""The school policy's rules for passphrases, checked before a case is made.

The seed policy asks for passwords of at least 8 characters mixing letters,
digits and symbols; two investigators must not share one. A passphrase that
meets those rules can still be guessed in a few tries (``Password1!`` does), so
each is also scored by ``zxcvbn`` (an estimate of how many guesses it takes,
which knows common passwords, names, dates, keyboard walks and the words of the
case itself) and refused below :data:`MIN_SCORE`, with zxcvbn's own plain advice.

The second investigator could guess the first one's passphrase from their own
if the two are near-copies (``Password1!`` and ``Password2!``), so
:func:`near_copy_problem` refuses those too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 8
MIN_SCORE = 3          # zxcvbn's scale 0-4; 3 is "safely unguessable: moderate protection from offline attack"
SCORED_CHARS = 100     # zxcvbn's own advice: score the first 100 characters (its time grows with length)
MIN_WORD_CHARS = 3     # shorter words of the case are too common to count as personal
NEAR_COPY_FRACTION = 0.34  # an edit distance below this share of the longer passphrase is a near-copy
COMPARED_CHARS = 256   # edit distance is quadratic; the first 256 characters decide

RULES: tuple[str, ...] = (
    f"at least {MIN_LENGTH} characters",
    "at least one letter",
    "at least one digit",
    "at least one symbol (such as ! ? # or a space)",
    "hard to guess (not a common password, a name or a word of the case)",
)

_WORD = re.compile(r"\w+")


def case_words(*texts: str) -> tuple[str, ...]:
    """The words of the case (names, school, reason, group) that a passphrase should not lean on."""
    words: dict[str, None] = {}
    for text in texts:
        for word in _WORD.findall(text or ""):
            if len(word) >= MIN_WORD_CHARS:
                words.setdefault(word.casefold(), None)
    return tuple(words)


def rule_problems(passphrase: str, *, name: str = "") -> tuple[str, ...]:
    """The policy's own rules (length, letters, digits, symbols, no name), in plain words."""
    problems: list[str] = []
    if len(passphrase) < MIN_LENGTH:
        problems.append(f"it has {len(passphrase)} characters, it needs at least {MIN_LENGTH}")
    if not any(c.isalpha() for c in passphrase):
        problems.append("it needs at least one letter")
    if not any(c.isdigit() for c in passphrase):
        problems.append("it needs at least one digit")
    if not any(not c.isalnum() for c in passphrase):
        problems.append("it needs at least one symbol (such as ! ? # or a space)")
    if passphrase != passphrase.strip():
        problems.append("it starts or ends with a space, which is easy to mistype")
    name_parts = [part for part in name.casefold().split() if len(part) >= 3]
    if any(part in passphrase.casefold() for part in name_parts):
        problems.append("it contains the investigator's own name")
    return tuple(problems)


@dataclass(frozen=True)
class Strength:
    """zxcvbn's estimate: a score from 0 (guessed at once) to 4, its warning and its suggestions."""

    score: int
    warning: str
    suggestions: tuple[str, ...]

    @property
    def strong(self) -> bool:
        return self.score >= MIN_SCORE


def _sentence(text: object) -> str:
    return str(text or "").strip().rstrip(".")


def strength(passphrase: str, words: Iterable[str] = ()) -> Strength:
    """How hard ``passphrase`` is to guess, by zxcvbn, with ``words`` (the case's own) as easy guesses."""
    if not passphrase:
        return Strength(0, "", ())
    result = zxcvbn(passphrase[:SCORED_CHARS], user_inputs=list(words), max_length=SCORED_CHARS)
    feedback = result.get("feedback") or {}
    suggestions = tuple(text for item in feedback.get("suggestions") or () if (text := _sentence(item)))
    return Strength(int(result["score"]), _sentence(feedback.get("warning")), suggestions)


def strength_problems(passphrase: str, words: Iterable[str] = ()) -> tuple[str, ...]:
    """zxcvbn's verdict: empty when it scores :data:`MIN_SCORE` or more, else why and what helps."""
    estimate = strength(passphrase, words)
    if not passphrase or estimate.strong:
        return ()
    advice = [text[0].lower() + text[1:] for text in (estimate.warning, *estimate.suggestions) if text]
    return ("it is too easy to guess", *advice)


def passphrase_problems(passphrase: str, *, name: str = "", words: Iterable[str] = ()) -> tuple[str, ...]:
    """What is wrong with ``passphrase``, in plain words; empty when it is fine.

    ``words`` are the case's own words (:func:`case_words`), scored as easy guesses.
    """
    problems = rule_problems(passphrase, name=name)
    return problems + strength_problems(passphrase, (*case_words(name), *words))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: the fewest single-character insertions, deletions and changes from ``a`` to ``b``."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, 1):
        current = [i]
        for j, right in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right)))
        previous = current
    return previous[-1]


def _skeleton(passphrase: str) -> str:
    """The passphrase with case, digits and spacing ignored: ``Password1!`` and ``password 2!`` match."""
    return re.sub(r"\d+", "#", "".join(passphrase.casefold().split()))


def near_copy_problem(first: str, second: str) -> str:
    """A sentence when one passphrase is (nearly) the other, so that either investigator could guess the other's."""
    a, b = first[:COMPARED_CHARS].casefold(), second[:COMPARED_CHARS].casefold()
    if not a or not b:
        return ""
    refusal = ("The two investigators must each choose their own passphrase, not a variation of the other's: "
               "{why}, so either of you could guess the other's in a few tries.")
    if a == b:
        return refusal.format(why="the two passphrases are the same")
    if a in b or b in a:
        return refusal.format(why="one passphrase contains the other")
    if _skeleton(a) == _skeleton(b):
        return refusal.format(why="the two passphrases differ only in capitals, digits or spaces")
    if edit_distance(a, b) < NEAR_COPY_FRACTION * max(len(a), len(b)):
        return refusal.format(why="the two passphrases differ in only a few characters")
    return ""
