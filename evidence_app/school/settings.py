"""The application's settings on this computer: idle lock, computer, case folder, contacts,
the school's blocklist file, how long cases are kept, an optional time-stamp authority and an
optional time server (NTP: the browser's provenance records the clock's offset from it).

Settings are a frozen :class:`Settings` value saved as JSON: in the computer-wide folder when an
administrator has made one (``C:\\ProgramData\\Evidence App``, :mod:`evidence_app.school.location`),
otherwise in the platform's per-user configuration folder (``user_config_path("Evidence App")``). They hold
nothing about any case: only what the pair would otherwise retype each time
(the computer's name and location) and how the app behaves. Every value is
checked when loaded and before it is saved; a bad value raises
:class:`SettingsError` with a sentence saying which one and why.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence_app.errors import EvidenceError
from evidence_app.school.location import computer_wide_settings
from evidence_app.vault.durable import replace_file, storage_error

if TYPE_CHECKING:
    from evidence_app.policy.blocklist import Blocklist

FILE_NAME = "settings.json"
MIN_IDLE_MINUTES = 1
MAX_IDLE_MINUTES = 60
MAX_TEXT_CHARS = 500
MAX_FILE_BYTES = 64 * 1024
MIN_RETENTION_MONTHS = 1
MAX_RETENTION_MONTHS = 120
DEFAULT_RETENTION_MONTHS = 12


class SettingsError(EvidenceError):
    """The settings file or a value in it is not usable."""


_LABELS = {
    "idle_lock_minutes": "the idle lock time",
    "computer_name": "the computer's name",
    "computer_location": "the computer's location",
    "cases_folder": "the case folder",
    "school_name": "the school's name",
    "safeguarding_lead_contact": "the safeguarding lead's contact",
    "police_contact": "the police contact",
    "local_authority_contact": "the local authority contact",
    "blocklist_file": "the blocklist file",
    "tsa_url": "the time-stamp authority's address",
    "time_server": "the time server",
}
_NUMBERS = ("idle_lock_minutes", "retention_months")


@dataclass(frozen=True)
class Settings:
    """What this computer remembers between sessions. Empty text means "not set"."""

    idle_lock_minutes: int = 5
    computer_name: str = ""
    computer_location: str = ""
    cases_folder: str = ""
    school_name: str = ""
    safeguarding_lead_contact: str = ""
    police_contact: str = ""
    local_authority_contact: str = ""
    blocklist_file: str = ""
    retention_months: int = DEFAULT_RETENTION_MONTHS
    tsa_url: str = ""
    time_server: str = ""  # a time server (NTP): the clock's offset from it goes into the provenance

    def __post_init__(self) -> None:
        minutes = self.idle_lock_minutes
        if isinstance(minutes, bool) or not isinstance(minutes, int):
            raise SettingsError("The idle lock time must be a whole number of minutes.")
        if not MIN_IDLE_MINUTES <= minutes <= MAX_IDLE_MINUTES:
            raise SettingsError(f"The idle lock time must be between {MIN_IDLE_MINUTES} and "
                                f"{MAX_IDLE_MINUTES} minutes; it is {minutes}.")
        months = self.retention_months
        if isinstance(months, bool) or not isinstance(months, int):
            raise SettingsError("The retention period must be a whole number of months.")
        if not MIN_RETENTION_MONTHS <= months <= MAX_RETENTION_MONTHS:
            raise SettingsError(f"The retention period must be between {MIN_RETENTION_MONTHS} and "
                                f"{MAX_RETENTION_MONTHS} months; it is {months}.")
        for item in fields(self):
            if item.name in _NUMBERS:
                continue
            value = getattr(self, item.name)
            label = _LABELS[item.name]
            if not isinstance(value, str):
                raise SettingsError(f"The setting for {label} must be text.")
            if len(value) > MAX_TEXT_CHARS:
                raise SettingsError(f"The setting for {label} is too long ({len(value)} characters); "
                                    f"the limit is {MAX_TEXT_CHARS}.")
            if any(ord(c) < 32 for c in value):
                raise SettingsError(f"The setting for {label} must be on one line.")
        if self.cases_folder and not Path(self.cases_folder).is_absolute():
            raise SettingsError("The case folder must be a full path (for example "
                                f"/home/staff/Cases), not {self.cases_folder!r}.")
        if self.blocklist_file and not Path(self.blocklist_file).is_absolute():
            raise SettingsError("The blocklist file must be a full path (for example "
                                f"/home/staff/blocklist.txt), not {self.blocklist_file!r}.")
        _check_tsa_url(self.tsa_url)
        _check_time_server(self.time_server)

    def check_blocklist(self) -> Blocklist | None:
        """Read the blocklist file named here (None when none is set); :class:`SettingsError` if it is not usable.

        Kept apart from the value checks above so that settings still load when
        the file is missing for a while; the settings dialog calls it before saving.
        """
        if not self.blocklist_file:
            return None
        from evidence_app.policy.blocklist import Blocklist, BlocklistError

        try:
            return Blocklist.from_file(self.blocklist_file)
        except BlocklistError as exc:
            raise SettingsError(str(exc)) from exc

    def with_changes(self, **changes: Any) -> Settings:
        """A copy with some values changed, checked like any other."""
        return replace(self, **changes)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> Settings:
        if not isinstance(data, dict):
            raise SettingsError("The settings file does not hold a list of settings.")
        known = {item.name for item in fields(cls)}
        # Unknown keys (from a newer version) are ignored, not fatal.
        return cls(**{key: value for key, value in data.items() if key in known})


def _check_tsa_url(url: str) -> None:
    """Empty, or an http(s) address with a host (RFC 3161 over HTTP)."""
    if not url:
        return
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        parts, host = None, None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host or " " in url:
        raise SettingsError("The time-stamp authority's address must start with http:// or https:// and name "
                            f"a server (for example https://freetsa.org/tsr), not {url!r}. Leave it empty "
                            "to export without a time stamp.")


def _check_time_server(host: str) -> None:
    """Empty, or a computer's name or IP address (asked over NTP, UDP port 123)."""
    if not host:
        return
    import ipaddress

    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    labels = host.removesuffix(".").split(".")
    if not all(label and len(label) <= 63 and label.replace("-", "").isalnum() and label.isascii()
               and not label.startswith("-") and not label.endswith("-") for label in labels):
        raise SettingsError("The time server must be a computer's name or IP address (for example "
                            f"time.cloudflare.com or 192.0.2.10), not {host!r}. Leave it empty to record "
                            "no clock offset.")


def default_path() -> Path:
    """The computer-wide ``settings.json`` when there is one, else the one in the per-user configuration folder."""
    shared = computer_wide_settings()
    if shared is not None:
        return shared
    from platformdirs import user_config_path

    return user_config_path("Evidence App", appauthor=False) / FILE_NAME


def load(path: Path | str | None = None) -> Settings:
    """The saved settings, or the defaults when none were saved yet."""
    target = Path(path) if path is not None else default_path()
    try:
        raw = target.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        raise SettingsError(f"The settings file {target} could not be read: "
                            f"{exc.strerror or exc}.") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise SettingsError(f"The settings file {target} is too large to be a settings file.")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise SettingsError(f"The settings file {target} is damaged (it is not readable JSON). "
                            "Delete it to go back to the default settings.") from exc
    try:
        return Settings.from_json(data)
    except TypeError as exc:  # pragma: no cover - from_json filters keys, kept as a guard
        raise SettingsError(f"The settings file {target} is damaged.") from exc


def save(settings: Settings, path: Path | str | None = None) -> Path:
    """Write the settings atomically; return where they went."""
    if not isinstance(settings, Settings):
        raise SettingsError("Only a Settings value can be saved.")
    target = Path(path) if path is not None else default_path()
    try:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise storage_error(exc, "the settings") from exc
    body = json.dumps(settings.to_json(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    replace_file(target, body.encode("utf-8"), "the settings")
    if os.name == "posix":
        os.chmod(target, 0o600)
    return target
