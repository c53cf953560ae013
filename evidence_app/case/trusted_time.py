"""Trusted time for the journal: which heads to time-stamp, stamping them, and checking the tokens.

Where the school has set a time-stamp authority (RFC 3161), the journal head is
time-stamped at each checkpoint that matters: the first capture of a session
(a session starts when the case is created, opened, unlocked or recovered), the
seal, the conclusion and each export. The token proves the journal up to that
record existed at the authority's time, which the computer's own clock cannot.

The queue is the journal itself: a checkpoint is pending until a token covers it
(a stamp of its head or of any later head). It is therefore kept in the case,
encrypted and bound into the hash chain, survives a crash and a week offline,
and cannot be edited without breaking the chain. :func:`stamp_pending` asks the
authority for the latest pending head (which covers every earlier one) and
journals the token as its own ``timestamped`` record. It holds no lock while the
network answers, so nothing in the case, above all the stop, ever waits on it.

A token is checked (:func:`check_stamp`) for the head it claims: the record at
that position has that hash, the token's imprint is that head, the authority's
signature verifies, and its time is plausible: not before the stamped record was
written, not after the token was journaled (each with a day's slack for a
computer whose clock is wrong).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from cryptography import x509

from evidence_app.vault.events import Event, Kind
from evidence_app.vault.rfc3161 import (
    TimestampError,
    TimestampInfo,
    check_head_token,
    request_token,
)
from evidence_app.vault.timestamps import parse_utc

CLOCK_SLACK = dt.timedelta(days=1)  # how far the computer's clock may be from the authority's
SESSION_STARTS = frozenset({Kind.CREATED, Kind.OPENED, Kind.UNLOCKED, Kind.RECOVERED})
ALWAYS_STAMPED = {Kind.SEALED: "the seal", Kind.CONCLUDED: "the conclusion", Kind.EXPORTED: "an export"}


@dataclass(frozen=True)
class Checkpoint:
    """A journal record whose head is to be time-stamped, and why."""

    seq: int
    head: str
    reason: str


@dataclass(frozen=True)
class Coverage:
    """The earliest trusted time that covers a record: the stamp of its own head or of a later one."""

    time: str          # the authority's time, ISO 8601 UTC
    authority: str
    stamped_seq: int   # the record whose head the token stamps


@dataclass(frozen=True)
class StampOutcome:
    """What one run of :func:`stamp_pending` did: how many tokens were journaled, what still waits, and why."""

    stamped: int
    pending: int
    problem: str = ""


class StampableCase(Protocol):
    """What :func:`stamp_pending` needs of a case (an :class:`~evidence_app.case.open_case.Case`)."""

    def events(self) -> Any: ...

    def record_trusted_time(self, seq: int, token: bytes, reason: str = "") -> Event: ...


def checkpoints(events: Sequence[Event]) -> list[Checkpoint]:
    """Every record whose head is worth a trusted time, in journal order."""
    found: list[Checkpoint] = []
    captured_this_session = True
    for event in events:
        if event.kind in SESSION_STARTS:
            captured_this_session = False
        elif event.kind == Kind.CAPTURE and not captured_this_session:
            captured_this_session = True
            found.append(Checkpoint(event.seq, event.hash, "the first capture of a session"))
        if event.kind in ALWAYS_STAMPED:
            found.append(Checkpoint(event.seq, event.hash, ALWAYS_STAMPED[Kind(event.kind)]))
    return found


def stamps(events: Sequence[Event]) -> list[Event]:
    return [event for event in events if event.kind == Kind.TIMESTAMPED]


def stamped_seq(stamp: Event) -> int | None:
    """The earlier record a ``timestamped`` record names, or None when its ``seq`` names none.

    The journal is the pair's, so a record may hold anything there (a string, a
    float, a later or unknown position): such a stamp covers nothing.
    """
    seq = stamp.data.get("seq")
    if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq < stamp.seq:
        return seq
    return None


def pending(events: Sequence[Event]) -> list[Checkpoint]:
    """The checkpoints no token covers yet (a token for a later head covers every earlier record)."""
    latest = max((seq for seq in map(stamped_seq, stamps(events)) if seq is not None), default=-1)
    return [point for point in checkpoints(events) if point.seq > latest]


def vouched(stamp: Event, events: Sequence[Event]) -> TimestampInfo | None:
    """What ``stamp``'s token says (its time and authority), if it checks out for the head it names; else None.

    The same check as ``verify()`` (:func:`check_journaled_stamp`), remembered by the
    stamp's hash and its target's (which fix every byte the check reads): a record
    written by a forger with both passphrases, whose token does not check out, vouches
    for nothing, and the journal's own words on the time and the authority are not used.
    """
    seq = stamped_seq(stamp)
    if seq is None or seq >= len(events):
        return None
    key = (stamp.hash, events[seq].hash)
    if key not in _VOUCHED:
        try:
            info: TimestampInfo | None = check_journaled_stamp(stamp, events)
        except TimestampError:
            info = None
        if len(_VOUCHED) >= _VOUCHED_KEPT:
            _VOUCHED.clear()
        _VOUCHED[key] = info
    return _VOUCHED[key]


_VOUCHED: dict[tuple[str, str], TimestampInfo | None] = {}
_VOUCHED_KEPT = 4096


def coverage(events: Sequence[Event],
             check: Callable[[Event, Sequence[Event]], TimestampInfo | None] = vouched) -> dict[int, Coverage]:
    """For each record some token covers, the earliest such trusted time (a stamp of its head or a later one).

    Only stamps whose token checks out count (``check``, :func:`vouched`), with the time
    and the authority the token itself gives: what the timeline shows is what
    ``verify()`` would accept, whatever else the journal holds.
    """
    earliest_at: dict[int, Coverage] = {}  # for each stamped head, its earliest stamp
    for stamp in stamps(events):
        seq = stamped_seq(stamp)
        info = check(stamp, events) if seq is not None else None
        if seq is None or info is None:
            continue
        found = Coverage(info.time, info.authority, seq)
        if seq not in earliest_at or found.time < earliest_at[seq].time:
            earliest_at[seq] = found
    covered: dict[int, Coverage] = {}
    best: Coverage | None = None
    for position in range(max(earliest_at, default=-1), -1, -1):  # from the last stamped head back to the start
        here = earliest_at.get(position)
        if here is not None and (best is None or here.time < best.time):
            best = here
        if best is not None:
            covered[position] = best
    return covered


def stamp_record(target: Event, token: bytes, reason: str, *, now: str) -> dict[str, Any]:
    """The ``timestamped`` record's data for ``token`` over ``target``'s head, after checking it."""
    info = check_stamp(token, target, received=now)
    return {"seq": target.seq, "head": target.hash, "reason": reason, "time": info.time,
            "authority": info.authority, "certificate_sha256": info.certificate_sha256,
            "token": base64.b64encode(token).decode("ascii")}


def check_stamp(token: bytes, target: Event, *, received: str,
                roots: list[x509.Certificate] | None = None) -> TimestampInfo:
    """Check a token over ``target``'s head; :class:`TimestampError` says what is wrong, in plain words."""
    info = check_head_token(token, target.hash, roots=roots)
    check_plausible(info.when, written=target.time, received=received)
    return info


def check_plausible(when: dt.datetime, *, written: str, received: str) -> None:
    """A trusted time must fall between the stamped record's writing and the token's journaling."""
    try:
        earliest, latest = parse_utc(written) - CLOCK_SLACK, parse_utc(received) + CLOCK_SLACK
    except ValueError:
        raise TimestampError("The journal's own times around the time stamp cannot be read.") from None
    stamp_time = when.strftime("%Y-%m-%d %H:%M UTC")
    if when < earliest:
        raise TimestampError(f"The time stamp is dated {stamp_time}, more than a day before the record it "
                             f"stamps was written ({written}): it cannot be a time stamp of that record.")
    if when > latest:
        raise TimestampError(f"The time stamp is dated {stamp_time}, more than a day after it was received "
                             f"({received}): a time stamp cannot come from the future.")


def check_journaled_stamp(stamp: Event, events: Sequence[Event],
                          roots: list[x509.Certificate] | None = None) -> TimestampInfo:
    """Check one ``timestamped`` record against the record it claims to stamp."""
    seq = stamped_seq(stamp)
    target = events[seq] if seq is not None else None
    return check_stamp_data(stamp.data, stamp.seq, stamp.time, target=None if target is None else
                            (target.hash, target.time), roots=roots)


def check_stamp_data(data: Mapping[str, Any], own_seq: int, own_time: str, *, target: tuple[str, str] | None,
                     roots: list[x509.Certificate] | None = None) -> TimestampInfo:
    """Check a ``timestamped`` record's data (record ``own_seq``, written at ``own_time``).

    ``target`` is the (hash, time) of the record it names, or None when it names no earlier record.
    Also used on an exported journal, where only those values are at hand.
    """
    seq = data.get("seq")
    if target is None or not isinstance(seq, int) or isinstance(seq, bool) or not 0 <= seq < own_seq:
        raise TimestampError("The time stamp names no earlier journal record.")
    target_hash, target_time = target
    if data.get("head") != target_hash:
        raise TimestampError(f"The time stamp claims the head of record {seq} is {str(data.get('head'))[:16]}…, "
                             f"but that record's hash is {target_hash[:16]}…: the journal was changed after it "
                             "was time-stamped.")
    try:
        token = base64.b64decode(str(data.get("token", "")), validate=True)
    except (binascii.Error, ValueError):
        raise TimestampError("The time stamp's token is not readable.") from None
    info = check_head_token(token, target_hash, roots=roots)
    check_plausible(info.when, written=target_time, received=own_time)
    if data.get("time") != info.time:
        raise TimestampError(f"The journal says the time stamp is dated {data.get('time')}, but its token "
                             f"says {info.time}.")
    return info


def stamp_pending(case: StampableCase, tsa_url: str, *, timeout: float = 15.0) -> StampOutcome:
    """Ask the authority at ``tsa_url`` to stamp the latest pending checkpoint, and journal the token.

    Offline, or refused, nothing changes: the checkpoints stay pending for the next
    try (at the next opening, or the next periodic run). Never call it while holding
    the case for something urgent: it waits on the network.
    """
    waiting = pending(tuple(case.events()))
    if not waiting or not tsa_url:
        return StampOutcome(0, len(waiting), "" if tsa_url else "No time-stamp authority is set.")
    latest = waiting[-1]
    target = next(event for event in case.events() if event.seq == latest.seq)
    reasons = ", ".join(dict.fromkeys(point.reason for point in waiting))
    try:
        token = request_token(tsa_url, target.line, timeout=timeout)
        case.record_trusted_time(latest.seq, token, reasons)  # checked again there: a bad token is never journaled
    except TimestampError as exc:
        return StampOutcome(0, len(waiting), str(exc))
    return StampOutcome(1, len(pending(tuple(case.events()))))
