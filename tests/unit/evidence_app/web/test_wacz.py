"""The recorded responses as a WACZ: py-wacz validates it, warcio reads every record, no picture is in it."""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
import surt
from hypothesis import given, settings
from hypothesis import strategies as st

from evidence_app.web.bodies import BodyRule
from evidence_app.web.responses import BodyRecord, PageResponses, ResponseRecord
from evidence_app.web.wacz import (
    RecordedPage,
    InMemoryWarcWriter,
    checked,
    measure,
    payload_allowed,
    surt_key,
    wacz_chunks,
)
from tests.helpers.images import make_png
from tests.helpers.web_archive import (
    assert_py_wacz_valid,
    every_layer,
    indexed_by_webrecorder,
    our_index,
    warc_records,
)
from tests.unit.evidence_app.web.test_responses import make_record

MARKER = b"PICTURE-MARKER-5f0c1e"
PICTURE = make_png(8, 8) + MARKER  # a real PNG, with a marker to look for after it
CREATED = "2026-11-29T07:00:00Z"


def _response(url: str, mime: str, resource: str, body: bytes | None, rule: BodyRule, status: int = 200,
              headers: dict[str, str] | None = None) -> ResponseRecord:
    record = None if body is None else BodyRecord(rule, hashlib.sha256(body).hexdigest(), len(body))
    return ResponseRecord("GET", url, status, {"Host": "127.0.0.1:8443", "Accept": "*/*"},
                          headers or {"Content-Type": mime, "Content-Encoding": "gzip"}, "127.0.0.1", 8443,
                          "http/1.1", mime, resource, 900, 1.76e9, body=record)


def pages_with_a_picture() -> list[RecordedPage]:
    """A page, its JSON, its picture (hash only), and a picture labelled as HTML that someone put among the bodies."""
    html = b"<html><img src=a.png><script src=feed.json></script></html>"
    feed = json.dumps({"post": "a comment \u2013 the evidence"}).encode()
    disguised = _response("https://127.0.0.1:8443/b", "text/html", "Document", PICTURE, BodyRule.KEEP)
    page = PageResponses("https://127.0.0.1:8443/", (
        _response("https://127.0.0.1:8443/", "text/html", "Document", html, BodyRule.KEEP),
        _response("https://127.0.0.1:8443/feed.json?b=2&a=1", "application/json", "XHR", feed, BodyRule.KEEP),
        _response("https://127.0.0.1:8443/a.png", "image/png", "Image", PICTURE, BodyRule.HASH_ONLY),
        disguised,
        _response("https://127.0.0.1:8443/old", "text/html", "Document", None, BodyRule.KEEP, status=301,
                  headers={"Location": "/"})),
        {hashlib.sha256(b).hexdigest(): b for b in (html, feed, PICTURE)})
    return [RecordedPage("R0001", "2026-11-29T06:00:00Z", page), RecordedPage("R0002", "2026-11-29T06:01:00Z",
                                                                              make_record())]


def wacz_of(pages: list[RecordedPage]) -> bytes:
    return b"".join(wacz_chunks(pages, case_id="EV-TEST", created=CREATED))


def test_py_wacz_validates_it_and_warcio_reads_every_record(tmp_path: Path) -> None:
    data = wacz_of(pages_with_a_picture())
    assert_py_wacz_valid(data, tmp_path)
    records = warc_records(data)
    kinds = [kind for kind, *_ in records]
    assert kinds[0] == "warcinfo"
    assert kinds.count("request") == 7 and kinds.count("response") == 4 and kinds.count("metadata") == 3
    by_url = {(kind, headers["WARC-Target-URI"]): (headers, http, payload)
              for kind, headers, http, payload in records if kind != "warcinfo"}
    headers, http, payload = by_url[("response", "https://127.0.0.1:8443/feed.json?b=2&a=1")]
    assert json.loads(payload) == {"post": "a comment \u2013 the evidence"}
    assert headers["WARC-IP-Address"] == "127.0.0.1" and headers["WARC-Payload-Digest"] == \
        "sha256:" + hashlib.sha256(payload).hexdigest()
    assert b"X-Archive-Orig-Content-Encoding: gzip" in http and b"\r\nContent-Encoding" not in http
    assert by_url[("response", "https://127.0.0.1:8443/old")][1].startswith(b"HTTP/1.1 301 Moved Permanently")
    assert by_url[("request", "https://127.0.0.1:8443/a.png")][1].startswith(b"GET /a.png HTTP/1.1")


def test_a_picture_leaves_its_hash_and_no_bytes_in_any_layer() -> None:
    data = wacz_of(pages_with_a_picture())
    layers = every_layer(data)
    assert len(layers) > 6  # the zip, its members, the WARC inflated
    assert not any(MARKER in layer or PICTURE[:16] in layer for layer in layers)
    withheld = {headers["WARC-Target-URI"]: payload.decode() for kind, headers, _, payload in warc_records(data)
                if kind == "metadata"}
    picture_hash = hashlib.sha256(PICTURE).hexdigest()
    for url in ("https://127.0.0.1:8443/a.png", "https://127.0.0.1:8443/b"):
        assert "evidence-body-kept: no" in withheld[url]
        assert f"evidence-body-sha256: {picture_hash}" in withheld[url]
        assert f"evidence-body-size: {len(PICTURE)}" in withheld[url]
    assert "http-header: Content-Type: image/png" in withheld["https://127.0.0.1:8443/a.png"]


@pytest.mark.parametrize("change", ["rule", "mime", "resource", "hash"])
def test_only_a_kept_text_body_that_matches_its_hash_is_payload(change: str) -> None:
    text = b"<p>text</p>"
    response = _response("https://x.test/", "text/html", "Document", text, BodyRule.KEEP)
    assert payload_allowed(response, text)
    changed = {"rule": replace(response, body=replace(response.body, rule=BodyRule.HASH_ONLY)),
               "mime": replace(response, mime_type="image/svg"), "resource": replace(response, resource_type="Image"),
               "hash": response}[change]
    assert not payload_allowed(changed, text + b" " if change == "hash" else text)
    assert not payload_allowed(response, None)


def test_the_index_is_the_one_webrecorders_indexer_makes() -> None:
    data = wacz_of(pages_with_a_picture())
    ours = our_index(data)
    assert ours == indexed_by_webrecorder(data)
    assert len(ours.splitlines()) == 4  # the response records; requests and metadata are not replayed
    pages = zipfile.ZipFile(io.BytesIO(data)).read("pages/pages.jsonl").decode().splitlines()
    assert json.loads(pages[0])["format"] == "json-pages-1.0"
    assert [json.loads(line)["url"] for line in pages[1:]] == ["https://127.0.0.1:8443/", "https://example.test/"]


def test_the_same_pages_make_the_same_bytes_and_a_change_is_refused() -> None:
    pages = pages_with_a_picture()
    size, sha256 = measure(wacz_chunks(pages, case_id="EV-TEST", created=CREATED))
    assert b"".join(checked(wacz_chunks(pages, case_id="EV-TEST", created=CREATED), size, sha256)) == wacz_of(pages)
    other = [pages[0], replace(pages[1], record_id="R0009")]
    with pytest.raises(ValueError, match="came out differently"):
        b"".join(checked(wacz_chunks(other, case_id="EV-TEST", created=CREATED), size, sha256))
    with pytest.raises(ValueError, match="came out differently"):  # as many bytes, other bytes
        b"".join(checked(wacz_chunks(pages, case_id="EV-TEST", created=CREATED), size, "0" * 64))


def test_the_checker_is_not_a_formality_a_changed_file_fails_it(tmp_path: Path) -> None:
    data = wacz_of(pages_with_a_picture())
    changed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(changed, "w") as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info, content.replace(b"R0001", b"R0009") if info.filename == "pages/pages.jsonl"
                            else content)
    with pytest.raises(AssertionError, match="Validation failed"):
        assert_py_wacz_valid(changed.getvalue(), tmp_path)


def test_an_empty_case_still_makes_a_valid_wacz(tmp_path: Path) -> None:
    assert_py_wacz_valid(wacz_of([]), tmp_path)


def test_warcio_is_never_allowed_to_buffer_a_record_on_disk() -> None:
    with pytest.raises(RuntimeError, match="on disk"):
        InMemoryWarcWriter._create_temp_file()


hosts = st.lists(st.from_regex(r"[a-z][a-z0-9-]{0,8}[a-z0-9]", fullmatch=True), min_size=1, max_size=4)
segment = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="/?#\\"),
                  min_size=1, max_size=8)
paths = st.lists(st.one_of(st.from_regex(r"[A-Za-z0-9._~-]{1,8}", fullmatch=True), segment)
                 .filter(lambda t: t.strip(".") != ""), max_size=3)  # the browser resolves "." and ".." first
queries = st.lists(st.from_regex(r"[a-z]{1,4}=[A-Za-z0-9%]{0,4}", fullmatch=True), max_size=3)


@settings(max_examples=200, deadline=None)
@given(scheme=st.sampled_from(["http", "https"]), www=st.booleans(), labels=hosts,
       port=st.sampled_from([None, 80, 443, 8443]), path=paths, query=queries)
def test_the_sort_key_is_the_one_the_webrecorder_tools_make(scheme, www, labels, port, path, query) -> None:
    host = ".".join((["www"] if www else []) + labels + ["com"])
    url = f"{scheme}://{host}{f':{port}' if port else ''}/{'/'.join(path)}{'?' + '&'.join(query) if query else ''}"
    assert surt_key(url) == surt.surt(url)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8000/a?x=1", "https://localhost/", "https://Example.COM/A/b.html",
                                 "http://www2.example.org:80/?b=1&a=2#frag"])
def test_the_sort_key_of_addresses_the_review_meets(url: str) -> None:
    assert surt_key(url) == surt.surt(url)


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
header_maps = st.dictionaries(text, text, max_size=4)
any_response = st.builds(
    ResponseRecord, method=st.sampled_from(["GET", "POST", "OPTIONS"]),
    url=st.one_of(text.map(lambda t: f"https://h.example/{t}"), text), status=st.integers(0, 999),
    request_headers=header_maps, response_headers=header_maps, remote_ip=st.one_of(st.sampled_from(["", "127.0.0.1", "::1"]), text),
    remote_port=st.integers(0, 65535), protocol=text, mime_type=st.sampled_from(["text/html", "image/png", "", "x"]),
    resource_type=st.sampled_from(["Document", "Image", "XHR", ""]), size=st.integers(0, 10**9),
    started=st.floats(allow_nan=True, allow_infinity=True), status_text=text,
    body=st.one_of(st.none(), st.builds(BodyRecord, st.sampled_from(list(BodyRule)), st.just("00" * 32),
                                        st.integers(0, 10**6))))


@settings(max_examples=60, deadline=None)
@given(responses=st.lists(any_response, max_size=4), body=st.binary(max_size=64), page_url=text)
def test_whatever_a_record_holds_the_archive_reads_back_record_for_record(responses, body, page_url) -> None:
    """Hostile or odd records (newlines in addresses and headers, odd times and statuses) still make one record each."""
    digest = hashlib.sha256(body).hexdigest()
    responses = [replace(r, body=replace(r.body, sha256=digest, size=len(body))) if r.body is not None else r
                 for r in responses]
    page = PageResponses(page_url, tuple(responses), {digest: body})
    data = wacz_of([RecordedPage("R0001", "2026-11-29T06:00:00.000Z", page)])
    records = warc_records(data)
    web = [r for r in responses if r.url.startswith(("http:", "https:")) and " " not in r.url[:6]]
    assert len(records) == 1 + len(responses) + len(web)  # one record, and a request for each HTTP(S) exchange
    assert [kind for kind, *_ in records].count("request") <= len(web)
    if all(re.fullmatch(r"https://h\.example/[\x21-\x7e]*", r.url) for r in responses):
        assert our_index(data) == indexed_by_webrecorder(data)
    for kind, headers, _, payload in records[1:]:
        assert "\n" not in headers["WARC-Target-URI"] and " " not in headers["WARC-Target-URI"]
        assert set(headers) <= {"WARC-Type", "WARC-Record-ID", "WARC-Date", "WARC-Target-URI", "WARC-IP-Address",
                                "WARC-Protocol", "WARC-Concurrent-To", "WARC-Evidence-Record", "WARC-Evidence-Body",
                                "WARC-Block-Digest", "WARC-Payload-Digest", "Content-Type", "Content-Length"}, headers
        if kind == "response" and payload:
            assert payload == body and any(payload_allowed(r, body) for r in responses)


def test_a_record_cannot_add_warc_headers_of_its_own() -> None:
    """A recorded field with a line break in it stays one header's value (else it could forge a record's type)."""
    html = b"<p>text</p>"
    response = replace(_response("https://x.test/a b\r\nWARC-Type: resource", "text/html", "Document", html,
                                 BodyRule.KEEP),
                       remote_ip="127.0.0.1\r\nWARC-Type: resource", protocol="h2\nWARC-Target-URI: https://forged/")
    page = PageResponses("https://x.test/", (response,), {hashlib.sha256(html).hexdigest(): html})
    data = wacz_of([RecordedPage("R0001", "2026-11-29T06:00:00Z", page)])
    warc = zipfile.ZipFile(io.BytesIO(data)).read("archive/data.warc.gz")
    from warcio.archiveiterator import ArchiveIterator

    for record in ArchiveIterator(io.BytesIO(warc)):
        names = [name for name, _ in record.rec_headers.headers]
        assert names.count("WARC-Type") == 1 and names.count("WARC-Target-URI") <= 1, names
        assert "forged" not in str(record.rec_headers.get_header("WARC-Target-URI"))
    assert [kind for kind, *_ in warc_records(data)] == ["warcinfo", "request", "response"]


@pytest.mark.parametrize("started", [0.0, 1.76e9, 4e10, 1e300, float("inf"), float("nan"), -5.0])
def test_any_recorded_time_gives_a_warc_date(started: float) -> None:
    from evidence_app.web.wacz import warc_date

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", warc_date(started))
