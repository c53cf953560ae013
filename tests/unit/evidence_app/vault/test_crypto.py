"""The small cryptographic layers, each alone."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from evidence_app.vault import crypto
from evidence_app.vault.crypto import KdfParams


def test_the_recommended_cost_meets_rfc_9106() -> None:
    params = KdfParams.recommended()
    assert params.memory_kib >= 64 * 1024 and params.iterations >= 3
    assert KdfParams.from_json(params.to_json()) == params


def test_argon2id_depends_on_passphrase_salt_and_cost() -> None:
    cheap = KdfParams.cheap_for_tests()
    salt = b"s" * 16
    key = crypto.derive_passphrase_key("Pass word 1!", salt, cheap)
    assert len(key) == 32
    assert key == crypto.derive_passphrase_key("Pass word 1!", salt, cheap)
    assert key != crypto.derive_passphrase_key("Pass word 2!", salt, cheap)
    assert key != crypto.derive_passphrase_key("Pass word 1!", b"t" * 16, cheap)
    assert key != crypto.derive_passphrase_key("Pass word 1!", salt, KdfParams(128, 1, 1))


def test_composed_and_decomposed_accents_give_the_same_key() -> None:
    cheap = KdfParams.cheap_for_tests()
    assert crypto.derive_passphrase_key("caf\u00e9 12!", b"s" * 16, cheap) == \
        crypto.derive_passphrase_key("cafe\u0301 12!", b"s" * 16, cheap)


@given(st.binary(max_size=2048), st.binary(max_size=64))
def test_seal_round_trips_with_fresh_nonces(plaintext: bytes, associated: bytes) -> None:
    key = b"k" * 32
    first = crypto.seal(key, plaintext, associated)
    second = crypto.seal(key, plaintext, associated)
    assert first[:12] != second[:12]
    assert crypto.open_sealed(key, first, associated) == plaintext


def test_wrong_key_associated_data_or_a_flipped_bit_fail() -> None:
    key = b"k" * 32
    sealed = crypto.seal(key, b"evidence", b"case|0")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(b"j" * 32, sealed, b"case|0")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(key, sealed, b"case|1")
    for position in range(len(sealed)):
        damaged = bytearray(sealed)
        damaged[position] ^= 0x01
        with pytest.raises(crypto.DecryptionFailed):
            crypto.open_sealed(key, bytes(damaged), b"case|0")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.open_sealed(key, sealed[:10], b"case|0")


def test_pair_keys_need_both_halves_in_order() -> None:
    a, b = b"a" * 32, b"b" * 32
    assert crypto.pair_key(a, b, "slot/A+B") != crypto.pair_key(b, a, "slot/A+B")
    assert crypto.pair_key(a, b, "slot/A+B") != crypto.pair_key(a, a, "slot/A+B")
    assert crypto.pair_key(a, b, "slot/A+B") != crypto.pair_key(a, b, "slot/A+S")
