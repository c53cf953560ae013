"""The age v1 file format (age-encryption.org/v1), so the police can use the standard tool.

Two recipient kinds, as the export needs them:

* X25519: the evidence file is encrypted to a fresh X25519 identity;
* scrypt: that identity's text is encrypted with the officer's passphrase.

Encryption and decryption both stream in 64 KiB chunks (ChaCha20-Poly1305,
STREAM construction), so memory stays flat whatever the size. Truncation,
re-ordered or altered chunks, and data after the last chunk are errors, never a
partial success. Checked against Debian's ``age`` in the tests, both ways.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from evidence_app.errors import EvidenceError

INTRO = b"age-encryption.org/v1\n"
CHUNK = 64 * 1024
TAG = 16
SCRYPT_LOG_N = 18          # age's own default; its decrypter accepts up to 22
EXPORT_SCRYPT_LOG_N = 16   # the officer's key file: 64 MiB, a quarter second. The six generated words
                           # carry 66 bits, which is what protects it; this cost keeps export and
                           # verify under 200 MB beside a full-size form.
SCRYPT_MAX_LOG_N = 22
_X25519_INFO = b"age-encryption.org/v1/X25519"
_SCRYPT_LABEL = b"age-encryption.org/v1/scrypt"


class AgeError(EvidenceError):
    """An age file that cannot be decrypted: wrong key or passphrase, damaged or cut short."""


# --------------------------------------------------------------------------- bech32

_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values: list[int]) -> int:
    generator = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    checksum = 1
    for value in values:
        top = checksum >> 25
        checksum = (checksum & 0x1FFFFFF) << 5 ^ value
        for i in range(5):
            checksum ^= generator[i] if (top >> i) & 1 else 0
    return checksum


def _hrp_expand(hrp: str) -> list[int]:
    return [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]


def _convert_bits(data: bytes | list[int], from_bits: int, to_bits: int, pad: bool) -> list[int]:
    accumulator, bits, out = 0, 0, []
    maximum = (1 << to_bits) - 1
    for value in data:
        accumulator = (accumulator << from_bits) | value
        bits += from_bits
        while bits >= to_bits:
            bits -= to_bits
            out.append((accumulator >> bits) & maximum)
    if pad and bits:
        out.append((accumulator << (to_bits - bits)) & maximum)
    elif not pad and (bits >= from_bits or (accumulator << (to_bits - bits)) & maximum):
        raise AgeError("The key is not valid bech32.")
    return out


def bech32_encode(hrp: str, data: bytes) -> str:
    hrp = hrp.lower()
    values = _convert_bits(data, 8, 5, True)
    polymod = _polymod(_hrp_expand(hrp) + values + [0] * 6) ^ 1
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(_CHARSET[v] for v in values + checksum)


def bech32_decode(text: str) -> tuple[str, bytes]:
    if text.lower() != text and text.upper() != text:
        raise AgeError("The key mixes upper and lower case.")
    text = text.lower()
    hrp, _, rest = text.rpartition("1")
    if not hrp or len(rest) < 6 or any(c not in _CHARSET for c in rest):
        raise AgeError("The key is not valid bech32.")
    values = [_CHARSET.index(c) for c in rest]
    if _polymod(_hrp_expand(hrp) + values) != 1:
        raise AgeError("The key's checksum is wrong: it was mistyped or damaged.")
    return hrp, bytes(_convert_bits(values[:-6], 5, 8, False))


# --------------------------------------------------------------------------- keys

@dataclass(frozen=True)
class Identity:
    """An X25519 age identity (``AGE-SECRET-KEY-1...``)."""

    secret: bytes = field(repr=False)

    @classmethod
    def generate(cls) -> Identity:
        key = X25519PrivateKey.generate()
        return cls(key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                     serialization.NoEncryption()))

    @classmethod
    def parse(cls, text: str) -> Identity:
        for line in text.splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                hrp, data = bech32_decode(line)
                if hrp != "age-secret-key-" or len(data) != 32:
                    raise AgeError("That is not an age identity.")
                return cls(data)
        raise AgeError("The identity file holds no key.")

    @property
    def recipient(self) -> bytes:
        return X25519PrivateKey.from_private_bytes(self.secret).public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    def to_text(self) -> str:
        return bech32_encode("age-secret-key-", self.secret).upper()

    def recipient_text(self) -> str:
        return bech32_encode("age", self.recipient)


# --------------------------------------------------------------------------- header

def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    if "=" in text or "\n" in text or "\r" in text:
        raise AgeError("The age header is malformed.")
    try:
        return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except ValueError:
        raise AgeError("The age header is malformed.") from None


def _hkdf(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(ikm)


def _wrap(key: bytes, file_key: bytes) -> bytes:
    return ChaCha20Poly1305(key).encrypt(b"\0" * 12, file_key, None)


def _unwrap(key: bytes, body: bytes) -> bytes | None:
    if len(body) != 32:
        raise AgeError("The age header is malformed.")
    try:
        return ChaCha20Poly1305(key).decrypt(b"\0" * 12, body, None)
    except InvalidTag:
        return None


def _stanza(args: list[str], body: bytes) -> bytes:
    encoded = _b64(body)
    lines = [encoded[i: i + 64] for i in range(0, len(encoded), 64)]
    if not lines or len(lines[-1]) == 64:
        lines.append("")
    return ("-> " + " ".join(args) + "\n" + "\n".join(lines) + "\n").encode("ascii")


def _scrypt_key(passphrase: str, salt: bytes, log_n: int) -> bytes:
    return Scrypt(salt=_SCRYPT_LABEL + salt, length=32, n=2 ** log_n, r=8, p=1).derive(passphrase.encode("utf-8"))


def _header(file_key: bytes, stanzas: list[bytes]) -> bytes:
    without_mac = INTRO + b"".join(stanzas) + b"---"
    mac = hmac.new(_hkdf(file_key, b"", b"header"), without_mac, hashlib.sha256).digest()
    return without_mac + b" " + _b64(mac).encode("ascii") + b"\n"


def _x25519_stanza(file_key: bytes, recipient: bytes) -> bytes:
    ephemeral = X25519PrivateKey.generate()
    share = ephemeral.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient))
    return _stanza(["X25519", _b64(share)], _wrap(_hkdf(shared, share + recipient, _X25519_INFO), file_key))


def _scrypt_stanza(file_key: bytes, passphrase: str, log_n: int) -> bytes:
    salt = os.urandom(16)
    return _stanza(["scrypt", _b64(salt), str(log_n)], _wrap(_scrypt_key(passphrase, salt, log_n), file_key))


@dataclass(frozen=True)
class _Stanza:
    args: tuple[str, ...]
    body: bytes


def _read_header(source: BinaryIO) -> tuple[list[_Stanza], bytes, bytes]:
    """The stanzas, the header bytes the MAC covers, and the MAC."""
    def line() -> bytes:
        text = source.readline(4096)
        if not text.endswith(b"\n"):
            raise AgeError("This is not an age file, or its header is cut short.")
        return text

    covered = line()
    if covered != INTRO:
        raise AgeError("This is not an age file (version line missing).")
    stanzas = []
    current = line()
    while current.startswith(b"-> "):
        covered += current
        args = tuple(current[3:-1].decode("ascii", "replace").split(" "))
        body = b""
        while True:
            body_line = line()
            covered += body_line
            body += body_line[:-1]
            if len(body_line) - 1 < 64:
                break
        stanzas.append(_Stanza(args, _unb64(body.decode("ascii", "replace"))))
        current = line()
    if not current.startswith(b"--- "):
        raise AgeError("The age header is malformed.")
    covered += b"---"
    return stanzas, covered, _unb64(current[4:-1].decode("ascii", "replace"))


def _file_key_for(stanzas: list[_Stanza], identity: Identity | None, passphrase: str | None) -> bytes:
    for stanza in stanzas:
        if identity is not None and stanza.args[0] == "X25519" and len(stanza.args) == 2:
            share = _unb64(stanza.args[1])
            if len(share) != 32:
                raise AgeError("The age header is malformed.")
            shared = X25519PrivateKey.from_private_bytes(identity.secret).exchange(
                X25519PublicKey.from_public_bytes(share))
            found = _unwrap(_hkdf(shared, share + identity.recipient, _X25519_INFO), stanza.body)
            if found is not None:
                return found
        if passphrase is not None and stanza.args[0] == "scrypt" and len(stanza.args) == 3:
            if len(stanzas) != 1:
                raise AgeError("A passphrase-encrypted age file must have one recipient only.")
            log_n = int(stanza.args[2]) if stanza.args[2].isdigit() else 0
            if not 1 <= log_n <= SCRYPT_MAX_LOG_N:
                raise AgeError(f"The passphrase cost (2^{stanza.args[2]}) is out of range.")
            found = _unwrap(_scrypt_key(passphrase, _unb64(stanza.args[1]), log_n), stanza.body)
            if found is not None:
                return found
            raise AgeError("The passphrase is wrong.")
    raise AgeError("No key that can open this file was given (wrong key file or passphrase).")


# --------------------------------------------------------------------------- streams

class Encryptor:
    """A writable stream: bytes written are encrypted to ``target``; call :meth:`close` to finish."""

    def __init__(self, target: BinaryIO, *, recipient: bytes | None = None, passphrase: str | None = None,
                 scrypt_log_n: int = SCRYPT_LOG_N) -> None:
        file_key = os.urandom(16)
        if recipient is not None:
            stanza = _x25519_stanza(file_key, recipient)
        elif passphrase is not None:
            stanza = _scrypt_stanza(file_key, passphrase, scrypt_log_n)
        else:
            raise ValueError("a recipient or a passphrase is needed")
        nonce = os.urandom(16)
        target.write(_header(file_key, [stanza]) + nonce)
        self._aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
        self._target = target
        self._buffer = bytearray()
        self._counter = 0
        self.plaintext_bytes = 0

    def _seal(self, chunk: bytes | memoryview, last: bool) -> None:
        nonce = self._counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
        self._target.write(self._aead.encrypt(nonce, chunk, None))
        self._counter += 1

    def write(self, data: bytes) -> int:
        buffer = self._buffer
        buffer += data
        self.plaintext_bytes += len(data)
        # Keep at least one byte back: the last chunk must be sealed as the last.
        start = 0
        with memoryview(buffer) as view:
            while len(buffer) - start > CHUNK:
                self._seal(view[start: start + CHUNK], last=False)
                start += CHUNK
        del buffer[:start]
        return len(data)

    def close(self) -> None:
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()


def decrypt_chunks(source: BinaryIO, *, identity: Identity | None = None,
                   passphrase: str | None = None) -> Iterator[bytes]:
    """Yield the plaintext of an age file chunk by chunk; :class:`AgeError` at the first fault."""
    stanzas, covered, mac = _read_header(source)
    file_key = _file_key_for(stanzas, identity, passphrase)
    expected = hmac.new(_hkdf(file_key, b"", b"header"), covered, hashlib.sha256).digest()
    if not hmac.compare_digest(expected, mac):
        raise AgeError("The age header has been altered.")
    nonce = source.read(16)
    if len(nonce) != 16:
        raise AgeError("The age file is cut short.")
    aead = ChaCha20Poly1305(_hkdf(file_key, nonce, b"payload"))
    counter = 0
    pending = source.read(CHUNK + TAG)
    while True:
        following = source.read(CHUNK + TAG) if len(pending) == CHUNK + TAG else b""
        last = not following
        if len(pending) < TAG or (counter > 0 and last and len(pending) == TAG):
            raise AgeError("The age file is cut short or damaged.")
        try:
            chunk = aead.decrypt(counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00"), pending, None)
        except InvalidTag:
            raise AgeError(f"The age file is damaged, cut short or re-ordered (at chunk {counter}).") from None
        yield chunk
        if last:
            return
        counter += 1
        pending = following


def decrypt_bytes(data: bytes, *, identity: Identity | None = None, passphrase: str | None = None) -> bytes:
    import io

    return b"".join(decrypt_chunks(io.BytesIO(data), identity=identity, passphrase=passphrase))


def encrypt_bytes(data: bytes, *, recipient: bytes | None = None, passphrase: str | None = None,
                  scrypt_log_n: int = SCRYPT_LOG_N) -> bytes:
    import io

    out = io.BytesIO()
    stream = Encryptor(out, recipient=recipient, passphrase=passphrase, scrypt_log_n=scrypt_log_n)
    stream.write(data)
    stream.close()
    return out.getvalue()
