"""The designated computer: a secret that stays on it, and a per-case fingerprint made from it.

A case remembers the computer it was made on. Since 29 November 2026 it does so by a
per-case fingerprint, ``v2:`` and the HMAC-SHA256 of the case id under this computer's
*designation secret*: 32 random bytes made once per computer and kept where a copy of the
case folder does not take them:

- Windows: sealed with DPAPI in machine scope (``CryptProtectData`` with
  ``CRYPTPROTECT_LOCAL_MACHINE``) in ``C:\\ProgramData\\Evidence App\\designation.secret``:
  the file copied to another computer does not unseal there.
- Linux and others: a file readable by its owner only (``0600``), in
  ``/var/lib/evidence-app`` when the application runs as root, else in the account's own
  data folder.

So the fingerprint in a case's header says nothing about the computer, differs from case
to case, and cannot be turned into a ``Machine`` that passes: the check needs the secret.

What it does not protect against (stated in the README and where the app explains the
designated computer): someone who copies the secret itself as well, which takes an
administrator on Windows (code run as the computer) or root on Linux, or the account's
own files when the secret is kept per account; and anyone who has both passphrases and
runs their own code, who can open the case read-only anywhere anyway. Cases made before
the secret existed keep the old fingerprint (the same for every case of a computer) and
still open on their computer; for them a copied folder opened with a made-up ``Machine``
carrying that fingerprint still opens writable: the limit of those old cases.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import platform
import secrets
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

_DOMAIN = b"evidence-app/machine/v1\0"
_CASE_DOMAIN = b"evidence-app/machine/v2/case\0"
_TEST_DOMAIN = b"evidence-app/machine/v2/stand-in\0"
PREFIX = "v2:"
SECRET_FILE = "designation.secret"
SECRET_ENV = "EVIDENCE_APP_DESIGNATION_SECRET"  # another place for the secret file (tests, unusual installs)
SECRET_BYTES = 32
_DPAPI_MAGIC = b"EVDPAPI1"


class DesignationSecretError(OSError):
    """The designation secret could not be made or read (raised as a storage problem by callers)."""


@dataclass(frozen=True)
class Machine:
    """This computer (or, in tests, a stand-in for another one).

    ``fingerprint`` is the old, computer-wide fingerprint (cases made before the secret);
    ``secret`` is the designation secret, from which each case's fingerprint is made.
    """

    fingerprint: str
    name: str
    secret: bytes = field(default=b"", repr=False, compare=False)

    @classmethod
    def this(cls, secret_file: Path | None = None) -> Machine:
        """This computer, with its designation secret (made at first use).

        When the secret can be neither read nor made (a read-only disk, a damaged file, another
        computer's sealed file), the computer has none: new cases then record the old form, and
        cases made with the secret open read-only, as on any other computer.
        """
        try:
            secret = designation_secret(secret_file or default_secret_file())
        except OSError:
            secret = b""
        return cls(fingerprint=_legacy(_machine_identifier()), name=socket.gethostname() or "this computer",
                   secret=secret)

    @classmethod
    def from_identifier(cls, identifier: str, name: str) -> Machine:
        """A stand-in computer for tests: its secret is derived from ``identifier``."""
        secret = hashlib.sha256(_TEST_DOMAIN + identifier.strip().encode("utf-8")).digest()
        return cls(fingerprint=_legacy(identifier), name=name, secret=secret)

    def case_fingerprint(self, case_id: str) -> str:
        """What a new case's header records: ``v2:`` and a per-case HMAC under the secret."""
        if not self.secret:
            return self.fingerprint  # no secret (a stand-in made by hand): the old form
        return PREFIX + hmac.new(self.secret, _CASE_DOMAIN + case_id.encode("ascii"), hashlib.sha256).hexdigest()

    def designates(self, recorded: str, case_id: str) -> bool:
        """Whether this is the computer a case's header names (per-case form, or the old one)."""
        if recorded.startswith(PREFIX):
            return bool(self.secret) and hmac.compare_digest(recorded, self.case_fingerprint(case_id))
        return hmac.compare_digest(recorded, self.fingerprint)


def _legacy(identifier: str) -> str:
    return hashlib.sha256(_DOMAIN + identifier.strip().encode("utf-8")).hexdigest()


def default_secret_file() -> Path:
    """Where this computer's designation secret is kept (see the module's text)."""
    override = os.environ.get(SECRET_ENV, "")
    if override:
        return Path(override)
    if sys.platform == "win32":
        base = Path(os.environ.get("PROGRAMDATA") or r"C:\ProgramData")
        return base / "Evidence App" / SECRET_FILE
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/evidence-app") / SECRET_FILE
    from platformdirs import user_data_path

    return user_data_path("Evidence App", appauthor=False) / SECRET_FILE


def designation_secret(path: Path) -> bytes:
    """The secret in ``path``, made there (durably, private) the first time."""
    try:
        return _unseal(path.read_bytes())
    except FileNotFoundError:
        pass
    secret = secrets.token_bytes(SECRET_BYTES)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except FileExistsError:  # another window made it first
        return _unseal(path.read_bytes())
    try:
        os.write(fd, _seal(secret))
        os.fsync(fd)
    finally:
        os.close(fd)
    return secret


def _seal(secret: bytes) -> bytes:
    if sys.platform == "win32":
        return _DPAPI_MAGIC + _dpapi(secret, protect=True)
    return secret


def _unseal(stored: bytes) -> bytes:
    if stored.startswith(_DPAPI_MAGIC):
        if sys.platform != "win32":
            raise DesignationSecretError("The designation secret was sealed by another computer's Windows.")
        stored = _dpapi(stored[len(_DPAPI_MAGIC):], protect=False)
    if len(stored) != SECRET_BYTES:
        raise DesignationSecretError("The designation secret file is damaged.")
    return stored


def _dpapi(data: bytes, *, protect: bool) -> bytes:
    """DPAPI in machine scope: sealed here, only this computer unseals it (any account on it)."""
    import ctypes
    from ctypes import wintypes

    class Blob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    crypt32 = ctypes.WinDLL("crypt32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    buffer = ctypes.create_string_buffer(data, len(data))
    given = Blob(len(data), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char)))
    out = Blob()
    ui_forbidden, local_machine = 0x1, 0x4
    if protect:
        ok = crypt32.CryptProtectData(ctypes.byref(given), "Evidence App designation", None, None, None,
                                      ui_forbidden | local_machine, ctypes.byref(out))
    else:
        ok = crypt32.CryptUnprotectData(ctypes.byref(given), None, None, None, None, ui_forbidden,
                                        ctypes.byref(out))
    if not ok:
        raise DesignationSecretError(f"Windows could not {'seal' if protect else 'unseal'} the designation "
                                     f"secret (error {ctypes.get_last_error()}).")
    try:
        return ctypes.string_at(out.pbData, out.cbData)
    finally:
        kernel32.LocalFree(out.pbData)


def _machine_identifier() -> str:
    if sys.platform.startswith("linux"):
        for candidate in (Path("/etc/machine-id"), Path("/var/lib/dbus/machine-id")):
            try:
                text = candidate.read_text(encoding="ascii").strip()
            except OSError:
                continue
            if text:
                return "linux:" + text
    elif sys.platform == "win32":
        try:
            import winreg

            with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, r"SOFTWARE\Microsoft\Cryptography",
                                0, winreg.KEY_READ | winreg.KEY_WOW64_64KEY) as key:
                return "windows:" + str(winreg.QueryValueEx(key, "MachineGuid")[0])
        except OSError:
            pass
    elif sys.platform == "darwin":
        try:
            out = subprocess.run(["ioreg", "-rd1", "-c", "IOPlatformExpertDevice"],
                                 capture_output=True, text=True, timeout=5, check=False).stdout
            for line in out.splitlines():
                if "IOPlatformUUID" in line:
                    return "mac:" + line.split("=")[-1].strip().strip('"')
        except (OSError, subprocess.SubprocessError):
            pass
    # Last resort: the network card's address, with the host name.
    return f"fallback:{uuid.getnode():012x}:{platform.node()}:{os.name}"
