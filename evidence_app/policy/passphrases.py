"""The school policy's rules for passphrases, checked before a case is made.

The seed policy asks for passwords of at least 8 characters mixing letters,
digits and symbols; two investigators must not share one.
"""

from __future__ import annotations

MIN_LENGTH = 8

RULES: tuple[str, ...] = (
    f"at least {MIN_LENGTH} characters",
    "at least one letter",
    "at least one digit",
    "at least one symbol (such as ! ? # or a space)",
)


def passphrase_problems(passphrase: str, *, name: str = "") -> tuple[str, ...]:
    """What is wrong with ``passphrase``, in plain words; empty when it is fine."""
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
