"""Hostile RFC 3161 tokens in a case's own journal: named in a sentence, the case still opens, nothing is lost.

A time stamp is a ``timestamped`` journal record whose ``token`` field holds the
token (base64). The journal is encrypted and chained, so only someone holding both
passphrases can write such a record (the application checks every token before it
journals one): that forger is the attacker here, writing through the journal itself
as the other trusted-time tests do. Opening a case reads no token (the rule: a
third party's word on time never locks the pair out of their evidence); ``verify()``
checks every one after the chain and names the first bad one as
:class:`TamperDetected`; the queue, the timeline's coverage and the next stamp carry
on around it. Before the fix in :mod:`evidence_app.vault.rfc3161`, such a token made
``verify()`` stop with KeyError, InvalidVersion or ValueError from the parsers.
"""

from __future__ import annotations

import base64
import dataclasses
from types import MappingProxyType
from typing import Any

import pytest
from asn1crypto import cms, tsp
from cryptography import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rfc3161_client import decode_timestamp_response

from evidence_app import EvidenceError, Kind, TamperDetected
from evidence_app.case.trusted_time import (
    check_journaled_stamp,
    check_stamp_data,
    checkpoints,
    coverage,
    pending,
    stamp_pending,
)
from evidence_app.vault.rfc3161 import UNREADABLE_TOKEN, TimestampError, request_token
from tests.helpers.cases import PASSPHRASES
from tests.helpers.images import make_png
from tests.helpers.tsa import local_tsa

PICTURE = make_png(seed=11)


def _stamped(case, url: str) -> dict[str, Any]:
    """A capture, stamped by the authority at ``url``: the genuine ``timestamped`` record's data."""
    case.add_capture(PICTURE, kind="viewport", url="https://example.org/a")
    assert stamp_pending(case, url).stamped == 1
    return dict([e for e in case.events() if e.kind == Kind.TIMESTAMPED][-1].data)


def _deep_flips(token: bytes) -> dict[str, bytes]:
    """One-bit flips of ``token`` that parse as a token but whose inside the parsers cannot read, one of each
    kind that stopped verify() with a traceback before the fix: the certificate's version (InvalidVersion),
    the certificate's name (ValueError), the signer's name (KeyError)."""
    found: dict[str, bytes] = {}
    for index in range(len(token)):
        flipped = bytearray(token)
        flipped[index] ^= 0x01
        try:
            response = decode_timestamp_response(tsp.TimeStampResp({
                "status": {"status": "granted"}, "time_stamp_token": cms.ContentInfo.load(bytes(flipped))}).dump())
        except ValueError:
            continue
        signed = response.signed_data
        for kind, read in (("certificate", lambda signed=signed: [x509.load_der_x509_certificate(der).subject
                                                                   .rfc4514_string() for der in signed.certificates]),
                           ("signer", lambda signed=signed: [info.issuer for info in signed.signer_infos])):
            try:
                read()
            except (ValueError, KeyError, x509.InvalidVersion) as exc:
                found.setdefault(f"{kind} {type(exc).__name__}", bytes(flipped))
                break
    assert {"certificate InvalidVersion", "certificate ValueError", "signer KeyError"} <= set(found), sorted(found)
    return found


def _b64(token: bytes) -> str:
    return base64.b64encode(token).decode("ascii")


HOSTILE = ["certificate InvalidVersion", "certificate ValueError", "signer KeyError", "cut", "another-head", "not-base64", "empty", "seq-text", "seq-later",
           "head-not-hex"]


def _hostile(name: str, genuine: dict[str, Any], other_token: bytes, last_seq: int) -> dict[str, Any]:
    token = base64.b64decode(genuine["token"])
    if name.startswith(("certificate", "signer")):
        return genuine | {"token": _b64(_deep_flips(token)[name])}
    return genuine | {
        "cut": {"token": _b64(token[: len(token) // 3])},
        "another-head": {"token": _b64(other_token)},
        "not-base64": {"token": "<html>Gateway Timeout</html>"},
        "empty": {"token": ""},
        "seq-text": {"seq": "0"},
        "seq-later": {"seq": last_seq + 5},
        "head-not-hex": {"head": "zz" * 32},
    }[name]


@pytest.mark.parametrize("attack", HOSTILE)
def test_a_hostile_token_in_the_journal_is_named_and_the_case_opens_with_everything(store, case, attack: str) -> None:
    with local_tsa() as url:
        genuine = _stamped(case, url)
        other = request_token(url, next(iter(case.events())).line)  # genuine, for record 0's head
        capture = case.captures()[0]
        events = list(case.events())
        forged = case._append(Kind.TIMESTAMPED, _hostile(attack, genuine, other, events[-1].seq))

        events = list(case.events())
        assert pending(events) == [] and forged.seq not in coverage(events), "the queue and the timeline carry on"
        with pytest.raises(TamperDetected) as named:
            case.verify()
        sentence = str(named.value)
        assert f"journal record {forged.seq} (a trusted time stamp)" in sentence and sentence.endswith((".", "…)."))

        case.lock()
        reopened = store.open(case.id, PASSPHRASES)  # opening reads no token: the case opens
        try:
            reopened.add_capture(make_png(seed=12), kind="viewport", url="https://example.org/b")
            assert stamp_pending(reopened, url).stamped == 1, "the next checkpoint is stamped all the same"
            assert reopened.read_capture(capture.id) == PICTURE, "nothing lost"
            assert len(reopened.captures()) == 2
            with pytest.raises(TamperDetected) as again:
                reopened.verify()
            assert str(again.value) == sentence, "the same record is named, the same way, after opening again"
        finally:
            reopened.lock()


def test_every_flipped_byte_of_a_journaled_token_ends_in_a_sentence(case) -> None:
    """Each bit 0x01 and 0x80 of each byte of the journaled token, through the check verify() runs on a record."""
    with local_tsa() as url:
        genuine = _stamped(case, url)
    events = list(case.events())
    stamp = events[-1]
    token = base64.b64decode(genuine["token"])
    outcomes: dict[str, int] = {}
    for index in range(len(token)):
        for mask in (0x01, 0x80):
            flipped = bytearray(token)
            flipped[index] ^= mask
            data = MappingProxyType(genuine | {"token": _b64(bytes(flipped))})
            try:
                info = check_journaled_stamp(dataclasses.replace(stamp, data=data), events)
            except TimestampError as exc:
                outcome = str(exc).split(" (")[0]
            else:
                assert info.time == genuine["time"], "a flip that passes says nothing else than the token did"
                outcome = "passes (a respelling the journal's MAC pins)"
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert UNREADABLE_TOKEN in outcomes, outcomes


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                    max_leaves=6)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_timestamped_record_the_journal_may_hold_ends_in_a_sentence(case, data: st.DataObject) -> None:
    """Whatever a forger puts in a ``timestamped`` record's fields: a sentence from the check, and the queue
    and the timeline's coverage never raise."""
    if not any(e.kind == Kind.TIMESTAMPED for e in case.events()):
        with local_tsa() as url:
            _stamped(case, url)
    events = list(case.events())
    stamp = events[-1]
    genuine = dict(stamp.data)
    token = bytearray(base64.b64decode(genuine["token"]))
    fields = dict(genuine)
    for field in data.draw(st.lists(st.sampled_from(["seq", "head", "token", "time", "drop"]), max_size=3)):
        if field == "token":
            at = data.draw(st.integers(0, len(token) - 1))
            token[at] ^= data.draw(st.integers(1, 255))
            fields["token"] = data.draw(st.sampled_from([_b64(bytes(token)), _b64(bytes(token[:at]))]))
        elif field == "drop":
            fields.pop(data.draw(st.sampled_from(sorted(fields))), None)
        else:
            fields[field] = data.draw(JSON | st.just(genuine.get(field)))
    hostile = dataclasses.replace(stamp, data=MappingProxyType(fields))
    altered = [*events[:-1], hostile]
    try:
        check_journaled_stamp(hostile, altered)
    except TimestampError:
        pass
    try:
        check_stamp_data(fields, stamp.seq, stamp.time, target=(events[0].hash, events[0].time))
    except TimestampError:
        pass
    pending(altered), coverage(altered), checkpoints(altered)


def test_a_stamp_naming_no_earlier_record_covers_nothing_and_leaves_the_checkpoint_waiting(case) -> None:
    """Before, pending() turned ``seq`` into a number itself: "7" raised nothing but counted, None raised TypeError."""
    case.add_capture(PICTURE, kind="viewport", url="https://example.org/a")
    waiting = pending(list(case.events()))
    assert len(waiting) == 1
    for seq in (None, "abc", "0", 1.5, True, [1], {"a": 1}, -1, 10**30):
        forged = case._append(Kind.TIMESTAMPED, {"seq": seq, "head": "", "token": ""})
        events = list(case.events())
        assert pending(events) == waiting and forged.seq not in coverage(events)
        with pytest.raises(TimestampError, match="names no earlier journal record"):
            check_journaled_stamp(forged, events)
    later = case._append(Kind.TIMESTAMPED, {"seq": len(list(case.events())) + 3, "head": "", "token": ""})
    assert pending(list(case.events())) == waiting, "a stamp of a record after itself covers nothing"
    with pytest.raises(EvidenceError):
        check_journaled_stamp(later, list(case.events()))


def test_the_timeline_shows_only_the_trusted_times_a_token_vouches_for(case) -> None:
    """A forger's records claim a later head, an earlier time, a famous authority: coverage takes the token's word.

    Before, coverage() took the record's own ``seq``, ``time`` and ``authority``: the timeline showed a trusted
    time over events that no token vouches for, until verify() named the record.
    """
    with local_tsa() as url:
        genuine = _stamped(case, url)
    first = dict(coverage(list(case.events())))
    case.add_capture(make_png(seed=12), kind="viewport", url="https://example.org/b")
    later = list(case.events())[-1]
    famous = "CN=Metropolitan Police Time-Stamp Authority"
    token = base64.b64decode(genuine["token"])
    for forged in (
        genuine | {"seq": later.seq, "head": later.hash, "authority": famous},  # the token stamps an earlier head
        genuine | {"time": "2020-01-01T00:00:00Z", "authority": famous},  # an earlier time than the token's
        genuine | {"token": _b64(_deep_flips(token)["signer KeyError"]), "seq": later.seq, "head": later.hash},
    ):
        case._append(Kind.TIMESTAMPED, forged)
    covered = coverage(list(case.events()))
    assert covered == first, "only the genuine stamp covers anything, with its own time and authority"
    assert later.seq not in covered and all(famous not in c.authority for c in covered.values())
    assert {c.time for c in covered.values()} == {genuine["time"]}
