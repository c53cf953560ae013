"""Our age implementation against Debian's age, both ways, and its failure modes."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_app.export import age
from tests.helpers.age_tool import run_with_tty

AGE = shutil.which("age")
needs_age = pytest.mark.skipif(AGE is None, reason="Debian's age is not installed (scripts/setup installs it)")
SIZES = [0, 1, 1000, age.CHUNK - 1, age.CHUNK, age.CHUNK + 1, 2 * age.CHUNK, 3 * age.CHUNK + 17]


@pytest.fixture
def identity(tmp_path: Path) -> tuple[age.Identity, Path]:
    ident = age.Identity.generate()
    key_file = tmp_path / "key.txt"
    key_file.write_text(f"# created by the test\n{ident.to_text()}\n")
    return ident, key_file


@needs_age
@pytest.mark.parametrize("size", SIZES)
def test_debian_age_decrypts_what_we_encrypt(tmp_path: Path, identity, size: int) -> None:
    ident, key_file = identity
    data = os.urandom(size)
    (tmp_path / "f.age").write_bytes(age.encrypt_bytes(data, recipient=ident.recipient))
    result = subprocess.run([AGE, "-d", "-i", str(key_file), str(tmp_path / "f.age")], capture_output=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout == data


@needs_age
@pytest.mark.parametrize("size", SIZES)
def test_we_decrypt_what_debian_age_encrypts(tmp_path: Path, identity, size: int) -> None:
    ident, _ = identity
    data = os.urandom(size)
    result = subprocess.run([AGE, "-r", ident.recipient_text()], input=data, capture_output=True)
    assert result.returncode == 0, result.stderr
    assert age.decrypt_bytes(result.stdout, identity=ident) == data


@needs_age
def test_keys_match_age_keygen(tmp_path: Path) -> None:
    subprocess.run(["age-keygen", "-o", str(tmp_path / "k.txt")], check=True, capture_output=True)
    text = (tmp_path / "k.txt").read_text()
    public = [line.split()[-1] for line in text.splitlines() if "public key" in line][0]
    assert age.Identity.parse(text).recipient_text() == public


@needs_age
def test_debian_age_opens_our_passphrase_file_and_refuses_a_wrong_passphrase(tmp_path: Path) -> None:
    (tmp_path / "p.age").write_bytes(age.encrypt_bytes(b"the identity", passphrase="tiger-orbit-lemon-crane"))
    code, screen = run_with_tty([AGE, "-d", "-o", "out.txt", "p.age"], "tiger-orbit-lemon-crane", tmp_path)
    assert code == 0, screen
    assert (tmp_path / "out.txt").read_bytes() == b"the identity"
    code, screen = run_with_tty([AGE, "-d", "-o", "bad.txt", "p.age"], "tiger-orbit-lemon-crab", tmp_path)
    assert code != 0 and "incorrect passphrase" in screen


def test_a_wrong_passphrase_or_key_is_refused() -> None:
    sealed = age.encrypt_bytes(b"x", passphrase="right passphrase", scrypt_log_n=10)
    with pytest.raises(age.AgeError, match="passphrase is wrong"):
        age.decrypt_bytes(sealed, passphrase="wrong passphrase")
    boxed = age.encrypt_bytes(b"x", recipient=age.Identity.generate().recipient)
    with pytest.raises(age.AgeError, match="No key"):
        age.decrypt_bytes(boxed, identity=age.Identity.generate())


def test_cut_short_reordered_extended_or_flipped_files_fail(identity) -> None:
    ident, _ = identity
    data = os.urandom(3 * age.CHUNK + 100)
    sealed = age.encrypt_bytes(data, recipient=ident.recipient)
    header_end = sealed.index(b"\n---") + 1
    header_end = sealed.index(b"\n", header_end) + 1 + 16
    chunk = age.CHUNK + age.TAG
    body = sealed[header_end:]
    chunks = [body[i: i + chunk] for i in range(0, len(body), chunk)]
    variants = {
        "cut at a chunk boundary": sealed[: header_end + 2 * chunk],
        "cut mid-chunk": sealed[:-50],
        "chunks swapped": sealed[:header_end] + chunks[1] + chunks[0] + b"".join(chunks[2:]),
        "data appended": sealed + b"more",
        "last chunk dropped": sealed[:header_end] + b"".join(chunks[:-1]),
        "nonce changed": sealed[: header_end - 1] + bytes([sealed[header_end - 1] ^ 1]) + body,
        "header changed": sealed.replace(b"X25519", b"X25518", 1),
    }
    for name, damaged in variants.items():
        with pytest.raises(age.AgeError):
            age.decrypt_bytes(damaged, identity=ident)
    assert age.decrypt_bytes(sealed, identity=ident) == data


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=3000), st.integers(min_value=0, max_value=10_000))
def test_a_flipped_byte_anywhere_is_caught(data: bytes, where: int) -> None:
    ident = age.Identity.generate()
    sealed = bytearray(age.encrypt_bytes(data, recipient=ident.recipient))
    sealed[where % len(sealed)] ^= 0x04
    with pytest.raises(age.AgeError):
        age.decrypt_bytes(bytes(sealed), identity=ident)


def test_streaming_encryption_keeps_memory_to_a_chunk() -> None:
    out = io.BytesIO()
    ident = age.Identity.generate()
    stream = age.Encryptor(out, recipient=ident.recipient)
    for _ in range(50):
        stream.write(os.urandom(10_000))
        assert stream.buffered_bytes <= age.PIPE_BYTES + 10_000
    stream.close()
    assert len(age.decrypt_bytes(out.getvalue(), identity=ident)) == 500_000


def test_bech32_rejects_typos() -> None:
    text = age.Identity.generate().to_text()
    typo = text[:-3] + ("Q" if text[-3] != "Q" else "P") + text[-2:]
    with pytest.raises(age.AgeError):
        age.Identity.parse(typo)
