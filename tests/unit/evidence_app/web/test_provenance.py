"""Provenance and the SNTP clock offset, against a real SNTP server on 127.0.0.1 with a known skew."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from evidence_app.web.provenance import collect
from evidence_app.web.sntp import PACKET, TimeServerError, clock_offset, server_answer


def serve(skew: float, *, answer=None) -> Iterator[int]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.settimeout(0.2)
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                request, peer = sock.recvfrom(512)
            except (TimeoutError, socket.timeout):
                continue
            reply = answer(request) if answer else server_answer(request, time.time(), skew=skew)
            sock.sendto(reply, peer)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield sock.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        sock.close()


@pytest.fixture
def skewed() -> Iterator[int]:
    yield from serve(42.5)


def test_the_offset_from_a_local_server_is_what_it_was_set_to(skewed: int) -> None:
    found = clock_offset("127.0.0.1", skewed)
    assert found.offset_seconds == pytest.approx(42.5, abs=0.05)
    assert 0 <= found.round_trip_seconds < 0.5 and found.stratum == 2 and "RFC 4330" in found.protocol


def test_an_answer_that_does_not_echo_the_question_is_refused() -> None:
    def forged(request: bytes) -> bytes:
        fields = list(PACKET.unpack(server_answer(request, time.time())))
        fields[8] ^= 1  # originate timestamp changed: a replayed or forged answer
        return PACKET.pack(*fields)

    port = next(gen := serve(0, answer=forged))
    try:
        with pytest.raises(TimeServerError, match="not an answer to this computer's question"):
            clock_offset("127.0.0.1", port)
    finally:
        next(gen, None)


def test_an_unsynchronised_server_is_refused() -> None:
    port = next(gen := serve(0, answer=lambda r: server_answer(r, time.time(), stratum=0)))
    try:
        with pytest.raises(TimeServerError, match="its own clock is not set"):
            clock_offset("127.0.0.1", port)
    finally:
        next(gen, None)


def test_no_server_answering_is_a_sentence_not_a_stop() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        record = collect(app_version="0.1.0", qt_version="6.12.0", chromium_version="130", user_agent="UA",
                         time_server="127.0.0.1", time_server_port=port, timeout=0.3)
    assert record.clock_offset_seconds is None
    assert "could not be asked" in record.offset_problem or "not an answer" in record.offset_problem
    assert any(line.startswith("Clock offset:         not measured") for line in record.describe())


def test_provenance_names_versions_system_zone_and_offset(skewed: int) -> None:
    record = collect(app_version="0.1.0", qt_version="6.12.0", chromium_version="130.0", user_agent="Mozilla/5.0 X",
                     time_server="127.0.0.1", time_server_port=skewed)
    data = record.to_json()
    assert data["clock_offset_seconds"] == pytest.approx(42.5, abs=0.05)
    assert data["operating_system"] and data["time_zone"] and data["user_agent"] == "Mozilla/5.0 X"
    assert "Chromium 130.0" in "\n".join(record.describe())


def test_the_case_journals_it_and_the_export_carries_it(case, usb) -> None:
    import json

    from evidence_app import verify_bundle
    from evidence_app.web.provenance import provenance_lines
    from tests.helpers.bundles import export, members
    from tests.unit.evidence_app.web.test_responses import make_record

    record = collect(app_version="0.1.0", qt_version="6.12.0", chromium_version="140.0", user_agent="UA/1")
    event = case.record_provenance(record.to_json())
    assert event.kind == "provenance" and event.data["chromium_version"] == "140.0"
    assert "Qt 6.12.0, Chromium 140.0" in "\n".join(provenance_lines(event.data))
    assert provenance_lines({"odd": 1}) == ["odd: 1"]
    assert case.record_provenance(record.to_json()) is None  # once per opening of the case
    responses = case.record_responses(make_record())

    result = export(case, usb)
    files = {info.name.split("/", 1)[1]: data for info, data in members(result) if info.isfile()}
    lines = files["data/provenance/provenance.jsonl"].decode().splitlines()
    assert [json.loads(line)["user_agent"] for line in lines] == ["UA/1"]
    assert "Qt 6.12.0, Chromium 140.0" in files["data/summary.txt"].decode()
    assert files["data/responses/R0001.json"] == case.read_blob_of(responses)
    assert verify_bundle(result.folder, result.passphrase).ok
