"""The designated-computer fingerprint.

A case remembers the computer it was made on. The fingerprint is a salted
SHA-256 of the operating system's own machine identifier, so it says nothing
about the computer beyond "same or not".
"""

from __future__ import annotations

import hashlib
import os
import platform
import socket
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

_DOMAIN = b"evidence-app/machine/v1\0"


@dataclass(frozen=True)
class Machine:
    """This computer (or, in tests, a stand-in for another one)."""

    fingerprint: str
    name: str

    @classmethod
    def this(cls) -> Machine:
        return cls.from_identifier(_machine_identifier(), socket.gethostname() or "this computer")

    @classmethod
    def from_identifier(cls, identifier: str, name: str) -> Machine:
        digest = hashlib.sha256(_DOMAIN + identifier.strip().encode("utf-8")).hexdigest()
        return cls(fingerprint=digest, name=name)


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
