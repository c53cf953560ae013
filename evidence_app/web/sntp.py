"""The clock's offset from a time server, by SNTP (RFC 4330) over UDP, with the standard library only.

One request, one answer: the offset is ((T2 - T1) + (T3 - T4)) / 2 and the round trip
(T4 - T1) - (T3 - T2), where T1 is when we sent, T2 when the server received, T3 when it
answered and T4 when we received (RFC 4330, section 5). An answer that does not echo
our transmit time, is not a server's (mode 4), or says the server is unsynchronised
(leap indicator 3, stratum 0) is refused: an offset from it would be meaningless.
"""

from __future__ import annotations

import os
import socket
import struct
import time
from dataclasses import dataclass

from evidence_app.errors import EvidenceError

NTP_EPOCH_OFFSET = 2_208_988_800  # seconds from 1900-01-01 to 1970-01-01
PORT = 123
PACKET = struct.Struct("!BBbbII4sQQQQ")


class TimeServerError(EvidenceError):
    """The time server could not be asked, or its answer was not usable."""


@dataclass(frozen=True)
class ClockOffset:
    """How far this computer's clock is from the server's: positive means this clock is behind."""

    server: str
    offset_seconds: float
    round_trip_seconds: float
    stratum: int
    protocol: str = "SNTP version 4 (RFC 4330) over UDP"


def _to_ntp(seconds: float) -> int:
    whole = int(seconds) + NTP_EPOCH_OFFSET
    return (whole << 32) | int((seconds - int(seconds)) * (1 << 32))


def _from_ntp(value: int) -> float:
    return (value >> 32) - NTP_EPOCH_OFFSET + (value & 0xFFFFFFFF) / (1 << 32)


def clock_offset(server: str, port: int = PORT, timeout: float = 2.0) -> ClockOffset:
    """Ask ``server`` once; a plain sentence (:class:`TimeServerError`) if it cannot be used."""
    # The transmit time we send is random (RFC 4330 allows it, and it gives nothing away);
    # the real send time is kept here.
    nonce = int.from_bytes(os.urandom(8), "big")
    request = PACKET.pack(0b00_100_011, 0, 0, 0, 0, 0, b"\0" * 4, 0, 0, 0, nonce)  # LI 0, version 4, mode 3
    try:
        with socket.socket(socket.AF_INET6 if ":" in server else socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(timeout)
            sock.connect((server, port))
            t1 = time.time()
            sock.send(request)
            answer = sock.recv(512)
            t4 = time.time()
    except OSError as exc:
        raise TimeServerError(f"The time server {server} could not be asked for the time ({exc.strerror or exc}).") from exc
    if len(answer) < PACKET.size:
        raise TimeServerError(f"The time server {server} sent an answer too short to be one.")
    first, stratum, _, _, _, _, _, _, originate, received, transmitted = PACKET.unpack(answer[:PACKET.size])
    leap, mode = first >> 6, first & 0b111
    if originate != nonce or mode not in (4, 5):
        raise TimeServerError(f"The answer from {server} was not an answer to this computer's question.")
    if leap == 3 or stratum == 0 or transmitted == 0:
        raise TimeServerError(f"The time server {server} says its own clock is not set.")
    t2, t3 = _from_ntp(received), _from_ntp(transmitted)
    offset = ((t2 - t1) + (t3 - t4)) / 2
    round_trip = (t4 - t1) - (t3 - t2)
    return ClockOffset(server, round(offset, 6), round(max(round_trip, 0.0), 6), stratum)


def server_answer(request: bytes, now: float, *, skew: float = 0.0, stratum: int = 2) -> bytes:
    """What an SNTP server answers to ``request`` at ``now`` plus ``skew`` (for tests and a local server)."""
    fields = PACKET.unpack(request[:PACKET.size])
    stamp = _to_ntp(now + skew)
    return PACKET.pack(0b00_100_100, stratum, 0, -20, 0, 0, b"LOCL", stamp, fields[10], stamp, stamp)
