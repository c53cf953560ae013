"""Trusted time on the journal head: queued offline, stamped online, each token journaled and checked.

A real RFC 3161 authority runs on 127.0.0.1 (:mod:`tests.helpers.tsa`); "offline" is a port
nothing listens on. The attacks are the ones a court would worry about: a token for another head
put in the journal, a forged token, a token dated before the record it stamps, and a journal
changed after it was stamped.
"""

from __future__ import annotations

import base64
import datetime as dt
import socket
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_app import Kind, TamperDetected
from evidence_app.case.trusted_time import checkpoints, coverage, pending, stamp_pending
from evidence_app.policy.sanctions import Conclusion
from evidence_app.vault.rfc3161 import TimestampError, TimestampInfo, request_token
from tests.helpers.cases import PASSPHRASES
from tests.helpers.images import make_png
from tests.helpers.tsa import local_tsa


def _offline_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/tsa"


def _kinds(case) -> list[str]:
    return [event.kind for event in case.events()]


def test_the_checkpoints_that_matter_are_the_first_capture_of_each_session_the_seal_and_exports(case) -> None:
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    case.add_capture(make_png(seed=2), kind="viewport", url="https://example.org/b")
    case.lock()
    case.unlock(PASSPHRASES)
    case.add_note("after lunch")
    case.add_capture(make_png(seed=3), kind="viewport", url="https://example.org/c")
    case.journal_export({"to": None})
    case.flag_csam("https://example.org/bad")
    events = list(case.events())
    reasons = [(events[p.seq].kind, p.reason) for p in checkpoints(events)]
    assert reasons == [(Kind.CAPTURE, "the first capture of a session"),
                       (Kind.CAPTURE, "the first capture of a session"),
                       (Kind.EXPORTED, "an export"), (Kind.SEALED, "the seal")]
    assert pending(events) == checkpoints(events)


def test_offline_the_checkpoint_waits_in_the_case_then_online_it_is_stamped_and_journaled(store, case) -> None:
    capture = case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    offline = stamp_pending(case, _offline_url(), timeout=2)
    assert offline.stamped == 0 and offline.pending == 1 and "did not answer" in offline.problem
    assert Kind.TIMESTAMPED not in _kinds(case), "nothing is journaled while offline"

    # The queue is the journal itself: it survives closing the case and opening it again.
    case.lock()
    reopened = store.open(case.id, PASSPHRASES)
    assert [p.reason for p in pending(list(reopened.events()))] == ["the first capture of a session"]
    with local_tsa() as url:
        online = stamp_pending(reopened, url)
    assert online.stamped == 1 and online.pending == 0, online
    stamp = [e for e in reopened.events() if e.kind == Kind.TIMESTAMPED][-1]
    target = next(e for e in reopened.events() if e.kind == Kind.CAPTURE and e.data["id"] == capture.id)
    assert stamp.data["seq"] == target.seq and stamp.data["head"] == target.hash
    assert "Test Time-Stamp Authority" in stamp.data["authority"]
    covered = coverage(list(reopened.events()))
    assert set(range(target.seq + 1)) <= set(covered), "every record up to the stamped head is covered"
    assert stamp.seq not in covered, "the records after the stamped head are not"
    assert reopened.verify().records == len(list(reopened.events()))
    reopened.lock()


def test_a_backlog_is_covered_by_one_stamp_of_the_latest_pending_head(case) -> None:
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    case.journal_export({"to": None})
    case.conclude(Conclusion(substance="no", subject="staff"))
    assert len(pending(list(case.events()))) == 3
    with local_tsa() as url:
        outcome = stamp_pending(case, url)
    assert outcome.stamped == 1 and outcome.pending == 0
    stamp = [e for e in case.events() if e.kind == Kind.TIMESTAMPED][-1]
    assert stamp.data["reason"] == "the first capture of a session, an export, the conclusion"
    assert _kinds(case)[stamp.data["seq"]] == Kind.CONCLUDED
    case.verify()


def test_the_stop_never_waits_on_the_authority(case) -> None:
    """A TSA that never answers, stamping on another thread: the seal is immediate all the same."""
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(1)  # accepts the connection, never answers
    url = f"http://127.0.0.1:{silent.getsockname()[1]}/tsa"
    worker = threading.Thread(target=stamp_pending, args=(case, url), kwargs={"timeout": 5})
    worker.start()
    try:
        started = dt.datetime.now()
        case.flag_csam("https://example.org/bad")
        assert (dt.datetime.now() - started).total_seconds() < 1.0, "the seal waited on the network"
        assert Kind.SEALED in _kinds(case)
    finally:
        worker.join(timeout=10)
        silent.close()
    with local_tsa() as good:
        assert stamp_pending(case, good).stamped == 1, "the sealed case is stamped once the authority answers"
    assert _kinds(case)[[e for e in case.events() if e.kind == Kind.TIMESTAMPED][-1].data["seq"]] == Kind.SEALED


def test_a_token_for_another_head_is_refused_before_it_is_journaled(case) -> None:
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    events = list(case.events())
    with local_tsa() as url:
        other = request_token(url, events[0].line)  # a genuine token, for record 0's head
    before = len(events)
    with pytest.raises(TimestampError, match="not the journal head it claims"):
        case.record_trusted_time(events[-1].seq, other)
    assert len(list(case.events())) == before


def test_a_journaled_token_edited_to_claim_a_later_head_is_named_by_verify(store, case) -> None:
    """The attacker re-journals a genuine token under a later head (as the app would write it)."""
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    with local_tsa() as url:
        early = request_token(url, list(case.events())[0].line)
    case.add_capture(make_png(seed=2), kind="viewport", url="https://example.org/b")
    last = list(case.events())[-1]
    # Writing the record through the journal itself, as a forger with both passphrases could.
    case._append(Kind.TIMESTAMPED, {"seq": last.seq, "head": last.hash, "reason": "forged",
                                    "time": "2026-01-01T00:00:00Z", "authority": "x", "certificate_sha256": "",
                                    "token": base64.b64encode(early).decode()})
    with pytest.raises(TamperDetected) as caught:
        case.verify()
    assert "trusted time stamp" in str(caught.value) and "not the journal head it claims" in str(caught.value)


def test_a_forged_token_is_named_by_verify(case) -> None:
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    with local_tsa() as url:
        stamp_pending(case, url)
    stamp = [e for e in case.events() if e.kind == Kind.TIMESTAMPED][-1]
    token = bytearray(base64.b64decode(stamp.data["token"]))
    token[-40] ^= 1  # inside the authority's signature
    case._append(Kind.TIMESTAMPED, dict(stamp.data) | {"token": base64.b64encode(bytes(token)).decode()})
    with pytest.raises(TamperDetected, match="trusted time stamp"):
        case.verify()


def test_a_back_dating_authority_is_refused_and_a_future_one_too(case) -> None:
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(days=30)
    with local_tsa(fixed_time=past) as url:
        outcome = stamp_pending(case, url)
    assert outcome.stamped == 0 and "before the record it stamps was written" in outcome.problem
    future = dt.datetime.now(dt.UTC) + dt.timedelta(days=3)  # within the test authority's certificate
    with local_tsa(fixed_time=future) as url:
        outcome = stamp_pending(case, url)
    assert outcome.stamped == 0 and "from the future" in outcome.problem
    assert Kind.TIMESTAMPED not in _kinds(case)


def test_history_rewritten_with_both_passphrases_after_a_trusted_time_is_named(store, case) -> None:
    """The strongest insider: both passphrases, a whole new journal and checkpoint, consistent in itself.

    They change a capture's note from before the trusted time and re-make every record after it.
    The hash chain, the checkpoint and the record MACs all check out; only the token, which stamps
    the old head, still says what the journal was, and verify() names the record it no longer fits.
    """
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a", note="seen at 10:02")
    with local_tsa() as url:
        assert stamp_pending(case, url).stamped == 1
    case.add_note("after the trusted time")
    case.lock()

    _rewrite(store, case.id, drop_stamps=False)
    reopened = store.open(case.id, PASSPHRASES)
    try:
        assert [c.note for c in reopened.captures()] == ["seen at 09:02"], "the rewrite opened cleanly"
        with pytest.raises(TamperDetected) as caught:
            reopened.verify()
        message = str(caught.value)
        assert "trusted time stamp" in message and "the journal was changed after it was time-stamped" in message
    finally:
        reopened.lock()


def test_the_documented_limit_an_insider_who_drops_every_token_leaves_no_trusted_time(store, case) -> None:
    """Detection impossible by design: the tokens live in the case, and both passphrases can re-make it.

    What is left is pinned down here: the rewritten case verifies, but it has no trusted time at all,
    its checkpoint is pending again (so the application asks for a new token, dated after the rewrite),
    and an export made before the rewrite still holds the old tokens (README, "Trusted time").
    """
    case.add_capture(make_png(seed=1), kind="viewport", url="https://example.org/a", note="seen at 10:02")
    with local_tsa() as url:
        assert stamp_pending(case, url).stamped == 1
    case.lock()
    _rewrite(store, case.id, drop_stamps=True)
    reopened = store.open(case.id, PASSPHRASES)
    try:
        reopened.verify()
        events = list(reopened.events())
        assert coverage(events) == {} and [p.reason for p in pending(events)] == ["the first capture of a session"]
    finally:
        reopened.lock()


def _rewrite(store, case_id: str, *, drop_stamps: bool) -> None:
    """Re-make the journal and its checkpoint as an insider with both passphrases: a capture's note changed."""
    from evidence_app.case.open_case import CaseKeys
    from evidence_app.vault.header import Header, unwrap_data_key
    from evidence_app.vault.journal import FILE_NAME, Journal
    from evidence_app.vault.state import State, read_state, write_state

    folder = store.root / case_id
    data_key = unwrap_data_key(Header.read(folder), PASSPHRASES)
    keys = CaseKeys(data_key)
    old = Journal(folder / FILE_NAME, keys.journal, case_id).load().events
    rewritten = folder / "journal.rewritten"
    journal = Journal.create(rewritten, keys.journal, case_id)
    journal.open_for_append()
    for event in old:
        if drop_stamps and event.kind == Kind.TIMESTAMPED:
            continue
        data = dict(event.data)
        if event.kind == Kind.CAPTURE:
            data["note"] = "seen at 09:02"  # the insider's change, before the trusted time
        last = journal.append(event.kind, event.by, data)
    journal.close()
    rewritten.replace(folder / FILE_NAME)
    state = read_state(folder)
    write_state(folder, State(state.status, last.seq, last.hash, state.retain_until).signed(case_id, data_key))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, 50)), max_size=6))))
def test_coverage_is_the_earliest_stamp_of_the_same_or_a_later_head(shape: tuple[int, list[tuple[int, int]]]) -> None:
    from types import MappingProxyType

    from evidence_app.vault.events import Event

    count, stamped = shape
    events = [Event(i, "2026-01-01T00:00:00.000Z", Kind.NOTE, (), MappingProxyType({}), "", f"{i:064x}", b"")
              for i in range(count)]
    for seq, minute in stamped:
        events.append(Event(len(events), "2026-01-01T00:00:00.000Z", Kind.TIMESTAMPED, (),
                            MappingProxyType({"seq": seq, "time": f"2026-01-01T00:{minute:02d}:00Z", "authority": "A"}),
                            "", f"{len(events):064x}", b""))
    covered = coverage(events, _journals_word)
    for position in range(len(events)):
        times = [f"2026-01-01T00:{minute:02d}:00Z" for seq, minute in stamped if seq >= position]
        assert (covered[position].time if position in covered else None) == (min(times) if times else None)


def _journals_word(stamp, events) -> TimestampInfo:
    """The time and authority a ``timestamped`` record states, as if its token checked out (none here)."""
    return TimestampInfo(time=stamp.data["time"], authority=stamp.data["authority"], certificate_sha256="",
                         when=dt.datetime.now(dt.UTC))
