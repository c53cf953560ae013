"""A page's response record: it round-trips, the case stores it encrypted, and a changed record is caught."""

from __future__ import annotations

import hashlib
import json

import pytest

from evidence_app import InvalidInput, Kind, TamperDetected
from evidence_app.web.bodies import BodyRule
from evidence_app.web.responses import (
    SCHEMA,
    BodyRecord,
    PageResponses,
    ResponseRecord,
    TlsRecord,
    page_responses_from_bytes,
)

HTML = "<p>post \u2013 text</p>".encode()
IMAGE_SHA = "ab" * 32


def make_record() -> PageResponses:
    tls = TlsRecord("TLS 1.3", "AES_128_GCM", "127.0.0.1", "Evidence Test CA", "X25519", 1.7e9, 1.8e9,
                    ("127.0.0.1",), (b"\x30\x82server", b"\x30\x82ca"))
    page = ResponseRecord("GET", "https://example.test/", 200, {"Host": "example.test"},
                          {"Content-Type": "text/html"}, "192.0.2.7", 443, "h2", "text/html", "Document", 512,
                          1.75e9, "OK", {"requestTime": 1.0, "receiveHeadersEnd": 12.5},
                          BodyRecord(BodyRule.KEEP, hashlib.sha256(HTML).hexdigest(), len(HTML), True), tls)
    image = ResponseRecord("GET", "https://example.test/a.png", 200, {}, {"Content-Type": "image/png"},
                           "192.0.2.7", 443, "h2", "image/png", "Image", 2048, 1.75e9,
                           body=BodyRecord(BodyRule.HASH_ONLY, IMAGE_SHA, 2000))
    return PageResponses("https://example.test/", (page, image), {hashlib.sha256(HTML).hexdigest(): HTML})


def test_a_record_reads_back_as_written() -> None:
    record = make_record()
    assert page_responses_from_bytes(record.to_bytes()) == record
    assert json.loads(record.to_bytes())["schema"] == SCHEMA


def test_the_summary_names_the_server_and_the_certificate() -> None:
    summary = make_record().summary()
    assert summary["document"]["ip"] == "192.0.2.7" and summary["document"]["tls"]["issuer"] == "Evidence Test CA"
    assert (summary["bodies_kept"], summary["bodies_hash_only"], summary["responses"]) == (1, 1, 2)
    assert summary["by_type"] == {"Document": 1, "Image": 1}


@pytest.mark.parametrize("change", [
    lambda r: r.update(schema="other/1"),
    lambda r: r["responses"][0].update(status="200"),
    lambda r: r["responses"][0].update(remote_port=True),
    lambda r: r["responses"][0]["body"].update(rule="kept-everything"),
    lambda r: r["responses"][0]["tls"].update(chain_der=["not base64!"]),
    lambda r: r["responses"][0]["response_headers"].update(X=1),
    lambda r: r["responses"][0].pop("url"),
    lambda r: r["bodies"].update(x={"neither": "text nor base64"}),
])
def test_a_record_of_another_shape_is_refused_with_a_sentence(change) -> None:
    data = json.loads(make_record().to_bytes())
    change(data)
    with pytest.raises(InvalidInput, match="recorded responses cannot be read"):
        page_responses_from_bytes(json.dumps(data).encode())


def test_the_case_stores_it_encrypted_and_journals_the_summary(case) -> None:
    record = make_record()
    event = case.record_responses(record)
    assert event.kind == Kind.RESPONSES and event.data["id"] == "R0001"
    assert event.data["summary"]["document"]["ip"] == "192.0.2.7"
    assert case.read_responses("R0001") == record
    blob = case.folder / "blobs" / f"{event.data['blob']}.blob"
    assert HTML not in blob.read_bytes() and b"192.0.2.7" not in blob.read_bytes()


def test_a_changed_blob_is_caught(case) -> None:
    event = case.record_responses(make_record())
    blob = case.folder / "blobs" / f"{event.data['blob']}.blob"
    data = bytearray(blob.read_bytes())
    data[-5] ^= 1
    blob.write_bytes(bytes(data))
    with pytest.raises(TamperDetected) as caught:
        case.read_responses("R0001")
    assert event.data["blob"] in str(caught.value)


def test_unplayable_media_is_journaled_by_address_and_hash(case) -> None:
    event = case.record_unplayable("https://example.test/clip.mp4", sha256=IMAGE_SHA, size=9,
                                   media_type="video/mp4", page_url="https://example.test/")
    assert dict(event.data) == {"url": "https://example.test/clip.mp4", "page_url": "https://example.test/",
                                "sha256": IMAGE_SHA, "size": 9, "media_type": "video/mp4"}
