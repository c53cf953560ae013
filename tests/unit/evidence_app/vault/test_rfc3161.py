"""RFC 3161 tokens attacked where they are read: from a case's journal and from a time server's answer.

Every checker of :mod:`evidence_app.vault.rfc3161` (the journal head's token, the
export's, the imprint) and the request to an authority must end a hostile token in
a :class:`TimestampError` sentence: never KeyError, InvalidVersion, ValueError or a
warning from the parsers underneath. Tokens come from the local test authority
(:mod:`tests.helpers.tsa`, pyHanko's test stamper); the hostile authority stamps each
request the same way, then answers what the attacker likes.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

import pytest
from asn1crypto import tsp
from cryptography import x509
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evidence_app import EvidenceError
from evidence_app.vault.rfc3161 import (
    MAX_RESPONSE_BYTES,
    UNREADABLE_TOKEN,
    TimestampError,
    check_head_token,
    check_token,
    request_token,
    token_imprint,
)
from tests.helpers.tsa import Reply, hostile_tsa, local_tsa

LINE = b'{"seq":7,"kind":"capture"}'  # a journal record's line: its SHA-256 is the head
HEAD = hashlib.sha256(LINE).hexdigest()
OTHER_LINE = b'{"seq":8,"kind":"note"}'


@pytest.fixture(scope="module")
def tokens(tmp_path_factory) -> dict[str, bytes]:
    """The head's token, one over another head, and one over the same head by another authority."""
    folder = tmp_path_factory.mktemp("tsa")
    with local_tsa(folder / "ours.pem") as url:
        ours, other_head = request_token(url, LINE), request_token(url, OTHER_LINE)
    with local_tsa(folder / "theirs.pem", name="Another Time-Stamp Authority") as url:
        theirs = request_token(url, LINE)
    return {"ours": ours, "other head": other_head, "theirs": theirs,
            "ours.pem": (folder / "ours.pem").read_bytes(), "theirs.pem": (folder / "theirs.pem").read_bytes()}


def _outcome(check: Callable[[bytes], object], token: bytes) -> str:
    """"ok", or the sentence; anything else than a TimestampError fails the test with its traceback."""
    try:
        check(token)
    except TimestampError as exc:
        assert str(exc).endswith((".", ")", "…).")) and "Traceback" not in str(exc), exc
        return str(exc)
    return "ok"


CHECKERS: dict[str, Callable[[bytes], object]] = {
    "head": lambda token: check_head_token(token, HEAD, roots=None),
    "data": lambda token: check_token(token, LINE, roots=None),
    "imprint": token_imprint,
}


def test_the_genuine_token_checks_out(tokens) -> None:
    info = check_head_token(tokens["ours"], HEAD, roots=[x509.load_pem_x509_certificate(tokens["ours.pem"])])
    assert "Test Time-Stamp Authority" in info.authority
    assert token_imprint(tokens["ours"]) == HEAD


@pytest.mark.parametrize("mask", [0x01, 0x80, 0xFF])
@pytest.mark.parametrize("checker", sorted(CHECKERS))
def test_every_byte_flipped_ends_in_a_sentence_or_in_the_same_token(tokens, checker: str, mask: int) -> None:
    """Before the fix, 6 KeyError, 92 ValueError and 1 InvalidVersion over the 0x01/0x80/0xFF flips of the head's token."""
    token, check = tokens["ours"], CHECKERS[checker]
    sentences: set[str] = set()
    for index in range(len(token)):
        flipped = bytearray(token)
        flipped[index] ^= mask
        outcome = _outcome(check, bytes(flipped))
        if outcome == "ok" and checker != "imprint":
            # What passes is a respelling of what the authority signed (roots=None trusts the certificate
            # the token carries; the export checks it against a root): never another head or time.
            assert token_imprint(bytes(flipped)) == HEAD
        sentences.add(outcome)
    assert UNREADABLE_TOKEN in sentences


@pytest.mark.parametrize("checker", sorted(CHECKERS))
def test_a_token_cut_anywhere_is_named(tokens, checker: str) -> None:
    token = tokens["ours"]
    outcomes = {_outcome(CHECKERS[checker], token[:length]) for length in range(len(token))}
    assert "ok" not in outcomes
    assert UNREADABLE_TOKEN in outcomes


def test_bytes_after_the_token_change_nothing_it_says(tokens) -> None:
    """A journal token's bytes are under the journal's chain and MAC; the export pins its own (test_token_bytes)."""
    for tail in (b"\x00", b"\x30\x00", bytes(range(256)) * 4, tokens["ours"]):
        assert _outcome(CHECKERS["head"], tokens["ours"] + tail) == "ok"
        assert token_imprint(tokens["ours"] + tail) == HEAD


def test_a_token_over_another_head_is_named(tokens) -> None:
    assert "not the journal head it claims" in _outcome(CHECKERS["head"], tokens["other head"])
    assert "for other data" in _outcome(CHECKERS["data"], tokens["other head"])
    with pytest.raises(TimestampError, match="not a SHA-256"):
        check_head_token(tokens["ours"], "not hex at all", roots=None)


def test_another_authoritys_token_is_sound_but_not_vouched_for(tokens) -> None:
    ours = [x509.load_pem_x509_certificate(tokens["ours.pem"])]
    assert _outcome(CHECKERS["head"], tokens["theirs"]) == "ok", "sound and for this head: who made it is a root's call"
    with pytest.raises(TimestampError, match="no authority you trust vouches for it"):
        check_head_token(tokens["theirs"], HEAD, roots=ours)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_mutation_of_a_token_ends_in_a_sentence(tokens, data: st.DataObject) -> None:
    token = bytearray(tokens[data.draw(st.sampled_from(["ours", "theirs", "other head"]))])
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(token)))
        match data.draw(st.sampled_from(["xor", "cut", "insert", "delete", "duplicate"])):
            case "xor" if at < len(token):
                token[at] ^= data.draw(st.integers(1, 255))
            case "cut":
                del token[at:]
            case "insert":
                token[at:at] = data.draw(st.binary(min_size=1, max_size=40))
            case "delete":
                del token[at:at + data.draw(st.integers(1, 64))]
            case "duplicate":
                token[at:at] = token[at:at + data.draw(st.integers(1, 64))]
    for check in CHECKERS.values():
        _outcome(check, bytes(token))


@given(st.binary(max_size=4000))
@settings(max_examples=200, deadline=None)
def test_any_bytes_at_all_end_in_a_sentence(garbage: bytes) -> None:
    for check in CHECKERS.values():
        assert _outcome(check, garbage) != "ok"


# ------------------------------------------------------------------ a hostile or broken time server


def _refused(reply: Callable[[bytes], Reply], *, timeout: float = 5.0) -> str:
    with hostile_tsa(reply) as url, pytest.raises(TimestampError) as refused:
        request_token(url, LINE, timeout=timeout)
    assert isinstance(refused.value, EvidenceError)
    return str(refused.value)


def _token_of(response: bytes) -> bytes:
    return tsp.TimeStampResp.load(response)["time_stamp_token"].dump()


def _sequence(*parts: bytes) -> bytes:
    """A DER SEQUENCE of ``parts`` written by hand (asn1crypto will not write a broken token or a missing one)."""
    body = b"".join(parts)
    size = len(body)
    length = bytes([size]) if size < 128 else bytes([0x80 | 2]) + size.to_bytes(2, "big")
    return b"\x30" + length + body


def _status(status: str) -> bytes:
    return tsp.PKIStatusInfo({"status": status, "status_string": ["no stamp for you"]}).dump()


def _granted(token: bytes) -> bytes:
    return _sequence(_status("granted"), token)


def _status_only(status: str) -> bytes:
    return _sequence(_status(status))


def test_the_local_authority_answers_and_the_hostile_one_can_answer_genuinely() -> None:
    with hostile_tsa(Reply) as url:
        assert token_imprint(request_token(url, LINE)) == HEAD


@pytest.mark.parametrize(("reply", "named"), [
    (lambda genuine: Reply(b"\x00garbage" * 50), "is not a time stamp"),
    (lambda genuine: Reply(b""), "is not a time stamp"),
    (lambda genuine: Reply(b"<html><body><h1>502 Bad Gateway</h1></body></html>", content_type="text/html"),
     "is not a time stamp"),
    (lambda genuine: Reply(b"<html>Internal Server Error</html>", status=500, content_type="text/html"),
     "answered with an error (HTTP 500"),
    (lambda genuine: Reply(_status_only("rejection")), "refused the request (status 2)"),
    (lambda genuine: Reply(_status_only("granted")), "does not hold a readable time stamp"),
    (lambda genuine: Reply(genuine[:len(genuine) // 2]), "is not a time stamp"),
    (lambda genuine: Reply(genuine[:-1], declare_length=False), "is not a time stamp"),
    (lambda genuine: Reply(_granted(_token_of(genuine)[:-300])), "is not a time stamp"),
], ids=["garbage", "empty", "html-page", "http-500", "rejection", "granted-without-token", "half", "cut-unannounced",
        "token-cut"])
def test_a_broken_authoritys_answer_is_named(reply, named: str) -> None:
    assert named in _refused(reply)


def test_a_body_without_end_is_read_no_further_than_a_time_stamp_can_be() -> None:
    started = time.monotonic()
    assert "too large to be a time stamp" in _refused(
        lambda genuine: Reply(b"\x30" * (MAX_RESPONSE_BYTES * 3), declare_length=False))
    assert time.monotonic() - started < 10


def test_a_trickling_authority_is_given_up_on_after_its_timeout_in_all() -> None:
    """One byte every 50 ms (3 s for 60 bytes) never trips the socket's timeout: the whole answer has 1 s too."""
    started = time.monotonic()
    assert "answered too slowly" in _refused(lambda genuine: Reply(genuine[:60], pause=0.05), timeout=1.0)
    assert time.monotonic() - started < 4


def test_an_answer_for_other_data_is_named_as_the_authoritys_doing(tokens) -> None:
    """The token the authority sends back is genuine, but for other data: a server's fault, not the manifest's."""
    sentence = _refused(lambda genuine: Reply(_granted(tokens["other head"])))
    assert "answered with a time stamp of other data than it was sent" in sentence
    assert "tag manifest" not in sentence


def test_an_earlier_answer_replayed_is_refused() -> None:
    """A genuine answer to an earlier request for the same data: its nonce is not this request's."""
    earlier: list[bytes] = []

    def replay(genuine: bytes) -> Reply:
        earlier.append(genuine)
        return Reply(earlier[0])

    with hostile_tsa(replay) as url:
        request_token(url, LINE)
        with pytest.raises(TimestampError, match="signature does not verify"):
            request_token(url, LINE)


def test_bytes_of_the_authoritys_answer_flipped_end_in_a_sentence() -> None:
    """The hostile authority signs each request afresh, then flips one bit of its answer: request after request.

    Each of the first 64 bytes (the status and the token's envelope) and every 24th after them (a request costs
    the authority a signature: about 50 ms here); every byte of the token is flipped offline above.
    """
    position, length = [-1], [0]
    sentences: set[str] = set()

    def flip(genuine: bytes) -> Reply:
        length[0] = len(genuine)
        flipped = bytearray(genuine)
        if position[0] >= 0:
            flipped[position[0]] ^= 0x01
        return Reply(bytes(flipped))

    with hostile_tsa(flip) as url:
        request_token(url, LINE)  # the genuine answer, to learn its length
        for position[0] in [*range(64), *range(64, length[0], 24)]:
            try:
                token = request_token(url, LINE)
            except TimestampError as exc:
                sentences.add(str(exc).split(" (")[0])
            else:
                assert token_imprint(token) == HEAD
    assert {f"The answer from {url} is not a time stamp.",
            f"The answer from {url} does not hold a readable time stamp."} <= sentences, sentences
