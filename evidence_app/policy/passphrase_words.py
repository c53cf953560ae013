"""Passphrases for the officer: words that can be read out over the phone.

Six words from the BIP-39 English list (2048 words, each one told apart by
its first four letters) give 66 bits; the age file's scrypt adds the cost.
"""

from __future__ import annotations

import secrets
from functools import lru_cache


@lru_cache(maxsize=1)
def word_list() -> tuple[str, ...]:
    from resources import resource_path

    words = tuple(resource_path("wordlist", "bip39-english.txt").read_text(encoding="ascii").split())
    if len(words) != 2048 or len(set(words)) != 2048:
        raise RuntimeError("the bundled word list is damaged")
    return words


def generate_passphrase(words: int = 6) -> str:
    """Like ``tiger-orbit-lemon-crane-fabric-juice``."""
    choices = word_list()
    return "-".join(secrets.choice(choices) for _ in range(words))
