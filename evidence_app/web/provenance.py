"""Where the browser ran: the facts an examiner asks for, journaled once per opening of a case.

Application version, Qt and Chromium versions, the browser's user agent, the operating
system, the time zone, and, when the school has set a time server, this computer's clock
offset from it (:mod:`evidence_app.web.sntp`). The UI supplies what only Qt knows (its
versions and the user agent); the rest is found here. A time server that cannot be asked
does not stop anything: the record says so in a plain sentence.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from evidence_app.web.sntp import TimeServerError, clock_offset


@dataclass(frozen=True)
class Provenance:
    app_version: str
    qt_version: str
    chromium_version: str
    user_agent: str
    operating_system: str
    time_zone: str
    utc_offset_minutes: int
    time_server: str = ""
    clock_offset_seconds: float | None = None
    round_trip_seconds: float | None = None
    offset_protocol: str = ""
    offset_problem: str = ""

    def to_json(self) -> dict[str, object]:
        return asdict(self)

    def describe(self) -> list[str]:
        """Lines for the export's summary."""
        lines = [f"Application:          Evidence App {self.app_version}",
                 f"Browser engine:       Qt {self.qt_version}, Chromium {self.chromium_version}",
                 f"User agent:           {self.user_agent}",
                 f"Operating system:     {self.operating_system}",
                 f"Time zone:            {self.time_zone} (UTC{self.utc_offset_minutes / 60:+g} h)"]
        if self.clock_offset_seconds is not None:
            lines.append(f"Clock offset:         {self.clock_offset_seconds:+.3f} s from {self.time_server} "
                         f"({self.offset_protocol})")
        elif self.time_server:
            lines.append(f"Clock offset:         not measured: {self.offset_problem}")
        return lines


def provenance_lines(data: Mapping[str, Any]) -> list[str]:
    """The summary lines of a journaled record (fields a later version added are left out)."""
    known = {f.name for f in fields(Provenance)}
    try:
        return Provenance(**{k: v for k, v in data.items() if k in known}).describe()
    except TypeError:  # a record missing fields: say what there is
        return [f"{k}: {v}" for k, v in sorted(data.items())]


def operating_system() -> str:
    return f"{platform.system()} {platform.release()} ({platform.version()}; {platform.machine()})"


def time_zone() -> tuple[str, int]:
    """This computer's time-zone name and its offset from UTC now, in minutes."""
    local = datetime.now().astimezone()
    offset = local.utcoffset()
    return (local.tzname() or time.tzname[0]), int(offset.total_seconds() // 60) if offset is not None else 0


def collect(*, app_version: str, qt_version: str, chromium_version: str, user_agent: str,
            time_server: str = "", time_server_port: int = 123, timeout: float = 2.0) -> Provenance:
    """Gather the record (asks the time server, when there is one: call it off the UI thread)."""
    zone, minutes = time_zone()
    base = Provenance(app_version, qt_version, chromium_version, user_agent, operating_system(), zone, minutes,
                      time_server=time_server)
    if not time_server:
        return base
    try:
        found = clock_offset(time_server, time_server_port, timeout)
    except TimeServerError as exc:
        return Provenance(**(asdict(base) | {"offset_problem": str(exc)}))
    return Provenance(**(asdict(base) | {"clock_offset_seconds": found.offset_seconds,
                                         "round_trip_seconds": found.round_trip_seconds,
                                         "offset_protocol": found.protocol}))
